import type { UserId } from '@todo/domain';
import type { UserProfile, UserRepository } from '@todo/application';
import type { Sql } from './connect.js';
import { bounded, DEFAULT_DB_TIMEOUT_MS, type RepositoryOptions } from './bounded.js';

const UNIQUE_VIOLATION = '23505';

export class PostgresUserRepository implements UserRepository {
  readonly #sql: Sql;
  readonly #timeoutMs: number;

  constructor(sql: Sql, options: RepositoryOptions = {}) {
    this.#sql = sql;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_DB_TIMEOUT_MS;
  }

  async upsert(profile: UserProfile, at: Date): Promise<void> {
    try {
      await this.#upsert(profile, at);
    } catch (error) {
      // Two users claimed the same email at the same instant: the second attempt moves it.
      if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
      await this.#upsert(profile, at);
    }
  }

  /**
   * One statement: frees the email from any other user, then inserts or updates this one.
   * The main query reads the CTE's count, which makes the CTE run first.
   */
  async #upsert({ id, email, name }: UserProfile, at: Date): Promise<void> {
    await bounded(this.#sql`
      with freed as (
        update users set email = null, updated_at = ${at}
        where ${email}::text is not null and email = ${email} and id <> ${id}
        returning 1
      )
      insert into users (id, email, name, created_at, updated_at)
      select ${id}::text, ${email}::text, ${name}::text, ${at}::timestamptz, ${at}::timestamptz from (select count(*) from freed) as moved
      on conflict (id) do update set
        email = coalesce(excluded.email, users.email),
        name = coalesce(excluded.name, users.name),
        updated_at = excluded.updated_at
      where users.email is distinct from coalesce(excluded.email, users.email)
         or users.name is distinct from coalesce(excluded.name, users.name)`, this.#timeoutMs);
  }

  async find(id: UserId): Promise<UserProfile | null> {
    const [row] = await bounded(this.#sql<UserProfile[]>`select id, email, name from users where id = ${id}`, this.#timeoutMs);
    return row ?? null;
  }

  async delete(id: UserId): Promise<boolean> {
    return (await bounded(this.#sql`delete from users where id = ${id}`, this.#timeoutMs)).count === 1;
  }
}
