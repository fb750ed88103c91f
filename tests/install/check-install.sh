#!/usr/bin/env bash
# make install works: installs the build into a temporary prefix, then builds
# and runs a consumer through pkg-config and through the CMake package.
set -euo pipefail
build=$1 src=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
libdir=$(dirname "$(find "$tmp/prefix" -name udmaengine.pc)")/..
export PKG_CONFIG_PATH=$libdir/pkgconfig
test -f "$libdir/libudmaengine.a"
cc -std=c11 -D_POSIX_C_SOURCE=200809L "$src/consumer.c" -o "$tmp/consumer-shared" \
   $(pkg-config --cflags --libs udmaengine) -Wl,-rpath,"$libdir"
"$tmp/consumer-shared"
cc -std=c11 -D_POSIX_C_SOURCE=200809L "$src/consumer.c" -o "$tmp/consumer-static" \
   $(pkg-config --cflags udmaengine) "$libdir/libudmaengine.a" -lpthread
"$tmp/consumer-static"
# loaded late, by dlopen, from a plugin that links the shared library
cc -std=c11 -D_POSIX_C_SOURCE=200809L -fPIC -shared -Dmain=consumer_main "$src/consumer.c" \
   -o "$tmp/consumer-plugin.so" $(pkg-config --cflags --libs udmaengine) -Wl,-rpath,"$libdir"
cc -std=c11 -D_POSIX_C_SOURCE=200809L "$src/dlopen-host.c" -o "$tmp/dlopen-host" -ldl
"$tmp/dlopen-host" "$tmp/consumer-plugin.so"
cmake -S "$src" -B "$tmp/cm" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/cm" >/dev/null
LD_LIBRARY_PATH=$libdir "$tmp/cm/consumer"
what="headers, static and shared library (also loaded by dlopen), pkg-config and CMake package all work"
# the CUDA provider, where it was built: pkg-config udmaengine-cuda and the
# CMake package's cuda component
if [ -f "$libdir/libudmaengine_cuda.a" ]; then
  cc -std=c11 -D_POSIX_C_SOURCE=200809L "$src/consumer-cuda.c" -o "$tmp/consumer-cuda" \
     $(pkg-config --cflags --libs udmaengine-cuda) -Wl,-rpath,"$libdir"
  "$tmp/consumer-cuda"
  LD_LIBRARY_PATH=$libdir "$tmp/cm/consumer-cuda"
  what="$what, and so does the CUDA provider (udmaengine-cuda.pc, COMPONENTS cuda)"
fi
echo "install: $what"
