-- Users are created on their first authenticated request; ids come from the identity provider.
create table users (
  id         text primary key check (char_length(id) between 1 and 255),
  email      text unique,
  name       text,
  created_at timestamptz not null,
  updated_at timestamptz not null
);

create table tasks (
  id          bigint generated always as identity primary key,
  user_id     text not null references users (id) on delete cascade,
  title       varchar(200) not null check (char_length(title) between 1 and 200),
  description varchar(1000) check (char_length(description) <= 1000),
  completed   boolean not null default false,
  due_date    timestamptz,
  created_at  timestamptz not null,
  updated_at  timestamptz not null
);

-- One index per listing order, each led by user_id, so a page is read straight from the
-- index in order: no sort step and no other user's rows. Backward scans serve the other direction.
create index tasks_user_created on tasks (user_id, created_at, id);
create index tasks_user_completed_created on tasks (user_id, completed, created_at, id);
create index tasks_user_updated on tasks (user_id, updated_at, id);
create index tasks_user_title on tasks (user_id, (lower(title) collate "C"), id);
-- Undated tasks come last in both directions: they sort as +infinity ascending, -infinity descending.
create index tasks_user_due_asc on tasks (user_id, (coalesce(due_date, 'infinity'::timestamptz)), id);
create index tasks_user_due_desc on tasks (user_id, (coalesce(due_date, '-infinity'::timestamptz)), id);
