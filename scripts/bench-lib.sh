# bench-lib.sh — sourced by the benchmark scripts (compare-centrifugo.sh,
# meeting-bench.sh, persist-bench.sh): what each needs around the services
# that scripts/services.sh starts.

# raise_services STATE_DIR: when this session's autogroup is raised (nice
# -19, as docs/BENCHMARKS.md runs every measurement), raise PostgreSQL's and
# Redis's too. Both call setsid(): each is an autogroup of its own at nice
# 0, which the raised session does not reach. A background loop raises the
# postmaster, each backend as it is forked, and Redis; RAISER is its pid
# ("" when the session is not raised). Stop it with kill "$RAISER".
# The loop forks nothing: it runs at the raised session's -19, beside the
# processes measured, and a `grep` per process every 0.2 s (as it was until
# 2026-12-04) took 10-25 % of the 2 cores, in bursts of a whole core for
# 50 ms (perf record -a over a vote storm, docs/BENCHMARKS.md "Meetings",
# session 10).
raise_services() {
	RAISER=
	grep -q ' nice -19' /proc/self/autogroup 2>/dev/null || return 0
	local state=$1
	(
		pm=$(head -1 "$state"/pg/data/postmaster.pid 2>/dev/null || true)
		rp=$(awk '$1 == "pidfile" {print $2}' "$JIHAT_TEST_REDIS_CONF" 2>/dev/null | xargs cat 2>/dev/null || true)
		open_ticker
		while :; do
			kids=
			# (the children file ends without a newline: read fails, having read it)
			[[ -z $pm ]] || { read -r kids <"/proc/$pm/task/$pm/children" || true; } 2>/dev/null
			for p in $pm $kids $rp; do
				{ read -r ag <"/proc/$p/autogroup" && [[ $ag == *' nice 0' ]] && echo -19 >"/proc/$p/autogroup" || true; } 2>/dev/null
			done
			tick 0.2
		done
	) &
	RAISER=$!
}

# open_ticker opens TICKER, a FIFO that no one writes to; tick SECONDS then
# waits with bash's read -t on it: a sleep without a fork, for the loops that
# run beside a measurement.
open_ticker() {
	local f
	f=$(mktemp -u "${TMPDIR:-/tmp}/bench-tick.XXXXXX")
	mkfifo "$f" && exec {TICKER}<>"$f" && rm -f "$f"
}
tick() { read -r -t "$1" -u "$TICKER" _ || true; }

# file_has FILE STRING: whether a line of FILE holds STRING, read with bash
# alone (no grep: see raise_services).
file_has() {
	local line
	[[ -r $1 ]] || return 1
	while IFS= read -r line || [[ -n $line ]]; do
		[[ $line == *"$2"* ]] && return 0
	done <"$1"
	return 1
}

# cpu_ticks PID: sets TICKS to the CPU time (utime + stime, in clock ticks)
# PID has used, 0 when it is gone; bash alone (the command name, field 2,
# must hold no space: jihat, jihat-load, postgres).
cpu_ticks() {
	local -a f=()
	TICKS=0
	{ read -r -a f <"/proc/$1/stat" || true; } 2>/dev/null
	((${#f[@]} > 14)) && TICKS=$((f[13] + f[14])) || true
}

# load_entity BASE_URL: as the platform admin (JIHAT_ADMIN_LOGIN and
# JIHAT_ADMIN_PASSWORD), creates an entity with one department and one case
# type for jihat-load on a database without the demo, and prints its
# arguments: -entity ID -case-type ID.
load_entity() {
	local B=$1 J='Content-Type: application/json' tok ent dep typ
	tok=$(curl -fs -XPOST "$B"/api/v1/auth/login -H "$J" \
		-d "{\"login\":\"$JIHAT_ADMIN_LOGIN\",\"password\":\"$JIHAT_ADMIN_PASSWORD\"}" | jq -r .token)
	ent=$(curl -fs -XPOST "$B"/api/v1/entities -H "Authorization: Bearer $tok" -H "$J" \
		-d '{"name_ar":"جهة الحمل","name_en":"Load entity","sector":"government"}' | jq -r .id)
	dep=$(curl -fs -XPOST "$B"/api/v1/entities/$ent/departments -H "Authorization: Bearer $tok" -H "$J" \
		-d '{"name_ar":"قسم","name_en":"Dept"}' | jq -r .id)
	typ=$(curl -fs -XPOST "$B"/api/v1/entities/$ent/case-types -H "Authorization: Bearer $tok" -H "$J" \
		-d "{\"name_ar\":\"نوع\",\"name_en\":\"Type\",\"department_id\":\"$dep\",\"sla_hours\":{\"normal\":72,\"important\":48,\"very_important\":24}}" | jq -r .id)
	echo "-entity $ent -case-type $typ"
}
