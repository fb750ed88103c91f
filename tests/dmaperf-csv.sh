#!/usr/bin/env bash
# dmaperf writes a CSV whose rows match the table it prints: same sizes,
# same figures at the table's precision (here medians of 3 rounds), the
# --ring bound included; and each udma/ring ratio the table shows is the
# median of the round-by-round range printed under it.
set -euo pipefail
dmaperf=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$dmaperf" --sizes=64,4K,64K --ws=1M --time-ms=30 --repeat=3 --latency=200 --no-dpdk --ring \
	--csv="$tmp/out.csv" > "$tmp/table.txt"
cat "$tmp/table.txt"
grep -q "3 rounds over every column" "$tmp/table.txt"
# table rows: size | memcpy gbps mops | (gbps mops ratio) x 4 modes | ring gbps mops | coal cb batch
# CSV columns: 2-11 as the table's first groups, 14-15 the ring, 19-21 the ring ratios.
# The table rounds (GB/s and ratios to 0.01, Mops/s to 0.001): each CSV figure
# must round to what the table shows, within half a unit of its last digit.
# Spread rows: size  coalesced M (L-H)  callback/op M (L-H)  batch M (L-H).
awk -F'|' 'function near(x, shown, unit) { d = x - shown; return d <= unit / 2 + 1e-9 && -d <= unit / 2 + 1e-9 }
	function check(size, col, shown, unit) {
		if (!near(csv[size, col], shown, unit)) {
			print "size " size " column " col ": csv " csv[size, col] " table " shown
			bad = 1
		}
	}
	NR == FNR {
		if (FNR == 1) next
		split($0, c, ",")
		for (i = 2; i <= 21; i++) csv[c[1], i] = c[i]
		sizes[c[1]] = 1
		rows++
		next
	}
	/round by round/ { spread = 1; next }
	spread && $0 ~ /^ *[0-9]+ +coalesced/ {
		n = split($0, w, /[ ()-]+/)	# "", size, coalesced, M, L, H, callback/op, M, L, H, batch, M, L, H
		size = w[2] + 0
		for (k = 0; k < 3; k++) {
			med = w[4 + 4 * k]; lo = w[5 + 4 * k]; hi = w[6 + 4 * k]
			if (med < lo - 1e-9 || med > hi + 1e-9) { print "size " size ": median " med " outside " lo "-" hi; bad = 1 }
			if (!near(ratio[size, k], med, 0.01)) { print "size " size ": table ratio " ratio[size, k] " spread median " med; bad = 1 }
		}
		spreads++
		next
	}
	$1 ~ /^ *[0-9]+ *$/ {
		size = $1 + 0
		split($2, m, " "); split($3, a, " "); split($4, b, " "); split($5, p, " ")
		split($6, t, " "); split($7, r, " "); split($8, q, " ")
		if (!(size in sizes)) { print "size " size " is in the table, not the CSV"; bad = 1 }
		check(size, 2, m[1], 0.01); check(size, 3, m[2], 0.001)
		check(size, 4, a[1], 0.01); check(size, 5, a[2], 0.001)
		check(size, 6, b[1], 0.01); check(size, 7, b[2], 0.001)
		check(size, 8, p[1], 0.01); check(size, 9, p[2], 0.001)
		check(size, 10, t[1], 0.01); check(size, 11, t[2], 0.001)
		check(size, 14, r[1], 0.01); check(size, 15, r[2], 0.001)
		check(size, 19, q[1], 0.01); check(size, 20, q[2], 0.01); check(size, 21, q[3], 0.01)
		if (r[2] + 0 <= 0) { print "size " size ": no ring figure"; bad = 1 }
		ratio[size, 0] = q[1]; ratio[size, 1] = q[2]; ratio[size, 2] = q[3]
		seen++
	}
	END {
		if (seen != rows || seen != 3) { print "rows: table " seen ", csv " rows; bad = 1 }
		if (spreads != 3) { print "spread rows: " spreads ", want 3"; bad = 1 }
		if (bad) exit 1
		print "dmaperf-csv: " seen " rows, CSV matches the table, ratios match their spread"
	}' "$tmp/out.csv" "$tmp/table.txt"
