/* SPDX-License-Identifier: MIT */
/* dmaperf's output: the table, the CSV (same rows) and gnuplot plots. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dmaperf.h"

static const char *const mode_names[MODES] = { "coalesced", "callback", "polled", "batch" };

static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

static void print_table(const struct opts *o, const struct row *rows, int have_dpdk)
{
	printf("%9s | %15s |", "", "memcpy");
	for (int m = 0; m < MODES; m++)
		if (o->modes & (1u << m))
			printf(" %-24s |", m == MODE_COALESCED ? "udma coalesced" :
					   m == MODE_CALLBACK ? "udma callback/op" :
					   m == MODE_POLLED ? "udma polled" : "udma batch");
	if (have_dpdk)
		printf(" %15s | %20s", "DPDK skeleton", "udma/skeleton");
	if (o->ring)
		printf("%s %15s | %20s", have_dpdk ? " |" : "", "bare ring", "udma/ring");
	printf("\n%9s | %6s %8s |", "bytes", "GB/s", "Mops/s");
	for (int m = 0; m < MODES; m++)
		if (o->modes & (1u << m))
			printf(" %6s %8s %8s |", "GB/s", "Mops/s", "x memcpy");
	if (have_dpdk)
		printf(" %6s %8s | %6s %6s %6s", "GB/s", "Mops/s", "coal", "cb", "batch");
	if (o->ring)
		printf("%s %6s %8s | %6s %6s %6s", have_dpdk ? " |" : "", "GB/s", "Mops/s", "coal", "cb",
		       "batch");
	printf("\n");
	for (int i = 0; i < o->nsizes; i++) {
		const struct row *r = &rows[i];

		printf("%9zu | %6.2f %8.3f |", r->size, r->memcpy.gbps, r->memcpy.mops);
		for (int m = 0; m < MODES; m++)
			if (o->modes & (1u << m))
				printf(" %6.2f %8.3f %8.2f |", r->udma[m].gbps, r->udma[m].mops,
				       ratio(r->udma[m].gbps, r->memcpy.gbps));
		if (have_dpdk)
			printf(" %6.2f %8.3f | %6.2f %6.2f %6.2f", r->skeleton.gbps, r->skeleton.mops,
			       r->skel[0].median, r->skel[1].median, r->skel[2].median);
		if (o->ring)
			printf("%s %6.2f %8.3f | %6.2f %6.2f %6.2f", have_dpdk ? " |" : "", r->ring.gbps,
			       r->ring.mops, r->bare[0].median, r->bare[1].median, r->bare[2].median);
		printf("\n");
	}
}

/*
 * The udma/skeleton (and udma/ring) columns are each round's own ratio,
 * whose median the table shows: here is how far the rounds spread, so a
 * reader of one noisy run knows how much a ratio can be trusted.
 */
static void print_spread(const struct opts *o, const struct row *rows, int have_dpdk)
{
	if (o->repeat < 2)
		return;
	for (int ref = 0; ref < 2; ref++) {
		if (ref == 0 ? !have_dpdk : !o->ring)
			continue;
		printf("udma/%s, round by round (median, lowest-highest of %u rounds):\n",
		       ref == 0 ? "skeleton" : "ring", o->repeat);
		for (int i = 0; i < o->nsizes; i++) {
			const struct spread *sp = ref == 0 ? rows[i].skel : rows[i].bare;

			printf("%9zu   coalesced %.2f (%.2f-%.2f)   callback/op %.2f (%.2f-%.2f)"
			       "   batch %.2f (%.2f-%.2f)\n",
			       rows[i].size, sp[0].median, sp[0].lo, sp[0].hi, sp[1].median, sp[1].lo,
			       sp[1].hi, sp[2].median, sp[2].lo, sp[2].hi);
		}
	}
}

static int write_csv(const char *path, const struct opts *o, const struct row *rows)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		perror(path);
		return -1;
	}
	fprintf(f, "size,memcpy_gbps,memcpy_mops");
	for (int m = 0; m < MODES; m++)
		fprintf(f, ",%s_gbps,%s_mops", mode_names[m], mode_names[m]);
	fprintf(f, ",skeleton_gbps,skeleton_mops,ring_gbps,ring_mops");
	for (int ref = 0; ref < 2; ref++)
		for (int k = 0; k < RATIOS; k++)
			fprintf(f, ",%s_per_%s", mode_names[ratio_modes[k]], ref ? "ring" : "skeleton");
	fprintf(f, "\n");
	for (int i = 0; i < o->nsizes; i++) {
		const struct row *r = &rows[i];

		fprintf(f, "%zu,%.4f,%.4f", r->size, r->memcpy.gbps, r->memcpy.mops);
		for (int m = 0; m < MODES; m++)
			fprintf(f, ",%.4f,%.4f", r->udma[m].gbps, r->udma[m].mops);
		fprintf(f, ",%.4f,%.4f,%.4f,%.4f", r->skeleton.gbps, r->skeleton.mops, r->ring.gbps,
			r->ring.mops);
		for (int k = 0; k < RATIOS; k++)
			fprintf(f, ",%.4f", r->skel[k].median);
		for (int k = 0; k < RATIOS; k++)
			fprintf(f, ",%.4f", r->bare[k].median);
		fprintf(f, "\n");
	}
	return fclose(f);
}

static void plot(const struct opts *o, const struct row *rows, int have_dpdk)
{
	char data[4096], cmd[512];
	FILE *gp;

	if (system("command -v gnuplot >/dev/null 2>&1")) {
		printf("plots: skipped, gnuplot is not installed (scripts/install-bench-deps.sh installs it)\n");
		return;
	}
	snprintf(data, sizeof(data), "%s/dmaperf.csv", o->plot_dir);
	if (write_csv(data, o, rows))
		return;
	snprintf(cmd, sizeof(cmd), "gnuplot");
	gp = popen(cmd, "w");
	if (!gp)
		return;
	fprintf(gp, "set datafile separator ','\nset terminal pngcairo size 900,560 noenhanced\n"
		    "set logscale x 2\nset format x \"%%.0s%%cB\"\nset key top left\nset grid\nset xlabel 'copy size'\n");
	for (int k = 0; k < 2; k++) {
		const char *unit = k ? "Mops/s" : "GB/s";
		int col = k ? 3 : 2;	/* memcpy column; each later engine adds 2 */

		fprintf(gp, "set output '%s/dmaperf-%s.png'\nset ylabel '%s'\n%s\n", o->plot_dir,
			k ? "mops" : "gbps", unit, k ? "set logscale y 10" : "unset logscale y");
		fprintf(gp, "plot '%s' every ::1 using 1:%d with linespoints title 'memcpy'", data, col);
		for (int m = 0; m < MODES; m++)
			if (o->modes & (1u << m))
				fprintf(gp, ", '' every ::1 using 1:%d with linespoints title 'udma %s'",
					col + 2 * (m + 1), mode_names[m]);
		if (have_dpdk)
			fprintf(gp, ", '' every ::1 using 1:%d with linespoints title 'DPDK skeleton'",
				col + 2 * (MODES + 1));
		if (o->ring)
			fprintf(gp, ", '' every ::1 using 1:%d with linespoints title 'bare ring (bound)'",
				col + 2 * (MODES + 2));
		fprintf(gp, "\n");
	}
	if (pclose(gp) == 0)
		printf("plots: %s/dmaperf-gbps.png, %s/dmaperf-mops.png\n", o->plot_dir, o->plot_dir);
}

void dmaperf_report(const struct opts *o, const struct row *rows, int have_dpdk,
		    double p50, double p99)
{
	printf("dmaperf: %u ms per point%s, working set %zu KiB per buffer, depth %u, batch %u "
	       "(at most %zu MiB in flight), coalesced = a callback every %u, %u channel%s%s\n",
	       o->time_ms, o->repeat > 1 ? " (each the median of its rounds)" : "",
	       o->ws >> 10, o->depth, o->batch, IN_FLIGHT_BYTES >> 20, o->every, o->channels,
	       o->channels > 1 ? "s" : "", o->pin >= 0 ? ", pinned" : "");
	if (o->repeat > 1)
		printf("dmaperf: %u rounds over every column, interleaved\n", o->repeat);
	print_table(o, rows, have_dpdk);
	print_spread(o, rows, have_dpdk);
	if (o->lat_samples)
		printf("latency, 64 B submit -> callback, one at a time (%u samples): "
		       "p50 %.2f us, p99 %.2f us\n", o->lat_samples, p50, p99);
	if (o->csv && write_csv(o->csv, o, rows) == 0)
		printf("csv: %s\n", o->csv);
	if (o->plot_dir)
		plot(o, rows, have_dpdk);
}
