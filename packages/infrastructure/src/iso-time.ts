// The 24 characters of "2026-11-20T10:00:00.000Z", written as bytes into one scratch buffer:
// one string allocated per call, where a template literal allocates one per piece.
const scratch = Buffer.alloc(24);
const ZERO = 0x30;

function put(at: number, value: number, digits: number): void {
  for (let i = at + digits - 1; i >= at; i--) {
    scratch[i] = ZERO + (value % 10);
    value = Math.floor(value / 10);
  }
}

/**
 * `date.toISOString()`, faster and with less garbage for the years 1000–9999 (V8's goes
 * through its C++ runtime; the getUTC* accessors do not). A listing formats three per task.
 * Other years, and invalid dates, are left to toISOString.
 */
export function isoString(date: Date): string {
  const year = date.getUTCFullYear();
  if (!(year >= 1000 && year <= 9999)) return date.toISOString();
  put(0, year, 4);
  scratch[4] = 0x2d; // -
  put(5, date.getUTCMonth() + 1, 2);
  scratch[7] = 0x2d;
  put(8, date.getUTCDate(), 2);
  scratch[10] = 0x54; // T
  put(11, date.getUTCHours(), 2);
  scratch[13] = 0x3a; // :
  put(14, date.getUTCMinutes(), 2);
  scratch[16] = 0x3a;
  put(17, date.getUTCSeconds(), 2);
  scratch[19] = 0x2e; // .
  put(20, date.getUTCMilliseconds(), 3);
  scratch[23] = 0x5a; // Z
  return scratch.toString('latin1', 0, 24);
}
