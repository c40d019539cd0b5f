import { checkUserId, newTask, type Task, type TaskInput, type UserId } from '@todo/domain';
import type { Clock, TaskRepository } from '../ports.js';

export class CreateTask {
  readonly #tasks: TaskRepository;
  readonly #clock: Clock;

  constructor(tasks: TaskRepository, clock: Clock) {
    this.#tasks = tasks;
    this.#clock = clock;
  }

  /** Throws AppError('VALIDATION') listing every field at fault; nothing invalid reaches the repository. */
  async execute(owner: UserId, input: TaskInput): Promise<Task> {
    return this.#tasks.create(checkUserId(owner), newTask(input), this.#clock.now());
  }
}
