import { AppError } from './errors.js';
import type { Task, TaskVersion } from './task.js';
import type { Problem } from './task-rules.js';

/**
 * What a caller expects of a task before writing it (`If-Match`): that it exists in any
 * version (`'any'`), or that its current version is one of these. An empty list matches
 * nothing. `undefined` where a parameter takes one: no expectation was sent.
 */
export type ExpectedVersion = 'any' | readonly TaskVersion[];

export function matchesExpected(expected: ExpectedVersion | undefined, version: TaskVersion): boolean {
  return expected === undefined || expected === 'any' || expected.includes(version);
}

/** Writes that can only fail because the task is absent: nothing to compare a version with. */
export function isUnconditional(expected: ExpectedVersion | undefined): boolean {
  return expected === undefined || expected === 'any';
}

export function preconditionFailed(): AppError {
  return new AppError('PRECONDITION_FAILED', 'The task has changed since the version in If-Match');
}

export function preconditionRequired(): AppError {
  return new AppError('PRECONDITION_REQUIRED', 'This write needs an If-Match header with the task\'s ETag');
}

export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

/**
 * An idempotency key: 1–255 printable ASCII characters (space to tilde). The key alone does not
 * identify a request: its fingerprint (method, path and body) must match too.
 */
export function idempotencyKeyProblem(key: string): Problem {
  if (key.length < 1 || key.length > IDEMPOTENCY_KEY_MAX_LENGTH || !/^[\x20-\x7e]+$/.test(key)) {
    return `Idempotency-Key must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters`;
  }
  return null;
}

/** A request made at most once: the caller's key and a fingerprint of what was asked. */
export interface IdempotentRequest {
  readonly key: string;
  /** Equal for two requests exactly when they ask for the same thing (opaque to the core). */
  readonly fingerprint: string;
}

/** The task a write returned, kept under its key for replay. */
export interface KeptWrite {
  readonly fingerprint: string;
  readonly task: Task;
}

/** A write's result, and whether it was a replay of one already made under the same key. */
export interface Replayable<T> {
  readonly value: T;
  readonly replayed: boolean;
}

/** The kept result, when the request is the one that made it; a different request under the key fails. */
export function replayOf(kept: KeptWrite, request: IdempotentRequest): Replayable<Task> {
  if (kept.fingerprint !== request.fingerprint) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different request');
  }
  return { value: kept.task, replayed: true };
}

export function keyInFlight(): AppError {
  return new AppError('IDEMPOTENCY_KEY_IN_FLIGHT', 'A request with this Idempotency-Key is still in progress');
}
