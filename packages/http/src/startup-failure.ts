import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { DataDirInUseError } from '@todo/infrastructure';
import type { Config } from './config.js';

type StartupConfig = Pick<Config, 'databaseUrl' | 'dataDir' | 'host' | 'port'>;

/**
 * Fails fast, before any database work, when the listen address cannot be had: a busy port
 * is the most common start-up failure, and it must not wait for migrations to show.
 */
export async function checkListenAddress(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((listening, fail) => {
    probe.once('error', fail);
    probe.listen({ host, port, exclusive: true }, listening);
  });
  await new Promise((closed) => probe.close(closed));
}

/**
 * One line for a person: what went wrong at start-up and which setting to change, with no
 * password in it. Null when the failure is not one we expected (a bug: log it with its stack).
 */
export function explainStartupFailure(error: unknown, config: StartupConfig): string | null {
  if (error instanceof DataDirInUseError) return error.message;
  const cause = knownCause(error);
  if (cause === null) return null;
  const { code, syscall } = cause;
  if (syscall === 'listen' || (code === 'ENOTFOUND' && cause.hostname === config.host)) return explainListen(code, config);
  if (config.databaseUrl !== null) return explainDatabase(cause, config.databaseUrl);
  if (typeof cause.path === 'string') return explainDataDir(code, config.dataDir);
  return null;
}

interface CodedError {
  readonly code: string;
  readonly syscall?: string;
  readonly hostname?: string;
  readonly path?: string;
  readonly message: string;
}

/** The first error with a string `code` down the `cause` chain (a guard may have wrapped it). */
function knownCause(error: unknown): CodedError | null {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UNAVAILABLE') return current as Error & CodedError;
  }
  return null;
}

function explainListen(code: string, { host, port }: StartupConfig): string | null {
  switch (code) {
    case 'EADDRINUSE':
      return `Port ${port} is already in use (on ${host}): stop the program that holds it, or set PORT to another port`;
    case 'EACCES':
      return `Not allowed to listen on port ${port} (ports below 1024 need privileges): set PORT to 1024 or above`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `Cannot listen on HOST=${host}: no such address on this machine; set HOST to 0.0.0.0 (every interface) or 127.0.0.1 (this machine only)`;
    default:
      return null;
  }
}

const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused: is PostgreSQL running there?',
  ETIMEDOUT: 'no answer in time',
  CONNECT_TIMEOUT: 'no answer in time',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'the server closed the connection (sslmode=require against a server without TLS does this)',
  CONNECTION_CLOSED: 'the server closed the connection',
  '57P03': 'the server is starting up or shutting down',
  '53300': 'the server has no free connection (lower DB_POOL_MAX, or raise its max_connections)',
};

function explainDatabase(error: CodedError, databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const server = `${url.hostname}:${url.port || '5432'}`;
  const database = decodeURIComponent(url.pathname.slice(1)) || decodeURIComponent(url.username) || 'postgres';
  const role = decodeURIComponent(url.username) || 'the default user';
  switch (error.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Cannot connect to PostgreSQL: the host "${url.hostname}" is unknown (DNS lookup failed): fix the host in DATABASE_URL`;
    case '3D000':
      return `Database "${database}" does not exist on ${server}: create it (createdb ${database}, or CREATE DATABASE "${database}"; in psql), or fix DATABASE_URL`;
    case '28000':
      return `PostgreSQL at ${server} refused role "${role}" (no such role, or pg_hba.conf does not let it in): fix the user in DATABASE_URL`;
    case '28P01':
      return `PostgreSQL at ${server} refused the password of role "${role}": fix the password in DATABASE_URL`;
    case '42501':
      return `Role "${role}" may not create the tables in database "${database}" (the migrations need CREATE on its schema): grant it, or use another role in DATABASE_URL`;
    default: {
      const reason = UNREACHABLE[error.code] ?? (/^[0-9A-Z]{5}$/.test(error.code) ? `${error.message} (SQLSTATE ${error.code})` : error.code);
      return `Cannot use PostgreSQL at ${server}, database "${database}" (${reason}): check DATABASE_URL`;
    }
  }
}

const FILE_PROBLEMS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'part of the path is a file',
  EEXIST: 'a file is in the way',
  ENOSPC: 'no space left on the device',
  EISDIR: 'a directory is in the way',
};

function explainDataDir(code: string, dataDir: string): string | null {
  const problem = FILE_PROBLEMS[code];
  if (problem === undefined) return null;
  return `Cannot write the embedded database's directory ${resolve(dataDir)} (${problem}): set DATA_DIR to a writable directory, or set DATABASE_URL`;
}
