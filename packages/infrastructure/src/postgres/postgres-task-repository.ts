import type { NewTask, Task, TaskId, TaskPatch, UserId } from '@todo/domain';
import type { TaskQuery, TaskRepository } from '@todo/application';
import type postgres from 'postgres';
import type { Sql } from './connect.js';
import { bounded, DEFAULT_DB_TIMEOUT_MS, type RepositoryOptions } from './bounded.js';
import { listTasksQuery } from './keyset.js';
import { toTask, type TaskRow } from './task-rows.js';

/** Every statement names the owner: another user's task is never read, changed or counted. */
export class PostgresTaskRepository implements TaskRepository {
  readonly #sql: Sql;
  readonly #timeoutMs: number;

  constructor(sql: Sql, options: RepositoryOptions = {}) {
    this.#sql = sql;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_DB_TIMEOUT_MS;
  }

  async create(owner: UserId, draft: NewTask, at: Date): Promise<Task> {
    const sql = this.#sql;
    const [row] = await bounded(sql<TaskRow[]>`
      with owner_row as (
        insert into users (id, created_at, updated_at) values (${owner}, ${at}, ${at}) on conflict (id) do nothing
      )
      insert into tasks (user_id, title, description, completed, due_date, created_at, updated_at)
      values (${owner}, ${draft.title}, ${draft.description}, ${draft.completed}, ${draft.dueDate}, ${at}, ${at})
      returning *`, this.#timeoutMs);
    return toTask(row!);
  }

  async get(owner: UserId, id: TaskId): Promise<Task | null> {
    const [row] = await bounded(this.#sql<TaskRow[]>`select * from tasks where user_id = ${owner} and id = ${id}`, this.#timeoutMs);
    return row === undefined ? null : toTask(row);
  }

  async list(owner: UserId, query: TaskQuery): Promise<Task[]> {
    const rows = await bounded(listTasksQuery(this.#sql, owner, query) as postgres.PendingQuery<TaskRow[]>, this.#timeoutMs);
    return rows.map(toTask);
  }

  async update(owner: UserId, id: TaskId, patch: TaskPatch, at: Date): Promise<Task | null> {
    const sql = this.#sql;
    const columns = {
      ...(patch.title !== undefined && { title: patch.title }),
      ...(patch.description !== undefined && { description: patch.description }),
      ...(patch.completed !== undefined && { completed: patch.completed }),
      ...(patch.dueDate !== undefined && { due_date: patch.dueDate }),
      updated_at: at,
    };
    const [row] = await bounded(sql<TaskRow[]>`
      update tasks set ${sql(columns)} where user_id = ${owner} and id = ${id} returning *`, this.#timeoutMs);
    return row === undefined ? null : toTask(row);
  }

  async toggleCompletion(owner: UserId, id: TaskId, at: Date): Promise<Task | null> {
    const [row] = await bounded(this.#sql<TaskRow[]>`
      update tasks set completed = not completed, updated_at = ${at}
      where user_id = ${owner} and id = ${id} returning *`, this.#timeoutMs);
    return row === undefined ? null : toTask(row);
  }

  async delete(owner: UserId, id: TaskId): Promise<boolean> {
    const result = await bounded(this.#sql`delete from tasks where user_id = ${owner} and id = ${id}`, this.#timeoutMs);
    return result.count === 1;
  }
}
