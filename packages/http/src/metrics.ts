import cluster from 'node:cluster';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '@todo/domain';
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RequestState } from './state.js';

/**
 * The Prometheus series of SPEC §8. Every label value comes from a small closed set (a method, a
 * route PATTERN, a status code, an error kind): never a path, a user id, a token or task content.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'method' | 'route' | 'status'>;
  readonly #duration: Histogram<'method' | 'route' | 'status'>;
  readonly #rateLimited: Counter<'by'>;
  readonly #dbErrors: Counter<'kind'>;
  readonly #jwksFetches: Counter<'result'>;
  readonly #jwksStaleKeyUses: Counter;
  #dbInFlight = 0;

  /** `poolSize`: connections the pool may open (DB_POOL_MAX; 1 on the embedded database). */
  constructor(poolSize: number) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.#requests = new Counter({
      name: 'http_requests_total', help: 'Requests answered, by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'], registers,
    });
    this.#duration = new Histogram({
      name: 'http_request_duration_seconds', help: 'Time from the request to its response, by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers,
    });
    this.#rateLimited = new Counter({
      name: 'http_rate_limited_total', help: 'Requests refused with 429, by what the bucket was keyed on (user or ip).',
      labelNames: ['by'], registers,
    });
    new Gauge({
      name: 'db_pool_size', help: 'Connections the database pool may open.', registers,
      collect() { this.set(poolSize); },
    });
    // postgres.js does not publish its pool's state: every port call is one statement on one
    // connection, so the calls in flight are the busy connections (and the queue beyond the size).
    const inFlight = () => this.#dbInFlight;
    new Gauge({
      name: 'db_pool_busy_connections', help: 'Connections running a statement now.', registers,
      collect() { this.set(Math.min(inFlight(), poolSize)); },
    });
    new Gauge({
      name: 'db_pool_waiting_statements', help: 'Statements waiting for a free connection.', registers,
      collect() { this.set(Math.max(0, inFlight() - poolSize)); },
    });
    this.#dbErrors = new Counter({
      name: 'db_errors_total', help: 'Failed database statements, by kind: connection, timeout, constraint, other.',
      labelNames: ['kind'], registers,
    });
    this.#jwksFetches = new Counter({
      name: 'jwks_fetches_total', help: 'Fetches of the JWKS, by result (ok or failed).', labelNames: ['result'], registers,
    });
    this.#jwksStaleKeyUses = new Counter({
      name: 'jwks_stale_key_uses_total', help: 'Tokens verified with a key kept from an earlier fetch while the JWKS could not be fetched.', registers,
    });
    for (const result of ['ok', 'failed']) this.#jwksFetches.inc({ result }, 0);
    for (const kind of ['connection', 'timeout', 'constraint', 'other']) this.#dbErrors.inc({ kind }, 0);
    // WEB_CONCURRENCY: a worker answers the primary's requests for its metrics from this registry.
    // (Constructing an AggregatorRegistry is what makes prom-client answer the primary's requests.)
    if (cluster.isWorker) {
      new AggregatorRegistry();
      AggregatorRegistry.setRegistries([this.registry]);
    }
  }

  /**
   * Outermost, next to the request log: counts and times every answered request. A request
   * answered before the router (401, 429, 405) is labelled with the route it asked for.
   */
  middleware(router: Router): Middleware<RequestState> {
    return async (ctx, next) => {
      const stop = this.#duration.startTimer();
      try {
        await next();
      } finally {
        const labels = {
          method: KNOWN_METHODS.has(ctx.method) ? ctx.method : 'OTHER',
          route: routePattern(ctx, router),
          status: String(ctx.status),
        };
        stop(labels);
        this.#requests.inc(labels);
        if (ctx.state.securityEvent === 'rate_limited') this.#rateLimited.inc({ by: ctx.state.userId === undefined ? 'ip' : 'user' });
      }
    };
  }

  /** The same object, each method's calls counted in flight and their failures by kind. */
  meter<T extends object>(port: T): T {
    return new Proxy(port, {
      get: (target, property, receiver) => {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          this.#dbInFlight++;
          try {
            return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          } catch (error) {
            this.#dbErrors.inc({ kind: databaseErrorKind(error) });
            throw error;
          } finally {
            this.#dbInFlight--;
          }
        };
      },
    });
  }

  /** For StaleTolerantJwks (infrastructure knows nothing of Prometheus). */
  readonly jwksObserver = {
    fetched: (ok: boolean) => this.#jwksFetches.inc({ result: ok ? 'ok' : 'failed' }),
    staleKeyUsed: () => this.#jwksStaleKeyUses.inc(),
  };
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The pattern of the route that took the request (e.g. /api/tasks/:id), or would have; never the path itself. */
function routePattern(ctx: { path: string; method: string }, router: Router): string {
  const taken = (ctx as { _matchedRoute?: unknown })._matchedRoute;
  if (typeof taken === 'string') return taken;
  const match = router.match(ctx.path, ctx.method);
  // Routes only: a middleware mounted on a prefix (router.use('/api/tasks', …)) matches any path under it.
  const routes = (layers: typeof match.path) => layers.filter((layer) => layer.methods.length > 0);
  const layer = routes(match.pathAndMethod)[0] ?? routes(match.path)[0];
  return typeof layer?.path === 'string' ? layer.path : '(unmatched)';
}

/** A bounded label from a failed statement (the SQLSTATE or driver code of it or its cause; never its text). */
function databaseErrorKind(error: unknown): string {
  const cause = error instanceof AppError ? error.cause : error;
  const code = (cause as { code?: unknown } | null | undefined)?.code;
  if (code === '57014' || (cause instanceof Error && cause.message.startsWith('no answer within'))) return 'timeout';
  if (error instanceof AppError && error.code === 'UNAVAILABLE') return 'connection';
  if (typeof code === 'string' && code.startsWith('23')) return 'constraint';
  return 'other';
}

export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

/** The second listener (METRICS_PORT, on HOST): GET /metrics and nothing else. */
export async function startMetricsServer(host: string, port: number, render: () => Promise<{ text: string; contentType: string }>): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://metrics').pathname;
    if (path !== '/metrics') {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found: the metrics are at /metrics\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('Method not allowed\n');
      return;
    }
    render().then(
      ({ text, contentType }) => response.writeHead(200, { 'Content-Type': contentType }).end(request.method === 'HEAD' ? undefined : text),
      () => response.writeHead(500, { 'Content-Type': 'text/plain' }).end('Metrics could not be collected\n'),
    );
  });
  server.listen(port, host);
  await new Promise<void>((ready, fail) => server.once('listening', ready).once('error', fail));
  const { port: bound } = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return {
    url: `http://${shownHost}:${bound}/metrics`,
    close: () => new Promise((closed) => {
      server.closeAllConnections();
      server.close(() => closed());
    }),
  };
}

/** One process: its own registry. */
export const renderRegistry = (registry: Registry) => async () => ({ text: await registry.metrics(), contentType: registry.contentType });

/** The primary of WEB_CONCURRENCY: every worker's metrics, summed (prom-client's cluster aggregation). */
export function renderCluster(): () => Promise<{ text: string; contentType: string }> {
  const aggregator = new AggregatorRegistry();
  return async () => ({ text: await aggregator.clusterMetrics(), contentType: aggregator.contentType });
}
