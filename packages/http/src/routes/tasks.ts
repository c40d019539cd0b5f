import type Router from '@koa/router';
import { DEFAULT_SYNC_PAGE } from '@todo/application';
import { AppError, parseTaskId, type Replayable, type Task, TASK_ID_MESSAGE, type TaskId, validationError } from '@todo/domain';
import type { Context } from 'koa';
import { requireUser } from '../middleware/authentication.js';
import { jsonBody } from '../middleware/json-body.js';
import { allowedMethods, methodNotAllowed } from '../middleware/route-match.js';
import type { RequestState } from '../state.js';
import type { UseCases } from '../use-cases.js';
import { ChangesQuery } from '../wire/changes-query.js';
import type { CursorCodec } from '../wire/cursor.js';
import { expectedVersion, listEtag, noneMatchHolds, taskEtag } from '../wire/entity-tags.js';
import { idempotentRequest } from '../wire/idempotency.js';
import { ListQuery, withDefaultOrder } from '../wire/list-query.js';
import { toTaskJson } from '../wire/task-json.js';
import { CreateTaskBody, toTaskInput, toTaskPatchInput, UpdateTaskBody } from '../wire/task-schemas.js';
import type { SyncTokenCodec } from '../wire/sync-token.js';
import { validate } from '../wire/validate.js';

type TaskContext = Context & { state: RequestState; params: Record<string, string> };

export function taskRoutes(router: Router, useCases: UseCases, cursors: CursorCodec, syncTokens: SyncTokenCodec): void {
  // A task route that finds nothing makes sure the caller's user row still exists (SPEC §2).
  router.use('/api/tasks', async (ctx: TaskContext, next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND' && ctx.state.userId !== undefined) await useCases.authenticate.recheck(ctx.state.userId);
      throw error;
    }
  });
  router.get('/api/tasks', requireUser, async (ctx: TaskContext) => {
    const owner = caller(ctx);
    const query = withDefaultOrder(validate(ListQuery, ctx.query));
    const scope = { userId: owner, status: query.status, sort: query.sort, order: query.order };
    const after = query.cursor === undefined ? null : cursors.decode(scope, query.cursor);
    const page = await useCases.listTasks.execute(owner, { ...scope, limit: query.limit ?? null, after });
    if (page.tasks.length === 0) await useCases.authenticate.recheck(owner);
    // Serialised and encoded once, here: the weak ETag is over exactly the bytes sent (hashing the
    // string would encode it a second time, and Node a third when writing it behind the headers).
    const body = Buffer.from(JSON.stringify({
      data: page.tasks.map(toTaskJson),
      meta: { count: page.tasks.length, next_cursor: page.next === null ? null : cursors.encode(scope, page.next) },
    }));
    if (notModified(ctx, listEtag(body))) return;
    ctx.type = 'application/json'; // before the body: a Buffer would otherwise be typed application/octet-stream
    ctx.body = body;
  });

  router.post('/api/tasks', requireUser, jsonBody, async (ctx: TaskContext) => {
    const body = objectBody(ctx);
    const input = toTaskInput(validate(CreateTaskBody, body));
    const once = idempotentRequest(ctx, '/api/tasks', body);
    const result = once === undefined
      ? { value: await useCases.createTask.execute(caller(ctx), input), replayed: false }
      : await useCases.createTask.executeOnce(caller(ctx), input, once);
    ctx.status = 201;
    ctx.set('Location', `/api/tasks/${result.value.id}`);
    sendTask(ctx, result);
  });

  // Before /api/tasks/:id, which would otherwise take "changes" for an id.
  router.get('/api/tasks/changes', requireUser, async (ctx: TaskContext) => {
    const owner = caller(ctx);
    const query = validate(ChangesQuery, ctx.query);
    const since = query.since === undefined ? null : syncTokens.decode(owner, query.since);
    const page = await useCases.syncTasks.execute(owner, { since, limit: query.limit ?? DEFAULT_SYNC_PAGE });
    ctx.body = {
      data: { upserted: page.upserted.map(toTaskJson), deleted: page.deleted },
      meta: { next_since: syncTokens.encode(owner, page.next), has_more: page.hasMore },
    };
  });

  // A method /api/tasks/:id has and the feed's path does not: 405 there, not "changes" taken for an id.
  const notTheFeed = (ctx: TaskContext, next: () => Promise<unknown>) =>
    ctx.params['id'] === 'changes' ? methodNotAllowed(ctx, allowedMethods(router, ctx.path)) : next();

  router.get('/api/tasks/:id', requireUser, async (ctx: TaskContext) => {
    const task = await useCases.getTask.execute(caller(ctx), taskId(ctx));
    if (notModified(ctx, taskEtag(task))) return;
    sendTask(ctx, { value: task, replayed: false });
  });

  const update = async (ctx: TaskContext) => {
    const id = taskId(ctx);
    const patch = toTaskPatchInput(validate(UpdateTaskBody, objectBody(ctx)));
    sendTask(ctx, { value: await useCases.updateTask.execute(caller(ctx), id, patch, ifMatch(ctx, id)), replayed: false });
  };
  router.put('/api/tasks/:id', requireUser, notTheFeed, jsonBody, update);
  router.patch('/api/tasks/:id', requireUser, notTheFeed, jsonBody, update);

  router.delete('/api/tasks/:id', requireUser, notTheFeed, async (ctx: TaskContext) => {
    const id = taskId(ctx);
    await useCases.deleteTask.execute(caller(ctx), id, ifMatch(ctx, id));
    ctx.status = 204;
  });

  router.patch('/api/tasks/:id/complete', requireUser, async (ctx: TaskContext) => {
    const id = taskId(ctx);
    const once = idempotentRequest(ctx, `/api/tasks/${id}/complete`, null);
    const expected = ifMatch(ctx, id);
    const toggle = useCases.toggleTaskCompletion;
    sendTask(ctx, once === undefined
      ? { value: await toggle.execute(caller(ctx), id, expected), replayed: false }
      : await toggle.executeOnce(caller(ctx), id, expected, once));
  });
}

/** A task response: the task's ETag, and the mark of a replay. A replay renders the kept task exactly as the first answer did. */
function sendTask(ctx: TaskContext, { value, replayed }: Replayable<Task>): void {
  ctx.set('ETag', taskEtag(value));
  if (replayed) ctx.set('Idempotency-Replayed', 'true');
  ctx.body = { data: toTaskJson(value) };
}

/** 304 with the ETag and no body when If-None-Match names the current tag (or is `*`). */
function notModified(ctx: TaskContext, etag: string): boolean {
  ctx.set('ETag', etag);
  if (noneMatchHolds(ctx.headers['if-none-match'], etag)) return false;
  ctx.status = 304;
  return true;
}

function ifMatch(ctx: TaskContext, id: TaskId) {
  return expectedVersion(ctx.headers['if-match'], id);
}

function caller(ctx: TaskContext): string {
  const { userId } = ctx.state;
  if (userId === undefined) throw new Error('task route reached without requireUser');
  return userId;
}

function taskId(ctx: TaskContext): TaskId {
  const id = parseTaskId(ctx.params['id'] ?? '');
  if (id === null) throw validationError('id', TASK_ID_MESSAGE);
  return id;
}

function objectBody(ctx: TaskContext): object {
  const body: unknown = ctx.request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw validationError('body', 'Body must be a JSON object');
  return body;
}
