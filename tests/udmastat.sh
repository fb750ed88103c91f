#!/usr/bin/env bash
# udmastat against a live process, as a user runs it: a program keeping a
# channel busy under UDMA_TELEMETRY=PATH, read with --socket, and under
# UDMA_TELEMETRY=1, read by its PID (the default path); the rows show
# operations, the socket is 0600 and goes when the program exits; usage
# errors exit 2, a missing socket 1.
#   udmastat.sh PATH-TO-udmastat PATH-TO-test_telemetry
set -euo pipefail
udmastat=$1
busy=$2
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

fail() { echo "udmastat: FAIL: $1" >&2; [ -f "${2:-}" ] && sed 's/^/  | /' "$2" >&2; exit 1; }

wait_for() {	# a socket appearing, 5 s at most
	for _ in $(seq 50); do [ -S "$1" ] && return 0; sleep 0.1; done
	fail "no socket $1" "$tmp/busy.out"
}

# a row: time column blank, the channel, then ops/s
rows_with_ops() { awk '$1 == "dma0chan0" && $2 + 0 > 0' "$1" | wc -l; }

UDMA_TELEMETRY="$tmp/sock" "$busy" --busy 20 > "$tmp/busy.out" 2>&1 & pid=$!
wait_for "$tmp/sock"
[ "$(stat -c %a "$tmp/sock")" = 600 ] || fail "socket mode is $(stat -c %a "$tmp/sock"), not 600"
"$udmastat" --count 2 --socket "$tmp/sock" > "$tmp/out" || fail "udmastat --socket exited $?" "$tmp/out"
[ "$(rows_with_ops "$tmp/out")" -eq 2 ] || fail "not 2 reports with dma0chan0 moving" "$tmp/out"
grep -q 'p99_us' "$tmp/out" || fail "no header" "$tmp/out"
grep -Eq '^ +busy-rx +rx +16/256 ' "$tmp/out" || fail "no FIFO row" "$tmp/out"
"$udmastat" --json --count=1 --socket="$tmp/sock" 1 > "$tmp/json" || fail "--json exited $?" "$tmp/json"
grep -q '^{"/channel": {"name": "dma0chan0"' "$tmp/json" || fail "--json: no /channel answer" "$tmp/json"
if command -v python3 > /dev/null; then
	python3 -c 'import json, sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/json" ||
		fail "--json: not one JSON object per line" "$tmp/json"
fi
kill -TERM "$pid"; wait "$pid" || fail "the busy program failed" "$tmp/busy.out"; pid=
[ ! -e "$tmp/sock" ] || fail "socket left behind at exit"

# UDMA_TELEMETRY=1: the default path, found from the PID
mkdir -m 700 "$tmp/xdg"
XDG_RUNTIME_DIR="$tmp/xdg" UDMA_TELEMETRY=1 "$busy" --busy 20 > "$tmp/busy.out" 2>&1 & pid=$!
wait_for "$tmp/xdg/udmaengine/telemetry.$pid"
[ "$(stat -c %a "$tmp/xdg/udmaengine")" = 700 ] || fail "directory mode is not 700"
XDG_RUNTIME_DIR="$tmp/xdg" "$udmastat" --count 1 "$pid" 1 > "$tmp/out" ||
	fail "udmastat PID exited $?" "$tmp/out"
grep -q "^udmastat: pid $pid," "$tmp/out" || fail "no banner naming pid $pid" "$tmp/out"
[ "$(rows_with_ops "$tmp/out")" -eq 1 ] || fail "udmastat PID: no dma0chan0 row moving" "$tmp/out"
kill -TERM "$pid"; wait "$pid" || fail "the busy program failed" "$tmp/busy.out"; pid=
[ ! -e "$tmp/xdg/udmaengine/telemetry.$pid" ] || fail "socket left behind at exit"

# failures: 1; usage: 2, naming the bad value
status() { set +e; "$@" > "$tmp/out" 2> "$tmp/err"; echo $?; set -e; }
[ "$(status "$udmastat" --socket "$tmp/none")" = 1 ] || fail "missing socket: not exit 1" "$tmp/err"
grep -q "cannot connect to $tmp/none" "$tmp/err" || fail "missing socket not named" "$tmp/err"
[ "$(status "$udmastat" 12x)" = 2 ] || fail "PID 12x: not exit 2"
grep -q "12x" "$tmp/err" || fail "PID 12x: the value is not named" "$tmp/err"
[ "$(status "$udmastat" --count=0 1)" = 2 ] || fail "--count=0: not exit 2"
[ "$(status "$udmastat" --count -3 1)" = 2 ] || fail "--count -3: not exit 2"
[ "$(status "$udmastat" 1 2 3)" = 2 ] || fail "three arguments: not exit 2"
[ "$(status "$udmastat" --bogus)" = 2 ] || fail "--bogus: not exit 2"
[ "$(status "$udmastat")" = 2 ] || fail "no PID: not exit 2"
[ "$(status "$udmastat" --help)" = 0 ] && grep -q '^usage: udmastat' "$tmp/out" || fail "--help"
[ "$(status "$udmastat" --version)" = 0 ] && grep -q '^udmastat (udmaengine) ' "$tmp/out" ||
	fail "--version"
echo "udmastat: rows with operations from --socket and from a PID; socket 0600, gone at exit; exit 1 and 2 where due"
