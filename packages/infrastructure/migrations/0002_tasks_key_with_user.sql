-- Ready to distribute by user_id (Citus: every primary key and unique constraint of a distributed
-- table must include the distribution column; see README "Scaling out"). The identity column stays:
-- ids remain unique on their own, and every statement already names the owner with the id, which is
-- exactly what this key indexes. users stays keyed by id alone: it is the reference table.
alter table tasks drop constraint tasks_pkey;
alter table tasks add constraint tasks_pkey primary key (user_id, id);
