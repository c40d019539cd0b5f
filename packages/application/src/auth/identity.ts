import { AppError, isStorableText, type UserId, userIdProblem } from '@todo/domain';
import type { TokenClaims, UserProfile } from '../ports.js';

const MAX_PROFILE_FIELD_LENGTH = 320;

/**
 * The user id is `sub`; only when `sub` is absent, `user_id`, then `id`. A claim that is
 * present but unusable is refused, never skipped over.
 */
export function userIdFromClaims(claims: TokenClaims): UserId {
  const claim = ['sub', 'user_id', 'id'].find((name) => Object.hasOwn(claims, name));
  const value = claim === undefined ? undefined : claims[claim];
  if (userIdProblem(value) !== null) {
    throw new AppError('UNAUTHENTICATED', 'invalid', { cause: new Error(`unusable user id claim ${claim ?? '(none)'}`) });
  }
  return value as UserId;
}

/** `email` and `name` are kept when they are usable strings; anything else leaves the stored value alone. */
export function profileFromClaims(id: UserId, claims: TokenClaims): UserProfile {
  return { id, email: profileField(claims['email']), name: profileField(claims['name']) };
}

function profileField(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_PROFILE_FIELD_LENGTH) return null;
  return isStorableText(value) ? value : null;
}
