#!/usr/bin/env bash
# search-bench.sh — the store's search benchmarks (docs/BENCHMARKS.md "Search
# with stems") on a private PostgreSQL started inside this script, so that under
# the benchmark lock and a raised autogroup everything it measures gets the CPU:
#
#   nice -n 19 go test -c -o /tmp/store.test ./store/
#   flock -o /work/notes/bench.lock setsid sh -c 'echo -19 >/proc/self/autogroup; \
#     exec scripts/search-bench.sh /tmp/store.test BenchmarkServiceSearch10k'
#
# $1: a test binary of ./store/ (compiled beforehand), then one or more
# -test.bench patterns, run one after the other on the same PostgreSQL;
# BENCHTIME [300x]. The data is seeded inside (10,000 services: about a
# minute on a quiet machine); for BenchmarkQueries100k (100,000 cases, 11 min to
# seed) use the benchmark's own JIHAT_BENCH_LOCK instead (see the docs).
set -euo pipefail
bin=$(realpath "$1")
shift
cd "$(dirname "$0")/.."
log() { printf '==> %s\n' "$*" >&2; }
log "autogroup: $(cat /proc/self/autogroup 2>/dev/null || echo none)"
eval "$(scripts/services.sh start)"
RAISER=""
cleanup() {
	if [[ -n $RAISER ]]; then kill "$RAISER" 2>/dev/null || true; fi
	scripts/services.sh stop "$JIHAT_TEST_STATE_DIR" >/dev/null 2>&1 || true
}
trap cleanup EXIT
# PostgreSQL's postmaster and each backend call setsid(): each is an autogroup
# of its own at nice 0 that this session's -19 does not reach. Raise them, and
# each backend as it is forked.
raise_postgres() {
	local pm p
	pm=$(head -1 "$JIHAT_TEST_STATE_DIR"/pg/data/postmaster.pid)
	while :; do
		for p in $pm $(pgrep -P "$pm" 2>/dev/null); do
			grep -q ' nice 0$' /proc/$p/autogroup 2>/dev/null && echo -19 >/proc/$p/autogroup 2>/dev/null || true
		done
		sleep 0.2
	done
}
if grep -q ' nice -19' /proc/self/autogroup 2>/dev/null; then
	raise_postgres &
	RAISER=$!
fi
unset JIHAT_BENCH_LOCK # the lock is this script's caller's: measureExclusively must not wait for it
log "uptime before: $(uptime)"
for bench in "$@"; do
	(cd store && "$bin" -test.run='^$' -test.bench="$bench" -test.benchtime="${BENCHTIME:-300x}" -test.timeout=30m -test.v) |
		grep -v '^=== \|^goos\|^goarch\|^pkg\|^cpu'
	log "uptime after $bench: $(uptime)"
done
