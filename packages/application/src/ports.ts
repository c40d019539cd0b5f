import type { NewTask, SortOrder, Task, TaskId, TaskPatch, TaskPosition, TaskSort, TaskStatus, UserId } from '@todo/domain';

export interface TaskQuery {
  readonly status: TaskStatus;
  readonly sort: TaskSort;
  readonly order: SortOrder;
  /** At most this many tasks; null for all of them. */
  readonly limit: number | null;
  /** Only tasks strictly after this position in the listing order. */
  readonly after: TaskPosition | null;
}

/**
 * Reads and writes always happen on behalf of an owner: another user's task looks exactly
 * like a missing one (`null` / `false`).
 * Throws AppError('UNAVAILABLE') when the store cannot be reached; any other error is a bug.
 */
export interface TaskRepository {
  /** Creates the owner's user row too if it has gone missing meanwhile. */
  create(owner: UserId, draft: NewTask, at: Date): Promise<Task>;
  get(owner: UserId, id: TaskId): Promise<Task | null>;
  /** Tasks in the order of `compareForListing` (domain), filtered by status, after `query.after`. */
  list(owner: UserId, query: TaskQuery): Promise<Task[]>;
  /** Changes only the fields present in the patch, and `updatedAt`. */
  update(owner: UserId, id: TaskId, patch: TaskPatch, at: Date): Promise<Task | null>;
  /** Flips `completed` in one atomic step: N concurrent calls flip it N times. */
  toggleCompletion(owner: UserId, id: TaskId, at: Date): Promise<Task | null>;
  delete(owner: UserId, id: TaskId): Promise<boolean>;
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
