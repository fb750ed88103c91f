#!/usr/bin/env bash
# The installed kernel-source tree works from outside: kernel-headers.c
# built through pkg-config udmaengine-kernel and through the CMake
# package's udmaengine::kernel, then run.
set -euo pipefail
build=$1 src=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
pc=$(find "$tmp/prefix" -name udmaengine-kernel.pc)
libdir=$(cd "$(dirname "$pc")/.." && pwd)
export PKG_CONFIG_PATH=$libdir/pkgconfig
test -f "$libdir/libudmaengine_kmain.a"
cc -Wall -Wextra -Werror -DKBUILD_MODNAME='"kernel_headers"' "$src/kernel-headers.c" \
   -o "$tmp/kernel-headers" $(pkg-config --cflags --libs udmaengine-kernel) -Wl,-rpath,"$libdir"
"$tmp/kernel-headers" loops=1 >/dev/null
cmake -S "$src/consumer" -B "$tmp/cm" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
      -DKERNEL_HEADERS_C="$src/kernel-headers.c" >/dev/null
cmake --build "$tmp/cm" >/dev/null
"$tmp/cm/kernel-headers" >/dev/null
echo "kernel-install: kernel-headers.c builds and passes through pkg-config udmaengine-kernel and udmaengine::kernel"
