-- RATE_LIMIT_STORE=postgres: one token bucket per key ('user:<id>' or 'ip:<address>') shared by every
-- replica. Unlogged: no WAL for a row written on every request; a crash empties it, which only ever
-- refills buckets (generous, never wrong the other way). A bucket untouched for a minute is full
-- again, exactly as if it had no row: such rows are swept.
create unlogged table rate_limit_buckets (
  key     text primary key,
  tokens  double precision not null,
  at      timestamptz not null,
  -- The verdict of the last take, returned by the same statement that wrote it.
  allowed boolean not null
);
create index rate_limit_buckets_at on rate_limit_buckets (at);
