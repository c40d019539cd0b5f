import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { reply } from '../errors.js';

/** Before the router: 404 for a path no route has, 405 with `Allow` for a method it lacks. */
export function routeMatch(router: Router): Middleware {
  return async (ctx, next) => {
    const matched = router.match(ctx.path, ctx.method);
    if (matched.route) return next();
    const allowed = [...new Set(matched.path.flatMap((layer) => layer.methods))];
    if (allowed.length === 0) return reply(ctx, 404, 'NOT_FOUND', 'Not found');
    ctx.set('Allow', allowed.join(', '));
    reply(ctx, 405, 'METHOD_NOT_ALLOWED', `Method ${ctx.method} is not allowed here`);
  };
}
