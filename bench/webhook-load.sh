#!/usr/bin/env bash
# Webhook load benchmark (ARCHITECTURE §8): webhook -> 3-step in-process recipe at 64 concurrent clients.
#
# Given a Braid server already running on 127.0.0.1, it
#   1. creates (or updates) the recipe bench/bench-three-step.yaml through the API,
#   2. runs wrk for DURATION seconds, each request a distinct JSON body (bench/webhook.lua),
#      and prints the 202-accept latency distribution,
#   3. reads Braid's runs table through psql: completed runs/s in the load window and the
#      received -> finished latency percentiles (bench/webhook-results.sql),
#   4. prints the figures' context and how to reproduce them.
# It stops by itself and talks to loopback addresses only.
#
# Usage: BRAID_ADMIN_PASSWORD=... bench/webhook-load.sh [options]
#   -p, --port PORT          Braid's HTTP port on 127.0.0.1            (BRAID_PORT, default 8080)
#   -d, --duration SECONDS   load duration                             (DURATION, default 60)
#   -c, --connections N      concurrent connections                    (CONNECTIONS, default 64)
#   -t, --threads N          wrk threads                               (THREADS, default 2)
#       --db URL             jdbc:postgresql://127.0.0.1:PORT/DB (or postgresql://...), instead of PG* variables
#       --drain SECONDS      how long to wait for the queue to drain   (DRAIN_TIMEOUT, default 120)
#   -h, --help
# Database (psql's own variables): PGHOST (default 127.0.0.1), PGPORT (default: the port the embedded
# PostgreSQL wrote to $BRAID_HOME/postgres.port, else 5432), PGUSER (postgres), PGPASSWORD (postgres),
# PGDATABASE (postgres). BRAID_HOME defaults to ./.braid of the repository (where `java -jar` ran).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
RECIPE_SLUG=bench-three-step
RECIPE_FILE=$BENCH_DIR/bench-three-step.yaml
LUA_SCRIPT=$BENCH_DIR/webhook.lua
RESULTS_SQL=$BENCH_DIR/webhook-results.sql

PORT=${BRAID_PORT:-8080}
DURATION=${DURATION:-60}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-120}
DB_URL=""

die() { echo "webhook-load: $*" >&2; exit 1; }

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

while (( $# > 0 )); do
  case "$1" in
    -p|--port) PORT=$2; shift 2 ;;
    -d|--duration) DURATION=$2; shift 2 ;;
    -c|--connections) CONNECTIONS=$2; shift 2 ;;
    -t|--threads) THREADS=$2; shift 2 ;;
    --db) DB_URL=$2; shift 2 ;;
    --drain) DRAIN_TIMEOUT=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

for n in "$PORT" "$DURATION" "$CONNECTIONS" "$THREADS" "$DRAIN_TIMEOUT"; do
  [[ $n =~ ^[0-9]+$ && $n -gt 0 ]] || die "'$n' is not a positive whole number"
done
[[ -n ${BRAID_ADMIN_PASSWORD:-} ]] || die "set BRAID_ADMIN_PASSWORD to the server's admin password"

# ---- tools -----------------------------------------------------------------------------------------

apt_install() {
  if (( EUID != 0 )) || ! command -v apt-get >/dev/null; then
    die "$1 is missing; install the Debian package '$2' (apt-get install -y $2)"
  fi
  echo "Installing $2 ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}
command -v curl >/dev/null || apt_install curl curl
command -v wrk >/dev/null || apt_install wrk wrk
command -v psql >/dev/null || apt_install psql postgresql-client

# ---- where: loopback only --------------------------------------------------------------------------

BASE_URL="http://127.0.0.1:$PORT"

if [[ -n $DB_URL ]]; then
  # jdbc:postgresql://host:port/db?params or postgresql://[user[:password]@]host:port/db
  rest=${DB_URL#jdbc:}
  rest=${rest#postgresql://}
  rest=${rest#postgres://}
  rest=${rest%%\?*}
  if [[ $rest == *@* ]]; then
    userinfo=${rest%%@*}
    rest=${rest#*@}
    export PGUSER=${userinfo%%:*}
    [[ $userinfo == *:* ]] && export PGPASSWORD=${userinfo#*:}
  fi
  hostport=${rest%%/*}
  [[ $rest == */* ]] && export PGDATABASE=${rest#*/}
  export PGHOST=${hostport%%:*}
  [[ $hostport == *:* ]] && export PGPORT=${hostport##*:}
fi

BRAID_HOME=${BRAID_HOME:-$REPO_DIR/.braid}
if [[ -z ${PGPORT:-} && -r $BRAID_HOME/postgres.port ]]; then
  PGPORT=$(tr -dc '0-9' < "$BRAID_HOME/postgres.port")
fi
export PGHOST=${PGHOST:-127.0.0.1}
export PGPORT=${PGPORT:-5432}
export PGUSER=${PGUSER:-postgres}
export PGPASSWORD=${PGPASSWORD:-postgres}
export PGDATABASE=${PGDATABASE:-postgres}
export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-5}
case $PGHOST in
  127.0.0.1|localhost|::1|/*) ;;   # a path is a Unix socket directory: local too
  *) die "PGHOST=$PGHOST is not a loopback address; this benchmark only talks to 127.0.0.1" ;;
esac

db() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
db_value() { db -A -t -c "$1"; }

# ---- preflight -------------------------------------------------------------------------------------

health=$(curl -sS --max-time 5 "$BASE_URL/actuator/health" 2>&1) \
  || die "no Braid server answers on $BASE_URL ($health). Start one first: java -jar app/target/braid.jar"
echo "Server $BASE_URL: $health"
db_value "select 1" >/dev/null \
  || die "cannot reach PostgreSQL at $PGHOST:$PGPORT/$PGDATABASE as $PGUSER (set PGPORT, or --db)"
echo "Database: $PGUSER@$PGHOST:$PGPORT/$PGDATABASE"

api() {  # api METHOD PATH [curl args...] -> prints the body, returns 0 on 2xx
  local method=$1 path=$2 out status
  shift 2
  out=$(mktemp)
  status=$(curl -sS --max-time 30 -o "$out" -w '%{http_code}' -X "$method" -u "admin:$BRAID_ADMIN_PASSWORD" \
    "$@" "$BASE_URL$path") || status=000
  cat "$out"
  rm -f "$out"
  [[ $status == 2* ]] || { echo >&2; echo "HTTP $status on $method $path" >&2; return 1; }
}

echo "Creating recipe $RECIPE_SLUG from ${RECIPE_FILE#"$REPO_DIR"/} ..."
if api GET "/api/v1/recipes/$RECIPE_SLUG" >/dev/null 2>&1; then
  api PUT "/api/v1/recipes/$RECIPE_SLUG" -H 'Content-Type: application/yaml' --data-binary "@$RECIPE_FILE" >/dev/null \
    || die "could not update the recipe"
  api POST "/api/v1/recipes/$RECIPE_SLUG/enable" >/dev/null || true
else
  api POST /api/v1/recipes -H 'Content-Type: application/yaml' --data-binary "@$RECIPE_FILE" >/dev/null \
    || die "could not create the recipe (is the admin password right?)"
fi

TAG="b$(date +%s)-$$"
probe=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  --data "{\"id\":\"$TAG-probe\",\"n\":0}" "$BASE_URL/hooks/$RECIPE_SLUG") || probe=000
[[ $probe == 202 ]] || die "a probe webhook got HTTP $probe instead of 202"

# ---- load ------------------------------------------------------------------------------------------

echo
echo "Load: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s on POST /hooks/$RECIPE_SLUG (tag $TAG)"
T0=$(db_value "select clock_timestamp()")
timeout --kill-after=10 $((DURATION + 60)) \
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency \
      -s "$LUA_SCRIPT" "$BASE_URL/hooks/$RECIPE_SLUG" -- "$TAG"
T1=$(db_value "select clock_timestamp()")

# Runs accepted in the window may still be queued; wait (bounded) so the latency covers all of them.
echo
printf 'Waiting up to %ss for the queue to drain ' "$DRAIN_TIMEOUT"
deadline=$((SECONDS + DRAIN_TIMEOUT))
while :; do
  pending=$(db_value "select count(*) from runs where recipe = '$RECIPE_SLUG'
                        and created_at >= '$T0' and status in ('queued', 'running', 'retrying', 'waiting')")
  (( pending == 0 )) && { echo "- drained"; break; }
  (( SECONDS >= deadline )) && { echo "- $pending runs still pending, reported as backlog"; break; }
  printf '.'
  sleep 1
done

# ---- results ---------------------------------------------------------------------------------------

echo
echo "Load window (database clock): $T0 .. $T1"
db -P pager=off -v recipe="$RECIPE_SLUG" -v t0="$T0" -v t1="$T1" -f "$RESULTS_SQL"

cat <<EOF

Targets (ARCHITECTURE §8, 2 cores, embedded PostgreSQL with fsync and synchronous commit on):
  >= 2,000 completed runs/s for 60 s, p99 received->finished <= 50 ms, p99 accept (202) <= 10 ms.

Context: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //'), \
$(uname -sr), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), \
PostgreSQL $(db_value "show server_version"), fsync=$(db_value "show fsync"), \
synchronous_commit=$(db_value "show synchronous_commit"), $(date -u +%Y-%m-%dT%H:%M:%SZ).

Reproduce:
  ./mvnw -B -DskipTests package
  BRAID_ADMIN_PASSWORD=<password> java -jar app/target/braid.jar &    # embedded PostgreSQL, port in .braid/postgres.port
  BRAID_ADMIN_PASSWORD=<password> bench/webhook-load.sh -p $PORT -d $DURATION -c $CONNECTIONS -t $THREADS
Everything ran on this machine: the server, its database and wrk share its cores.
EOF
