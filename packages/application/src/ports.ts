import type {
  ExpectedVersion, IdempotentRequest, KeptWrite, NewTask, SortOrder, Task, TaskId, TaskPatch, TaskPosition, TaskSort, TaskStatus, UserId,
} from '@todo/domain';

export interface TaskQuery {
  readonly status: TaskStatus;
  readonly sort: TaskSort;
  readonly order: SortOrder;
  /** At most this many tasks; null for all of them. */
  readonly limit: number | null;
  /** Only tasks strictly after this position in the listing order. */
  readonly after: TaskPosition | null;
}

/** An idempotency key taken by a write: kept with its result until `expiresAt`. */
export interface KeyClaim extends IdempotentRequest {
  readonly expiresAt: Date;
}

/**
 * A write made at most once per key: `done` when it ran now (its result kept under the key
 * in the same atomic step, when it succeeded), `kept` when an unexpired write is kept under
 * the key already (nothing ran, whatever its fingerprint), `busy` when the key could not be
 * settled right now (another write with it is in progress).
 */
export type Once<T> =
  | { readonly outcome: 'done'; readonly value: T }
  | { readonly outcome: 'kept'; readonly kept: KeptWrite }
  | { readonly outcome: 'busy' };

/**
 * Reads and writes always happen on behalf of an owner: another user's task looks exactly
 * like a missing one (`null` / `false`).
 *
 * Every write gives the task a new `version`, from a counter per owner that only grows,
 * assigned in the same atomic step as the write and in the order writes commit. A write
 * given `expected` happens only if the task's version matches at that moment (check and
 * write are one atomic step); otherwise it changes nothing, bumps nothing, and answers like
 * an absent task (`null` / `false`): the caller tells the two apart with `get`.
 *
 * Throws AppError('UNAVAILABLE') when the store cannot be reached; any other error is a bug.
 */
export interface TaskRepository {
  /** Creates the owner's user row too if it has gone missing meanwhile. */
  create(owner: UserId, draft: NewTask, at: Date): Promise<Task>;
  /** `create`, and the new task kept under the key in the same atomic step: no crash leaves one without the other. */
  createOnce(owner: UserId, draft: NewTask, at: Date, claim: KeyClaim): Promise<Once<Task>>;
  get(owner: UserId, id: TaskId): Promise<Task | null>;
  /** Tasks in the order of `compareForListing` (domain), filtered by status, after `query.after`. */
  list(owner: UserId, query: TaskQuery): Promise<Task[]>;
  /** Changes only the fields present in the patch, and `updatedAt`. */
  update(owner: UserId, id: TaskId, patch: TaskPatch, at: Date, expected?: ExpectedVersion): Promise<Task | null>;
  /** Flips `completed` in one atomic step: N concurrent calls flip it N times. */
  toggleCompletion(owner: UserId, id: TaskId, at: Date, expected?: ExpectedVersion): Promise<Task | null>;
  /** `toggleCompletion`, and the toggled task kept under the key in the same atomic step (only when it was toggled). */
  toggleCompletionOnce(owner: UserId, id: TaskId, at: Date, expected: ExpectedVersion | undefined, claim: KeyClaim): Promise<Once<Task | null>>;
  delete(owner: UserId, id: TaskId, expected?: ExpectedVersion): Promise<boolean>;
  /** The write kept under the owner's key, unless it had expired at `at`. */
  findKept(owner: UserId, key: string, at: Date): Promise<KeptWrite | null>;
  /** Forgets up to `limit` kept writes (any owner's) that expired at `at`; how many it forgot. */
  purgeExpiredKeys(at: Date, limit: number): Promise<number>;
}

/** What a token says about its user. `null` leaves what is stored untouched. */
export interface UserProfile {
  readonly id: UserId;
  readonly email: string | null;
  readonly name: string | null;
}

/**
 * Throws AppError('UNAVAILABLE') when the store cannot be reached.
 */
export interface UserRepository {
  /**
   * Creates the user or updates the fields given. An email held by another user moves to
   * this one (emails stay unique); this never fails because of it.
   */
  upsert(profile: UserProfile, at: Date): Promise<void>;
  find(id: UserId): Promise<UserProfile | null>;
  /** Deletes the user and, with them, their tasks. */
  delete(id: UserId): Promise<boolean>;
}

export type TokenClaims = Readonly<Record<string, unknown>>;

/**
 * Checks a bearer token's signature and time claims.
 * Throws AppError('UNAUTHENTICATED', 'expired' | 'invalid') for a token that must be refused,
 * AppError('UNAVAILABLE') when the keys needed to decide cannot be had right now.
 */
export interface TokenVerifier {
  verify(token: string): Promise<TokenClaims>;
}

export interface Clock {
  now(): Date;
}
