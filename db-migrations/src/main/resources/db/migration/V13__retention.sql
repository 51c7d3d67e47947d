-- Retention (ARCHITECTURE §10): step data and logs go after a recipe's history, run summaries after its
-- summaries, trigger events (and their dedupe keys) once old and expired. Pruning walks each table in
-- id order (UUIDv7: creation order) in small batches.

-- How far the history pass has come per recipe: runs below this id have had their step data and logs
-- removed (or were not finished then and keep them until their summary goes).
create table retention_marks (
    scope   text primary key,           -- 'history:<recipe slug>' or 'events'
    through uuid not null,
    at      timestamptz not null default now()
);

-- A run keeps the id of its event after the event is pruned: a soft reference. With the foreign key,
-- every deleted event would make PostgreSQL look for its runs (set null) with no index to do it.
alter table runs drop constraint if exists runs_event_id_fkey;

-- Deleting a run cascades to its dead letters: without this index every deleted run scans them all.
create index if not exists dead_letters_by_run on dead_letters (run_id);
