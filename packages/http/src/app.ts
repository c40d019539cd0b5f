import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';
import { errorBoundary } from './errors.js';
import { authentication, requireAuthentication } from './middleware/authentication.js';
import { corsPolicy } from './middleware/cors.js';
import { rateLimit } from './middleware/rate-limit.js';
import { requestLog } from './middleware/request-log.js';
import { unmatchedRoute } from './middleware/route-match.js';
import { openApiDocument } from './openapi/document.js';
import { docsRoutes } from './routes/docs.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';
import { taskRoutes } from './routes/tasks.js';
import type { UseCases } from './use-cases.js';
import { CursorCodec } from './wire/cursor.js';
import { SyncTokenCodec } from './wire/sync-token.js';

export interface AppOptions {
  readonly useCases: UseCases;
  readonly logger: Logger;
  readonly corsOrigins: readonly string[];
  readonly rateLimitPerMinute: number;
  /** Keys the MACs of paging cursors and sync tokens; stable across restarts and workers. */
  readonly cursorSecret: string;
  readonly isReady: ReadinessCheck;
}

/**
 * The middleware order is the order of checks in SPEC §3: CORS preflight, token, rate
 * limit, route and method, then per route content type, body, validation and the work.
 */
export function createApp(options: AppOptions): { app: Koa; router: Router } {
  const app = new Koa();
  app.silent = true; // every error is answered and logged by requestLog/errorBoundary
  const router = new Router();
  healthRoutes(router, options.isReady);
  taskRoutes(router, options.useCases, new CursorCodec(options.cursorSecret), new SyncTokenCodec(options.cursorSecret));
  docsRoutes(router, openApiDocument());

  app.use(requestLog(options.logger));
  app.use(corsPolicy(options.corsOrigins));
  app.use(errorBoundary);
  app.use(authentication(options.useCases.authenticate));
  app.use(rateLimit(options.rateLimitPerMinute));
  app.use(requireAuthentication);
  app.use(router.routes());
  app.use(unmatchedRoute(router));
  return { app, router };
}
