#!/usr/bin/env bash
# determinism.sh RUNS PROGRAM [ARGS]: the same seed RUNS times gives the
# same output, byte for byte, ending with the udma-sim line.
set -uo pipefail
runs=$1
shift
ref=$(UDMA_SIM_SEED=7 "$@" 2>&1) || { echo "FAIL: the first run failed"; echo "$ref"; exit 1; }
echo "$ref" | tail -1 | grep -q '^udma-sim: seed=7 ' || { echo "FAIL: no udma-sim line at the end"; echo "$ref"; exit 1; }
for i in $(seq 2 "$runs"); do
  out=$(UDMA_SIM_SEED=7 "$@" 2>&1)
  if [ "$out" != "$ref" ]; then
    echo "FAIL: run $i differs from run 1:"
    diff <(echo "$ref") <(echo "$out") | head -20
    exit 1
  fi
done
other=$(UDMA_SIM_SEED=8 "$@" 2>&1 | tail -1)
[ "$other" != "$(echo "$ref" | tail -1)" ] || { echo "FAIL: seeds 7 and 8 gave the same schedule"; exit 1; }
echo "PASS: $runs runs of seed 7, one output:"
echo "$ref" | tail -1
