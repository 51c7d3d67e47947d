-- SLA notifications and alert rules (ARCHITECTURE §10): what each rule of each recipe last was, so
-- that one node of the cluster (the alert watch's advisory lock) notifies once when it trips and once
-- when it clears, and an SLA notification keeps its quiet time.
create table alert_states (
    recipe      text        not null references recipes (slug) on delete cascade,
    rule        text        not null,            -- 'sla', or 'alerts[<i>]:<rule>'
    firing      boolean     not null default false,
    since       timestamptz,                     -- when it last tripped or cleared
    notified_at timestamptz,
    value       double precision,                -- what was measured at the last check
    checked_at  timestamptz not null default now(),
    primary key (recipe, rule)
);
