import type Router from '@koa/router';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export type OpenApiDocument = { paths: Record<string, Record<string, unknown>> } & Record<string, unknown>;

/** `METHOD /path/{param}` for every route the router serves (HEAD, which Koa adds to GET, left out). */
export function servedOperations(router: Router): string[] {
  return router.stack.flatMap((layer) => {
    if (typeof layer.path !== 'string') throw new Error(`a RegExp route cannot be documented: ${String(layer.path)}`);
    const path = layer.path.replace(/:(\w+)/g, '{$1}');
    return layer.methods.filter((method) => method !== 'HEAD').map((method) => `${method} ${path}`);
  }).sort();
}

/** `METHOD /path/{param}` for every operation the document describes. */
export function documentedOperations(document: OpenApiDocument): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item).filter((key) => HTTP_METHODS.includes(key)).map((method) => `${method.toUpperCase()} ${path}`),
  ).sort();
}

/** Every local `$ref` in the document that points nowhere. */
export function danglingRefs(document: object): string[] {
  const dangling: string[] = [];
  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && resolvePointer(document, value) === undefined) dangling.push(value);
      visit(value);
    }
  };
  visit(document);
  return dangling;
}

function resolvePointer(document: object, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref.slice(2).split('/').reduce<unknown>(
    (node, part) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined),
    document,
  );
}

/** Checks a value against a schema of the document's components (by name), `$ref`s and formats included. */
export function componentValidator(document: OpenApiDocument): (schemaName: string, value: unknown) => string | null {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ $id: 'openapi', components: document['components'] }, 'openapi');
  return (schemaName, value) => {
    const validate = ajv.getSchema(`openapi#/components/schemas/${schemaName}`);
    if (validate === undefined) return `no schema ${schemaName}`;
    return validate(value) ? null : ajv.errorsText(validate.errors);
  };
}
