#!/usr/bin/env bash
# Braid's benchmark suite (issue 18, ARCHITECTURE §8): one command, one markdown table.
#
# It builds the jar only when a source is newer than app/target/braid.jar, starts a server of its own on a
# temporary BRAID_HOME (embedded PostgreSQL with fsync and synchronous commit on, embedded Kafka) or on a given
# PostgreSQL (--db), measures a physical reference on that same PostgreSQL (pgbench: single-row inserts, one
# durable commit each, 16 clients), runs every scenario for a fixed time and prints one table: throughput, its
# ratio to the reference, accept and received -> finished percentiles, CPU seconds of the JVM and of
# PostgreSQL (from /proc), the JVM's peak RSS, and runs lost or doubled (what was sent against the runs table).
#
# Scenarios (recipe bench/bench-three-step.yaml: transform, if, log; every run and step persisted):
#   closed    wrk, 64 connections, closed loop: throughput at saturation (its latency is queueing)
#   (first a warm-up of 120 s of closed-loop load, not measured: in 20 s rounds the closed loop still climbed
#    from 736 to 1,211 runs/s over the first two minutes of a fresh server)
#   paced     open loop at --rate requests/s over --clients connections (bench/Load.java): offered vs achieved
#   overload  open loop at 2x the closed-loop throughput, with the back-pressure bound (--max-backlog) set
#   kafka     records already in a topic, a recipe consuming from the earliest offset: one run per event
#   kafka-batch  the same with batch: {maxSize: 1000, maxWait: 1s}
#   --sse N   the closed loop again with N clients streaming every live event (GET /api/v1/events)
#   --retention  paced at half the closed-loop throughput, then 1 million old runs (3 steps each, past the
#             14-day history retention) written by SQL and the same load again while the server prunes them
#   --scale   10,000 enabled recipes (webhook and schedule triggers) and 10 million runs with 3 steps each
#             written by SQL, the server restarted (start-up time and RSS reported), then closed and paced again
#
# Usage: bench/run-all.sh [options]        (BRAID_JAR=path: run that jar as it is, nothing built)
#       --quick             short durations and counts: a smoke check of the suite itself (figures meaningless)
#   -d, --duration S        seconds per webhook scenario                 (60; --quick: 8)
#       --rate N            the paced scenario's requests/s              (2000)
#   -c, --clients N         connections of the closed and paced loads   (64)
#       --max-backlog N     braid.ingest.max-backlog of the server       (1000)
#       --kafka-events N    records of the per-event Kafka scenario      (100000; --quick: 5000)
#       --kafka-batch N     records of the batch Kafka scenario          (500000; --quick: 20000)
#       --no-kafka          leave the Kafka scenarios out
#       --sse N             add the closed loop with N live-event streams connected (issue 15: 50), each
#                           taking gzip as browsers do (--sse-identity: uncompressed), in rounds that
#                           alternate without and with the streams (--sse-rounds R, default 3)
#       --retention         add the pruning-under-load scenario (--retention-runs N old runs, 1000000)
#       --scale             add the scale-of-state scenario (minds the disk: ~15 GB for 10 M runs)
#       --scale-recipes N   (10000)      --scale-runs N (10000000)
#       --db URL            jdbc:postgresql://127.0.0.1:PORT/DB?user=U&password=P (loopback only) instead of the
#                           embedded PostgreSQL; Kafka scenarios then need --kafka BOOTSTRAP
#       --kafka HOST:PORT   a Kafka cluster instead of the embedded broker
#   -p, --port N            the server's HTTP port on 127.0.0.1         (18080)
#       --out FILE          also write the report (table and context) to FILE
#       --keep              keep the temporary BRAID_HOME (and the server's log)
#   -h, --help
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
JAR=${BRAID_JAR:-$REPO_DIR/app/target/braid.jar}
RECIPE_SLUG=bench-three-step

QUICK=0; DURATION=""; RATE=2000; CLIENTS=64; MAX_BACKLOG=1000; KAFKA_EVENTS=""; KAFKA_BATCH=""; NO_KAFKA=0
SSE=0; SSE_ROUNDS=3; SSE_ENCODING=gzip; RETENTION=0; RETENTION_RUNS=1000000; SCALE=0; SCALE_RECIPES=10000; SCALE_RUNS=10000000; DB_URL=""; KAFKA=""; PORT=18080; OUT=""; KEEP=0

ORIGINAL_ARGS="$*"
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
die() { echo "run-all: $*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
while (( $# > 0 )); do
  case "$1" in
    --quick) QUICK=1; shift ;;
    -d|--duration) DURATION=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    -c|--clients) CLIENTS=$2; shift 2 ;;
    --max-backlog) MAX_BACKLOG=$2; shift 2 ;;
    --kafka-events) KAFKA_EVENTS=$2; shift 2 ;;
    --kafka-batch) KAFKA_BATCH=$2; shift 2 ;;
    --no-kafka) NO_KAFKA=1; shift ;;
    --sse) SSE=$2; shift 2 ;;
    --sse-identity) SSE_ENCODING=identity; shift ;;
    --sse-rounds) SSE_ROUNDS=$2; shift 2 ;;
    --retention) RETENTION=1; shift ;;
    --retention-runs) RETENTION_RUNS=$2; shift 2 ;;
    --scale) SCALE=1; shift ;;
    --scale-recipes) SCALE_RECIPES=$2; shift 2 ;;
    --scale-runs) SCALE_RUNS=$2; shift 2 ;;
    --db) DB_URL=$2; shift 2 ;;
    --kafka) KAFKA=$2; shift 2 ;;
    -p|--port) PORT=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done
if (( QUICK )); then
  DURATION=${DURATION:-8}; KAFKA_EVENTS=${KAFKA_EVENTS:-5000}; KAFKA_BATCH=${KAFKA_BATCH:-20000}; REF_SECONDS=5; WARMUP=5
else
  DURATION=${DURATION:-60}; KAFKA_EVENTS=${KAFKA_EVENTS:-100000}; KAFKA_BATCH=${KAFKA_BATCH:-500000}; REF_SECONDS=30; WARMUP=120
fi
for n in "$DURATION" "$RATE" "$CLIENTS" "$MAX_BACKLOG" "$KAFKA_EVENTS" "$KAFKA_BATCH" "$SCALE_RECIPES" "$SCALE_RUNS" "$PORT"; do
  [[ $n =~ ^[0-9]+$ && $n -gt 0 ]] || die "'$n' is not a positive whole number"
done

# ---- tools ---------------------------------------------------------------------------------------------

apt_install() {
  if (( EUID != 0 )) || ! command -v apt-get >/dev/null; then
    die "$1 is missing; install the Debian package '$2' (apt-get install -y $2)"
  fi
  echo "Installing $2 ..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}
command -v curl >/dev/null || apt_install curl curl
command -v wrk >/dev/null || apt_install wrk wrk
command -v psql >/dev/null || apt_install psql postgresql-client
command -v pgbench >/dev/null || apt_install pgbench postgresql-client
command -v unzip >/dev/null || apt_install unzip unzip

JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
java_major=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
[[ ${java_major%%.*} -ge 21 ]] 2>/dev/null || die "Java 21 or later is needed (found '$java_major'); set JAVA_HOME"

# ---- the jar: built only when a source is newer -------------------------------------------------------

stale=""
if [[ -n ${BRAID_JAR:-} ]]; then
  [[ -f $JAR ]] || die "BRAID_JAR=$JAR is no file"
elif [[ -f $JAR ]]; then
  stale=$(cd "$REPO_DIR" && find . \( -name node_modules -o -name target -o -name .git -o -name .braid \) -prune -o \
            \( -path '*/src/*' -o -name pom.xml \) -newer "$JAR" -type f -print -quit)
fi
if [[ -n ${BRAID_JAR:-} ]]; then
  echo "Running $JAR as it is (BRAID_JAR)" >&2
elif [[ ! -f $JAR || -n $stale ]]; then
  echo "Building the jar (${stale:+$stale is newer than it}${stale:-none yet}) ..." >&2
  (cd "$REPO_DIR" && ./mvnw -B -q -DskipTests package) || die "the build failed"
else
  echo "Reusing $JAR (no source is newer)" >&2
fi

# ---- a server of our own --------------------------------------------------------------------------------

WORK=$(mktemp -d "${TMPDIR:-/tmp}/braid-bench.XXXXXX")
HOME_DIR=$WORK/home
LOG=$WORK/server.log
PASSWORD="bench-$RANDOM$RANDOM"
SERVER_PID=""
CP_DIR=$WORK/cp

cleanup() {
  stop_server || true
  if (( KEEP )); then echo "Kept $WORK (server log: $LOG)" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

stop_server() {
  [[ -n $SERVER_PID ]] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 120); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

SERVER_ARGS=(--server.port="$PORT" --server.address=127.0.0.1 --braid.home="$HOME_DIR" --braid.admin.password="$PASSWORD"
             --braid.samples.load=false --braid.ingest.max-backlog="$MAX_BACKLOG")
# with --retention the pruner looks every 5 s (default 1 m), so its passes fall inside the measured minute
(( RETENTION )) && SERVER_ARGS+=(--braid.retention.interval=5s)
# A node keeps reading the summaries of what changes for braid.events.replay-window after its last stream
# left (default 5 m, so a browser that comes back resumes): with 5 s, a round without streams has none.
SSE_REPLAY_S=5
(( SSE > 0 )) && SERVER_ARGS+=(--braid.events.replay-window=${SSE_REPLAY_S}s)
if [[ -n $DB_URL ]]; then
  [[ $DB_URL == jdbc:postgresql://127.0.0.1[:/]* || $DB_URL == jdbc:postgresql://localhost[:/]* ]] \
    || die "--db must be a jdbc:postgresql:// URL on 127.0.0.1 or localhost"
  SERVER_ARGS+=(--spring.datasource.url="$DB_URL")
fi
[[ -n $KAFKA ]] && SERVER_ARGS+=(--spring.kafka.bootstrap-servers="$KAFKA")

STARTUP_S=""
start_server() {
  local began=$SECONDS t0
  t0=$(date +%s.%N)
  "$JAVA" -jar "$JAR" "${SERVER_ARGS[@]}" >>"$LOG" 2>&1 &
  SERVER_PID=$!
  # Generous: on a busy machine a first start (embedded PostgreSQL's initdb, migrations, Kafka) takes minutes.
  until [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/actuator/health" 2>/dev/null) == 200 ]]; do
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -30 "$LOG" >&2; die "the server exited while starting; log: $LOG"; }
    (( SECONDS - began < 600 )) || die "the server did not become healthy in 600 s; log: $LOG"
    sleep 0.25
  done
  STARTUP_S=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  echo "Server $SERVER_PID healthy on 127.0.0.1:$PORT after $STARTUP_S s" >&2
}
start_server

# Where the database is, for psql and pgbench.
if [[ -n $DB_URL ]]; then
  rest=${DB_URL#jdbc:postgresql://}; params=""; [[ $rest == *\?* ]] && params=${rest#*\?}; rest=${rest%%\?*}
  hostport=${rest%%/*}; export PGDATABASE=${rest#*/}; export PGHOST=${hostport%%:*}
  [[ $hostport == *:* ]] && export PGPORT=${hostport##*:}
  for kv in ${params//&/ }; do
    case $kv in user=*) export PGUSER=${kv#user=} ;; password=*) export PGPASSWORD=${kv#password=} ;; esac
  done
else
  export PGHOST=127.0.0.1 PGPORT=$(tr -dc '0-9' < "$HOME_DIR/postgres.port") PGUSER=postgres PGPASSWORD=postgres PGDATABASE=postgres
fi
db() { psql -X -q -A -t -v ON_ERROR_STOP=1 -c "$1"; }

# PostgreSQL's processes: the postmaster (its cutime holds the backends that have ended) and its children.
PG_PID=""
datadir=$(db "show data_directory" 2>/dev/null || true)
[[ -r $datadir/postmaster.pid ]] && PG_PID=$(head -1 "$datadir/postmaster.pid")
ticks() {  # CPU clock ticks used so far by pid $1 (with its reaped children when $2 = all)
  [[ -r /proc/$1/stat ]] || { echo 0; return; }
  awk -v all="${2:-}" '{ sub(/^.*\) /, ""); t = $12 + $13; if (all == "all") t += $14 + $15; print t }' "/proc/$1/stat"
}
pg_ticks() {
  [[ -n $PG_PID ]] || { echo 0; return; }
  local total child
  total=$(ticks "$PG_PID" all)
  for child in $(cat /proc/"$PG_PID"/task/*/children 2>/dev/null); do
    total=$(( total + $(ticks "$child") ))
  done
  echo "$total"
}
HZ=$(getconf CLK_TCK)
reset_peak_rss() { echo 5 > "/proc/$SERVER_PID/clear_refs" 2>/dev/null || true; }
peak_rss_mb() { awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }

api() {  # api METHOD PATH [curl args] -> body; fails on non-2xx
  local method=$1 path=$2 out status; shift 2
  out=$(mktemp)
  status=$(curl -sS --max-time 60 -o "$out" -w '%{http_code}' -X "$method" -u "admin:$PASSWORD" "$@" \
    "http://127.0.0.1:$PORT$path") || status=000
  cat "$out"; rm -f "$out"
  [[ $status == 2* ]] || { echo "HTTP $status on $method $path" >&2; return 1; }
}

# ---- the physical reference: pgbench on the same PostgreSQL ------------------------------------------------

echo "Reference: pgbench, single-row inserts (one durable commit each), 16 clients, ${REF_SECONDS} s ..." >&2
db "create schema if not exists bench_ref; create table if not exists bench_ref.commits (id bigserial primary key, v integer, at timestamptz default now())"
printf '\\set v random(1, 1000000)\ninsert into bench_ref.commits (v) values (:v);\n' > "$WORK/ref.sql"
REF_TPS=$(pgbench -n -c 16 -j 2 -T "$REF_SECONDS" -f "$WORK/ref.sql" 2>/dev/null \
  | sed -n 's/^tps = \([0-9]*\).*/\1/p' | head -1)
[[ -n $REF_TPS ]] || die "pgbench gave no figure"
db "drop schema bench_ref cascade"
echo "Reference: $REF_TPS commits/s" >&2

# ---- scenarios ---------------------------------------------------------------------------------------------

ROWS=()
NOTES=()
ratio() { awk -v a="$1" -v b="$REF_TPS" 'BEGIN { if (a == "" || a == "-") print "-"; else printf "%.3f", a / b }'; }
fmt() { awk -v v="$1" 'BEGIN { if (v == "" || v == "-") print "-"; else if (v + 0 >= 100) printf "%.0f", v; else printf "%.1f", v }'; }

save_recipe() {  # save_recipe SLUG FILE
  if api GET "/api/v1/recipes/$1" >/dev/null 2>&1; then
    api PUT "/api/v1/recipes/$1" -H 'Content-Type: application/yaml' --data-binary "@$2" >/dev/null
  else
    api POST /api/v1/recipes -H 'Content-Type: application/yaml' --data-binary "@$2" >/dev/null
  fi
}
save_recipe "$RECIPE_SLUG" "$BENCH_DIR/bench-three-step.yaml"

# The Java generator's class path: kafka-clients and slf4j-api out of the server's own jar.
mkdir -p "$CP_DIR"
unzip -q -o -j "$JAR" 'BOOT-INF/lib/kafka-clients-*.jar' 'BOOT-INF/lib/slf4j-api-*.jar' -d "$CP_DIR" 2>/dev/null || true
LOAD_CP=$(ls "$CP_DIR"/*.jar 2>/dev/null | paste -sd: -)
load() { "$JAVA" -XX:+UseSerialGC -Xmx512m -cp "$LOAD_CP" "$BENCH_DIR/Load.java" "$@"; }

BEGAN_CPU_JVM=0; BEGAN_CPU_PG=0
begin_measure() { BEGAN_CPU_JVM=$(ticks "$SERVER_PID"); BEGAN_CPU_PG=$(pg_ticks); reset_peak_rss; }
cpu_used() {  # "jvm pg" seconds since begin_measure
  awk -v j="$(( $(ticks "$SERVER_PID") - BEGAN_CPU_JVM ))" -v p="$(( $(pg_ticks) - BEGAN_CPU_PG ))" -v hz="$HZ" \
    'BEGIN { printf "%.1f %.1f", j / hz, p / hz }'
}

drain() {  # drain SLUG SINCE: waits (bounded) until no run of the recipe created since SINCE is unfinished
  local deadline=$((SECONDS + ${3:-180})) pending
  while :; do
    pending=$(db "select count(*) from runs where recipe = '$1' and created_at >= '$2'
                    and status in ('queued', 'running', 'retrying', 'waiting')")
    (( pending == 0 )) && return 0
    (( SECONDS >= deadline )) && { echo "  $pending runs still unfinished after the drain wait" >&2; return 0; }
    sleep 1
  done
}

# webhook_results TAG T0 T1 ACCEPTED -> "runs_per_s p50 p95 p99 lost doubled max_wait_s" for the runs of one tag
webhook_results() {
  db "with r as (select status, created_at, started_at, finished_at, trigger->'body'->>'id' as id
                   from runs where recipe = '$RECIPE_SLUG' and created_at >= '$2'::timestamptz - interval '1 s'
                    and trigger->'body'->>'tag' = '$1'),
          l as (select extract(epoch from finished_at - created_at) * 1000 as ms from r where status = 'succeeded')
      select round(((select count(*) from r where status = 'succeeded' and finished_at >= '$2' and finished_at < '$3')
                    / extract(epoch from '$3'::timestamptz - '$2'::timestamptz))::numeric, 1),
             coalesce(round((select percentile_cont(0.50) within group (order by ms) from l)::numeric, 1), -1),
             coalesce(round((select percentile_cont(0.95) within group (order by ms) from l)::numeric, 1), -1),
             coalesce(round((select percentile_cont(0.99) within group (order by ms) from l)::numeric, 1), -1),
             greatest(0, $4 - (select count(distinct id) from r)),
             (select count(*) - count(distinct id) from r),
             coalesce(round((select max(extract(epoch from started_at - created_at)) from r)::numeric, 2), 0)" \
    | tr '|' ' '
}

row() {  # row NAME RATE ACC50 ACC99 R50 R95 R99 CPU_JVM CPU_PG RSS LOST DOUBLED NOTE
  ROWS+=("| $1 | $(fmt "$2") | $(ratio "$2") | $3 / $4 | $5 / $6 / $7 | $8 | $9 | ${10} | ${11} | ${12} | ${13} |")
  echo "  => ${ROWS[-1]}" >&2
}

CLOSED_RATE=""
scenario_closed() {  # scenario_closed NAME
  local tag="c$(date +%s)$RANDOM" t0 t1 out accepted p50 p99 res cpu
  echo "Scenario $1: wrk -c$CLIENTS closed loop, ${DURATION} s ..." >&2
  begin_measure
  t0=$(db "select clock_timestamp()")
  out=$(timeout --kill-after=10 $((DURATION + 60)) wrk -t2 -c"$CLIENTS" -d"${DURATION}s" --timeout 10s --latency \
          -s "$BENCH_DIR/webhook.lua" "http://127.0.0.1:$PORT/hooks/$RECIPE_SLUG" -- "$tag" 2>&1)
  t1=$(db "select clock_timestamp()")
  accepted=$(sed -n 's/.*202: \([0-9]*\),.*/\1/p' <<<"$out")
  p50=$(sed -n 's/^accept p50 *\([0-9.]*\) ms/\1/p' <<<"$out"); p99=$(sed -n 's/^accept p99 *\([0-9.]*\) ms/\1/p' <<<"$out")
  drain "$RECIPE_SLUG" "$t0"
  cpu=$(cpu_used)
  read -r rate r50 r95 r99 lost doubled _ <<<"$(webhook_results "$tag" "$t0" "$t1" "${accepted:-0}")"
  CLOSED_RATE=${CLOSED_RATE:-$rate}
  LAST_RATE=$rate
  LAST_CPU_MS=$(awk -v j="${cpu% *}" -v p="${cpu#* }" -v a="${accepted:-0}" 'BEGIN { printf "%.3f", (a > 0 ? (j + p) * 1000 / a : 0) }')
  row "$1" "$rate" "$(fmt "$p50")" "$(fmt "$p99")" "$(fmt "$r50")" "$(fmt "$r95")" "$(fmt "$r99")" ${cpu% *} ${cpu#* } \
      "$(peak_rss_mb)" "$lost" "$doubled" "$CLIENTS clients; ${accepted:-0} accepted; $(grep -c 'HTTP' <<<"$out" || true) error lines"
}

scenario_paced() {  # scenario_paced NAME RATE
  local tag="p$(date +%s)$RANDOM" t0 t1 out accepted p50 p99 res cpu offered achieved other wait bound_s
  echo "Scenario $1: open loop at $2 requests/s, ${DURATION} s ..." >&2
  begin_measure
  t0=$(db "select clock_timestamp()")
  out=$(load paced "http://127.0.0.1:$PORT/hooks/$RECIPE_SLUG" "$2" "$DURATION" "$tag" "$CLIENTS")
  t1=$(db "select clock_timestamp()")
  kv() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$out"; }
  accepted=$(kv accepted); offered=$(kv offered_per_s); achieved=$(kv accepted_per_s); other=$(kv other)
  p50=$(kv accept_p50_ms); p99=$(kv accept_p99_ms)
  drain "$RECIPE_SLUG" "$t0"
  cpu=$(cpu_used)
  read -r rate r50 r95 r99 lost doubled wait <<<"$(webhook_results "$tag" "$t0" "$t1" "${accepted:-0}")"
  bound_s=$(awk -v b="$MAX_BACKLOG" -v r="$rate" 'BEGIN { if (r > 0) printf "%.1f", b / r; else print "-" }')
  row "$1" "$rate" "$(fmt "$p50")" "$(fmt "$p99")" "$(fmt "$r50")" "$(fmt "$r95")" "$(fmt "$r99")" ${cpu% *} ${cpu#* } \
      "$(peak_rss_mb)" "$lost" "$doubled" \
      "offered $(fmt "$offered")/s, accepted $(fmt "$achieved")/s, refused $other, failed $(kv failed), left unsent $(kv unsent); longest queue wait ${wait} s (bound ÷ throughput ${bound_s} s)"
}

scenario_kafka() {  # scenario_kafka NAME COUNT TRIGGER_EXTRA
  local slug="bench-kafka-$RANDOM" topic tag="k$(date +%s)$RANDOM" bootstrap cpu res t0
  bootstrap=${KAFKA:-127.0.0.1:$(tr -dc '0-9' < "$HOME_DIR/kafka.port" 2>/dev/null)}
  topic=$slug
  echo "Scenario $1: $2 records into $topic, then a recipe from the earliest offset ..." >&2
  load kafka "$bootstrap" "$topic" "$2" "$tag" >&2
  cat > "$WORK/$slug.yaml" <<EOF
slug: $slug
name: Benchmark - Kafka $1
trigger:
  kafka: { topic: $topic, startFrom: earliest$3 }
steps:
  - id: shape
    action: core.transform
    with: { value: "{{ trigger.type }}" }
EOF
  begin_measure
  t0=$(db "select clock_timestamp()")
  save_recipe "$slug" "$WORK/$slug.yaml"
  local deadline=$((SECONDS + 600)) stored=0
  while (( SECONDS < deadline )); do
    stored=$(db "select count(*) from trigger_events where recipe = '$slug'")
    (( stored >= $2 )) && break
    sleep 0.5
  done
  drain "$slug" "$t0" 300
  cpu=$(cpu_used)
  res=$(db "with e as (select received_at from trigger_events where recipe = '$slug'),
                 r as (select * from runs where recipe = '$slug'),
                 ids as (select coalesce(ev->'body'->>'id', r.trigger->'body'->>'id') as id
                           from r left join lateral jsonb_array_elements(r.trigger->'events') ev on true),
                 l as (select extract(epoch from finished_at - created_at) * 1000 as ms from r where status = 'succeeded')
            select round((count(*) / greatest(0.001, extract(epoch from max(received_at) - min(received_at))))::numeric, 0),
                   coalesce(round((select percentile_cont(0.50) within group (order by ms) from l)::numeric, 1), -1),
                   coalesce(round((select percentile_cont(0.95) within group (order by ms) from l)::numeric, 1), -1),
                   coalesce(round((select percentile_cont(0.99) within group (order by ms) from l)::numeric, 1), -1),
                   $2 - (select count(distinct id) from ids where id is not null),
                   (select count(*) - count(distinct id) from ids where id is not null),
                   (select count(*) from r)
              from e" | tr '|' ' ')
  read -r rate r50 r95 r99 lost doubled runs <<<"$res"
  row "$1" "$rate" "-" "-" "$(fmt "$r50")" "$(fmt "$r95")" "$(fmt "$r99")" ${cpu% *} ${cpu#* } "$(peak_rss_mb)" \
      "$lost" "$doubled" "$2 records → $runs runs; events/s from the first to the last stored event"
  api POST "/api/v1/recipes/$slug/disable" >/dev/null 2>&1 || true
}

# Warm-up, not measured: the JIT compiles the hot path, pools fill, the embedded broker finishes starting.
echo "Warm-up: wrk -c$CLIENTS for $WARMUP s (not measured) ..." >&2
wrm_t0=$(db "select clock_timestamp()")
timeout --kill-after=10 $((WARMUP + 60)) wrk -t2 -c"$CLIENTS" -d"${WARMUP}s" --timeout 10s \
  -s "$BENCH_DIR/webhook.lua" "http://127.0.0.1:$PORT/hooks/$RECIPE_SLUG" -- "warmup$RANDOM" >/dev/null 2>&1 || true
drain "$RECIPE_SLUG" "$wrm_t0"

scenario_closed "webhook closed loop"
if (( SSE > 0 )); then
  # Each stream reads every event of every recipe (no filter): the fan-out's worst case. Like a browser, each
  # says it takes gzip (--sse-identity: it does not); what arrives is stored as it came, so its size is the
  # bytes on the wire, and the events are counted after decompressing. Rounds alternate without and with the
  # streams (the first without is the closed loop above): one pair of runs moved by 15 % from run to run here,
  # more than the streams cost, while alternating cancels the drift of a warming JVM and a growing database.
  SSE_PAIRS=()
  for round in $(seq "$SSE_ROUNDS"); do
    if (( round > 1 )); then
      sleep $((SSE_REPLAY_S + 2)) # past the replay window: nothing left to read for
      scenario_closed "webhook closed loop, round $round without streams"
    fi
    off_rate=$LAST_RATE; off_cpu=$LAST_CPU_MS
    SSE_PIDS=()
    for i in $(seq "$SSE"); do
      curl -sN -u "admin:$PASSWORD" -H "Accept-Encoding: $SSE_ENCODING" "http://127.0.0.1:$PORT/api/v1/events" -o "$WORK/sse-$i.out" &
      SSE_PIDS+=($!)
    done
    sleep 2
    scenario_closed "webhook closed loop, round $round, $SSE live-event streams ($SSE_ENCODING)"
    kill "${SSE_PIDS[@]}" 2>/dev/null || true
    wait "${SSE_PIDS[@]}" 2>/dev/null || true
    if [[ $SSE_ENCODING == gzip ]]; then
      sse_events=$(zcat "$WORK/sse-1.out" 2>/dev/null | grep -c '^event: ' || true)
    else
      sse_events=$(grep -c '^event: ' "$WORK/sse-1.out" || true)
    fi
    ROWS[-1]="${ROWS[-1]%|} each stream received $(( $(cat "$WORK"/sse-*.out | wc -c) / SSE / 1024 )) KB on the wire; stream 1 got $sse_events events |"
    SSE_PAIRS+=("$off_rate $LAST_RATE $off_cpu $LAST_CPU_MS")
  done
  # per round: throughput with ÷ without, and CPU (JVM + PostgreSQL) per accepted run with and without
  median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "%.3f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
  sse_rounds=$(printf '%s\n' "${SSE_PAIRS[@]}" | awk '{ printf "%s%.0f → %.0f runs/s (%+.1f %%), CPU %.3f → %.3f ms per run",
      (NR > 1 ? "; " : ""), $1, $2, ($1 > 0 ? $2 / $1 - 1 : 0) * 100, $3, $4 }')
  sse_rate=$(printf '%s\n' "${SSE_PAIRS[@]}" | awk '{ print ($1 > 0 ? ($2 / $1 - 1) * 100 : 0) }' | median)
  sse_cpu=$(printf '%s\n' "${SSE_PAIRS[@]}" | awk '{ print $4 - $3 }' | median)
  SSE_NOTE="$SSE streams, ${#SSE_PAIRS[@]} rounds without → with (CPU: JVM and PostgreSQL per accepted run): $sse_rounds. Median throughput change $(printf '%+.1f' "$sse_rate") %, median CPU change $(printf '%+.3f' "$sse_cpu") ms per run"
  echo "  => $SSE_NOTE" >&2
fi
scenario_paced "webhook paced" "$RATE"
overload=$(awk -v r="$CLOSED_RATE" 'BEGIN { printf "%d", (r > 0 ? r : 500) * 2 }')
scenario_paced "overload 2× (max-backlog $MAX_BACKLOG)" "$overload"

if (( ! NO_KAFKA )) && [[ -n $KAFKA || -z $DB_URL ]]; then
  scenario_kafka "kafka per event" "$KAFKA_EVENTS" ""
  scenario_kafka "kafka batch" "$KAFKA_BATCH" ", batch: { maxSize: 1000, maxWait: 1s }"
fi

RETENTION_NOTE=""
if (( RETENTION )); then
  half=$(awk -v r="$CLOSED_RATE" 'BEGIN { printf "%d", (r > 0 ? r : 500) / 2 }')
  scenario_paced "webhook paced at $half/s, nothing to prune" "$half"
  echo "Retention: $RETENTION_RUNS old runs with 3 steps each by SQL ..." >&2
  t=$SECONDS
  psql -X -q -v ON_ERROR_STOP=1 -v runs="$RETENTION_RUNS" -v recipe="$RECIPE_SLUG" -v days_ago=30 -v one_commit=on \
    -f "$BENCH_DIR/scale-history.sql" >&2
  old_steps() { db "select count(*) from step_runs s join runs r on r.id = s.run_id where r.recipe = '$RECIPE_SLUG' and r.created_at < now() - interval '15 days'"; }
  before=$(old_steps)
  scenario_paced "webhook paced at $half/s while pruning $RETENTION_RUNS runs' history" "$half"
  after=$(old_steps)
  RETENTION_NOTE="$RETENTION_RUNS old runs written in $((SECONDS - t - DURATION)) s or so; $((before - after)) of their $before step records pruned during the second paced minute (and its drain)"
  ROWS[-1]="${ROWS[-1]%|} $((before - after)) old step records pruned meanwhile |"
  echo "  $RETENTION_NOTE" >&2
fi

STARTUP_EMPTY=$STARTUP_S
SCALE_NOTE=""
if (( SCALE )); then
  echo "Scale of state: $SCALE_RECIPES recipes through the API, $SCALE_RUNS runs with 3 steps each by SQL ..." >&2
  seq 1 "$SCALE_RECIPES" | xargs -P 4 -I{} sh -c '
    n={}; if [ $((n % 5)) -eq 0 ]; then trig="schedule: { cron: \"0 0 3 * * ?\", timezone: UTC }"; else trig="webhook: {}"; fi
    printf "slug: scale-%s\nname: Scale %s\ntrigger:\n  %s\nsteps:\n  - id: shape\n    action: core.transform\n    with: { value: \"{{ trigger }}\" }\n" \
      "$n" "$n" "$trig" | curl -sS -o /dev/null -w "%{http_code}\n" -u "admin:$0" -H "Content-Type: application/yaml" \
      --data-binary @- "http://127.0.0.1:$1/api/v1/recipes"' "$PASSWORD" "$PORT" | sort | uniq -c >&2
  t=$SECONDS
  psql -X -q -v ON_ERROR_STOP=1 -v runs="$SCALE_RUNS" -v recipes="$SCALE_RECIPES" -f "$BENCH_DIR/scale-history.sql" >&2
  SCALE_NOTE="history written in $((SECONDS - t)) s; database $(db "select pg_size_pretty(pg_database_size(current_database()))")"
  echo "  $SCALE_NOTE" >&2
  stop_server
  start_server
  sleep 5
  SCALE_NOTE="$SCALE_NOTE; restarted with $(db "select count(*) from recipes where enabled") enabled recipes in $STARTUP_S s (empty: $STARTUP_EMPTY s), RSS $(awk '/^VmRSS/ { printf "%.0f MB", $2 / 1024 }' /proc/$SERVER_PID/status) after start"
  scenario_closed "webhook closed loop, $SCALE_RECIPES recipes + $SCALE_RUNS runs"
  scenario_paced "webhook paced, $SCALE_RECIPES recipes + $SCALE_RUNS runs" "$RATE"
fi

# ---- the report ---------------------------------------------------------------------------------------------

report() {
  cat <<EOF
## Braid benchmark suite — $(date -u +%Y-%m-%dT%H:%MZ)

Reference: pgbench single-row inserts (one durable commit each), 16 clients, ${REF_SECONDS} s on the same PostgreSQL: **$REF_TPS commits/s**.
Webhook scenarios ${DURATION} s each, recipe \`bench-three-step\` (transform, if, log; 3 step records per run); server bound \`braid.ingest.max-backlog=$MAX_BACKLOG\`.

| scenario | runs or events/s | × reference | accept p50 / p99 ms | received → finished p50 / p95 / p99 ms | CPU s JVM | CPU s PostgreSQL | JVM peak RSS MB | lost | doubled | notes |
|---|---|---|---|---|---|---|---|---|---|---|
EOF
  printf '%s\n' "${ROWS[@]}"
  cat <<EOF

Start-up (launch → healthy): $STARTUP_EMPTY s on an empty database.${SCALE_NOTE:+ Scale: $SCALE_NOTE.}${SSE_NOTE:+

Live events: $SSE_NOTE.}${RETENTION_NOTE:+ Retention: $RETENTION_NOTE.}

Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo), $(uname -sr);
PostgreSQL $(db "show server_version") (fsync=$(db "show fsync"), synchronous_commit=$(db "show synchronous_commit"), shared_buffers=$(db "show shared_buffers")),
$("$JAVA" -version 2>&1 | head -1); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (at the start: $LOAD_AT_START).
Everything ran on this machine: server, PostgreSQL, Kafka and the load generators share its cores.
Command: bench/run-all.sh $ORIGINAL_ARGS
EOF
}
echo >&2
if [[ -n $OUT ]]; then report | tee "$OUT"; else report; fi
