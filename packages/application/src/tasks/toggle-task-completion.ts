import {
  checkTaskId, checkUserId, type ExpectedVersion, type IdempotentRequest, type Replayable, type Task, type TaskId, type UserId,
} from '@todo/domain';
import type { Clock, TaskRepository } from '../ports.js';
import { checkExpectation, claimFor, DEFAULT_WRITE_POLICY, notWritten, replayKept, type WritePolicy } from './write-policy.js';

export class ToggleTaskCompletion {
  readonly #tasks: TaskRepository;
  readonly #clock: Clock;
  readonly #policy: WritePolicy;

  constructor(tasks: TaskRepository, clock: Clock, policy: WritePolicy = DEFAULT_WRITE_POLICY) {
    this.#tasks = tasks;
    this.#clock = clock;
    this.#policy = policy;
  }

  async execute(owner: UserId, id: TaskId, expected?: ExpectedVersion): Promise<Task> {
    checkUserId(owner);
    checkTaskId(id);
    checkExpectation(this.#policy, expected);
    const task = await this.#tasks.toggleCompletion(owner, id, this.#clock.now(), expected);
    if (task === null) throw await notWritten(this.#tasks, owner, id, expected);
    return task;
  }

  /** Toggles once per key: a repeat of the same request gets the same answer back, and flips nothing. */
  async executeOnce(owner: UserId, id: TaskId, expected: ExpectedVersion | undefined, request: IdempotentRequest): Promise<Replayable<Task>> {
    checkUserId(owner);
    checkTaskId(id);
    checkExpectation(this.#policy, expected);
    const at = this.#clock.now();
    const once = await this.#tasks.toggleCompletionOnce(owner, id, at, expected, claimFor(request, at, this.#policy));
    if (once.outcome !== 'done') return replayKept(once, request);
    if (once.value !== null) return { value: once.value, replayed: false };
    // Nothing toggled: a request with the same key may have toggled it meanwhile (and so moved its version).
    const kept = await this.#tasks.findKept(owner, request.key, at);
    if (kept !== null) return replayKept({ outcome: 'kept', kept }, request);
    throw await notWritten(this.#tasks, owner, id, expected);
  }
}
