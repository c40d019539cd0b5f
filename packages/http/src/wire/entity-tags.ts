import { createHash } from 'node:crypto';
import type { ExpectedVersion, Task, TaskId } from '@todo/domain';

/**
 * Entity tags (RFC 9110 §8.8.3). A task's is strong and made of its id and version: opaque to
 * clients, it changes on every write to the task and never repeats. A list's is weak, a hash
 * of the body sent.
 */
export function taskEtag(task: Task): string {
  return `"${task.id}.${task.version}"`;
}

/** `body`: the UTF-8 bytes sent. */
export function listEtag(body: Uint8Array): string {
  return `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

interface EntityTag {
  readonly weak: boolean;
  /** With its quotes. */
  readonly opaque: string;
}

const ENTITY_TAG = /^(W\/)?("[\x21\x23-\x7e\x80-\xff]*")$/;

/**
 * An If-Match / If-None-Match value: `*`, or the entity tags listed. A malformed element
 * becomes a tag that matches nothing, so a garbled condition fails instead of being ignored.
 */
export function parseEntityTags(header: string): '*' | EntityTag[] {
  if (header.trim() === '*') return '*';
  return header.split(',').map((part) => part.trim()).filter((part) => part !== '').map((part) => {
    const match = ENTITY_TAG.exec(part);
    return match === null ? { weak: true, opaque: '' } : { weak: match[1] !== undefined, opaque: match[2]! };
  });
}

/**
 * What `If-Match` expects of task `id`: undefined when the header is absent, `'any'` for `*`,
 * else the versions of the strong tags that name this task (weak tags never match If-Match;
 * an empty list matches nothing).
 */
export function expectedVersion(header: string | undefined, id: TaskId): ExpectedVersion | undefined {
  if (header === undefined) return undefined;
  const tags = parseEntityTags(header);
  if (tags === '*') return 'any';
  return tags.flatMap(({ weak, opaque }) => {
    const match = /^"(\d{1,16})\.(\d{1,16})"$/.exec(opaque);
    return !weak && match !== null && Number(match[1]) === id ? [Number(match[2])] : [];
  });
}

/** If-None-Match against the current tag, with the weak comparison (RFC 9110 §13.1.2). */
export function noneMatchHolds(header: string | undefined, current: string): boolean {
  if (header === undefined) return true;
  const tags = parseEntityTags(header);
  if (tags === '*') return false;
  const opaque = current.replace(/^W\//, '');
  return !tags.some((tag) => tag.opaque === opaque);
}
