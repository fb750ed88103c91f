#!/usr/bin/env bash
# UDMA_SUMMARY, as a user sets it: an example run with UDMA_SUMMARY=FILE
# leaves the kernel's debugfs summary of its controller (destroyed before
# exit, so as it was then) and udmaengine's counters in FILE; with
# UDMA_SUMMARY=1 the same text goes to stderr; unset, nothing does.
#   summary-env.sh PATH-TO-memcpy_client
set -euo pipefail
client=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "summary-env: FAIL: $*" >&2; [ -f "$2" ] && sed 's/^/  | /' "$2" >&2; exit 1; }

# memcpy_client copies 64 B, 4 KiB and 4 MiB on dma0chan0, then releases it
counters=' dma0chan0    \| free memcpy=3 memset=0 slave=0 interleave=0 bytes=4198464 submitted=3 completed=3 errors=0 terminated=0 in_flight=0$'

UDMA_SUMMARY="$tmp/summary" "$client" > "$tmp/out" 2> "$tmp/err"
[ -s "$tmp/summary" ] || fail "no summary file written" "$tmp/err"
head -1 "$tmp/summary" | grep -qx 'dma0 (dma0): number of channels: 4' ||
	fail "first line is not the device line" "$tmp/summary"
grep -qx 'udmaengine counters:' "$tmp/summary" || fail "no counters block" "$tmp/summary"
grep -qE "$counters" "$tmp/summary" || fail "dma0chan0's counters are not the client's copies" "$tmp/summary"
[ "$(grep -c '^ dma0chan' "$tmp/summary")" -eq 4 ] || fail "not one counters line per channel" "$tmp/summary"
[ ! -s "$tmp/err" ] || fail "stderr is not empty" "$tmp/err"

UDMA_SUMMARY=1 "$client" > "$tmp/out" 2> "$tmp/err"
grep -qx 'dma0 (dma0): number of channels: 4' "$tmp/err" || fail "UDMA_SUMMARY=1: nothing on stderr" "$tmp/err"
grep -qE "$counters" "$tmp/err" || fail "UDMA_SUMMARY=1: no counters on stderr" "$tmp/err"
! grep -q 'number of channels' "$tmp/out" || fail "UDMA_SUMMARY=1 wrote to stdout" "$tmp/out"

env -u UDMA_SUMMARY "$client" > "$tmp/out" 2> "$tmp/err"
! grep -q 'number of channels' "$tmp/err" "$tmp/out" || fail "a summary without UDMA_SUMMARY" "$tmp/err"
UDMA_SUMMARY=0 "$client" > "$tmp/out" 2> "$tmp/err"
! grep -q 'number of channels' "$tmp/err" "$tmp/out" || fail "a summary with UDMA_SUMMARY=0" "$tmp/err"

echo "summary-env: UDMA_SUMMARY=FILE and =1 give the device line and the client's counters; unset or 0, nothing"
