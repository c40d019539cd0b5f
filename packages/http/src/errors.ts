import type { AppErrorCode, FieldIssue } from '@todo/domain';
import { AppError } from '@todo/domain';
import type { Context, Middleware } from 'koa';

/** The one place a domain error becomes a status. A new code does not compile until it is mapped here. */
const HTTP = {
  VALIDATION: [422, 'VALIDATION_ERROR'],
  NOT_FOUND: [404, 'NOT_FOUND'],
  UNAUTHENTICATED: [401, 'UNAUTHENTICATED'],
  UNAVAILABLE: [503, 'SERVICE_UNAVAILABLE'],
  PRECONDITION_FAILED: [412, 'PRECONDITION_FAILED'],
  PRECONDITION_REQUIRED: [428, 'PRECONDITION_REQUIRED'],
  IDEMPOTENCY_KEY_REUSED: [422, 'IDEMPOTENCY_KEY_REUSED'],
  IDEMPOTENCY_KEY_IN_FLIGHT: [409, 'IDEMPOTENCY_KEY_IN_FLIGHT'],
} as const satisfies Record<AppErrorCode, readonly [number, ErrorCode]>;

/** Every `error.code` the API answers with: a public contract, listed in the OpenAPI document. */
export const ERROR_CODES = [
  'VALIDATION_ERROR', 'NOT_FOUND', 'UNAUTHENTICATED', 'SERVICE_UNAVAILABLE', 'METHOD_NOT_ALLOWED', 'MALFORMED_JSON',
  'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'RATE_LIMITED', 'INTERNAL_ERROR', 'PRECONDITION_FAILED', 'PRECONDITION_REQUIRED',
  'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_IN_FLIGHT',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;
/** A duplicate of a keyed request still running: it settles within one statement, so soon. */
export const IN_FLIGHT_RETRY_AFTER_SECONDS = 1;

/**
 * Logged at warn. An absent task and another user's answer the same 404, and telling them
 * apart would need a query outside the caller's rows: every task 404 is logged.
 */
const SECURITY_EVENTS = { UNAUTHENTICATED: 'token_rejected', NOT_FOUND: 'task_not_found' } as const;

export function reply(ctx: Context, status: number, code: ErrorCode, message: string, details: readonly FieldIssue[] = []): void {
  ctx.status = status;
  ctx.body = { error: details.length > 0 ? { code, message, details } : { code, message } };
}

/**
 * First middleware after logging: every error becomes the envelope. Errors that are not
 * AppError are bugs: 500 with nothing of them in the body, the cause logged.
 */
export const errorBoundary: Middleware = async (ctx, next) => {
  try {
    await next();
  } catch (error) {
    if (!(error instanceof AppError)) {
      ctx.state.failure = error;
      reply(ctx, 500, 'INTERNAL_ERROR', 'Internal error');
      return;
    }
    const [status, code] = HTTP[error.code];
    if (status === 401) ctx.set('WWW-Authenticate', error.message === 'missing' ? 'Bearer' : 'Bearer error="invalid_token"');
    if (status === 503) ctx.set('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
    if (status === 409) ctx.set('Retry-After', String(IN_FLIGHT_RETRY_AFTER_SECONDS));
    if (status === 401 || status === 503) ctx.state.failure = error;
    if (error.code in SECURITY_EVENTS) ctx.state.securityEvent = SECURITY_EVENTS[error.code as keyof typeof SECURITY_EVENTS];
    reply(ctx, status, code, messageFor(error), error.details);
  }
};

function messageFor(error: AppError): string {
  if (error.code !== 'UNAUTHENTICATED') return error.message;
  return { missing: 'Missing bearer token', expired: 'Token expired' }[error.message] ?? 'Invalid token';
}
