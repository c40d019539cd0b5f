import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseTimestamptz } from '../src/postgres/timestamptz.js';

const FIRST = new Date("0001-01-01T00:00:00.000Z").getTime();
const LAST = new Date('9999-12-31T23:59:59.999Z').getTime();

/** How PostgreSQL writes an instant in DateStyle ISO for a whole-minute or whole-second offset. */
function asPostgres(ms: number, offsetSeconds: number): string {
  const local = new Date(ms + offsetSeconds * 1000);
  const iso = local.toISOString(); // years 0000–9999 here
  const micro = iso.slice(20, 23) === '000' ? '' : `.${iso.slice(20, 23)}${'0'.repeat(3)}`.replace(/0+$/, '');
  const sign = offsetSeconds < 0 ? '-' : '+';
  const abs = Math.abs(offsetSeconds);
  const [h, m, s] = [Math.floor(abs / 3600), Math.floor((abs % 3600) / 60), abs % 60].map((n) => String(n).padStart(2, '0'));
  const zone = `${sign}${h}${m === '00' && s === '00' ? '' : `:${m}`}${s === '00' ? '' : `:${s}`}`;
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${micro}${zone}`;
}

describe('parseTimestamptz', () => {
  const cases: [string, string][] = [
    ['0015-01-10 00:00:00+00', '0015-01-10T00:00:00.000Z'],
    ['0001-01-01 00:00:00+00', '0001-01-01T00:00:00.000Z'],
    ['0099-06-01 12:00:00+05', '0099-06-01T07:00:00.000Z'],
    ['0031-12-31 23:59:59.999999+00', '0031-12-31T23:59:59.999Z'],
    ['2026-11-20 10:00:00.123456+05:30', '2026-11-20T04:30:00.123Z'],
    ['1850-01-01 00:09:21+00:09:21', '1850-01-01T00:00:00.000Z'],
    ['9999-12-31 23:59:59.999+00', '9999-12-31T23:59:59.999Z'],
    ['0001-01-01 00:00:00+00 BC', '0000-01-01T00:00:00.000Z'],
    ['10000-01-01 00:00:00+00', '+010000-01-01T00:00:00.000Z'],
  ];
  for (const [text, iso] of cases) {
    it(`reads ${text}`, () => assert.equal(parseTimestamptz(text).toISOString(), iso));
  }

  it('reads ±infinity as the limits of a Date, never an Invalid Date', () => {
    assert.equal(parseTimestamptz('infinity').getTime(), 8.64e15);
    assert.equal(parseTimestamptz('-infinity').getTime(), -8.64e15);
  });

  it('reads every instant of years 0001–9999 exactly, in any offset', () => {
    fc.assert(
      fc.property(fc.integer({ min: FIRST, max: LAST }), fc.integer({ min: -15 * 3600, max: 15 * 3600 }), (ms, offset) => {
        const text = asPostgres(ms, offset);
        if (!/^\d{4}-/.test(text)) return; // the local date fell in year 0: PostgreSQL would write it BC
        assert.equal(parseTimestamptz(text).getTime(), ms, text);
      }),
      { numRuns: 2000 },
    );
  });
});
