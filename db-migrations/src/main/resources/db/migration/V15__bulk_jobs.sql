-- Tracked bulk jobs (issue 16): replay, discard, retry or cancel many dead letters or runs in the
-- background, in chunks, with one outcome per item. A job is leased like a run (locked_by,
-- locked_until): a node that dies loses the lease and another node goes on where it stopped. An item
-- moves from pending to succeeded or failed once, in the transaction of its action, so a job picked up
-- again never acts twice on one item.
create table bulk_jobs (
    id           uuid        primary key,
    action       text        not null,                  -- dead-letters.replay | dead-letters.discard | runs.retry | runs.cancel
    options      jsonb       not null default '{}',     -- {from, version} of a replay
    selection    jsonb       not null,                  -- {ids: […]} or {filter: {…}} as asked
    status       text        not null default 'running', -- running | finished
    total        integer     not null,
    succeeded    integer     not null default 0,
    failed       integer     not null default 0,
    created_by   text,
    created_at   timestamptz not null default now(),
    finished_at  timestamptz,
    locked_by    text,
    locked_until timestamptz
);
create index bulk_jobs_unfinished on bulk_jobs (created_at) where status = 'running';

create table bulk_job_items (
    job_id    uuid    not null references bulk_jobs (id) on delete cascade,
    seq       integer not null,                         -- 1…total, the order items are done in
    target_id uuid    not null,                         -- the dead letter or run acted on
    status    text    not null default 'pending',       -- pending | succeeded | failed
    result_id uuid,                                     -- the replay's new run, when there is one
    problem   jsonb,                                    -- {status, detail} of a failed item
    done_at   timestamptz,
    primary key (job_id, seq)
);
create index bulk_job_items_pending on bulk_job_items (job_id, seq) where status = 'pending';
create index bulk_job_items_failed on bulk_job_items (job_id, seq) where status = 'failed';

-- A run's page lists its replays (issue 16): found by replay_of, which only replays carry.
create index runs_by_replay_of on runs (replay_of) where replay_of is not null;
