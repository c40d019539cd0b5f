import { createHmac, timingSafeEqual } from 'node:crypto';
import type { UserId } from '@todo/domain';

/**
 * Opaque tokens handed to clients (paging cursors, sync tokens): a readable payload plus a MAC
 * over it and the caller's user id, keyed per purpose from the secret. A token altered,
 * presented by another user, or of another purpose does not open.
 */
export class TokenSigner {
  readonly #key: Buffer;

  constructor(secret: string, purpose: string) {
    this.#key = createHmac('sha256', `tasks-api ${purpose} key`).update(secret).digest();
  }

  sign(userId: UserId, payload: unknown): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.#mac(userId, body).toString('base64url')}`;
  }

  /** The payload, or undefined when this signer did not make the token for this user. */
  open(userId: UserId, token: string): unknown {
    const [body, mac, extra] = token.split('.');
    if (body === undefined || mac === undefined || extra !== undefined) return undefined;
    const expected = this.#mac(userId, body);
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return JSON.parse(Buffer.from(body, 'base64url').toString()) as unknown;
  }

  #mac(userId: UserId, body: string): Buffer {
    return createHmac('sha256', this.#key).update(userId).update('\u0000').update(body).digest().subarray(0, 16);
  }
}
