import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppError } from '@todo/domain';
import { bounded } from '../src/postgres/bounded.js';
import { connectPostgres, type Sql } from '../src/postgres/connect.js';
import { databaseKinds, type TestDatabase } from '../testing/index.js';

type Outcome = { value: string } | { code: string };

const outcome = (statement: Promise<readonly { v: string }[]>): Promise<Outcome> =>
  statement.then(
    (rows) => ({ value: rows[0]!.v }),
    (error: unknown) => ({ code: error instanceof AppError ? error.code : String(error) }),
  );

for (const kind of databaseKinds) {
  describe(`bounded statements on one connection, ${kind.name}`, { skip: kind.skip }, () => {
    let database: TestDatabase;
    let sql: Sql;
    before(async () => {
      database = await kind.create();
      sql = connectPostgres(database.url, { max: 1, prepare: database.prepare });
    });
    after(async () => {
      await sql?.end({ timeout: 5 });
      await database?.stop();
    });

    it('statements pipelined behind a slow one and timed out, two in a row, never give another statement their result', async () => {
      const sleepy = (v: string, seconds: number) => sql<{ v: string }[]>`select ${v}::text as v from pg_sleep(${seconds})`;
      await sleepy('prepared', 0); // the driver pipelines a statement with parameters once it is prepared
      const slow = outcome(bounded(sleepy('a', 0.4), 5000));
      // Sent behind it on the same connection; their time is up while they wait.
      const late = ['b', 'c'].map((own) => ({ own, answer: outcome(bounded(sleepy(own, 0.3), 100)) }));
      const patient = outcome(bounded(sleepy('d', 0), 5000));

      assert.deepEqual(await slow, { value: 'a' });
      // Cancelled once active (a server), or done if the cancel came too late: never another's rows.
      for (const { own, answer } of late) {
        const got = await answer;
        assert.ok('code' in got ? got.code === 'UNAVAILABLE' : got.value === own, `${own}: ${JSON.stringify(got)}`);
      }
      assert.deepEqual(await patient, { value: 'd' });
      assert.deepEqual(await outcome(bounded(sql<{ v: string }[]>`select 'e' as v`, 5000)), { value: 'e' });
    });
  });
}
