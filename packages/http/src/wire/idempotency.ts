import { createHash } from 'node:crypto';
import { idempotencyKeyProblem, type IdempotentRequest, validationError } from '@todo/domain';
import type { Context } from 'koa';

/**
 * The request's `Idempotency-Key` with the fingerprint of what it asks (method, path and JSON
 * body compared by value), or undefined without one. A malformed key, or more than one, is 422.
 */
export function idempotentRequest(ctx: Context, path: string, body: unknown): IdempotentRequest | undefined {
  const values = ctx.req.headersDistinct['idempotency-key'];
  if (values === undefined) return undefined;
  const key = values.length === 1 ? values[0]! : '';
  const problem = idempotencyKeyProblem(key);
  if (problem !== null) throw validationError('Idempotency-Key', problem);
  return { key, fingerprint: fingerprint(ctx.method, path, body) };
}

/** Equal for requests equal by value: object keys in any order, any white space, `1.0` and `1`. */
export function fingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(JSON.stringify([method, path, canonical(body)])).digest('base64url');
}

/** Objects become their sorted entries, marked apart from arrays so the two never collide. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return ['[]', ...value.map(canonical)];
  if (typeof value !== 'object' || value === null) return value;
  return ['{}', ...Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])])];
}
