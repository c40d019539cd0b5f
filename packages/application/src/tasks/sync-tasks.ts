import { SYNC_PAGE_MAX, type SyncPosition, syncLimitProblem, syncTokenExpired, type Task, type TaskId, type UserId } from '@todo/domain';
import type { Clock, TaskRepository } from '../ports.js';

export interface SyncRequest {
  /** Where the client's copy stands; null for a full snapshot. */
  readonly since: SyncPosition | null;
  readonly limit: number;
}

export interface SyncPage {
  readonly upserted: Task[];
  readonly deleted: TaskId[];
  /** Where the client stands once it has applied this page. */
  readonly next: SyncPosition;
  /** More changes follow `next` already: fetch again right away. */
  readonly hasMore: boolean;
}

export const DEFAULT_SYNC_PAGE = SYNC_PAGE_MAX;

/**
 * The changes feed: what changed for the owner since a position, a page at a time, each
 * change once in its latest state. Positions are versions, and versions follow the order in
 * which one owner's writes commit (see the TaskRepository), so a walk never skips a write that
 * was still in flight when a page was read: it commits with a version above that page's end.
 */
export class SyncTasks {
  readonly #tasks: TaskRepository;
  readonly #clock: Clock;
  readonly #retentionMs: number;

  constructor(tasks: TaskRepository, clock: Clock, retentionDays: number) {
    this.#tasks = tasks;
    this.#clock = clock;
    this.#retentionMs = retentionDays * 86_400_000;
  }

  async execute(owner: UserId, { since, limit }: SyncRequest): Promise<SyncPage> {
    const problem = syncLimitProblem(limit);
    if (problem !== null) throw problem;
    const now = this.#clock.now();
    if (since !== null && now.getTime() - since.horizon.getTime() > this.#retentionMs) throw syncTokenExpired();
    const after = since?.version ?? 0;
    // One change more than asked tells whether another page follows, without a count.
    const batch = await this.#tasks.changesSince(owner, after, limit + 1);
    if (since !== null && since.epoch !== 0 && since.epoch !== batch.epoch) throw syncTokenExpired();
    const hasMore = batch.changes.length > limit;
    const page = batch.changes.slice(0, limit);
    const upserted: Task[] = [];
    const deleted: TaskId[] = [];
    for (const change of page) {
      if ('task' in change) upserted.push(change.task);
      else deleted.push(change.deleted);
    }
    // A last page moves the client to the newest version (deletions after it are remembered from
    // now on); a page cut short keeps the horizon it started from, as its deletions date from then.
    const next: SyncPosition = hasMore
      ? { version: page.at(-1)!.version, horizon: since?.horizon ?? now, epoch: batch.epoch }
      : { version: Math.max(after, batch.latest), horizon: now, epoch: batch.epoch };
    return { upserted, deleted, next, hasMore };
  }
}
