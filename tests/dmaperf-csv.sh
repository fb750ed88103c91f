#!/usr/bin/env bash
# dmaperf writes a CSV whose rows match the table it prints: same sizes,
# same figures at the table's precision (here medians of 3 rounds), the
# --ring bound included; and each udma/ring ratio the table shows is the
# median of the round-by-round range printed under it. The CSV's last
# columns (the ratios table, latency, --scaling, --idle) exist, hold a
# number or "-" (not run: here the DPDK skeleton), and match what is printed.
set -euo pipefail
dmaperf=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$dmaperf" --sizes=64,4K,64K --ws=4M --time-ms=30 --repeat=3 --latency=200 --no-dpdk --ring \
	--scaling --idle=1 -q --csv="$tmp/out.csv" > "$tmp/table.txt"
cat "$tmp/table.txt"
grep -q "3 rounds over every column" "$tmp/table.txt"
# table rows: size | memcpy gbps mops | (gbps mops ratio) x 4 modes | ring gbps mops | coal cb batch
# CSV columns: 2-11 as the table's first groups, 14-15 the ring, 19-21 the ring ratios.
# The table rounds (GB/s and ratios to 0.01, Mops/s to 0.001): each CSV figure
# must round to what the table shows, within half a unit of its last digit.
# Spread rows: size  coalesced M (L-H)  callback/op M (L-H)  batch M (L-H).
# Ratios rows: size | 3 x memcpy | 3 x skeleton | batch/ring, in the columns named below.
awk -F'|' -v extra="coalesced_x_memcpy batch_x_memcpy callback_x_memcpy coalesced_x_skeleton batch_x_skeleton callback_x_skeleton batch_x_ring latency_p50_us latency_p99_us udma_1ch_gbps udma_2ch_gbps udma_2ch_x_1ch memcpy_1thr_gbps memcpy_2thr_gbps memcpy_2thr_x_1thr udma_2ch_x_memcpy_2thr idle_process_ms_per_s idle_busiest_thread_ms_per_s" \
	'function near(x, shown, unit) { d = x - shown; return d <= unit / 2 + 1e-9 && -d <= unit / 2 + 1e-9 }
	# the CSV column @name of every row is what the table shows (to @unit), or "-" for "-"
	function check_named(name, shown, unit,   s, v) {
		for (s in sizes) {
			v = named[s, name]
			if (shown == "-" ? v != "-" : v == "-" || !near(v, shown, unit)) {
				print "size " s " " name ": csv " v " printed " shown
				bad = 1
			}
		}
		checked[name] = 1
	}
	# the word after the @n-th @word of line @line, split on blanks
	function after(line, word, n,   w, k, i) {
		k = split(line, w, / +/)
		for (i = 1; i < k; i++)
			if (w[i] == word && --n == 0) return w[i + 1]
		return "?"
	}
	# the word before the @n-th @word
	function before(line, word, n,   w, k, i) {
		k = split(line, w, / +/)
		for (i = 2; i <= k; i++)
			if (w[i] == word && --n == 0) return w[i - 1]
		return "?"
	}
	function check(size, col, shown, unit) {
		if (!near(csv[size, col], shown, unit)) {
			print "size " size " column " col ": csv " csv[size, col] " table " shown
			bad = 1
		}
	}
	NR == FNR {
		ncol = split($0, c, ",")
		if (FNR == 1) {
			for (i = 1; i <= ncol; i++) col[c[i]] = i
			nhead = ncol
			nwant = split(extra, want, " ")
			for (i = 1; i <= nwant; i++)
				if (!(want[i] in col)) { print "csv: no column " want[i]; bad = 1 }
			next
		}
		if (ncol != nhead) { print "csv row " FNR ": " ncol " columns, header " nhead; bad = 1 }
		for (i = 2; i <= 21; i++) csv[c[1], i] = c[i]
		for (i = 1; i <= nwant; i++) {
			v = c[col[want[i]]]
			named[c[1], want[i]] = v
			if (v !~ /^(-|-?[0-9]+(\.[0-9]+)?)$/) { print "csv row " FNR " " want[i] ": \"" v "\" is not a number or -"; bad = 1 }
		}
		sizes[c[1]] = 1
		rows++
		next
	}
	/^ratios/ { ratios = 1; next }
	ratios && $1 ~ /^ *[0-9]+ *$/ {
		size = $1 + 0
		split($2, m, " "); split($3, sk, " "); split($4, q, " ")
		for (i = 1; i <= 3; i++) {
			v = named[size, want[i]]; shown = m[i]
			if (v == "-" || !near(v, shown, 0.01)) { print "size " size " " want[i] ": csv " v " table " shown; bad = 1 }
			v = named[size, want[i + 3]]; shown = sk[i]
			if (shown != "-" || v != "-") { print "size " size " " want[i + 3] ": csv " v " table " shown ", want - (no DPDK)"; bad = 1 }
		}
		v = named[size, want[7]]
		if (v == "-" || !near(v, q[1], 0.01)) { print "size " size " " want[7] ": csv " v " table " q[1]; bad = 1 }
		ratio_rows++
		next
	}
	/^latency, 64 B/ {
		p50 = after($0, "p50", 1); p99 = after($0, "p99", 1)
		check_named("latency_p50_us", p50, 0.01); check_named("latency_p99_us", p99, 0.01)
		next
	}
	/^  udma, a client thread per channel:/ {
		check_named("udma_1ch_gbps", before($0, "GB/s,", 1), 0.01)
		check_named("udma_2ch_gbps", before($0, "GB/s,", 2), 0.01)
		check_named("udma_2ch_x_1ch", after($0, "2ch/1ch", 1), 0.01)
		next
	}
	/^  memcpy: / {
		check_named("memcpy_1thr_gbps", before($0, "GB/s,", 1), 0.01)
		check_named("memcpy_2thr_gbps", before($0, "GB/s,", 2), 0.01)
		check_named("memcpy_2thr_x_1thr", after($0, "2thr/1thr", 1), 0.01)
		next
	}
	/^  2 channels \/ 2 memcpy threads/ {
		check_named("udma_2ch_x_memcpy_2thr", after($0, "limit):", 1), 0.01)
		next
	}
	/^idle: process / {
		check_named("idle_process_ms_per_s", after($0, "process", 1), 0.01)
		check_named("idle_busiest_thread_ms_per_s", before($0, "ms", 2), 0.01)
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
	!ratios && $1 ~ /^ *[0-9]+ *$/ {
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
		if (ratio_rows != 3) { print "ratios rows: " ratio_rows ", want 3"; bad = 1 }
		for (i = 8; i <= nwant; i++)
			if (!(want[i] in checked)) { print want[i] ": not printed"; bad = 1 }
		if (bad) exit 1
		print "dmaperf-csv: " seen " rows, CSV matches the table, ratios match their spread; " \
			nwant " more columns match the ratios, latency, scaling and idle lines"
	}' "$tmp/out.csv" "$tmp/table.txt"
