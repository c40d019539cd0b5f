import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { RequestState } from '../state.js';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Outermost: gives the request its id (the caller's when sane) and writes its one log
 * line: info, warn for security events, error with the cause for 5xx.
 */
export function requestLog(logger: Logger): Middleware<RequestState> {
  return async (ctx, next) => {
    const started = performance.now();
    const offered = ctx.get('X-Request-Id');
    const requestId = SANE_REQUEST_ID.test(offered) ? offered : randomUUID();
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      const line = {
        request_id: requestId,
        method: ctx.method,
        route: (ctx as { _matchedRoute?: unknown })._matchedRoute ?? null,
        status: ctx.status,
        duration_ms: Math.round((performance.now() - started) * 1000) / 1000,
        user_id: ctx.state.userId ?? null,
      };
      const { failure, securityEvent } = ctx.state;
      if (ctx.status >= 500) logger.error({ ...line, err: failure }, 'request failed');
      else if (securityEvent !== undefined) logger.warn({ ...line, event: securityEvent, reason: reasonOf(failure) }, 'security event');
      else logger.info(line, 'request');
    }
  };
}

function reasonOf(failure: unknown): string | undefined {
  if (!(failure instanceof Error)) return undefined;
  const cause = failure.cause;
  return cause instanceof Error ? `${failure.message}: ${cause.message}` : failure.message;
}
