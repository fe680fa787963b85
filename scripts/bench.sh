#!/usr/bin/env bash
# The one benchmark of issue 14: builds, starts a demo office on SQLite (and on
# PostgreSQL when SMARTSERVICE_TEST_POSTGRES_URL is set), and measures on loopback:
#   - the device page GET /a/{code} as a logged-in employee with wrk (16
#     connections) against a bare net/http server of the same bytes, and its p99
#     at 64 connections;
#   - filing over HTTP (POST /api/v1/tickets) with 8 clients, against a bare
#     SQLite insert loop with the same durability (WAL, synchronous=FULL, one
#     commit each) on the same disk, and how many notifications the filings made
#     were still waiting for delivery when the filing stopped (from /metrics:
#     work the rate leaves out); and against scripts/bench/barefiling, net/http
#     and a one-row insert with one commit per request on the same database (the
#     filing's ceiling, as the bare page is the device page's);
#   - the server's peak RSS over all of it;
#   - with SMARTSERVICE_BENCH_SQLITE_URL naming an office made by
#     "smartservice demo --tickets 1000000 --days 365 --seed 7": the journal's
#     first page with its per-status tabs at a million tickets (go test -bench).
# Prints one table. Needs wrk and curl. Bounded: every run has a duration, every
# process is stopped on exit.
# SMARTSERVICE_BENCH_PORT (default 18090) is the first of the loopback ports it
# uses, up to 6 above it (and each server's /metrics is 100 above its own port),
# so two people on one machine can run it at once. With
# SMARTSERVICE_BENCH_BIN naming a built server, that one is measured instead of
# this tree (a before and after on one machine, as the other bench scripts).
#   bash scripts/bench.sh [seconds-per-run]
set -euo pipefail
cd "$(dirname -- "${BASH_SOURCE[0]}")/.."
secs=${1:-8}
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

. scripts/bench/common.sh
server_binary "$work"
go build -o "$work/bare" ./scripts/bench/barepage
go build -o "$work/filer" ./scripts/bench/filer
go build -o "$work/loop" ./scripts/bench/sqliteloop
go build -o "$work/barefiling" ./scripts/bench/barefiling
rows=()

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }'; }
# wrk_stats ARGS…: "requests/s p99-ms"
wrk_stats() {
	wrk --latency "$@" | awk '/Requests\/sec/ {r=$2} / 99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; p=v} END {printf "%s %.1f\n", r, p}'
}

# measure NAME DATABASE_URL PORT
measure() {
	local name=$1 url=$2 port=$3 base="http://127.0.0.1:$3" code cookie problem pid ours bare p99 filed loop rss
	SMARTSERVICE_DATABASE_URL=$url SMARTSERVICE_ADDR=127.0.0.1:$port SMARTSERVICE_BASE_URL=$base SMARTSERVICE_LOG_LEVEL=warn \
		SMARTSERVICE_METRICS_ADDR=127.0.0.1:$((port + 100)) "$work/smartservice" --demo >"$work/$name.log" 2>&1 &
	pid=$!
	pids+=("$pid")
	wait_ready "$port"
	# Another server on the port answers /readyz too: ours must still be running.
	kill -0 "$pid" 2>/dev/null || { echo "$name: the server did not start (port $port taken?): $(tail -3 "$work/$name.log")" >&2; return 1; }
	login "$base" "$admin" "$work/$name-admin.jar"
	code=$(curl -fsS -b "$work/$name-admin.jar" "$base/assets" | grep -o '/a/[a-z2-7]\{16\}' | head -1 | cut -c4-)
	[[ -n $code ]] || { echo "$name: the demo office has no device" >&2; return 1; }
	login "$base" "$employee" "$work/$name-emp.jar"
	cookie=$(awk '(/^#HttpOnly_/ || !/^#/) && NF >= 7 {printf "%s%s=%s", sep, $6, $7; sep="; "}' "$work/$name-emp.jar")
	curl -fsS -H "Cookie: $cookie" -H 'Accept-Language: ru' -o "$work/$name-page.html" "$base/a/$code"
	problem=$(grep -o "/a/$code/report?problem=[0-9]*" "$work/$name-page.html" | head -1 | grep -o '[0-9]*$')
	[[ -n $problem ]] || { echo "$name: the device page offers no problem" >&2; return 1; }
	"$work/bare" -addr "127.0.0.1:$((port + 1))" -page "$work/$name-page.html" &
	pids+=($!)
	until curl -fsS -o /dev/null "http://127.0.0.1:$((port + 1))/" 2>/dev/null; do sleep 0.05; done

	local h=(-H "Cookie: $cookie" -H 'Accept-Language: ru')
	wrk -t2 -c16 -d2s "${h[@]}" "$base/a/$code" >/dev/null # warm-up
	read -r ours _ < <(wrk_stats -t2 -c16 -d"${secs}s" "${h[@]}" "$base/a/$code")
	read -r bare _ < <(wrk_stats -t2 -c16 -d"${secs}s" "http://127.0.0.1:$((port + 1))/a/$code")
	read -r _ p99 < <(wrk_stats -t2 -c64 -d"${secs}s" "${h[@]}" "$base/a/$code")
	rows+=("| device page, 16 conn, $name | $ours req/s | bare $bare req/s | $(ratio "$ours" "$bare")× |")
	rows+=("| device page p99, 64 conn, $name | $p99 ms | | |")

	filed=$("$work/filer" -base "$base" -email "$employee" -password "$password" -code "$code" -problem "$problem" -clients 8 -for "${secs}s")
	# Work the filing rate leaves out: the notifications not yet delivered.
	left=$(curl -fsS "http://127.0.0.1:$((port + 100))/metrics" | awk '/^smartservice_notifications_pending / {print $2}')
	rss=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status")
	# Stopped before the baselines run, which its deliveries would share the
	# CPUs with.
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	if [[ $name == sqlite ]]; then
		loop=$("$work/loop" -db "$work/loop.db" -for "${secs}s")
		rows+=("| filing over HTTP, 8 clients, $name | ${filed%% *} tickets/s | bare loop ${loop%% *} inserts/s | $(ratio "${filed%% *}" "${loop%% *}")× |")
		barefiled=$(bare_filing "$work" "$((port + 4))" -sqlite "$work/bare-filing.db")
	else
		rows+=("| filing over HTTP, 8 clients, $name | ${filed%% *} tickets/s | | |")
		barefiled=$(bare_filing "$work" "$((port + 4))" -postgres "$url")
	fi
	rows+=("| filing vs a bare HTTP insert, 8 clients, $name | ${filed%% *} tickets/s | bare ${barefiled%% *} inserts/s | $(ratio "${filed%% *}" "${barefiled%% *}")× |")
	rows+=("| notifications still to deliver when filing stopped, $name | ${left:-?} | | |")
	rows+=("| peak RSS, $name | $rss MB | | |")
}

port0=${SMARTSERVICE_BENCH_PORT:-18090}
measure sqlite "sqlite://$work/bench.db" "$port0"
if [[ -n ${SMARTSERVICE_TEST_POSTGRES_URL:-} ]]; then
	schema=bench_$$
	PGOPTIONS=--client-min-messages=warning psql -q "$SMARTSERVICE_TEST_POSTGRES_URL" -c "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema"
	sep='?'; [[ $SMARTSERVICE_TEST_POSTGRES_URL == *\?* ]] && sep='&'
	measure postgres "${SMARTSERVICE_TEST_POSTGRES_URL}${sep}search_path=$schema" "$((port0 + 2))" || true
	PGOPTIONS=--client-min-messages=warning psql -q "$SMARTSERVICE_TEST_POSTGRES_URL" -c "DROP SCHEMA IF EXISTS $schema CASCADE" || true
fi
if [[ -n ${SMARTSERVICE_BENCH_SQLITE_URL:-} ]]; then
	while read -r who p50 p95; do
		rows+=("| journal + tabs, $who, 1M tickets, sqlite | p50 $p50 ms | p95 $p95 ms | |")
	done < <(SMARTSERVICE_TEST_POSTGRES_URL= go test -run '^$' -bench 'BenchmarkCappedCounts/sqlite' -benchtime 30x ./internal/demo/ |
		awk '/^BenchmarkCappedCounts/ {split($1, n, "/"); sub(/-[0-9]+$/, "", n[3]); for (i = 2; i < NF; i++) { if ($(i+1) == "p50-ms") p50 = $i; if ($(i+1) == "p95-ms") p95 = $i }; print n[3], p50, p95}')
fi

echo
echo "| what | figure | baseline | ratio |"
echo "|---|---|---|---|"
printf '%s\n' "${rows[@]}"
