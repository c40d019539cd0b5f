import type { IncomingMessage } from 'node:http';
import type { Middleware } from 'koa';

export interface DrainLimits {
  /** The most of a refused body read and thrown away to keep the connection. */
  readonly bytes: number;
  /** The longest it is waited for. */
  readonly ms: number;
}

export const DRAIN_LIMITS: DrainLimits = { bytes: 256 * 1024, ms: 1000 };

/**
 * A request answered before its body was read (401, 404, 405, 413, 415, 429…) leaves the rest
 * of the body on the connection, and a kept-alive connection with a half-read body is reset
 * under the client's next request. So before the answer goes out, what is left of the body is
 * read and thrown away when it is small and quick to come (the connection stays usable), and
 * otherwise the answer says `Connection: close`. Wraps every route: the class of "answered
 * early" has no member it misses.
 */
export function unreadBody(limits: DrainLimits = DRAIN_LIMITS): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.req.complete) return;
    if (!(await drain(ctx.req, limits))) ctx.set('Connection', 'close');
  };
}

/** Reads the rest of the body and drops it; true when it ended within the limits. */
function drain(req: IncomingMessage, limits: DrainLimits): Promise<boolean> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limits.bytes) return Promise.resolve(false);
  return new Promise((settle) => {
    let seen = 0;
    const finish = (drained: boolean) => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onFail).off('close', onClose);
      if (!drained) req.pause();
      settle(drained);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limits.bytes) finish(false);
    };
    const onEnd = () => finish(true);
    const onFail = () => finish(false);
    const onClose = () => finish(req.complete);
    const timer = setTimeout(() => finish(false), limits.ms);
    req.on('data', onData).on('end', onEnd).on('error', onFail).on('close', onClose);
    req.resume();
  });
}
