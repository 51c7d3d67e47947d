-- Old history for bench/run-all.sh --retention (issue 15): :runs succeeded runs of the recipe :'recipe' with
-- 3 step records each, created 20 to 30 days ago — past the default 14-day history retention, so the server's
-- next pruning passes remove their step records (the runs themselves, the summaries, stay 400 days) while the
-- benchmark's load runs. Written like bench/scale-history.sql, in chunks of 250,000 runs but one commit at the
-- end: the pruner (every 5 s in that scenario) then finds all of them at once, inside the measured minute.
--
--   psql -X -v runs=1000000 -v recipe=bench-three-step -f bench/retention-history.sql
\set ON_ERROR_STOP on
select set_config('bench.runs', :'runs', false), set_config('bench.recipe', :'recipe', false);

do $$
declare
    total   bigint := current_setting('bench.runs')::bigint;
    slug    text := current_setting('bench.recipe');
    chunk   bigint := 250000;
    origin  timestamptz := now() - interval '30 days';
    span    double precision := extract(epoch from interval '10 days') * 1000;
    lo      bigint := 0;
begin
    while lo < total loop
        create temporary table chunk_runs as
        select (lpad(to_hex(floor(extract(epoch from ts) * 1000)::bigint), 12, '0') || substr(md5('old' || n), 1, 20))::uuid as id,
               n, ts
          from (select n, origin + make_interval(secs => (n * span / total) / 1000.0) as ts
                  from generate_series(lo, least(lo + chunk, total) - 1) as n) g;

        insert into runs (id, recipe, recipe_version, status, origin, trigger, attempt, next_attempt_at,
                          created_at, started_at, finished_at, output)
        select id, slug, 1, 'succeeded', 'trigger',
               jsonb_build_object('type', 'webhook', 'body', jsonb_build_object('n', n, 'id', 'old-' || n)),
               1, ts, ts, ts + interval '2 ms', ts + interval '9 ms', jsonb_build_object('value', n)
          from chunk_runs;

        insert into step_runs (run_id, path, seq, status, attempts, input, output, started_at, finished_at)
        select c.id, s.path, s.seq, 'succeeded', 1, jsonb_build_object('n', c.n), jsonb_build_object('value', c.n % 2 = 0),
               c.ts + make_interval(secs => s.seq * 0.002), c.ts + make_interval(secs => s.seq * 0.002 + 0.001)
          from chunk_runs c
         cross join (values ('shape', 1), ('route', 2), ('route/then/evenLog', 3)) as s(path, seq);

        lo := lo + chunk;
        raise notice 'old history: % of % runs', least(lo, total), total;
        drop table chunk_runs;
    end loop;
end
$$;

analyze runs;
analyze step_runs;
