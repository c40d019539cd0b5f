/**
 * The closed set of ways a request can fail on purpose. Every driving adapter (HTTP, CLI)
 * maps each code exactly once; anything thrown that is not an AppError is a bug.
 * - VALIDATION: the caller sent something the rules reject (details say which field).
 * - NOT_FOUND: the thing does not exist for this caller (another user's task included).
 * - UNAUTHENTICATED: no usable credentials; the message is "missing", "expired" or "invalid".
 * - UNAVAILABLE: a dependency we need (database, key set) cannot be reached right now.
 * - PRECONDITION_FAILED: the task exists, but not in any of the versions the caller expected.
 * - PRECONDITION_REQUIRED: a write to an existing task came without an expected version, and one is required.
 * - IDEMPOTENCY_KEY_REUSED: the idempotency key was first used for a different request.
 * - IDEMPOTENCY_KEY_IN_FLIGHT: another request with the same idempotency key has not settled yet; retry shortly.
 */
export type AppErrorCode =
  | 'VALIDATION' | 'NOT_FOUND' | 'UNAUTHENTICATED' | 'UNAVAILABLE'
  | 'PRECONDITION_FAILED' | 'PRECONDITION_REQUIRED' | 'IDEMPOTENCY_KEY_REUSED' | 'IDEMPOTENCY_KEY_IN_FLIGHT';

export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly details: readonly FieldIssue[];

  constructor(code: AppErrorCode, message: string, options: { details?: readonly FieldIssue[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details ?? [];
  }
}

export function validationError(field: string, message: string): AppError {
  return new AppError('VALIDATION', 'Validation failed', { details: [{ field, message }] });
}
