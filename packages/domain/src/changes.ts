import { AppError, validationError } from './errors.js';
import type { Task, TaskId, TaskVersion } from './task.js';

/** One entry of an owner's changes, in version order: a task as it is now, or the id of a task deleted. */
export type TaskChange =
  | { readonly version: TaskVersion; readonly task: Task }
  | { readonly version: TaskVersion; readonly deleted: TaskId };

/**
 * Where a client's copy stands: every change up to `version` applied. `horizon` is a time at
 * which every deletion after `version` was still remembered; once deletions older than the
 * horizon may have been forgotten, the position can no longer be continued from.
 */
export interface SyncPosition {
  readonly version: TaskVersion;
  readonly horizon: Date;
  /**
   * Which life of the owner's account the versions count in (when their user row was created;
   * 0 before it exists). An account deleted and created again counts its versions from 1 anew,
   * so a position from its earlier life cannot be continued from.
   */
  readonly epoch: number;
}

export const SYNC_PAGE_MAX = 500;

export function syncLimitProblem(limit: number): AppError | null {
  if (Number.isInteger(limit) && limit >= 1 && limit <= SYNC_PAGE_MAX) return null;
  return validationError('limit', `limit must be a whole number from 1 to ${SYNC_PAGE_MAX}`);
}

export function syncTokenExpired(): AppError {
  return new AppError('SYNC_TOKEN_EXPIRED', 'The sync token is older than the deletions remembered: sync again without since');
}
