import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '@todo/domain';

/** The embedded database's directory is held by another live process (a server or the CLI). */
export class DataDirInUseError extends AppError {
  readonly dataDir: string;
  readonly pid: number;

  constructor(dataDir: string, pid: number) {
    super('UNAVAILABLE', `The embedded database in ${dataDir} is in use by process ${pid}: stop that process, or set DATA_DIR to another directory (or DATABASE_URL)`);
    this.dataDir = dataDir;
    this.pid = pid;
  }
}

export const LOCK_FILE = 'tasks-api.lock';

/**
 * PGlite is one process's database: a second process opening the same directory would
 * corrupt it. The lock file names its holder by pid AND the process's start time, so a lock
 * left by a process that died is taken over even when its pid now belongs to another live
 * process (pids are reused; a start time is not). Resolves with the function that releases it.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const lockFile = join(dataDir, LOCK_FILE);
  const me = holderOf(process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(me);
      await handle.close();
      // Best effort: on a disk that turned read-only the file stays, and the next start takes it
      // over (its holder is gone); a failure here must not turn a stop into a crash.
      return () => rm(lockFile, { force: true }).catch(() => {});
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const recorded = (await readFile(lockFile, 'utf8').catch(() => '')).trim();
      const pid = Number(recorded.split(' ')[0]);
      if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && isHeldBy(recorded, pid)) throw new DataDirInUseError(dataDir, pid);
      await rm(lockFile, { force: true }); // left behind by a process that is gone
    }
  }
  throw new AppError('UNAVAILABLE', `Could not lock the embedded database in ${dataDir}: set DATA_DIR to another directory`);
}

/** What the lock file says: "<pid> <start time>", the start time empty where it cannot be read. */
function holderOf(pid: number): string {
  return `${pid} ${startTimeOf(pid) ?? ''}`.trim();
}

/** True when the process that wrote `recorded` still runs: same pid, and the same start time where it can be read. */
function isHeldBy(recorded: string, pid: number): boolean {
  if (!isAlive(pid)) return false;
  const started = recorded.split(' ')[1];
  const now = startTimeOf(pid);
  // Without a start time on either side (a lock from an older version, no /proc and no ps), the live pid decides.
  return started === undefined || now === null || started === now;
}

/** The process runs (it may belong to another user: EPERM). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When the process started, as an opaque string: field 22 of /proc/<pid>/stat on Linux (clock
 * ticks since boot), `ps -o lstart=` elsewhere (macOS, BSD); null when neither answers.
 */
export function startTimeOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
    const field = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    if (field !== undefined && /^\d+$/.test(field)) return field;
  } catch {
    // not Linux, or no such process
  }
  if (process.platform === 'win32') return null;
  try {
    const lstart = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return lstart === '' ? null : lstart.replaceAll(' ', '_');
  } catch {
    return null;
  }
}
