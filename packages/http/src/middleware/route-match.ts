import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { reply } from '../errors.js';

/**
 * After the router, reached only when no route took the request (our handlers never call
 * `next`): 404 for a path no route has, 405 with `Allow` for a method it lacks. Matched
 * requests, the hot path, are matched once, by the router itself.
 */
export function unmatchedRoute(router: Router): Middleware {
  return (ctx) => {
    const allowed = [...new Set(router.match(ctx.path, ctx.method).path.flatMap((layer) => layer.methods))];
    if (allowed.length === 0) return reply(ctx, 404, 'NOT_FOUND', 'Not found');
    ctx.set('Allow', allowed.join(', '));
    reply(ctx, 405, 'METHOD_NOT_ALLOWED', `Method ${ctx.method} is not allowed here`);
  };
}
