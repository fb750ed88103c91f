#!/usr/bin/env bash
# Installs what `make bench` can use but does not need: DPDK (the dma_skeleton
# comparison column), gnuplot (the PNG plots) and pkg-config (to find DPDK).
# Without them the benchmark runs and says which column or plot it skipped.
set -euo pipefail
SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq libdpdk-dev gnuplot-nox pkg-config
echo "bench dependencies installed; rebuild (make bench) to get the DPDK column"
