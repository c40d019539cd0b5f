import { validationError, type SortOrder, type TaskPosition, type TaskSort, type TaskStatus, type UserId } from '@todo/domain';
import { TokenSigner } from './signed-token.js';

export interface CursorScope {
  readonly userId: UserId;
  readonly status: TaskStatus;
  readonly sort: TaskSort;
  readonly order: SortOrder;
}

type Payload = [status: string, sort: string, order: string, key: string | null, id: number];

/**
 * Opaque paging cursors: the position, readable, signed together with the scope (user,
 * status, sort, order), so a cursor altered, or replayed by another user or with other
 * parameters, is refused instead of quietly paging somewhere else.
 */
export class CursorCodec {
  readonly #signer: TokenSigner;

  constructor(secret: string) {
    this.#signer = new TokenSigner(secret, 'cursor');
  }

  encode(scope: CursorScope, position: TaskPosition): string {
    const payload: Payload = [scope.status, scope.sort, scope.order, position.key, position.id];
    return this.#signer.sign(scope.userId, payload);
  }

  decode(scope: CursorScope, cursor: string): TaskPosition {
    const payload = this.#signer.open(scope.userId, cursor) as Payload | undefined;
    if (payload === undefined) throw validationError('cursor', 'Cursor is invalid, or belongs to another listing or user');
    const [status, sort, order, key, id] = payload;
    if (status !== scope.status || sort !== scope.sort || order !== scope.order) {
      throw validationError('cursor', 'Cursor was issued for other status, sort or order values');
    }
    return { key, id };
  }
}
