import { AppError, isStorableText, type UserId } from '@todo/domain';
import type { TokenClaims, UserProfile } from '../ports.js';

const MAX_USER_ID_LENGTH = 255;
const MAX_PROFILE_FIELD_LENGTH = 320;
// C0, DEL and C1 control characters.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The user id is `sub`; only when `sub` is absent, `user_id`, then `id`. A claim that is
 * present but unusable is refused, never skipped over.
 */
export function userIdFromClaims(claims: TokenClaims): UserId {
  const claim = ['sub', 'user_id', 'id'].find((name) => Object.hasOwn(claims, name));
  const value = claim === undefined ? undefined : claims[claim];
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_USER_ID_LENGTH || CONTROL_CHARACTER.test(value) || !isStorableText(value)) {
    throw new AppError('UNAUTHENTICATED', 'invalid', { cause: new Error(`unusable user id claim ${claim ?? '(none)'}`) });
  }
  return value;
}

/** `email` and `name` are kept when they are usable strings; anything else leaves the stored value alone. */
export function profileFromClaims(id: UserId, claims: TokenClaims): UserProfile {
  return { id, email: profileField(claims['email']), name: profileField(claims['name']) };
}

function profileField(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_PROFILE_FIELD_LENGTH) return null;
  return isStorableText(value) ? value : null;
}
