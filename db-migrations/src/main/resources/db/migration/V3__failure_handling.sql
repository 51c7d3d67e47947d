-- Failure handling (issue 4): durable waits, sub-recipe calls, concurrency limits, connection flow
-- control and dead-letter search.

-- A waiting run (a durable delay, an open circuit, a called recipe) is claimable again at
-- next_attempt_at; a run waiting for a called recipe has next_attempt_at = 'infinity' and is woken
-- (queued) by the statement that ends its child. wait_reason says what it waits for.
alter table runs
    add column parent_run_id     uuid references runs (id) on delete set null,
    add column parent_step       text,
    add column wait_reason       text,
    -- Concurrency limit (ARCHITECTURE §2): the recipe's limit and the evaluated key ("<slug>" or
    -- "<slug>/<key value>"), fixed when the run is created. Slots are the leased running rows
    -- themselves, so a dead node's slots come back when its leases expire.
    add column concurrency_key   text,
    add column concurrency_limit integer check (concurrency_limit is null or concurrency_limit >= 1);

drop index runs_claimable;
create index runs_claimable on runs (next_attempt_at)
    where status in ('queued', 'retrying', 'waiting') and concurrency_key is null;
create index runs_claimable_limited on runs (concurrency_key, next_attempt_at)
    where status in ('queued', 'retrying', 'waiting') and concurrency_key is not null;
create index runs_holding_slots on runs (concurrency_key)
    where status = 'running' and concurrency_key is not null;
create index runs_by_parent on runs (parent_run_id) where parent_run_id is not null;

-- Per-connection circuit breaker and rate limiter settings ({circuitBreaker: {...}, rateLimit: {...}}).
alter table connections add column flow_control jsonb;

-- Dead-letter search by error type and time.
alter table dead_letters add column error_type text generated always as (error ->> 'type') stored;
create index dead_letters_by_created on dead_letters (created_at, id);
