#!/usr/bin/env bash
# dmaperf writes a CSV whose rows match the table it prints: same sizes,
# same figures at the table's precision (here medians of 3 rounds).
set -euo pipefail
dmaperf=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$dmaperf" --sizes=64,4K,64K --ws=1M --time-ms=30 --repeat=3 --latency=200 --no-dpdk \
	--csv="$tmp/out.csv" > "$tmp/table.txt"
cat "$tmp/table.txt"
grep -q "3 rounds over every column" "$tmp/table.txt"
# table rows: size | memcpy gbps mops | (gbps mops ratio) x 3 modes |
# The table rounds (GB/s to 0.01, Mops/s to 0.001): each CSV figure must
# round to what the table shows, within half a unit of its last digit.
awk -F'|' 'function near(x, shown, unit) { d = x - shown; return d <= unit / 2 + 1e-9 && -d <= unit / 2 + 1e-9 }
	NR == FNR {
		if (FNR == 1) next
		split($0, c, ",")
		for (i = 2; i <= 9; i++) csv[c[1], i] = c[i]
		sizes[c[1]] = 1
		rows++
		next
	}
	$1 ~ /^ *[0-9]+ *$/ {
		size = $1 + 0
		split($2, m, " "); split($3, a, " "); split($4, b, " "); split($5, p, " ")
		shown[2] = m[1]; shown[3] = m[2]; shown[4] = a[1]; shown[5] = a[2]
		shown[6] = b[1]; shown[7] = b[2]; shown[8] = p[1]; shown[9] = p[2]
		if (!(size in sizes)) { print "size " size " is in the table, not the CSV"; bad = 1 }
		for (i = 2; i <= 9; i++)
			if (!near(csv[size, i], shown[i], i % 2 ? 0.001 : 0.01)) {
				print "size " size " column " i ": csv " csv[size, i] " table " shown[i]
				bad = 1
			}
		seen++
	}
	END {
		if (seen != rows || seen != 3) { print "rows: table " seen ", csv " rows; bad = 1 }
		if (bad) exit 1
		print "dmaperf-csv: " seen " rows, CSV matches the table"
	}' "$tmp/out.csv" "$tmp/table.txt"
