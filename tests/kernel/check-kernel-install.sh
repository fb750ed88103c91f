#!/usr/bin/env bash
# The installed kernel-source tree works from outside: kernel-headers.c
# built through pkg-config udmaengine-kernel (README's block marked
# <!-- check-kernel-install: kernel.sh -->, run as written with kmod.c
# kernel-headers.c, HOME a temporary directory; then warning-free) and
# through the CMake package's udmaengine::kernel, then run.
set -euo pipefail
build=$(cd "$1" && pwd) src=$(cd "$(dirname "$0")" && pwd)
readme=$src/../../README.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp/home
unset LD_LIBRARY_PATH PKG_CONFIG_PATH
cmake --install "$build" --prefix "$HOME/udma" >/dev/null
pc=$(find "$HOME/udma" -name udmaengine-kernel.pc)
libdir=$(cd "$(dirname "$pc")/.." && pwd)
test -f "$libdir/libudmaengine_kmain.a"
mkdir -p "$HOME/app" && cd "$HOME/app"
cp "$src/kernel-headers.c" kmod.c
awk -v tag="<!-- check-kernel-install: kernel.sh -->" '
	$0 == tag { want = 1; next }
	want && /^```/ { if (inside) exit; inside = 1; next }
	inside { print }' "$readme" | sed "s|\$HOME/udma/lib/|\$HOME/udma/${libdir#"$HOME/udma/"}/|g" > kernel.sh
[ -s kernel.sh ] || { echo "README.md: no block after <!-- check-kernel-install: kernel.sh -->" >&2; exit 1; }
bash -euo pipefail kernel.sh >/dev/null
export PKG_CONFIG_PATH=$libdir/pkgconfig
cc -Wall -Wextra -Werror -DKBUILD_MODNAME='"kernel_headers"' "$src/kernel-headers.c" \
   -o "$tmp/kernel-headers" $(pkg-config --cflags --libs udmaengine-kernel) -Wl,-rpath,"$libdir"
"$tmp/kernel-headers" loops=1 >/dev/null
cmake -S "$src/consumer" -B "$tmp/cm" -DCMAKE_PREFIX_PATH="$HOME/udma" \
      -DKERNEL_HEADERS_C="$src/kernel-headers.c" >/dev/null
cmake --build "$tmp/cm" >/dev/null
"$tmp/cm/kernel-headers" >/dev/null
echo "kernel-install: kernel-headers.c builds and passes through pkg-config udmaengine-kernel (README's commands, as written) and udmaengine::kernel"
