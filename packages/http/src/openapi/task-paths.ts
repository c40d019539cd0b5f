import { ListQuery } from '../wire/list-query.js';
import { type HeaderName, jsonContent, RATE_LIMIT, ref, responseHeaders, type ResponseName, statusOf } from './components.js';
import { queryParameters } from './json-schema.js';

/**
 * What every /api/ operation can answer: no token, too many requests, a bug, no database, and
 * (as the 404 for a route that is not there) a method the path does not have.
 */
const ALWAYS: ResponseName[] = ['Unauthenticated', 'MethodNotAllowed', 'RateLimited', 'InternalError', 'ServiceUnavailable'];
const WITH_ID: ResponseName[] = ['NotFound', 'ValidationFailed'];
const WITH_BODY: ResponseName[] = ['MalformedJson', 'PayloadTooLarge', 'UnsupportedMediaType', 'ValidationFailed'];
/** A write to an existing task: If-Match, and REQUIRE_IF_MATCH. */
const CONDITIONAL: ResponseName[] = ['PreconditionFailed', 'PreconditionRequired'];
const IF_MATCH = ref('parameters', 'IfMatch');
const IF_NONE_MATCH = ref('parameters', 'IfNoneMatch');
const IDEMPOTENCY_KEY = ref('parameters', 'IdempotencyKey');

interface Success {
  readonly description: string;
  readonly schema?: string;
  /** Headers it carries besides X-Request-Id and the rate limit's. */
  readonly headers?: readonly HeaderName[];
  /** Headers it carries only sometimes. */
  readonly sometimes?: readonly HeaderName[];
  readonly links?: Record<string, unknown>;
}

const success = ({ description, schema, headers = [], sometimes = [], links }: Success) => ({
  description,
  headers: responseHeaders([...RATE_LIMIT, ...headers], sometimes),
  ...(schema !== undefined && { content: jsonContent(ref('schemas', schema)) }),
  ...(links !== undefined && { links }),
});

interface Operation {
  readonly id: string;
  readonly summary: string;
  readonly ok: [status: number, response: Success];
  /** A GET with If-None-Match: 304, no body. */
  readonly notModified?: boolean;
  readonly failures: ResponseName[];
  readonly body?: string;
  readonly parameters?: unknown[];
}

const NOT_MODIFIED = { description: 'If-None-Match named the current ETag: no body.', headers: responseHeaders([...RATE_LIMIT, 'ETag']) };

const operation = ({ id, summary, ok, notModified = false, failures, body, parameters }: Operation) => ({
  operationId: id,
  summary,
  tags: ['tasks'],
  ...(parameters !== undefined && { parameters }),
  ...(body !== undefined && { requestBody: { required: true, content: jsonContent(ref('schemas', body)) } }),
  responses: {
    [ok[0]]: success(ok[1]),
    ...(notModified && { 304: NOT_MODIFIED }),
    ...Object.fromEntries([...new Set([...failures, ...ALWAYS])].map((name) => [statusOf(name), ref('responses', name)])),
  },
});

/** From a response carrying a task (`data.id`) to the operations on that task. */
const onTheTask = (description: string) => Object.fromEntries(
  ['getTask', 'updateTask', 'deleteTask', 'toggleTaskCompletion'].map((operationId) => [
    operationId, { operationId, parameters: { id: '$response.body#/data/id' }, description },
  ]),
);

const NEXT_PAGE = {
  operationId: 'listTasks',
  description: 'The next page: meta.next_cursor as cursor, with the same status, sort, order and limit (stop when it is null).',
  parameters: {
    cursor: '$response.body#/meta/next_cursor',
    ...Object.fromEntries(['status', 'sort', 'order', 'limit'].map((name) => [name, `$request.query.${name}`])),
  },
};

const updated: Success = { description: 'The task after the change.', schema: 'TaskEnvelope', headers: ['ETag'] };
const REPLAY = '(or, under an Idempotency-Key already used, the first answer again, with Idempotency-Replayed: true)';

/** The task routes (routes/tasks.ts). Every one needs a bearer token. */
export function taskPaths() {
  return {
    '/api/tasks': {
      get: operation({
        id: 'listTasks',
        summary: "The caller's tasks, filtered, sorted and paged with a cursor",
        parameters: [...queryParameters(ListQuery), IF_NONE_MATCH],
        ok: [200, {
          description: 'A page of tasks; meta.next_cursor is null on the last page.', schema: 'TaskList', headers: ['ETag'], links: { nextPage: NEXT_PAGE },
        }],
        notModified: true,
        failures: ['ValidationFailed'],
      }),
      post: operation({
        id: 'createTask',
        summary: 'Create a task',
        body: 'CreateTaskBody',
        parameters: [IDEMPOTENCY_KEY],
        ok: [201, {
          description: `Created ${REPLAY}.`, schema: 'TaskEnvelope', headers: ['Location', 'ETag'], sometimes: ['Idempotency-Replayed'],
          links: onTheTask('The task just created.'),
        }],
        failures: [...WITH_BODY, 'IdempotencyKeyInFlight'],
      }),
    },
    '/api/tasks/{id}': {
      parameters: [ref('parameters', 'TaskId')],
      get: operation({
        id: 'getTask', summary: 'One task', parameters: [IF_NONE_MATCH], ok: [200, { description: 'The task.', schema: 'TaskEnvelope', headers: ['ETag'] }],
        notModified: true, failures: WITH_ID,
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
        id: 'deleteTask', summary: 'Delete a task', parameters: [IF_MATCH], ok: [204, { description: 'Deleted; no body.' }],
        failures: [...WITH_ID, ...CONDITIONAL],
      }),
    },
    '/api/tasks/{id}/complete': {
      parameters: [ref('parameters', 'TaskId')],
      patch: operation({
        id: 'toggleTaskCompletion', summary: 'Flip completed, atomically', parameters: [IF_MATCH, IDEMPOTENCY_KEY],
        ok: [200, { ...updated, description: `The task after the change ${REPLAY}.`, sometimes: ['Idempotency-Replayed'] }],
        failures: [...WITH_ID, ...CONDITIONAL, 'IdempotencyKeyInFlight'],
      }),
    },
  };
}
