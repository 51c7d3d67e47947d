-- Braid core schema: recipes and their versions, trigger events, the run queue, step checkpoints,
-- run logs, dead letters and users. Timestamps are timestamptz; ids are UUIDv7 made by the server,
-- so primary-key order is creation order (cursor paging and index locality rely on that).

create table recipes (
    slug         text primary key,
    name         text        not null,
    enabled      boolean     not null default true,
    trigger_type text        not null,
    version      integer     not null,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    constraint recipes_slug_format check (slug ~ '^[a-z0-9-]{1,64}$')
);

-- Every save is a new immutable version; runs record the version they ran.
create table recipe_versions (
    slug          text        not null references recipes (slug) on delete cascade,
    version       integer     not null,
    definition    jsonb       not null,
    source        text        not null,
    source_format text        not null check (source_format in ('yaml', 'json')),
    created_at    timestamptz not null default now(),
    created_by    text,
    primary key (slug, version)
);

-- Every accepted event. The unique key is the whole dedupe mechanism: a second insert of the same
-- (recipe, idempotency_key) does nothing and the first event's run is answered. A key whose
-- key_expires_at has passed is renamed out of the way before its slot is reused.
create table trigger_events (
    id              uuid primary key,
    recipe          text        not null references recipes (slug) on delete cascade,
    idempotency_key text        not null,
    key_expires_at  timestamptz,
    payload         jsonb       not null,
    received_at     timestamptz not null default now(),
    first_run_id    uuid,
    constraint trigger_events_key unique (recipe, idempotency_key)
);

-- The runs table is the queue (ARCHITECTURE §3): claimable rows are queued or retrying with
-- next_attempt_at <= now(); a claim sets status running, locked_by and a lease (locked_until).
create table runs (
    id              uuid primary key,
    recipe          text        not null references recipes (slug) on delete cascade,
    recipe_version  integer     not null,
    status          text        not null check (status in
                        ('queued', 'running', 'waiting', 'retrying', 'succeeded', 'failed', 'cancelled')),
    origin          text        not null check (origin in
                        ('trigger', 'manual', 'replay', 'backfill', 'notify', 'call')),
    replay_of       uuid,
    event_id        uuid references trigger_events (id) on delete set null,
    trigger         jsonb       not null,
    attempt         integer     not null default 0,
    next_attempt_at timestamptz not null default now(),
    locked_by       text,
    locked_until    timestamptz,
    created_at      timestamptz not null default now(),
    started_at      timestamptz,
    finished_at     timestamptz,
    output          jsonb,
    error           jsonb,
    dead_letter_id  uuid
);

create index runs_claimable on runs (next_attempt_at) where status in ('queued', 'retrying');
create index runs_leased on runs (locked_until) where status = 'running';
create index runs_by_recipe on runs (recipe, id desc);
-- Succeeded runs are most of the history and are found by scanning ids; indexing only the others keeps
-- the final update of every successful run (the hot path) from writing to it.
create index runs_by_status on runs (status, id desc) where status <> 'succeeded';

-- Wakes idle workers on every node at commit; identical notifications of one transaction fold into one.
create function braid_notify_runs() returns trigger language plpgsql as $$
begin
    perform pg_notify('braid_runs', '');
    return null;
end;
$$;

create trigger runs_notify
    after insert or update of status on runs
    for each row when (new.status = 'queued')
    execute function braid_notify_runs();

-- One row per step path per run: the checkpoint a resumed run reads instead of repeating the step.
create table step_runs (
    run_id      uuid    not null references runs (id) on delete cascade,
    path        text    not null,
    seq         integer not null,
    status      text    not null check (status in
                    ('pending', 'running', 'waiting', 'retrying', 'succeeded', 'failed', 'skipped', 'cancelled')),
    attempts    integer not null default 0,
    input       jsonb,
    output      jsonb,
    error       jsonb,
    started_at  timestamptz,
    finished_at timestamptz,
    primary key (run_id, path)
);

create table run_logs (
    id        bigserial primary key,
    run_id    uuid        not null references runs (id) on delete cascade,
    step_path text,
    level     text        not null,
    message   text        not null,
    at        timestamptz not null default now()
);

create index run_logs_by_run on run_logs (run_id, id);

create table dead_letters (
    id         uuid primary key,
    run_id     uuid references runs (id) on delete cascade,
    recipe     text        not null references recipes (slug) on delete cascade,
    step       text,
    error      jsonb       not null,
    payload    jsonb,
    status     text        not null default 'open' check (status in ('open', 'replayed', 'discarded')),
    created_at timestamptz not null default now(),
    replays    jsonb       not null default '[]'
);

create index dead_letters_by_recipe on dead_letters (recipe, id desc);
create index dead_letters_by_status on dead_letters (status, id desc);

create table users (
    username      text primary key,
    password_hash text        not null,
    roles         text[]      not null default '{}',
    created_at    timestamptz not null default now()
);
