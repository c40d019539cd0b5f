import { MAX_TASK_ID } from '@todo/domain';
import { MAX_BODY_BYTES } from '../middleware/json-body.js';
import { ErrorJson } from '../wire/error-json.js';
import { TaskJson } from '../wire/task-json.js';
import { CreateTaskBody, UpdateTaskBody } from '../wire/task-schemas.js';
import { jsonSchemaOf } from './json-schema.js';

type Json = Record<string, unknown>;

export const ref = (kind: 'schemas' | 'responses' | 'parameters' | 'headers', name: string) => ({ $ref: `#/components/${kind}/${name}` });

export const jsonContent = (schema: Json, example?: unknown) => ({
  'application/json': { schema, ...(example !== undefined && { example }) },
});

const header = (description: string, schema: Json) => ({ description, schema });
const seconds = { type: 'integer', minimum: 0 };

const headers = {
  'X-Request-Id': header('The caller\'s X-Request-Id when it is 1–128 characters of A–Z a–z 0–9 . _ : -, else a fresh UUID.', { type: 'string' }),
  Location: header('Path of the created task.', { type: 'string', example: '/api/tasks/42' }),
  'WWW-Authenticate': header('`Bearer` when the token is missing, `Bearer error="invalid_token"` otherwise.', { type: 'string' }),
  Allow: header('The methods the path accepts.', { type: 'string', example: 'GET, POST' }),
  'Retry-After': header('Whole seconds to wait before trying again (at most 60 on a 429).', seconds),
  'RateLimit-Limit': header('Requests per minute allowed to this user (or client IP without a valid token).', seconds),
  'RateLimit-Remaining': header('Requests left right now.', seconds),
  'RateLimit-Reset': header('Seconds until the allowance is full again.', seconds),
  ETag: header('Opaque entity tag: strong on one task (changes on every write to it, never repeats), weak on a list (over the body).', {
    type: 'string', example: '"42.7"',
  }),
  'Idempotency-Replayed': header('`true` when this is the kept response of an earlier request with the same Idempotency-Key.', {
    type: 'string', enum: ['true'],
  }),
} as const;

export const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': ref('headers', 'RateLimit-Limit'),
  'RateLimit-Remaining': ref('headers', 'RateLimit-Remaining'),
  'RateLimit-Reset': ref('headers', 'RateLimit-Reset'),
};

const failure = (description: string, code: string, message: string, extraHeaders: Record<string, unknown> = {}, details?: Json[]) => ({
  description,
  headers: { 'X-Request-Id': ref('headers', 'X-Request-Id'), ...extraHeaders },
  content: jsonContent(ref('schemas', 'Error'), { error: { code, message, ...(details !== undefined && { details }) } }),
});

const responses = {
  MalformedJson: failure('The body is not valid JSON.', 'MALFORMED_JSON', 'Body is not valid JSON'),
  Unauthenticated: failure('The bearer token is missing, malformed, badly signed, expired or not yet valid.', 'UNAUTHENTICATED', 'Invalid token', {
    'WWW-Authenticate': ref('headers', 'WWW-Authenticate'),
  }),
  NotFound: failure("No such task for this user (another user's task looks exactly the same), or no such route.", 'NOT_FOUND', 'Task not found'),
  MethodNotAllowed: failure('The path exists, the method does not.', 'METHOD_NOT_ALLOWED', 'Method POST is not allowed here', {
    Allow: ref('headers', 'Allow'),
  }),
  PayloadTooLarge: failure(`The body is over ${MAX_BODY_BYTES} bytes.`, 'PAYLOAD_TOO_LARGE', `Body must be at most ${MAX_BODY_BYTES} bytes`),
  UnsupportedMediaType: failure('The body is not JSON (Content-Type).', 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json'),
  ValidationFailed: failure(
    'A field, query parameter, id or Idempotency-Key is invalid; `details` names each one. An empty title says "Title is required". '
      + 'On the keyed routes, also `IDEMPOTENCY_KEY_REUSED`: the key was first used for a different request.',
    'VALIDATION_ERROR', 'Validation failed', {}, [{ field: 'title', message: 'Title is required' }],
  ),
  RateLimited: failure('Too many requests from this user (or client IP without a valid token).', 'RATE_LIMITED', 'Too many requests', {
    'Retry-After': ref('headers', 'Retry-After'), ...RATE_LIMIT_HEADERS,
  }),
  InternalError: failure('A bug: nothing of it is in the body; it is logged with the request id.', 'INTERNAL_ERROR', 'Internal error'),
  NotModified: {
    description: 'If-None-Match matched the current ETag: no body.',
    headers: { 'X-Request-Id': ref('headers', 'X-Request-Id'), ETag: ref('headers', 'ETag') },
  },
  PreconditionFailed: failure('If-Match named no current version of the task: nothing was changed.', 'PRECONDITION_FAILED',
    'The task has changed since the version in If-Match'),
  PreconditionRequired: failure('REQUIRE_IF_MATCH is on and the write came without If-Match.', 'PRECONDITION_REQUIRED',
    "This write needs an If-Match header with the task's ETag"),
  IdempotencyKeyInFlight: failure('A request with this Idempotency-Key is still running.', 'IDEMPOTENCY_KEY_IN_FLIGHT',
    'A request with this Idempotency-Key is still in progress', { 'Retry-After': ref('headers', 'Retry-After') }),
  ServiceUnavailable: failure('The database, or the JWKS with no usable cached key, cannot be reached.', 'SERVICE_UNAVAILABLE', 'Database unavailable', {
    'Retry-After': ref('headers', 'Retry-After'),
  }),
};

const envelope = (data: Json, description: string) => ({ type: 'object', description, properties: { data }, required: ['data'] });

export const COMPONENTS = {
  schemas: {
    Task: jsonSchemaOf(TaskJson),
    CreateTaskBody: jsonSchemaOf(CreateTaskBody),
    UpdateTaskBody: jsonSchemaOf(UpdateTaskBody),
    Error: jsonSchemaOf(ErrorJson),
    TaskEnvelope: envelope(ref('schemas', 'Task'), 'One task.'),
    TaskList: {
      type: 'object',
      description: 'A page of tasks, in the order asked for.',
      properties: {
        data: { type: 'array', items: ref('schemas', 'Task') },
        meta: {
          type: 'object',
          properties: {
            count: { type: 'integer', minimum: 0, description: 'The number of tasks in data.' },
            next_cursor: { type: ['string', 'null'], description: 'Pass as cursor for the next page; null on the last page.' },
          },
          required: ['count', 'next_cursor'],
        },
      },
      required: ['data', 'meta'],
    },
    Status: envelope({ type: 'object', properties: { status: { type: 'string' } }, required: ['status'] }, 'Service status.'),
  },
  parameters: {
    TaskId: {
      name: 'id',
      in: 'path',
      required: true,
      description: 'Decimal digits without sign or leading zero; anything else is a 422.',
      schema: { type: 'integer', minimum: 1, maximum: MAX_TASK_ID },
    },
    IfMatch: {
      name: 'If-Match', in: 'header', required: false, schema: { type: 'string' },
      description: 'ETags of the task (strong comparison; weak tags never match) or `*`: the write happens only if one is current, else 412.',
    },
    IfNoneMatch: {
      name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' },
      description: 'ETags (weak comparison) or `*`: 304 without a body when one is current.',
    },
    IdempotencyKey: {
      name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[ -~]+$' },
      description: 'A retry of the same request (method, path, JSON body by value) with the same key within IDEMPOTENCY_TTL_S gets the first '
        + '2xx answer again, with Idempotency-Replayed: true, and nothing runs twice.',
    },
  },
  responses,
  headers,
  securitySchemes: {
    bearerAuth: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'A JWT from Better Auth: HS256/384/512 signed with BETTER_AUTH_SECRET, or EdDSA/ES256/ES512/RS256/PS256 '
        + 'verified against JWKS_URL. `exp` is required; the user is `sub`. `npm run cli -- token <user-id>` mints a development token.',
    },
  },
};

export type ResponseName = keyof typeof responses;
