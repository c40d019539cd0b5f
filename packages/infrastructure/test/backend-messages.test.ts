import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { panicIn } from '../src/postgres/backend-messages.js';

/** One backend message: type byte, length (counting itself), body. */
function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

/** An ErrorResponse (or NoticeResponse) with these fields. */
const fields = (type: string, entries: Record<string, string>) =>
  message(type, Buffer.concat([...Object.entries(entries).map(([code, value]) => Buffer.from(`${code}${value}\0`)), Buffer.from([0])]));

const panic = fields('E', { S: 'PANIC', V: 'PANIC', C: '42501', M: 'could not write to file "pg_wal/xlogtemp.1": Read-only file system' });
const dataRow = message('D', Buffer.from([0, 1, 0, 0, 0, 1, 0x31]));
const readyForQuery = message('Z', Buffer.from('I'));

describe('panicIn: a PANIC among the backend messages of one statement', () => {
  const cases: [string, Buffer, string | null][] = [
    ['a PANIC alone', panic, 'could not write to file "pg_wal/xlogtemp.1": Read-only file system'],
    ['a PANIC after rows', Buffer.concat([dataRow, dataRow, panic]), 'could not write to file "pg_wal/xlogtemp.1": Read-only file system'],
    ['an ERROR, then ready for the next statement', Buffer.concat([fields('E', { S: 'ERROR', V: 'ERROR', C: '23505', M: 'duplicate key' }), readyForQuery]), null],
    ['a localised severity: V (never translated) decides', fields('E', { S: 'PANIK', V: 'PANIC', M: 'kaputt' }), 'kaputt'],
    ['no V (before PostgreSQL 9.6): S decides', fields('E', { S: 'PANIC', M: 'old server' }), 'old server'],
    ['a PANIC without a message', fields('E', { S: 'PANIC', V: 'PANIC' }), 'PANIC'],
    ['a notice that says PANIC is not one', fields('N', { S: 'WARNING', V: 'WARNING', M: 'PANIC' }), null],
    ['rows only', Buffer.concat([dataRow, readyForQuery]), null],
    ['nothing', Buffer.alloc(0), null],
    ['a PANIC cut off after its severity: still a PANIC', panic.subarray(0, 20), 'PANIC'],
    ['an ErrorResponse cut off within its severity', panic.subarray(0, 9), null],
    ['a length that cannot be a message (0)', Buffer.from([0x45, 0, 0, 0, 0, 0x53]), null],
    ['a negative length', Buffer.from([0x45, 0xff, 0xff, 0xff, 0xff, 0x53]), null],
  ];
  for (const [name, bytes, expected] of cases) {
    it(name, () => assert.equal(panicIn(bytes), expected));
  }
});
