import { ListQuery } from '../wire/list-query.js';
import { jsonContent, RATE_LIMIT_HEADERS, ref, type ResponseName } from './components.js';
import { queryParameters } from './json-schema.js';

const STATUS_OF: Record<ResponseName, number> = {
  MalformedJson: 400, Unauthenticated: 401, NotFound: 404, MethodNotAllowed: 405, PayloadTooLarge: 413, UnsupportedMediaType: 415,
  ValidationFailed: 422, RateLimited: 429, InternalError: 500, ServiceUnavailable: 503,
  NotModified: 304, PreconditionFailed: 412, PreconditionRequired: 428, IdempotencyKeyInFlight: 409,
};

/** What every /api/ operation can answer: no token, too many requests, a bug, no database. */
const ALWAYS: ResponseName[] = ['Unauthenticated', 'RateLimited', 'InternalError', 'ServiceUnavailable'];
const WITH_ID: ResponseName[] = ['NotFound', 'ValidationFailed'];
const WITH_BODY: ResponseName[] = ['MalformedJson', 'PayloadTooLarge', 'UnsupportedMediaType', 'ValidationFailed'];
/** A write to an existing task: If-Match, and REQUIRE_IF_MATCH. */
const CONDITIONAL: ResponseName[] = ['PreconditionFailed', 'PreconditionRequired'];
const ETAG = { ETag: ref('headers', 'ETag') };
const REPLAYED = { 'Idempotency-Replayed': ref('headers', 'Idempotency-Replayed') };
const IF_MATCH = ref('parameters', 'IfMatch');
const IF_NONE_MATCH = ref('parameters', 'IfNoneMatch');
const IDEMPOTENCY_KEY = ref('parameters', 'IdempotencyKey');

const success = (description: string, schema?: string, headers: Record<string, unknown> = {}) => ({
  description,
  headers: { 'X-Request-Id': ref('headers', 'X-Request-Id'), ...RATE_LIMIT_HEADERS, ...headers },
  ...(schema !== undefined && { content: jsonContent(ref('schemas', schema)) }),
});

interface Operation {
  readonly id: string;
  readonly summary: string;
  readonly ok: [status: number, response: ReturnType<typeof success>];
  readonly failures: ResponseName[];
  readonly body?: string;
  readonly parameters?: unknown[];
}

const operation = ({ id, summary, ok, failures, body, parameters }: Operation) => ({
  operationId: id,
  summary,
  tags: ['tasks'],
  ...(parameters !== undefined && { parameters }),
  ...(body !== undefined && { requestBody: { required: true, content: jsonContent(ref('schemas', body)) } }),
  responses: {
    [ok[0]]: ok[1],
    ...Object.fromEntries([...new Set([...failures, ...ALWAYS])].map((name) => [STATUS_OF[name], ref('responses', name)])),
  },
});

const updated = success('The task after the change.', 'TaskEnvelope', ETAG);

/** The task routes (routes/tasks.ts). Every one needs a bearer token. */
export function taskPaths() {
  return {
    '/api/tasks': {
      get: operation({
        id: 'listTasks',
        summary: "The caller's tasks, filtered, sorted and paged with a cursor",
        parameters: [...queryParameters(ListQuery), IF_NONE_MATCH],
        ok: [200, success('A page of tasks; meta.next_cursor is null on the last page.', 'TaskList', ETAG)],
        failures: ['ValidationFailed', 'NotModified'],
      }),
      post: operation({
        id: 'createTask',
        summary: 'Create a task',
        body: 'CreateTaskBody',
        parameters: [IDEMPOTENCY_KEY],
        ok: [201, success('Created (or, under an Idempotency-Key already used, the first answer again).', 'TaskEnvelope', {
          Location: ref('headers', 'Location'), ...ETAG, ...REPLAYED,
        })],
        failures: [...WITH_BODY, 'IdempotencyKeyInFlight'],
      }),
    },
    '/api/tasks/{id}': {
      parameters: [ref('parameters', 'TaskId')],
      get: operation({
        id: 'getTask', summary: 'One task', parameters: [IF_NONE_MATCH], ok: [200, success('The task.', 'TaskEnvelope', ETAG)],
        failures: [...WITH_ID, 'NotModified'],
      }),
      put: operation({
        id: 'updateTaskPut', summary: 'Partial update (the same as PATCH)', body: 'UpdateTaskBody', parameters: [IF_MATCH], ok: [200, updated],
        failures: [...WITH_ID, ...WITH_BODY, ...CONDITIONAL],
      }),
      patch: operation({
        id: 'updateTask', summary: 'Partial update: only the fields sent change', body: 'UpdateTaskBody', parameters: [IF_MATCH], ok: [200, updated],
        failures: [...WITH_ID, ...WITH_BODY, ...CONDITIONAL],
      }),
      delete: operation({
        id: 'deleteTask', summary: 'Delete a task', parameters: [IF_MATCH], ok: [204, success('Deleted; no body.')], failures: [...WITH_ID, ...CONDITIONAL],
      }),
    },
    '/api/tasks/{id}/complete': {
      parameters: [ref('parameters', 'TaskId')],
      patch: operation({
        id: 'toggleTaskCompletion', summary: 'Flip completed, atomically', parameters: [IF_MATCH, IDEMPOTENCY_KEY],
        ok: [200, success('The task after the change (or, under an Idempotency-Key already used, the first answer again).', 'TaskEnvelope', { ...ETAG, ...REPLAYED })],
        failures: [...WITH_ID, ...CONDITIONAL, 'IdempotencyKeyInFlight'],
      }),
    },
  };
}
