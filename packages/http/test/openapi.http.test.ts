import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { ERROR_CODES } from '../src/errors.js';
import {
  componentValidator, danglingRefs, documentedOperations, type OpenApiDocument, servedOperations, startTestApp, type TestApp,
} from '../testing/index.js';

type Node = Record<string, any>;

describe('OpenAPI document', () => {
  let api: TestApp;
  let document: Node;
  before(async () => {
    api = await startTestApp();
    const response = await api.request('/openapi.json');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('Content-Type') ?? '', /^application\/json/);
    document = (await response.json()) as Node;
  });
  after(() => api.close());

  it('is a valid OpenAPI 3.1 document, with every $ref resolving', async () => {
    const validator = new Validator();
    const result = await validator.validate(document);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    assert.equal(validator.version, '3.1');
    assert.deepEqual(danglingRefs(document), []);
  });

  it('would be refused by the validator if it were broken', async () => {
    const broken: Node = structuredClone(document);
    delete broken.paths['/health'].get.responses['200'].description;
    assert.equal((await new Validator().validate(broken)).valid, false);
    assert.deepEqual(danglingRefs({ a: { $ref: '#/components/schemas/Nope' } }), ['#/components/schemas/Nope']);
  });

  it('documents every route the router serves, and none it does not', () => {
    assert.deepEqual(documentedOperations(document as OpenApiDocument), servedOperations(api.router));
    assert.ok(servedOperations(api.router).includes('PATCH /api/tasks/{id}/complete'));
  });

  it('answers 405 to every method a documented path lacks, with Allow naming exactly the methods it documents', async () => {
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
    const problems: string[] = [];
    for (const [path, item] of Object.entries(document.paths as Record<string, Node>)) {
      const documented = methods.filter((method) => method.toLowerCase() in item);
      const expected = [...documented, ...(documented.includes('GET') ? ['HEAD'] : [])].sort();
      for (const method of methods.filter((m) => !documented.includes(m))) {
        const response = await api.request(path.replace('{id}', '1'), { method, as: 'alice', ...(method !== 'GET' && { json: {} }) });
        const allow = (response.headers.get('Allow') ?? '').split(', ').sort();
        if (response.status !== 405 || allow.join() !== expected.join()) problems.push(`${method} ${path}: ${response.status}, Allow ${allow.join()}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('needs a token for /api/ operations only', () => {
    assert.deepEqual(document.components.securitySchemes.bearerAuth, {
      ...document.components.securitySchemes.bearerAuth, type: 'http', scheme: 'bearer', bearerFormat: 'JWT',
    });
    assert.deepEqual(document.security, [{ bearerAuth: [] }]);
    for (const operation of documentedOperations(document as OpenApiDocument)) {
      const [method, path] = operation.split(' ') as [string, string];
      const security = document.paths[path][method.toLowerCase()].security;
      assert.deepEqual(security, path.startsWith('/api/') ? undefined : [], operation);
    }
  });

  it('carries the rules of the request schemas: lengths in code points, formats, enums, the id range', () => {
    const { CreateTaskBody, UpdateTaskBody, Task } = document.components.schemas;
    assert.deepEqual(CreateTaskBody.required, ['title']);
    assert.equal(CreateTaskBody.properties.title.minLength, 1);
    assert.equal(CreateTaskBody.properties.title.maxLength, 200);
    assert.match(CreateTaskBody.properties.title.description, /code points/);
    assert.equal(CreateTaskBody.properties.description.anyOf[0].maxLength, 1000);
    assert.deepEqual(CreateTaskBody.properties.due_date.anyOf, [
      { type: 'string', format: 'date' }, { type: 'string', format: 'date-time' }, { type: 'null' },
    ]);
    assert.equal(UpdateTaskBody.minProperties, 1);
    assert.deepEqual(UpdateTaskBody.anyOf.map((branch: Node) => branch.required), [['title'], ['description'], ['due_date'], ['completed']]);

    const listParameters = document.paths['/api/tasks'].get.parameters as Node[];
    assert.ok(listParameters.some((p) => p.$ref === '#/components/parameters/IfNoneMatch'));
    const parameters: Node = Object.fromEntries(listParameters.filter((p) => p.$ref === undefined).map((p) => [p.name, p]));
    assert.deepEqual(Object.keys(parameters).sort(), ['cursor', 'limit', 'order', 'sort', 'status']);
    assert.deepEqual(parameters['status'].schema.enum, ['all', 'pending', 'completed']);
    assert.deepEqual(parameters['sort'].schema.enum, ['created', 'updated', 'title', 'due_date']);
    assert.deepEqual(parameters['order'].schema.enum, ['asc', 'desc']);
    assert.deepEqual({ ...parameters['limit'].schema, description: undefined }, { type: 'integer', minimum: 1, maximum: 500, description: undefined });
    assert.ok(Object.values(parameters).every((p: Node) => p.in === 'query' && p.required === false && p.description.length > 0));
    assert.deepEqual(document.components.parameters.TaskId.schema, { type: 'integer', minimum: 1, maximum: 2 ** 53 - 1 });

    const titleAsSent = new RegExp(CreateTaskBody.properties.title.pattern, 'u');
    const titleAsStored = new RegExp(Task.properties.title.pattern, 'u');
    for (const title of ['a', '  a  ', 'a b', '😀']) assert.ok(titleAsSent.test(title), title);
    for (const title of ['', '   ', 'a\u0000b', '\u0000']) assert.ok(!titleAsSent.test(title), JSON.stringify(title));
    for (const title of ['a', 'a b', '😀 x']) assert.ok(titleAsStored.test(title), title);
    for (const title of [' a', 'a ', 'a\u0000']) assert.ok(!titleAsStored.test(title), JSON.stringify(title));
  });

  it('has no default in any schema (generators would make the field required): defaults are in descriptions', () => {
    const defaults: string[] = [];
    const visit = (node: unknown, at: string): void => {
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'default') defaults.push(at);
        visit(value, `${at}/${key}`);
      }
    };
    visit(document, '#');
    assert.deepEqual(defaults, []);
    assert.match(document.components.schemas.CreateTaskBody.properties.completed.description, /Default: false/);
  });

  it('gives every operation its statuses, headers and the error codes', () => {
    const responses = (path: string, method: string) => document.paths[path][method].responses as Node;
    const statuses = (path: string, method: string) => Object.keys(responses(path, method)).sort();
    assert.deepEqual(statuses('/api/tasks', 'get'), ['200', '304', '401', '405', '422', '429', '500', '503']);
    assert.deepEqual(statuses('/api/tasks', 'post'), ['201', '400', '401', '405', '409', '413', '415', '422', '429', '500', '503']);
    for (const method of ['put', 'patch']) {
      assert.deepEqual(statuses('/api/tasks/{id}', method), ['200', '400', '401', '404', '405', '412', '413', '415', '422', '428', '429', '500', '503']);
    }
    assert.deepEqual(statuses('/api/tasks/{id}', 'delete'), ['204', '401', '404', '405', '412', '422', '428', '429', '500', '503']);
    assert.deepEqual(statuses('/api/tasks/{id}/complete', 'patch'), ['200', '401', '404', '405', '409', '412', '422', '428', '429', '500', '503']);
    assert.equal(responses('/api/tasks/{id}', 'get')['200'].headers.ETag.required, true);
    assert.equal(responses('/api/tasks/{id}', 'get')['304'].headers.ETag.required, true);
    assert.equal(responses('/api/tasks', 'post')['201'].headers['Idempotency-Replayed'].required, undefined);
    assert.equal(document.components.responses.IdempotencyKeyInFlight.headers['Retry-After'].required, true);
    assert.deepEqual(statuses('/ready', 'get'), ['200', '405', '500', '503']);
    const created = responses('/api/tasks', 'post')['201'];
    assert.equal(created.headers.Location.required, true);
    assert.deepEqual(Object.keys(created.headers).sort(), [
      'ETag', 'Idempotency-Replayed', 'Location', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'X-Request-Id',
    ]);
    assert.equal(responses('/api/tasks/{id}', 'delete')['204'].content, undefined);

    const shared = document.components.responses;
    assert.equal(shared.Unauthenticated.headers['WWW-Authenticate'].required, true);
    assert.equal(shared.MethodNotAllowed.headers.Allow.required, true);
    assert.equal(shared.MethodNotAllowed.headers['RateLimit-Limit'].required, undefined); // not on /health
    assert.deepEqual(Object.keys(shared.RateLimited.headers).sort(), ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After', 'X-Request-Id']);
    assert.equal(shared.ServiceUnavailable.headers['Retry-After'].required, true);
    for (const [name, response] of Object.entries(shared) as [string, Node][]) assert.equal(response.headers['X-Request-Id'].required, true, name);
    assert.ok(shared.ValidationFailed.content['application/json'].example.error.details.length > 0);
    assert.deepEqual(document.components.schemas.ErrorBody.properties.error.properties.code.enum, [...ERROR_CODES]);
    assert.equal(document.components.schemas.Error, undefined); // it would shadow the global Error in generated code
  });

  it('uses every shared response, and links a created task and the next page to their operations', () => {
    const used = new Set(JSON.stringify(document.paths).match(/#\/components\/responses\/\w+/g));
    assert.deepEqual([...used].sort(), Object.keys(document.components.responses).map((name) => `#/components/responses/${name}`).sort());
    assert.ok(document.servers.length > 0);
    const operationIds = new Set((Object.values(document.paths) as Node[]).flatMap((item) => (Object.values(item) as Node[]).map((op) => op.operationId)));
    const created = document.paths['/api/tasks'].post.responses['201'].links;
    assert.deepEqual(created.getTask, { ...created.getTask, operationId: 'getTask', parameters: { id: '$response.body#/data/id' } });
    const next = document.paths['/api/tasks'].get.responses['200'].links.nextPage;
    assert.equal(next.parameters.cursor, '$response.body#/meta/next_cursor');
    for (const link of [...Object.values(created), next] as Node[]) assert.ok(operationIds.has(link.operationId), link.operationId);
  });

  it('declares the media types the documentation files are served with', () => {
    const types = Object.keys(document.paths['/docs/{asset}'].get.responses['200'].content).sort();
    assert.deepEqual(types, ['image/png', 'text/css', 'text/javascript']);
  });

  it('describes what the API really answers', async () => {
    const check = componentValidator(document as OpenApiDocument);
    const created = await api.request('/api/tasks', { method: 'POST', as: 'alice', json: { title: '😀'.repeat(200), due_date: '2026-12-01' } });
    assert.equal(created.status, 201);
    const task = (await created.json()) as Node;
    assert.equal(check('TaskEnvelope', task), null);
    assert.equal(check('Task', { ...task.data, due_date: 'tomorrow' }) !== null, true);
    assert.equal(check('TaskList', await (await api.request('/api/tasks', { as: 'alice' })).json()), null);
    assert.equal(check('CreateTaskBody', { title: '😀'.repeat(200) }), null);
    assert.notEqual(check('CreateTaskBody', { title: '😀'.repeat(201) }), null);
    for (const [path, init] of [['/api/tasks', {}], ['/api/tasks?status=nope', { as: 'alice' }], ['/api/tasks/1', { method: 'POST', as: 'alice' }]] as const) {
      const failure = await api.request(path, init);
      assert.ok(failure.status >= 400, path);
      assert.equal(check('ErrorBody', await failure.json()), null, path);
    }
    assert.equal(check('Status', await (await api.request('/health')).json()), null);
  });
});

describe('docs page', () => {
  let api: TestApp;
  before(async () => {
    api = await startTestApp({ rateLimitPerMinute: 1 });
  });
  after(() => api.close());

  const assets = (html: string) => [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);

  it('serves an HTML page whose scripts, styles and icons are local files, without a token or the rate limit', async () => {
    const page = await api.request('/docs');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('Content-Type') ?? '', /^text\/html/);
    const html = await page.text();
    const urls = assets(html);
    assert.ok(urls.length >= 3);
    assert.ok(urls.every((url) => url.startsWith('/docs/')), urls.join(' ')); // no CDN
    const expected: Record<string, RegExp> = { js: /^text\/javascript/, css: /^text\/css/, png: /^image\/png$/ };
    for (let round = 0; round < 2; round++) {
      for (const url of urls) {
        const response = await api.request(url);
        assert.equal(response.status, 200, url);
        assert.match(response.headers.get('Content-Type') ?? '', expected[url.split('.').pop()!]!, url);
        assert.equal(response.headers.get('RateLimit-Limit'), null, url);
        assert.ok((await response.arrayBuffer()).byteLength > 0, url);
      }
    }
    const init = await (await api.request('/docs/init.js')).text();
    assert.match(init, /url: '\/openapi\.json'/);
    assert.match(init, /validatorUrl: null/); // Swagger UI would call validator.swagger.io otherwise
    assert.equal((await api.request('/openapi.json')).status, 200);
  });

  it('serves nothing else from the package', async () => {
    for (const path of ['/docs/package.json', '/docs/..%2F..%2Fpackage.json', '/docs/index.html']) {
      const response = await api.request(path);
      assert.equal(response.status, 404, path);
    }
  });

  it('still rate limits the API next to it', async () => {
    assert.equal((await api.request('/api/tasks', { as: 'alice' })).status, 200);
    assert.equal((await api.request('/api/tasks', { as: 'alice' })).status, 429);
  });
});
