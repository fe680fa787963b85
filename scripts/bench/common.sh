# Shared by the bench scripts (sourced, not run): the demo office's accounts and
# the two steps every script takes against a server it started.

password=demo-office-2026
admin=elena.morozova@demo.office
employee=anna.petrova@demo.office

# server_binary DIR: the server to measure, as DIR/smartservice: a copy of
# SMARTSERVICE_BENCH_BIN when it names a built binary (a before and after on one
# machine), else built from this tree, with -tags pprof when
# SMARTSERVICE_BENCH_PROFILE names a directory for CPU profiles (made here).
server_binary() {
	local tags=()
	if [[ -n ${SMARTSERVICE_BENCH_PROFILE:-} ]]; then
		tags=(-tags pprof)
		mkdir -p "$SMARTSERVICE_BENCH_PROFILE"
	fi
	if [[ -n ${SMARTSERVICE_BENCH_BIN:-} ]]; then
		cp "$SMARTSERVICE_BENCH_BIN" "$1/smartservice"
	else
		go build "${tags[@]}" -o "$1/smartservice" ./cmd/smartservice
	fi
}

# wait_ready PORT: poll /readyz for at most 60 s.
wait_ready() {
	for _ in $(seq 600); do
		curl -fsS -o /dev/null "http://127.0.0.1:$1/readyz" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "the server on port $1 did not get ready" >&2
	return 1
}

# login BASE EMAIL JAR: log in as EMAIL, the session's cookie kept in JAR.
login() {
	curl -fsS -o /dev/null -c "$3" -b "$3" --data-urlencode "email=$2" --data-urlencode "password=$password" "$1/login"
}

# bare_filing DIR PORT -sqlite FILE | -postgres URL: the filing rate of
# scripts/bench/barefiling (net/http and a one-row insert, one commit per
# request) with $clients clients (8 when unset) for $secs seconds, as the filer
# prints it ("N tickets/s (...)"). DIR holds the built barefiling and filer.
bare_filing() {
	local dir=$1 port=$2 pid out
	shift 2
	"$dir/barefiling" -addr "127.0.0.1:$port" "$@" &
	pid=$!
	until curl -fsS -o /dev/null -X POST "http://127.0.0.1:$port/api/v1/auth/login" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || { echo "barefiling did not start" >&2; return 1; }
		sleep 0.05
	done
	out=$("$dir/filer" -base "http://127.0.0.1:$port" -code bare -problem 1 -clients "${clients:-8}" -for "${secs}s")
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	echo "$out"
}
