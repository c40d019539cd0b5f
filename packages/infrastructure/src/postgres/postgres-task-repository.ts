import type { NewTask, Task, TaskId, TaskPatch, UserId } from '@todo/domain';
import type { TaskQuery, TaskRepository } from '@todo/application';
import type { Sql } from './connect.js';
import { DEFAULT_DB_TIMEOUT_MS, guard, type RepositoryOptions } from './errors.js';
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

  create(owner: UserId, draft: NewTask, at: Date): Promise<Task> {
    const sql = this.#sql;
    return guard(async () => {
      const [row] = await sql<TaskRow[]>`
        with owner_row as (
          insert into users (id, created_at, updated_at) values (${owner}, ${at}, ${at}) on conflict (id) do nothing
        )
        insert into tasks (user_id, title, description, completed, due_date, created_at, updated_at)
        values (${owner}, ${draft.title}, ${draft.description}, ${draft.completed}, ${draft.dueDate}, ${at}, ${at})
        returning *`;
      return toTask(row!);
    }, this.#timeoutMs);
  }

  get(owner: UserId, id: TaskId): Promise<Task | null> {
    const sql = this.#sql;
    return guard(async () => {
      const [row] = await sql<TaskRow[]>`select * from tasks where user_id = ${owner} and id = ${id}`;
      return row === undefined ? null : toTask(row);
    }, this.#timeoutMs);
  }

  list(owner: UserId, query: TaskQuery): Promise<Task[]> {
    return guard(async () => {
      const rows: TaskRow[] = await listTasksQuery(this.#sql, owner, query);
      return rows.map(toTask);
    }, this.#timeoutMs);
  }

  update(owner: UserId, id: TaskId, patch: TaskPatch, at: Date): Promise<Task | null> {
    const sql = this.#sql;
    const columns = {
      ...(patch.title !== undefined && { title: patch.title }),
      ...(patch.description !== undefined && { description: patch.description }),
      ...(patch.completed !== undefined && { completed: patch.completed }),
      ...(patch.dueDate !== undefined && { due_date: patch.dueDate }),
      updated_at: at,
    };
    return guard(async () => {
      const [row] = await sql<TaskRow[]>`
        update tasks set ${sql(columns)} where user_id = ${owner} and id = ${id} returning *`;
      return row === undefined ? null : toTask(row);
    }, this.#timeoutMs);
  }

  toggleCompletion(owner: UserId, id: TaskId, at: Date): Promise<Task | null> {
    const sql = this.#sql;
    return guard(async () => {
      const [row] = await sql<TaskRow[]>`
        update tasks set completed = not completed, updated_at = ${at}
        where user_id = ${owner} and id = ${id} returning *`;
      return row === undefined ? null : toTask(row);
    }, this.#timeoutMs);
  }

  delete(owner: UserId, id: TaskId): Promise<boolean> {
    const sql = this.#sql;
    return guard(async () => {
      const result = await sql`delete from tasks where user_id = ${owner} and id = ${id}`;
      return result.count === 1;
    }, this.#timeoutMs);
  }
}
