import {
  compareForListing, comparePositions, type ExpectedVersion, type KeptWrite, matchesExpected, sortKey, type NewTask, type TaskPosition, type Task,
  type TaskId, type TaskPatch, type UserId,
} from '@todo/domain';
import type { KeyClaim, Once, TaskQuery, TaskRepository, UserProfile, UserRepository } from '../src/ports.js';

export interface Store {
  readonly tasks: TaskRepository;
  readonly users: UserRepository;
}

interface UserRow extends UserProfile {
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** The last version given to one of this user's tasks. */
  readonly changeSeq: number;
}

interface KeptRow extends KeptWrite {
  readonly expiresAt: Date;
}

/**
 * A real adapter kept in memory: the same promises as the SQL one, checked by the same
 * contract. No `await` sits between a read and its write, so every operation is atomic.
 */
export function inMemoryStore(): Store {
  const users = new Map<UserId, UserRow>();
  const tasks = new Map<TaskId, Task>();
  /** Kept writes by owner, then key. */
  const kept = new Map<UserId, Map<string, KeptRow>>();
  let lastId = 0;

  const owned = (owner: UserId, id: TaskId, expected?: ExpectedVersion): Task | null => {
    const task = tasks.get(id);
    return task !== undefined && task.userId === owner && matchesExpected(expected, task.version) ? task : null;
  };
  const ensureUser = (id: UserId, at: Date): void => {
    if (!users.has(id)) users.set(id, { id, email: null, name: null, createdAt: at, updatedAt: at, changeSeq: 0 });
  };
  /** The owner's next version, as the SQL adapter's `change_seq` bump. */
  const nextVersion = (owner: UserId): number => {
    const user = users.get(owner)!;
    users.set(owner, { ...user, changeSeq: user.changeSeq + 1 });
    return user.changeSeq + 1;
  };
  const findKept = (owner: UserId, key: string, at: Date): KeptRow | null => {
    const row = kept.get(owner)?.get(key);
    return row !== undefined && row.expiresAt.getTime() > at.getTime() ? row : null;
  };
  const keep = (owner: UserId, claim: KeyClaim, task: Task): void => {
    if (!kept.has(owner)) kept.set(owner, new Map());
    kept.get(owner)!.set(claim.key, { fingerprint: claim.fingerprint, task, expiresAt: claim.expiresAt });
  };
  const create = (owner: UserId, draft: NewTask, at: Date): Task => {
    ensureUser(owner, at);
    const task: Task = { id: ++lastId, userId: owner, ...draft, createdAt: at, updatedAt: at, version: nextVersion(owner) };
    tasks.set(task.id, task);
    return task;
  };
  const toggle = (owner: UserId, id: TaskId, at: Date, expected?: ExpectedVersion): Task | null => {
    const task = owned(owner, id, expected);
    if (task === null) return null;
    const toggled: Task = { ...task, completed: !task.completed, updatedAt: at, version: nextVersion(owner) };
    tasks.set(id, toggled);
    return toggled;
  };

  const taskRepository: TaskRepository = {
    async create(owner: UserId, draft: NewTask, at: Date) {
      return create(owner, draft, at);
    },
    async createOnce(owner: UserId, draft: NewTask, at: Date, claim: KeyClaim): Promise<Once<Task>> {
      const found = findKept(owner, claim.key, at);
      if (found !== null) return { outcome: 'kept', kept: found };
      const task = create(owner, draft, at);
      keep(owner, claim, task);
      return { outcome: 'done', value: task };
    },
    async get(owner, id) {
      return owned(owner, id);
    },
    async list(owner: UserId, query: TaskQuery) {
      const { status, sort, order, after, limit } = query;
      const matching = [...tasks.values()]
        .filter((t) => t.userId === owner)
        .filter((t) => status === 'all' || t.completed === (status === 'completed'))
        .filter((t) => after === null || comparePositions(positionOf(t, sort), after, sort, order) > 0)
        .sort((a, b) => compareForListing(a, b, sort, order));
      return limit === null ? matching : matching.slice(0, limit);
    },
    async update(owner: UserId, id: TaskId, patch: TaskPatch, at: Date, expected?: ExpectedVersion) {
      const task = owned(owner, id, expected);
      if (task === null) return null;
      const updated: Task = { ...task, ...patch, updatedAt: at, version: nextVersion(owner) };
      tasks.set(id, updated);
      return updated;
    },
    async toggleCompletion(owner, id, at, expected) {
      return toggle(owner, id, at, expected);
    },
    async toggleCompletionOnce(owner, id, at, expected, claim): Promise<Once<Task | null>> {
      const found = findKept(owner, claim.key, at);
      if (found !== null) return { outcome: 'kept', kept: found };
      const task = toggle(owner, id, at, expected);
      if (task !== null) keep(owner, claim, task);
      return { outcome: 'done', value: task };
    },
    async delete(owner, id, expected) {
      if (owned(owner, id, expected) === null) return false;
      nextVersion(owner);
      return tasks.delete(id);
    },
    async findKept(owner, key, at) {
      const row = findKept(owner, key, at);
      return row === null ? null : { fingerprint: row.fingerprint, task: row.task };
    },
    async purgeExpiredKeys(at, limit) {
      let purged = 0;
      for (const byKey of kept.values()) {
        for (const [key, row] of byKey) {
          if (purged === limit) return purged;
          if (row.expiresAt.getTime() <= at.getTime()) {
            byKey.delete(key);
            purged++;
          }
        }
      }
      return purged;
    },
  };

  const userRepository: UserRepository = {
    async upsert(profile: UserProfile, at: Date) {
      if (profile.email !== null) {
        for (const other of users.values()) {
          if (other.id !== profile.id && other.email === profile.email) users.set(other.id, { ...other, email: null, updatedAt: at });
        }
      }
      const existing = users.get(profile.id);
      users.set(profile.id, {
        id: profile.id,
        email: profile.email ?? existing?.email ?? null,
        name: profile.name ?? existing?.name ?? null,
        createdAt: existing?.createdAt ?? at,
        updatedAt: at,
        changeSeq: existing?.changeSeq ?? 0,
      });
    },
    async find(id) {
      const row = users.get(id);
      return row === undefined ? null : { id: row.id, email: row.email, name: row.name };
    },
    async delete(id) {
      if (!users.delete(id)) return false;
      kept.delete(id);
      for (const task of tasks.values()) if (task.userId === id) tasks.delete(task.id);
      return true;
    },
  };

  return { tasks: taskRepository, users: userRepository };
}

function positionOf(task: Task, sort: TaskQuery['sort']): TaskPosition {
  return { key: sortKey(task, sort), id: task.id };
}
