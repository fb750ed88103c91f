#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The tools' command lines, as a user meets them:
#   cli-check.sh TOOL PATH-TO-TOOL     (TOOL: dmaperf, dmastress, dmatest, cudaperf)
# --help and --version exit 0; an option's value is taken both as
# --opt=VALUE and as --opt VALUE; a malformed value is refused with exit
# status 2 and one line on stderr that names the option and points to --help.
# Each run is a fraction of a second.
set -uo pipefail
tool=$1 bin=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "cli-$tool: FAIL: $*" >&2
	for f in out err; do [ -s "$tmp/$f" ] && sed "s/^/  $f| /" "$tmp/$f" >&2; done
	exit 1
}

# run [ARGS...]: stdout to $tmp/out, stderr to $tmp/err, exit status in $rc
run() {
	timeout 60 "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# refused WORDS ARGS...: exit 2, nothing on stdout, one line on stderr
# "TOOL: ... (see TOOL --help)" containing WORDS (an extended regex)
refused() {
	local words=$1
	shift
	run "$@"
	[ $rc -eq 2 ] || fail "'$*': exit status $rc, want 2"
	[ ! -s "$tmp/out" ] || fail "'$*': printed on stdout (ran anyway?)"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "'$*': want one line on stderr"
	grep -qE "^$tool: .*$words.* \\(see $tool --help\\)$" "$tmp/err" ||
		fail "'$*': the message lacks '$words' or the --help hint"
}

# --help: what the tool does and its options, on stdout, exit 0
run --help
[ $rc -eq 0 ] || fail "--help: exit status $rc"
grep -q "^usage: $tool " "$tmp/out" || fail "--help: no usage line"
grep -q -- "--help" "$tmp/out" && grep -qi "exit status" "$tmp/out" || fail "--help: incomplete"
[ ! -s "$tmp/err" ] || fail "--help wrote to stderr"
run -h
[ $rc -eq 0 ] && grep -q "^usage: $tool " "$tmp/out" || fail "-h"
run --version
[ $rc -eq 0 ] && grep -qE "^$tool \\(udmaengine\\) [0-9]+\\.[0-9]+\\.[0-9]+$" "$tmp/out" || fail "--version"
refused "unknown option '--no-such-option'" --no-such-option
refused "unknown option '-x'" -x

case $tool in
dmaperf)
	quick=(--ws=64K --latency=0 --no-dpdk --modes=coalesced -q)
	for form in "--sizes=4K --time-ms=5" "--sizes 4K --time-ms 5"; do
		# shellcheck disable=SC2086
		run $form "${quick[@]}"
		[ $rc -eq 0 ] || fail "$form: exit status $rc"
		grep -qE '^ +4096 \|' "$tmp/out" || fail "$form: no 4096-byte row"
		! grep -qE '^ +(64|65536|1048576) \|' "$tmp/out" || fail "$form: default sizes ran"
		[ ! -s "$tmp/err" ] || fail "$form: stderr"
	done
	refused "--sizes=0: a size must be at least 1 byte" --sizes=0
	refused "--sizes=64,1.5K: '1.5K': not a whole number" --sizes=64,1.5K
	refused "--sizes=64,0: '0': a size must be at least 1 byte" --sizes=64,0
	refused "--sizes=4X: " --sizes=4X
	refused "--time-ms=-1: must be at least 1" --time-ms=-1
	refused "--time-ms=100xyz: 'xyz' after the number" --time-ms=100xyz
	refused "--time-ms= ?: needs a value" --time-ms=
	refused "--repeat=0: must be at least 1" --repeat 0
	refused "--repeat=16: must be at most 15" --repeat=16
	refused "--channels=17: must be at most 16" --channels=17
	refused "--depth=1e6: no exponents" --depth=1e6
	refused "--latency=50: at least 100" --latency=50
	refused "--modes=fast: no mode 'fast'" --modes=fast
	refused "--pin=1023: must be at most 1022" --pin=1023
	refused "option '--csv' needs a value" --csv
	refused "option '--ring' takes no value" --ring=1
	refused "option '--scaling' takes no value" --scaling=1
	refused "option '--idle' needs a value" --idle
	refused "--idle=0: must be at least 1" --idle 0
	refused "--idle=3601: must be at most 3600" --idle=3601
	refused "--idle=1.5: not a whole number" --idle=1.5
	refused "--idle=10s: 's' after the number" --idle=10s
	refused "--no-sweep: nothing left to run" --no-sweep
	refused "--csv and --plot write the sweep's rows: not with --no-sweep" \
		--no-sweep --idle=1 --csv="$tmp/x.csv"
	refused "--ws=1M: --scaling copies 1M on each of 2 channels: at least 2M" --scaling --ws=1M
	# --scaling's 1G per buffer does not fit under a 1.4 GiB address-space
	# limit: refused before anything runs, with what bounds it; --ws shrinks it
	# (--scaling and --idle, each in one of the two forms)
	# (not under a sanitizer, whose shadow memory needs far more address space)
	grep -qa "__asan_init\|__tsan_init" "$bin" || (
		ulimit -v 1500000
		refused "--scaling's working set: 2 x 1024 MiB \\(src and dst\\) do not fit: [0-9]+ MiB left \\(RLIMIT_AS: ulimit -v\\); shrink it with --ws" \
			--scaling --no-sweep
		run --scaling --no-sweep --ws 16M --time-ms=5 -q
		[ $rc -eq 0 ] || fail "--scaling --ws 16M: exit status $rc"
		grep -q "through 16 MiB per buffer" "$tmp/out" && grep -q "2ch/1ch [0-9.]*$" "$tmp/out" &&
			grep -q "2thr/1thr [0-9.]*$" "$tmp/out" || fail "--scaling: no 2ch/1ch and 2thr/1thr"
	) || exit 1
	run --no-sweep --idle 1 -q
	[ $rc -eq 0 ] || fail "--idle 1: exit status $rc"
	grep -qE "^idle: 1\\.[0-9] s measured" "$tmp/out" &&
		grep -qE "^idle: process [0-9.]+ ms of CPU per s \((ran [0-9.]+, )?one tick is [0-9.]+\); busiest thread (tasklet pool|dma0chan0 hw)" "$tmp/out" ||
		fail "--idle 1: no idle figures"
	! grep -qE '^ +[0-9]+ \|' "$tmp/out" || fail "--no-sweep: the sweep ran"
	# a CPU this process may not use: named, with the CPUs it may
	last=$(sed -n 's/^Cpus_allowed_list:.*[-,[:space:]]\([0-9]*\)$/\1/p' /proc/self/status)
	if [ -n "$last" ]; then
		refused "--pin=$((last + 1)): the client would run on CPU $((last + 1)), which this process cannot use \\(its CPUs: " \
			--pin=$((last + 1))
		refused "--pin=$last: the controller \\(CPU\\+1\\) would run on CPU $((last + 1))" --pin=$last
	fi
	;;
dmastress)
	for form in "--ops=7 --threads=4 --seed=3" "--ops 7 --threads 4 --seed 3"; do
		# shellcheck disable=SC2086
		run $form -q
		[ $rc -eq 0 ] || fail "$form: exit status $rc"
		# --ops is the total, split across the threads: 7, not 4 x 1
		grep -q "seed 3, 4 threads x 4 channels: 7 operations in" "$tmp/out" ||
			fail "$form: not 7 operations on 4 threads"
	done
	run --ops=2000 --max-len=4K --quiet
	[ $rc -eq 0 ] && grep -q ": 2000 operations in" "$tmp/out" || fail "--max-len=4K"
	refused "--ops=-1: must be at least 1" --ops=-1
	refused "--ops=100xyz: 'xyz' after the number" --ops=100xyz
	refused "--ops=1e6: no exponents" --ops=1e6
	refused "--ops=0: must be at least 1" --ops 0
	refused "--ops=18446744073709551616: must be at most" --ops=18446744073709551616
	refused "--threads=2junk: 'junk' after the number" --threads=2junk
	refused "--threads=65: must be at most 64" --threads=65
	refused "--channels=0: must be at least 1" --channels=0
	refused "--max-len=0: must be at least 1 byte" --max-len=0
	refused "--max-len=65M: must be at most 64M" --max-len=65M
	refused "--seed=abc: not a number" --seed=abc
	refused "option '--ops' needs a value" --ops
	refused "unexpected argument 'extra'" extra
	;;
dmatest)
	for form in "--iterations=3 --test_buf_size=4096" "--iterations 3 --test-buf-size 4096" \
		    "iterations=3 test_buf_size=4096"; do
		# shellcheck disable=SC2086
		run $form max_channels=1 seed=1 progress=0
		[ $rc -eq 0 ] || fail "$form: exit status $rc"
		grep -q '^dma0chan0-copy0: summary 3 tests, 0 failures ' "$tmp/out" || fail "$form: not 3 tests"
	done
	# the last value wins, whichever form each was given in
	run --iterations 9 iterations=2 max_channels=1 progress=0
	[ $rc -eq 0 ] && grep -q 'summary 2 tests' "$tmp/out" || fail "the last value does not win"
	refused "iterations: 'abc': not a number" --iterations abc
	refused "iterations: '12x': 'x' after the number" --iterations=12x
	refused "iterations: '1e3': no exponents" iterations=1e3
	refused "timeout: '1.5': not a whole number" timeout=1.5
	refused "iterations: -1 is out of range" --iterations -1
	refused "seed: must not be negative|seed: -5 is out of range" --seed=-5
	refused "unknown parameter 'bogus'" bogus=1
	refused "option '--iterations' needs a value" --iterations
	refused "option '--no' is ambiguous" --no
	;;
cudaperf)
	# without a GPU the run itself is skipped, so both forms are shown on a value
	# the parser refuses before it looks for a GPU
	refused "--window=2000: must be at most 1024" --window=2000
	refused "--window=2000: must be at most 1024" --window 2000
	refused "--window=abc: not a number" --window abc
	refused "--window=0: must be at least 1" --window=0
	refused "--device=-1: must not be negative" --device=-1
	refused "--device=1x: 'x' after the number" --device 1x
	refused "option '--quick' takes no value" --quick=yes
	;;
*)	fail "unknown tool" ;;
esac
echo "cli-$tool: ok"
