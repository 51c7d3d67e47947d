-- Business keys (ARCHITECTURE §10, a recipe's `index:`): up to 5 named values per run, worked out when its
-- event is accepted. runs.keys holds them for display ({name: value}, null when the recipe indexes nothing);
-- run_keys is the lookup: one row per name, written by the same statement as the run, found by
-- (name, value) and read newest run first, so a search for one value among 10 million runs reads only
-- that value's index entries. Values are bounded (200 characters, else sha256:<hex>, see KeyExpression).
alter table runs add column keys jsonb;

create table run_keys (
    run_id uuid not null references runs (id) on delete cascade,
    name   text not null,
    value  text not null,
    primary key (run_id, name)
);

create index run_keys_lookup on run_keys (name, value, run_id desc);
