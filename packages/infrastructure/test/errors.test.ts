import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isUnavailable } from '../src/postgres/errors.js';

/** An error as postgres.js rejects with it: the SQLSTATE in `code`, PostgreSQL's message in `message`. */
const failure = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('isUnavailable: disk and I/O failures are 503s (try again later), not 500s', () => {
  it('class 53, insufficient resources: disk full, out of memory, too many connections', () => {
    for (const code of ['53000', '53100', '53200', '53300', '53400']) assert.equal(isUnavailable(failure(code)), true, code);
  });

  it('class 58, system error: I/O error, a data file missing or in the way', () => {
    for (const code of ['58000', '58030', '58P01', '58P02']) assert.equal(isUnavailable(failure(code)), true, code);
  });

  it('a write refused by a read-only file system (PostgreSQL reports EROFS as 42501)', () => {
    const message = 'could not write to log file "000000010000000000000001" at offset 7938048, length 8192: Read-only file system';
    assert.equal(isUnavailable(failure('42501', message)), true);
  });

  it('a real missing privilege stays a bug (500), as do constraint and syntax errors', () => {
    assert.equal(isUnavailable(failure('42501', 'permission denied for table tasks')), false);
    for (const code of ['23505', '42601', 'XX000']) assert.equal(isUnavailable(failure(code)), false, code);
  });
});
