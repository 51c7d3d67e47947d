-- Stats (ARCHITECTURE §10): run outcomes kept as incremental rollups, never counted from runs.
--
-- stats_journal is written in the same transaction as the change it records, by the triggers below:
-- a run inserted ('started'), a run whose status becomes succeeded, failed or cancelled, and a duplicate
-- trigger event (StatsJournal, Ingestion's answer). Writes to runs come from several statements (ingestion,
-- queueing, child runs, the end of an attempt, cancellations); a trigger on the table is the one place that
-- sees them all, and it commits or rolls back with them. StatsFold moves the journal into stats_rollups:
-- one transaction deletes a slice of journal rows and adds them to the rollups, so each journal row is
-- counted exactly once — a crash before the commit leaves both tables as they were, after it both changed.
create table stats_journal (
    recipe     text        not null,
    kind       text        not null check (kind in ('started', 'succeeded', 'failed', 'cancelled', 'duplicate')),
    origin     text,
    at         timestamptz not null default now(),
    latency_ms bigint,      -- created (received) -> finished, for ended runs
    wait_ms    bigint       -- created -> first claimed, for ended runs that started
);

-- Per recipe per tier bucket (minute, hour, day: a 30-day window reads hour rows, never minutes).
-- latency_histogram: counts per log-linear bucket (LatencyHistogram), trailing empty buckets left off.
create table stats_rollups (
    tier              text        not null check (tier in ('minute', 'hour', 'day')),
    recipe            text        not null,
    at                timestamptz not null,
    started           bigint      not null default 0,
    succeeded         bigint      not null default 0,
    failed            bigint      not null default 0,
    cancelled         bigint      not null default 0,
    duplicates        bigint      not null default 0,
    sla_breaches      bigint      not null default 0,
    latency_sum_ms    bigint      not null default 0,
    wait_count        bigint      not null default 0,
    wait_sum_ms       bigint      not null default 0,
    latency_histogram bigint[]    not null default '{}',
    primary key (tier, recipe, at)
);

create index stats_rollups_by_time on stats_rollups (tier, at);

create function braid_journal_started() returns trigger language plpgsql as $$
begin
    insert into stats_journal (recipe, kind, origin, at) values (new.recipe, 'started', new.origin, new.created_at);
    return null;
end;
$$;

create function braid_journal_ended() returns trigger language plpgsql as $$
begin
    insert into stats_journal (recipe, kind, origin, at, latency_ms, wait_ms)
    values (new.recipe, new.status, new.origin, coalesce(new.finished_at, now()),
            greatest(0, floor(extract(epoch from coalesce(new.finished_at, now()) - new.created_at) * 1000))::bigint,
            case when new.started_at is not null
                 then greatest(0, floor(extract(epoch from new.started_at - new.created_at) * 1000))::bigint end);
    return null;
end;
$$;

create trigger runs_journal_started
    after insert on runs
    for each row execute function braid_journal_started();

-- "update of status" and the when clause are checked without calling the function: checkpoints, lease
-- renewals and the moves between unfinished statuses pay nothing.
create trigger runs_journal_ended
    after update of status on runs
    for each row when (new.status in ('succeeded', 'failed', 'cancelled') and old.status is distinct from new.status)
    execute function braid_journal_ended();
