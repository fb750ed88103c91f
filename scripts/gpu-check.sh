#!/usr/bin/env bash
# The CUDA provider on a real GPU, in one pass: configure with the toolkit,
# build, run every test (the cuda-real-* ones included), dmatest on the
# GPU's copy engines, and cudaperf. Logs go to $OUT (or ./gpu-check-out).
# Meant for a machine with an NVIDIA GPU and the CUDA toolkit; it takes a
# few minutes on 16 cores.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-gpu-check-out}
mkdir -p "$out"
jobs=$(nproc)
{
	nvidia-smi -L; nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv
	nvcc --version | tail -2; cmake --version | head -1; cc --version | head -1
} >"$out/env.txt" 2>&1
cat "$out/env.txt"

cmake -S . -B build-gpu -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$out/build.log" 2>&1 &&
	cmake --build build-gpu -j"$jobs" >>"$out/build.log" 2>&1
echo "build rc=$?"; grep -E 'CUDA|warning' "$out/build.log" | head -20

# every test, the real-runtime ones included
(cd build-gpu && timeout 240 ctest -j"$jobs" --output-on-failure) >"$out/ctest.log" 2>&1
echo "ctest rc=$?"; grep -E 'cuda-real|tests passed|failed|Not Run|Skipped' "$out/ctest.log" | head -60

# dmatest on the copy engines
timeout 60 build-gpu/tools/dmatest cuda=0 device=cuda0 dmatest=memcpy,memset iterations=2000 \
	>"$out/dmatest.log" 2>&1
echo "dmatest rc=$?"; tail -8 "$out/dmatest.log"

# the benchmark: udma vs raw CUDA, side by side
timeout 150 build-gpu/providers/cuda/cudaperf >"$out/cudaperf.log" 2>&1
echo "cudaperf rc=$?"; cat "$out/cudaperf.log"
