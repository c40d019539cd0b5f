import { AppError } from '@todo/domain';

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
  'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED',
  '57P01', '57P02', '57P03', // admin shutdown, crash shutdown, cannot connect now
  '53300', // too many connections
  '57014', // statement timeout / cancelled
  '3D000', // database does not exist (dropped, or connections disallowed while renamed)
  '55000', // object not in prerequisite state: a database that does not allow connections
]);

/** True for failures that mean "the database cannot be reached right now". */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  return UNREACHABLE_CODES.has(code) || code.startsWith('08');
}

export const DEFAULT_DB_TIMEOUT_MS = 5000;

/**
 * Runs database work; turns "cannot reach the database" into AppError('UNAVAILABLE'), and
 * so does no answer within `timeoutMs` (a server can accept a connection and never reply:
 * the request must not hang with it). Other errors are bugs and pass through.
 */
export async function guard<T>(work: () => Promise<T>, timeoutMs: number = DEFAULT_DB_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError('UNAVAILABLE', 'Database unavailable', { cause: new Error(`no answer within ${timeoutMs} ms`) })), timeoutMs);
  });
  try {
    return await Promise.race([work(), timeout]);
  } catch (error) {
    if (isUnavailable(error)) throw new AppError('UNAVAILABLE', 'Database unavailable', { cause: error });
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

export interface RepositoryOptions {
  /** How long one statement may take before the request is answered 503. */
  readonly timeoutMs?: number;
}
