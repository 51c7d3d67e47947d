-- Flow control shared by the nodes of a cluster (README "Flow control"); both tables are written by FlowLedger only.
--
-- flow_rate_windows: one row per rate-limited connection, rolled over to the current slice window of the
-- connection's rate limit on the database's clock. A node leases tokens of the window's budget with one
-- statement (granted grows, never past budget); a lease of an older window than the row's takes nothing.
-- next_slot_ms hands the calls that found no token their times to come back, one token's share of the period
-- apart cluster-wide (epoch ms on the database's clock), so deferred runs wake about as fast as tokens come.
create table flow_rate_windows (
    connection text primary key,
    slice_ms   integer not null check (slice_ms > 0),
    window_no  bigint  not null,
    budget     integer not null check (budget >= 0),
    granted    integer not null check (granted >= 0 and granted <= budget),
    taken      integer not null default 0,
    leased_by  text,
    next_slot_ms bigint not null default 0
);

-- flow_circuits: a row per connection whose circuit is open or half-open; no row (or a row written under other
-- circuitBreaker settings, see settings) means closed. Open until open_until, then half-open: probes counts the
-- probe calls granted cluster-wide (at most halfOpenCalls at once), each held until probe_until. generation
-- (from flow_circuit_openings) names one opening, so a late report of an earlier probe changes nothing.
create sequence flow_circuit_openings;

create table flow_circuits (
    connection   text primary key,
    settings     text        not null,
    generation   bigint      not null,
    opened_at    timestamptz not null,
    open_until   timestamptz not null,
    opened_by    text        not null,
    failure_rate real        not null,
    probes       integer     not null default 0,
    probes_ok    integer     not null default 0,
    probe_until  timestamptz
);
