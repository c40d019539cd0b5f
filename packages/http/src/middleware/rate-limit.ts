import type { Middleware } from 'koa';
import { reply } from '../errors.js';
import type { RequestState } from '../state.js';
import type { RateLimitStore } from './token-buckets.js';

const UNCOUNTED_PATHS = new Set(['/health', '/ready', '/docs', '/openapi.json']);
const MAX_RETRY_AFTER_SECONDS = 60;

/** Health checks and documentation, the page's scripts and styles included. */
function isUncounted(path: string): boolean {
  return UNCOUNTED_PATHS.has(path) || path.startsWith('/docs/');
}

/** Per user once authenticated, per client IP otherwise (a missing or refused token included). */
export function rateLimit(buckets: RateLimitStore): Middleware<RequestState> {
  return async (ctx, next) => {
    if (isUncounted(ctx.path) || ctx.method === 'OPTIONS') return next();
    const key = ctx.state.userId !== undefined ? `user:${ctx.state.userId}` : `ip:${ctx.ip}`;
    const verdict = await buckets.take(key);
    ctx.set('RateLimit-Limit', String(buckets.capacity));
    ctx.set('RateLimit-Remaining', String(verdict.remaining));
    ctx.set('RateLimit-Reset', String(verdict.resetSeconds));
    if (!verdict.allowed) {
      ctx.set('Retry-After', String(Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, verdict.retryAfterSeconds))));
      ctx.state.securityEvent = 'rate_limited';
      reply(ctx, 429, 'RATE_LIMITED', 'Too many requests');
      return;
    }
    await next();
  };
}
