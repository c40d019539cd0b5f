/**
 * The message of an ErrorResponse of severity PANIC among these backend messages (PostgreSQL's
 * wire protocol: a type byte, a 4-byte length that counts itself, the body), or null. A length
 * that cannot be a message's ends the reading: never a loop on bytes that are not messages.
 */
export function panicIn(messages: Buffer): string | null {
  for (let at = 0; at + 5 <= messages.length;) {
    const length = messages.readInt32BE(at + 1);
    if (length < 4) return null;
    const end = Math.min(messages.length, at + 1 + length);
    if (messages[at] === 0x45) { // 'E'
      const fields = new Map<string, string>();
      for (let field = at + 5; field < end && messages[field] !== 0;) {
        const stop = messages.indexOf(0, field + 1);
        if (stop === -1 || stop >= end) break;
        fields.set(String.fromCharCode(messages[field]!), messages.toString('utf8', field + 1, stop));
        field = stop + 1;
      }
      if ((fields.get('V') ?? fields.get('S')) === 'PANIC') return fields.get('M') ?? 'PANIC';
    }
    at = end;
  }
  return null;
}
