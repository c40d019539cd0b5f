import { toJsonSchema, type JsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import { REWRITE, type Rewrite } from '../wire/json-schema-hints.js';

/**
 * The domain rules run as `rawCheck` actions, which are code: their bounds are documented by
 * metadata next to them (wire/json-schema-hints.ts), so the check itself is skipped here.
 */
const DOCUMENTED_BY_METADATA = new Set(['raw_check']);

/**
 * A wire schema as an OpenAPI 3.1 schema (JSON Schema 2020-12) of what a client sends:
 * conversion stops at a pipe's first transform. Anything else that cannot be converted
 * throws, at start-up, instead of leaving a hole in the document.
 */
export function jsonSchemaOf(schema: v.GenericSchema): JsonSchema {
  const { $schema: _dialect, ...converted } = toJsonSchema(schema, {
    target: 'draft-2020-12',
    typeMode: 'input',
    errorMode: 'throw',
    overrideAction: ({ valibotAction, jsonSchema }) => {
      if (DOCUMENTED_BY_METADATA.has(valibotAction.type)) return jsonSchema;
      const rewrite = valibotAction.type === 'metadata' ? rewriteOf(valibotAction) : undefined;
      return rewrite === undefined ? null : rewrite(jsonSchema);
    },
  });
  return tidy(converted);
}

function rewriteOf(action: v.PipeItem<unknown, unknown, v.BaseIssue<unknown>>): Rewrite | undefined {
  const metadata = (action as { metadata?: { [REWRITE]?: Rewrite } }).metadata;
  return metadata?.[REWRITE];
}

/**
 * The forms generated clients type best: no `default` (a generator would make the field
 * required; it is said in the description), no empty `required`, and a nullable value as one
 * flat `anyOf` carrying the description.
 */
function tidy(schema: JsonSchema): JsonSchema {
  const { default: fallback, required, properties, items, anyOf, ...rest } = schema;
  const tidied: JsonSchema = anyOf === undefined ? rest : { ...flatUnion(anyOf), ...rest };
  if (properties !== undefined) tidied.properties = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, tidyAny(value)]));
  if (items !== undefined && !Array.isArray(items)) tidied.items = tidyAny(items);
  if (required !== undefined && required.length > 0) tidied.required = required;
  if (fallback !== undefined) tidied.description = [tidied.description, `Default: ${JSON.stringify(fallback)}.`].filter(Boolean).join(' ');
  return tidied;
}

const tidyAny = (schema: JsonSchema | boolean) => (typeof schema === 'object' ? tidy(schema) : schema);

/** Nested unions flattened (`anyOf: [{ anyOf: [a, b] }, null]` → `[a, b, null]`), the members' description moved up. */
function flatUnion(anyOf: (JsonSchema | boolean)[]): JsonSchema {
  let description: string | undefined;
  const members = anyOf.map(tidyAny).flatMap((member) => {
    if (typeof member !== 'object' || member.type === 'object') return [member];
    const { description: text, ...rest } = member;
    description ??= text;
    return rest.anyOf !== undefined && Object.keys(rest).length === 1 ? rest.anyOf : [rest];
  });
  return { ...(description !== undefined && { description }), anyOf: members };
}

/** Each property of an object schema as an OpenAPI query parameter. */
export function queryParameters(schema: v.GenericSchema): Record<string, unknown>[] {
  const { properties = {}, required = [] } = jsonSchemaOf(schema);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: required.includes(name),
    ...(typeof property === 'object' && property.description !== undefined && { description: property.description }),
    schema: property,
  }));
}
