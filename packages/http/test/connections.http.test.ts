import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Koa from 'koa';
import { DRAIN_LIMITS } from '../src/middleware/unread-body.js';
import { listen, SERVER_LIMITS } from '../src/server.js';
import { RawConnection, type RawResponse, startTestApp, type TestApp } from '../testing/index.js';

const sleep = (ms: number) => new Promise((later) => setTimeout(later, ms));

function chunked(body: string): string {
  const size = Buffer.byteLength(body);
  return `${size.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
}

describe('a request answered before its body was read keeps the connection usable', () => {
  let api: TestApp;
  let token: string;
  let taskId: number;
  before(async () => {
    api = await startTestApp();
    token = await api.token('sender');
    const created = await api.request('/api/tasks', { method: 'POST', as: 'sender', json: { title: 'target' } });
    taskId = ((await created.json()) as { data: { id: number } }).data.id;
  });
  after(() => api.close());

  const auth = () => ({ Authorization: `Bearer ${token}` });
  const json = { 'Content-Type': 'application/json' };
  const large = (kib: number) => JSON.stringify({ title: 'x', description: 'y'.repeat(kib * 1024) });

  // Each refusal comes before the body is read (or read whole); then the next request on the connection must work.
  const refusals: { name: string; status: number; send: (c: RawConnection) => Promise<void> }[] = [
    {
      name: 'a chunked 100 KiB POST (413)', status: 413,
      send: (c) => c.send('POST', '/api/tasks', { ...auth(), ...json, 'Transfer-Encoding': 'chunked' }, chunked(large(100))),
    },
    {
      // The rest of the body arrives after the refusal: on the wire, what a slower network does.
      name: 'a chunked 200 KiB POST in two parts (413)', status: 413,
      send: async (c) => {
        const body = large(200);
        await c.send('POST', '/api/tasks', { ...auth(), ...json, 'Transfer-Encoding': 'chunked' }, `${(70 * 1024).toString(16)}\r\n${body.slice(0, 70 * 1024)}\r\n`);
        await sleep(100);
        await c.write(chunked(body.slice(70 * 1024)));
      },
    },
    {
      name: 'a 70 KiB PATCH with Content-Length (413)', status: 413,
      send: (c) => c.send('PATCH', `/api/tasks/${taskId}`, { ...auth(), ...json, 'Content-Length': String(large(70).length) }, large(70)),
    },
    {
      name: 'a 10 KiB text/plain POST (415)', status: 415,
      send: (c) => c.send('POST', '/api/tasks', { ...auth(), 'Content-Type': 'text/plain', 'Content-Length': String(large(10).length) }, large(10)),
    },
    {
      name: 'a POST with a body and no token (401)', status: 401,
      send: (c) => c.send('POST', '/api/tasks', { ...json, 'Content-Length': String(large(10).length) }, large(10)),
    },
    {
      name: 'a chunked POST to an unknown path (404)', status: 404,
      send: (c) => c.send('POST', '/api/nowhere', { ...auth(), ...json, 'Transfer-Encoding': 'chunked' }, chunked(large(20))),
    },
    {
      name: 'a DELETE with a body on the list (405)', status: 405,
      send: (c) => c.send('DELETE', '/api/tasks', { ...auth(), ...json, 'Content-Length': String(large(10).length) }, large(10)),
    },
    {
      name: 'malformed JSON (400)', status: 400,
      send: (c) => c.send('POST', '/api/tasks', { ...auth(), ...json, 'Content-Length': '14' }, '{"title": "x",'),
    },
  ];

  it('one kept-alive connection: every early refusal, each followed by a request that works', async () => {
    const connection = await RawConnection.open(api.url);
    try {
      for (const refusal of refusals) {
        await refusal.send(connection);
        const refused = await connection.response();
        assert.equal(refused.status, refusal.status, refusal.name);
        assert.notEqual(refused.headers['connection'], 'close', `${refusal.name}: a small remainder is drained, the connection kept`);
        await connection.send('GET', `/api/tasks/${taskId}`, auth());
        const next = await connection.response();
        assert.equal(next.status, 200, `the request after ${refusal.name}`);
      }
    } finally {
      connection.close();
    }
  });

  it('a remainder too large to drain: the answer says Connection: close, arrives whole, then the server closes', async () => {
    const cases: [string, (c: RawConnection) => Promise<void>][] = [
      ['declared too large', (c) => c.send('POST', '/api/tasks', { ...auth(), ...json, 'Content-Length': String(10 * 1024 * 1024) }, large(1))],
      ['chunked, endless', async (c) => {
        await c.send('POST', '/api/tasks', { ...auth(), ...json, 'Transfer-Encoding': 'chunked' });
        const chunk = `${(64 * 1024).toString(16)}\r\n${'z'.repeat(64 * 1024)}\r\n`;
        for (let i = 0; i < (DRAIN_LIMITS.bytes * 2) / (64 * 1024) + 2 && !c.closed; i += 1) await c.write(chunk).catch(() => {});
      }],
    ];
    for (const [name, send] of cases) {
      const connection = await RawConnection.open(api.url);
      try {
        void send(connection).catch(() => {});
        const refused = await connection.response();
        assert.equal(refused.status, 413, name);
        assert.equal(refused.headers['connection'], 'close', name);
        assert.equal(await connection.waitClosed(3000), true, `${name}: closed by the server`);
      } finally {
        connection.close();
      }
    }
  });

  it('the sequence of the report, with fetch on its kept-alive pool: 413, 413, then a POST that works (three rounds)', async () => {
    for (let round = 0; round < 3; round += 1) {
      const body = new TextEncoder().encode(large(100));
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let at = 0; at < body.length; at += 16 * 1024) controller.enqueue(body.subarray(at, at + 16 * 1024));
          controller.close();
        },
      });
      const first = await fetch(`${api.url}/api/tasks`, { method: 'POST', headers: { ...auth(), ...json }, body: stream, duplex: 'half' } as RequestInit);
      assert.equal(first.status, 413);
      await first.arrayBuffer();
      const second = await fetch(`${api.url}/api/tasks/${taskId}`, { method: 'PATCH', headers: { ...auth(), ...json }, body: large(70) });
      assert.equal(second.status, 413);
      await second.arrayBuffer();
      const third = await fetch(`${api.url}/api/tasks`, { method: 'POST', headers: { ...auth(), ...json }, body: '{"title":"after"}' });
      assert.equal(third.status, 201);
      await third.arrayBuffer();
    }
  });
});

describe('slow clients are cut off within the server limits', () => {
  const limits = { headersTimeoutMs: 800, requestTimeoutMs: 1500, checkIntervalMs: 100 };
  const slack = 1000;
  let api: TestApp;
  before(async () => {
    api = await startTestApp({ serverLimits: limits });
  });
  after(() => api.close());

  /** Sends `head`, then a byte every 100 ms (for at most 6 s); resolves with how long the server kept the connection. */
  async function dribble(head: string, byte: string): Promise<{ ms: number; response: RawResponse | undefined }> {
    const connection = await RawConnection.open(api.url);
    const started = Date.now();
    try {
      await connection.write(head);
      while (!connection.closed && Date.now() - started < 6000) {
        await sleep(100);
        await connection.write(byte).catch(() => {});
      }
      const ms = Date.now() - started;
      return { ms, response: await connection.response(0).catch(() => undefined) };
    } finally {
      connection.close();
    }
  }

  it('slow headers: cut at the headers limit', async () => {
    const { ms, response } = await dribble('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Slow: a\r\n');
    assert.ok(ms >= limits.headersTimeoutMs - 100 && ms <= limits.headersTimeoutMs + limits.checkIntervalMs + slack, `held ${ms} ms`);
    if (response !== undefined) assert.equal(response.status, 408);
  });

  it('a connection that sends nothing: closed at the headers limit', async () => {
    const connection = await RawConnection.open(api.url);
    const started = Date.now();
    try {
      assert.equal(await connection.waitClosed(limits.headersTimeoutMs + limits.checkIntervalMs + slack), true);
      assert.ok(Date.now() - started >= limits.headersTimeoutMs - 100, `closed after ${Date.now() - started} ms`);
    } finally {
      connection.close();
    }
  });

  it('a slow body: cut at the request limit', async () => {
    const head = `POST /api/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${await api.token('slow')}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"title":"`;
    const { ms } = await dribble(head, 'a');
    assert.ok(ms >= limits.requestTimeoutMs - 100 && ms <= limits.requestTimeoutMs + limits.checkIntervalMs + slack, `held ${ms} ms`);
    assert.equal((await api.request('/api/tasks', { as: 'slow' }).then((r) => r.json()) as { data: unknown[] }).data.length, 0, 'nothing created');
  });

  it('the production limits are sized for a JSON API, and the server is built with them', async () => {
    assert.ok(SERVER_LIMITS.headersTimeoutMs <= 10_000);
    assert.ok(SERVER_LIMITS.requestTimeoutMs <= 30_000 && SERVER_LIMITS.requestTimeoutMs >= SERVER_LIMITS.headersTimeoutMs);
    assert.ok(SERVER_LIMITS.checkIntervalMs <= 1_000);
    const server = await listen(new Koa(), 0, '127.0.0.1');
    try {
      assert.equal(server.headersTimeout, SERVER_LIMITS.headersTimeoutMs);
      assert.equal(server.requestTimeout, SERVER_LIMITS.requestTimeoutMs);
    } finally {
      await new Promise((closed) => server.close(closed));
    }
  });
});
