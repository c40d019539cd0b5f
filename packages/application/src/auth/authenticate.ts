import { AppError, type UserId } from '@todo/domain';
import type { Clock, TokenVerifier, UserProfile, UserRepository } from '../ports.js';
import { profileFromClaims, userIdFromClaims } from './identity.js';

const REMEMBERED_USERS = 10_000;

/**
 * Turns a bearer token into a user id, and makes sure the user's row exists and carries
 * the token's email and name. Users already synced with the same claims cost no query.
 */
export class Authenticate {
  readonly #verifier: TokenVerifier;
  readonly #users: UserRepository;
  readonly #clock: Clock;
  /** user id → the email and name last written, oldest first (bounded). */
  readonly #synced = new Map<UserId, string>();

  constructor(verifier: TokenVerifier, users: UserRepository, clock: Clock) {
    this.#verifier = verifier;
    this.#users = users;
    this.#clock = clock;
  }

  async execute(token: string | null): Promise<UserId> {
    if (token === null) throw new AppError('UNAUTHENTICATED', 'missing');
    const claims = await this.#verifier.verify(token);
    const id = userIdFromClaims(claims);
    await this.#sync(profileFromClaims(id, claims));
    return id;
  }

  /**
   * Called when a request of this user found nothing (an empty list, a 404): their row may
   * have been deleted (`cli delete-user`, another process) while this process remembers it
   * as written. A read; only a row found missing is written again, with the claims last seen
   * (an upsert of an existing row would still lock it: a write and a WAL flush per empty list).
   */
  async recheck(id: UserId): Promise<void> {
    const fingerprint = this.#synced.get(id);
    if (fingerprint === undefined) return; // not remembered: this request has just written it
    if ((await this.#users.find(id)) !== null) return;
    const [email, name] = JSON.parse(fingerprint) as [string | null, string | null];
    await this.#users.upsert({ id, email, name }, this.#clock.now());
  }

  async #sync(profile: UserProfile): Promise<void> {
    const fingerprint = JSON.stringify([profile.email, profile.name]);
    if (this.#synced.get(profile.id) === fingerprint) return;
    await this.#users.upsert(profile, this.#clock.now());
    this.#synced.delete(profile.id);
    this.#synced.set(profile.id, fingerprint);
    if (this.#synced.size > REMEMBERED_USERS) this.#synced.delete(this.#synced.keys().next().value!);
  }
}
