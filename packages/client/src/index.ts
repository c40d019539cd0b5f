import createClient, { type Client, type ClientOptions, type Middleware } from 'openapi-fetch';
import type { components, operations, paths } from './schema.js';

export type { components, operations, paths };

type Schemas = components['schemas'];

/** A task as the API returns it: snake_case, timestamps ISO-8601 UTC with `Z`. */
export type Task = Schemas['Task'];
/** `{ data: Task }`: the body of a create, get, update or toggle. */
export type TaskEnvelope = Schemas['TaskEnvelope'];
/** `{ data: Task[], meta: { count, next_cursor } }`: a page of a listing. */
export type TaskList = Schemas['TaskList'];
export type CreateTaskBody = Schemas['CreateTaskBody'];
/** At least one field: `{}` does not compile. */
export type UpdateTaskBody = Schemas['UpdateTaskBody'];
/** `{ error: { code, message, details? } }`: the body of every failure. */
export type ErrorBody = Schemas['ErrorBody'];
export type ErrorCode = ErrorBody['error']['code'];
/** One entry of `details` on a 422: the field at fault and what is wrong with it. */
export type FieldIssue = NonNullable<ErrorBody['error']['details']>[number];
/** The query of GET /api/tasks: status, sort, order, limit (1–500) and cursor. */
export type ListTasksQuery = NonNullable<operations['listTasks']['parameters']['query']>;
export type TaskStatus = NonNullable<ListTasksQuery['status']>;
export type TaskSort = NonNullable<ListTasksQuery['sort']>;
export type SortOrder = NonNullable<ListTasksQuery['order']>;

export type TasksClient = Client<paths, 'application/json'>;

/** A bearer token, or where to get a fresh one before each request (Better Auth's tokens last 15 minutes). */
export type TokenSource = string | (() => string | null | undefined | Promise<string | null | undefined>);

export interface TasksClientOptions extends ClientOptions {
  /** Where the API is, e.g. `http://localhost:8000`. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer …` on every request; without it only /health, /ready and the documents answer. */
  readonly token?: TokenSource;
}

/**
 * A typed client of the Tasks API (openapi-fetch): `client.GET('/api/tasks', { params: { query: { limit: 50 } } })`
 * resolves to `{ data, error, response }`, `data` typed by the success response and `error` an ErrorBody.
 */
export function createTasksClient({ token, ...options }: TasksClientOptions): TasksClient {
  const client = createClient<paths>(options);
  if (token !== undefined) client.use(bearer(token));
  return client;
}

/** A middleware that sets the bearer token on every request. */
export function bearer(token: TokenSource): Middleware {
  return {
    async onRequest({ request }) {
      const value = typeof token === 'string' ? token : await token();
      if (value !== null && value !== undefined && value !== '') request.headers.set('Authorization', `Bearer ${value}`);
      return request;
    },
  };
}

