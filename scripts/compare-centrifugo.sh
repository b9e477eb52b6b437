#!/usr/bin/env bash
# compare-centrifugo.sh — Jihat's live path side by side with Centrifugo v6.9.1,
# on this machine, on loopback, with one load generator (cmd/jihat-load) for
# both: the same workloads, alternating the two servers run by run (a fresh
# server each run), then a table of the medians and the Jihat ÷ Centrifugo
# ratios.
#
#   scripts/compare-centrifugo.sh                  # every workload, 3 runs each, SQLite
#   BACKEND=postgres scripts/compare-centrifugo.sh # Jihat on PostgreSQL + Redis (scripts/services.sh)
#   WORKLOADS="latency idle" RUNS=1 scripts/compare-centrifugo.sh
#   BENCH_LOCK=/work/notes/bench.lock scripts/compare-centrifugo.sh   # each run under flock
#   SKIP_BUILD=1 scripts/compare-centrifugo.sh     # bin/jihat and bin/jihat-load as they are
#
# Workloads (environment overrides in brackets):
#   latency  1 channel × SUBS [1000] subscribers × RATE [100] comments/s for DURATION [30s],
#            BODY [256]-byte bodies through REST / the HTTP publish API by PUBLISHERS [32]
#            workers: publish→deliver p50/p99. Jihat stores every comment.
#   ceiling  the same at CEIL_RATE [600] comments/s offered: deliveries/s reached.
#   idle     IDLE_CONNS [19800: this machine's descriptor limit is 20,000 per process]
#            idle connections, each subscribed to two channels: RSS per connection,
#            connect rate, and the server's CPU while they idle (IDLE_CPU_SECS [20] s).
#   storm    SUBS subscribers with live traffic at RATE, and STORM [18000] clients
#            connecting at once (1,000 dials in flight) STORM_AFTER [5s] into it:
#            storm connect rate and the live traffic's p99 meanwhile.
#
# Centrifugo: $CENTRIFUGO, else bin/centrifugo, else `go install
# github.com/centrifugal/centrifugo/v6@v6.9.1` into bin/. Its configuration
# (written to the run dir): HS256 connection tokens, the HTTP API key, the
# "case" namespace open to subscribers with history on (1,000 publications,
# 5 minutes, forced recovery), JSON protocol, Prometheus metrics; it keeps
# history in memory and persists nothing.
#
# On a shared machine whose kernel groups processes by session
# (kernel.sched_autogroup_enabled=1), nice does not reach across sessions:
# other sessions' niced builds get as much CPU as this run. Give the run's
# session the priority the measurement needs:
#   setsid sh -c 'echo -19 >/proc/self/autogroup; exec scripts/compare-centrifugo.sh'
#
# SERVERS [jihat centrifugo]: "jihat" alone for an A/B of Jihat builds, with
# JIHAT [bin/jihat] and LOAD [bin/jihat-load] naming the binaries (e.g.
# JIHAT=/tmp/before/jihat LOAD=/tmp/before/jihat-load).
#
# PROFILE=1: CPU profiles of PROF_SECS [8] s from PROF_AT [6] s into each
# traffic run: the Jihat server's (<run>.server.pprof, --pprof-addr) and the
# load generator's for either server (<run>.load.pprof, -pprof); and the
# Jihat server's goroutines 2 s into the profile (<run>.server.goroutines).
#
# LEAN=1: Jihat's traffic subscribers read their sockets as the Centrifugo
# ones are read (jihat-load -lean: no Go SDK, so no copy of each event, no
# gap fetches, no reconnects; disorder and missing deliveries still counted).
#
# WS_READ [frames]: how the -lean and the Centrifugo traffic subscribers read
# their sockets (jihat-load -ws-read frames|library; wsread.go).
#
# METRICS=1: the Jihat server's /metrics at the end of each traffic run
# (<run>.metrics: e.g. jihat_hub_write_batch, frames per write).
#
# Output: RESULTS [/tmp/compare-centrifugo.<time>]/<workload>-<server>-<run>.json
# (jihat-load -json) and summary.txt. Every address is loopback.
set -euo pipefail

cd "$(dirname "$0")/.."
. scripts/bench-lib.sh
ROOT=$PWD
RUNS=${RUNS:-3}
WORKLOADS=${WORKLOADS:-latency ceiling idle storm}
BACKEND=${BACKEND:-sqlite}
SUBS=${SUBS:-1000}
RATE=${RATE:-100}
CEIL_RATE=${CEIL_RATE:-600}
DURATION=${DURATION:-30s}
BODY=${BODY:-256}
PUBLISHERS=${PUBLISHERS:-32}
IDLE_CONNS=${IDLE_CONNS:-19800}
IDLE_CPU_SECS=${IDLE_CPU_SECS:-20}
STORM=${STORM:-18000}
STORM_AFTER=${STORM_AFTER:-5s}
RESULTS=${RESULTS:-/tmp/compare-centrifugo.$(date +%Y%m%d-%H%M%S)}
SERVERS=${SERVERS:-jihat centrifugo}
JIHAT=${JIHAT:-bin/jihat}
LOAD=${LOAD:-bin/jihat-load}
PROFILE=${PROFILE:-0}
PROF_AT=${PROF_AT:-6}
PROF_SECS=${PROF_SECS:-8}
JPORT=${JPORT:-18090}
CPORT=${CPORT:-18091}
SECRET=$(openssl rand -hex 24)
APIKEY=$(openssl rand -hex 24)
mkdir -p "$RESULTS" bin

log() { printf '==> %s\n' "$*" >&2; }

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
log "descriptor limit $(ulimit -n); load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# Builds are background work: lowest priority. SKIP_BUILD=1 uses bin/ as it
# is (compiled before a quiet window, when nobody builds).
if [[ -z ${SKIP_BUILD:-} ]]; then
	nice -n 19 go build -o bin/jihat ./cmd/jihat
	nice -n 19 go build -o bin/jihat-load ./cmd/jihat-load
fi
CF=${CENTRIFUGO:-$ROOT/bin/centrifugo}
if [[ $SERVERS == *centrifugo* ]]; then
	if [[ ! -x $CF ]]; then
		log "installing Centrifugo v6.9.1 into bin/"
		GOBIN=$ROOT/bin nice -n 19 go install github.com/centrifugal/centrifugo/v6@v6.9.1
	fi
	"$CF" version >&2
fi

cat >"$RESULTS/centrifugo.json" <<EOF
{
  "http_server": {"address": "127.0.0.1", "port": "$CPORT"},
  "log": {"level": "error"},
  "client": {"token": {"hmac_secret_key": "$SECRET"}, "allowed_origins": ["*"]},
  "http_api": {"key": "$APIKEY"},
  "prometheus": {"enabled": true},
  "channel": {
    "namespaces": [{
      "name": "case",
      "allow_subscribe_for_client": true,
      "history_size": 1000,
      "history_ttl": "300s",
      "force_recovery": true
    }]
  }
}
EOF

# The measuring commands run at normal priority, one at a time under
# $BENCH_LOCK when set.
locked() {
	if [[ -n ${BENCH_LOCK:-} ]]; then
		flock "$BENCH_LOCK" "$@"
	else
		"$@"
	fi
}

SERVER_PID=
stop_server() {
	if [[ -n $SERVER_PID ]]; then
		kill "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
		SERVER_PID=
	fi
}
PG_STATE=
RAISER=
cleanup() {
	stop_server
	if [[ -n $RAISER ]]; then kill "$RAISER" 2>/dev/null || true; fi
	if [[ -n $PG_STATE ]]; then scripts/services.sh stop "$PG_STATE" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

wait_http() {
	for _ in $(seq 100); do
		curl -fs -o /dev/null "$1" && return 0
		sleep 0.1
	done
	log "server at $1 did not come up"
	return 1
}

if [[ $BACKEND == postgres ]]; then
	eval "$(scripts/services.sh start)"
	PG_STATE=$JIHAT_TEST_STATE_DIR
	# PostgreSQL and Redis raised with this session (bench-lib.sh).
	raise_services "$PG_STATE"
	[[ -n $RAISER ]] && log "PostgreSQL and Redis raised to autogroup -19"
	export DATABASE_URL=$JIHAT_TEST_DATABASE_URL REDIS_URL=$JIHAT_TEST_REDIS_URL
	export JIHAT_DATA_KEY=$(openssl rand -hex 32)
	export JIHAT_ADMIN_LOGIN=admin@load.test JIHAT_ADMIN_PASSWORD='Load-admin-2026-pass'
fi

# start_jihat starts a fresh Jihat: a new data dir (SQLite: demo seeded); on
# PostgreSQL an entity, department and case type made by the admin.
JIHAT_ARGS=()
start_jihat() {
	local dir=$RESULTS/jihat-data
	rm -rf "$dir"
	# The load's one citizen posts every comment: lift the per-user write limit.
	local pprof=()
	((PROFILE == 1)) && pprof=(--pprof-addr 127.0.0.1:$((JPORT + 10)))
	"$JIHAT" serve --addr 127.0.0.1:$JPORT --data-dir "$dir" --log-level error \
		--writes-per-user 1000000 "${pprof[@]}" >"$RESULTS/jihat.log" 2>&1 &
	SERVER_PID=$!
	wait_http http://127.0.0.1:$JPORT/metrics
	JIHAT_ARGS=()
	if [[ $BACKEND == postgres ]]; then
		# shellcheck disable=SC2207
		JIHAT_ARGS=($(load_entity http://127.0.0.1:$JPORT))
	fi
}

start_centrifugo() {
	"$CF" --config "$RESULTS/centrifugo.json" >"$RESULTS/centrifugo.log" 2>&1 &
	SERVER_PID=$!
	wait_http http://127.0.0.1:$CPORT/metrics
}

# one runs workload $1 against server $2, run $3.
one() {
	local w=$1 srv=$2 n=$3 url out args
	out=$RESULTS/$w-$srv-$n.json
	if [[ $srv == jihat ]]; then
		start_jihat
		url=http://127.0.0.1:$JPORT
		args=(-target jihat "${JIHAT_ARGS[@]}")
		[[ ${LEAN:-0} == 1 && $w != idle ]] && args+=(-lean)
	else
		start_centrifugo
		url=http://127.0.0.1:$CPORT
		args=(-target centrifugo -centrifugo-secret "$SECRET" -centrifugo-api-key "$APIKEY")
	fi
	args+=(-url "$url" -server-pid "$SERVER_PID" -json)
	[[ -n ${WS_READ:-} ]] && args+=(-ws-read "$WS_READ")
	local traffic=(-conns "$SUBS" -channels 1 -via rest -publishers "$PUBLISHERS" -body-size "$BODY" -duration "$DURATION")
	case $w in
	latency) args+=("${traffic[@]}" -rate "$RATE") ;;
	ceiling) args+=("${traffic[@]}" -rate "$CEIL_RATE" -publishers $((PUBLISHERS * 2))) ;;
	idle) args+=(-idle -idle-subscribe -idle-user -channels 100 -users 20 -conns "$IDLE_CONNS" -hold 10s
		-dial-concurrency 256 -source-ips 127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5) ;;
	storm) args+=("${traffic[@]}" -rate "$RATE" -storm "$STORM" -storm-after "$STORM_AFTER" -users 20
		-source-ips 127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5) ;;
	esac
	log "$w / $srv / run $n (load average $(cut -d' ' -f1 /proc/loadavg))"
	if [[ $w == idle ]]; then
		# The server's CPU while the connections idle: measured during -hold.
		locked bash -c '
			"'"$LOAD"'" "$@" >"'"$out"'.tmp" &
			LP=$!
			while ! grep -q holding "'"$RESULTS"'/load.err" 2>/dev/null; do sleep 0.2; kill -0 $LP 2>/dev/null || break; done
			t0=$(awk "{print \$14+\$15}" /proc/'"$SERVER_PID"'/stat); sleep '"$IDLE_CPU_SECS"'
			t1=$(awk "{print \$14+\$15}" /proc/'"$SERVER_PID"'/stat)
			wait $LP
			echo $(( t1 - t0 )) >"'"$out"'.cpu"
		' _ "${args[@]}" -hold $((IDLE_CPU_SECS + 5))s 2>"$RESULTS/load.err" || true
		mv "$out.tmp" "$out"
		local ticks hz
		ticks=$(cat "$out.cpu") hz=$(getconf CLK_TCK)
		jq --argjson cpu "$(awk -v t="$ticks" -v hz="$hz" -v s="$IDLE_CPU_SECS" 'BEGIN { printf "%.2f", t / hz / s * 100 }')" \
			'. + {idle_cpu_percent: $cpu}' "$out" >"$out.x" && mv "$out.x" "$out"
		rm -f "$RESULTS/load.err" "$out.cpu"
	else
		local t0 t1
		if ((PROFILE == 1)); then
			args+=(-pprof 127.0.0.1:$((JPORT + 11)))
			(
				sleep "$PROF_AT"
				if [[ $srv == jihat ]]; then
					curl -fs -o "$out.server.pprof" \
						"http://127.0.0.1:$((JPORT + 10))/debug/pprof/profile?seconds=$PROF_SECS" &
					sleep 2
					curl -fs -o "$out.server.goroutines" "http://127.0.0.1:$((JPORT + 10))/debug/pprof/goroutine?debug=1" &
				fi
				curl -fs -o "$out.load.pprof" "http://127.0.0.1:$((JPORT + 11))/debug/pprof/profile?seconds=$PROF_SECS"
				wait
			) &
		fi
		t0=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")
		locked /usr/bin/time -f '%U %S' -o "$out.time" "$LOAD" "${args[@]}" >"$out" 2>>"$RESULTS/load.log" || true
		t1=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")
		if [[ $srv == jihat && ${METRICS:-0} == 1 ]]; then
			curl -fs -o "$out.metrics" "http://127.0.0.1:$JPORT/metrics" || true
		fi
		# CPU seconds of the run: the server's, and the load generator's.
		jq --argjson srv "$(awk -v a="$t0" -v b="$t1" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", (b - a) / hz }')" \
			--argjson load "$(awk '{ printf "%.1f", $1 + $2 }' "$out.time")" \
			'. + {server_cpu_s: $srv, load_cpu_s: $load}' "$out" >"$out.x" && mv "$out.x" "$out"
		rm -f "$out.time"
	fi
	stop_server
	sleep 2
}

for w in $WORKLOADS; do
	for n in $(seq "$RUNS"); do
		order=$SERVERS
		((n % 2)) || order=$(printf '%s\n' $SERVERS | tac | xargs)
		for srv in $order; do one "$w" "$srv" "$n"; done
	done
done

# The summary: the median of each figure over the runs, and the ratio.
figure() { # workload label jq-expression better(low|high)
	local w=$1 label=$2 expr=$3 jf cf j c
	jf=("$RESULTS"/$w-jihat-*.json) cf=("$RESULTS"/$w-centrifugo-*.json)
	[[ -e ${jf[0]} && -e ${cf[0]} ]] || return 0
	j=$(jq -s "map($expr) | sort | .[length/2|floor]" "${jf[@]}")
	c=$(jq -s "map($expr) | sort | .[length/2|floor]" "${cf[@]}")
	printf '| %s | %s | %.1f | %.1f | %s |\n' "$w" "$label" "$c" "$j" \
		"$(awk -v j="$j" -v c="$c" 'BEGIN { if (c > 0) printf "%.2f×", j / c; else print "—" }')"
}
{
	echo "Jihat ($BACKEND) vs Centrifugo v6.9.1, median of $RUNS runs each, alternating; $(date -u +%FT%TZ)"
	echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	echo "| workload | figure | Centrifugo | Jihat | Jihat ÷ Centrifugo |"
	echo "| --- | --- | --- | --- | --- |"
	figure latency "p50 publish→deliver (ms)" .latency_ms.p50
	figure latency "p99 publish→deliver (ms)" .latency_ms.p99
	figure latency "p99 publish accepted (ms)" .accept_ms.p99
	figure latency "comments/s accepted" .publish_rate
	figure latency "missing deliveries" .missing
	figure latency "server CPU (core-seconds)" .server_cpu_s
	figure latency "load generator CPU (core-seconds)" .load_cpu_s
	figure ceiling "deliveries/s reached" .delivered_per_s
	figure ceiling "comments/s accepted" .publish_rate
	figure ceiling "p99 publish→deliver (ms)" .latency_ms.p99
	figure ceiling "server CPU (core-seconds)" .server_cpu_s
	figure ceiling "load generator CPU (core-seconds)" .load_cpu_s
	figure idle "RSS per connection (KiB)" '.server_rss.per_connection_bytes / 1024'
	figure idle "connections opened" .connections.opened
	figure idle "connect rate (conn/s)" .connections.per_second
	figure idle "server CPU while idle (% of one core)" .idle_cpu_percent
	figure storm "storm connect rate (conn/s)" .storm.connections.per_second
	figure storm "storm connections opened" .storm.connections.opened
	figure storm "live p99 during the storm (ms)" .storm.live_latency_during_ms.p99
	figure storm "server CPU per connect during the storm (µs)" ".storm.server_cpu_per_connect_us // 0"
	figure storm "live p99, whole run (ms)" .latency_ms.p99
} | tee "$RESULTS/summary.txt"
log "results in $RESULTS"
