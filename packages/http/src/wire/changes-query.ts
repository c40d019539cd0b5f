import { SYNC_PAGE_MAX } from '@todo/domain';
import * as v from 'valibot';
import { documentedAs } from './json-schema-hints.js';

const once = (name: string) => (issue: { input: unknown }) => (Array.isArray(issue.input) ? `${name} must be given once` : `${name} must be a string`);

/** Query parameters of GET /api/tasks/changes. Unknown parameters are ignored. */
export const ChangesQuery = v.object({
  since: v.optional(
    v.pipe(
      v.string(once('since')),
      v.description('Opaque: meta.next_since of an earlier answer to the same user. Without it: every current task, as a snapshot.'),
      v.regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'since is not a sync token issued to this user'),
    ),
  ),
  limit: v.optional(
    v.pipe(
      v.string(once('limit')),
      v.description(`Changes per page (upserted and deleted together), a whole number from 1 to ${SYNC_PAGE_MAX}; ${SYNC_PAGE_MAX} when not given.`),
      v.regex(/^[1-9][0-9]{0,2}$/, `limit must be a whole number from 1 to ${SYNC_PAGE_MAX}`),
      documentedAs({ type: 'integer', minimum: 1, maximum: SYNC_PAGE_MAX }),
      v.transform(Number),
      v.maxValue(SYNC_PAGE_MAX, `limit must be a whole number from 1 to ${SYNC_PAGE_MAX}`),
    ),
  ),
});
