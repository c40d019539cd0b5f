import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createServerDatabase } from '@todo/infrastructure/testing';

const MAIN = new URL('../src/main.js', import.meta.url);
const serverUrl = process.env['TEST_DATABASE_URL'];

interface Started {
  lines: Record<string, unknown>[];
  /** Resolves with the first log line that satisfies `match`. */
  line(match: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  exit: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

/** main.js as it runs in production, on a free port, its JSON log lines collected. */
function startMain(env: Record<string, string>): Started {
  const child = spawn(process.execPath, [MAIN.pathname], {
    env: { PATH: process.env['PATH'] ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  let buffered = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (buffered + chunk).split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) if (part !== '') lines.push(JSON.parse(part) as Record<string, unknown>);
    for (const wake of waiters.splice(0)) wake();
  });
  const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    lines,
    exit,
    kill: (signal) => child.kill(signal),
    async line(match) {
      for (;;) {
        const found = lines.find(match);
        if (found !== undefined) return found;
        const stillRunning = await Promise.race([new Promise<boolean>((wake) => waiters.push(() => wake(true))), exit.then(() => false)]);
        if (!stillRunning) throw new Error(`exited before the expected log line:\n${lines.map((l) => JSON.stringify(l)).join('\n')}`);
      }
    },
  };
}

const listening = (l: Record<string, unknown>) => typeof l['url'] === 'string';

describe('WEB_CONCURRENCY', { timeout: 60_000 }, () => {
  it('serves from one process on the embedded database, and says why', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tasks-cluster-'));
    try {
      const main = startMain({ WEB_CONCURRENCY: '2', DATA_DIR: dataDir });
      const warning = await main.line((l) => String(l['msg']).startsWith('WEB_CONCURRENCY ignored'));
      assert.equal(warning['level'], 'warn');
      const { url } = await main.line(listening);
      assert.equal((await fetch(`${String(url)}/health`)).status, 200);
      main.kill('SIGTERM');
      assert.equal(await main.exit, 0);
      assert.equal(main.lines.filter(listening).length, 1);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('runs two workers on one port with DATABASE_URL; SIGTERM stops both and exits 0', { skip: serverUrl === undefined || serverUrl === '' ? 'TEST_DATABASE_URL is not set' : false }, async () => {
    const database = await createServerDatabase();
    try {
      const main = startMain({ WEB_CONCURRENCY: '2', DATABASE_URL: database.url });
      await main.line((l) => l['msg'] === 'started 2 workers');
      await main.line(() => main.lines.filter(listening).length >= 2);
      const urls = new Set(main.lines.filter(listening).map((l) => l['url']));
      assert.equal(urls.size, 1, 'the workers share one port');
      assert.equal((await fetch(`${String([...urls][0])}/ready`)).status, 200);
      main.kill('SIGTERM');
      assert.equal(await main.exit, 0);
      assert.equal(main.lines.find((l) => l['msg'] === 'all workers stopped')?.['clean'], true);
    } finally {
      await database.stop();
    }
  });
});
