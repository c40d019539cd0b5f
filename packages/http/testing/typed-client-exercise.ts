import assert from 'node:assert/strict';
import type { CreateTaskBody, ErrorBody, ErrorCode, Task, TasksClient, UpdateTaskBody } from '@todo/client';

/**
 * Misuses the generated types must refuse. Never called: each line must stay a compile error
 * (`tsc -b` and the typed-client test fail on an unused @ts-expect-error), and the test checks
 * that every tag below is still here.
 */
export function misusesThatMustNotCompile(client: TasksClient): void {
  // @ts-expect-error [numeric due_date]
  const numericDueDate: CreateTaskBody = { title: 't', due_date: 42 };
  // @ts-expect-error [Date due_date]
  const dateDueDate: CreateTaskBody = { title: 't', due_date: new Date() };
  // @ts-expect-error [missing title]
  const untitled: CreateTaskBody = { completed: true };
  // @ts-expect-error [empty update body]
  const emptyPatch: UpdateTaskBody = {};
  // @ts-expect-error [string completed]
  const stringCompleted: UpdateTaskBody = { completed: 'yes' };
  // @ts-expect-error [string limit]
  void client.GET('/api/tasks', { params: { query: { limit: '50' } } });
  // @ts-expect-error [unknown status]
  void client.GET('/api/tasks', { params: { query: { status: 'done' } } });
  // @ts-expect-error [string id]
  void client.GET('/api/tasks/{id}', { params: { path: { id: '7' } } });
  // @ts-expect-error [empty update body sent]
  void client.PATCH('/api/tasks/{id}', { params: { path: { id: 7 } }, body: {} });
  // @ts-expect-error [unknown error code]
  const teapot: ErrorCode = 'TEAPOT';
  // @ts-expect-error [undocumented route]
  void client.GET('/api/users');
  void [numericDueDate, dateDueDate, untitled, emptyPatch, stringCompleted, teapot];
}

/** The tags of the misuses above, which the typed-client test requires. */
export const REQUIRED_MISUSES = [
  'numeric due_date', 'Date due_date', 'missing title', 'empty update body', 'string completed', 'string limit',
  'unknown status', 'string id', 'empty update body sent', 'unknown error code', 'undocumented route',
];

function ok<T>(result: { data?: T; error?: unknown; response: Response }, status: number): T {
  assert.equal(result.response.status, status, JSON.stringify(result.error));
  assert.ok(result.data !== undefined);
  return result.data;
}

function failed(result: { error?: ErrorBody; response: Response }, status: number, code: ErrorCode): ErrorBody {
  assert.equal(result.response.status, status);
  assert.ok(result.error !== undefined);
  assert.equal(result.error.error.code, code);
  return result.error;
}

/** Every operation of the document, through the generated client, as a frontend would call them. */
export async function exerciseEveryOperation(client: TasksClient, anonymous: TasksClient): Promise<void> {
  assert.equal(ok(await anonymous.GET('/health'), 200).data.status, 'ok');
  assert.equal(ok(await anonymous.GET('/ready'), 200).data.status, 'ready');
  assert.match(ok(await anonymous.GET('/openapi.json'), 200).openapi, /^3\.1\./);
  assert.match(ok(await anonymous.GET('/docs', { parseAs: 'text' }), 200), /swagger-ui/);
  assert.ok(ok(await anonymous.GET('/docs/{asset}', { params: { path: { asset: 'swagger-ui.css' } }, parseAs: 'text' }), 200).length > 0);

  const created: Task[] = [];
  const drafts: CreateTaskBody[] = [
    { title: '  write the report  ', due_date: '2026-12-01' },
    { title: 'call Ann', description: 'about Friday', due_date: '2026-11-20T10:00:00+02:00', completed: true },
    { title: 'water the plants' },
  ];
  for (const body of drafts) {
    const result = await client.POST('/api/tasks', { body });
    const task = ok(result, 201).data;
    assert.equal(result.response.headers.get('Location'), `/api/tasks/${task.id}`);
    created.push(task);
  }
  const [report, call, plants] = created as [Task, Task, Task];
  assert.equal(report.title, 'write the report');
  assert.equal(report.due_date, '2026-12-01T00:00:00.000Z');
  assert.equal(call.due_date, '2026-11-20T08:00:00.000Z');
  assert.equal(plants.description, null);

  // Paging by the link the document declares: meta.next_cursor → cursor, same query.
  const query = { sort: 'title', order: 'asc', limit: 2 } as const;
  const first = ok(await client.GET('/api/tasks', { params: { query } }), 200);
  assert.deepEqual(first.data.map((task) => task.title), ['call Ann', 'water the plants']);
  assert.ok(first.meta.next_cursor !== null);
  const second = ok(await client.GET('/api/tasks', { params: { query: { ...query, cursor: first.meta.next_cursor } } }), 200);
  assert.deepEqual(second.data.map((task) => task.title), ['write the report']);
  assert.equal(second.meta.next_cursor, null);
  assert.deepEqual(ok(await client.GET('/api/tasks', { params: { query: { status: 'completed' } } }), 200).meta.count, 1);

  // Delta sync: a snapshot, then only what changes, following meta.next_since.
  const snapshot = ok(await client.GET('/api/tasks/changes', { params: { query: { limit: 500 } } }), 200);
  assert.deepEqual(snapshot.data.upserted.map((task) => task.id), created.map((task) => task.id));
  assert.equal(snapshot.meta.has_more, false);

  const path = { params: { path: { id: report.id } } };
  assert.deepEqual(ok(await client.GET('/api/tasks/{id}', path), 200).data, report);
  assert.equal(ok(await client.PUT('/api/tasks/{id}', { ...path, body: { completed: true } }), 200).data.completed, true);
  const patched = ok(await client.PATCH('/api/tasks/{id}', { ...path, body: { title: 'send the report', due_date: null } }), 200).data;
  assert.deepEqual([patched.title, patched.due_date, patched.completed], ['send the report', null, true]);
  assert.equal(ok(await client.PATCH('/api/tasks/{id}/complete', path), 200).data.completed, false);
  const deleted = await client.DELETE('/api/tasks/{id}', path);
  assert.equal(deleted.response.status, 204);
  failed(await client.GET('/api/tasks/{id}', path), 404, 'NOT_FOUND');
  const delta = ok(await client.GET('/api/tasks/changes', { params: { query: { since: snapshot.meta.next_since } } }), 200);
  assert.deepEqual([delta.data.upserted, delta.data.deleted], [[], [report.id]]);

  // Failures the types cannot rule out come back as ErrorBody.
  failed(await anonymous.GET('/api/tasks'), 401, 'UNAUTHENTICATED');
  const blank = failed(await client.POST('/api/tasks', { body: { title: '   ' } }), 422, 'VALIDATION_ERROR');
  assert.deepEqual(blank.error.details, [{ field: 'title', message: 'Title is required' }]);
  failed(await client.GET('/api/tasks', { params: { query: { limit: 501 } } }), 422, 'VALIDATION_ERROR');
  failed(await client.GET('/api/tasks/changes', { params: { query: { since: 'not.a-token' } } }), 422, 'VALIDATION_ERROR');
  failed(await client.POST('/api/tasks', { body: { title: 't', due_date: '2026-02-30' } }), 422, 'VALIDATION_ERROR');
}
