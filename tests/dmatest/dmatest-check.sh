#!/usr/bin/env bash
# dmatest (tools/dmatest) driven from outside, as a user runs it:
#   dmatest-check.sh CASE PATH-TO-DMATEST
# Each CASE is one ctest test (tests/CMakeLists.txt). Runs are short and
# seeded, so a failure repeats.
set -uo pipefail
case_=$1 dmatest=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "dmatest-$case_: FAIL: $*" >&2; [ -f "$tmp/out" ] && sed 's/^/  | /' "$tmp/out" >&2; exit 1; }

# The kernel's summary line, exactly: name, tests, failures, iops with two
# decimals, integer KB/s, the thread's error code.
summary_re='^(dma[0-9]+chan[0-9]+-(copy|set|slave)[0-9]+): summary ([0-9]+) tests, ([0-9]+) failures [0-9]+\.[0-9]{2} iops [0-9]+ KB/s \((-?[0-9]+)\)$'
result_re="^dma[0-9]+chan[0-9]+-(copy|set|slave)[0-9]+: result #[0-9]+: '[a-z ]+' with src_off=0x[0-9a-f]+ dst_off=0x[0-9a-f]+ len=0x[0-9a-f]+ \\(-?[0-9]+\\)$"
byte_re='^dma[0-9]+chan[0-9]+-(copy|set|slave)[0-9]+: (src|dst)buf\[0x[0-9a-f]+\] (overwritten|not copied|was copied|mismatch)! Expected [0-9a-f]{2}, got [0-9a-f]{2}$'

# run [ARGS...]: stdout to $tmp/out, stderr to $tmp/err, exit status in $rc
run() {
	"$dmatest" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

count() { grep -cE "$1" "$tmp/out"; }

# every summary line is in the exact format, and there are $1 of them
summaries() {
	local n
	n=$(grep -c ': summary ' "$tmp/out")
	[ "$n" -eq "$1" ] || fail "$n summary lines, want $1"
	[ "$(count "$summary_re")" -eq "$1" ] || fail "a summary line is not in the kernel's format"
	[ "$(grep -E "$summary_re" "$tmp/out" | sed -E "s#$summary_re#\\1#" | sort -u | wc -l)" -eq "$1" ] ||
		fail "thread names are not unique"
}

# the sum of failures over all summary lines
failures() { grep -E "$summary_re" "$tmp/out" | sed -E "s#$summary_re#\\4#" | awk '{ s += $1 } END { print s + 0 }'; }

case $case_ in
pass)	# all 4 soft channels, 2 threads each, verification on
	run iterations=20 threads_per_chan=2 seed=1 progress=0
	[ $rc -eq 0 ] || fail "exit status $rc, want 0"
	summaries 8
	for c in 0 1 2 3; do
		for t in 0 1; do
			grep -qE "^dma0chan$c-copy$t: summary 20 tests, 0 failures [0-9]+\.[0-9]{2} iops [0-9]+ KB/s \(0\)$" "$tmp/out" ||
				fail "no passing summary for dma0chan$c-copy$t"
		done
		grep -qx "Added 2 threads using dma0chan$c" "$tmp/out" || fail "no 'Added' line for dma0chan$c"
		grep -qx "Started 2 threads using dma0chan$c" "$tmp/out" || fail "no 'Started' line for dma0chan$c"
	done
	grep -q "result #" "$tmp/out" && fail "a result line in a passing run"
	[ ! -s "$tmp/err" ] || fail "stderr: $(cat "$tmp/err")"
	# verbose: one 'test passed' line per test, in the kernel's result format
	run iterations=5 verbose seed=1 progress=0 max_channels=1
	[ $rc -eq 0 ] || fail "verbose: exit status $rc"
	[ "$(count "$result_re")" -eq 5 ] && [ "$(count "'test passed'")" -eq 5 ] ||
		fail "verbose: want 5 'test passed' result lines"
	;;
corrupt) # a flipped destination bit, from the fault hook, is caught and reported
	run iterations=10 inject=corrupt seed=7 progress=0
	[ $rc -eq 1 ] || fail "exit status $rc, want 1"
	summaries 4
	[ "$(count ": summary 10 tests, 10 failures ")" -eq 4 ] || fail "want 10 failures on each channel"
	[ "$(count "'data error'")" -eq 40 ] || fail "want 40 'data error' results"
	[ "$(count "$result_re")" -eq 40 ] || fail "a result line is not in the kernel's format"
	# one flipped bit: one wrong byte, one report, per test
	[ "$(count "'data error' .* \\(1\\)$")" -eq 40 ] || fail "a data error is not exactly one byte"
	[ "$(count "$byte_re")" -eq 40 ] || fail "want 40 per-byte reports"
	[ "$(count '^dma0chan[0-3]-copy0: dstbuf\[0x[0-9a-f]+\] mismatch! Expected')" -ge 1 ] ||
		fail "no 'mismatch!' line"
	# a transfer cut short (polled: no callback_result to say so): every byte
	# missing is counted, 32 are printed, as the kernel caps its report
	run iterations=1 inject=read polled seed=7 progress=0 max_channels=1
	[ $rc -eq 1 ] || fail "cut short: exit status $rc, want 1"
	[ "$(count "$byte_re")" -eq 32 ] || fail "cut short: want 32 per-byte reports"
	[ "$(count ': dstbuf\[0x[0-9a-f]+\] not copied! ')" -eq 32 ] || fail "cut short: want 'not copied!'"
	n=$(sed -nE 's/^dma0chan0-copy0: ([0-9]+) errors suppressed$/\1/p' "$tmp/out")
	[ -n "$n" ] || fail "cut short: no 'errors suppressed' line"
	grep -qE "'data error' with .* \($((n + 32))\)$" "$tmp/out" ||
		fail "cut short: the data error does not count every byte"
	# one descriptor in 3: some tests fail, not all, and the run still says so
	run iterations=30 inject=corrupt:3 seed=7 progress=0 max_channels=1
	[ $rc -eq 1 ] || fail "one_in 3: exit status $rc, want 1"
	f=$(failures)
	[ "$f" -gt 0 ] && [ "$f" -lt 30 ] || fail "one_in 3: $f failures of 30"
	[ "$(count "'data error'")" -eq "$f" ] || fail "one_in 3: failures and data errors differ"
	;;
params)	# both forms, and they mean the same
	# verbose: every test's offsets and length are compared too
	run iterations=7 test_buf_size=4096 threads_per_chan=1 max_channels=2 verbose seed=3 progress=0
	[ $rc -eq 0 ] || fail "plain form: exit status $rc"
	summaries 2
	sed -E 's#[0-9]+\.[0-9]{2} iops [0-9]+ KB/s##' "$tmp/out" | sort >"$tmp/plain"
	run --iterations=7 --test_buf_size=4096 --threads-per-chan=1 --max_channels=2 --verbose \
	    --seed=3 --progress=0
	[ $rc -eq 0 ] || fail "-- form: exit status $rc"
	sed -E 's#[0-9]+\.[0-9]{2} iops [0-9]+ KB/s##' "$tmp/out" | sort >"$tmp/dashed"
	[ "$(grep -c "'test passed'" "$tmp/plain")" -eq 14 ] || fail "want 14 'test passed' lines"
	cmp -s "$tmp/plain" "$tmp/dashed" || fail "the two forms differ: $(diff "$tmp/plain" "$tmp/dashed")"
	grep -q 'summary 7 tests, 0 failures' "$tmp/out" || fail "iterations=7 not applied"
	# booleans: alone, =1, =Y, =n; numbers: hex as the kernel takes them
	for b in noverify noverify=1 --noverify=Y noverify=on; do
		run $b iterations=0x3 max_channels=1 progress=0
		[ $rc -eq 0 ] && grep -q 'summary 3 tests, 0 failures' "$tmp/out" || fail "$b: rc $rc"
	done
	run noverify=n inject=corrupt iterations=3 max_channels=1 progress=0
	[ $rc -eq 1 ] || fail "noverify=n still verifies: exit status $rc, want 1"
	run noverify inject=corrupt iterations=3 max_channels=1 progress=0
	[ $rc -eq 0 ] || fail "noverify does not verify: exit status $rc, want 0"
	# channel and device select by name
	run channel=dma0chan2 iterations=3 progress=0
	[ $rc -eq 0 ] && summaries 1 && grep -q '^dma0chan2-copy0: summary 3 tests' "$tmp/out" ||
		fail "channel=dma0chan2"
	run --test_channel=dma0chan1,dma0chan3 iterations=3 progress=0
	[ $rc -eq 0 ] && summaries 2 || fail "test_channel=dma0chan1,dma0chan3"
	run device=dma0 iterations=3 progress=0
	[ $rc -eq 0 ] && summaries 4 || fail "device=dma0"
	run device=dma9 iterations=3
	[ $rc -eq 1 ] && grep -qx 'Could not start test, no channels configured' "$tmp/out" ||
		fail "device=dma9: exit status $rc, want 1 and the kernel's message"
	# --help names every kernel parameter, exit 0
	run --help
	[ $rc -eq 0 ] || fail "--help: exit status $rc"
	for p in test_buf_size channel device threads_per_chan max_channels iterations dmatest \
		 timeout noverify norandom alignment transfer_size polled verbose; do
		grep -q "^  $p" "$tmp/out" || fail "--help lacks $p"
	done
	# bad parameters: exit 2, one line on stderr naming the parameter, no test run
	nbad=0
	while read -r arg name; do
		nbad=$((nbad + 1))
		run $arg
		[ $rc -eq 2 ] || fail "'$arg': exit status $rc, want 2"
		[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "'$arg': want one line on stderr: $(cat "$tmp/err")"
		grep -q "^dmatest: .*$name" "$tmp/err" || fail "'$arg': message does not name $name: $(cat "$tmp/err")"
		[ ! -s "$tmp/out" ] || fail "'$arg': ran anyway"
	done <<'BAD'
bogus=1 bogus
--no_such_thing no_such_thing
iterations=abc iterations
--iterations=12x iterations
iterations= iterations
iterations iterations
threads_per_chan=0 threads_per_chan
test_buf_size=0 test_buf_size
max_channels=-1 max_channels
alignment=31 alignment
alignment=15 alignment
iterations=4294967296 iterations
timeout=0 timeout
timeout=fast timeout
transfer_size=16384 transfer_size
noverify=maybe noverify
dmatest=7 dmatest
dmatest=xor dmatest
xor_sources=3 xor_sources
--pq_sources=2 pq_sources
inject=bogus inject
cuda=-2 cuda
cuda=gpu0 cuda
BAD
	[ $nbad -eq 23 ] || fail "$nbad bad parameters tried"
	;;
memset)	# dmatest=1: the kernel's memset threads, -set<N>
	run dmatest=1 iterations=20 seed=4 progress=0
	[ $rc -eq 0 ] || fail "exit status $rc"
	summaries 4
	[ "$(count '^dma0chan[0-3]-set0: summary 20 tests, 0 failures ')" -eq 4 ] || fail "memset threads"
	run dmatest=memset iterations=5 inject=corrupt seed=4 progress=0 max_channels=1
	[ $rc -eq 1 ] && [ "$(count "'data error'")" -eq 5 ] || fail "memset corruption not caught"
	run dmatest=memcpy,memset iterations=5 seed=4 progress=0 max_channels=2
	[ $rc -eq 0 ] && summaries 4 && grep -qx 'Added 2 threads using dma0chan0' "$tmp/out" ||
		fail "memcpy and memset together"
	;;
polled)	# completion by dma_sync_wait instead of callbacks
	run polled iterations=20 seed=5 progress=0
	[ $rc -eq 0 ] || fail "exit status $rc"
	summaries 4
	[ "$(count ': summary 20 tests, 0 failures ')" -eq 4 ] || fail "polled runs failed"
	run --polled=1 dmatest=1 iterations=10 seed=5 progress=0 max_channels=2
	[ $rc -eq 0 ] && summaries 2 || fail "polled memset"
	run polled inject=corrupt iterations=5 seed=5 progress=0 max_channels=1
	[ $rc -eq 1 ] && [ "$(count "'data error'")" -eq 5 ] || fail "polled corruption not caught"
	;;
timeout) # a stalled engine: 'test timed out', the channel recovers, bounded time
	start=$(date +%s%N)
	run inject=stall timeout=100 iterations=3 max_channels=2 seed=6 progress=0
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	[ $rc -eq 1 ] || fail "exit status $rc, want 1"
	summaries 2
	[ "$(count "'test timed out'")" -eq 6 ] || fail "want 6 'test timed out'"
	[ "$(count ': summary 3 tests, 3 failures ')" -eq 2 ] || fail "want 3 failures per thread"
	[ "$ms" -lt 20000 ] || fail "took $ms ms"
	# one in 2 stalls: the others pass, so terminate left the channel usable
	run inject=stall:2 timeout=100 iterations=12 max_channels=1 seed=6 progress=0
	[ $rc -eq 1 ] || fail "stall:2: exit status $rc"
	f=$(failures)
	[ "$f" -gt 0 ] && [ "$f" -lt 12 ] || fail "stall:2: $f failures of 12"
	[ "$(count "'test timed out'")" -eq "$f" ] || fail "stall:2: failures are not all timeouts"
	# failed transfers the engine reports: 'completion error status'
	run inject=abort iterations=3 max_channels=1 seed=6 progress=0
	[ $rc -eq 1 ] && [ "$(count "'completion error status'")" -eq 3 ] || fail "abort"
	;;
slave)	# memory -> TX FIFO -> RX FIFO -> memory on every channel
	run dmatest=slave iterations=10 threads_per_chan=2 seed=8 progress=0
	[ $rc -eq 0 ] || fail "exit status $rc"
	summaries 8
	[ "$(count '^dma0chan[0-3]-slave[01]: summary 10 tests, 0 failures ')" -eq 8 ] || fail "slave runs"
	run dmatest=2 iterations=5 inject=corrupt seed=8 progress=0 max_channels=1
	[ $rc -eq 1 ] && [ "$(count "'data error'")" -eq 5 ] || fail "slave corruption not caught"
	;;
stop)	# iterations=0 runs until SIGINT, with progress lines, then the summaries
	"$dmatest" iterations=0 progress=1 test_buf_size=4096 seed=9 >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	sleep 2.5
	kill -INT $pid
	wait $pid
	rc=$?
	[ $rc -eq 0 ] || fail "exit status $rc"
	summaries 4
	[ "$(count '^dma0chan[0-3]-copy0: progress [0-9]+ tests, 0 failures \([0-9]+ s\)$')" -ge 4 ] ||
		fail "no progress lines"
	;;
cuda)	# a dmatest built with the CUDA provider on its test double (no GPU needed)
	run soft=0 cuda=0 iterations=20 threads_per_chan=2 seed=10 progress=0
	[ $rc -eq 0 ] || fail "exit status $rc"
	n=$(count '^Added 2 threads using dma0chan[0-9]+$')
	[ "$n" -ge 1 ] || fail "no CUDA channel tested"
	summaries $((2 * n))
	[ "$(count '^dma0chan[0-9]+-copy[01]: summary 20 tests, 0 failures ')" -eq $((2 * n)) ] ||
		fail "a CUDA channel failed"
	[ ! -s "$tmp/err" ] || fail "stderr: $(cat "$tmp/err")"
	# beside the software controller, device= picks the CUDA one's channels
	run cuda=0 device=cuda0 dmatest=0,1 iterations=10 seed=10 progress=0
	[ $rc -eq 0 ] || fail "device=cuda0: exit status $rc"
	[ "$(count '^dma0chan')" -eq 0 ] || fail "device=cuda0 tested the software controller"
	[ "$(count '^dma1chan[0-9]+-copy0: summary 10 tests, 0 failures ')" -eq "$n" ] ||
		fail "device=cuda0: memcpy on every CUDA channel"
	[ "$(count '^dma1chan[0-9]+-set0: summary 10 tests, 0 failures ')" -eq "$n" ] ||
		fail "device=cuda0: memset on every CUDA channel"
	run soft=0 cuda=7 iterations=1
	[ $rc -eq 1 ] && grep -q "cannot create a CUDA controller on GPU 7" "$tmp/err" ||
		fail "a GPU that is not there: exit status $rc, stderr: $(cat "$tmp/err")"
	;;
cuda-real) # the same on a real GPU; skipped (77) without one
	run soft=0 cuda=0 iterations=50 threads_per_chan=2 dmatest=0,1 seed=11 progress=0
	if [ $rc -ne 0 ] && grep -q "no such GPU" "$tmp/err"; then
		echo "dmatest-$case_: SKIP: no GPU"
		exit 77
	fi
	[ $rc -eq 0 ] || fail "exit status $rc"
	[ "$(failures)" -eq 0 ] || fail "failures on a GPU"
	;;
*)	fail "unknown case" ;;
esac
echo "dmatest-$case_: ok"
