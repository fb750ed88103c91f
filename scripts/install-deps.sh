#!/usr/bin/env bash
# Installs what building udmaengine needs (a C compiler, make, cmake) and g++
# for the C++ header test, only if missing.
set -euo pipefail
need=()
command -v cc >/dev/null || need+=(gcc)
command -v make >/dev/null || need+=(make)
command -v cmake >/dev/null || need+=(cmake)
# optional: without a C++ compiler the test that builds a C++ client
# against the public headers (tests/cxx) is skipped
command -v c++ >/dev/null || need+=(g++)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${need[@]}"
fi
