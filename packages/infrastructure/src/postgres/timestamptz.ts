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
  /** A Date, or an ISO string already (a cursor's position key) passed on as it is. */
  serialize: (value: Date | string) => (typeof value === 'string' ? value : value.toISOString()),
  parse: parseTimestamptz,
};
