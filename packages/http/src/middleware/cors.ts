import cors from '@koa/cors';
import type { Middleware } from 'koa';

/**
 * Only allow-listed origins get CORS headers (echoed, with credentials), error responses
 * included. Every preflight is answered here, before authentication.
 */
export function corsPolicy(allowedOrigins: readonly string[]): Middleware {
  const allowed = new Set(allowedOrigins);
  const allowListed = cors({
    origin: (ctx) => (allowed.has(ctx.get('Origin')) ? ctx.get('Origin') : ''),
    credentials: true,
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'If-Match', 'If-None-Match', 'Idempotency-Key'],
    exposeHeaders: [
      'X-Request-Id', 'Location', 'ETag', 'Idempotency-Replayed', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset',
    ],
    keepHeadersOnError: true,
    maxAge: 600,
  });
  return async (ctx, next) => {
    if (ctx.method === 'OPTIONS' && ctx.get('Access-Control-Request-Method') !== '' && !allowed.has(ctx.get('Origin'))) {
      ctx.vary('Origin');
      ctx.status = 204; // a preflight from elsewhere: answered, but nothing is allowed
      return;
    }
    return allowListed(ctx, next);
  };
}
