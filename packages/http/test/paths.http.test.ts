import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { requireUser } from '../src/middleware/authentication.js';
import { rawRequest, startTestApp, type TestApp } from '../testing/index.js';

/**
 * SPEC §3: paths match exactly and case-sensitively; every path under /api/ needs a token
 * (401 without one, however it is spelled), and a path that is not exactly a route is 404
 * with one. Never 500. Requests go out through a raw socket, so no client tidies the path.
 */
interface Route {
  readonly method: string;
  /** `{id}` is replaced by a task of the caller. */
  readonly path: string;
  readonly ok: number;
  readonly body?: string;
}

const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/api/tasks', ok: 200 },
  { method: 'POST', path: '/api/tasks', ok: 201, body: '{"title":"t"}' },
  { method: 'GET', path: '/api/tasks/{id}', ok: 200 },
  { method: 'PUT', path: '/api/tasks/{id}', ok: 200, body: '{"title":"u"}' },
  { method: 'PATCH', path: '/api/tasks/{id}', ok: 200, body: '{"title":"u"}' },
  { method: 'PATCH', path: '/api/tasks/{id}/complete', ok: 200 },
  { method: 'DELETE', path: '/api/tasks/{id}', ok: 204 },
  { method: 'GET', path: '/health', ok: 200 },
  { method: 'GET', path: '/ready', ok: 200 },
  { method: 'GET', path: '/openapi.json', ok: 200 },
  { method: 'GET', path: '/docs', ok: 200 },
  { method: 'GET', path: '/docs/init.js', ok: 200 },
];

/** Spellings of a path that are not the path: none of them is a route. */
function variants(path: string): Record<string, string> {
  const [first = '', ...rest] = path.slice(1).split('/');
  const tail = rest.length > 0 ? `/${rest.join('/')}` : '';
  const encodedFirst = `%${first.charCodeAt(0).toString(16)}${first.slice(1)}`;
  const fullwidth = [...first].map((c) => (/[a-z]/.test(c) ? String.fromCodePoint(c.charCodeAt(0) - 0x61 + 0xff41) : c)).join('');
  const forms: Record<string, string> = {
    'upper case': path.toUpperCase(),
    'first letter upper case': `/${first.charAt(0).toUpperCase()}${first.slice(1)}${tail}`,
    'trailing slash': `${path}/`,
    'leading double slash': `/${path}`,
    'percent-encoded letter': `/${encodedFirst}${tail}`,
    'percent-encoded letter, upper hex': `/${encodedFirst.toUpperCase()}${tail}`,
    'double percent-encoding': `/%25${encodedFirst.slice(1)}${tail}`,
    'dot segment': `/.${path}`,
    'dot-dot segment': `/x/..${path}`,
    'encoded dot-dot segment': `/x/%2e%2e${path}`,
    'fullwidth letters, percent-encoded': `/${encodeURIComponent(fullwidth)}${tail}`,
    'backslash after the first slash': `/\\${path.slice(1)}`,
    'semicolon parameter': `/${first};x${tail}`,
  };
  if (rest.length > 0) {
    forms['inner double slash'] = `/${first}/${tail}`;
    forms['backslash between segments'] = `/${first}\\${rest.join('/')}`;
    forms['encoded slash'] = `/${first}%2F${rest.join('/')}`;
    forms['last segment capitalised'] = path.replace(/\/([a-z])([a-z]*)$/, (_, c: string, s: string) => `/${c.toUpperCase()}${s}`);
  }
  return Object.fromEntries(Object.entries(forms).filter(([, form]) => form !== path));
}

describe('paths match exactly, and authentication does not depend on how a path is read', () => {
  let api: TestApp;
  let auth: Record<string, string>;
  before(async () => {
    api = await startTestApp();
    auth = { Authorization: `Bearer ${await api.token('walker')}` };
  });
  after(() => api.close());

  const newTask = async () => {
    const created = await api.request('/api/tasks', { method: 'POST', as: 'walker', json: { title: 'target' } });
    return ((await created.json()) as { data: { id: number } }).data.id;
  };
  const send = (route: Route, target: string, headers: Record<string, string>) =>
    rawRequest(api.url, route.method, target, route.body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' }, route.body);

  for (const route of ROUTES) {
    const isApi = route.path.startsWith('/api/');
    it(`${route.method} ${route.path}: exactly as written, and every other spelling`, async () => {
      const path = route.path.replace('{id}', String(await newTask()));
      const seen: string[] = [];
      const check = async (name: string, target: string, headers: Record<string, string>, expected: number) => {
        const response = await send(route, target, headers);
        seen.push(`${name} ${target} ${headers['Authorization'] ? 'token' : 'anonymous'}: ${response.status}`);
        assert.equal(response.status, expected, `${name}: ${route.method} ${target} with${headers['Authorization'] ? '' : 'out'} a token`);
        if (response.status >= 400) assert.match(response.body, /"error":\{"code":"/, `${target}: the error envelope`);
      };
      await check('exact', path, {}, isApi ? 401 : route.ok);
      await Promise.all(
        Object.entries(variants(path)).flatMap(([name, target]) => [check(name, target, {}, isApi ? 401 : 404), check(name, target, auth, 404)]),
      );
      await check('exact', path, auth, route.ok);
      assert.deepEqual(api.logs.filter((line) => Number(line['status']) >= 500), [], seen.join('\n'));
    });
  }

  const more: [string, string, number, number][] = [
    // [name, target, without a token, with one]
    ['/api itself', '/api', 401, 404],
    ['/api/', '/api/', 401, 404],
    ['/API', '/API', 401, 404],
    ['an unknown /api path', '/api/nowhere', 401, 404],
    ['not under /api', '/apix/tasks', 404, 404],
    ['absolute-form target', `${'http://127.0.0.1'}/api/tasks`, 401, 200],
    ['query string', '/api/tasks?status=all', 401, 200],
    ['percent-encoded id digits (the id is decoded, then checked)', '/api/tasks/%39%39%39%39%39', 401, 404],
    ['encoded slash inside the id', '/api/tasks/1%2Fcomplete', 401, 422],
    ['broken percent-encoding in the id', '/api/tasks/%zz', 401, 422],
    ['broken percent-encoding in the path', '/%zzapi/tasks', 404, 404],
    ['NUL in the id', '/api/tasks/%00', 401, 422],
    ['non-ASCII id', '/api/tasks/%D9%A1', 401, 422],
    ['dot-dot out of /api', '/api/../health', 401, 404],
  ];
  for (const [name, target, anonymous, withToken] of more) {
    it(`GET ${target} (${name}): ${anonymous} without a token, ${withToken} with one`, async () => {
      assert.equal((await rawRequest(api.url, 'GET', target)).status, anonymous);
      assert.equal((await rawRequest(api.url, 'GET', target, auth)).status, withToken);
    });
  }

  it('raw non-ASCII bytes in a path are refused before any handler', async () => {
    for (const target of ['/api/tâsks', '/ａｐｉ/tasks', '/api/tasks/١']) {
      const anonymous = await rawRequest(api.url, 'GET', target);
      const withToken = await rawRequest(api.url, 'GET', target, auth);
      assert.ok([400, 401].includes(anonymous.status), `${target}: ${anonymous.status}`);
      assert.ok([400, 404, 422].includes(withToken.status), `${target}: ${withToken.status}`);
    }
  });

  it('every route under /api/ is guarded by requireUser itself, whatever let the request through', () => {
    const apiLayers = api.router.stack.filter((layer) => String(layer.path).startsWith('/api') && layer.methods.length > 0); // routes, not router.use
    assert.ok(apiLayers.length >= 6);
    for (const layer of apiLayers) assert.equal(layer.stack[0], requireUser, `${layer.methods.join(',')} ${layer.path}`);
  });
});
