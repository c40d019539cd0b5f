import { APPLICATION_NAME, connectPostgres, type Sql } from './connect.js';

/**
 * Cancels on the server every statement still running for `pool`, through a connection of its
 * own (the pool's may all be busy or already closed). A statement whose client has gone away
 * keeps running until it next talks to the client: one waiting behind a row lock would take
 * effect when the lock is released, long after its request was answered or cut off.
 *
 * Found by the pool's application_name, which is unique to this process; a pool whose name was
 * overridden (an `application_name` in DATABASE_URL) may share it with other processes, and is
 * left alone. Bounded by `timeoutMs`; resolves with how many backends were signalled, or null
 * when it could not be done.
 */
export async function cancelStatementsOf(pool: Sql, url: string, timeoutMs: number): Promise<number | null> {
  if (pool.options.connection.application_name !== APPLICATION_NAME) return null;
  const canceller = connectPostgres(url, { max: 1, prepare: false, connectTimeoutSeconds: Math.max(1, Math.ceil(timeoutMs / 1000)) });
  let timer: NodeJS.Timeout | undefined;
  try {
    // In the select list, not the where clause: only rows already known to be ours are signalled.
    const cancel = canceller<{ cancelled: boolean }[]>`
      select pg_cancel_backend(pid) as cancelled from pg_stat_activity
      where application_name = ${APPLICATION_NAME} and pid <> pg_backend_pid()`;
    const late = new Promise<null>((settle) => {
      timer = setTimeout(() => settle(null), timeoutMs);
    });
    return await Promise.race([cancel.then((rows) => rows.filter((row) => row.cancelled).length), late]);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
    await canceller.end({ timeout: 0 });
  }
}
