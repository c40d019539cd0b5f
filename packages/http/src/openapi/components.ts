import { MAX_TASK_ID } from '@todo/domain';
import type { ErrorCode } from '../errors.js';
import { MAX_BODY_BYTES } from '../middleware/json-body.js';
import { ErrorJson } from '../wire/error-json.js';
import { TaskJson } from '../wire/task-json.js';
import { CreateTaskBody, UpdateTaskBody } from '../wire/task-schemas.js';
import { jsonSchemaOf } from './json-schema.js';

type Json = Record<string, unknown>;

export const ref = (kind: 'schemas' | 'responses' | 'parameters', name: string) => ({ $ref: `#/components/${kind}/${name}` });

export const jsonContent = (schema: Json, example?: unknown) => ({
  'application/json': { schema, ...(example !== undefined && { example }) },
});

const seconds = { type: 'integer', minimum: 0 };

/** Every response header the API sends, declared once: a new header goes here, then into the responses that carry it. */
const HEADERS = {
  'X-Request-Id': { description: "The caller's X-Request-Id when it is 1–128 characters of A–Z a–z 0–9 . _ : -, else a fresh UUID.", schema: { type: 'string' } },
  Location: { description: 'Path of the created task.', schema: { type: 'string', example: '/api/tasks/42' } },
  'WWW-Authenticate': { description: '`Bearer` when the token is missing, `Bearer error="invalid_token"` otherwise.', schema: { type: 'string' } },
  Allow: { description: 'The methods the path accepts.', schema: { type: 'string', example: 'GET, POST' } },
  'Retry-After': { description: 'Whole seconds to wait before trying again (at most 60 on a 429).', schema: seconds },
  'RateLimit-Limit': { description: 'Requests per minute allowed to this user (or client IP without a valid token).', schema: seconds },
  'RateLimit-Remaining': { description: 'Requests left right now.', schema: seconds },
  'RateLimit-Reset': { description: 'Seconds until the allowance is full again.', schema: seconds },
  ETag: {
    description: 'Opaque entity tag: strong on one task (changes on every write to it, never repeats), weak on a list (over the body).',
    schema: { type: 'string', example: '"42.7"' },
  },
  'Idempotency-Replayed': {
    description: '`true` when this is the kept response of an earlier request with the same Idempotency-Key.',
    schema: { type: 'string', enum: ['true'] },
  },
} as const satisfies Record<string, { description: string; schema: Json }>;

export type HeaderName = keyof typeof HEADERS;

/** Sent on every /api/ response that got past the rate limiter. */
export const RATE_LIMIT: readonly HeaderName[] = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'];

/**
 * The headers of one response: those it `always` carries are `required`, the others it may carry
 * are not. X-Request-Id is on every response.
 */
export function responseHeaders(always: readonly HeaderName[] = [], sometimes: readonly HeaderName[] = []): Record<string, Json> {
  const names = [...new Set<HeaderName>(['X-Request-Id', ...always])];
  return Object.fromEntries([
    ...names.map((name) => [name, { ...HEADERS[name], required: true }]),
    ...sometimes.filter((name) => !names.includes(name)).map((name) => [name, HEADERS[name]]),
  ]);
}

interface Failure {
  readonly status: number;
  readonly description: string;
  readonly code: ErrorCode;
  /** The example's message. */
  readonly message: string;
  readonly always?: readonly HeaderName[];
  readonly sometimes?: readonly HeaderName[];
  readonly details?: readonly Json[];
}

/**
 * Every error response, declared once (components/responses): a new status goes here, then into
 * the `failures` of the operations that answer it (task-paths.ts). Those answered after the rate
 * limiter carry its headers; a 5xx or a 405 may come before it.
 */
const FAILURES = {
  MalformedJson: { status: 400, description: 'The body is not valid JSON.', code: 'MALFORMED_JSON', message: 'Body is not valid JSON', always: RATE_LIMIT },
  Unauthenticated: {
    status: 401,
    description: 'The bearer token is missing, malformed, badly signed, expired or not yet valid.',
    code: 'UNAUTHENTICATED',
    message: 'Invalid token',
    always: ['WWW-Authenticate', ...RATE_LIMIT],
  },
  NotFound: {
    status: 404,
    description: "No such task for this user (another user's task looks exactly the same), or no such route.",
    code: 'NOT_FOUND',
    message: 'Task not found',
    always: RATE_LIMIT,
  },
  FileNotFound: { status: 404, description: 'No such file.', code: 'NOT_FOUND', message: 'Not found' },
  MethodNotAllowed: {
    status: 405,
    description: 'The path exists, not with this method: Allow lists those it has.',
    code: 'METHOD_NOT_ALLOWED',
    message: 'Method POST is not allowed here',
    always: ['Allow'],
    sometimes: RATE_LIMIT,
  },
  PayloadTooLarge: {
    status: 413,
    description: `The body is over ${MAX_BODY_BYTES} bytes.`,
    code: 'PAYLOAD_TOO_LARGE',
    message: `Body must be at most ${MAX_BODY_BYTES} bytes`,
    always: RATE_LIMIT,
  },
  UnsupportedMediaType: {
    status: 415,
    description: 'The body is not JSON (Content-Type).',
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Content-Type must be application/json',
    always: RATE_LIMIT,
  },
  ValidationFailed: {
    status: 422,
    description: 'A field, query parameter, id or Idempotency-Key is invalid; `details` names each one. An empty title says "Title is required". '
      + 'On the keyed routes, also `IDEMPOTENCY_KEY_REUSED`: the key was first used for a different request.',
    code: 'VALIDATION_ERROR',
    message: 'Validation failed',
    always: RATE_LIMIT,
    details: [{ field: 'title', message: 'Title is required' }],
  },
  RateLimited: {
    status: 429,
    description: 'Too many requests from this user (or client IP without a valid token).',
    code: 'RATE_LIMITED',
    message: 'Too many requests',
    always: ['Retry-After', ...RATE_LIMIT],
  },
  InternalError: {
    status: 500,
    description: 'A bug: nothing of it is in the body; it is logged with the request id.',
    code: 'INTERNAL_ERROR',
    message: 'Internal error',
    sometimes: RATE_LIMIT,
  },
  IdempotencyKeyInFlight: {
    status: 409,
    description: 'A request with this Idempotency-Key is still running.',
    code: 'IDEMPOTENCY_KEY_IN_FLIGHT',
    message: 'A request with this Idempotency-Key is still in progress',
    always: ['Retry-After', ...RATE_LIMIT],
  },
  PreconditionFailed: {
    status: 412,
    description: 'If-Match named no current version of the task: nothing was changed.',
    code: 'PRECONDITION_FAILED',
    message: 'The task has changed since the version in If-Match',
    always: RATE_LIMIT,
  },
  PreconditionRequired: {
    status: 428,
    description: 'REQUIRE_IF_MATCH is on and the write came without If-Match.',
    code: 'PRECONDITION_REQUIRED',
    message: "This write needs an If-Match header with the task's ETag",
    always: RATE_LIMIT,
  },
  ServiceUnavailable: {
    status: 503,
    description: 'The database, or the JWKS with no usable cached key, cannot be reached.',
    code: 'SERVICE_UNAVAILABLE',
    message: 'Database unavailable',
    always: ['Retry-After'],
    sometimes: RATE_LIMIT,
  },
} as const satisfies Record<string, Failure>;

export type ResponseName = keyof typeof FAILURES;

export const statusOf = (name: ResponseName): number => FAILURES[name].status;

const failureResponse = ({ description, code, message, always, sometimes, details }: Failure) => ({
  description,
  headers: responseHeaders(always, sometimes),
  content: jsonContent(ref('schemas', 'ErrorBody'), { error: { code, message, ...(details !== undefined && { details }) } }),
});

const JSON_SCALARS = [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }];
// Each reference back to JsonObject sits under an object's properties, where generated types may recurse.
const jsonArray = (inner?: Json): Json => ({ type: 'array', items: { anyOf: [...JSON_SCALARS, ref('schemas', 'JsonObject'), ...(inner === undefined ? [] : [inner])] } });

const envelope = (data: Json, description: string) => ({ type: 'object', description, properties: { data }, required: ['data'] });

export const COMPONENTS = {
  schemas: {
    Task: jsonSchemaOf(TaskJson),
    CreateTaskBody: jsonSchemaOf(CreateTaskBody),
    UpdateTaskBody: jsonSchemaOf(UpdateTaskBody),
    ErrorBody: jsonSchemaOf(ErrorJson),
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
    OpenApiDocument: {
      type: 'object',
      description: 'An OpenAPI 3.1 document: its top, the rest as the OpenAPI specification says.',
      properties: {
        openapi: { type: 'string' },
        info: {
          type: 'object',
          properties: { title: { type: 'string' }, version: { type: 'string' }, description: { type: 'string' } },
          required: ['title', 'version'],
        },
        paths: { type: 'object', additionalProperties: ref('schemas', 'JsonObject') },
        components: ref('schemas', 'JsonObject'),
      },
      required: ['openapi', 'info', 'paths'],
    },
    JsonObject: {
      type: 'object',
      description: 'A JSON object (arrays in it nest two deep at most, as in this document).',
      additionalProperties: { anyOf: [...JSON_SCALARS, ref('schemas', 'JsonObject'), jsonArray(jsonArray())] },
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
  responses: Object.fromEntries(Object.entries(FAILURES).map(([name, failure]) => [name, failureResponse(failure)])),
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
