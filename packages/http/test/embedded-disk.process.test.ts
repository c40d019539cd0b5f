import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mintDevelopmentToken } from '@todo/infrastructure';
import { type ServiceProcess, startServiceProcess, TEST_SECRET } from '../testing/index.js';

// The embedded database on a real disk, as a process: what reaches the disk at commit, what a
// disk fault or a kill -9 does to it.

const SECRET = { BETTER_AUTH_SECRET: TEST_SECRET };
const onLinux = process.platform === 'linux';
const strace = onLinux && hasCommand('strace', ['-V']);
const root = onLinux && process.getuid?.() === 0 && hasCommand('mount', ['--version']);

function hasCommand(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function authFor(user: string): Promise<Record<string, string>> {
  const token = await mintDevelopmentToken(TEST_SECRET, { userId: user, ttlSeconds: 600 });
  return { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
}

async function create(service: ServiceProcess, auth: Record<string, string>, title: string): Promise<number> {
  const response = await fetch(`${service.url}/api/tasks`, { method: 'POST', headers: auth, body: JSON.stringify({ title }) });
  await response.arrayBuffer();
  return response.status;
}

/** Writes zeros to `path` until the file system is full. */
async function fillDisk(path: string): Promise<void> {
  const file = await open(path, 'w');
  const chunk = Buffer.alloc(256 * 1024);
  try {
    for (;;) await file.write(chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    await file.close();
  }
}

describe('the embedded database on disk', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tasks-api-disk-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('flushes the WAL to disk (fdatasync) for every acknowledged commit', { skip: strace ? false : 'needs Linux and strace' }, async () => {
    const log = join(dir, 'strace.log');
    const traced = await startServiceProcess(
      { ...SECRET, DATA_DIR: join(dir, 'flush') },
      dir,
      ['strace', '-f', '--seccomp-bpf', '-qq', '-y', '-e', 'trace=fsync,fdatasync', '-e', 'signal=none', '-o', log],
    );
    const walFlushes = async () => ((await readFile(log, 'utf8')).match(/fdatasync\(\d+<[^>]*\/pg_wal\/[0-9A-F]{24}>\) = 0/g) ?? []).length;
    try {
      const auth = await authFor('flusher');
      const before = await walFlushes();
      const commits = 20;
      for (let i = 0; i < commits; i++) assert.equal(await create(traced, auth, `durable ${i}`), 201);
      const flushes = (await walFlushes()) - before;
      assert.ok(flushes >= commits, `${flushes} WAL flushes for ${commits} acknowledged commits`);
    } finally {
      // The child is strace: stop the service under it, strace exits with it.
      const node = Number((await readFile(`/proc/${traced.child.pid}/task/${traced.child.pid}/children`, 'utf8')).trim().split(' ')[0]);
      const exited = once(traced.child, 'exit');
      process.kill(node, 'SIGTERM');
      await exited;
    }
  });

  it('a full disk: 503s, then recovery once space is freed, or a prompt exit with one fatal line; never a hang', { skip: root ? false : 'needs Linux, root and mount' }, async () => {
    const mountPoint = join(dir, 'small-disk');
    await mkdir(mountPoint);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', mountPoint]);
    try {
      const env = { ...SECRET, DATA_DIR: join(mountPoint, 'data'), DB_TIMEOUT_MS: '2000', RATE_LIMIT_PER_MINUTE: '100000' };
      const auth = await authFor('filler');
      const service = await startServiceProcess(env, dir);
      const exit = once(service.child, 'exit').then(([code]) => code as number | null);
      assert.equal(await create(service, auth, 'before the disk filled'), 201);
      const filler = join(mountPoint, 'filler');
      await fillDisk(filler);

      // Creates until the disk refuses one: the table grows a page every few dozen rows.
      const deadline = Date.now() + 20_000;
      let status = 201;
      for (let i = 0; status === 201 && Date.now() < deadline; i++) status = await create(service, auth, `filling ${i}`).catch(() => 503);
      // 53100 (disk_full) is a 503 once class-53 errors are mapped as such (defects-data's issue 9 item); 500 until then.
      assert.ok(status === 503 || status === 500, `a create on a full disk is refused, not hung: ${status}`);

      await rm(filler);
      const outcome = await Promise.race([
        exit.then((code) => ({ exited: code })),
        (async () => {
          while (Date.now() < deadline + 10_000) {
            if ((await create(service, auth, 'after space came back').catch(() => 0)) === 201) return { recovered: true };
            await new Promise((later) => setTimeout(later, 200));
          }
          return { hung: true };
        })(),
      ]);
      if ('exited' in outcome) {
        assert.notEqual(outcome.exited, 0);
        const fatal = service.logs.filter((line) => line['level'] === 'fatal');
        assert.equal(fatal.length, 1, JSON.stringify(service.logs));
        assert.match(String(fatal[0]!['msg']), /disk is full.*DATA_DIR/);
      } else {
        assert.deepEqual(outcome, { recovered: true });
        assert.equal((await fetch(`${service.url}/health`)).status, 200);
        assert.equal(await service.stop(), 0);
      }

      const again = await startServiceProcess(env, dir);
      try {
        const listed = (await (await fetch(`${again.url}/api/tasks`, { headers: auth })).json()) as { data: { title: string }[] };
        assert.ok(listed.data.some((t) => t.title === 'before the disk filled'));
      } finally {
        await again.stop();
      }
    } finally {
      execFileSync('umount', ['-l', mountPoint]);
    }
  });

  it('kill -9 under load, twice: every acknowledged create is there after the restart', async () => {
    const env = { ...SECRET, DATA_DIR: join(dir, 'killed'), RATE_LIMIT_PER_MINUTE: '100000' };
    const auth = await authFor('survivor');
    const acknowledged: string[] = [];
    for (let round = 0; round < 2; round++) {
      const service = await startServiceProcess(env, dir);
      let n = 0;
      const writers = Array.from({ length: 4 }, async () => {
        for (;;) {
          const title = `r${round}-${n++}`;
          const status = await create(service, auth, title).catch(() => 0);
          if (status !== 201) return;
          acknowledged.push(title);
        }
      });
      const until = Date.now() + 10_000;
      const atStart = acknowledged.length;
      while (acknowledged.length < atStart + 20 && Date.now() < until) await new Promise((later) => setTimeout(later, 50));
      await service.stop('SIGKILL');
      await Promise.all(writers);
    }
    const service = await startServiceProcess(env, dir);
    try {
      const body = (await (await fetch(`${service.url}/api/tasks`, { headers: auth })).json()) as { data: { title: string }[] };
      const titles = new Set(body.data.map((task) => task.title));
      assert.ok(acknowledged.length > 0, 'some creates were acknowledged');
      assert.deepEqual(acknowledged.filter((title) => !titles.has(title)), []);
    } finally {
      await service.stop();
    }
  });
});
