import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { AppError, type TaskInput, type TaskPatchInput } from '@todo/domain';
import fc from 'fast-check';
import { CreateTask, DeleteTask, DeleteUser, GetTask, ListTasks, ListUserTasks, type TaskQuery, ToggleTaskCompletion, UpdateTask } from '../src/index.js';
import { draft, inMemoryStore, manualClock, type Store } from '../testing/index.js';

/** The fields an AppError('VALIDATION') names, sorted; anything else is rethrown. */
async function refusedFields(work: Promise<unknown>): Promise<string[]> {
  try {
    await work;
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION') {
      for (const issue of error.details) assert.ok(issue.message.length > 0);
      return error.details.map((issue) => issue.field).sort();
    }
    throw error;
  }
  return assert.fail('accepted');
}

// Called from a script: no type checker stands between the caller and the use-case.
const untyped = <T>(value: unknown) => value as T;

const badCreates: [string, unknown, string[]][] = [
  ['a 300-character title', { title: 'x'.repeat(300) }, ['title']],
  ['201 emoji', { title: '😀'.repeat(201) }, ['title']],
  ['a blank title', { title: ' \t\n ' }, ['title']],
  ['no title', {}, ['title']],
  ['a numeric title', { title: 5 }, ['title']],
  ['a NUL in the title', { title: 'a\u0000b' }, ['title']],
  ['an unpaired surrogate in the description', { title: 't', description: 'a\ud800' }, ['description']],
  ['a NUL in the description', { title: 't', description: '\u0000' }, ['description']],
  ['a 1001-character description', { title: 't', description: 'd'.repeat(1001) }, ['description']],
  ['a non-boolean completed', { title: 't', completed: 'true' }, ['completed']],
  ['an impossible date', { title: 't', dueDate: '2026-02-30' }, ['dueDate']],
  ['a date-time without zone', { title: 't', dueDate: '2026-02-01T10:00' }, ['dueDate']],
  ['year 0000', { title: 't', dueDate: '0000-01-01' }, ['dueDate']],
  ['an Invalid Date', { title: 't', dueDate: new Date(Number.NaN) }, ['dueDate']],
  ['a Date in year 10000', { title: 't', dueDate: new Date('+010000-01-01T00:00:00Z') }, ['dueDate']],
  ['a Date before year 1', { title: 't', dueDate: new Date('-000001-01-01T00:00:00Z') }, ['dueDate']],
  ['a number as due date', { title: 't', dueDate: 1_700_000_000_000 }, ['dueDate']],
  ['every field wrong at once', { title: '', description: 7, completed: 1, dueDate: 'soon' }, ['completed', 'description', 'dueDate', 'title']],
];

const badPatches: [string, unknown, string[]][] = [
  ['an empty patch', {}, ['patch']],
  ['only unknown fields', { colour: 'red' }, ['patch']],
  ['a null title', { title: null }, ['title']],
  ['a 300-character title', { title: 'x'.repeat(300) }, ['title']],
  ['a NUL in the title', { title: '\u0000' }, ['title']],
  ['a bad date and a bad flag', { dueDate: '2026-13-01', completed: 'no' }, ['completed', 'dueDate']],
];

describe('use-cases called directly refuse invalid input with details, before the store', () => {
  let store: Store;
  let clock: ReturnType<typeof manualClock>;
  beforeEach(() => {
    store = inMemoryStore();
    clock = manualClock();
  });
  const listAll: TaskQuery = { status: 'all', sort: 'created', order: 'asc', limit: null, after: null };
  const stored = async () => (await store.tasks.list('alice', listAll)).length;

  for (const [name, input, fields] of badCreates) {
    it(`CreateTask refuses ${name}`, async () => {
      assert.deepEqual(await refusedFields(new CreateTask(store.tasks, clock).execute('alice', untyped<TaskInput>(input))), fields);
      assert.equal(await stored(), 0);
    });
  }

  it('CreateTask under an idempotency key refuses the same inputs, and claims no key for them', async () => {
    const create = new CreateTask(store.tasks, clock);
    for (const [name, input, fields] of badCreates) {
      assert.deepEqual(await refusedFields(create.executeOnce('alice', untyped<TaskInput>(input), { key: 'k', fingerprint: name })), fields, name);
    }
    assert.equal(await stored(), 0);
    const created = await create.executeOnce('alice', { title: 'now valid' }, { key: 'k', fingerprint: 'f' });
    assert.equal(created.replayed, false, 'the key was still free');
  });

  for (const [name, input, fields] of badPatches) {
    it(`UpdateTask refuses ${name}`, async () => {
      const task = await store.tasks.create('alice', draft('keep'), clock.now());
      assert.deepEqual(await refusedFields(new UpdateTask(store.tasks, clock).execute('alice', task.id, untyped<TaskPatchInput>(input))), fields);
      assert.equal((await store.tasks.get('alice', task.id))?.title, 'keep');
    });
  }

  it('every use-case refuses a task id that is not a whole number from 1 to 2^53-1', async () => {
    const task = await store.tasks.create('alice', draft('keep'), clock.now());
    for (const id of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, untyped<number>('1'), untyped<number>(null)]) {
      assert.deepEqual(await refusedFields(new GetTask(store.tasks).execute('alice', id)), ['id'], `get ${String(id)}`);
      assert.deepEqual(await refusedFields(new ToggleTaskCompletion(store.tasks, clock).execute('alice', id)), ['id']);
      assert.deepEqual(await refusedFields(new ToggleTaskCompletion(store.tasks, clock).executeOnce('alice', id, undefined, { key: 'k', fingerprint: 'f' })), ['id']);
      assert.deepEqual(await refusedFields(new DeleteTask(store.tasks, clock).execute('alice', id, [1])), ['id']);
      assert.deepEqual(await refusedFields(new DeleteTask(store.tasks, clock).execute('alice', id)), ['id']);
      assert.deepEqual(await refusedFields(new UpdateTask(store.tasks, clock).execute('alice', id, { title: 'x' })), ['id']);
    }
    assert.equal((await store.tasks.get('alice', task.id))?.completed, false);
  });

  it('every use-case refuses an owner that cannot be a user id', async () => {
    for (const owner of ['', 'a\u0000b', 'x'.repeat(256), 'line\nbreak', untyped<string>(42)]) {
      assert.deepEqual(await refusedFields(new CreateTask(store.tasks, clock).execute(owner, { title: 't' })), ['user']);
      assert.deepEqual(await refusedFields(new CreateTask(store.tasks, clock).executeOnce(owner, { title: 't' }, { key: 'k', fingerprint: 'f' })), ['user']);
      assert.deepEqual(await refusedFields(new UpdateTask(store.tasks, clock).execute(owner, 1, { title: 't' }, [1])), ['user']);
      assert.deepEqual(await refusedFields(new ToggleTaskCompletion(store.tasks, clock).executeOnce(owner, 1, undefined, { key: 'k', fingerprint: 'f' })), ['user']);
      assert.deepEqual(await refusedFields(new ListTasks(store.tasks).execute(owner, listAll)), ['user']);
      assert.deepEqual(await refusedFields(new GetTask(store.tasks).execute(owner, 1)), ['user']);
      assert.deepEqual(await refusedFields(new DeleteUser(store.users).execute(owner)), ['user']);
      assert.deepEqual(await refusedFields(new ListUserTasks(store.users, store.tasks).execute(owner)), ['user']);
    }
  });

  it('ListTasks refuses values outside the listing vocabulary, every one at once', async () => {
    const list = new ListTasks(store.tasks);
    const query = untyped<TaskQuery>({ status: 'done', sort: 'priority', order: 'up', limit: 0, after: null });
    assert.deepEqual(await refusedFields(list.execute('alice', query)), ['limit', 'order', 'sort', 'status']);
    for (const after of [{ key: 'garbage', id: 1 }, { key: null, id: 0 }, { key: '2026-01-01T00:00:00.000Z', id: 1.5 }, untyped<null>('x')]) {
      assert.deepEqual(await refusedFields(list.execute('alice', { ...listAll, after })), ['after']);
    }
    assert.deepEqual(await refusedFields(list.execute('alice', { ...listAll, sort: 'title', after: { key: 'a\u0000', id: 1 } })), ['after']);
    assert.deepEqual(await refusedFields(list.execute('alice', { ...listAll, limit: 2.5 })), ['limit']);
  });

  it('CreateTask either stores exactly what the rules allow or refuses with VALIDATION, whatever it is given', async () => {
    const anything = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.boolean(), fc.constant(null), fc.integer(), fc.date({ noInvalidDate: false }));
    const input = fc.record(
      { title: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 220 }), anything), description: anything, completed: anything, dueDate: anything },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(input, async (fields) => {
        const create = new CreateTask(store.tasks, clock);
        try {
          const task = await create.execute('alice', untyped<TaskInput>(fields));
          assert.equal(task.title, (fields.title as string).trim());
          assert.equal(task.completed, fields.completed ?? false);
        } catch (error) {
          if (!(error instanceof AppError && error.code === 'VALIDATION' && error.details.length > 0)) throw error;
        }
      }),
      { numRuns: 300, seed: 10 },
    );
  });
});
