#!/usr/bin/env bash
# meeting-bench.sh — the meeting vote storm of docs/BENCHMARKS.md ("Meetings"):
# PostgreSQL and Redis (scripts/services.sh), one or two Jihat nodes sharing
# them, and `jihat-load -meeting` out of the servers' processes. Everything
# starts inside this script, so under the benchmark lock and a raised
# autogroup it all gets the CPU:
#
#   go build -o bin/jihat ./cmd/jihat && go build -o bin/jihat-load ./cmd/jihat-load
#   flock /work/notes/bench.lock setsid sh -c 'echo -19 >/proc/self/autogroup; NODES=2 exec scripts/meeting-bench.sh'
#
# NODES [1] (2: members alternate between the nodes), MEMBERS [1000],
# PROBES [20], SPREAD [0s] (-vote-spread: each round's votes at random within it), PROFILE [0] (1: a CPU profile of each node (cpu.prof, cpu2.prof) while the members
# join and vote, and of jihat-load (load-cpu.prof), PROF_SECS [30] s, from the load log line holding PROF_AT [members, board]: the setup's end),
# TRACE [0] (1: with PROFILE=1, Go execution traces (trace.out, load-trace.out) of the same window
# instead of CPU profiles: `go tool trace` shows when each goroutine ran, read, wrote and waited),
# ALLOCS [0] (1: with PROFILE=1, the allocations of node 1 and of jihat-load from PROF_AT to the end of
# round 0's votes instead: allocs0/1.prof, load-allocs0/1.prof; `go tool pprof -diff_base allocs0.prof allocs1.prof`),
# PGSTAT [0] (1: PostgreSQL loads pg_stat_statements and auto_explain; its top statements from the settled
# room on go to $OUT/pgstat.txt, the plans of statements over 40 ms to $OUT/postgres.log),
# LOG_LEVEL [warn] (debug: each vote batch's size, start and time in $OUT/node<n>.log),
# VOTE_PROFILE [0] (1: jihat-load's CPU profile of round 0 alone, 1 kHz: $OUT/load-vote.prof),
# Always: $OUT/storm-cpu.txt, the CPU time of each node, jihat-load and PostgreSQL over round 0 (0 with ALLOCS=1:
# its poller starts after round 0).
# BIN [bin/jihat], LOAD_BIN [bin/jihat-load] (A/B: two builds back to back); the nodes inherit the
# environment, e.g. JIHAT_VOTE_GATHER and JIHAT_VOTE_QUIET (A/B of the votes' gathering on one build),
# OUT [/tmp/meeting-bench.<time>].
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-lib.sh
NODES=${NODES:-1} MEMBERS=${MEMBERS:-1000} PROBES=${PROBES:-20} PROFILE=${PROFILE:-0} PROF_SECS=${PROF_SECS:-30} PROF_AT=${PROF_AT:-members, board}
OUT=${OUT:-/tmp/meeting-bench.$(date +%s)}
mkdir -p "$OUT"
log() { printf '==> %s\n' "$*" >&2; }
log "autogroup: $(cat /proc/self/autogroup 2>/dev/null || echo none); results in $OUT"
ulimit -n 65536 2>/dev/null || true
PIDS=() PROFS=() NODE_PIDS=()
eval "$(scripts/services.sh start)"
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	scripts/services.sh stop "$JIHAT_TEST_STATE_DIR" >/dev/null 2>&1 || true
}
trap cleanup EXIT
pgsql() { psql -X -q -h 127.0.0.1 -d "$JIHAT_TEST_DATABASE_URL" "$@"; }
if [[ ${PGSTAT:-0} == 1 ]]; then
	pgsql -c "ALTER SYSTEM SET shared_preload_libraries = pg_stat_statements, auto_explain" >/dev/null
	pgdata=$JIHAT_TEST_STATE_DIR/pg/data
	runuser -u "$(stat -c %U "$pgdata")" -- pg_ctl -D "$pgdata" -w restart -l "$JIHAT_TEST_STATE_DIR/pg/postgres.log" >/dev/null
	pgsql -c 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' >/dev/null
	pgsql -c "ALTER SYSTEM SET auto_explain.log_min_duration = '40ms'" -c "ALTER SYSTEM SET auto_explain.log_analyze = on" \
		-c 'SELECT pg_reload_conf()' >/dev/null
fi
# PostgreSQL and Redis raised with this session (bench-lib.sh).
raise_services "$JIHAT_TEST_STATE_DIR"
[[ -n $RAISER ]] && PIDS+=("$RAISER")
export DATABASE_URL=$JIHAT_TEST_DATABASE_URL REDIS_URL=$JIHAT_TEST_REDIS_URL
export JIHAT_DATA_KEY=$(openssl rand -hex 32)
export JIHAT_ADMIN_LOGIN=admin@load.test JIHAT_ADMIN_PASSWORD='Load-admin-2026-pass'
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
URLS=()
for n in $(seq 1 "$NODES"); do
	port=$(free_port) pport=$(free_port)
	${BIN:-bin/jihat} serve --addr 127.0.0.1:$port --data-dir "$OUT/node$n" --log-level ${LOG_LEVEL:-warn} --no-demo \
		--writes-per-user 1000000 --pprof-addr 127.0.0.1:$pport >"$OUT/node$n.log" 2>&1 &
	PIDS+=($!)
	NODE_PIDS+=($!)
	echo "$pport" >"$OUT/node$n.pprof-port"
	for _ in $(seq 1 300); do curl -fs -o /dev/null http://127.0.0.1:$port/metrics && break; sleep 0.1; done
	URLS+=(http://127.0.0.1:$port)
done
args=(-url "${URLS[0]}" -meeting "$MEMBERS" -probes "$PROBES" -vote-spread "${SPREAD:-0s}" -dial-concurrency 64 -json)
if ((NODES == 2)); then args+=(-publish-url "${URLS[1]}"); fi
if [[ ${VOTE_PROFILE:-0} == 1 ]]; then args+=(-vote-profile "$OUT/load-vote.prof"); fi
if ((PROFILE == 1)); then
	lport=$(free_port)
	args+=(-pprof 127.0.0.1:$lport)
fi
log "uptime before: $(uptime)"
: >"$OUT/load.log" # (a reused $OUT: the waits below must not read an old log)
${LOAD_BIN:-bin/jihat-load} "${args[@]}" >"$OUT/report.json" 2>"$OUT/load.log" &
LOAD=$!
PIDS+=($LOAD)
if ((PROFILE == 1)); then
	# After the setup (accounts: password hashing), profile the join and the votes.
	open_ticker # (the waits below fork nothing: see the storm-cpu poller)
	until file_has "$OUT/load.log" "$PROF_AT" || ! kill -0 $LOAD 2>/dev/null; do tick 0.2; done
	if [[ ${ALLOCS:-0} == 1 ]]; then
		pp=http://127.0.0.1:$(cat "$OUT/node1.pprof-port")/debug/pprof/allocs?gc=1 lp=http://127.0.0.1:$lport/debug/pprof/allocs?gc=1
		curl -fs -o "$OUT/allocs0.prof" "$pp" || true
		curl -fs -o "$OUT/load-allocs0.prof" "$lp" || true
		until file_has "$OUT/load.log" " votes, ack" || ! kill -0 $LOAD 2>/dev/null; do tick 0.05; done
		curl -fs -o "$OUT/allocs1.prof" "$pp" || true
		curl -fs -o "$OUT/load-allocs1.prof" "$lp" || true
		PROF_SECS=0
	fi
	kind=profile srv=cpu gen=load-cpu.prof ext=prof
	if [[ ${TRACE:-0} == 1 ]]; then kind=trace srv=trace gen=load-trace.out ext=out; fi
	if ((PROF_SECS > 0)); then
		# every node: node 1's as before (cpu.prof, trace.out), node n's as cpu<n>.prof, trace<n>.out
		for n in $(seq 1 "$NODES"); do
			f=$srv.$ext
			((n > 1)) && f=$srv$n.$ext
			curl -fs -o "$OUT/$f" "http://127.0.0.1:$(cat "$OUT/node$n.pprof-port")/debug/pprof/$kind?seconds=$PROF_SECS" &
			PROFS+=($!)
		done
		curl -fs -o "$OUT/$gen" "http://127.0.0.1:$lport/debug/pprof/$kind?seconds=$PROF_SECS" &
		PROFS+=($!)
	fi
fi
if [[ ${PGSTAT:-0} == 1 ]]; then
	# count the votes' statements only: from the settled room on
	(open_ticker; until file_has "$OUT/load.log" "room settled" || ! kill -0 $LOAD 2>/dev/null; do tick 0.05; done
		pgsql -c 'SELECT pg_stat_statements_reset()' >/dev/null) &
fi
# The CPU each process used for round 0 (from the settled room to the line
# of round 0's acks: the vote storm and its acks; a tally sent early falls in it): $OUT/storm-cpu.txt.
# Read with bash alone: this loop runs at the session's -19 beside the storm,
# where a grep and a sleep every 20 ms and an awk per process took CPU from
# what it measures (bench-lib.sh, raise_services).
pg_ticks() {
	local pm kids p t=0
	PG_TICKS=0
	{ read -r pm <"$JIHAT_TEST_STATE_DIR/pg/data/postmaster.pid"; } 2>/dev/null || return 0
	kids=
	{ read -r kids <"/proc/$pm/task/$pm/children" || true; } 2>/dev/null
	for p in $pm $kids; do cpu_ticks "$p"; t=$((t + TICKS)); done
	PG_TICKS=$t
}
(
	open_ticker
	until file_has "$OUT/load.log" "room settled" || ! kill -0 $LOAD 2>/dev/null; do tick 0.02; done
	b=()
	for p in "${NODE_PIDS[@]}" $LOAD; do cpu_ticks "$p"; b+=($TICKS); done
	pg_ticks
	bpg=$PG_TICKS
	until file_has "$OUT/load.log" " votes, ack" || ! kill -0 $LOAD 2>/dev/null; do tick 0.02; done
	hz=$(getconf CLK_TCK) i=0
	for p in "${NODE_PIDS[@]}" $LOAD; do
		name=node$((i + 1))
		[[ $p == "$LOAD" ]] && name=jihat-load
		cpu_ticks "$p"
		echo "$name $(((TICKS - b[i]) * 1000 / hz)) ms"
		i=$((i + 1))
	done
	pg_ticks
	echo "postgres $(((PG_TICKS - bpg) * 1000 / hz)) ms"
) >"$OUT/storm-cpu.txt" 2>/dev/null &
rc=0
wait $LOAD || rc=$?
log "uptime after: $(uptime)"
cat "$OUT/load.log" >&2
cat "$OUT/report.json"
grep -h -i 'level=error\|level=warn' "$OUT"/node*.log | cut -c1-200 | sort | uniq -c | sort -rn | head -20 >&2 || true
if ((${#PROFS[@]} > 0)); then wait "${PROFS[@]}" || true; fi
if [[ ${PGSTAT:-0} == 1 ]]; then
	pgsql -c "SELECT calls, round(total_exec_time::numeric, 1) AS ms, round(mean_exec_time::numeric, 3) AS mean_ms, rows,
		left(regexp_replace(query, '\s+', ' ', 'g'), 160) AS query
		FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 40" >"$OUT/pgstat.txt" 2>&1 || true
	cp "$JIHAT_TEST_STATE_DIR/pg/postgres.log" "$OUT/postgres.log" 2>/dev/null || true
fi
exit $rc
