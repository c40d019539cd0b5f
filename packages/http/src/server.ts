import { createServer, type Server } from 'node:http';
import type Koa from 'koa';

/**
 * How long a client may take to send a request. Node's defaults (60 s for the headers, 300 s
 * for the whole request, checked every 30 s) let a slow client hold a socket for minutes; a
 * JSON API's requests are a few headers and at most 64 KiB of body.
 */
export interface ServerLimits {
  /** From the connection's first byte (or the previous response) to the end of the headers. */
  readonly headersTimeoutMs: number;
  /** From the first byte to the end of the body. */
  readonly requestTimeoutMs: number;
  /** How often Node looks for requests over those limits: the slack on both. */
  readonly checkIntervalMs: number;
}

export const SERVER_LIMITS: ServerLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, checkIntervalMs: 1_000 };

/** An HTTP server for the app with those limits, listening; resolves once it listens. */
export async function listen(app: Koa, port: number, host: string, limits: ServerLimits = SERVER_LIMITS): Promise<Server> {
  const server = createServer(
    { headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: limits.checkIntervalMs },
    app.callback(),
  );
  server.listen(port, host);
  await new Promise<void>((ready, fail) => server.once('listening', ready).once('error', fail));
  return server;
}
