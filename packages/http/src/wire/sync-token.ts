import { type SyncPosition, type UserId, validationError } from '@todo/domain';
import { TokenSigner } from './signed-token.js';

type Payload = [version: number, horizonMs: number, epoch: number];

/** Sync tokens of the changes feed: a position, signed for its user; opaque to clients. */
export class SyncTokenCodec {
  readonly #signer: TokenSigner;

  constructor(secret: string) {
    this.#signer = new TokenSigner(secret, 'sync token');
  }

  encode(userId: UserId, position: SyncPosition): string {
    const payload: Payload = [position.version, position.horizon.getTime(), position.epoch];
    return this.#signer.sign(userId, payload);
  }

  decode(userId: UserId, token: string): SyncPosition {
    const payload = this.#signer.open(userId, token);
    if (!isPayload(payload)) throw validationError('since', 'since is not a sync token issued to this user');
    return { version: payload[0], horizon: new Date(payload[1]), epoch: payload[2] };
  }
}

function isPayload(value: unknown): value is Payload {
  return Array.isArray(value) && value.length === 3 && value.every((n) => Number.isSafeInteger(n) && (n as number) >= 0);
}
