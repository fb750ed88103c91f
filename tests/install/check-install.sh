#!/usr/bin/env bash
# make install works as README's "Use the installed library" says: the build
# is installed into $HOME/udma (HOME a temporary directory), then README's
# blocks marked <!-- check-install: FILE --> run as written, with app.c this
# directory's consumer.c: pkg-config shared and static, the CMake package
# shared and static. Then a plugin loaded by dlopen, and the CUDA provider
# where it was built.
set -euo pipefail
build=$(cd "$1" && pwd) src=$(cd "$(dirname "$0")" && pwd)
readme=$src/../../README.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp/home
unset LD_LIBRARY_PATH PKG_CONFIG_PATH
cmake --install "$build" --prefix "$HOME/udma" >/dev/null	# what make install PREFIX=$HOME/udma runs
pc=$(find "$HOME/udma" -name udmaengine.pc)
libdir=$(cd "$(dirname "$pc")/.." && pwd)
test -f "$libdir/libudmaengine.a"

# README's fenced block after the line <!-- $1: $2 -->, with this install's
# library directory where README says $HOME/udma/lib (lib64 on some systems)
block() {
	awk -v tag="<!-- $1: $2 -->" '
		$0 == tag { want = 1; next }
		want && /^```/ { if (inside) exit; inside = 1; next }
		inside { print }' "$readme" | sed "s|\$HOME/udma/lib/|\$HOME/udma/${libdir#"$HOME/udma/"}/|g"
}
# linked against the shared library, or not at all
needs_so() { readelf -d "$1" | grep -q 'NEEDED.*libudmaengine\.so'; }

mkdir -p "$HOME/app" && cd "$HOME/app"
cp "$src/consumer.c" app.c
for f in pkg-config.sh CMakeLists.txt cmake.sh; do
	block check-install "$f" > "$f"
	[ -s "$f" ] || { echo "README.md: no block after <!-- check-install: $f -->" >&2; exit 1; }
done
bash -euo pipefail pkg-config.sh >/dev/null
needs_so app && ! needs_so app-static
export PKG_CONFIG_PATH=$libdir/pkgconfig
pkg-config --static --libs udmaengine | grep -q -- -pthread	# Libs.private
bash -euo pipefail cmake.sh >/dev/null
needs_so build/app && ! needs_so build/app-static
what="README's commands (pkg-config and CMake package, shared and static) work as written"

# loaded late, by dlopen, from a plugin that links the shared library
cc -std=c11 -D_POSIX_C_SOURCE=200809L -fPIC -shared -Dmain=consumer_main "$src/consumer.c" \
   -o "$tmp/consumer-plugin.so" $(pkg-config --cflags --libs udmaengine) -Wl,-rpath,"$libdir"
cc -std=c11 -D_POSIX_C_SOURCE=200809L "$src/dlopen-host.c" -o "$tmp/dlopen-host" -ldl
"$tmp/dlopen-host" "$tmp/consumer-plugin.so"
what="$what; the shared library also loads by dlopen"
# the CUDA provider, where it was built: pkg-config udmaengine-cuda and the
# CMake package's cuda component
if [ -f "$libdir/libudmaengine_cuda.a" ]; then
  cc -std=c11 -D_POSIX_C_SOURCE=200809L "$src/consumer-cuda.c" -o "$tmp/consumer-cuda" \
     $(pkg-config --cflags --libs udmaengine-cuda) -Wl,-rpath,"$libdir"
  "$tmp/consumer-cuda"
  cmake -S "$src" -B "$tmp/cm" -DCMAKE_PREFIX_PATH="$HOME/udma" >/dev/null
  cmake --build "$tmp/cm" >/dev/null
  LD_LIBRARY_PATH=$libdir "$tmp/cm/consumer-cuda"
  what="$what; so does the CUDA provider (udmaengine-cuda.pc, COMPONENTS cuda)"
fi
echo "install: $what"
