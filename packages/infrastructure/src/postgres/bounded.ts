import { AppError } from '@todo/domain';
import type postgres from 'postgres';
import { isUnavailable } from './errors.js';

export const DEFAULT_DB_TIMEOUT_MS = 5000;

/**
 * How long a cancelled statement may take to report how it ended. A server that answers
 * at all answers a cancel in milliseconds; this bounds the wait on one that does not.
 */
const CANCEL_GRACE_MS = 1000;

type Outcome<T> = { readonly done: true; readonly value: T } | { readonly done: false; readonly error: unknown };
const NO_ANSWER = Symbol('no answer');
const RESEND_MS = 100;
/** How often a pipelined statement past its time is checked for having become the active one. */
const PIPELINE_POLL_MS = 10;

/**
 * Runs ONE statement within `timeoutMs` (the one timeout of a request's database work).
 * Past it the statement is cancelled: dropped from the driver's queue if it was not sent
 * yet, otherwise cancelled on the server (a CancelRequest, which works through poolers),
 * and the answer waits for how it really ended. So AppError('UNAVAILABLE') means "not
 * done": a statement that committed just before the cancel landed returns its result.
 * The only ambiguity left is a connection lost after the commit, which idempotency keys cover.
 * "Cannot reach the database" becomes AppError('UNAVAILABLE'); other errors are bugs and pass through.
 */
export async function bounded<T extends readonly postgres.MaybeRow[]>(
  statement: postgres.PendingQuery<T>,
  timeoutMs: number = DEFAULT_DB_TIMEOUT_MS,
): Promise<postgres.RowList<T>> {
  const outcome = statement.then(
    (value): Outcome<typeof value> => ({ done: true, value }),
    (error: unknown): Outcome<never> => ({ done: false, error }),
  );
  let first = await within(outcome, timeoutMs);
  if (first === NO_ANSWER) {
    const stop = cancel(statement);
    first = await within(outcome, CANCEL_GRACE_MS);
    stop();
    if (first === NO_ANSWER) throw unavailable(new Error(`no answer within ${timeoutMs} ms, nor to the cancel`));
    if (!first.done) throw unavailable(new Error(`no answer within ${timeoutMs} ms: cancelled`, { cause: first.error }));
  }
  if (first.done) return first.value;
  if (isUnavailable(first.error)) throw unavailable(first.error);
  throw first.error;
}

export interface RepositoryOptions {
  /** How long one statement may take before the request is answered 503. */
  readonly timeoutMs?: number;
}

/** The cause's code (SQLSTATE or the driver's) rides along for the error log line, never the response. */
function unavailable(cause: unknown): AppError {
  const code = (cause as { code?: unknown }).code;
  const error = new AppError('UNAVAILABLE', 'Database unavailable', { cause });
  return typeof code === 'string' ? Object.assign(error, { cause_code: code }) : error;
}

/** `promise` (which must not reject: an Outcome) or NO_ANSWER after `ms`: one promise and one timer, no race. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof NO_ANSWER> {
  return new Promise((settle) => {
    const timer = setTimeout(settle, ms, NO_ANSWER);
    void promise.then((value) => {
      clearTimeout(timer);
      settle(value);
    });
  });
}

/**
 * `query.cancel()` of postgres.js 3.4.9 drops the promise of its CancelRequest, which
 * rejects when the cancel connection fails (server down): nobody could catch that. The
 * canceller it calls returns the promise, so it is called directly; a failed cancel only
 * means the statement's own outcome decides.
 * A statement not sent yet is dropped from the driver's queue; an active one gets a
 * CancelRequest. One sent behind another on its connection (pipelined) is left alone until
 * it is the active one: the driver's own deferred cancel skips the pipelined statements
 * marked cancelled and so, with two or more in a row, hands their results to the statements
 * after them (connection.js, ReadyForQuery). A CancelRequest that reaches the backend between
 * two statements is ignored by PostgreSQL, so it is sent again, every RESEND_MS, while the
 * statement is active and unsettled. Returns the function that stops.
 */
function cancel(statement: { cancel(): void }): () => void {
  const query = statement as unknown as { canceller?: ((q: unknown) => Promise<void>) | null; active?: boolean; state?: unknown };
  const canceller = query.canceller;
  if (typeof canceller !== 'function') {
    statement.cancel();
    return () => {};
  }
  query.canceller = null;
  const send = () => void canceller(statement).catch(() => {});
  const sent = query.state !== undefined && query.state !== null;
  const now = !sent || query.active === true;
  if (now) send();
  let since = now ? Date.now() : -Infinity;
  const watch = setInterval(() => {
    if (query.active !== true || Date.now() - since < RESEND_MS) return;
    since = Date.now();
    send();
  }, PIPELINE_POLL_MS);
  return () => clearInterval(watch);
}
