#!/usr/bin/env bash
# The filing half of scripts/bench.sh, alone: starts a demo office on SQLite (and
# on PostgreSQL when SMARTSERVICE_TEST_POSTGRES_URL is set), files tickets over
# HTTP (POST /api/v1/tickets) with 8 clients, runs the bare SQLite insert loop of
# the same durability on the same disk right after, and prints both with their
# ratio. With SMARTSERVICE_BENCH_PROFILE=DIR the server is built with -tags pprof
# and a CPU profile of the filing run is written to DIR/NAME.cpu.pprof. It also
# prints the server's CPU time per acknowledged ticket (user + system, from
# /proc), a figure that the machine's load moves far less than the rate; with
# SMARTSERVICE_BENCH_BIN naming a built binary, that one is measured (a before
# and after on the same machine). On PostgreSQL it also prints the database's
# CPU per ticket: the server's connections carry application_name=NAME, and the
# CPU of their backends is read from /proc (a cluster on this machine, as the
# test cluster is; elsewhere that figure is left out). It prints how many
# notifications were still waiting for delivery when the filing stopped (read
# from /metrics), work the rate leaves out; with SMARTSERVICE_BENCH_DRAIN=1 it
# then waits (300 s at most) until every one was delivered and prints the CPU per
# ticket of filing and telling together. It also files with as many clients
# against scripts/bench/barefiling (net/http and a one-row insert, one commit
# per request, on the same database) and prints the ratio. Loopback only; every
# run has a duration and every process is stopped on exit.
# SMARTSERVICE_BENCH_ONLY=postgres skips SQLite.
#   bash scripts/bench-filing.sh [seconds] [clients]
set -euo pipefail
cd "$(dirname -- "${BASH_SOURCE[0]}")/.."
secs=${1:-8}
clients=${2:-8}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

. scripts/bench/common.sh
server_binary "$work"
go build -o "$work/filer" ./scripts/bench/filer
go build -o "$work/loop" ./scripts/bench/sqliteloop
go build -o "$work/barefiling" ./scripts/bench/barefiling

# backends_cpu NAME: the CPU ticks so far of the PostgreSQL backends whose
# application_name is NAME ("-" when they are not on this machine). Backends that
# start later count from zero, which is what a new connection costs.
backends_cpu() {
	local total=0 p t
	for p in $(psql -qAt "$SMARTSERVICE_TEST_POSTGRES_URL" -c "SELECT pid FROM pg_stat_activity WHERE application_name = '$1'"); do
		t=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null) || { echo -; return; }
		total=$((total + t))
	done
	echo "$total"
}

# measure NAME DATABASE_URL PORT
measure() {
	local name=$1 url=$2 port=$3 base="http://127.0.0.1:$3" code problem pid filed loop prof= profiler= cpu0 cpu1 n
	SMARTSERVICE_DATABASE_URL=$url SMARTSERVICE_ADDR=127.0.0.1:$port SMARTSERVICE_BASE_URL=$base SMARTSERVICE_LOG_LEVEL=warn \
		SMARTSERVICE_PPROF_ADDR=127.0.0.1:$((port + 2)) SMARTSERVICE_METRICS_ADDR=127.0.0.1:$((port + 3)) \
		"$work/smartservice" --demo >"$work/$name.log" 2>&1 &
	pid=$!
	pids+=("$pid")
	wait_ready "$port"
	login "$base" "$admin" "$work/$name.jar"
	code=$(curl -fsS -b "$work/$name.jar" "$base/assets" | grep -o '/a/[a-z2-7]\{16\}' | head -1 | cut -c4-)
	problem=$(curl -fsS -b "$work/$name.jar" "$base/a/$code" | grep -o "/a/$code/report?problem=[0-9]*" | head -1 | grep -o '[0-9]*$')
	[[ -n $code && -n $problem ]] || { echo "$name: no device or problem in the demo office" >&2; return 1; }
	if [[ -n ${SMARTSERVICE_BENCH_PROFILE:-} ]]; then
		prof="$SMARTSERVICE_BENCH_PROFILE/$name.cpu.pprof"
		curl -fsS -o "$prof" "http://127.0.0.1:$((port + 2))/debug/pprof/profile?seconds=$((secs - 1))" &
		profiler=$!
	fi
	cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
	[[ $name == sqlite ]] || db0=$(backends_cpu "$name")
	filed=$("$work/filer" -base "$base" -email "$employee" -password "$password" -code "$code" -problem "$problem" -clients "$clients" -for "${secs}s")
	# The notifications still waiting when the filing stopped: their delivery is
	# work the run's rate leaves out (it competes with filing for the CPU).
	left=$(curl -fsS "http://127.0.0.1:$((port + 3))/metrics" | awk '/^smartservice_notifications_pending / {print $2}')
	[[ -z $profiler ]] || wait "$profiler"
	sleep 1 # the notifications' jobs of the last tickets
	cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
	[[ $name == sqlite ]] || db1=$(backends_cpu "$name")
	n=$(grep -o '([0-9]* filed' <<<"$filed" | grep -o '[0-9]*')
	local drained=
	if [[ -n ${SMARTSERVICE_BENCH_DRAIN:-} ]]; then
		# Every notification delivered: the whole cost of a ticket, filing and
		# telling, per ticket. Bounded: 300 s at most.
		local t0=$SECONDS pending=1 c2 d2=
		while ((SECONDS - t0 < 300)); do
			pending=$(curl -fsS "http://127.0.0.1:$((port + 3))/metrics" | awk '/^smartservice_notifications_pending / {print $2}')
			[[ $pending == 0 ]] && break
			sleep 0.5
		done
		c2=$(awk '{print $14 + $15}' "/proc/$pid/stat")
		[[ $name == sqlite ]] || d2=$(backends_cpu "$name")
		drained="; delivering them took $((SECONDS - t0 + 1)) s more ($pending left); with it, server CPU $(awk -v c=$((c2 - cpu0)) -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", c * 1000 / hz / n }') ms per ticket"
		if [[ -n $d2 && $d2 != -* ]]; then
			drained+=", database CPU $(awk -v a="$db0" -v b="$d2" -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) * 1000 / hz / n }') ms"
		fi
	fi
	kill "$pid" 2>/dev/null || true
	if [[ $name == sqlite ]]; then
		loop=$("$work/loop" -db "$work/loop.db" -for "${secs}s")
		awk -v n="$name" -v f="${filed%% *}" -v l="${loop%% *}" -v c="$clients" \
			'BEGIN { printf "| filing over HTTP, %d clients, %s | %s tickets/s | bare loop %s inserts/s | %.3f× |\n", c, n, f, l, f / l }'
		barefiled=$(bare_filing "$work" "$((port + 4))" -sqlite "$work/bare-filing.db")
	else
		echo "| filing over HTTP, $clients clients, $name | ${filed%% *} tickets/s | | |"
		barefiled=$(bare_filing "$work" "$((port + 4))" -postgres "$url")
	fi
	awk -v n="$name" -v c="$clients" -v f="${filed%% *}" -v b="${barefiled%% *}" \
		'BEGIN { printf "| filing vs a bare HTTP insert, %d clients, %s | %s tickets/s | bare %s inserts/s | %.3f× |\n", c, n, f, b, f / b }'
	local hz dbcpu=
	hz=$(getconf CLK_TCK)
	if [[ -n ${db1:-} && $db1 != -* ]]; then
		dbcpu="; database CPU $(awk -v a="$db0" -v b="$db1" -v n="$n" -v hz="$hz" 'BEGIN { printf "%.2f", (b - a) * 1000 / hz / n }') ms per ticket"
	fi
	echo "  $name: $filed; server CPU $(awk -v c=$((cpu1 - cpu0)) -v n="$n" -v hz="$hz" 'BEGIN { printf "%.2f", c * 1000 / hz / n }') ms per ticket$dbcpu; ${left:-?} notifications still to deliver when the filing stopped$drained" >&2
}

[[ ${SMARTSERVICE_BENCH_ONLY:-} == postgres ]] || measure sqlite "sqlite://$work/bench.db" 18190
if [[ -n ${SMARTSERVICE_TEST_POSTGRES_URL:-} ]]; then
	schema=benchfiling_$$
	PGOPTIONS=--client-min-messages=warning psql -q "$SMARTSERVICE_TEST_POSTGRES_URL" -c "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema"
	sep='?'; [[ $SMARTSERVICE_TEST_POSTGRES_URL == *\?* ]] && sep='&'
	measure postgres "${SMARTSERVICE_TEST_POSTGRES_URL}${sep}search_path=$schema&application_name=postgres" 18192 || true
	PGOPTIONS=--client-min-messages=warning psql -q "$SMARTSERVICE_TEST_POSTGRES_URL" -c "DROP SCHEMA IF EXISTS $schema CASCADE" || true
fi
uptime >&2
