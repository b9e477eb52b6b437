#!/usr/bin/env bash
# stage-times.sh LOG — where comments waited, from a server's debug log
# (jihat serve --log-level debug; scripts/persist-bench.sh LOG_LEVEL=debug
# keeps it as OUT/jihat.log): p50 / p90 / p99 / max in ms of each stage.
#
#   comment lines (server/stage_times.go), one per comment:
#     before  arrival → the handler (request read, authentication, bridge)
#     limit   the write limit (Redis on PostgreSQL + Redis)
#     store   the store: queue, group, commit, publish hooks, answer
#   group commit lines (store/group_timing.go), one per group, counted once
#   per change of the group:
#     wait_max  the longest wait of its changes for the group to begin
#     tx        the group's transaction
#     hook_wait commit → its hooks began (the group before still publishing)
#     hooks     its hooks (publishing to the hub and the bus)
set -euo pipefail
jq -rn '
def pct($p): sort as $s | if ($s | length) == 0 then "—" else ($s[(($s | length - 1) * $p | floor)] / 1000 * 10 | round / 10 | tostring) end;
def row($name): "\($name)\t\(pct(0.5))\t\(pct(0.9))\t\(pct(0.99))\t\(pct(1))\t\(length)";
[inputs | select(type == "object")] as $all
| ($all | map(select(.msg == "comment"))) as $c
| ($all | map(select(.msg == "group commit")) | map(. as $g | range(.changes) | $g)) as $g
| "stage\tp50\tp90\tp99\tmax\tn",
  ($c | map(.before_us) | row("before")),
  ($c | map(.limit_us) | row("limit")),
  ($c | map(.store_us) | row("store")),
  ($c | map(.before_us + .limit_us + .store_us) | row("total")),
  ($g | map(.wait_max_us) | row("group wait_max")),
  ($g | map(.tx_us) | row("group tx")),
  ($g | map(.hook_wait_us) | row("group hook_wait")),
  ($g | map(.hooks_us) | row("group hooks")),
  ($g | map(.changes) | row("group size (x1000)"))
' <(grep -a '^{' "$1") | column -t -s $'\t'
