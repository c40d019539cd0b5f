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

/** Runs database work; turns "cannot reach the database" into AppError('UNAVAILABLE'). Other errors are bugs and pass through. */
export async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUnavailable(error)) throw new AppError('UNAVAILABLE', 'Database unavailable', { cause: error });
    throw error;
  }
}
