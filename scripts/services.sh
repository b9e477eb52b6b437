#!/usr/bin/env bash
# services.sh — a private PostgreSQL and Redis on loopback for Jihat's tests.
#
# As a command (for a developer):
#   eval "$(scripts/services.sh start)"   # installs if needed, starts both, prints export lines
#   scripts/services.sh stop [STATE_DIR]  # stops both and removes the state dir
#                                         # (default: $JIHAT_TEST_STATE_DIR)
#   scripts/services.sh install           # only installs what is missing (apt-get, as root)
#
# As a library (scripts/test.sh sources it): defines svc_install, svc_start,
# svc_stop and svc_log and does nothing else.
#
# Each start makes a new temp dir holding both servers' data, sockets, logs and
# redis.conf, picks free ports, and exports:
#   JIHAT_TEST_DATABASE_URL   postgres://jihat:PASS@127.0.0.1:PORT/jihat_test?sslmode=disable
#   JIHAT_TEST_REDIS_URL      redis://127.0.0.1:PORT/0
#   JIHAT_TEST_REDIS_CONF     the redis.conf the server runs with (has its pidfile)
#   JIHAT_TEST_REQUIRE_SERVICES=1
#   JIHAT_TEST_STATE_DIR      the temp dir, for svc_stop
# PostgreSQL refuses to run as root, so under root it runs as the system user
# jihattest (created on first use; nobody if useradd fails).

svc_log() { printf '==> %s\n' "$*" >&2; }

svc_die() {
	printf '!!! %s\n' "$*" >&2
	return 1
}

# svc_pg_bindir prints the directory holding initdb, pg_ctl and postgres:
# $JIHAT_PG_BINDIR, else the one on PATH, else the newest /usr/lib/postgresql/*/bin.
svc_pg_bindir() {
	local d
	if [[ -n ${JIHAT_PG_BINDIR:-} ]]; then
		printf '%s\n' "$JIHAT_PG_BINDIR"
		return 0
	fi
	if d=$(command -v initdb 2>/dev/null); then
		d=$(dirname "$d")
		if [[ -x $d/pg_ctl && -x $d/postgres ]]; then
			printf '%s\n' "$d"
			return 0
		fi
	fi
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	if [[ -n $d && -x $d/initdb && -x $d/pg_ctl && -x $d/postgres ]]; then
		printf '%s\n' "$d"
		return 0
	fi
	return 1
}

# svc_install installs PostgreSQL, Redis and a C compiler (for -race) with
# apt-get when they are missing. Services the packages would start are kept
# from starting by a temporary policy-rc.d: the tests use their own instances.
svc_install() {
	local pkgs=() rc=0 policy=/usr/sbin/policy-rc.d made_policy=0
	svc_pg_bindir >/dev/null || pkgs+=(postgresql)
	if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
		pkgs+=(redis-server)
	fi
	command -v gcc >/dev/null || pkgs+=(gcc libc6-dev)
	if ((${#pkgs[@]} == 0)); then
		svc_log "PostgreSQL ($(svc_pg_bindir)) and Redis ($(command -v redis-server)) are installed"
		return 0
	fi
	if ((EUID != 0)); then
		svc_die "missing ${pkgs[*]}: run as root, or install them (apt-get install ${pkgs[*]})"
		return 1
	fi
	svc_log "installing ${pkgs[*]} with apt-get"
	if [[ ! -e $policy ]]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 755 "$policy"
		made_policy=1
	fi
	export DEBIAN_FRONTEND=noninteractive
	if [[ -z ${JIHAT_APT_UPDATED:-} ]]; then
		apt-get update -q >&2 || rc=$?
		export JIHAT_APT_UPDATED=1
	fi
	if ((rc == 0)); then
		apt-get install -y -q --no-install-recommends \
			-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
			"${pkgs[@]}" >&2 || rc=$?
	fi
	((made_policy)) && rm -f "$policy"
	((rc == 0)) || { svc_die "apt-get failed ($rc)"; return "$rc"; }
	svc_pg_bindir >/dev/null || { svc_die "PostgreSQL binaries not found after install"; return 1; }
	command -v redis-server >/dev/null || { svc_die "redis-server not found after install"; return 1; }
}

# svc_free_port prints a loopback TCP port nobody listens on, below Linux's
# ephemeral range so outgoing connections do not hold it.
svc_free_port() {
	local p i
	for ((i = 0; i < 100; i++)); do
		p=$((20000 + RANDOM % 12000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			printf '%s\n' "$p"
			return 0
		fi
	done
	svc_die "no free port found"
}

# svc_os_user prints the unprivileged user PostgreSQL runs as.
svc_os_user() {
	if ((EUID != 0)); then
		id -un
		return 0
	fi
	if ! id jihattest >/dev/null 2>&1; then
		useradd --system --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin jihattest >/dev/null 2>&1 || true
	fi
	if id jihattest >/dev/null 2>&1; then
		echo jihattest
	else
		echo nobody
	fi
}

# svc_as USER DIR CMD... runs CMD as USER (when root) with DIR as working dir.
svc_as() {
	local user=$1 dir=$2
	shift 2
	if ((EUID == 0)); then
		(cd "$dir" && runuser -u "$user" -- "$@")
	else
		(cd "$dir" && "$@")
	fi
}

# svc_start_postgres DIR: initdb into DIR/data, start on a free port, create
# the jihat_test database. Sets SVC_PG_URL.
svc_start_postgres() {
	local dir=$1 bin user pass port try psql
	bin=$(svc_pg_bindir) || { svc_die "PostgreSQL is not installed (run: scripts/services.sh install)"; return 1; }
	user=$(svc_os_user)
	pass=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
	mkdir -p "$dir"
	printf '%s\n' "$pass" >"$dir/pwfile"
	chown -R "$user" "$dir" 2>/dev/null || true
	chmod 700 "$dir"
	svc_log "initdb ($bin, as $user) in $dir/data"
	if ! svc_as "$user" "$dir" "$bin/initdb" -D "$dir/data" -U jihat --pwfile="$dir/pwfile" \
		-E UTF8 --locale=C --lc-ctype=C.UTF-8 --auth-host=scram-sha-256 --auth-local=trust --no-sync \
		>"$dir/initdb.log" 2>&1; then
		cat "$dir/initdb.log" >&2
		svc_die "initdb failed"
		return 1
	fi
	rm -f "$dir/pwfile"
	cat >>"$dir/data/postgresql.conf" <<-EOF

		# jihat test harness
		listen_addresses = '127.0.0.1'
		unix_socket_directories = '$dir'
		fsync = off
		synchronous_commit = off
		full_page_writes = off
		max_connections = 300
		shared_buffers = 128MB
		log_min_messages = warning
	EOF
	for ((try = 1; try <= 5; try++)); do
		port=$(svc_free_port) || return 1
		if svc_as "$user" "$dir" "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" \
			-o "-p $port" -w -t 60 start >/dev/null 2>&1; then
			break
		fi
		if ! grep -q -i 'could not bind\|address already in use\|could not create any TCP' "$dir/postgres.log" 2>/dev/null; then
			tail -n 30 "$dir/postgres.log" >&2 || true
			svc_die "PostgreSQL did not start"
			return 1
		fi
		svc_log "port $port taken, trying another"
		port=""
	done
	[[ -n $port ]] || { svc_die "PostgreSQL found no free port"; return 1; }
	psql=$bin/psql
	[[ -x $psql ]] || psql=$(command -v psql)
	if ! svc_as "$user" "$dir" "$psql" -X -q -h "$dir" -p "$port" -U jihat -d postgres \
		-v ON_ERROR_STOP=1 -c 'CREATE DATABASE jihat_test' >&2; then
		svc_die "could not create database jihat_test"
		return 1
	fi
	SVC_PG_URL="postgres://jihat:$pass@127.0.0.1:$port/jihat_test?sslmode=disable"
	svc_log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

# svc_redis_ready PORT PIDFILE: true when our redis-server answers on PORT.
svc_redis_ready() {
	local port=$1 pidfile=$2 got
	got=$(timeout 2 redis-cli -h 127.0.0.1 -p "$port" --raw config get pidfile 2>/dev/null | tail -n 1) || return 1
	[[ $got == "$pidfile" ]]
}

# svc_proc_alive PID NAME: true when PID is a live (not zombie) process whose
# command line contains NAME.
svc_proc_alive() {
	local pid=$1 cmd
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
	[[ $cmd == *"$2"* ]] || return 1
	! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null
}

# svc_pid_running PID: true while PID (a child of this shell) runs.
svc_pid_running() {
	kill -0 "$1" 2>/dev/null || return 1
	! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# svc_start_redis DIR: write DIR/redis.conf and start a daemonized
# redis-server on a free port. Sets SVC_REDIS_URL and SVC_REDIS_CONF.
svc_start_redis() {
	local dir=$1 port try i pid conf=$1/redis.conf
	command -v redis-server >/dev/null || { svc_die "redis-server is not installed (run: scripts/services.sh install)"; return 1; }
	mkdir -p "$dir"
	for ((try = 1; try <= 5; try++)); do
		port=$(svc_free_port) || return 1
		cat >"$conf" <<-EOF
			bind 127.0.0.1
			port $port
			protected-mode yes
			daemonize yes
			pidfile $dir/redis.pid
			logfile $dir/redis.log
			dir $dir
			save ""
			appendonly no
		EOF
		rm -f "$dir/redis.pid"
		: >"$dir/redis.log"
		# Run in the foreground of a background job, so that a failure to bind
		# shows as a dead pid at once; the conf says daemonize yes for the
		# tests that start it again with `redis-server CONF`.
		redis-server "$conf" --daemonize no </dev/null >/dev/null 2>&1 &
		pid=$!
		# Right after the fork, /proc/PID/cmdline is still this shell's:
		# wait on the PID itself, not on its name.
		for ((i = 0; i < 100; i++)); do
			svc_pid_running "$pid" || break
			svc_redis_ready "$port" "$dir/redis.pid" && break
			sleep 0.1
		done
		if svc_pid_running "$pid" && svc_redis_ready "$port" "$dir/redis.pid"; then
			SVC_REDIS_URL="redis://127.0.0.1:$port/0"
			SVC_REDIS_CONF=$conf
			svc_log "Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) on 127.0.0.1:$port"
			return 0
		fi
		kill -s KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		if ! grep -q -i 'address already in use' "$dir/redis.log" 2>/dev/null; then
			tail -n 30 "$dir/redis.log" >&2 || true
			svc_die "Redis did not start"
			return 1
		fi
		svc_log "port $port taken, trying another"
	done
	svc_die "Redis found no free port"
}

# svc_kill_pidfile PIDFILE NAME [SIGNAL]: signal the process (TERM by default),
# wait up to 10 s for it to end, then SIGKILL it.
svc_kill_pidfile() {
	local pidfile=$1 name=$2 sig=${3:-TERM} pid i
	pid=$(head -n 1 "$pidfile" 2>/dev/null) || return 0
	svc_proc_alive "$pid" "$name" || return 0
	kill -s "$sig" "$pid" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		svc_proc_alive "$pid" "$name" || return 0
		sleep 0.1
	done
	kill -s KILL "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		svc_proc_alive "$pid" "$name" || return 0
		sleep 0.1
	done
	svc_die "$name (pid $pid) did not stop"
}

# svc_start: install if needed is the caller's job; make a state dir, start
# both servers and export the JIHAT_TEST_* variables. On failure it stops
# whatever it started.
svc_start() {
	local base
	base=$(mktemp -d "${TMPDIR:-/tmp}/jihat-test.XXXXXX")
	chmod 755 "$base"
	export JIHAT_TEST_STATE_DIR=$base
	if ! svc_start_postgres "$base/pg" || ! svc_start_redis "$base/redis"; then
		svc_stop "$base"
		unset JIHAT_TEST_STATE_DIR
		return 1
	fi
	export JIHAT_TEST_DATABASE_URL=$SVC_PG_URL
	export JIHAT_TEST_REDIS_URL=$SVC_REDIS_URL
	export JIHAT_TEST_REDIS_CONF=$SVC_REDIS_CONF
	export JIHAT_TEST_REQUIRE_SERVICES=1
	cat >"$base/env" <<-EOF
		export JIHAT_TEST_DATABASE_URL='$JIHAT_TEST_DATABASE_URL'
		export JIHAT_TEST_REDIS_URL='$JIHAT_TEST_REDIS_URL'
		export JIHAT_TEST_REDIS_CONF='$JIHAT_TEST_REDIS_CONF'
		export JIHAT_TEST_REQUIRE_SERVICES=1
		export JIHAT_TEST_STATE_DIR='$JIHAT_TEST_STATE_DIR'
	EOF
}

# svc_stop [DIR]: stop the servers started in DIR (default
# $JIHAT_TEST_STATE_DIR) and remove DIR. Safe to call twice.
svc_stop() {
	local base=${1:-${JIHAT_TEST_STATE_DIR:-}} rc=0
	[[ -n $base && -d $base ]] || return 0
	case $base in
	*/jihat-test.*) ;;
	*) svc_die "refusing to remove $base: not a jihat-test state dir"; return 1 ;;
	esac
	# A test may have killed Redis and started it again: the pidfile names the
	# live one. SIGQUIT is PostgreSQL's immediate shutdown: nothing to keep.
	svc_kill_pidfile "$base/redis/redis.pid" redis-server TERM || rc=1
	svc_kill_pidfile "$base/pg/data/postmaster.pid" postgres QUIT || rc=1
	rm -rf "$base"
	return "$rc"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	set -euo pipefail
	export PATH="/usr/local/go/bin:$PATH"
	case ${1:-} in
	install) svc_install ;;
	start)
		svc_install
		svc_start
		cat "$JIHAT_TEST_STATE_DIR/env"
		svc_log "stop with: scripts/services.sh stop $JIHAT_TEST_STATE_DIR"
		;;
	stop)
		svc_stop "${2:-}"
		svc_log "stopped"
		;;
	*)
		echo "usage: $0 install | start | stop [STATE_DIR]" >&2
		exit 2
		;;
	esac
fi
