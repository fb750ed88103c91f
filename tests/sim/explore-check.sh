#!/usr/bin/env bash
# explore-check.sh find|pass SEEDS STRATEGY DMAEXPLORE PROGRAM [ARGS]
#   find: dmaexplore must report a failing seed, and the replay command it
#         prints must fail again with the same report
#   pass: every seed must pass
set -uo pipefail
mode=$1 seeds=$2 strategy=$3 explore=$4
shift 4
out=$("$explore" --seeds="$seeds" --strategy="$strategy" -- "$@" 2>&1)
rc=$?
echo "$out" | grep -v '^    ' | head -20
if [ "$mode" = pass ]; then
  [ $rc -eq 0 ] || { echo "FAIL: dmaexplore exited $rc, expected 0 (no failing seed)"; echo "$out" | tail -60; exit 1; }
  echo "PASS: $seeds seeds, none failed"
  exit 0
fi
[ $rc -eq 1 ] || { echo "FAIL: dmaexplore exited $rc, expected 1 (a failing seed)"; exit 1; }
replay=$(echo "$out" | sed -n 's/^  replay: //p')
seed=$(echo "$out" | sed -n 's/^dmaexplore: first failing seed: \([0-9]*\).*/\1/p')
[ -n "$replay" ] && [ -n "$seed" ] || { echo "FAIL: no replay command or first seed in the report"; exit 1; }
echo "$replay" | grep -q "UDMA_SIM_SEED=$seed " || { echo "FAIL: the replay command lacks UDMA_SIM_SEED=$seed"; exit 1; }
echo "$out" | grep -q 'udma-sim: #' || { echo "FAIL: no schedule around the failure in the report"; exit 1; }
# the replay fails the same way, twice, byte for byte (but for what address
# randomization changes in a sanitizer's report: process ids, addresses)
same() { sed -E 's/==[0-9]+==/==PID==/g; s/pid=[0-9]+/pid=PID/g; s/0x[0-9a-f]+/0xADDR/g'; }
a=$(env $replay 2>&1 | same); ra=${PIPESTATUS[0]}
b=$(env $replay 2>&1 | same); rb=${PIPESTATUS[0]}
[ $ra -ne 0 ] || { echo "FAIL: the replay passed"; echo "$a"; exit 1; }
[ "$a" = "$b" ] && [ $ra -eq $rb ] || { echo "FAIL: two replays of seed $seed differ"; diff <(echo "$a") <(echo "$b") | head; exit 1; }
echo "PASS: found at seed $seed; the replay fails again identically (exit $ra):"
echo "$a" | grep -E 'violation|freed|udma-sim: seed=' | head -5
