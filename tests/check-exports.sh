#!/usr/bin/env bash
# libudmaengine.so exports its API and nothing else (core/libudmaengine.map):
#   - every name it exports is one the map lists, under the map's version;
#   - every name the map lists is exported (no stale or misspelt entry);
#   - every function or variable of the library that the public headers
#     (include/udmaengine) declare or call is in UDMAENGINE_0;
#   - where the CUDA provider was built: every symbol of libudmaengine
#     it needs is exported, and UDMAENGINE_PRIVATE holds nothing else.
# Each failure prints the names at fault.
#
#   check-exports.sh LIBUDMAENGINE_SO MAP|none INCLUDE_DIR LIBUDMAENGINE_A [LIBUDMAENGINE_CUDA_SO]
#
# Skipped (77) without nm, or with MAP "none": a linker that takes no
# version script leaves every non-static function exported.
set -euo pipefail
export LC_ALL=C
so=$1 map=$2 incdir=$3 archive=$4 cuda=${5:-}
command -v nm >/dev/null || { echo "check-exports: SKIP: no nm to read the library's symbols"; exit 77; }
if [ "$map" = none ]; then
	echo "check-exports: SKIP: the linker takes no version script: every non-static function is exported"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# C comments out of a file (/* */ and //), newlines kept
uncomment() {
	awk '{
		out = ""; line = $0
		while (line != "") {
			if (inc) {
				i = index(line, "*/")
				if (!i) { line = ""; break }
				line = substr(line, i + 2); inc = 0
			} else {
				i = index(line, "/*"); j = index(line, "//")
				if (j && (!i || j < i)) { out = out substr(line, 1, j - 1); line = ""; break }
				if (!i) { out = out line; line = ""; break }
				out = out substr(line, 1, i - 1) " "; line = substr(line, i + 2); inc = 1
			}
		}
		print out
	}' "$@"
}

# "NODE NAME" for every global name of the map
uncomment "$map" | tr '\n' ' ' | sed 's/[{};]/ & /g' | awk '
	{ for (i = 1; i <= NF; i++) tok[n++] = $i }
	END {
		for (i = 0; i < n; i++) {
			t = tok[i]
			if (depth == 0) {
				if (t == "{") { depth = 1; mode = "" }
				else if (t != "}" && t != ";" && !node_open) { node = t; node_open = 1 }
				else if (t == ";") node_open = 0
				continue
			}
			if (t == "}") { depth = 0; continue }
			if (t == "global:") { mode = "g"; continue }
			if (t == "local:") { mode = "l"; continue }
			if (t == ";") continue
			if (mode == "g") print node, t
		}
	}' | sort -k2 > "$tmp/listed"
[ -s "$tmp/listed" ] || { echo "check-exports: $map: no global names found" >&2; exit 1; }
awk '{ print $1 }' "$tmp/listed" | sort -u > "$tmp/nodes"
awk '{ print $2 }' "$tmp/listed" | sort -u > "$tmp/listed-names"
awk '$1 == "UDMAENGINE_0" { print $2 }' "$tmp/listed" | sort -u > "$tmp/api"
awk '$1 == "UDMAENGINE_PRIVATE" { print $2 }' "$tmp/listed" | sort -u > "$tmp/private"

# "NAME NODE" for every defined dynamic symbol (NODE "-" where nm shows
# no version), the version definitions themselves left out, and local ones
# too (a lower-case type but i, u, v, w: gold puts hidden TLS variables in
# .dynsym, as locals)
nm -D --defined-only "$so" | awk 'NF >= 3 && $2 !~ /^[a-hj-tx-z]$/ { print $3 }' | awk -F'@' '
	NR == FNR { node[$1]; next }
	!($1 in node) { ver = $NF; if (NF == 1) ver = "-"; print $1, ver }' "$tmp/nodes" - |
	sort -u > "$tmp/exported"
awk '{ print $1 }' "$tmp/exported" | sort -u > "$tmp/exported-names"

report() {	# report TITLE FILE: the names in FILE, if any, under TITLE
	if [ -s "$2" ]; then
		echo "check-exports: $1:" >&2
		sed 's/^/    /' "$2" >&2
		fail=1
	fi
}

comm -23 "$tmp/exported-names" "$tmp/listed-names" > "$tmp/unlisted"
report "exported by $(basename "$so") but not in $(basename "$map") (make them static, or local)" "$tmp/unlisted"

# the version each has, where nm shows versions
join -1 1 -2 2 "$tmp/exported" "$tmp/listed" |
	awk '$2 != "-" && $2 != $3 { print $1 " is " $2 ", the map says " $3 }' > "$tmp/wrong-node"
report "exported under another version than the map's" "$tmp/wrong-node"

comm -13 "$tmp/exported-names" "$tmp/listed-names" > "$tmp/missing"
report "in $(basename "$map") but not exported (not defined in the library: a stale or misspelt entry?)" "$tmp/missing"

# What the public headers declare or call (their inline functions run in
# the client and call the library): every such function or variable the
# library defines must be API.
uncomment "$incdir"/udmaengine/*.h > "$tmp/headers"
nm -g --defined-only "$archive" | awk 'NF == 3 && $2 ~ /^[TDBRVW]$/ { print $2, $3 }' |
	sort -u > "$tmp/archive"
: > "$tmp/undeclared"
while read -r type name; do
	grep -qx -F "$name" "$tmp/api" && continue
	if [ "$type" = T ] || [ "$type" = W ]; then
		pat="(^|[^A-Za-z0-9_])${name}[[:space:]]*\\("
	else
		pat="(^|[^A-Za-z0-9_])${name}([^A-Za-z0-9_]|$)"
	fi
	if grep -qE "$pat" "$tmp/headers"; then
		echo "$name" >> "$tmp/undeclared"
	fi
done < "$tmp/archive"
report "named in include/udmaengine's headers but not in the map's UDMAENGINE_0" "$tmp/undeclared"

what="$(wc -l < "$tmp/exported-names") symbols exported, each listed in $(basename "$map")"
if [ -n "$cuda" ] && [ -f "$cuda" ]; then
	awk '{ print $2 }' "$tmp/archive" | sort -u > "$tmp/archive-names"
	nm -D --undefined-only "$cuda" | awk '{ print $NF }' | sed 's/@.*//' | sort -u |
		comm -12 - "$tmp/archive-names" > "$tmp/cuda-needs"
	comm -23 "$tmp/cuda-needs" "$tmp/exported-names" > "$tmp/cuda-unresolved"
	report "$(basename "$cuda") needs these, which $(basename "$so") does not export" "$tmp/cuda-unresolved"
	comm -23 "$tmp/private" "$tmp/cuda-needs" > "$tmp/private-unused"
	report "in UDMAENGINE_PRIVATE but not used by $(basename "$cuda") (move them to local)" "$tmp/private-unused"
	what="$what; $(basename "$cuda") finds all it needs"
fi
[ "$fail" = 0 ] || exit 1
echo "check-exports: $what"
