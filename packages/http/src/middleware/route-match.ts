import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { reply } from '../errors.js';

/**
 * After the router, reached only when no route took the request (our handlers never call
 * `next`): 404 for a path no route has, 405 with `Allow` for a method it lacks. Matched
 * requests, the hot path, are matched once, by the router itself.
 */
export function unmatchedRoute(router: Router): Middleware {
  return (ctx) => {
    const allowed = allowedMethods(router, ctx.path);
    if (allowed.length === 0) return reply(ctx, 404, 'NOT_FOUND', 'Not found');
    methodNotAllowed(ctx, allowed);
  };
}

/**
 * The methods of the route pattern that serves `path`: the first one registered that matches
 * it, so `/api/tasks/changes` has the feed's methods, not those of `/api/tasks/:id`.
 */
export function allowedMethods(router: Router, path: string): string[] {
  const routes = router.match(path, 'GET').path.filter((layer) => layer.methods.length > 0);
  const pattern = routes[0]?.path;
  return [...new Set(routes.filter((layer) => layer.path === pattern).flatMap((layer) => layer.methods))];
}

/** 405 with the methods the path has. */
export function methodNotAllowed(ctx: Context, allowed: readonly string[]): void {
  ctx.set('Allow', allowed.join(', '));
  reply(ctx, 405, 'METHOD_NOT_ALLOWED', `Method ${ctx.method} is not allowed here`);
}
