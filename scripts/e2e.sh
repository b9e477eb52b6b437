#!/usr/bin/env bash
# e2e.sh — the web app's browser tests (client/web/e2e): Playwright
# (npm playwright-core, never `playwright install`) driving Debian's Chromium
# headless against the real binary on a loopback port with a temp data dir.
#
#   scripts/e2e.sh            (scripts/test.sh runs it after the Go tests)
#
# On a fresh Debian machine, as root, it installs what is missing with
# apt-get (chromium, nodejs, npm), then `npm ci` in client/web/e2e. It
# builds the server, runs the flows and exits with their status.
# Screenshots of the main pages in both languages go to test-output/e2e
# (git-ignored; JIHAT_TEST_OUTPUT overrides).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="/usr/local/go/bin:$PATH"
log() { printf '==> e2e: %s\n' "$*" >&2; }

pkgs=()
[[ -x ${CHROMIUM:-/usr/bin/chromium} ]] || pkgs+=(chromium)
command -v node >/dev/null || pkgs+=(nodejs)
command -v npm >/dev/null || pkgs+=(npm)
if ((${#pkgs[@]})); then
	if ((EUID != 0)); then
		printf '!!! e2e: missing %s: run as root, or apt-get install %s\n' "${pkgs[*]}" "${pkgs[*]}" >&2
		exit 1
	fi
	log "installing ${pkgs[*]} with apt-get"
	export DEBIAN_FRONTEND=noninteractive
	if [[ -z ${JIHAT_APT_UPDATED:-} ]]; then
		apt-get update -q >&2
		export JIHAT_APT_UPDATED=1
	fi
	apt-get install -y -q --no-install-recommends "${pkgs[@]}" >&2
fi

dir=client/web/e2e
if [[ ! -d $dir/node_modules/playwright-core || $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]]; then
	log "npm ci in $dir"
	(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log "building the server"
go build -o "$tmp/jihat" ./cmd/jihat
log "running the browser tests"
(cd "$dir" && JIHAT_BIN="$tmp/jihat" node run.js)
