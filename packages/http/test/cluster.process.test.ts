import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createServerDatabase, serverSkip } from '@todo/infrastructure/testing';
import { type JsonLog, jsonLog, MAIN_JS, NODE_FLAGS } from '../testing/service-process.js';


interface Started extends JsonLog {
  exit: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

/** main.js as it runs in production, on a free port, its JSON log lines collected. */
function startMain(env: Record<string, string>): Started {
  const child = spawn(process.execPath, [...NODE_FLAGS, MAIN_JS], {
    env: { PATH: process.env['PATH'] ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { ...jsonLog(child), exit, kill: (signal) => child.kill(signal) };
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

  it('runs two workers on one port with DATABASE_URL; SIGTERM stops both and exits 0', { skip: serverSkip }, async () => {
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
