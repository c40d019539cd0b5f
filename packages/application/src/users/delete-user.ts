import { AppError, checkUserId, type UserId } from '@todo/domain';
import type { UserRepository } from '../ports.js';

export class DeleteUser {
  readonly #users: UserRepository;

  constructor(users: UserRepository) {
    this.#users = users;
  }

  async execute(id: UserId): Promise<void> {
    if (!(await this.#users.delete(checkUserId(id)))) throw new AppError('NOT_FOUND', 'User not found');
  }
}
