import {
  type AppError, type ExpectedVersion, type IdempotentRequest, isUnconditional, keyInFlight, preconditionFailed, preconditionRequired,
  type Replayable, replayOf, type Task, type TaskId, type UserId,
} from '@todo/domain';
import type { KeyClaim, Once, TaskRepository } from '../ports.js';
import { taskNotFound } from './get-task.js';

/** The rules of safe writes that the deployment chooses (REQUIRE_IF_MATCH, IDEMPOTENCY_TTL_S). */
export interface WritePolicy {
  /** A write to an existing task must say which version it expects. */
  readonly requireIfMatch: boolean;
  /** How long a write made under an idempotency key is replayed. */
  readonly idempotencyTtlSeconds: number;
}

export const DEFAULT_WRITE_POLICY: WritePolicy = { requireIfMatch: false, idempotencyTtlSeconds: 86_400 };

/** Decided before any database work, so an absent and a foreign task get the same answer. */
export function checkExpectation(policy: WritePolicy, expected: ExpectedVersion | undefined): void {
  if (policy.requireIfMatch && expected === undefined) throw preconditionRequired();
}

/** Why a write changed nothing: the task is absent (404, first), or in another version (412). */
export async function notWritten(tasks: TaskRepository, owner: UserId, id: TaskId, expected: ExpectedVersion | undefined): Promise<AppError> {
  if (isUnconditional(expected)) return taskNotFound();
  return (await tasks.get(owner, id)) === null ? taskNotFound() : preconditionFailed();
}

export function claimFor(request: IdempotentRequest, at: Date, policy: WritePolicy): KeyClaim {
  return { key: request.key, fingerprint: request.fingerprint, expiresAt: new Date(at.getTime() + policy.idempotencyTtlSeconds * 1000) };
}

/** The answer for a key already taken: the first request's result when this is the same request, else an error. */
export function replayKept(once: Exclude<Once<unknown>, { outcome: 'done' }>, request: IdempotentRequest): Replayable<Task> {
  if (once.outcome === 'busy') throw keyInFlight();
  return replayOf(once.kept, request);
}
