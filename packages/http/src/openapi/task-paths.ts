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

interface Success {
  readonly description: string;
  readonly schema?: string;
  /** Headers it carries besides X-Request-Id and the rate limit's. */
  readonly headers?: readonly HeaderName[];
  readonly links?: Record<string, unknown>;
}

const success = ({ description, schema, headers = [], links }: Success) => ({
  description,
  headers: responseHeaders([...RATE_LIMIT, ...headers]),
  ...(schema !== undefined && { content: jsonContent(ref('schemas', schema)) }),
  ...(links !== undefined && { links }),
});

interface Operation {
  readonly id: string;
  readonly summary: string;
  readonly ok: [status: number, response: Success];
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
    [ok[0]]: success(ok[1]),
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

const updated: Success = { description: 'The task after the change.', schema: 'TaskEnvelope' };

/** The task routes (routes/tasks.ts). Every one needs a bearer token. */
export function taskPaths() {
  return {
    '/api/tasks': {
      get: operation({
        id: 'listTasks',
        summary: "The caller's tasks, filtered, sorted and paged with a cursor",
        parameters: queryParameters(ListQuery),
        ok: [200, { description: 'A page of tasks; meta.next_cursor is null on the last page.', schema: 'TaskList', links: { nextPage: NEXT_PAGE } }],
        failures: ['ValidationFailed'],
      }),
      post: operation({
        id: 'createTask',
        summary: 'Create a task',
        body: 'CreateTaskBody',
        ok: [201, { description: 'Created.', schema: 'TaskEnvelope', headers: ['Location'], links: onTheTask('The task just created.') }],
        failures: WITH_BODY,
      }),
    },
    '/api/tasks/{id}': {
      parameters: [ref('parameters', 'TaskId')],
      get: operation({ id: 'getTask', summary: 'One task', ok: [200, { description: 'The task.', schema: 'TaskEnvelope' }], failures: WITH_ID }),
      put: operation({
        id: 'updateTaskPut', summary: 'Partial update (the same as PATCH)', body: 'UpdateTaskBody', ok: [200, updated], failures: [...WITH_ID, ...WITH_BODY],
      }),
      patch: operation({
        id: 'updateTask', summary: 'Partial update: only the fields sent change', body: 'UpdateTaskBody', ok: [200, updated], failures: [...WITH_ID, ...WITH_BODY],
      }),
      delete: operation({ id: 'deleteTask', summary: 'Delete a task', ok: [204, { description: 'Deleted; no body.' }], failures: WITH_ID }),
    },
    '/api/tasks/{id}/complete': {
      parameters: [ref('parameters', 'TaskId')],
      patch: operation({ id: 'toggleTaskCompletion', summary: 'Flip completed, atomically', ok: [200, updated], failures: WITH_ID }),
    },
  };
}
