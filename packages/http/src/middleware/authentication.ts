import type { Authenticate } from '@todo/application';
import { AppError } from '@todo/domain';
import type { Middleware } from 'koa';
import type { RequestState } from '../state.js';

export function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

/**
 * Decides who calls, for every path under /api/, before any database work. A refused token
 * is kept for `requireAuthentication`, so the rate limiter can count it against the client IP first.
 */
export function authentication(authenticate: Authenticate): Middleware<RequestState> {
  return async (ctx, next) => {
    if (!isApiPath(ctx.path)) return next();
    try {
      ctx.state.userId = await authenticate.execute(bearerToken(ctx.get('Authorization')));
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'UNAUTHENTICATED') throw error;
      ctx.state.authFailure = error;
    }
    await next();
  };
}

export const requireAuthentication: Middleware<RequestState> = async (ctx, next) => {
  if (ctx.state.authFailure !== undefined) throw ctx.state.authFailure;
  await next();
};

/** The token of an `Authorization: Bearer …` header (scheme case-insensitive); null when there is none. */
function bearerToken(header: string): string | null {
  const match = /^bearer(?: +(.*))?$/i.exec(header);
  return match === null ? null : (match[1] ?? '').trim();
}
