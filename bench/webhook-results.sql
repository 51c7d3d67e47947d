-- Results of bench/webhook-load.sh, read from Braid's own tables (db-migrations V1__core_schema.sql).
-- psql variables: recipe (slug), t0 and t1 (the load window, as the database clock saw it).
--
--   psql -X -v recipe=bench-three-step -v t0='2026-01-01 10:00:00+00' -v t1='2026-01-01 10:01:00+00' \
--        -f bench/webhook-results.sql
\set ON_ERROR_STOP on
\pset footer off

\echo
\echo '--- completed runs per second: succeeded runs whose finished_at lies in the load window ---'
select count(*)                                                               as completed_in_window,
       round(extract(epoch from (:'t1'::timestamptz - :'t0'::timestamptz))::numeric, 1) as window_s,
       round(count(*) / extract(epoch from (:'t1'::timestamptz - :'t0'::timestamptz))::numeric, 1)
                                                                              as completed_runs_per_s
from runs
where recipe = :'recipe'
  and status = 'succeeded'
  and finished_at >= :'t0'::timestamptz
  and finished_at <  :'t1'::timestamptz;

\echo
\echo '--- runs created in the load window, by status (anything but succeeded is backlog or failure) ---'
select status, count(*) as runs
from runs
where recipe = :'recipe'
  and created_at >= :'t0'::timestamptz
  and created_at <  :'t1'::timestamptz
group by status
order by status;

\echo
\echo '--- received -> finished (finished_at - created_at) of the succeeded runs created in the window ---'
with latency as (
    select extract(epoch from (finished_at - created_at)) * 1000.0 as ms
    from runs
    where recipe = :'recipe'
      and status = 'succeeded'
      and created_at >= :'t0'::timestamptz
      and created_at <  :'t1'::timestamptz
)
select count(*)                                                         as runs,
       round(percentile_cont(0.50) within group (order by ms)::numeric, 2) as p50_ms,
       round(percentile_cont(0.95) within group (order by ms)::numeric, 2) as p95_ms,
       round(percentile_cont(0.99) within group (order by ms)::numeric, 2) as p99_ms,
       round(max(ms)::numeric, 2)                                          as max_ms
from latency;

\echo
\echo '--- persistence: step records per succeeded run created in the window (the recipe has 3 steps) ---'
select count(distinct r.id)                                        as runs,
       count(s.run_id)                                             as step_records,
       round(count(s.run_id)::numeric / nullif(count(distinct r.id), 0), 2) as steps_per_run,
       count(*) filter (where s.status is distinct from 'succeeded') as steps_not_succeeded
from runs r
left join step_runs s on s.run_id = r.id
where r.recipe = :'recipe'
  and r.status = 'succeeded'
  and r.created_at >= :'t0'::timestamptz
  and r.created_at <  :'t1'::timestamptz;
