#!/usr/bin/env bash
# Measures the device page (GET /a/{code}, the page behind every QR code) of a
# running demo office, logged in as an employee, against a bare net/http server
# serving the same bytes, with wrk over loopback; prints both rates, their ratio
# and the page's size. SQLite always; PostgreSQL too when SMARTSERVICE_TEST_POSTGRES_URL
# is set. Needs wrk and curl. Everything runs on 127.0.0.1 and stops by itself.
#   bash scripts/bench-device.sh [seconds-per-wrk-run] [connections]
set -euo pipefail
cd "$(dirname -- "${BASH_SOURCE[0]}")/.."
secs=${1:-5}
conns=${2:-16}
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

. scripts/bench/common.sh
server_binary "$work"
go build -o "$work/bare" ./scripts/bench/barepage

# a_device BASE JAR: prints the code of a device of the demo office, making one
# through the admin pages when the demo has none yet.
a_device() {
	local base=$1 jar=$2 code class type problem
	code=$(curl -fsS -b "$jar" "$base/assets" | grep -o '/a/[a-z2-7]\{16\}' | head -1 | cut -c4- || true)
	if [[ -z $code ]]; then
		curl -fsS -o /dev/null -b "$jar" --data-urlencode "name_en=IT equipment" --data-urlencode "name_ru=ИТ-оборудование" "$base/catalogue/classes"
		class=$(curl -fsS -b "$jar" "$base/catalogue" | grep -o 'action="/catalogue/classes/[0-9]*"' | head -1 | grep -o '[0-9]*')
		curl -fsS -o /dev/null -b "$jar" --data-urlencode "name_en=Printer" --data-urlencode "name_ru=Принтер" -d "service_class_id=$class" "$base/catalogue/types"
		type=$(curl -fsS -b "$jar" "$base/catalogue" | grep -o 'href="/catalogue/types/[0-9]*"' | head -1 | grep -o '[0-9]*')
		for p in "Out of paper|Закончилась бумага" "Paper jam|Замялась бумага" "Does not print|Не печатает"; do
			curl -fsS -o /dev/null -b "$jar" --data-urlencode "name_en=${p%%|*}" --data-urlencode "name_ru=${p#*|}" "$base/catalogue/problems"
			problem=$(curl -fsS -b "$jar" "$base/catalogue/types/$type" | grep -o '<option value="[0-9]*"' | head -1 | grep -o '[0-9]*')
			curl -fsS -o /dev/null -b "$jar" -d "problem_id=$problem" --data-urlencode "self_help_ru=Бумага — в шкафу под принтером." "$base/catalogue/types/$type/offers"
		done
		curl -fsS -o /dev/null -b "$jar" --data-urlencode "name=Принтер HP LaserJet M428" -d "service_type_id=$type" \
			--data-urlencode "building=Корпус А" --data-urlencode "floor=3 этаж" --data-urlencode "room=301" \
			--data-urlencode "instructions=Инструкция: https://wiki.office.example/printers/hp" "$base/assets"
		code=$(curl -fsS -b "$jar" "$base/assets" | grep -o '/a/[a-z2-7]\{16\}' | head -1 | cut -c4-)
	fi
	echo "$code"
}

rps() { wrk -t2 -c"$conns" -d"${secs}s" "$@" | awk '/Requests\/sec/ {print $2}'; }
# wrk_stats ARGS…: "requests/s requests p99-ms"
wrk_stats() {
	wrk --latency "$@" | awk '/Requests\/sec/ {r=$2} / requests in / {n=$1} / 99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; p=v} END {printf "%s %s %.1f\n", r, n, p}'
}

# measure NAME DATABASE_URL PORT
measure() {
	local name=$1 url=$2 port=$3 base="http://127.0.0.1:$3" code cookie status ours bare pid n p99 cpu0 cpu1 profiler=
	SMARTSERVICE_DATABASE_URL=$url SMARTSERVICE_ADDR=127.0.0.1:$port SMARTSERVICE_BASE_URL=$base SMARTSERVICE_LOG_LEVEL=warn \
		SMARTSERVICE_PPROF_ADDR=127.0.0.1:$((port + 2)) "$work/smartservice" --demo >"$work/$name.log" 2>&1 &
	pid=$!
	pids+=("$pid")
	wait_ready "$port"
	login "$base" "$admin" "$work/$name-admin.jar"
	code=$(a_device "$base" "$work/$name-admin.jar")
	[[ -n $code ]] || { echo "$name: no device to measure" >&2; return 1; }
	login "$base" "$employee" "$work/$name-emp.jar"
	# curl marks HttpOnly cookies with a "#HttpOnly_" prefix; other "#" lines are comments.
	cookie=$(awk '(/^#HttpOnly_/ || !/^#/) && NF >= 7 {printf "%s%s=%s", sep, $6, $7; sep="; "}' "$work/$name-emp.jar")
	# The page as wrk will get it: with this header alone, it must be the device page.
	status=$(curl -sS -H "Cookie: $cookie" -H 'Accept-Language: ru' -o "$work/$name-page.html" -w '%{http_code}' "$base/a/$code")
	[[ $status == 200 ]] || { echo "$name: the device page answered $status with the session cookie" >&2; return 1; }
	grep -q 'class="problem"' "$work/$name-page.html" || { echo "$name: the device page has no problem buttons" >&2; return 1; }
	"$work/bare" -addr "127.0.0.1:$((port + 1))" -page "$work/$name-page.html" &
	pids+=($!)
	until curl -fsS -o /dev/null "http://127.0.0.1:$((port + 1))/" 2>/dev/null; do sleep 0.05; done

	wrk -t2 -c"$conns" -d2s -H "Cookie: $cookie" -H 'Accept-Language: ru' "$base/a/$code" >/dev/null # warm-up
	if [[ -n ${SMARTSERVICE_BENCH_PROFILE:-} ]]; then
		curl -fsS -o "$SMARTSERVICE_BENCH_PROFILE/$name.device.cpu.pprof" "http://127.0.0.1:$((port + 2))/debug/pprof/profile?seconds=$((secs - 1))" &
		profiler=$!
	fi
	cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
	read -r ours n _ < <(wrk_stats -t2 -c"$conns" -d"${secs}s" -H "Cookie: $cookie" -H 'Accept-Language: ru' "$base/a/$code")
	cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
	[[ -z $profiler ]] || wait "$profiler"
	bare=$(rps "http://127.0.0.1:$((port + 1))/a/$code")
	read -r _ _ p99 < <(wrk_stats -t2 -c64 -d"${secs}s" -H "Cookie: $cookie" -H 'Accept-Language: ru' "$base/a/$code")
	printf '%s: GET /a/{code} logged in, wrk -t2 -c%s -d%ss: smartservice %s req/s, bare net/http %s req/s, ratio %s; p99 at 64 conn %s ms; page %s bytes\n' \
		"$name" "$conns" "$secs" "$ours" "$bare" "$(awk -v a="$ours" -v b="$bare" 'BEGIN { printf "%.3f", a / b }')" \
		"$p99" "$(stat -c %s "$work/$name-page.html")"
	kill "$pid" 2>/dev/null || true # the next database's run has the cores to itself
	echo "  $name: server CPU $(awk -v c=$((cpu1 - cpu0)) -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", c * 1e6 / hz / n }') µs per request ($n requests)" >&2
}

port0=${SMARTSERVICE_BENCH_PORT:-18090}
measure sqlite "sqlite://$work/bench.db" "$port0"
if [[ -n ${SMARTSERVICE_TEST_POSTGRES_URL:-} ]]; then
	schema=bench_device_$$
	PGOPTIONS=--client-min-messages=warning psql -q "$SMARTSERVICE_TEST_POSTGRES_URL" -c "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema"
	sep='?'; [[ $SMARTSERVICE_TEST_POSTGRES_URL == *\?* ]] && sep='&'
	measure postgres "${SMARTSERVICE_TEST_POSTGRES_URL}${sep}search_path=$schema" "$((port0 + 3))" || true
	PGOPTIONS=--client-min-messages=warning psql -q "$SMARTSERVICE_TEST_POSTGRES_URL" -c "DROP SCHEMA IF EXISTS $schema CASCADE" || true
fi
uptime >&2
