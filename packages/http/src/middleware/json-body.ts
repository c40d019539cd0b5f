import bodyParser from 'koa-bodyparser';
import type { Middleware } from 'koa';
import { reply } from '../errors.js';

export const MAX_BODY_BYTES = 64 * 1024;

const parse = bodyParser({
  enableTypes: ['json'],
  extendTypes: { json: ['application/*+json'] },
  jsonLimit: `${MAX_BODY_BYTES}b`,
  // Passed through to co-body (untyped there): drop `__proto__` keys instead of refusing the body.
  ...({ onProtoPoisoning: 'remove' } as object),
  // Any JSON value parses; "must be an object" is a validation error (422), not a syntax error.
  strict: false,
  onerror: (error) => {
    throw error;
  },
});

/**
 * On routes that take a body: a body that is not JSON is 415, one over 64 KiB is 413, broken
 * JSON is 400. `__proto__` keys are removed while parsing; other unknown keys are dropped by
 * the schemas.
 */
export const jsonBody: Middleware = async (ctx, next) => {
  if (ctx.request.is('json', '+json') === false) {
    return reply(ctx, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
  }
  try {
    await parse(ctx, async () => {});
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (status === 413) return reply(ctx, 413, 'PAYLOAD_TOO_LARGE', `Body must be at most ${MAX_BODY_BYTES} bytes`);
    if (status === 415) return reply(ctx, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported body encoding or charset');
    if (status === 400) return reply(ctx, 400, 'MALFORMED_JSON', 'Body is not valid JSON');
    throw error;
  }
  await next();
};
