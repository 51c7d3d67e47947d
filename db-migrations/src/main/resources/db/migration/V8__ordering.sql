-- Ordering (ARCHITECTURE §11, recipe setting ordering: {key}): the runs of one key of a recipe run one after
-- another in the order their events were accepted. ordering_key is the evaluated key, fixed when the
-- run is created (null: the recipe does not order its runs); ordering_seq is the acceptance order,
-- taken from a sequence as the run is inserted (the rows of one statement in their input order).
-- A run is claimable only while no run of its recipe and key with a lower ordering_seq is unfinished.
alter table runs
    add column ordering_key text,
    add column ordering_seq bigint;

create sequence runs_ordering_seq;

-- Only ordered runs that are unfinished: the claim's "is an earlier run of this key unfinished?" is one
-- probe, and runs that have ended (almost all of them) are not in it.
create index runs_ordering_unfinished on runs (recipe, ordering_key, ordering_seq)
    where ordering_key is not null and status in ('queued', 'running', 'waiting', 'retrying');

-- Every new run takes the next value as it is inserted (a statement inserting several inserts them in
-- its order); rows that existed before keep null, which no ordered run compares against.
alter table runs alter column ordering_seq set default nextval('runs_ordering_seq');
alter sequence runs_ordering_seq owned by runs.ordering_seq;
