import { createHmac, timingSafeEqual } from 'node:crypto';
import { validationError, type SortOrder, type TaskPosition, type TaskSort, type TaskStatus, type UserId } from '@todo/domain';

export interface CursorScope {
  readonly userId: UserId;
  readonly status: TaskStatus;
  readonly sort: TaskSort;
  readonly order: SortOrder;
}

type Payload = [status: string, sort: string, order: string, key: string | null, id: number];

/**
 * Opaque paging cursors: the position, readable, plus a MAC over it and over the scope
 * (user, status, sort, order), so a cursor altered, or replayed by another user or with
 * other parameters, is refused instead of quietly paging somewhere else.
 */
export class CursorCodec {
  readonly #key: Buffer;

  constructor(secret: string) {
    this.#key = createHmac('sha256', 'tasks-api cursor key').update(secret).digest();
  }

  encode(scope: CursorScope, position: TaskPosition): string {
    const payload: Payload = [scope.status, scope.sort, scope.order, position.key, position.id];
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.#mac(scope.userId, body).toString('base64url')}`;
  }

  decode(scope: CursorScope, cursor: string): TaskPosition {
    const [body, mac, extra] = cursor.split('.');
    if (body === undefined || mac === undefined || extra !== undefined) throw invalidCursor();
    const expected = this.#mac(scope.userId, body);
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidCursor();
    const [status, sort, order, key, id] = JSON.parse(Buffer.from(body, 'base64url').toString()) as Payload;
    if (status !== scope.status || sort !== scope.sort || order !== scope.order) {
      throw validationError('cursor', 'Cursor was issued for other status, sort or order values');
    }
    return { key, id };
  }

  #mac(userId: UserId, body: string): Buffer {
    return createHmac('sha256', this.#key).update(userId).update('\u0000').update(body).digest().subarray(0, 16);
  }
}

function invalidCursor() {
  return validationError('cursor', 'Cursor is invalid, or belongs to another listing or user');
}
