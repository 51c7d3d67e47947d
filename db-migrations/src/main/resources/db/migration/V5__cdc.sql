-- Change data capture (ARCHITECTURE §3, §6): the sources a CDC reader has set up, and the Debezium offsets of
-- each. Offsets are written only after the trigger events and runs of the changes they cover are
-- committed, so a restart resumes after the last ingested change (a repeat is absorbed by the unique
-- (recipe, idempotency_key) of trigger_events).

-- One row per source (an sql connection) whose replication slot and publication Braid created; the row
-- stays until they are dropped, so a node that finds no recipe left on a source can clean up even when
-- the node that created them is gone.
create table cdc_sources (
    source      text primary key,
    slot        text        not null,
    publication text        not null,
    created_at  timestamptz not null default now()
);

-- Debezium's offset store (Kafka Connect's key/value pairs, opaque bytes) per source.
create table cdc_offsets (
    source     text        not null,
    key        bytea       not null,
    value      bytea,
    updated_at timestamptz not null default now(),
    primary key (source, key)
);
