-- Writes made under an Idempotency-Key (SPEC §6), kept for replay until expires_at. A row is
-- inserted by the same statement as the write it keeps, so both commit or neither does.
create table idempotency_keys (
  user_id     text not null references users (id) on delete cascade,
  key         text not null check (char_length(key) between 1 and 255),
  -- Equal for two requests exactly when they ask for the same thing (method, path, body by value).
  fingerprint text not null,
  -- The task as the write returned it: the replay renders the same status, headers and body from it.
  result      jsonb not null,
  created_at  timestamptz not null,
  expires_at  timestamptz not null,
  primary key (user_id, key)
);

-- The purge (expired rows, any user, a bounded batch at a time) reads this index only.
create index idempotency_keys_expires on idempotency_keys (expires_at);
