import { codePointLength, isStorableText } from './text.js';

export const TITLE_MAX_LENGTH = 200;
export const DESCRIPTION_MAX_LENGTH = 1000;
export const MAX_TASK_ID = Number.MAX_SAFE_INTEGER;

/** Each rule returns the problem with a value, or null when it is fine. */
export type Problem = string | null;

export function normalizeTitle(raw: string): string {
  return raw.trim();
}

/** Checks a title that has already been trimmed. */
export function titleProblem(title: string): Problem {
  if (!isStorableText(title)) return 'Title contains characters that cannot be stored';
  if (title.length === 0) return 'Title is required';
  if (codePointLength(title) > TITLE_MAX_LENGTH) return `Title must be at most ${TITLE_MAX_LENGTH} characters`;
  return null;
}

export function descriptionProblem(description: string): Problem {
  if (!isStorableText(description)) return 'Description contains characters that cannot be stored';
  if (codePointLength(description) > DESCRIPTION_MAX_LENGTH) {
    return `Description must be at most ${DESCRIPTION_MAX_LENGTH} characters`;
  }
  return null;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;

/**
 * An ISO-8601 calendar date (midnight UTC) or a date-time with `Z` or an offset.
 * Returns null for anything else, including impossible dates such as 2026-02-30.
 */
export function parseDueDate(text: string): Date | null {
  const dateOnly = DATE_ONLY.exec(text);
  if (dateOnly) {
    const [, y, m, d] = dateOnly.map(Number) as [number, number, number, number];
    return isCalendarDate(y, m, d) ? utcDate(y, m, d, 0, 0, 0, 0) : null;
  }
  const match = DATE_TIME.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s = '0', fraction = '', zone, oh = '0', om = '0'] = match as unknown as string[];
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as number[];
  const [offsetHours, offsetMinutes] = [Number(oh), Number(om)];
  if (!isCalendarDate(year!, month!, day!) || hour! > 23 || minute! > 59 || second! > 59) return null;
  if (offsetHours > 23 || offsetMinutes > 59) return null;
  const millis = Number(fraction.slice(1, 4).padEnd(3, '0'));
  const sign = zone === 'Z' ? 0 : zone!.startsWith('-') ? -1 : 1;
  const local = utcDate(year!, month!, day!, hour!, minute!, second!, millis);
  const instant = new Date(local.getTime() - sign * (offsetHours * 60 + offsetMinutes) * 60_000);
  // The stored instant must be in years 0001–9999 too: an offset can move a date out of them.
  const utcYear = instant.getUTCFullYear();
  return utcYear >= 1 && utcYear <= 9999 ? instant : null;
}

/** Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not. */
function utcDate(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  return utcDate(year, month, day, 0, 0, 0, 0).getUTCDate() === day;
}

export function parseTaskId(text: string): number | null {
  if (!/^[1-9][0-9]{0,15}$/.test(text)) return null;
  const id = Number(text);
  return id <= MAX_TASK_ID ? id : null;
}
