import type { TaskVersion, UserId } from '@todo/domain';
import type { Sql } from './connect.js';
import type { TaskRow } from './task-rows.js';

/** A task row or a tombstone (`deleted`, with only the id and version), and the owner's latest version; nulls when nothing changed. */
export type ChangeRow = { [K in keyof TaskRow]: TaskRow[K] | null } & { deleted: boolean | null; latest: string | null; epoch: string | null };

/**
 * The owner's changes after a version, oldest first, at most `limit`, and the owner's latest
 * version, in one statement and so one snapshot: the two agree. Each side is read from its
 * (user_id, version) index in order, at most `limit` rows, then merged: the cost follows the
 * changes returned, not the owner's task count. There is always one row (with only `latest`
 * when nothing changed).
 */
export function changesSinceQuery(sql: Sql, owner: UserId, after: TaskVersion, limit: number) {
  return sql<ChangeRow[]>`
    select users.change_seq as latest, (extract(epoch from users.created_at) * 1000)::bigint as epoch, change.*
    from (select ${owner}::text as id) as caller
    left join users on users.id = caller.id
    left join lateral (
      select * from (
        (select id, user_id, title, description, completed, due_date, created_at, updated_at, version, false as deleted
         from tasks where user_id = ${owner} and version > ${after} order by version limit ${limit})
        union all
        (select task_id, user_id, null, null, null, null, null, null, version, true
         from task_tombstones where user_id = ${owner} and version > ${after} order by version limit ${limit})
      ) as both_kinds
      order by version limit ${limit}
    ) as change on true
    order by change.version`;
}
