import * as v from 'valibot';

/**
 * Documentation only: the length bounds a domain rule enforces, for the OpenAPI document.
 * JSON Schema's minLength/maxLength count code points, exactly as the rules do; valibot's own
 * length actions count UTF-16 units (they would refuse a title of 200 emoji), so the bounds
 * travel as metadata, which validation ignores.
 */
export const codePoints = (bounds: { readonly minLength?: number; readonly maxLength: number }) => v.metadata<string, typeof bounds>(bounds);

/** Documentation only: a calendar date, or a date-time with `Z` or an offset (seconds optional). */
export const dateOrDateTime = v.metadata<string, Record<string, unknown>>({ anyOf: [{ format: 'date' }, { format: 'date-time' }] });
