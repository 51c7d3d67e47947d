-- A five-minute rollup tier (issue 15): a 24-hour window is drawn in 5-minute buckets, which read 288 rows
-- per recipe instead of 1,440 minute rows. StatsFold writes it with the other tiers from now on; the
-- minute rows already folded are summed into it here (histograms added element by element), so a window
-- reading the new tier counts what the minute tier counted.
alter table stats_rollups drop constraint stats_rollups_tier_check;
alter table stats_rollups add constraint stats_rollups_tier_check
    check (tier in ('minute', 'five_minutes', 'hour', 'day'));

insert into stats_rollups (tier, recipe, at, started, succeeded, failed, cancelled, duplicates, sla_breaches,
                           latency_sum_ms, wait_count, wait_sum_ms, latency_histogram)
select 'five_minutes', m.recipe, m.bucket, sum(m.started), sum(m.succeeded), sum(m.failed), sum(m.cancelled),
       sum(m.duplicates), sum(m.sla_breaches), sum(m.latency_sum_ms), sum(m.wait_count), sum(m.wait_sum_ms),
       coalesce((select array_agg(h.total order by h.i)
                   from (select u.i, sum(u.v)::bigint as total
                           from stats_rollups r, unnest(r.latency_histogram) with ordinality as u(v, i)
                          where r.tier = 'minute' and r.recipe = m.recipe
                            and r.at >= m.bucket and r.at < m.bucket + interval '5 minutes'
                          group by u.i) h), '{}')
  from (select *, to_timestamp(floor(extract(epoch from at) / 300) * 300) as bucket
          from stats_rollups where tier = 'minute') m
 group by m.recipe, m.bucket;
