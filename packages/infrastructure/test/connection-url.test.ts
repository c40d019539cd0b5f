import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectPostgres } from '../src/postgres/connect.js';
import { connectionUrl } from '../src/postgres/connection-url.js';
import { serverSkip, serverUrl } from '../testing/index.js';

const NEON = 'postgresql://neondb_owner:p%40ss@ep-cool-123-pooler.eu-central-1.aws.neon.tech/neondb';

describe('connectionUrl', () => {
  it("drops Neon's channel_binding, names it, and keeps sslmode", () => {
    assert.deepEqual(connectionUrl(`${NEON}?sslmode=require&channel_binding=require`), { url: `${NEON}?sslmode=require`, dropped: ['channel_binding'] });
  });

  it('keeps server settings and postgres.js options, in order, and drops the rest', () => {
    const url = `${NEON}?application_name=tasks&keepalives=1&options=-c%20statement_timeout%3D5s&connect_timeout=3&sslcert=a.crt&foo=1&TimeZone=UTC&myapp.tenant=7`;
    assert.deepEqual(connectionUrl(url), {
      url: `${NEON}?application_name=tasks&options=-c+statement_timeout%3D5s&connect_timeout=3&TimeZone=UTC&myapp.tenant=7`,
      dropped: ['keepalives', 'sslcert', 'foo'],
    });
  });

  it('drops unknown parameters whatever their name: a table of hostile ones', () => {
    for (const name of ['foo', 'FOO', 'debug', 'max', 'prepare', 'user', 'password', 'host', 'fetch_types', '', 'a b', 'x.', '.x', 'ssl mode']) {
      const { url, dropped } = connectionUrl(`${NEON}?${encodeURIComponent(name)}=1`);
      assert.equal(url, NEON, name);
      assert.deepEqual(dropped, [name]);
    }
  });

  it('leaves a URL without parameters, or with nothing left, as it was', () => {
    assert.deepEqual(connectionUrl(NEON), { url: NEON, dropped: [] });
    assert.deepEqual(connectionUrl(`${NEON}?channel_binding=prefer`), { url: NEON, dropped: ['channel_binding'] });
  });

  it('turns sslrootcert=system into the verification postgres.js gives it', () => {
    assert.deepEqual(connectionUrl(`${NEON}?sslmode=require&sslrootcert=system`), { url: `${NEON}?sslmode=verify-full`, dropped: [] });
  });
});


// The embedded database ignores startup parameters, so only a real server can refuse them.
describe('connectPostgres with parameters nothing understands → PostgreSQL server', { skip: serverSkip }, () => {
  it('connects although the URL has sslmode=disable&foo=1&channel_binding=require, passes server settings on, and says what it dropped', async () => {
    const separator = serverUrl!.includes('?') ? '&' : '?';
    const told: string[] = [];
    const sql = connectPostgres(`${serverUrl}${separator}sslmode=disable&foo=1&channel_binding=require&application_name=tasks-test`, {
      max: 1,
      prepare: false,
      onDroppedParameters: (names) => told.push(...names),
    });
    try {
      const [row] = await sql<{ name: string }[]>`select current_setting('application_name') as name`;
      assert.equal(row?.name, 'tasks-test');
      assert.deepEqual(told, ['foo', 'channel_binding']);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });
});
