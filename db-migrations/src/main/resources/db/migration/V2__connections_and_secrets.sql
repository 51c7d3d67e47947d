-- Connections (a connector's configured instance) and standalone secrets. Fields a connector's
-- schema marks secret never sit in plain text: they are kept together as one AES-256-GCM sealed JSON
-- object per row (secret_settings / value), bound to the row's name, under the master key.

create table connections (
    name            text primary key check (name ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
    connector       text        not null,
    settings        jsonb       not null default '{}',
    secret_settings bytea,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);

create table secrets (
    name       text primary key check (name ~ '^[A-Za-z_][A-Za-z0-9_]{0,63}$'),
    value      bytea       not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
