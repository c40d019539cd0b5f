import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { mintDevelopmentToken } from '@todo/infrastructure';
import { type ServiceProcess, startServiceProcess } from '../testing/service-process.js';
import { TEST_SECRET } from '../testing/test-secret.js';

// The embedded database on a real disk, as a process: what reaches the disk at commit, what a
// disk fault or a kill -9 does to it.

const SECRET = { BETTER_AUTH_SECRET: TEST_SECRET };
const onLinux = process.platform === 'linux';
const strace = onLinux && hasCommand('strace', ['-V']);
const root = onLinux && process.getuid?.() === 0 && hasCommand('mount', ['--version']);
// A real file system that fails on demand: ext4 on a loop device (no device-mapper in this kernel is needed).
const ext4 = root && hasCommand('losetup', ['--version']) && hasCommand('mkfs.ext4', ['-V']) && existsSync('/sys/fs/ext4');
const perl = hasCommand('perl', ['-e', '1']);

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
  return (await post(service, auth, title)).status;
}

interface Answer {
  /** 0: no answer (connection refused or reset: the service is going or gone). */
  readonly status: number;
  readonly code?: string | undefined;
  readonly retryAfter?: string | null;
  /** When it settled (Date.now()). */
  readonly at: number;
}

async function post(service: ServiceProcess, auth: Record<string, string>, title: string): Promise<Answer> {
  try {
    const response = await fetch(`${service.url}/api/tasks`, { method: 'POST', headers: auth, body: JSON.stringify({ title }) });
    const body = (await response.json()) as { error?: { code: string } };
    return { status: response.status, code: body.error?.code, retryAfter: response.headers.get('retry-after'), at: Date.now() };
  } catch {
    return { status: 0, at: Date.now() };
  }
}

/** SPEC §3: the database cannot serve (a disk fault under it): 503 SERVICE_UNAVAILABLE with Retry-After. */
function assertUnavailable(answer: Answer): void {
  assert.equal(answer.status, 503, JSON.stringify(answer));
  assert.equal(answer.code, 'SERVICE_UNAVAILABLE');
  assert.match(answer.retryAfter ?? '', /^\d+$/);
}

/** /health every 100 ms until stopped, each probe bounded by 1 s: its status, 0 refused, -1 no answer in time. */
function probeHealth(service: ServiceProcess): { stop(): Promise<Answer[]> } {
  const seen: Answer[] = [];
  let running = true;
  const loop = (async () => {
    while (running && service.child.exitCode === null) {
      const status = await fetch(`${service.url}/health`, { signal: AbortSignal.timeout(1000) }).then(
        async (response) => (await response.arrayBuffer(), response.status),
        (error: Error) => (error.name === 'TimeoutError' ? -1 : 0),
      );
      seen.push({ status, at: Date.now() });
      await new Promise((later) => setTimeout(later, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return seen;
    },
  };
}

type Outcome = { exited: number | null; at: number } | { recovered: true } | { hung: true };

/**
 * After a disk fault (and its fix, if any): a create succeeds again, or the service exits; `hung` past `until`.
 * The creates stop once it is decided (they kept the test file running until `until` after an exit).
 */
async function outcome(service: ServiceProcess, auth: Record<string, string>, until: number): Promise<Outcome> {
  let decided = false;
  const exited = new Promise<Outcome>((settle) => {
    if (service.child.exitCode !== null) settle({ exited: service.child.exitCode, at: Date.now() });
    service.child.once('exit', (code) => settle({ exited: code, at: Date.now() }));
  });
  const recovered = (async (): Promise<Outcome> => {
    while (!decided && Date.now() < until) {
      if ((await create(service, auth, 'after the disk came back').catch(() => 0)) === 201) return { recovered: true };
      await new Promise((later) => setTimeout(later, 200));
    }
    return { hung: true };
  })();
  const result = await Promise.race([exited, recovered]);
  decided = true;
  return result;
}

/**
 * The two acceptable ends of a disk fault (issue 17): recovery, with /health and a clean stop; or a
 * non-zero exit with exactly one fatal line, naming DATA_DIR and saying what happened to it.
 */
async function assertExitOrRecovery(service: ServiceProcess, result: Outcome, reason: RegExp): Promise<void> {
  assert.ok(!('hung' in result), 'neither recovered nor exited: hung');
  if ('exited' in result) {
    assert.notEqual(result.exited, 0);
    const fatal = service.logs.filter((line) => line['level'] === 'fatal');
    assert.equal(fatal.length, 1, JSON.stringify(fatal));
    assert.match(String(fatal[0]!['msg']), reason);
    assert.match(String(fatal[0]!['msg']), /DATA_DIR/);
  } else {
    assert.equal((await fetch(`${service.url}/health`)).status, 200);
    assert.equal(await service.stop(), 0);
  }
}

/** When the fatal line was logged (ms), or Infinity without one. */
function fatalAt(service: ServiceProcess): number {
  const fatal = service.logs.find((line) => line['level'] === 'fatal');
  return fatal === undefined ? Infinity : Date.parse(String(fatal['time']));
}

/** Every title acknowledged (201) is listed by a service started again on the same DATA_DIR. */
async function assertKept(env: Record<string, string>, cwd: string, auth: Record<string, string>, titles: readonly string[]): Promise<void> {
  const again = await startServiceProcess(env, cwd);
  try {
    const listed = (await (await fetch(`${again.url}/api/tasks`, { headers: auth })).json()) as { data: { title: string }[] };
    const kept = new Set(listed.data.map((task) => task.title));
    assert.deepEqual(titles.filter((title) => !kept.has(title)), []);
  } finally {
    await again.stop();
  }
}

/** A small ext4 file system on a loop device, mounted with errors=remount-ro (as a root file system usually is). */
function ext4Disk(dir: string, mountPoint: string) {
  const image = join(dir, `${mountPoint.split('/').pop()}.img`);
  execFileSync('truncate', ['-s', '96M', image]);
  const loop = execFileSync('losetup', ['-f', '--show', image], { encoding: 'utf8' }).trim();
  execFileSync('mkfs.ext4', ['-q', '-F', loop]);
  const mount = () => execFileSync('mount', ['-o', 'errors=remount-ro', loop, mountPoint]);
  mount();
  return {
    /** What ext4 does on an error it detects: the whole file system turns read-only (EROFS) at once. */
    turnReadOnly: () => writeFileSync(`/sys/fs/ext4/${loop.split('/').pop()}/trigger_fs_error`, '1'),
    /** EXT4_IOC_SHUTDOWN without flushing the journal: from now on every operation fails with EIO. */
    failWithEio: () => execFileSync('perl', ['-e', 'open(my $f, "<", $ARGV[0]) or die "$!"; my $a = pack("L", 2); ioctl($f, 0x8004587d, $a) or die "$!"', mountPoint]),
    /** Unmounted and mounted again: what a reboot after the fault would give (the journal replayed). */
    remount: () => {
      execFileSync('umount', [mountPoint]);
      mount();
    },
    release: () => {
      try {
        execFileSync('umount', [mountPoint]);
      } catch {
        execFileSync('umount', ['-l', mountPoint]);
      }
      execFileSync('losetup', ['-d', loop]);
    },
  };
}

/**
 * A disk fault under a create load (4 writers): a create the fault reaches is a 503, /health answers
 * until the service goes, and it then exits non-zero with one fatal line naming DATA_DIR (or recovers),
 * within seconds; every create acknowledged before is still there after a restart.
 */
async function faultUnderLoad(
  t: TestContext, dir: string, name: string, inject: (disk: ReturnType<typeof ext4Disk>) => void, reason: RegExp,
): Promise<void> {
  const mountPoint = join(dir, name);
  await mkdir(mountPoint);
  const disk = ext4Disk(dir, mountPoint);
  let service: ServiceProcess | undefined;
  try {
    const env = { ...SECRET, DATA_DIR: join(mountPoint, 'data'), DB_TIMEOUT_MS: '2000', RATE_LIMIT_PER_MINUTE: '100000' };
    const auth = await authFor(`${name}-writer`);
    service = await startServiceProcess(env, dir);
    const running = service;
    const health = probeHealth(running);
    const acknowledged: string[] = [];
    const answers: Answer[] = [];
    let n = 0;
    let decided = false;
    const writers = Array.from({ length: 4 }, async () => {
      while (!decided && running.child.exitCode === null) {
        const title = `${name} ${n++}`;
        const answer = await post(running, auth, title);
        answers.push(answer);
        if (answer.status === 201) acknowledged.push(title);
        else if (answer.status === 0) return;
      }
    });
    const loadBy = Date.now() + 10_000;
    while (acknowledged.length < 20 && Date.now() < loadBy) await new Promise((later) => setTimeout(later, 50));
    assert.ok(acknowledged.length >= 20, `the load ran before the fault: ${acknowledged.length} creates`);

    const faultAt = Date.now();
    inject(disk);
    const result = await outcome(running, auth, faultAt + 20_000);
    decided = true;
    await Promise.all(writers);
    const probes = await health.stop();
    await assertExitOrRecovery(running, result, reason);
    if ('exited' in result) assert.ok(result.at - faultAt < 15_000, `exited ${result.at - faultAt} ms after the fault`);

    // What the requests and /health saw: before the service began to go, only 201s and 503s; then
    // refused connections. Never a 500, never a request or probe left without an answer.
    const afterFault = answers.filter((a) => a.at > faultAt);
    const going = fatalAt(running);
    const counts: Record<string, number> = {};
    for (const answer of afterFault) counts[answer.status] = (counts[answer.status] ?? 0) + 1;
    t.diagnostic(`${name}: ${JSON.stringify(result)}; fatal ${going - faultAt} ms after the fault` +
      `${'exited' in result ? `, exit ${result.at - faultAt} ms` : ''}; creates after it by status ${JSON.stringify(counts)}; ` +
      `${acknowledged.length} acknowledged; /health probes ${probes.filter((p) => p.status === 200).length} × 200, ${probes.filter((p) => p.status === 0).length} refused after the fatal line`);
    // Not every run has a 503: a fault that lands between statements can leave the writers only 201s
    // (committed before it) and then refused connections.
    for (const answer of afterFault.filter((a) => a.status !== 201 && a.status !== 0)) assertUnavailable(answer);
    assert.deepEqual(answers.filter((a) => a.status === 0 && a.at < going), [], 'no connection refused while the service stayed');
    assert.deepEqual(probes.filter((p) => p.status !== 200 && (p.status !== 0 || p.at < going)), [], '/health answered 200 until the service went');

    if ('exited' in result) disk.remount(); // as after a reboot: the fault is gone, the data is what reached the disk
    await assertKept(env, dir, auth, acknowledged);
  } finally {
    if (service?.child.exitCode === null) await service.stop('SIGKILL');
    disk.release();
  }
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

// Two at a time: each test has its own DATA_DIR (and disk), and most of their time is waiting.
describe('the embedded database on disk', { concurrency: 2 }, () => {
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

  it('a full disk: 503s, then recovery once space is freed, or a prompt exit with one fatal line; never a hang', { skip: root ? false : 'needs Linux, root and mount' }, async (t) => {
    const mountPoint = join(dir, 'small-disk');
    await mkdir(mountPoint);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', mountPoint]);
    let running: ServiceProcess | undefined;
    try {
      const env = { ...SECRET, DATA_DIR: join(mountPoint, 'data'), DB_TIMEOUT_MS: '2000', RATE_LIMIT_PER_MINUTE: '100000' };
      const auth = await authFor('filler');
      const service = (running = await startServiceProcess(env, dir));
      assert.equal(await create(service, auth, 'before the disk filled'), 201);
      const filler = join(mountPoint, 'filler');
      await fillDisk(filler);

      // Creates until the disk refuses one: the table grows a page every few dozen rows.
      const deadline = Date.now() + 20_000;
      let refused: Answer | undefined;
      for (let i = 0; refused === undefined && Date.now() < deadline; i++) {
        const answer = await post(service, auth, `filling ${i}`);
        if (answer.status !== 201) refused = answer;
      }
      // 53100 disk_full (class 53): the database cannot serve it now, not a bug.
      assert.ok(refused !== undefined, 'a create on a full disk is refused, not hung');
      assertUnavailable(refused);
      assert.equal((await fetch(`${service.url}/health`)).status, 200);

      await rm(filler);
      const result = await outcome(service, auth, deadline + 10_000);
      t.diagnostic(`full disk: ${JSON.stringify(result)}`);
      await assertExitOrRecovery(service, result, /disk is full/);
      await assertKept(env, dir, auth, ['before the disk filled']);
    } finally {
      if (running?.child.exitCode === null) await running.stop('SIGKILL');
      execFileSync('umount', ['-l', mountPoint]);
    }
  });

  it('a DATA_DIR that turns read-only (EROFS) under load: 503s, /health until the end, then an exit with one fatal line', { skip: ext4 ? false : 'needs Linux, root, losetup, mkfs.ext4', timeout: 60_000 }, async (t) => {
    await faultUnderLoad(t, dir, 'read-only', (disk) => disk.turnReadOnly(), /read-only \(EROFS\)/);
  });

  it('a DATA_DIR whose disk fails with EIO under load: the same', { skip: ext4 && perl ? false : 'needs Linux, root, losetup, mkfs.ext4, perl', timeout: 60_000 }, async (t) => {
    await faultUnderLoad(t, dir, 'io-error', (disk) => disk.failWithEio(), /I\/O error \(EIO\)/);
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
