import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { propertyRuns } from '@todo/application/testing';
import fc from 'fast-check';
import { isoString } from '../src/iso-time.js';

describe('isoString', () => {
  it('is Date#toISOString for every date', () => {
    fc.assert(fc.property(fc.date({ noInvalidDate: true }), (date) => isoString(date) === date.toISOString()), propertyRuns(20_000));
  });

  it('pads every field, and leaves years outside 1000–9999 to toISOString', () => {
    for (const text of ['2026-01-02T03:04:05.006Z', '1000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '0999-12-31T23:59:59.999Z', '+010000-01-01T00:00:00.000Z', '-000001-06-15T12:00:00.000Z']) {
      assert.equal(isoString(new Date(text)), text);
    }
    assert.throws(() => isoString(new Date(Number.NaN)), RangeError);
  });
});
