#!/usr/bin/env bash
# Measures the foundation's numbers on this machine: binary size, cold start to /readyz 200
# (SQLite, and PostgreSQL when SMARTSERVICE_TEST_POSTGRES_URL is set), idle RSS, and
# GET /healthz throughput of Smart Service against a bare net/http server, as a ratio.
# Needs wrk (apt-get install wrk). Everything runs on loopback and stops by itself.
#   bash scripts/bench-healthz.sh [seconds-per-wrk-run]
set -euo pipefail
cd "$(dirname -- "${BASH_SOURCE[0]}")/.."
secs=${1:-10}
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

go build -trimpath -ldflags '-s -w' -o "$work/smartservice" ./cmd/smartservice
go build -o "$work/bare" ./scripts/bench/barehealthz
printf 'binary size (stripped): %s bytes\n' "$(stat -c %s "$work/smartservice")"
go build -o "$work/smartservice-full" ./cmd/smartservice
printf 'binary size (default build): %s bytes\n' "$(stat -c %s "$work/smartservice-full")"

# cold_start NAME DATABASE_URL PORT: start, poll /readyz, print the time to the first 200.
cold_start() {
	local name=$1 url=$2 port=$3 start end
	start=$(date +%s%N)
	SMARTSERVICE_DATABASE_URL=$url SMARTSERVICE_ADDR=127.0.0.1:$port SMARTSERVICE_LOG_LEVEL=warn \
		"$work/smartservice" >"$work/$name.log" 2>&1 &
	pids+=($!)
	until curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null; do sleep 0.005; done
	end=$(date +%s%N)
	printf 'cold start to /readyz 200 on %s (fresh database, migrations included): %d ms\n' "$name" $(((end - start) / 1000000))
}

cold_start sqlite "sqlite://$work/bench.db" 18080
if [[ -n ${SMARTSERVICE_TEST_POSTGRES_URL:-} ]]; then
	schema=bench_$$
	psql -q "$SMARTSERVICE_TEST_POSTGRES_URL" -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema" >/dev/null
	sep='?'; [[ $SMARTSERVICE_TEST_POSTGRES_URL == *\?* ]] && sep='&'
	cold_start postgres "${SMARTSERVICE_TEST_POSTGRES_URL}${sep}search_path=$schema" 18082
fi
sleep 3
printf 'idle RSS (sqlite instance, after start): %s kB\n' "$(awk '/VmRSS/ {print $2}' "/proc/${pids[0]}/status")"

"$work/bare" -addr 127.0.0.1:18081 &
pids+=($!)
until curl -fsS -o /dev/null http://127.0.0.1:18081/healthz 2>/dev/null; do sleep 0.005; done

rps() { wrk -t2 -c32 -d"${secs}s" "$1" | awk '/Requests\/sec/ {print $2}'; }
wrk -t2 -c32 -d2s http://127.0.0.1:18080/healthz >/dev/null # warm-up
ours=$(rps http://127.0.0.1:18080/healthz)
bare=$(rps http://127.0.0.1:18081/healthz)
printf 'GET /healthz, wrk -t2 -c32 -d%ss: smartservice %s req/s, bare net/http %s req/s, ratio %s\n' \
	"$secs" "$ours" "$bare" "$(awk -v a="$ours" -v b="$bare" 'BEGIN { printf "%.2f", a / b }')"
printf 'RSS after load: %s kB\n' "$(awk '/VmRSS/ {print $2}' "/proc/${pids[0]}/status")"
if [[ -n ${SMARTSERVICE_TEST_POSTGRES_URL:-} ]]; then
	psql -q "$SMARTSERVICE_TEST_POSTGRES_URL" -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null || true
fi
