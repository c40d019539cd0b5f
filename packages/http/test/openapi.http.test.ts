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
    const { CreateTaskBody, UpdateTaskBody } = document.components.schemas;
    assert.deepEqual(CreateTaskBody.required, ['title']);
    assert.equal(CreateTaskBody.properties.title.minLength, 1);
    assert.equal(CreateTaskBody.properties.title.maxLength, 200);
    assert.match(CreateTaskBody.properties.title.description, /code points/);
    assert.equal(CreateTaskBody.properties.description.anyOf[0].maxLength, 1000);
    assert.deepEqual(CreateTaskBody.properties.due_date.anyOf[0].anyOf, [{ format: 'date' }, { format: 'date-time' }]);
    assert.deepEqual(UpdateTaskBody.required, []);
    assert.equal(UpdateTaskBody.anyOf.length, 4);

    const listParameters = document.paths['/api/tasks'].get.parameters as Node[];
    assert.ok(listParameters.some((p) => p.$ref === '#/components/parameters/IfNoneMatch'));
    const parameters: Node = Object.fromEntries(listParameters.filter((p) => p.$ref === undefined).map((p) => [p.name, p]));
    assert.deepEqual(Object.keys(parameters).sort(), ['cursor', 'limit', 'order', 'sort', 'status']);
    assert.deepEqual(parameters['status'].schema.enum, ['all', 'pending', 'completed']);
    assert.deepEqual(parameters['sort'].schema.enum, ['created', 'updated', 'title', 'due_date']);
    assert.deepEqual(parameters['order'].schema.enum, ['asc', 'desc']);
    assert.ok(Object.values(parameters).every((p: Node) => p.in === 'query' && p.required === false && p.description.length > 0));
    assert.deepEqual(document.components.parameters.TaskId.schema, { type: 'integer', minimum: 1, maximum: 2 ** 53 - 1 });
  });

  it('gives every operation its statuses, headers and the error codes', () => {
    const responses = (path: string, method: string) => document.paths[path][method].responses as Node;
    const statuses = (path: string, method: string) => Object.keys(responses(path, method)).sort();
    assert.deepEqual(statuses('/api/tasks', 'get'), ['200', '304', '401', '422', '429', '500', '503']);
    assert.deepEqual(statuses('/api/tasks', 'post'), ['201', '400', '401', '409', '413', '415', '422', '429', '500', '503']);
    for (const method of ['put', 'patch']) {
      assert.deepEqual(statuses('/api/tasks/{id}', method), ['200', '400', '401', '404', '412', '413', '415', '422', '428', '429', '500', '503']);
    }
    assert.deepEqual(statuses('/api/tasks/{id}', 'delete'), ['204', '401', '404', '412', '422', '428', '429', '500', '503']);
    assert.deepEqual(statuses('/api/tasks/{id}/complete', 'patch'), ['200', '401', '404', '409', '412', '422', '428', '429', '500', '503']);
    assert.ok('ETag' in responses('/api/tasks/{id}', 'get')['200'].headers);
    assert.ok('Idempotency-Replayed' in responses('/api/tasks', 'post')['201'].headers);
    assert.ok('Retry-After' in document.components.responses.IdempotencyKeyInFlight.headers);
    assert.deepEqual(statuses('/ready', 'get'), ['200', '503']);
    assert.ok('Location' in responses('/api/tasks', 'post')['201'].headers);
    assert.equal(responses('/api/tasks/{id}', 'delete')['204'].content, undefined);

    const shared = document.components.responses;
    assert.ok('WWW-Authenticate' in shared.Unauthenticated.headers);
    assert.ok('Allow' in shared.MethodNotAllowed.headers);
    assert.deepEqual(Object.keys(shared.RateLimited.headers).sort(), ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After', 'X-Request-Id']);
    assert.ok('Retry-After' in shared.ServiceUnavailable.headers);
    assert.ok(shared.ValidationFailed.content['application/json'].example.error.details.length > 0);
    assert.deepEqual(document.components.schemas.Error.properties.error.properties.code.enum, [...ERROR_CODES]);
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
      assert.equal(check('Error', await failure.json()), null, path);
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
