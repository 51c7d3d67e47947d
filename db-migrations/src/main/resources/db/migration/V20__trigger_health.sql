-- The trigger health board (GET /api/v1/triggers, README "Trigger health"): the two figures that live
-- nowhere else and must read the same on every node of a cluster.

-- Webhooks refused with 401 (signature), 413 (body too large) or 429 (rate limit), per recipe, status and
-- minute. Counted in memory by each node and added here every few seconds (WebhookRefusals), so no
-- request — accepted or refused — waits for a write; a node killed between two flushes loses at most
-- those few seconds of counts. Rows older than two days are deleted by the same flush.
create table webhook_refusals (
    recipe    text        not null references recipes (slug) on delete cascade,
    status    smallint    not null,
    minute    timestamptz not null,
    refusals  bigint      not null,
    primary key (recipe, minute, status)
);

-- The last failed poll of a polling recipe, whichever node polled: its message and when. Written after the
-- failed poll rolled back; deleted by the next poll that succeeds, in its transaction.
create table poll_errors (
    recipe  text        primary key references recipes (slug) on delete cascade,
    message text        not null,
    at      timestamptz not null
);
