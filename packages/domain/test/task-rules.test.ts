import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codePointLength, descriptionProblem, isStorableText, normalizeTitle, parseDueDate, parseTaskId, titleProblem } from '../src/index.js';

describe('titles', () => {
  it('are trimmed of what String.prototype.trim removes', () => {
    assert.equal(normalizeTitle('\u00a0\t Buy milk \n\u2003\ufeff'), 'Buy milk');
  });
  it('must be 1 to 200 code points', () => {
    assert.equal(titleProblem(''), 'Title is required');
    assert.equal(titleProblem('😀'.repeat(200)), null);
    assert.equal(titleProblem('😀'.repeat(201)), 'Title must be at most 200 characters');
    assert.equal(titleProblem('a'.repeat(200)), null);
  });
  it('refuse U+0000 and unpaired surrogates', () => {
    assert.notEqual(titleProblem('a\u0000b'), null);
    assert.notEqual(titleProblem('a\ud800b'), null);
    assert.notEqual(titleProblem('\udc00'), null);
    assert.equal(titleProblem('\ud83d\ude00'), null);
  });
});

describe('descriptions', () => {
  it('may hold 1000 code points, not 1001', () => {
    assert.equal(descriptionProblem('é'.repeat(1000)), null);
    assert.equal(descriptionProblem('𝄞'.repeat(1001)), 'Description must be at most 1000 characters');
    assert.equal(descriptionProblem('  '), null);
  });
});

describe('text helpers', () => {
  it('count code points like char_length', () => {
    assert.equal(codePointLength('a😀é'), 3);
    assert.equal(codePointLength('\ud800'), 1);
  });
  it('tell storable text', () => {
    assert.equal(isStorableText('plain'), true);
    assert.equal(isStorableText('\u0000'), false);
  });
});

describe('due dates', () => {
  const valid: [string, string][] = [
    ['2026-02-28', '2026-02-28T00:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2026-11-20T10:00:00Z', '2026-11-20T10:00:00.000Z'],
    ['2026-11-20T10:00Z', '2026-11-20T10:00:00.000Z'],
    ['2026-11-20T10:00:00.123456Z', '2026-11-20T10:00:00.123Z'],
    ['2026-11-20T10:00:00+02:00', '2026-11-20T08:00:00.000Z'],
    ['2026-11-20T23:30:00-05:30', '2026-11-21T05:00:00.000Z'],
    ['0099-01-01', '0099-01-01T00:00:00.000Z'],
    ['0001-01-01', '0001-01-01T00:00:00.000Z'],
    ['0015-01-10', '0015-01-10T00:00:00.000Z'],
    ['0099-06-01T12:00+05:00', '0099-06-01T07:00:00.000Z'],
    ['0001-01-01T00:00-01:00', '0001-01-01T01:00:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
    ['9999-12-31T23:00+01:00', '9999-12-31T22:00:00.000Z'],
  ];
  for (const [input, iso] of valid) {
    it(`reads ${input}`, () => assert.equal(parseDueDate(input)?.toISOString(), iso));
  }
  const invalid = [
    '2026-02-30', '2025-02-29', '2026-13-01', '2026-00-10', '2026-11-20T10:00:00', '2026-11-20 10:00:00Z',
    '2026-11-20T24:00:00Z', '2026-11-20T10:60:00Z', '2026-11-20T10:00:00+25:00', '20261120', 'tomorrow', '', '0000-01-01',
    '10000-01-01', '-0001-01-01', '+002026-01-01',
    // years 0001–9999 after conversion to UTC: an offset must not move the instant out of them
    '0001-01-01T00:00+00:01', '0001-01-01T04:00+05:00', '9999-12-31T23:59-00:01', '9999-12-31T20:00-05:00',
  ];
  for (const input of invalid) {
    it(`refuses ${JSON.stringify(input)}`, () => assert.equal(parseDueDate(input), null));
  }
});

describe('task ids', () => {
  it('are decimal digits from 1 to 2^53-1, without sign or leading zero', () => {
    assert.equal(parseTaskId('1'), 1);
    assert.equal(parseTaskId('9007199254740991'), 9007199254740991);
    for (const bad of ['0', '01', '-1', '+1', '1e3', '9007199254740992', '99999999999999999', '', ' 1']) {
      assert.equal(parseTaskId(bad), null, bad);
    }
  });
});
