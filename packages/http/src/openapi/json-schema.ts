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
  let tidied: JsonSchema = { ...rest };
  if (anyOf !== undefined) {
    const members = anyOf.map((member) => (typeof member === 'object' ? tidy(member) : member)).flatMap((member) =>
      typeof member === 'object' && isBareUnion(member) ? member.anyOf! : [member]);
    const described = anyOf.map((member) => (typeof member === 'object' ? member.description : undefined)).find((text) => text !== undefined);
    tidied = { ...(tidied.description === undefined && described !== undefined && { description: described }), ...tidied, anyOf: members.map(undescribed) };
  }
  if (properties !== undefined) tidied.properties = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, typeof value === 'object' ? tidy(value) : value]));
  if (items !== undefined && !Array.isArray(items)) tidied.items = typeof items === 'object' ? tidy(items) : items;
  if (required !== undefined && required.length > 0) tidied.required = required;
  if (fallback !== undefined) tidied.description = [tidied.description, `Default: ${JSON.stringify(fallback)}.`].filter(Boolean).join(' ');
  return tidied;
}

/** An `anyOf` with nothing but a description: its members can join the enclosing `anyOf`. */
const isBareUnion = (schema: JsonSchema) => schema.anyOf !== undefined && Object.keys(schema).every((key) => key === 'anyOf' || key === 'description');

const undescribed = (member: JsonSchema | boolean) => {
  if (typeof member !== 'object' || member.type === 'object') return member;
  const { description: _moved, ...rest } = member;
  return rest;
};

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
