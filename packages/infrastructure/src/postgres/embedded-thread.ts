import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { AppError } from '@todo/domain';
import type { WasmModule, WorkerCommand, WorkerData, WorkerEvent, WorkerInput } from './embedded-worker.js';

/** Node's global; ES2023's lib, which we compile against, does not declare it. */
declare const WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> };

/** How long the database thread may go without answering a ping before it counts as wedged. */
export const WEDGED_AFTER_MS = 15_000;
/** After a disk error, how soon it must answer again (PostgreSQL recovered from it) or count as wedged. */
export const WEDGED_AFTER_IO_ERROR_MS = 3_000;
const PING_EVERY_MS = 500;
const STOP_WITHIN_MS = 10_000;
/**
 * The thread's JavaScript allocates little (protocol buffers); V8's default young generation let
 * its heap idle at ~16 MB more resident memory than this.
 */
const YOUNG_GENERATION_MB = 4;

const IO_MEANINGS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EIO: 'the disk reported an I/O error',
};

/**
 * PGlite in a worker thread (embedded-worker.ts), watched from this one: the thread answers
 * pings between statements, so one that stops answering (PGlite spins forever after a failed
 * WAL write) is detected, stopped, and reported through `failed`; so is a PANIC or an
 * exception the thread reports (PGlite broken while the thread still answers).
 */
export class DatabaseThread {
  /** Settles with the reason once the database is lost for good: the process should exit non-zero. */
  readonly failed: Promise<AppError>;
  private fail!: (error: AppError) => void;
  private lastPong = Date.now();
  private ioError: { code: string; at: number } | null = null;
  private stopping = false;
  private readonly watchdog: NodeJS.Timeout;
  private readonly worker: Worker;
  readonly url: string;
  private readonly where: string;

  private constructor(worker: Worker, url: string, where: string) {
    this.worker = worker;
    this.url = url;
    this.where = where;
    this.failed = new Promise((settle) => (this.fail = settle));
    worker.on('message', (event: WorkerEvent) => {
      if (event.type === 'pong') this.lastPong = Date.now();
      if (event.type === 'io-error') this.ioError ??= { code: event.code, at: Date.now() };
      if (event.type === 'broken') {
        this.lost(this.ioError === null
          ? `The embedded database in ${where} stopped (${event.reason}); restart the service`
          : this.diskLost(this.ioError.code));
      }
    });
    worker.on('error', () => this.lost(`The embedded database in ${where} stopped with an internal error; restart the service`));
    worker.on('exit', () => this.lost(`The embedded database in ${where} stopped unexpectedly; restart the service`));
    this.watchdog = setInterval(() => this.check(), PING_EVERY_MS).unref();
  }

  static async start(input: WorkerInput): Promise<DatabaseThread> {
    const where = input.dataDir;
    let worker: Worker | undefined;
    try {
      const data: WorkerData = { ...input, postgres: await compiledPostgres() };
      worker = new Worker(new URL('./embedded-worker.js', import.meta.url), {
        workerData: data,
        resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      });
      return new DatabaseThread(worker, await readyUrl(worker), where);
    } catch (error) {
      await worker?.terminate();
      throw new AppError('UNAVAILABLE', `The embedded database in ${where} could not start`, { cause: error });
    }
  }

  /** A clean shutdown (a checkpoint), or the thread is terminated when it does not come within 10 s. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.watchdog);
    const exited = once(this.worker, 'exit');
    this.command({ type: 'stop' });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((settle) => (timer = setTimeout(() => settle('late'), STOP_WITHIN_MS)));
    if ((await Promise.race([exited, late])) === 'late') await this.worker.terminate();
    clearTimeout(timer);
  }

  private check(): void {
    const now = Date.now();
    const silentFor = now - this.lastPong;
    const io = this.ioError;
    if (io !== null && this.lastPong < io.at && now - io.at > WEDGED_AFTER_IO_ERROR_MS) {
      this.lost(this.diskLost(io.code));
    } else if (silentFor > WEDGED_AFTER_MS) {
      this.lost(`The embedded database in ${this.where} did not answer for ${Math.round(silentFor / 1000)} s; stopping so the service can be restarted`);
    } else {
      if (io !== null && this.lastPong > io.at) this.ioError = null; // PostgreSQL answered again: it recovered
      this.command({ type: 'ping' });
    }
  }

  private diskLost(code: string): string {
    const meaning = IO_MEANINGS[code] ?? 'the disk failed';
    return `The embedded database in ${this.where} stopped: ${meaning} (${code}). Fix the disk under DATA_DIR, then start the service again`;
  }

  private lost(message: string): void {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.watchdog);
    this.fail(new AppError('UNAVAILABLE', message));
    void this.worker.terminate();
  }

  private command(command: WorkerCommand): void {
    this.worker.postMessage(command);
  }
}

/** The URL the thread's socket server listens on, once it says it is ready; rejects if the thread fails first. */
function readyUrl(worker: Worker): Promise<string> {
  return new Promise((resolve, reject) => {
    worker.on('message', (event: WorkerEvent) => event.type === 'ready' && resolve(event.url));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`exited with code ${code}`)));
  });
}

let compiled: Promise<WasmModule> | undefined;

/**
 * PostgreSQL's WebAssembly (PGlite's), compiled once per process and handed to every database
 * thread it starts (a compiled module is shared, not copied): each thread compiling its own was a
 * third of its start's CPU, paid again by every test database. (initdb's, needed only without a
 * snapshot, PGlite compiles itself.)
 */
function compiledPostgres(): Promise<WasmModule> {
  compiled ??= readFile(new URL('pglite.wasm', import.meta.resolve('@electric-sql/pglite')))
    .then((bytes) => WebAssembly.compile(bytes))
    .catch((error: unknown) => {
      compiled = undefined;
      throw error;
    });
  return compiled;
}
