import { type ExpectedVersion, isUnconditional, type KeptWrite, type NewTask, type Task, type TaskId, type TaskPatch, type UserId } from '@todo/domain';
import type { KeyClaim, Once, TaskQuery, TaskRepository } from '@todo/application';
import type postgres from 'postgres';
import type { Sql } from './connect.js';
import { bounded, DEFAULT_DB_TIMEOUT_MS, type RepositoryOptions } from './bounded.js';
import { listTasksQuery } from './keyset.js';
import { fromTaskJson, type TaskJsonRow, toTask, type TaskRow } from './task-rows.js';

const KEY_TAKEN = 'idempotency_keys_pkey';
/** Attempts at a keyed write whose key another write took or left expired; then the caller is told to retry. */
const KEYED_ATTEMPTS = 3;

/** A task row, or nulls when nothing was written, and what was kept under the key if it was taken already. */
type OnceRow = { [K in keyof TaskRow]: TaskRow[K] | null } & { kept_fingerprint: string | null; kept_result: TaskJsonRow | null };

/**
 * Every statement names the owner: another user's task is never read, changed or counted.
 *
 * Versions. Every write is ONE statement that bumps the owner's `users.change_seq` and stamps
 * the task with the new value (`seq` below). The bump takes the users row lock, held until
 * commit, so one owner's writes take their versions one at a time, in the order they commit:
 * what the changes feed (SPEC §7) relies on to never miss a change. Writes to an existing task
 * first lock the task row (`target`, `for update`, which re-checks `If-Match` against the
 * newest row version), and only then the users row: a stale or absent task bumps nothing, and
 * every write takes the two locks in the same order (task, then owner), so none deadlock.
 */
export class PostgresTaskRepository implements TaskRepository {
  readonly #sql: Sql;
  readonly #timeoutMs: number;

  constructor(sql: Sql, options: RepositoryOptions = {}) {
    this.#sql = sql;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_DB_TIMEOUT_MS;
  }

  async create(owner: UserId, draft: NewTask, at: Date): Promise<Task> {
    const sql = this.#sql;
    // The owner's row is re-created if it has gone missing, and bumped: one statement, one round trip.
    const [row] = await bounded(sql<TaskRow[]>`
      with seq as (
        insert into users (id, created_at, updated_at, change_seq) values (${owner}, ${at}, ${at}, 1)
        on conflict (id) do update set change_seq = users.change_seq + 1
        returning change_seq
      )
      insert into tasks (user_id, title, description, completed, due_date, created_at, updated_at, version)
      values (${owner}, ${draft.title}, ${draft.description}, ${draft.completed}, ${draft.dueDate}, ${at}, ${at}, (select change_seq from seq))
      returning *`, this.#timeoutMs);
    return toTask(row!);
  }

  /**
   * The key's row is inserted by the statement that creates the task: both commit or neither
   * does, whatever crashes when. A duplicate racing the first waits on the owner's row lock,
   * then fails on the key's primary key (and so creates nothing): it runs again and finds the key.
   */
  createOnce(owner: UserId, draft: NewTask, at: Date, claim: KeyClaim): Promise<Once<Task>> {
    const sql = this.#sql;
    // A done insert always returns its row: `done` never carries null here.
    return this.#keyed(owner, claim, at, () => sql<OnceRow[]>`
      with existing as (${this.#existing(owner, claim, at)}),
      seq as (
        insert into users (id, created_at, updated_at, change_seq)
        select ${owner}::text, ${at}::timestamptz, ${at}::timestamptz, 1 where not exists (select 1 from existing)
        on conflict (id) do update set change_seq = users.change_seq + 1
        returning change_seq
      ),
      written as (
        insert into tasks (user_id, title, description, completed, due_date, created_at, updated_at, version)
        select ${owner}::text, ${draft.title}::text, ${draft.description}::text, ${draft.completed}::boolean,
          ${draft.dueDate}::timestamptz, ${at}::timestamptz, ${at}::timestamptz, change_seq
        from seq
        returning *
      ),
      ${this.#keep(owner, claim, at)}
      ${this.#onceResult()}`) as Promise<Once<Task>>;
  }

  async get(owner: UserId, id: TaskId): Promise<Task | null> {
    const sql = this.#sql;
    const [row] = await bounded(sql<TaskRow[]>`select * from tasks where user_id = ${owner} and id = ${id}`, this.#timeoutMs);
    return row === undefined ? null : toTask(row);
  }

  async list(owner: UserId, query: TaskQuery): Promise<Task[]> {
    const rows = await bounded(listTasksQuery(this.#sql, owner, query) as postgres.PendingQuery<TaskRow[]>, this.#timeoutMs);
    return rows.map(toTask);
  }

  async update(owner: UserId, id: TaskId, patch: TaskPatch, at: Date, expected?: ExpectedVersion): Promise<Task | null> {
    const sql = this.#sql;
    const columns = {
      ...(patch.title !== undefined && { title: patch.title }),
      ...(patch.description !== undefined && { description: patch.description }),
      ...(patch.completed !== undefined && { completed: patch.completed }),
      ...(patch.dueDate !== undefined && { due_date: patch.dueDate }),
      updated_at: at,
    };
    const [row] = await bounded(sql<TaskRow[]>`
      with ${this.#target(owner, id, expected)}, ${this.#bump(owner)}
      update tasks set ${sql(columns)}, version = (select change_seq from seq)
      where user_id = ${owner} and id = (select id from target)
      returning *`, this.#timeoutMs);
    return row === undefined ? null : toTask(row);
  }

  async toggleCompletion(owner: UserId, id: TaskId, at: Date, expected?: ExpectedVersion): Promise<Task | null> {
    const sql = this.#sql;
    const [row] = await bounded(sql<TaskRow[]>`
      with ${this.#target(owner, id, expected)}, ${this.#bump(owner)}
      ${this.#toggle(owner, at)}`, this.#timeoutMs);
    return row === undefined ? null : toTask(row);
  }

  toggleCompletionOnce(owner: UserId, id: TaskId, at: Date, expected: ExpectedVersion | undefined, claim: KeyClaim): Promise<Once<Task | null>> {
    const sql = this.#sql;
    return this.#keyed(owner, claim, at, () => sql<OnceRow[]>`
      with existing as (${this.#existing(owner, claim, at)}),
      ${this.#target(owner, id, expected, sql`and not exists (select 1 from existing)`)},
      ${this.#bump(owner)},
      written as (${this.#toggle(owner, at)}),
      ${this.#keep(owner, claim, at)}
      ${this.#onceResult()}`);
  }

  async delete(owner: UserId, id: TaskId, expected?: ExpectedVersion): Promise<boolean> {
    const sql = this.#sql;
    // The bump gives the deletion its place in the owner's order of changes too.
    const result = await bounded(sql`
      with ${this.#target(owner, id, expected)}, ${this.#bump(owner)}
      delete from tasks where user_id = ${owner} and id = (select id from target) and exists (select 1 from seq)`, this.#timeoutMs);
    return result.count === 1;
  }

  async findKept(owner: UserId, key: string, at: Date): Promise<KeptWrite | null> {
    const sql = this.#sql;
    const [row] = await bounded(sql<{ fingerprint: string; result: TaskJsonRow }[]>`
      select fingerprint, result from idempotency_keys where user_id = ${owner} and key = ${key} and expires_at > ${at}`, this.#timeoutMs);
    return row === undefined ? null : { fingerprint: row.fingerprint, task: fromTaskJson(row.result) };
  }

  /** Any owner's rows: maintenance, not a request. Rows another purge is deleting are skipped, not waited for. */
  async purgeExpiredKeys(at: Date, limit: number): Promise<number> {
    const sql = this.#sql;
    const result = await bounded(sql`
      delete from idempotency_keys where (user_id, key) in (
        select user_id, key from idempotency_keys where expires_at <= ${at} limit ${limit} for update skip locked
      )`, this.#timeoutMs);
    return result.count;
  }

  /** The owner's task, locked, if it matches `expected` (checked again on the newest row version once locked). */
  #target(owner: UserId, id: TaskId, expected: ExpectedVersion | undefined, extra = this.#sql``) {
    const sql = this.#sql;
    const versions = isUnconditional(expected) ? sql`` : sql`and version = any(${bigintArray(expected as readonly number[])}::bigint[])`;
    return sql`target as (select id from tasks where user_id = ${owner} and id = ${id} ${versions} ${extra} for update)`;
  }

  /** The owner's next version, taken only when there is a target to write. */
  #bump(owner: UserId) {
    return this.#sql`seq as (
      update users set change_seq = change_seq + 1 where id = ${owner} and exists (select 1 from target) returning change_seq
    )`;
  }

  #toggle(owner: UserId, at: Date) {
    return this.#sql`
      update tasks set completed = not completed, updated_at = ${at}, version = (select change_seq from seq)
      where user_id = ${owner} and id = (select id from target)
      returning *`;
  }

  #existing(owner: UserId, claim: KeyClaim, at: Date) {
    return this.#sql`
      select fingerprint, result from idempotency_keys where user_id = ${owner} and key = ${claim.key} and expires_at > ${at}`;
  }

  /** The row `written` keeps under the key (none when nothing was written). */
  #keep(owner: UserId, claim: KeyClaim, at: Date) {
    return this.#sql`kept as (
      insert into idempotency_keys (user_id, key, fingerprint, result, created_at, expires_at)
      select ${owner}::text, ${claim.key}::text, ${claim.fingerprint}::text, to_jsonb(written), ${at}::timestamptz, ${claim.expiresAt}::timestamptz
      from written
    )`;
  }

  /**
   * Runs a keyed write. The key's primary key is the arbiter between duplicates: a statement
   * that finds it taken (by a write that committed after the statement began, or by an expired
   * row not purged yet) fails whole, changing nothing, and runs again.
   */
  async #keyed(owner: UserId, claim: KeyClaim, at: Date, statement: () => postgres.PendingQuery<OnceRow[]>): Promise<Once<Task | null>> {
    for (let attempt = 0; attempt < KEYED_ATTEMPTS; attempt++) {
      try {
        return toOnce((await bounded(statement(), this.#timeoutMs))[0]!);
      } catch (error) {
        if ((error as { constraint_name?: unknown }).constraint_name !== KEY_TAKEN) throw error;
        await bounded(this.#sql`delete from idempotency_keys where user_id = ${owner} and key = ${claim.key} and expires_at <= ${at}`, this.#timeoutMs);
      }
    }
    return { outcome: 'busy' } as const;
  }

  /** One row whatever happened: the written task's columns (or nulls), and what the key kept (or nulls). */
  #onceResult() {
    return this.#sql`
      select written.*, existing.fingerprint as kept_fingerprint, existing.result as kept_result
      from (values (1)) as one left join written on true left join existing on true`;
  }
}

function toOnce(row: OnceRow): Once<Task | null> {
  if (row.kept_fingerprint !== null && row.kept_result !== null) {
    return { outcome: 'kept', kept: { fingerprint: row.kept_fingerprint, task: fromTaskJson(row.kept_result) } };
  }
  return { outcome: 'done', value: row.id === null ? null : toTask(row as TaskRow) };
}

/** An array literal of whole numbers, sent as one text parameter (cast to bigint[] in the statement). */
function bigintArray(values: readonly number[]): string {
  return `{${values.map((v) => String(Math.trunc(v))).join(',')}}`;
}
