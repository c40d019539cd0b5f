-- The changes feed (SPEC §7). Tasks carry their version (0004); a deleted task leaves a tombstone
-- with the version its deletion took, so a client syncing from an older version learns of it.
-- Tombstones are forgotten after CHANGES_RETENTION_DAYS (the service purges them in batches).
create table task_tombstones (
  user_id    text not null references users (id) on delete cascade,
  task_id    bigint not null,
  version    bigint not null,
  deleted_at timestamptz not null,
  primary key (user_id, task_id)
);

-- Reading the changes after a version costs in proportion to the changes: both sides are read
-- from an index led by the owner, in version order, and merged.
create index tasks_user_version on tasks (user_id, version);
create index task_tombstones_user_version on task_tombstones (user_id, version);
-- The purge (any user, a bounded batch at a time) reads this index only.
create index task_tombstones_deleted_at on task_tombstones (deleted_at);
