-- Issue 7: roles, API tokens and the audit log.

-- Only the four roles exist; a typo in a role would otherwise grant nothing, silently.
alter table users add constraint users_roles_known
    check (roles <@ array['admin', 'builder', 'operator', 'viewer']::text[]);

-- Bearer tokens for API clients. Only a SHA-256 of the token is kept: tokens are 256 random bits,
-- so a fast hash is as safe as a slow one and keeps every request cheap. Shown once, at creation.
create table api_tokens (
    id           uuid primary key,
    username     text        not null references users (username) on delete cascade,
    name         text        not null,
    token_hash   text        not null unique,
    created_at   timestamptz not null default now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
create index api_tokens_by_user on api_tokens (username, created_at);

-- Who changed what, and when: every successful change made through the API.
create table audit_log (
    id       bigserial primary key,
    at       timestamptz not null default now(),
    username text,
    action   text        not null,
    target   text        not null,
    status   integer     not null
);
create index audit_log_by_at on audit_log (at desc, id desc);
create index audit_log_by_user on audit_log (username, at desc);
