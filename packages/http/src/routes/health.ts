import type Router from '@koa/router';
import { reply, UNAVAILABLE_RETRY_AFTER_SECONDS } from '../errors.js';

/** Answers whether the service can serve requests now (database reachable, not shutting down). */
export type ReadinessCheck = () => Promise<boolean>;

export function healthRoutes(router: Router, isReady: ReadinessCheck): void {
  router.get('/health', (ctx) => {
    ctx.body = { data: { status: 'ok' } };
  });

  router.get('/ready', async (ctx) => {
    if (await isReady()) {
      ctx.body = { data: { status: 'ready' } };
      return;
    }
    ctx.set('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
    reply(ctx, 503, 'SERVICE_UNAVAILABLE', 'Not ready');
  });
}
