import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectPostgres, type Sql } from '@todo/infrastructure';
import { createServerDatabase, serverSkip, serverUrl, type TestDatabase } from '@todo/infrastructure/testing';
import { startServiceProcess } from '../testing/service-process.js';
import { TEST_SECRET } from '../testing/test-secret.js';

/**
 * Issue 9 item 12: start-up while the database's backends are being terminated (a restart,
 * a failover, an operator) either comes up or exits with one clear line; it never dies of
 * the driver's uncaught TypeError (postgres.js #1208).
 */
describe('start-up under a loop of pg_terminate_backend (TEST_DATABASE_URL)', { skip: serverSkip }, () => {
  let database: TestDatabase;
  let admin: Sql;
  let dir: string;
  before(async () => {
    database = await createServerDatabase();
    admin = connectPostgres(serverUrl!, { max: 1, prepare: false });
    dir = await mkdtemp(join(tmpdir(), 'tasks-api-'));
  });
  after(async () => {
    await admin?.end({ timeout: 1 });
    await database?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('comes up, or exits with one fatal line, in every start; never an uncaught driver error', async () => {
    const dbName = new URL(database.url).pathname.slice(1);
    let stop = false;
    const killer = (async () => {
      while (!stop) {
        await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${dbName} and pid <> pg_backend_pid()`;
        await new Promise((later) => setTimeout(later, 10 + Math.random() * 40));
      }
    })();
    const outcomes: string[] = [];
    try {
      for (let start = 0; start < 4; start++) {
        if (start === 2) await admin`drop schema public cascade; create schema public`.catch(() => {}); // migrations pending again
        try {
          const service = await startServiceProcess({ BETTER_AUTH_SECRET: TEST_SECRET, DATABASE_URL: database.url, DB_STARTUP_TIMEOUT_MS: '1500' }, dir);
          outcomes.push('listening');
          await service.stop();
        } catch (error) {
          const { stderr, logs } = error as { stderr: string; logs: Record<string, unknown>[] };
          assert.doesNotMatch(stderr, /TypeError|Uncaught|node_modules/, 'no uncaught driver error');
          const fatal = logs.filter((line) => line['level'] === 'fatal' || line['level'] === 60);
          assert.equal(fatal.length, 1, `one fatal line: ${JSON.stringify(logs)}`);
          outcomes.push('exited');
        }
      }
    } finally {
      stop = true;
      await killer;
    }
    assert.equal(outcomes.length, 4, outcomes.join(' '));
  });
});
