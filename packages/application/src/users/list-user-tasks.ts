import { AppError, checkUserId, type Task, type UserId } from '@todo/domain';
import type { TaskRepository, UserRepository } from '../ports.js';

/**
 * Every task of a user, oldest first (an operator's view: the CLI's `tasks`). A user the service
 * never saw is NOT_FOUND, as for DeleteUser, where the API would answer an empty list.
 */
export class ListUserTasks {
  readonly #users: UserRepository;
  readonly #tasks: TaskRepository;

  constructor(users: UserRepository, tasks: TaskRepository) {
    this.#users = users;
    this.#tasks = tasks;
  }

  async execute(id: UserId): Promise<Task[]> {
    const owner = checkUserId(id);
    if ((await this.#users.find(owner)) === null) throw new AppError('NOT_FOUND', 'User not found');
    return this.#tasks.list(owner, { status: 'all', sort: 'created', order: 'asc', limit: null, after: null });
  }
}
