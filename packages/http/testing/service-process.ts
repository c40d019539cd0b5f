import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const distSrc = fileURLToPath(new URL('../src/', import.meta.url));
export const MAIN_JS = `${distSrc}main.js`;
export const CLI_JS = `${distSrc}cli.js`;
/**
 * The test run's own WebAssembly setting, passed to the service processes it starts: `npm test`
 * runs with --liftoff-only, so the embedded database's code stays on V8's baseline compiler
 * instead of being compiled again by the optimising one in the background, which a process that
 * lives for seconds never pays back (a quarter of a service start's CPU). Production keeps V8's default.
 */
export const NODE_FLAGS = process.execArgv.filter((flag) => flag === '--liftoff-only');

export interface ServiceProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Every JSON log line so far. */
  readonly logs: Record<string, unknown>[];
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Clean environment for a child: nothing of the developer's own configuration leaks in. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'], NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env };
}

export type LogLine = Record<string, unknown>;

export interface JsonLog {
  /** Every JSON log line so far. */
  readonly lines: LogLine[];
  /** Resolves with the first line that satisfies `match`; rejects if the child exits first. */
  line(match: (line: LogLine) => boolean): Promise<LogLine>;
}

/** The one way tests read a child's stdout: JSON lines, collected as they come. */
export function jsonLog(child: ChildProcess): JsonLog {
  const lines: LogLine[] = [];
  const waiters: (() => void)[] = [];
  let buffered = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (buffered + chunk).split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) if (part !== '') lines.push(JSON.parse(part) as LogLine);
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<false>((done) => {
    if (child.exitCode !== null) done(false);
    child.once('exit', () => done(false));
  });
  return {
    lines,
    async line(match) {
      for (;;) {
        const found = lines.find(match);
        if (found !== undefined) return found;
        const running = await Promise.race([new Promise<true>((wake) => waiters.push(() => wake(true))), exited]);
        if (!running && lines.find(match) === undefined) {
          throw new Error(`exited before the expected log line:\n${lines.map((l) => JSON.stringify(l)).join('\n')}`);
        }
      }
    },
  };
}

/**
 * Runs the real main.js (compiled) as a child process, waits for its "listening" line.
 * `wrapper` runs it under another command (`strace …`): the child is then that command.
 */
export async function startServiceProcess(env: Record<string, string>, cwd: string, wrapper: string[] = []): Promise<ServiceProcess> {
  const [command, ...args] = [...wrapper, process.execPath, ...NODE_FLAGS, MAIN_JS];
  const child = spawn(command!, args, { cwd, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const log = jsonLog(child);
  const logs = log.lines;
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await log.line((line) => typeof line['url'] === 'string').then(
    (line) => String(line['url']),
    async () => {
      await new Promise((later) => setImmediate(later)); // the last of stderr
      throw Object.assign(new Error(`service exited with ${child.exitCode} before listening: ${stderr}`), { stderr, logs });
    },
  );
  return {
    url,
    child,
    logs,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill(signal);
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The CLI as a process: what proves its exit code, its streams and its ./.env reach the shell. */
export async function runCli(args: string[], env: Record<string, string>, cwd: string): Promise<CliResult> {
  const child = spawn(process.execPath, [...NODE_FLAGS, CLI_JS, ...args], { cwd, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/**
 * The CLI's commands in this process, with the settings a child would get from `childEnv` (no ./.env).
 * The CLI is loaded at the first call: a process test that only starts services stays light (~0.7 s
 * of CPU less to load than the whole app).
 */
export async function runCliInProcess(args: string[], env: Record<string, string>): Promise<CliResult> {
  const { runCommandLine } = await import('../src/command-line.js');
  let stdout = '';
  let stderr = '';
  const code = await runCommandLine(args, {
    env: () => childEnv(env),
    out: (line) => (stdout += `${line}\n`),
    err: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}
