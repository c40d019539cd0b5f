import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';
import { errorBoundary } from './errors.js';
import type { Metrics } from './metrics.js';
import { authentication, requireAuthentication } from './middleware/authentication.js';
import { corsPolicy } from './middleware/cors.js';
import { rateLimit } from './middleware/rate-limit.js';
import { type RateLimitStore, TokenBuckets } from './middleware/token-buckets.js';
import { requestLog } from './middleware/request-log.js';
import { unmatchedRoute } from './middleware/route-match.js';
import { unreadBody } from './middleware/unread-body.js';
import { openApiDocument } from './openapi/document.js';
import { docsRoutes } from './routes/docs.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';
import { taskRoutes } from './routes/tasks.js';
import type { UseCases } from './use-cases.js';
import { CursorCodec } from './wire/cursor.js';

export interface AppOptions {
  readonly useCases: UseCases;
  readonly logger: Logger;
  readonly corsOrigins: readonly string[];
  readonly rateLimitPerMinute: number;
  /** Where the buckets live; default: this process's memory (RATE_LIMIT_STORE=memory). */
  readonly rateLimitStore?: RateLimitStore;
  /** Keys the paging cursors' MAC; stable across restarts and workers. */
  readonly cursorSecret: string;
  readonly isReady: ReadinessCheck;
  /** METRICS_PORT set: every request counted and timed. */
  readonly metrics?: Metrics | undefined;
}

/**
 * The middleware order is the order of checks in SPEC §3: CORS preflight, token, rate
 * limit, route and method, then per route content type, body, validation and the work.
 */
export function createApp(options: AppOptions): { app: Koa; router: Router } {
  const app = new Koa();
  app.silent = true; // every error is answered and logged by requestLog/errorBoundary
  // Exact and case-sensitive (SPEC §3): `/API/tasks` and `/api/tasks/` are not routes.
  const router = new Router({ sensitive: true, strict: true });
  healthRoutes(router, options.isReady);
  taskRoutes(router, options.useCases, new CursorCodec(options.cursorSecret));
  docsRoutes(router, openApiDocument());

  if (options.metrics !== undefined) app.use(options.metrics.middleware(router));
  app.use(requestLog(options.logger));
  app.use(unreadBody());
  app.use(corsPolicy(options.corsOrigins));
  app.use(errorBoundary);
  app.use(authentication(options.useCases.authenticate));
  app.use(rateLimit(options.rateLimitStore ?? new TokenBuckets(options.rateLimitPerMinute)));
  app.use(requireAuthentication);
  app.use(router.routes());
  app.use(unmatchedRoute(router));
  return { app, router };
}
