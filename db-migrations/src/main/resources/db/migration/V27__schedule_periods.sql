-- The stretches of time during which a recipe's schedule was switched on (README "Schedules, catch-up and
-- backfill"): one row per stretch, opened when a schedule recipe is created, enabled or saved with a new
-- version, closed (enabled_until) when it is disabled or saved again. Catch-up derives the fire times that
-- fell due from these rows, not from Quartz's trigger state, so fire times missed while the firing node was
-- dead still run after the recipe was disabled or changed. A stretch is a half-open interval
-- (enabled_from, enabled_until]; its version says which cron, time zone, catchUp and steps the fire times of
-- the stretch use. settled: a closed stretch whose missed fire times were caught up (nothing more can fall
-- due in it). Written by SchedulePeriods only, in the transaction that changes the recipe.
create table schedule_periods (
    id            bigint generated always as identity primary key,
    recipe        text        not null references recipes (slug) on delete cascade,
    version       integer     not null,
    enabled_from  timestamptz not null,
    enabled_until timestamptz,
    settled       boolean     not null default false,
    constraint schedule_periods_order check (enabled_until is null or enabled_until >= enabled_from)
);

-- At most one open stretch per recipe; the open and the unsettled ones are all catch-up reads.
create unique index schedule_periods_open on schedule_periods (recipe) where enabled_until is null;
create index schedule_periods_unsettled on schedule_periods (recipe, enabled_from) where not settled;

-- Schedule recipes enabled before this migration: their stretch starts at their last save or enable, which is
-- where catch-up used to start too.
insert into schedule_periods (recipe, version, enabled_from)
select slug, version, updated_at from recipes where enabled and trigger_type = 'schedule';
