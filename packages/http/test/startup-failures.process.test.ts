import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LOCK_FILE, lockDataDir } from '@todo/infrastructure';
import { serverSkip, serverUrl } from '@todo/infrastructure/testing';
import { childEnv, MAIN_JS, NODE_FLAGS } from '../testing/service-process.js';

const PASSWORD = 's3cret-pw';
/**
 * The target: exit within 3 s. On a shared machine every step is slower by the same factor as
 * loading the code, so that time (measured now, counted twice) is added: a hang still fails.
 */
const BOUND_MS = 3000;
/**
 * An unreachable database is retried for DB_STARTUP_TIMEOUT_MS (2 s by default); these rows test
 * the line printed once it gives up, without waiting for the retries.
 */
const NO_RETRY = { DB_STARTUP_TIMEOUT_MS: '0' };

interface Outcome {
  readonly code: number | null;
  readonly ms: number;
  readonly lines: Record<string, unknown>[];
  readonly stdout: string;
  readonly stderr: string;
}

async function runMain(env: Record<string, string>, cwd: string): Promise<Outcome> {
  const started = performance.now();
  const child = spawn(process.execPath, [...NODE_FLAGS, MAIN_JS], { cwd, env: childEnv({ NODE_ENV: 'production', BETTER_AUTH_SECRET: 'x'.repeat(40), ...env }), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(killer);
  const ms = performance.now() - started;
  const lines = stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
  return { code, ms, lines, stdout, stderr };
}

/** How long Node takes here and now to load what the service is made of, and do nothing. */
async function loadingMs(): Promise<number> {
  const started = performance.now();
  const service = new URL('../src/service.js', import.meta.url).href;
  await once(spawn(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(service)})`]), 'exit');
  return performance.now() - started;
}

function listen(server: Server): Promise<number> {
  return new Promise((listening) => server.listen(0, '127.0.0.1', () => listening((server.address() as { port: number }).port)));
}

describe('every start-up failure: exit 1 promptly, one line naming the setting, no secret, no lock left', { timeout: 120_000 }, () => {
  let dir: string;
  let busy: Server;
  let busyPort: number;
  let closedPort: number;
  let releaseHeld: () => Promise<void>;
  let baseline: number;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tasks-startup-'));
    busy = createServer();
    busyPort = await listen(busy);
    const closed = createServer();
    closedPort = await listen(closed);
    await new Promise((done) => closed.close(done));
    await writeFile(join(dir, 'a-file'), 'not a directory');
    releaseHeld = await lockDataDir(join(dir, 'held')); // held by this live process, as a running server holds it
    baseline = await loadingMs();
  });
  after(async () => {
    busy.close();
    await releaseHeld();
    await rm(dir, { recursive: true, force: true });
  });

  const pg = (user: string, database: string) => {
    const url = new URL(serverUrl ?? 'postgres://localhost');
    url.username = user;
    url.password = PASSWORD;
    url.pathname = `/${database}`;
    return url.toString();
  };
  const rows: { name: string; env: () => Record<string, string>; says: RegExp; dataDir?: () => string; skip?: string | false }[] = [
    { name: 'busy port', env: () => ({ PORT: String(busyPort), DATA_DIR: join(dir, 'busy') }), says: /Port \d+ is already in use.*set PORT/, dataDir: () => join(dir, 'busy') },
    { name: 'bad config value', env: () => ({ PORT: 'eighty' }), says: /PORT must be a whole number/ },
    { name: 'production without a secret', env: () => ({ BETTER_AUTH_SECRET: 'short' }), says: /BETTER_AUTH_SECRET must be set/ },
    { name: 'DATABASE_URL with a port that is not a number', env: () => ({ DATABASE_URL: `postgres://tasks:${PASSWORD}@localhost:abc/tasks` }), says: /DATABASE_URL has a port that is not a number/ },
    { name: 'DATABASE_URL of another kind', env: () => ({ DATABASE_URL: 'mysql://localhost/tasks' }), says: /DATABASE_URL must be a postgres:\/\// },
    { name: 'DATABASE_URL refused', env: () => ({ DATABASE_URL: `postgres://tasks:${PASSWORD}@127.0.0.1:${closedPort}/tasks`, ...NO_RETRY }), says: /127\.0\.0\.1:\d+.*connection refused.*DATABASE_URL/ },
    { name: 'DATABASE_URL unknown host', env: () => ({ DATABASE_URL: `postgres://tasks:${PASSWORD}@no-such-host.invalid/tasks`, ...NO_RETRY }), says: /"no-such-host\.invalid" is unknown.*DATABASE_URL/ },
    {
      name: 'DATABASE_URL no such database', env: () => ({ DATABASE_URL: pg(new URL(serverUrl!).username || 'postgres', 'first_run_no_such_database'), ...NO_RETRY }),
      says: /Database "first_run_no_such_database" does not exist.*createdb.*DATABASE_URL/, skip: serverSkip,
    },
    {
      name: 'DATABASE_URL wrong role', env: () => ({ DATABASE_URL: pg('first_run_no_such_role', new URL(serverUrl!).pathname.slice(1)), ...NO_RETRY }),
      says: /refused (role "first_run_no_such_role"|the password).*DATABASE_URL/, skip: serverSkip,
    },
    { name: 'unwritable DATA_DIR', env: () => ({ DATA_DIR: join(dir, 'a-file', 'data') }), says: /Cannot write the embedded database's directory .*set DATA_DIR/ },
    { name: 'embedded database locked', env: () => ({ DATA_DIR: join(dir, 'held') }), says: new RegExp(`in use by process ${process.pid}.*set DATA_DIR`) },
  ];

  // Two at a time: each row is a whole process start.
  const outcomes = new Map<string, Promise<Outcome>>();
  const run = (name: string, env: Record<string, string>) => {
    const index = [...outcomes.keys()].length;
    const previous = index >= 2 ? [...outcomes.values()][index - 2]! : Promise.resolve();
    outcomes.set(name, previous.catch(() => {}).then(() => runMain(env, dir)));
  };
  before(() => {
    for (const row of rows) if (!row.skip) run(row.name, row.env());
  });

  for (const row of rows) {
    it(row.name, { skip: row.skip ?? false }, async () => {
      const outcome = await outcomes.get(row.name)!;
      const output = outcome.stdout + outcome.stderr;
      assert.equal(outcome.code, 1, output);
      assert.ok(outcome.ms <= BOUND_MS + 2 * baseline, `exited after ${Math.round(outcome.ms)} ms (loading the code alone: ${Math.round(baseline)} ms)`);
      const failures = outcome.lines.filter((line) => line['level'] === 'fatal' || line['level'] === 'error');
      assert.equal(failures.length, 1, output);
      assert.match(String(failures[0]!['msg']), row.says);
      assert.equal(failures[0]!['err'], undefined, 'an expected failure carries no error object (no stack)');
      assert.equal(outcome.stderr, '');
      assert.ok(!output.includes(PASSWORD), 'the password never shows');
      assert.ok(!/\n\s+at /.test(output), 'no stack trace');
      if (row.dataDir !== undefined) assert.equal(existsSync(join(row.dataDir(), LOCK_FILE)), false, 'no lock left behind');
    });
  }

  it('leaves the lock of the live holder in place', () => {
    assert.ok(existsSync(join(dir, 'held', LOCK_FILE)));
  });
});
