import type { NewTask, Task, UserId } from '@todo/domain';
import type { Clock, TaskRepository } from '../ports.js';

export class CreateTask {
  readonly #tasks: TaskRepository;
  readonly #clock: Clock;

  constructor(tasks: TaskRepository, clock: Clock) {
    this.#tasks = tasks;
    this.#clock = clock;
  }

  execute(owner: UserId, draft: NewTask): Promise<Task> {
    return this.#tasks.create(owner, draft, this.#clock.now());
  }
}
