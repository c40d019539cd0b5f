import { toJsonSchema, type JsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';

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
    overrideAction: ({ valibotAction, jsonSchema }) => (DOCUMENTED_BY_METADATA.has(valibotAction.type) ? jsonSchema : null),
  });
  return converted;
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
