import { fdatasyncSync, fsyncSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { panicIn } from './backend-messages.js';

/**
 * The embedded database's own thread: PGlite (synchronous WebAssembly) and the socket server
 * postgres.js connects to. A long or wedged statement blocks this thread only, never HTTP.
 */
export interface WorkerInput {
  /** The data directory. */
  readonly dataDir: string;
  /** Flush the WAL to disk at every commit (fdatasync), as PostgreSQL does by default. */
  readonly durable: boolean;
}

/** A compiled WebAssembly module (ES2023's lib, which we compile against, does not declare WebAssembly). */
export type WasmModule = NonNullable<PGliteOptions['pgliteWasmModule']>;

/** What the thread is started with: its input and PostgreSQL's WebAssembly, compiled by the starting thread. */
export interface WorkerData extends WorkerInput {
  readonly postgres: WasmModule;
}

export type WorkerEvent =
  | { type: 'ready'; url: string }
  | { type: 'pong' }
  | { type: 'io-error'; code: string; syscall: string }
  /** PostgreSQL answered PANIC (it cannot go on), or PGlite threw out of a statement. */
  | { type: 'broken'; reason: string }
  | { type: 'stopped' };

export type WorkerCommand = { type: 'ping' } | { type: 'stop' };

/** Errors of the disk itself: PostgreSQL cannot go on writing its WAL after one of these. */
const IO_FAULTS = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EIO']);

/**
 * PostgreSQL's settings for this embedded, single-session use. PGlite's defaults pass `-F`
 * (fsync off); durable mode leaves it out and flushes with the hook below. 4 MB of shared
 * buffers instead of 128 MB: PostgreSQL touches all of them at start (16 MB cost 12 MB more resident
 * memory), and a page it misses is read from the OS page cache: on 25 MB of tasks with half the
 * page reads missing, a 50-task page took no longer than with 16 MB.
 */
export function startParams(durable: boolean): string[] {
  const defaults = PGlite.defaultStartParams.filter((param) => param !== '-F');
  return [
    ...defaults,
    ...(durable ? ['-c', 'fsync=on', '-c', 'wal_sync_method=fsync'] : ['-F']),
    '-c', 'shared_buffers=4MB',
  ];
}

interface EmscriptenStream {
  readonly nfd: number;
  readonly node: { readonly mode: number };
}

interface NodeFsDriver {
  tryFSOperation<T>(operation: () => T): T;
  readonly stream_ops: { fsync?: (stream: EmscriptenStream) => void };
}

interface EmscriptenModule {
  readonly FS: { readonly filesystems: { readonly NODEFS: NodeFsDriver }; isDir(mode: number): boolean };
}

/**
 * PGlite's node filesystem, with the two things Emscripten's NODEFS lacks: `fsync` reaches
 * the disk (Emscripten's is a no-op, so PostgreSQL's flush at commit did nothing), and a disk
 * error is reported to the main thread before PostgreSQL gets to spin on it.
 */
class FlushingNodeFS extends NodeFS {
  override async init(pg: PGlite, options: Parameters<NodeFS['init']>[1]): ReturnType<NodeFS['init']> {
    const result = await super.init(pg, options);
    const preRun = [...(result.emscriptenOpts.preRun ?? [])];
    preRun.push((module: EmscriptenModule) => {
      const driver = module.FS.filesystems.NODEFS;
      const operation = driver.tryFSOperation.bind(driver);
      driver.tryFSOperation = <T>(run: () => T): T =>
        operation(() => {
          try {
            return run();
          } catch (error) {
            const { code, syscall } = error as NodeJS.ErrnoException;
            if (code !== undefined && IO_FAULTS.has(code)) {
              diskFailed = true;
              send({ type: 'io-error', code, syscall: syscall ?? 'unknown' });
            }
            throw error;
          }
        });
      driver.stream_ops.fsync = (stream) =>
        driver.tryFSOperation(() => (module.FS.isDir(stream.node.mode) ? fsyncSync(stream.nfd) : fdatasyncSync(stream.nfd)));
    });
    return { ...result, emscriptenOpts: { ...result.emscriptenOpts, preRun } };
  }
}

/** Set at the first disk error: from then on PostgreSQL's answers are read for a PANIC. */
let diskFailed = false;

/**
 * Two ways PGlite breaks without wedging this thread, so that pings alone would take it for
 * alive: after a failed WAL write (EROFS seen here) PostgreSQL answers PANIC with no
 * ReadyForQuery, and the client waits for ever; and an exception out of PGlite leaves
 * pglite-socket 0.2.17's queue refusing to run another statement (its `processing` flag stays
 * set). Both are reported at once. Answers are only read once a disk error was seen.
 */
function watchStatements(db: PGlite): void {
  const run = db.execProtocolRawStream.bind(db);
  db.execProtocolRawStream = async (message: Uint8Array, options: Parameters<PGlite['execProtocolRawStream']>[1]) => {
    const chunks: Uint8Array[] = [];
    const onRawData = (data: Uint8Array) => {
      if (diskFailed) chunks.push(data.slice()); // the failed write's own statement is read too
      options.onRawData(data);
    };
    try {
      await run(message, { ...options, onRawData });
    } catch (error) {
      send({ type: 'broken', reason: `PGlite failed: ${(error as Error | undefined)?.message ?? String(error)}` });
      throw error;
    }
    const panic = chunks.length === 0 ? null : panicIn(Buffer.concat(chunks));
    if (panic !== null) send({ type: 'broken', reason: `PostgreSQL stopped: ${panic}` });
  };
}

function send(event: WorkerEvent): void {
  parentPort!.postMessage(event);
}

async function main(input: WorkerData): Promise<void> {
  const db = new PGlite({
    fs: new FlushingNodeFS(input.dataDir),
    startParams: startParams(input.durable),
    pgliteWasmModule: input.postgres,
  });
  await db.waitReady;
  watchStatements(db);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
  await server.start();
  parentPort!.on('message', (command: WorkerCommand) => {
    if (command.type === 'ping') send({ type: 'pong' });
    if (command.type === 'stop') {
      void (async () => {
        await server.stop();
        await db.close();
        send({ type: 'stopped' });
        parentPort!.close();
      })();
    }
  });
  send({ type: 'ready', url: `postgres://postgres@${server.getServerConn()}/postgres` });
}

await main(workerData as WorkerData);
