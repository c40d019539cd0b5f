import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectPostgres } from '../src/postgres/connect.js';
import { startEmbeddedPostgres, THROWAWAY_PREFIX } from '../src/postgres/embedded.js';

// A throwaway embedded database (tests) is a copy of the snapshot in the temp directory (/dev/shm under npm test): it must not outlive
// its process, even one that died without stopping it.

describe('a throwaway embedded database', () => {
  let parent: string;
  let live: ReturnType<typeof spawn>;
  const left: string[] = [];
  before(async () => {
    parent = tmpdir();
    live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  });
  after(async () => {
    live.kill();
    for (const dir of left) await rm(dir, { recursive: true, force: true });
  });
  const ours = async () => (await readdir(parent)).filter((name) => name.startsWith(`${THROWAWAY_PREFIX}${process.pid}-`));

  it('is migrated, lives in its own directory while it runs, and is removed when it stops', async () => {
    const database = await startEmbeddedPostgres(null);
    const sql = connectPostgres(database.url, { max: 1, prepare: true });
    try {
      assert.equal((await sql`select count(*)::int as tasks from tasks`)[0]!['tasks'], 0);
      assert.equal((await ours()).length, 1);
    } finally {
      await sql.end();
      await database.stop();
    }
    assert.deepEqual(await ours(), []);
  });

  it("removes the directories of processes that died, at the next one's start, and only theirs", async () => {
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
    const orphan = join(parent, `${THROWAWAY_PREFIX}${deadPid}-orphan`);
    const living = join(parent, `${THROWAWAY_PREFIX}${live.pid}-living`);
    left.push(orphan, living);
    await mkdir(join(orphan, 'base'), { recursive: true });
    await mkdir(living);
    const database = await startEmbeddedPostgres(null);
    await database.stop();
    const names = await readdir(parent);
    assert.ok(!names.includes(`${THROWAWAY_PREFIX}${deadPid}-orphan`), 'the dead process left it: removed');
    assert.ok(names.includes(`${THROWAWAY_PREFIX}${live.pid}-living`), 'its process still runs: kept');
  });
});
