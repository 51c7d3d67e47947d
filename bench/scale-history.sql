-- Run history written straight into Braid's tables (db-migrations V1, V3, V8, V9, V12): :runs succeeded runs with
-- 3 step records each, spread over 10 days starting :days_ago days ago (default 10: up to now), in chunks of a
-- million runs, every index maintained as the server would. Ids are time-ordered like the server's UUIDv7: the
-- creation time in milliseconds, then 80 bits of a hash.
--
-- bench/run-all.sh --scale (issue 18 item 4): the runs spread over the recipes scale-1 .. scale-:recipes (created
-- through the API before), inside the default 14-day history retention, so no pruning pass removes them during
-- the benchmark; each chunk committed on its own:
--   psql -X -v runs=10000000 -v recipes=10000 -f bench/scale-history.sql
-- bench/run-all.sh --retention (issue 15): runs of one recipe 20 to 30 days old, past the history retention, in
-- one commit at the end, so the pruner (every 5 s there) finds all of them at once, inside the measured minute:
--   psql -X -v runs=1000000 -v recipe=bench-three-step -v days_ago=30 -v one_commit=on -f bench/scale-history.sql
\set ON_ERROR_STOP on
\if :{?recipe}
\else
  \set recipe ''
\endif
\if :{?recipes}
\else
  \set recipes 1
\endif
\if :{?days_ago}
\else
  \set days_ago 10
\endif
\if :{?one_commit}
\else
  \set one_commit off
\endif
select set_config('bench.runs', :'runs', false), set_config('bench.recipes', :'recipes', false),
       set_config('bench.recipe', :'recipe', false), set_config('bench.days_ago', :'days_ago', false),
       set_config('bench.one_commit', :'one_commit', false);

do $$
declare
    total   bigint := current_setting('bench.runs')::bigint;
    recipes integer := current_setting('bench.recipes')::integer;
    slug    text := current_setting('bench.recipe');
    each    boolean := not current_setting('bench.one_commit')::boolean;
    chunk   bigint := 1000000;
    origin  timestamptz := now() - make_interval(days => current_setting('bench.days_ago')::integer);
    span    double precision := extract(epoch from interval '10 days') * 1000;
    lo      bigint := 0;
begin
    while lo < total loop
        create temporary table chunk_runs as
        select (lpad(to_hex(floor(extract(epoch from ts) * 1000)::bigint), 12, '0') || substr(md5(slug || n), 1, 20))::uuid as id,
               case when slug <> '' then slug else 'scale-' || (1 + n % recipes) end as recipe, n, ts
          from (select n, origin + make_interval(secs => (n * span / total) / 1000.0) as ts
                  from generate_series(lo, least(lo + chunk, total) - 1) as n) g;

        insert into runs (id, recipe, recipe_version, status, origin, trigger, attempt, next_attempt_at,
                          created_at, started_at, finished_at, output)
        select id, recipe, 1, 'succeeded', 'trigger',
               jsonb_build_object('type', 'webhook', 'body', jsonb_build_object('n', n, 'id', 'history-' || n)),
               1, ts, ts, ts + interval '2 ms', ts + interval '9 ms', jsonb_build_object('value', n)
          from chunk_runs;

        insert into step_runs (run_id, path, seq, status, attempts, input, output, started_at, finished_at)
        select c.id, s.path, s.seq, 'succeeded', 1, jsonb_build_object('n', c.n), jsonb_build_object('value', c.n % 2 = 0),
               c.ts + make_interval(secs => s.seq * 0.002), c.ts + make_interval(secs => s.seq * 0.002 + 0.001)
          from chunk_runs c
         cross join (values ('shape', 1), ('route', 2), ('route/then/evenLog', 3)) as s(path, seq);

        lo := lo + chunk;
        raise notice 'history: % of % runs', least(lo, total), total;
        drop table chunk_runs;
        if each then
            commit;
        end if;
    end loop;
end
$$;

analyze runs;
analyze step_runs;
