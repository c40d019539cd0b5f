import * as v from 'valibot';
import { ERROR_CODES } from '../errors.js';

/** The error envelope every failure answers with (see `reply`). */
export const ErrorJson = v.object({
  error: v.object({
    code: v.picklist(ERROR_CODES),
    message: v.pipe(v.string(), v.description('For people; never a stack trace, SQL or token detail.')),
    details: v.optional(
      v.pipe(
        v.array(v.object({ field: v.string(), message: v.string() })),
        v.description('Only on 422 VALIDATION_ERROR: one entry per field at fault (body fields, query parameters, or id).'),
      ),
    ),
  }),
});
