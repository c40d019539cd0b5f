import type { Authenticate } from '@todo/application';
import { AppError } from '@todo/domain';
import type { Middleware } from 'koa';
import type { RequestState } from '../state.js';

/**
 * Whether a path needs a token: true when any reasonable reading of it is under /api (percent-
 * decoded, in any case or Unicode compatibility form, backslashes as slashes, repeated slashes
 * collapsed, dot segments kept or resolved). Deliberately broader than the router, which matches
 * the raw path exactly: a path the router takes for a task route is always one of these, and the
 * task routes check the caller again themselves (`requireUser`), so the two never have to agree.
 */
export function isApiPath(path: string): boolean {
  // Every route's own spelling: its first segment is `api` under any reading (nothing to decode,
  // normalize or resolve before it), so the answer is the one below, without its allocations.
  if (path.startsWith('/api/') || path === '/api') return true;
  let decoded = path;
  for (let round = 0; round < 3; round += 1) {
    const next = safeDecode(decoded);
    if (next === decoded) break;
    decoded = next;
  }
  const segments = decoded.normalize('NFKC').toLowerCase().replaceAll('\\', '/').split('/').filter((s) => s !== '' && s !== '.');
  const resolved: string[] = [];
  for (const segment of segments) {
    if (segment === '..') resolved.pop();
    else resolved.push(segment);
  }
  return isApi(segments[0]) || isApi(resolved[0]);
}

function isApi(segment: string | undefined): boolean {
  // `/api;x/…` and `/api%00/…` are not routes, but read loosely they are /api.
  return segment !== undefined && /^api(?![a-z0-9._~-])/.test(segment);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
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

/**
 * First in the chain of every route that acts for a user: the route itself refuses a request
 * without an accepted token, whatever path reading let it get this far (401, never a 500).
 */
export const requireUser: Middleware<RequestState> = async (ctx, next) => {
  if (ctx.state.userId === undefined) throw ctx.state.authFailure ?? new AppError('UNAUTHENTICATED', 'missing');
  await next();
};

/** The token of an `Authorization: Bearer …` header (scheme case-insensitive); null when there is none. */
function bearerToken(header: string): string | null {
  const match = /^bearer(?: +(.*))?$/i.exec(header);
  return match === null ? null : (match[1] ?? '').trim();
}
