#!/usr/bin/env bash
# fifo-provision.sh PROGRAM: in sim mode with a 2 us set-up per burst, a
# DMA in 64-byte bursts keeps a 4 MB/s FIFO fed; in 4-byte bursts it
# cannot, and underruns by the same bytes in every run, whatever the seed.
set -uo pipefail
prog=$1
export UDMA_SIM_BURST_NS=2000
line() { UDMA_SIM_SEED=$1 "$prog" "$2" 2>/dev/null | head -1; }
for seed in 1 2; do
  ok=$(line $seed 16)
  echo "seed $seed: $ok"
  echo "$ok" | grep -q ' 0 wrong, 0 bytes of underrun' || { echo "FAIL: bursts of 16 words underran"; exit 1; }
done
ref=$(line 1 1)
echo "seed 1: $ref"
n=$(echo "$ref" | sed -n 's/.* \([0-9]*\) bytes of underrun/\1/p')
[ -n "$n" ] && [ "$n" -gt 0 ] || { echo "FAIL: bursts of one word did not underrun"; exit 1; }
for seed in 1 2 3; do
  again=$(line $seed 1)
  [ "$again" = "$ref" ] || { echo "FAIL: seed $seed: '$again', not '$ref'"; exit 1; }
done
echo "PASS: $n bytes of underrun in every run"
