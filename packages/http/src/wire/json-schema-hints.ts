import type { JsonSchema } from '@valibot/to-json-schema';
import * as v from 'valibot';

// Documentation only: metadata next to the rules, for the OpenAPI document (openapi/json-schema.ts); validation ignores it.

/** The key under which a hint carries a rewrite of the schema documented so far. */
export const REWRITE = Symbol('json-schema-rewrite');
export type Rewrite = (documented: JsonSchema) => JsonSchema;

export type RewriteHint = { readonly [REWRITE]: Rewrite };

const rewrite = <T>(change: Rewrite) => v.metadata<T, RewriteHint>({ [REWRITE]: change });

/**
 * The length bounds a domain rule enforces. JSON Schema's minLength/maxLength count code points,
 * exactly as the rules do; valibot's own length actions count UTF-16 units (they would refuse a
 * title of 200 emoji), so the bounds travel as metadata.
 */
export const codePoints = (bounds: { readonly minLength?: number; readonly maxLength: number }) => v.metadata<string, typeof bounds>(bounds);

/** A title as sent: no U+0000, and something other than white space (which is trimmed). */
export const untrimmedTitle = v.metadata<string, { pattern: string }>({ pattern: '^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$' });

/** A title as stored: trimmed, no U+0000. */
export const trimmedTitle = v.metadata<string, { pattern: string }>({ pattern: '^[^\\s\\u0000](?:[^\\u0000]*[^\\s\\u0000])?$' });

/** A calendar date, or a date-time with `Z` or an offset (seconds optional): a string of either format. */
export const dateOrDateTime = <T>() => rewrite<T>(({ description }) => ({
  ...(description !== undefined && { description }),
  anyOf: [{ type: 'string', format: 'date' }, { type: 'string', format: 'date-time' }],
}));

/**
 * What a client sends, where the wire carries text the server parses (a query parameter): the
 * document shows `schema` (with the description so far), not the string and its pattern.
 */
export const documentedAs = <T>(schema: JsonSchema) => rewrite<T>(({ description }) => ({ ...(description !== undefined && { description }), ...schema }));

/**
 * An object of optional fields of which at least one must be sent, in the form both mainstream
 * generators type as such: one branch per field, each requiring it (`{}` does not compile).
 */
export const atLeastOneProperty = <T>() => rewrite<T>(({ properties = {}, required: _none, ...rest }) => ({
  ...rest,
  minProperties: 1,
  anyOf: Object.keys(properties).map((field) => ({ type: 'object', properties, required: [field] })),
}));
