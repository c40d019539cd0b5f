-- Task versions (SPEC §6 ETags; the changes feed of §7 builds on them). Every write to a task
-- bumps its owner's change_seq and stamps the task with the new value, in one statement that
-- holds the users row lock until commit: versions are unique per owner, only grow, and follow
-- the order in which one owner's writes commit.
alter table users add column change_seq bigint not null default 0;
alter table tasks add column version bigint;

-- Tasks written before this migration: distinct versions per owner, and the counter after them.
update tasks set version = numbered.n
from (select id, row_number() over (partition by user_id order by id) as n from tasks) as numbered
where tasks.id = numbered.id;
update users set change_seq = counted.n
from (select user_id, count(*) as n from tasks group by user_id) as counted
where users.id = counted.user_id;

alter table tasks alter column version set not null;
