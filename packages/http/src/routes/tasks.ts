import type Router from '@koa/router';
import { parseTaskId, TASK_ID_MESSAGE, type TaskId, validationError } from '@todo/domain';
import type { Context } from 'koa';
import { jsonBody } from '../middleware/json-body.js';
import type { RequestState } from '../state.js';
import type { UseCases } from '../use-cases.js';
import type { CursorCodec } from '../wire/cursor.js';
import { ListQuery, withDefaultOrder } from '../wire/list-query.js';
import { toTaskJson } from '../wire/task-json.js';
import { CreateTaskBody, toTaskInput, toTaskPatchInput, UpdateTaskBody } from '../wire/task-schemas.js';
import { validate } from '../wire/validate.js';

type TaskContext = Context & { state: RequestState; params: Record<string, string> };

export function taskRoutes(router: Router, useCases: UseCases, cursors: CursorCodec): void {
  router.get('/api/tasks', async (ctx: TaskContext) => {
    const owner = caller(ctx);
    const query = withDefaultOrder(validate(ListQuery, ctx.query));
    const scope = { userId: owner, status: query.status, sort: query.sort, order: query.order };
    const after = query.cursor === undefined ? null : cursors.decode(scope, query.cursor);
    const page = await useCases.listTasks.execute(owner, { ...scope, limit: query.limit ?? null, after });
    ctx.body = {
      data: page.tasks.map(toTaskJson),
      meta: { count: page.tasks.length, next_cursor: page.next === null ? null : cursors.encode(scope, page.next) },
    };
  });

  router.post('/api/tasks', jsonBody, async (ctx: TaskContext) => {
    const task = await useCases.createTask.execute(caller(ctx), toTaskInput(validate(CreateTaskBody, objectBody(ctx))));
    ctx.status = 201;
    ctx.set('Location', `/api/tasks/${task.id}`);
    ctx.body = { data: toTaskJson(task) };
  });

  router.get('/api/tasks/:id', async (ctx: TaskContext) => {
    ctx.body = { data: toTaskJson(await useCases.getTask.execute(caller(ctx), taskId(ctx))) };
  });

  const update = async (ctx: TaskContext) => {
    const id = taskId(ctx);
    const patch = toTaskPatchInput(validate(UpdateTaskBody, objectBody(ctx)));
    ctx.body = { data: toTaskJson(await useCases.updateTask.execute(caller(ctx), id, patch)) };
  };
  router.put('/api/tasks/:id', jsonBody, update);
  router.patch('/api/tasks/:id', jsonBody, update);

  router.delete('/api/tasks/:id', async (ctx: TaskContext) => {
    await useCases.deleteTask.execute(caller(ctx), taskId(ctx));
    ctx.status = 204;
  });

  router.patch('/api/tasks/:id/complete', async (ctx: TaskContext) => {
    ctx.body = { data: toTaskJson(await useCases.toggleTaskCompletion.execute(caller(ctx), taskId(ctx))) };
  });
}

function caller(ctx: TaskContext): string {
  const { userId } = ctx.state;
  if (userId === undefined) throw new Error('task route reached without an authenticated user');
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
