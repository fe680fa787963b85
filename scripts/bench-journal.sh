#!/usr/bin/env bash
# The journal as its readers get it: GET /tickets (the first page with its
# per-status tabs, rendered) over HTTP, one request at a time, for the
# administrator, a head, an executor and an employee of the demo office, against
# an office already made (for issue 14: "smartservice demo --tickets 1000000
# --days 365 --seed 7" on SQLite or PostgreSQL). Prints, per reader, p50 and p95 of
# the request's time (curl's time_total) and the server's CPU time per page (user +
# system, from /proc), which the machine's load moves far less than the times.
# With SMARTSERVICE_BENCH_BIN naming a built binary, that one is measured (before
# and after, alternated, on the same machine). Loopback only; each reader's run is
# bounded by seconds and by 1,000 requests, and the server is stopped on exit.
#   bash scripts/bench-journal.sh DATABASE_URL [seconds-per-reader]
set -euo pipefail
cd "$(dirname -- "${BASH_SOURCE[0]}")/.."
url=${1:?usage: bash scripts/bench-journal.sh DATABASE_URL [seconds-per-reader]}
secs=${2:-8}
port=${SMARTSERVICE_BENCH_PORT:-18290}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

. scripts/bench/common.sh
server_binary "$work"
base="http://127.0.0.1:$port"
SMARTSERVICE_DATABASE_URL=$url SMARTSERVICE_ADDR=127.0.0.1:$port SMARTSERVICE_BASE_URL=$base SMARTSERVICE_LOG_LEVEL=warn \
	"$work/smartservice" serve >"$work/server.log" 2>&1 &
pid=$!
pids+=("$pid")
wait_ready "$port"
kill -0 "$pid" 2>/dev/null || { echo "the server did not start (port $port taken?): $(tail -3 "$work/server.log")" >&2; exit 1; }

hz=$(getconf CLK_TCK)
echo "| journal + tabs over HTTP, $(sed -E 's#://[^@]*@#://#; s#\?.*##' <<<"$url") | p50 | p95 | server CPU per page | pages |"
echo "|---|---|---|---|---|"
for who in elena.morozova sergey.volkov ivan.sidorov anna.petrova; do
	jar="$work/$who.jar"
	login "$base" "$who@demo.office" "$jar"
	# The first pages warm the process's caches and the database's pages: what a
	# reader gets after the server has served a while is measured.
	for _ in 1 2 3; do
		curl -fsS -o "$work/page.html" -b "$jar" "$base/tickets"
	done
	grep -q 'T-[0-9]' "$work/page.html" || { echo "$who: the journal lists no ticket" >&2; exit 1; }
	: >"$work/took"
	cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
	end=$((SECONDS + secs))
	# Twenty pages per curl on one kept-alive connection, as a browser keeps it:
	# a curl started per page would spend the machine's time on starting curl.
	for _ in $(seq 50); do
		((SECONDS < end)) || break
		curl -fsS -b "$jar" -w '%{time_total}\n' $(printf -- "-o /dev/null $base/tickets %.0s" $(seq 20)) >>"$work/took"
	done
	cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
	sort -g "$work/took" | awk -v who="$who" -v c=$((cpu1 - cpu0)) -v hz="$hz" '{ t[NR] = $1 * 1000 }
		END { printf "| %s | %.1f ms | %.1f ms | %.2f ms | %d |\n", who, t[int(0.50 * (NR - 1)) + 1], t[int(0.95 * (NR - 1)) + 1], c * 1000 / hz / NR, NR }'
done
uptime >&2
