#!/bin/sh
# Instructions per 64-byte copy on each thread, counted by callgrind: the
# figure that does not move with this machine's noise (docs/performance.md).
#   scripts/instructions-per-copy.sh [path/to/dmaperf]
# Needs valgrind. Short runs count the channel's first descriptor
# allocations too (a few instructions per copy); compare runs of one length.
set -eu
bin=${1:-build/tools/dmaperf}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$out/cg" \
	"$bin" --sizes=64 --time-ms=300 --latency=0 --modes=coalesced --no-dpdk >/dev/null 2>&1

# Thread 1 is the client (main); the others are named by the function they run.
callgrind_annotate --auto=yes --context=0 "$out/cg-01" > "$out/client.txt" 2>/dev/null
calls() { grep -E "=> .*[:/]$1 \(" "$out/client.txt" | head -1 | sed -E 's/.*\(([0-9,]+)x\).*/\1/' | tr -d ,; }
cost() { grep -E "=> .*[:/]$1 \(" "$out/client.txt" | head -1 | awk '{print $1}' | tr -d ,; }
copies=$(calls dmaengine_prep_dma_memcpy)
[ -n "$copies" ] || { echo "no copies counted (is $bin a dmaperf?)" >&2; exit 1; }

# The threads that run $1, each a file of its own: the tasklet pool has a
# thread per CPU (up to 4) and the controller one per channel, most of them
# idle here. The one with the most instructions is the one that did the
# work (ran the callbacks, moved the copies); its total is printed.
thread_total() {
	best=0
	for f in "$out"/cg-*; do
		if callgrind_annotate --inclusive=yes "$f" 2>/dev/null | grep -q "$1"; then
			n=$(callgrind_annotate "$f" 2>/dev/null |
				awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
			[ "${n:-0}" -gt "$best" ] && best=$n
		fi
	done
	echo "$best"
}
hw=$(thread_total soft_hw_thread)
pool=$(thread_total pool_thread)

# The same copies through udma_submit_memcpy_batch, 32 per call (dmaperf's --batch).
valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$out/bg" \
	"$bin" --sizes=64 --time-ms=300 --latency=0 --modes=batch --no-dpdk >/dev/null 2>&1
callgrind_annotate --auto=yes --context=0 "$out/bg-01" > "$out/batch.txt" 2>/dev/null
batch_line=$(grep -E "=> .*[:/]udma_submit_memcpy_batch \(" "$out/batch.txt" | head -1)
batch_calls=$(echo "$batch_line" | sed -E 's/.*\(([0-9,]+)x\).*/\1/' | tr -d ,)
batch_cost=$(echo "$batch_line" | awk '{print $1}' | tr -d ,)

echo "copies counted:             $copies"
echo "client: prep (core + soft): $(( $(cost dmaengine_prep_dma_memcpy) / copies ))"
echo "client: submit:             $(( $(cost dmaengine_submit) / copies ))"
echo "client: dmaperf's loop, all:$(( $(cost stream_callbacks) / copies ))"
echo "hardware thread:            $(( hw / copies ))"
echo "tasklet pool:               $(( pool / copies ))"
[ -z "$batch_calls" ] || echo "client: udma_submit_memcpy_batch, per copy: $(( batch_cost / (batch_calls * 32) ))"
