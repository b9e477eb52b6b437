#!/usr/bin/env bash
# persist-bench.sh — the persisting path end to end (issue 17): one Jihat node,
# CONNS [1000] watchers over CHANNELS [100] cases, PUBLISHERS [64] REST workers
# offering RATE [3000] comments/s for DURATION [20s]; every comment is stored
# (group commit) and then fanned out to its case's watchers. Prints jihat-load's
# report (persisted comments/s = accepted; missing, gap fetches, p50/p99).
#
#   nice -n 19 go build -o bin/jihat ./cmd/jihat && nice -n 19 go build -o bin/jihat-load ./cmd/jihat-load
#   flock -o /work/notes/bench.lock setsid sh -c 'echo -19 >/proc/self/autogroup; exec scripts/persist-bench.sh'
#   BACKEND=postgres flock -o ... (same)      # PostgreSQL + Redis (scripts/services.sh)
#
# Everything starts inside this script, so a raised session covers it all;
# PostgreSQL and Redis call setsid() and are raised by a loop (as
# scripts/meeting-bench.sh does). JIHAT [bin/jihat] is the server binary;
# TRACE=1 takes a 3 s execution trace of the server (OUT/trace.out).
# PROFILE=1 takes a 12 s CPU profile of the server under load (OUT/cpu.pprof)
# and of the load generator (OUT/load-cpu.pprof), and the CPU of every process over 5 s mid-run (OUT/top.txt). PGSTAT=1
# (postgres) restarts PostgreSQL with pg_stat_statements and writes the
# statements by total time to OUT/pgstat.txt after the run; PGCONF adds lines
# to postgresql.conf then (e.g. auto_explain settings; the log is OUT/postgres.log).
# LOG_LEVEL [error] is the server's (debug: where each comment waited, for
# scripts/stage-times.sh OUT/jihat.log); BODY pads each comment to that many
# bytes (compare-centrifugo.sh uses 256).
# OUT [/tmp/persist-bench.<time>] keeps the logs, and the server's /metrics after the run (OUT/metrics.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-lib.sh
BACKEND=${BACKEND:-sqlite} CONNS=${CONNS:-1000} CHANNELS=${CHANNELS:-100} RATE=${RATE:-3000}
PUBLISHERS=${PUBLISHERS:-64} DURATION=${DURATION:-20s} PORT=${PORT:-18190} JIHAT=${JIHAT:-bin/jihat}
OUT=${OUT:-/tmp/persist-bench.$(date +%s)}
mkdir -p "$OUT"
log() { printf '==> %s\n' "$*" >&2; }
ulimit -n 65536 2>/dev/null || true
log "backend $BACKEND; autogroup: $(cat /proc/self/autogroup 2>/dev/null || echo none); $(uptime)"
PIDS=()
STATE=
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	[[ -n $STATE ]] && scripts/services.sh stop "$STATE" >/dev/null 2>&1 || true
}
trap cleanup EXIT
if [[ $BACKEND == postgres ]]; then
	eval "$(scripts/services.sh start)"
	STATE=$JIHAT_TEST_STATE_DIR
	if [[ ${PGSTAT:-0} == 1 ]]; then
		PGD=$STATE/pg/data PGU=$(stat -c %U "$STATE/pg/data")
		printf "shared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.track_planning = on\n%s\n" "${PGCONF:-}" >>"$PGD/postgresql.conf"
		(cd "$STATE/pg" && runuser -u "$PGU" -- "$(dirname "$(command -v pg_ctl)")/pg_ctl" -D "$PGD" -l "$STATE/pg/postgres.log" -w restart >/dev/null)
		psql -X -q "$JIHAT_TEST_DATABASE_URL" -c 'CREATE EXTENSION pg_stat_statements' >/dev/null
	fi
	raise_services "$STATE" # with this session (bench-lib.sh)
	[[ -n $RAISER ]] && PIDS+=("$RAISER")
	export DATABASE_URL=$JIHAT_TEST_DATABASE_URL REDIS_URL=$JIHAT_TEST_REDIS_URL
	export JIHAT_DATA_KEY=$(openssl rand -hex 32)
	export JIHAT_ADMIN_LOGIN=admin@load.test JIHAT_ADMIN_PASSWORD='Load-admin-2026-pass'
fi
B=http://127.0.0.1:$PORT
PPROF=()
[[ ${PROFILE:-0} == 1 || ${TRACE:-0} == 1 ]] && PPROF=(--pprof-addr 127.0.0.1:$((PORT + 1)))
"$JIHAT" serve --addr 127.0.0.1:$PORT --data-dir "$OUT/data" --log-level "${LOG_LEVEL:-error}" --writes-per-user 1000000 "${PPROF[@]}" >"$OUT/jihat.log" 2>&1 &
SERVER=$!
PIDS+=($SERVER)
for _ in $(seq 100); do curl -fs -o /dev/null $B/metrics && break; sleep 0.2; done
[[ -n ${PRE_SQL:-} ]] && psql -X -q "$DATABASE_URL" -c "$PRE_SQL" # an experiment's schema change (postgres)
ARGS=()
[[ -n ${BODY:-} ]] && ARGS+=(-body-size "$BODY")
if [[ $BACKEND == postgres ]]; then
	# shellcheck disable=SC2207
	ARGS+=($(load_entity $B))
fi
if [[ ${TRACE:-0} == 1 ]]; then # a 3 s execution trace of the server mid-run (OUT/trace.out)
	(sleep 8 && curl -fs -o "$OUT/trace.out" "http://127.0.0.1:$((PORT + 1))/debug/pprof/trace?seconds=3") &
	PIDS+=($!)
fi
if [[ ${PROFILE:-0} == 1 ]]; then
	(sleep 5 && curl -fs -o "$OUT/cpu.pprof" "http://127.0.0.1:$((PORT + 1))/debug/pprof/profile?seconds=12") &
	PIDS+=($!)
	(sleep 5 && curl -fs -o "$OUT/load-cpu.pprof" "http://127.0.0.1:$((PORT + 2))/debug/pprof/profile?seconds=12") &
	PIDS+=($!)
	ARGS+=(-pprof 127.0.0.1:$((PORT + 2)))
	(sleep 10 && top -b -n 2 -d 5 -w 200 >"$OUT/top.txt") & # CPU by process over 5 s mid-run
	PIDS+=($!)
fi
# CPU per comment of each process (clock ticks of utime+stime from /proc):
# the server, PostgreSQL (postmaster and its children), Redis, and the load
# generator (this shell's reaped children, via times).
ticks() { local t=0 p; for p in "$@"; do [[ -r /proc/$p/stat ]] && t=$((t + $(awk '{print $14 + $15}' /proc/$p/stat))); done; echo $t; }
pg_pids() { [[ -n $STATE ]] || return 0; local pm; pm=$(head -1 "$STATE/pg/data/postmaster.pid"); echo "$pm $(pgrep -P "$pm" | tr '\n' ' ')"; }
redis_pid() { [[ -n $STATE ]] && awk '$1 == "pidfile" {print $2}' "$JIHAT_TEST_REDIS_CONF" | xargs cat 2>/dev/null || true; }
child_ticks() { awk 'NR == 2 {gsub(/[ms]/, " "); print int(($1 * 60 + $2 + $3 * 60 + $4) * 100)}' "$1"; } # times's output, in 1/100 s
times >"$OUT/times0" # not in a subshell: its children would be the subshell's
T0=($(ticks $SERVER) $(ticks $(pg_pids)) $(ticks $(redis_pid)) $(child_ticks "$OUT/times0"))
bin/jihat-load -url $B -conns "$CONNS" -channels "$CHANNELS" -rate "$RATE" -via rest -publishers "$PUBLISHERS" \
	-duration "$DURATION" -server-pid $SERVER "${ARGS[@]}" 2>"$OUT/load.log" | tee "$OUT/report.txt"
times >"$OUT/times1"
curl -fs $B/metrics >"$OUT/metrics.txt" || true # the hub's write delay, frames, GC (jihat_hub_*, go_*)
T1=($(ticks $SERVER) $(ticks $(pg_pids)) $(ticks $(redis_pid)) $(child_ticks "$OUT/times1"))
N=$(awk '/^published/ {print $2}' "$OUT/report.txt")
HZ=100 # ticks from /proc are in getconf CLK_TCK (100 on Linux), times's in 1/100 s
awk -v n="$N" -v hz="$HZ" -v a="${T0[*]}" -v b="${T1[*]}" 'BEGIN { split(a, x, " "); split(b, y, " "); split("server postgres redis load", k, " ")
	if (n < 1) exit; s = "CPU ms per comment:"; t = 0
	for (i = 1; i <= 4; i++) { v = (y[i] - x[i]) * 1000 / hz / n; t += v; s = s sprintf(" %s %.3f", k[i], v) }
	printf "%s, total %.3f (whole run incl. connecting)\n", s, t }' | tee -a "$OUT/report.txt"
log "$(uptime)"
if [[ ${PGSTAT:-0} == 1 ]]; then
	psql -X "$JIHAT_TEST_DATABASE_URL" -c "SELECT left(regexp_replace(query, '\s+', ' ', 'g'), 40) AS kind, count(*) AS shapes,
		sum(calls) AS calls, round(sum(total_plan_time)) AS plan_ms, round(sum(total_exec_time)) AS exec_ms, sum(rows) AS rows
		FROM pg_stat_statements GROUP BY 1 ORDER BY sum(total_plan_time) + sum(total_exec_time) DESC LIMIT 15" -c "SELECT calls, plans, round(total_plan_time) AS plan_ms, round(total_exec_time) AS ms, round(mean_exec_time::numeric, 3) AS mean_ms,
		rows, left(regexp_replace(query, '\s+', ' ', 'g'), 160) AS query FROM pg_stat_statements
		ORDER BY total_exec_time DESC LIMIT 40" -c "SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_dead_tup,
		pg_size_pretty(pg_total_relation_size(relid)) AS size FROM pg_stat_user_tables ORDER BY n_tup_upd DESC LIMIT 8" >"$OUT/pgstat.txt"
	cp "$STATE/pg/postgres.log" "$OUT/postgres.log" 2>/dev/null || true
fi
