/**
 * Failures that mean "the database cannot do this right now, try again later" (503 +
 * Retry-After), as opposed to bugs (500). Whole SQLSTATE classes where the class means it.
 */
const UNAVAILABLE_CODES = new Set([
  // the driver: no connection, or it was lost
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
  'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED',
  '57P01', '57P02', '57P03', // admin shutdown, crash shutdown, cannot connect now
  '57P04', '57P05', // database dropped, idle session timeout
  '57014', // statement cancelled (our own timeout, or statement_timeout)
  '55P03', // lock not available (lock_timeout)
  '3D000', // database does not exist (dropped, or connections disallowed while renamed)
  '55000', // object not in prerequisite state: a database that does not allow connections
  '25006', // read-only transaction: a standby, or a primary during a failover
  '40001', '40P01', // serialization failure, deadlock: nothing was done, a retry can succeed
]);
/**
 * 08 connection exception; 53 insufficient resources: disk full, out of memory, too many
 * connections; 58 system error: 58000, 58030 I/O error, 58P01/58P02 a file of the data
 * directory missing or in the way.
 */
const UNAVAILABLE_CLASSES = ['08', '53', '58'];

/**
 * PostgreSQL reports a write refused by a read-only file system as 42501 (errcode_for_file_access
 * maps EROFS there, with EACCES): the disk under the database, not a missing privilege.
 */
function isReadOnlyDisk(code: string, message: string): boolean {
  return code === '42501' && message.includes('Read-only file system');
}

/** True for failures that mean "the database cannot serve this right now"; false for bugs. */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  return UNAVAILABLE_CODES.has(code) || UNAVAILABLE_CLASSES.includes(code.slice(0, 2)) || isReadOnlyDisk(code, error.message);
}

/** The failures after which the connection is gone (the server rolled back what it had). */
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', '57P01', '57P02', '57P03']);

export function isConnectionLost(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (CONNECTION_LOST.has(code) || code.startsWith('08'));
}
