import { isoString } from '../iso-time.js';

/**
 * timestamptz as PostgreSQL writes it (DateStyle ISO, any TimeZone):
 * `0015-01-10 00:00:00+00`, `2026-11-20 10:00:00.123456+05:30`, `1850-01-01 00:09:21+00:09:21`,
 * `0001-12-31 23:00:00+00 BC`, `10000-01-01 00:00:00+00`, `infinity`.
 */
const TIMESTAMPTZ = /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?:([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?)?( BC)?$/;
/** The earliest and latest instants a JS Date holds: what ±infinity read as, so a row always maps. */
const DATE_LIMIT_MS = 8.64e15;

/**
 * Exact for every year (postgres.js's default, `new Date(text)`, reads 0001 as 2001 and
 * 0013–0031 as Invalid Date); never throws and never returns an Invalid Date, so one odd
 * row cannot make a read fail (in DateStyle ISO, the server's default). Microseconds are cut to milliseconds (a Date holds no more).
 */
export function parseTimestamptz(text: string): Date {
  const utc = commonUtc(text);
  if (utc !== null) return utc;
  if (text === 'infinity') return new Date(DATE_LIMIT_MS);
  if (text === '-infinity') return new Date(-DATE_LIMIT_MS);
  const match = TIMESTAMPTZ.exec(text);
  if (match === null) return new Date(text); // not DateStyle ISO: nothing of ours sets another
  const [, y, mo, d, h, mi, s, fraction = '', sign = '+', oh = '0', om = '0', os = '0', bc] = match as unknown as string[];
  const year = bc === undefined ? Number(y) : 1 - Number(y); // 1 BC is year 0, 2 BC year -1
  const date = new Date(0);
  date.setUTCFullYear(year, Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), Number(fraction.slice(0, 3).padEnd(3, '0')));
  const offsetMs = (Number(oh) * 3600 + Number(om) * 60 + Number(os)) * 1000;
  const ms = date.getTime() - (sign === '-' ? -offsetMs : offsetMs);
  return new Date(Math.max(-DATE_LIMIT_MS, Math.min(DATE_LIMIT_MS, ms)));
}

/** postgres.js `types` entry: timestamptz columns read by `parseTimestamptz`. */
export const timestamptzType = {
  to: 1184,
  from: [1184],
  /**
   * A Date, or an ISO string already (a cursor's position key) passed on as it is. A create
   * sends four (the task's and the owner's timestamps): `isoString` is toISOString without its runtime call.
   */
  serialize: (value: Date | string) => (typeof value === 'string' ? value : isoString(value)),
  parse: parseTimestamptz,
};

const ZERO = 0x30;

/** The number written by `count` digits at `at`, or -1 if one of them is not a digit. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * The common case without the regular expression: `YYYY-MM-DD HH:MM:SS[.f…]+00` (a server in
 * UTC, years 1000–9999), read digit by digit; null for anything else. A listing reads three
 * per task: through the regular expression this was 8% of a 50-task list's CPU (W1, --cpu-prof).
 */
function commonUtc(text: string): Date | null {
  const n = text.length;
  if (n < 22 || n > 29 || n === 23 || text.charCodeAt(n - 3) !== 0x2b || text.charCodeAt(n - 2) !== ZERO || text.charCodeAt(n - 1) !== ZERO) return null;
  if (text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d || text.charCodeAt(10) !== 0x20 || text.charCodeAt(13) !== 0x3a || text.charCodeAt(16) !== 0x3a) return null;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  let ms = 0;
  if (n > 22) {
    // `.` then 1 to 6 digits: milliseconds are the first three, padded; the rest is cut.
    const fraction = n - 23;
    if (text.charCodeAt(19) !== 0x2e || digits(text, 20, fraction) < 0) return null;
    ms = fraction >= 3 ? digits(text, 20, 3) : digits(text, 20, fraction) * (fraction === 1 ? 100 : 10);
  }
  if (year < 1000 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return null;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
}
