-- Runs are now inserted many per statement (webhooks share a commit, IngestGroups; Kafka and poll batches):
-- journal the new runs once per statement from its transition table instead of calling a function per row.
-- The ended trigger stays per row: its WHEN clause skips, without a call, the many updates of runs that
-- end nothing (claims, checkpoints, lease renewals), which a statement trigger would have to capture.
drop trigger runs_journal_started on runs;
drop function braid_journal_started();

create function braid_journal_started() returns trigger language plpgsql as $$
begin
    insert into stats_journal (recipe, kind, origin, at)
    select recipe, 'started', origin, created_at from new_runs;
    return null;
end;
$$;

create trigger runs_journal_started
    after insert on runs
    referencing new table as new_runs
    for each statement execute function braid_journal_started();
