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

type Node = Record<string, any>;

/**
 * Checks a response against what the document says the operation answers: a documented status,
 * each header marked `required` present, a documented media type, and a JSON body matching its schema.
 * Returns the problems found (none when the document told the truth).
 */
export function responseChecker(document: OpenApiDocument): (method: string, path: string, response: Response, body: string) => string[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ $id: 'openapi', components: document['components'] }, 'openapi');
  const resolve = (node: Node): Node => (typeof node['$ref'] === 'string' ? resolvePointer(document, node['$ref']) as Node : node);
  return (method, path, response, body) => {
    const where = `${method} ${path} → ${response.status}`;
    const operation = (document.paths[path] as Node | undefined)?.[method.toLowerCase()] as Node | undefined;
    if (operation === undefined) return [`${where}: no such operation`];
    const documented = operation['responses'][String(response.status)] as Node | undefined;
    if (documented === undefined) return [`${where}: status not documented`];
    const declared = resolve(documented);
    const problems = Object.entries((declared['headers'] ?? {}) as Record<string, Node>)
      .filter(([name, header]) => header['required'] === true && !response.headers.has(name))
      .map(([name]) => `${where}: required header ${name} missing`);
    const content = declared['content'] as Record<string, Node> | undefined;
    const mediaType = (response.headers.get('Content-Type') ?? '').split(';')[0]!.trim();
    if (content === undefined) {
      if (body !== '') problems.push(`${where}: a body where none is documented`);
      return problems;
    }
    const media = content[mediaType];
    if (media === undefined) return [...problems, `${where}: media type ${mediaType} not documented`];
    if (mediaType !== 'application/json') return problems;
    const schema = media['schema'] as Node;
    const validate = typeof schema['$ref'] === 'string' ? ajv.getSchema(`openapi${schema['$ref']}`) : ajv.compile(schema);
    if (validate === undefined) return [...problems, `${where}: no schema ${String(schema['$ref'])}`];
    if (!validate(JSON.parse(body))) problems.push(`${where}: ${ajv.errorsText(validate.errors)}`);
    return problems;
  };
}
