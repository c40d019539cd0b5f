import type { UserId } from '@todo/domain';
import type { AppError } from '@todo/domain';

/** What the middleware leaves on `ctx.state` for the ones after it. */
export interface RequestState {
  /** Set once the bearer token has been accepted. */
  userId?: UserId;
  /** A refused token, answered after the rate limit has counted the request. */
  authFailure?: AppError;
  /** What went wrong on a 5xx or a security event, for the request's log line only. */
  failure?: unknown;
  /** The log level the request line deserves beyond its status (e.g. a task 404 is a security event). */
  securityEvent?: string;
}
