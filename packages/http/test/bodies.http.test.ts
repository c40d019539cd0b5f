import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../testing/index.js';

interface Issue {
  field: string;
  message: string;
}

describe('request bodies (SPEC §3 "Bodies")', () => {
  let api: TestApp;
  before(async () => {
    api = await startTestApp();
  });
  after(() => api.close());

  const post = (body: string) => api.request('/api/tasks', { method: 'POST', as: 'alice', headers: { 'Content-Type': 'application/json' }, body });
  const details = async (response: Response) => ((await response.json()) as { error: { details: Issue[] } }).error.details;
  const createdTask = async (response: Response) => {
    assert.equal(response.status, 201);
    return ((await response.json()) as { data: Record<string, unknown> }).data;
  };

  describe('refused with 422 and the field at fault', () => {
    const cases: [string, string, string][] = [
      ['an array', '[]', 'body'],
      ['null', 'null', 'body'],
      ['a number', '42', 'body'],
      ['a string', '"title"', 'body'],
      ['an empty body', '', 'body'],
      ['a missing title', '{}', 'title'],
      ['a numeric title', '{"title":5}', 'title'],
      ['a null title', '{"title":null}', 'title'],
      ['a blank title', '{"title":" \\t\\n "}', 'title'],
      ['a 201-emoji title', JSON.stringify({ title: '😀'.repeat(201) }), 'title'],
      ['a title with U+0000', '{"title":"a\\u0000b"}', 'title'],
      ['a title with a lone surrogate', '{"title":"a\\ud800b"}', 'title'],
      ['a description over 1000 code points', JSON.stringify({ title: 'x', description: '𝄞'.repeat(1001) }), 'description'],
      ['a numeric description', '{"title":"x","description":1}', 'description'],
      ['a description with a lone low surrogate', '{"title":"x","description":"\\udc00"}', 'description'],
      ['"completed": "true"', '{"title":"x","completed":"true"}', 'completed'],
      ['"completed": 1', '{"title":"x","completed":1}', 'completed'],
      ['"completed": null', '{"title":"x","completed":null}', 'completed'],
      ['an impossible date', '{"title":"x","due_date":"2026-02-30"}', 'due_date'],
      ['a date-time without zone', '{"title":"x","due_date":"2026-11-20T10:00:00"}', 'due_date'],
      ['a numeric due date', '{"title":"x","due_date":1732000000}', 'due_date'],
      ['a free-text due date', '{"title":"x","due_date":"next friday"}', 'due_date'],
    ];
    for (const [name, body, field] of cases) {
      it(name, async () => {
        const response = await post(body);
        assert.equal(response.status, 422);
        assert.deepEqual((await details(response)).map((d) => d.field), [field]);
      });
    }

    it('says "Title is required" for an empty title', async () => {
      assert.deepEqual(await details(await post('{"title":""}')), [{ field: 'title', message: 'Title is required' }]);
    });

    it('says "Title is required" for a missing, blank or null-less title (never valibot\'s "Invalid key")', async () => {
      for (const body of ['{}', '{"description":"d"}', '{"title":"   "}', '{"title":"\\t\\n"}']) {
        assert.deepEqual(await details(await post(body)), [{ field: 'title', message: 'Title is required' }], body);
      }
    });

    it('lists every field at fault at once', async () => {
      const fields = (await details(await post('{"title":"","completed":"no","due_date":"x"}'))).map((d) => d.field).sort();
      assert.deepEqual(fields, ['completed', 'due_date', 'title']);
    });
  });

  describe('accepted', () => {
    it('trims the title and stores the description exactly', async () => {
      const task = await createdTask(await post(JSON.stringify({ title: '\u00a0 Plan trip \t', description: '  keep\n  spaces  ' })));
      assert.equal(task['title'], 'Plan trip');
      assert.equal(task['description'], '  keep\n  spaces  ');
    });

    it('counts code points: 200 emoji are a valid title, 1000 astral characters a valid description', async () => {
      const title = '😀'.repeat(200);
      const description = '𝄞'.repeat(1000);
      const task = await createdTask(await post(JSON.stringify({ title, description })));
      assert.equal(task['title'], title);
      assert.equal(task['description'], description);
    });

    it('normalises due dates to UTC with Z; a date alone is midnight UTC', async () => {
      const cases: [string, string][] = [
        ['2026-12-01', '2026-12-01T00:00:00.000Z'],
        ['2026-12-01T09:30:00+02:00', '2026-12-01T07:30:00.000Z'],
        ['2026-12-01T09:30:00.5Z', '2026-12-01T09:30:00.500Z'],
      ];
      for (const [given, stored] of cases) {
        const task = await createdTask(await post(JSON.stringify({ title: 'd', due_date: given })));
        assert.equal(task['due_date'], stored, given);
      }
    });

    it('ignores unknown fields, __proto__ and constructor included, without polluting prototypes', async () => {
      const body = '{"title":"safe","user_id":"mallory","id":1,"created_at":"2000-01-01T00:00:00Z","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}';
      const task = await createdTask(await post(body));
      assert.equal(task['user_id'], 'alice');
      assert.notEqual(task['created_at'], '2000-01-01T00:00:00.000Z');
      assert.equal(({} as { polluted?: boolean }).polluted, undefined);
      assert.equal(Object.hasOwn(task, 'polluted'), false);
    });

    it('takes application/*+json and a charset', async () => {
      const response = await api.request('/api/tasks', {
        method: 'POST', as: 'alice', headers: { 'Content-Type': 'application/merge-patch+json; charset=utf-8' }, body: '{"title":"typed"}',
      });
      assert.equal(response.status, 201);
    });
  });

  describe('updates', () => {
    const update = async (id: unknown, body: unknown, method = 'PATCH') => api.request(`/api/tasks/${id}`, { method, as: 'alice', json: body });

    it('need at least one known field', async () => {
      const task = await createdTask(await post('{"title":"u"}'));
      for (const body of [{}, { user_id: 'x', id: 3 }]) {
        const response = await update(task['id'], body);
        assert.equal(response.status, 422);
        assert.equal((await details(response))[0]?.field, 'body');
      }
    });

    it('refuse a null title but clear description and due date with null', async () => {
      const task = await createdTask(await post('{"title":"u","description":"d","due_date":"2026-01-01"}'));
      assert.equal((await update(task['id'], { title: null })).status, 422);
      const response = await update(task['id'], { description: null, due_date: null }, 'PUT');
      assert.equal(response.status, 200);
      const { data } = (await response.json()) as { data: Record<string, unknown> };
      assert.equal(data['description'], null);
      assert.equal(data['due_date'], null);
      assert.equal(data['title'], 'u');
    });

    it('trim the title, move updated_at and keep created_at', async () => {
      const task = await createdTask(await post('{"title":"u"}'));
      await new Promise((later) => setTimeout(later, 5));
      const response = await update(task['id'], { title: '  renamed  ', completed: true });
      const { data } = (await response.json()) as { data: Record<string, unknown> };
      assert.equal(data['title'], 'renamed');
      assert.equal(data['completed'], true);
      assert.equal(data['created_at'], task['created_at']);
      assert.ok(String(data['updated_at']) > String(task['updated_at']));
    });

    it('keep both of two concurrent updates of different fields', async () => {
      const task = await createdTask(await post('{"title":"race"}'));
      await Promise.all([update(task['id'], { title: 'new title' }), update(task['id'], { description: 'new description' })]);
      const { data } = (await (await api.request(`/api/tasks/${task['id']}`, { as: 'alice' })).json()) as { data: Record<string, unknown> };
      assert.equal(data['title'], 'new title');
      assert.equal(data['description'], 'new description');
    });
  });
});
