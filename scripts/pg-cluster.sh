#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for Smart Service tests (CI and local development).
#
#   scripts/pg-cluster.sh start DIR   initialise (if needed) and start a cluster in DIR;
#                                     prints ONE line on stdout: the connection URL
#   scripts/pg-cluster.sh stop DIR    stop the cluster in DIR (pg_ctl stop -m fast)
#
# The cluster listens on 127.0.0.1 only, on a free port (tried from 55432
# upward), with its unix socket inside DIR. Durability is switched off
# (fsync, synchronous_commit, full_page_writes): it is for tests only.
# A role "smartservice" (password "smartservice", CREATEDB) owns the database
# "smartservice_test". "start" on a DIR whose cluster is already running just
# prints its URL; on a DIR holding a stopped cluster it starts it again.
#
# PostgreSQL server binaries are taken from $PG_BINDIR if set, otherwise from
# the highest /usr/lib/postgresql/*/bin (Debian/Ubuntu layout), otherwise from
# the directory of pg_ctl on PATH. PostgreSQL refuses to run as root: as root
# the cluster runs as the "postgres" system user (created by Debian's
# postgresql package); otherwise as the current user.
#
# Diagnostics go to stderr; the server log is DIR/postgres.log.

set -euo pipefail

readonly ROLE=smartservice
readonly ROLE_PASSWORD=smartservice
readonly DATABASE=smartservice_test
readonly FIRST_PORT=55432
readonly PORT_TRIES=200
readonly START_ATTEMPTS=5
readonly READY_TIMEOUT=60 # seconds

prog=${0##*/}

log() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() {
	printf '%s: error: %s\n' "$prog" "$*" >&2
	exit 1
}
usage() {
	printf 'usage: %s start DIR | stop DIR\n' "$prog" >&2
	exit 2
}

[[ $# -eq 2 ]] || usage
cmd=$1
dir_arg=$2
[[ -n $dir_arg ]] || usage
case $cmd in start | stop) ;; *) usage ;; esac

# Never let the caller's libpq / locale environment leak into the commands below.
# (PG_BINDIR is this script's own setting, see above.)
while IFS= read -r v; do [[ $v == PG_BINDIR ]] || unset "$v"; done < <(compgen -e | grep '^PG' || true)
export LC_ALL=C

# --- paths ---------------------------------------------------------------------

if [[ $cmd == start ]]; then
	mkdir -p -- "$dir_arg" || die "cannot create directory $dir_arg"
fi
if [[ ! -d $dir_arg ]]; then
	[[ $cmd == stop ]] || die "$dir_arg: no such directory"
	log "$dir_arg does not exist; nothing to stop"
	exit 0
fi
DIR=$(cd -- "$dir_arg" && pwd -P)
DATA=$DIR/data
SOCKDIR=$DIR/run
LOGFILE=$DIR/postgres.log
# Run everything from / so that a cwd unreadable by the postgres user (e.g. /root) does not matter.
cd /

# --- binaries ------------------------------------------------------------------

find_bindir() {
	local want=${1:-} d best=
	if [[ -n ${PG_BINDIR:-} ]]; then
		[[ -x $PG_BINDIR/pg_ctl ]] || die "PG_BINDIR=$PG_BINDIR does not contain pg_ctl"
		printf '%s\n' "$PG_BINDIR"
		return
	fi
	if [[ -n $want ]]; then
		# An existing cluster must be run by the major version that created it.
		if [[ -x /usr/lib/postgresql/$want/bin/pg_ctl ]]; then
			printf '%s\n' "/usr/lib/postgresql/$want/bin"
			return
		fi
	fi
	best=$(for d in /usr/lib/postgresql/*/bin; do
		[[ -x $d/initdb && -x $d/pg_ctl && -x $d/postgres ]] && printf '%s\n' "$d"
	done | sort -V | tail -n 1)
	if [[ -z $best ]] && command -v pg_ctl >/dev/null 2>&1; then
		best=$(dirname -- "$(command -v pg_ctl)")
	fi
	[[ -n $best ]] || die "PostgreSQL is not installed: apt-get install postgresql (or set PG_BINDIR to the directory holding initdb and pg_ctl)"
	printf '%s\n' "$best"
}

pg_version_of() { # pg_version_of BINDIR: e.g. "15.13" from "postgres (PostgreSQL) 15.13 (Debian ...)"
	"$1/postgres" --version | awk '{print $3}'
}

existing_version=
[[ -f $DATA/PG_VERSION ]] && existing_version=$(<"$DATA/PG_VERSION")
BINDIR=$(find_bindir "$existing_version")
for b in initdb pg_ctl postgres pg_isready psql; do
	if [[ -x $BINDIR/$b ]]; then
		:
	elif [[ $b == psql || $b == pg_isready ]] && command -v "$b" >/dev/null 2>&1; then
		: # client tools may live elsewhere (e.g. /usr/bin on some distributions)
	else
		die "$BINDIR/$b not found: is PostgreSQL fully installed? (apt-get install postgresql)"
	fi
done
client() { # client BINARY: path of a client tool
	if [[ -x $BINDIR/$1 ]]; then printf '%s\n' "$BINDIR/$1"; else command -v "$1"; fi
}
PSQL=$(client psql)
PG_ISREADY=$(client pg_isready)

if [[ -n $existing_version ]]; then
	bin_version=$(pg_version_of "$BINDIR" | sed -E 's/^([0-9]+).*/\1/')
	[[ $bin_version == "$existing_version" ]] ||
		die "$DATA was created by PostgreSQL $existing_version but only version $bin_version binaries were found in $BINDIR; delete $DIR or install postgresql-$existing_version"
fi

# --- user to run the server as ---------------------------------------------------

RUN_USER=
if [[ $(id -u) -eq 0 ]]; then
	if [[ -d $DATA ]] && [[ $(stat -c %u -- "$DATA") -ne 0 ]]; then
		RUN_USER=$(stat -c %U -- "$DATA")
	else
		RUN_USER=postgres
	fi
	id -u "$RUN_USER" >/dev/null 2>&1 ||
		die "running as root, but there is no '$RUN_USER' system user to run PostgreSQL as (apt-get install postgresql creates it)"
fi

as_owner() { # run a command as the cluster owner
	if [[ -z $RUN_USER ]]; then
		"$@"
	elif command -v runuser >/dev/null 2>&1; then
		runuser -u "$RUN_USER" -- "$@"
	else
		su -s /bin/sh -c '"$@"' "$RUN_USER" sh "$@"
	fi
}

# --- helpers -------------------------------------------------------------------

is_running() { as_owner "$BINDIR/pg_ctl" status -D "$DATA" >/dev/null 2>&1; }

running_port() { # the port of the running postmaster (line 4 of postmaster.pid)
	local p
	p=$(sed -n 4p -- "$DATA/postmaster.pid" 2>/dev/null || as_owner sed -n 4p -- "$DATA/postmaster.pid")
	[[ $p =~ ^[0-9]+$ ]] || die "cannot read the port from $DATA/postmaster.pid"
	printf '%s\n' "$p"
}

port_in_use() { # port_in_use PORT: true if something already listens on / holds PORT
	local p=$1
	if command -v ss >/dev/null 2>&1; then
		# Any socket on that local port except leftovers in TIME-WAIT (PostgreSQL uses SO_REUSEADDR).
		[[ -n $(ss -Htan exclude time-wait "( sport = :$p )" 2>/dev/null) ]] && return 0
	fi
	# Fallback / double check: can we connect to it on loopback?
	(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && return 0
	return 1
}

free_port() { # free_port FROM: first port >= FROM that looks free
	local p=$1 last=$(($1 + PORT_TRIES))
	while ((p < last && p < 65536)); do
		if ! port_in_use "$p" && [[ ! -e $SOCKDIR/.s.PGSQL.$p ]]; then
			printf '%s\n' "$p"
			return 0
		fi
		p=$((p + 1))
	done
	die "no free TCP port found in $1..$((last - 1))"
}

url() { printf 'postgres://%s:%s@127.0.0.1:%s/%s?sslmode=disable\n' "$ROLE" "$ROLE_PASSWORD" "$1" "$DATABASE"; }

admin_psql() { # admin_psql PORT ARGS...: psql as the bootstrap superuser over the unix socket
	local port=$1
	shift
	as_owner "$PSQL" -X -q -v ON_ERROR_STOP=1 -h "$SOCKDIR" -p "$port" -U postgres -d postgres "$@"
}

# --- stop ----------------------------------------------------------------------

if [[ $cmd == stop ]]; then
	if [[ ! -f $DATA/PG_VERSION ]]; then
		log "no cluster in $DIR; nothing to stop"
		exit 0
	fi
	if ! is_running; then
		log "cluster in $DIR is not running"
		exit 0
	fi
	as_owner "$BINDIR/pg_ctl" stop -D "$DATA" -m fast -w -t "$READY_TIMEOUT" >&2 ||
		die "pg_ctl stop failed; see $LOGFILE"
	exit 0
fi

# --- start: initialise -------------------------------------------------------------

# The unix socket path (SOCKDIR/.s.PGSQL.NNNNN) must fit in sockaddr_un.sun_path (108 bytes).
((${#SOCKDIR} + 18 <= 107)) ||
	die "$DIR is too long a path for PostgreSQL's unix socket (limit ~85 characters); use a shorter DIR"

if [[ -n $RUN_USER ]]; then
	chown -- "$RUN_USER" "$DIR"
	chmod 0700 -- "$DIR"
	if ! as_owner test -w "$DIR" -a -x "$DIR"; then
		blocker=$DIR
		p=$DIR
		while [[ $p != / ]]; do
			p=$(dirname -- "$p")
			as_owner test -x "$p" || blocker=$p
		done
		die "user $RUN_USER (which runs PostgreSQL, as it refuses to run as root) cannot reach $DIR: $blocker is not searchable by it; chmod o+x $blocker (mktemp -d creates mode 0700 directories), or use another DIR"
	fi
fi

if [[ ! -f $DATA/PG_VERSION ]]; then
	if [[ -e $DATA ]] && [[ -n $(ls -A -- "$DATA" 2>/dev/null) ]]; then
		die "$DATA exists, is not empty and is not a PostgreSQL data directory; remove it or use another DIR"
	fi
	# C.UTF-8: byte-order collation but Unicode-aware upper()/lower(); plain C if unavailable.
	locale=C
	locales=$(locale -a 2>/dev/null || true)
	if grep -qixE 'c\.utf-?8' <<<"$locales"; then locale=C.UTF-8; fi
	log "initialising a PostgreSQL $(pg_version_of "$BINDIR") cluster in $DATA (as ${RUN_USER:-$(id -un)})"
	t0=$SECONDS
	as_owner "$BINDIR/initdb" -D "$DATA" -U postgres -E UTF8 --locale="$locale" \
		--auth-local=trust --auth-host=scram-sha-256 --no-sync --no-instructions >&2 ||
		die "initdb failed"
	as_owner mkdir -p -- "$SOCKDIR"
	as_owner tee -a "$DATA/postgresql.conf" >/dev/null <<EOF

# --- Smart Service throwaway test cluster (scripts/pg-cluster.sh) ---
# The port is chosen at each start and passed on the command line.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCKDIR'
max_connections = 200
# NOT crash safe: test data only.
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
	as_owner tee "$DATA/pg_hba.conf" >/dev/null <<'EOF'
# Smart Service throwaway test cluster (scripts/pg-cluster.sh)
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 trust
host    all       all   127.0.0.1/32  scram-sha-256
EOF
	log "initdb took $((SECONDS - t0))s"
fi

# --- start: run ------------------------------------------------------------------

if is_running; then
	port=$(running_port)
	log "cluster in $DIR is already running on port $port"
else
	as_owner mkdir -p -- "$SOCKDIR"
	[[ -n $RUN_USER ]] && { touch -- "$LOGFILE" && chown -- "$RUN_USER" "$LOGFILE"; }
	t0=$SECONDS
	port=$((FIRST_PORT - 1))
	started=
	for ((attempt = 1; attempt <= START_ATTEMPTS; attempt++)); do
		port=$(free_port $((port + 1)))
		log "starting PostgreSQL on 127.0.0.1:$port (log: $LOGFILE)"
		log_size=$(stat -c %s -- "$LOGFILE" 2>/dev/null || echo 0)
		if as_owner "$BINDIR/pg_ctl" start -D "$DATA" -l "$LOGFILE" -o "-p $port" -w -t "$READY_TIMEOUT" >&2; then
			started=1
			break
		fi
		# Lost a race for the port (another cluster / process grabbed it)? Try the next one.
		new_log=$(tail -c +"$((log_size + 1))" -- "$LOGFILE" 2>/dev/null || true)
		if grep -qiE 'could not (bind|create lock file)|address already in use' <<<"$new_log"; then
			log "port $port was taken meanwhile; trying another one"
			continue
		fi
		break
	done
	if [[ -z $started ]]; then
		tail -n 20 -- "$LOGFILE" >&2 2>/dev/null || true
		die "PostgreSQL failed to start; see $LOGFILE"
	fi
	log "server started in $((SECONDS - t0))s"
fi

# Bounded wait until it accepts TCP connections (pg_ctl -w normally already did).
deadline=$((SECONDS + READY_TIMEOUT))
until "$PG_ISREADY" -q -h 127.0.0.1 -p "$port" -d postgres -t 2 >/dev/null 2>&1; do
	((SECONDS < deadline)) || die "PostgreSQL on 127.0.0.1:$port not ready after ${READY_TIMEOUT}s; see $LOGFILE"
	sleep 0.2
done

# --- start: role and database (idempotent) ----------------------------------------------

admin_psql "$port" >&2 <<EOF ||
SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', '$ROLE', '$ROLE_PASSWORD')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE')
\\gexec
ALTER ROLE "$ROLE" LOGIN CREATEDB PASSWORD '$ROLE_PASSWORD';
SELECT format('CREATE DATABASE %I OWNER %I', '$DATABASE', '$ROLE')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DATABASE')
\\gexec
EOF
	die "could not create role $ROLE / database $DATABASE; see $LOGFILE"

url "$port"
