import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectPostgres } from '../src/postgres/connect.js';
import { withoutClientOnlyParameters } from '../src/postgres/connection-url.js';
import { serverSkip, serverUrl } from '../testing/index.js';

const NEON = 'postgresql://neondb_owner:p%40ss@ep-cool-123-pooler.eu-central-1.aws.neon.tech/neondb';

describe('withoutClientOnlyParameters', () => {
  it("drops Neon's channel_binding and keeps sslmode", () => {
    assert.equal(withoutClientOnlyParameters(`${NEON}?sslmode=require&channel_binding=require`), `${NEON}?sslmode=require`);
  });

  it('keeps server settings and postgres.js options, in order', () => {
    const url = `${NEON}?application_name=tasks&keepalives=1&options=-c%20statement_timeout%3D5s&connect_timeout=3&sslcert=a.crt`;
    assert.equal(withoutClientOnlyParameters(url), `${NEON}?application_name=tasks&options=-c+statement_timeout%3D5s&connect_timeout=3`);
  });

  it('leaves a URL without parameters, or with nothing left, as it was', () => {
    assert.equal(withoutClientOnlyParameters(NEON), NEON);
    assert.equal(withoutClientOnlyParameters(`${NEON}?channel_binding=prefer`), NEON);
  });

  it('turns sslrootcert=system into the verification postgres.js gives it', () => {
    assert.equal(withoutClientOnlyParameters(`${NEON}?sslmode=require&sslrootcert=system`), `${NEON}?sslmode=verify-full`);
  });
});


// The embedded database ignores startup parameters, so only a real server can refuse them.
describe('connectPostgres with a Neon-style URL → PostgreSQL server', { skip: serverSkip }, () => {
  it('connects although the URL asks for channel_binding, and passes server settings on', async () => {
    const separator = serverUrl!.includes('?') ? '&' : '?';
    const sql = connectPostgres(`${serverUrl}${separator}channel_binding=require&application_name=tasks-test`, { max: 1, prepare: false });
    try {
      const [row] = await sql<{ name: string }[]>`select current_setting('application_name') as name`;
      assert.equal(row?.name, 'tasks-test');
    } finally {
      await sql.end({ timeout: 1 });
    }
  });
});
