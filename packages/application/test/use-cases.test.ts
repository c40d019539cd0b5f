import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { AppError } from '@todo/domain';
import {
  Authenticate, CreateTask, DeleteTask, DeleteUser, GetTask, ListTasks, ListUserTasks, type TokenClaims, ToggleTaskCompletion, UpdateTask,
} from '../src/index.js';
import { draft, inMemoryStore, manualClock, T0, type Store } from '../testing/index.js';

const rejects = (code: string, message?: string) => (error: unknown) =>
  error instanceof AppError && error.code === code && (message === undefined || error.message === message);

describe('task use-cases', () => {
  let store: Store;
  let clock: ReturnType<typeof manualClock>;
  beforeEach(() => {
    store = inMemoryStore();
    clock = manualClock();
  });

  it('CreateTask stamps the task with the clock', async () => {
    const task = await new CreateTask(store.tasks, clock).execute('alice', draft('x'));
    assert.equal(task.createdAt.toISOString(), T0.toISOString());
    assert.equal(task.userId, 'alice');
  });

  it('UpdateTask refuses an empty patch and answers not found for others', async () => {
    const task = await new CreateTask(store.tasks, clock).execute('alice', draft('x'));
    const update = new UpdateTask(store.tasks, clock);
    await assert.rejects(update.execute('alice', task.id, {}), rejects('VALIDATION'));
    await assert.rejects(update.execute('bob', task.id, { title: 'y' }), rejects('NOT_FOUND'));
    clock.advance(1000);
    const updated = await update.execute('alice', task.id, { title: 'y' });
    assert.equal(updated.updatedAt.getTime(), T0.getTime() + 1000);
  });

  it('GetTask, ToggleTaskCompletion and DeleteTask answer not found for absent and foreign tasks', async () => {
    const task = await new CreateTask(store.tasks, clock).execute('alice', draft('x'));
    for (const [owner, id] of [['bob', task.id], ['alice', 12345]] as const) {
      await assert.rejects(new GetTask(store.tasks).execute(owner, id), rejects('NOT_FOUND'));
      await assert.rejects(new ToggleTaskCompletion(store.tasks, clock).execute(owner, id), rejects('NOT_FOUND'));
      await assert.rejects(new DeleteTask(store.tasks, clock).execute(owner, id), rejects('NOT_FOUND'));
    }
    assert.equal((await new ToggleTaskCompletion(store.tasks, clock).execute('alice', task.id)).completed, true);
    await new DeleteTask(store.tasks, clock).execute('alice', task.id);
  });

  it('ListTasks pages with a next position only when more tasks follow', async () => {
    const create = new CreateTask(store.tasks, clock);
    for (const title of ['a', 'b', 'c']) {
      await create.execute('alice', draft(title));
      clock.advance(1000);
    }
    const list = new ListTasks(store.tasks);
    const request = { status: 'all', sort: 'created', order: 'asc', limit: 2, after: null } as const;
    const first = await list.execute('alice', request);
    assert.deepEqual(first.tasks.map((t) => t.title), ['a', 'b']);
    assert.notEqual(first.next, null);
    const second = await list.execute('alice', { ...request, after: first.next });
    assert.deepEqual(second.tasks.map((t) => t.title), ['c']);
    assert.equal(second.next, null);
    const exact = await list.execute('alice', { ...request, limit: 3 });
    assert.equal(exact.next, null);
    const all = await list.execute('alice', { ...request, limit: null });
    assert.equal(all.tasks.length, 3);
  });

  it('DeleteUser removes the user and their tasks, and answers not found the second time', async () => {
    await new CreateTask(store.tasks, clock).execute('gone', draft('x'));
    await new DeleteUser(store.users).execute('gone');
    assert.equal(await store.users.find('gone'), null);
    await assert.rejects(new DeleteUser(store.users).execute('gone'), rejects('NOT_FOUND'));
  });

  it('ListUserTasks gives every task oldest first, [] for a known user without tasks, NOT_FOUND for one never seen', async () => {
    const listUserTasks = new ListUserTasks(store.users, store.tasks);
    const create = new CreateTask(store.tasks, clock);
    for (const title of ['first', 'second', 'third']) {
      await create.execute('owner', draft(title));
      clock.advance(1000);
    }
    await create.execute('someone else', draft('not theirs'));
    assert.deepEqual((await listUserTasks.execute('owner')).map((task) => task.title), ['first', 'second', 'third']);
    await store.users.upsert({ id: 'idle', email: null, name: null }, T0);
    assert.deepEqual(await listUserTasks.execute('idle'), []);
    await assert.rejects(listUserTasks.execute('never seen'), rejects('NOT_FOUND', 'User not found'));
    await assert.rejects(listUserTasks.execute(''), rejects('VALIDATION'));
  });
});

describe('Authenticate', () => {
  let store: Store;
  let upserts: number;
  const verifierOf = (claims: TokenClaims) => ({ verify: async () => claims });
  beforeEach(() => {
    store = inMemoryStore();
    upserts = 0;
    const upsert = store.users.upsert.bind(store.users);
    store.users.upsert = async (...args) => {
      upserts++;
      return upsert(...args);
    };
  });
  const authenticate = (claims: TokenClaims) => new Authenticate(verifierOf(claims), store.users, manualClock()).execute('token');

  it('refuses a missing token as "missing" without asking the verifier', async () => {
    const never = { verify: async () => assert.fail('verifier called') };
    await assert.rejects(new Authenticate(never, store.users, manualClock()).execute(null), rejects('UNAUTHENTICATED', 'missing'));
  });

  it('takes sub, and user_id then id only when sub is absent', async () => {
    assert.equal(await authenticate({ sub: 's', user_id: 'u', id: 'i' }), 's');
    assert.equal(await authenticate({ user_id: 'u', id: 'i' }), 'u');
    assert.equal(await authenticate({ id: 'i' }), 'i');
  });

  const unusable: [string, TokenClaims][] = [
    ['no id claim', {}],
    ['null sub (present, so not skipped)', { sub: null, user_id: 'u' }],
    ['empty sub', { sub: '' }],
    ['numeric sub', { sub: 42 }],
    ['sub over 255 characters', { sub: 'x'.repeat(256) }],
    ['sub with a control character', { sub: 'a\nb' }],
    ['sub with DEL', { sub: 'a\u007fb' }],
    ['invalid user_id fallback', { user_id: 7 }],
  ];
  for (const [name, claims] of unusable) {
    it(`refuses ${name}`, async () => {
      await assert.rejects(authenticate(claims), rejects('UNAUTHENTICATED', 'invalid'));
      assert.equal(upserts, 0);
    });
  }

  it('creates the user on first sight, copies email and name, and skips the write when nothing changed', async () => {
    const auth = new Authenticate(verifierOf({ sub: 'u1', email: 'a@x.io', name: 'Ann' }), store.users, manualClock());
    await auth.execute('t');
    await auth.execute('t');
    assert.equal(upserts, 1);
    assert.deepEqual(await store.users.find('u1'), { id: 'u1', email: 'a@x.io', name: 'Ann' });
  });

  it('writes again when the claims change', async () => {
    let claims: TokenClaims = { sub: 'u2', name: 'Old' };
    const auth = new Authenticate({ verify: async () => claims }, store.users, manualClock());
    await auth.execute('t');
    claims = { sub: 'u2', name: 'New' };
    await auth.execute('t');
    assert.equal(upserts, 2);
    assert.equal((await store.users.find('u2'))?.name, 'New');
  });
});
