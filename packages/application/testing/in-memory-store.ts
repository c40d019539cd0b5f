import { compareForListing, comparePositions, sortKey, type NewTask, type TaskPosition, type Task, type TaskId, type TaskPatch, type UserId } from '@todo/domain';
import type { TaskQuery, TaskRepository, UserProfile, UserRepository } from '../src/ports.js';

export interface Store {
  readonly tasks: TaskRepository;
  readonly users: UserRepository;
}

interface UserRow extends UserProfile {
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/**
 * A real adapter kept in memory: the same promises as the SQL one, checked by the same
 * contract. No `await` sits between a read and its write, so every operation is atomic.
 */
export function inMemoryStore(): Store {
  const users = new Map<UserId, UserRow>();
  const tasks = new Map<TaskId, Task>();
  let lastId = 0;

  const owned = (owner: UserId, id: TaskId): Task | null => {
    const task = tasks.get(id);
    return task !== undefined && task.userId === owner ? task : null;
  };
  const ensureUser = (id: UserId, at: Date): void => {
    if (!users.has(id)) users.set(id, { id, email: null, name: null, createdAt: at, updatedAt: at });
  };

  const taskRepository: TaskRepository = {
    async create(owner: UserId, draft: NewTask, at: Date) {
      ensureUser(owner, at);
      const task: Task = { id: ++lastId, userId: owner, ...draft, createdAt: at, updatedAt: at };
      tasks.set(task.id, task);
      return task;
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
    async update(owner: UserId, id: TaskId, patch: TaskPatch, at: Date) {
      const task = owned(owner, id);
      if (task === null) return null;
      const updated: Task = { ...task, ...patch, updatedAt: at };
      tasks.set(id, updated);
      return updated;
    },
    async toggleCompletion(owner, id, at) {
      const task = owned(owner, id);
      if (task === null) return null;
      const toggled: Task = { ...task, completed: !task.completed, updatedAt: at };
      tasks.set(id, toggled);
      return toggled;
    },
    async delete(owner, id) {
      return owned(owner, id) !== null && tasks.delete(id);
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
      });
    },
    async find(id) {
      const row = users.get(id);
      return row === undefined ? null : { id: row.id, email: row.email, name: row.name };
    },
    async delete(id) {
      if (!users.delete(id)) return false;
      for (const task of tasks.values()) if (task.userId === id) tasks.delete(task.id);
      return true;
    },
  };

  return { tasks: taskRepository, users: userRepository };
}

function positionOf(task: Task, sort: TaskQuery['sort']): TaskPosition {
  return { key: sortKey(task, sort), id: task.id };
}
