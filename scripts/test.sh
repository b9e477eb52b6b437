#!/usr/bin/env bash
# test.sh — run Jihat's tests against a private PostgreSQL and Redis.
#
#   scripts/test.sh [test|bench|fuzz-smoke]     (default: test; `make test` calls it)
#
# It installs PostgreSQL and Redis with apt-get when they are missing, starts
# both on free loopback ports in a temp dir (scripts/services.sh), exports the
# JIHAT_TEST_* variables, runs the Go tools, and stops the servers and removes
# the temp dir on exit, whether the tests pass or not. It exits with the
# tests' status.
#
# Environment:
#   PKG        packages, space separated (default ./...)
#   TESTFLAGS  extra flags for go test, e.g. -run=TestFoo -v
#   BENCHFLAGS extra flags for go test in bench mode, e.g. -benchtime=1x -count=5
#   FUZZTIME   per fuzz target in fuzz-smoke mode (default 10s)
#   E2E        1: run the browser tests (scripts/e2e.sh) whatever PKG is;
#              0: skip them (by default they run when PKG is the whole tree)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="/usr/local/go/bin:${HOME:-/root}/go/bin:$PATH"
# shellcheck source=scripts/services.sh
. scripts/services.sh

mode=${1:-test}
read -r -a pkgs <<<"${PKG:-./...}"
read -r -a testflags <<<"${TESTFLAGS:-}"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

# run runs a command in a process group of its own and waits for it, so that
# a signal to this script can be passed on to go and its test binaries.
child=""
run() {
	local rc=0
	set -m
	"$@" &
	child=$!
	set +m
	wait "$child" || rc=$?
	child=""
	return "$rc"
}

finish() {
	local rc=$? t
	trap - EXIT INT TERM
	if [[ -n $child ]]; then
		svc_log "interrupted: stopping $child and its test binaries"
		kill -TERM -- "-$child" 2>/dev/null || true
		wait "$child" 2>/dev/null || true
	fi
	if [[ -n ${JIHAT_TEST_STATE_DIR:-} ]]; then
		t=$(now)
		svc_log "stopping PostgreSQL and Redis"
		svc_stop "$JIHAT_TEST_STATE_DIR" || { ((rc)) || rc=1; }
		svc_log "stopped in $(since "$t")"
	fi
	exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v go >/dev/null || { svc_die "go not found (expected in /usr/local/go/bin)"; exit 1; }

t0=$(now)
svc_install
svc_start
svc_log "services ready in $(since "$t0"): JIHAT_TEST_DATABASE_URL, JIHAT_TEST_REDIS_URL, JIHAT_TEST_REDIS_CONF exported"

status=0
case $mode in
test)
	svc_log "go vet ${pkgs[*]}"
	run go vet "${pkgs[@]}" || { status=$?; svc_log "go vet failed ($status); running the tests anyway"; }
	svc_log "go test -race -count=1 -timeout 20m ${testflags[*]} ${pkgs[*]}"
	t=$(now)
	run go test -race -count=1 -timeout 20m "${testflags[@]}" "${pkgs[@]}" || status=$?
	svc_log "go test finished in $(since "$t") (exit $status)"
	# The browser tests (scripts/e2e.sh) run with the whole tree, or with
	# E2E=1; E2E=0 skips them.
	if [[ ${E2E:-} == 1 || ( ${E2E:-} != 0 && ${PKG:-./...} == ./... && -z ${TESTFLAGS:-} ) ]]; then
		t=$(now)
		run scripts/e2e.sh || status=$?
		svc_log "browser tests finished in $(since "$t") (exit $status)"
	fi
	;;
bench)
	read -r -a benchflags <<<"${BENCHFLAGS:-}"
	svc_log "go test -run=^\$ -bench=. -benchmem ${benchflags[*]} ${testflags[*]} ${pkgs[*]}"
	run go test -run='^$' -bench=. -benchmem "${benchflags[@]}" "${testflags[@]}" "${pkgs[@]}" || status=$?
	;;
fuzz-smoke)
	# go test fuzzes one target of one package at a time: list them, run each.
	fuzztime=${FUZZTIME:-10s}
	list=$(go test -list '^Fuzz' "${pkgs[@]}") || status=$?
	targets=0
	names=()
	while read -r word pkg _; do
		case $word in
		Fuzz*) names+=("$word") ;;
		ok)
			for name in "${names[@]}"; do
				svc_log "fuzz $pkg $name for $fuzztime"
				targets=$((targets + 1))
				run go test -run='^$' -fuzz="^$name\$" -fuzztime="$fuzztime" "${testflags[@]}" "$pkg" || status=$?
			done
			names=()
			;;
		esac
	done < <(printf '%s\n' "$list"; echo)
	svc_log "fuzzed $targets targets"
	;;
*)
	svc_die "unknown mode $mode (want test, bench or fuzz-smoke)"
	status=2
	;;
esac
exit "$status"
