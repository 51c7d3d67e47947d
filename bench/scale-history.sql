-- Run history for bench/run-all.sh --scale (issue 18 item 4): :runs succeeded runs with 3 step records each,
-- spread over the recipes scale-1 .. scale-:recipes (created through the API before) and the last 10 days
-- (inside the default 14-day history retention, so no pruning pass removes them during the benchmark).
-- Written straight into Braid's tables (db-migrations V1, V3, V8, V9, V12) in chunks of a million runs, each
-- committed on its own, every index maintained as the server would. Ids are time-ordered like the server's
-- UUIDv7: the creation time in milliseconds, then 80 bits of a hash.
--
--   psql -X -v runs=10000000 -v recipes=10000 -f bench/scale-history.sql
\set ON_ERROR_STOP on
select set_config('bench.runs', :'runs', false), set_config('bench.recipes', :'recipes', false);

do $$
declare
    total   bigint := current_setting('bench.runs')::bigint;
    recipes integer := current_setting('bench.recipes')::integer;
    chunk   bigint := 1000000;
    origin  timestamptz := now() - interval '10 days';
    span    double precision := extract(epoch from interval '10 days') * 1000;
    lo      bigint := 0;
begin
    while lo < total loop
        create temporary table chunk_runs on commit drop as
        select (lpad(to_hex(floor(extract(epoch from ts) * 1000)::bigint), 12, '0') || substr(md5(n::text), 1, 20))::uuid as id,
               'scale-' || (1 + n % recipes) as recipe, n, ts
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
        commit;
    end loop;
end
$$;

analyze runs;
analyze step_runs;
