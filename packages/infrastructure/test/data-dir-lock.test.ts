import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DataDirInUseError, LOCK_FILE, lockDataDir, startTimeOf } from '../src/index.js';

describe('the embedded database directory lock', () => {
  let dir: string;
  let other: ReturnType<typeof spawn>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tasks-lock-'));
    other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' }); // a live process that is not the holder
  });
  after(async () => {
    other.kill();
    await rm(dir, { recursive: true, force: true });
  });
  const lockIn = (name: string) => join(dir, name, LOCK_FILE);

  it('records this process by pid and start time, and releases', async () => {
    const release = await lockDataDir(join(dir, 'mine'));
    assert.equal(await readFile(lockIn('mine'), 'utf8'), `${process.pid} ${startTimeOf(process.pid)}`);
    await release();
    await assert.rejects(readFile(lockIn('mine')), { code: 'ENOENT' });
  });

  it('refuses a directory whose holder still runs', async () => {
    const release = await lockDataDir(join(dir, 'held'));
    await writeFile(lockIn('held'), `${other.pid} ${startTimeOf(other.pid!)}`); // as that process would have written it
    await assert.rejects(lockDataDir(join(dir, 'held')), (error: unknown) => error instanceof DataDirInUseError && error.pid === other.pid);
    await release();
  });

  it('takes over a lock whose pid now belongs to another process (a reused pid)', async () => {
    const release = await lockDataDir(join(dir, 'reused'));
    await writeFile(lockIn('reused'), `${other.pid} 1`); // the same pid, started at another time: not the holder
    const again = await lockDataDir(join(dir, 'reused'));
    assert.match(await readFile(lockIn('reused'), 'utf8'), new RegExp(`^${process.pid} `));
    await again();
    await release();
  });

  it('takes over a lock of a process that is gone, also in the older pid-only format', async () => {
    const gone = spawn(process.execPath, ['-e', '0']);
    await new Promise((exited) => gone.once('exit', exited));
    for (const recorded of [`${gone.pid}`, `${gone.pid} 12345`]) {
      const release = await lockDataDir(join(dir, 'gone'));
      await release();
      await writeFile(lockIn('gone'), recorded);
      const taken = await lockDataDir(join(dir, 'gone'));
      await taken();
    }
  });
});
