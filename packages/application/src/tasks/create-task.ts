import { checkUserId, type IdempotentRequest, newTask, type Replayable, type Task, type TaskInput, type UserId } from '@todo/domain';
import type { Clock, TaskRepository } from '../ports.js';
import { claimFor, DEFAULT_WRITE_POLICY, replayKept, type WritePolicy } from './write-policy.js';

export class CreateTask {
  readonly #tasks: TaskRepository;
  readonly #clock: Clock;
  readonly #policy: WritePolicy;

  constructor(tasks: TaskRepository, clock: Clock, policy: WritePolicy = DEFAULT_WRITE_POLICY) {
    this.#tasks = tasks;
    this.#clock = clock;
    this.#policy = policy;
  }

  /** Throws AppError('VALIDATION') listing every field at fault; nothing invalid reaches the repository. */
  async execute(owner: UserId, input: TaskInput): Promise<Task> {
    return this.#tasks.create(checkUserId(owner), newTask(input), this.#clock.now());
  }

  /** Creates the task once per key: a repeat of the same request gets the same task back, and creates nothing. */
  async executeOnce(owner: UserId, input: TaskInput, request: IdempotentRequest): Promise<Replayable<Task>> {
    const draft = newTask(input);
    const at = this.#clock.now();
    const once = await this.#tasks.createOnce(checkUserId(owner), draft, at, claimFor(request, at, this.#policy));
    return once.outcome === 'done' ? { value: once.value, replayed: false } : replayKept(once, request);
  }
}
