/* SPDX-License-Identifier: MIT */
/* dmaperf's output: the table, the CSV (same rows) and gnuplot plots. */
#include <stdbool.h>
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

/*
 * The ratios table's columns, in the order the performance targets are
 * stated: udma mode (its index in ratio_modes) over a reference. Each cell
 * is the median of the rounds' own ratios.
 */
enum ref { BY_MEMCPY, BY_SKELETON, BY_RING };

static const struct {
	int k;		/* ratio_modes[k] */
	enum ref ref;
	const char *head, *csv;
} ratio_cols[] = {
	{ 0, BY_MEMCPY, "coalesced/memcpy", "coalesced_x_memcpy" },
	{ 2, BY_MEMCPY, "batch/memcpy", "batch_x_memcpy" },
	{ 1, BY_MEMCPY, "callback/memcpy", "callback_x_memcpy" },
	{ 0, BY_SKELETON, "coalesced/skeleton", "coalesced_x_skeleton" },
	{ 2, BY_SKELETON, "batch/skeleton", "batch_x_skeleton" },
	{ 1, BY_SKELETON, "callback/skeleton", "callback_x_skeleton" },
	{ 2, BY_RING, "batch/ring", "batch_x_ring" },
};
#define RATIO_COLS (int)(sizeof(ratio_cols) / sizeof(ratio_cols[0]))

/* Column @c of row @r, or NULL when its mode or its reference was not run. */
static const struct spread *ratio_cell(const struct opts *o, const struct row *r, int have_dpdk,
				       int c)
{
	int k = ratio_cols[c].k;

	if (!(o->modes & (1u << ratio_modes[k])))
		return NULL;
	switch (ratio_cols[c].ref) {
	case BY_MEMCPY:
		return &r->mem[k];
	case BY_SKELETON:
		return have_dpdk ? &r->skel[k] : NULL;
	default:
		return o->ring ? &r->bare[k] : NULL;
	}
}

static void print_ratios(const struct opts *o, const struct row *rows, int have_dpdk)
{
	if (o->repeat > 1)
		printf("ratios, each the median of the %u rounds' own ratios (\"-\": not run)\n",
		       o->repeat);
	else
		printf("ratios, of one round (\"-\": not run)\n");
	printf("%9s |", "bytes");
	for (int c = 0; c < RATIO_COLS; c++)
		printf(" %s%s", ratio_cols[c].head,
		       c + 1 < RATIO_COLS && ratio_cols[c + 1].ref != ratio_cols[c].ref ? " |" : "");
	printf("\n");
	for (int i = 0; i < o->nsizes; i++) {
		printf("%9zu |", rows[i].size);
		for (int c = 0; c < RATIO_COLS; c++) {
			const struct spread *sp = ratio_cell(o, &rows[i], have_dpdk, c);
			int w = (int)strlen(ratio_cols[c].head);

			if (sp)
				printf(" %*.2f", w, sp->median);
			else
				printf(" %*s", w, "-");
			if (c + 1 < RATIO_COLS && ratio_cols[c + 1].ref != ratio_cols[c].ref)
				printf(" |");
		}
		printf("\n");
	}
}

/* A ratio's median, and its range over the rounds when there are several. */
static void print_range(const struct opts *o, const struct spread *sp)
{
	printf("%.2f", sp->median);
	if (o->repeat > 1)
		printf(" (%.2f-%.2f)", sp->lo, sp->hi);
}

static void print_scaling(const struct opts *o, const struct scaling *sc)
{
	printf("scaling: %zu MiB copies through %zu MiB per buffer, coalesced, %s:\n",
	       SCALING_SIZE >> 20, o->scaling_ws >> 20,
	       o->repeat > 1 ? "medians of the rounds (ratios: lowest-highest)" : "one round");
	printf("  udma, a client thread per channel: 1 channel %6.2f GB/s, 2 channels %6.2f GB/s, "
	       "2ch/1ch ", sc->ch[0].gbps, sc->ch[1].gbps);
	print_range(o, &sc->ch_x);
	printf("\n  memcpy:                 1 thread %6.2f GB/s,  2 threads %6.2f GB/s, 2thr/1thr ",
	       sc->thr[0].gbps, sc->thr[1].gbps);
	print_range(o, &sc->thr_x);
	printf("\n  2 channels / 2 memcpy threads (the memory's limit): ");
	print_range(o, &sc->ch_x_thr);
	printf("\n");
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

/* A figure to the CSV, or "-" when it was not measured. */
static void csv_value(FILE *f, bool run, const char *fmt, double v)
{
	fputc(',', f);
	if (run)
		fprintf(f, fmt, v);
	else
		fputc('-', f);
}

/*
 * One row per size, the table's figures, then the ratios table's columns,
 * latency, and --scaling's and --idle's figures (the same on every row):
 * a number, or "-" for what was not run.
 */
static int write_csv(const char *path, const struct opts *o, const struct row *rows,
		     int have_dpdk, const struct extras *x)
{
	const struct scaling *sc = &x->scaling;
	const struct idle *d = &x->idle;
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
	for (int c = 0; c < RATIO_COLS; c++)
		fprintf(f, ",%s", ratio_cols[c].csv);
	fprintf(f, ",latency_p50_us,latency_p99_us,udma_1ch_gbps,udma_2ch_gbps,udma_2ch_x_1ch"
		   ",memcpy_1thr_gbps,memcpy_2thr_gbps,memcpy_2thr_x_1thr,udma_2ch_x_memcpy_2thr"
		   ",idle_process_ms_per_s,idle_busiest_thread_ms_per_s\n");
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
		for (int c = 0; c < RATIO_COLS; c++) {
			const struct spread *sp = ratio_cell(o, r, have_dpdk, c);

			csv_value(f, sp != NULL, "%.4f", sp ? sp->median : 0);
		}
		csv_value(f, o->lat_samples > 0, "%.3f", x->p50);
		csv_value(f, o->lat_samples > 0, "%.3f", x->p99);
		csv_value(f, sc->run, "%.4f", sc->ch[0].gbps);
		csv_value(f, sc->run, "%.4f", sc->ch[1].gbps);
		csv_value(f, sc->run, "%.4f", sc->ch_x.median);
		csv_value(f, sc->run, "%.4f", sc->thr[0].gbps);
		csv_value(f, sc->run, "%.4f", sc->thr[1].gbps);
		csv_value(f, sc->run, "%.4f", sc->thr_x.median);
		csv_value(f, sc->run, "%.4f", sc->ch_x_thr.median);
		csv_value(f, d->run, "%.3f", d->cpu_ms_per_s);
		csv_value(f, d->run, "%.3f", d->run ? d->thread[d->busiest].cpu_ms_per_s : 0);
		fprintf(f, "\n");
	}
	return fclose(f);
}

static void plot(const struct opts *o, const struct row *rows, int have_dpdk,
		 const struct extras *x)
{
	char data[4096], cmd[512];
	FILE *gp;

	if (system("command -v gnuplot >/dev/null 2>&1")) {
		printf("plots: skipped, gnuplot is not installed (scripts/install-bench-deps.sh installs it)\n");
		return;
	}
	snprintf(data, sizeof(data), "%s/dmaperf.csv", o->plot_dir);
	if (write_csv(data, o, rows, have_dpdk, x))
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
		    const struct extras *x)
{
	if (!o->sweep && !x->scaling.run)
		return;	/* --idle or --fifo alone: nothing measured per point */
	printf("dmaperf: %u ms per point%s, working set %zu KiB per buffer, depth %u, batch %u "
	       "(at most %zu MiB in flight), coalesced = a callback every %u, %u channel%s%s\n",
	       o->time_ms, o->repeat > 1 ? " (each the median of its rounds)" : "",
	       (o->sweep ? o->ws : o->scaling_ws) >> 10, o->depth, o->batch, IN_FLIGHT_BYTES >> 20,
	       o->every, o->channels,
	       o->channels > 1 ? "s" : "", o->pin >= 0 ? ", pinned" : "");
	if (o->repeat > 1)
		printf("dmaperf: %u rounds over every column, interleaved\n", o->repeat);
	if (o->sweep) {
		print_table(o, rows, have_dpdk);
		print_spread(o, rows, have_dpdk);
		print_ratios(o, rows, have_dpdk);
		if (o->lat_samples)
			printf("latency, 64 B submit -> callback, one at a time (%u samples): "
			       "p50 %.2f us, p99 %.2f us\n", o->lat_samples, x->p50, x->p99);
	}
	if (x->scaling.run)
		print_scaling(o, &x->scaling);
}

void dmaperf_report_idle(const struct opts *o, const struct idle *d)
{
	const struct idle_thread *b = &d->thread[d->busiest];

	(void)o;
	if (!d->run)
		return;
	printf("idle: %.1f s measured after %.2f s to settle, %u channel%s open and the tasklet "
	       "pool alive; CPU is utime + stime from /proc/self/task/*/stat (%ld ms ticks), "
	       "ran the same from .../schedstat (ns)\n",
	       d->seconds, d->settle_s, d->channels, d->channels > 1 ? "s" : "", d->tick_ms);
	/* "ran": schedstat's run time, to the ns, under the ticks' resolution */
	printf("  %-20s %8s %9s %11s %9s\n", "thread", "tid", "CPU ms/s", "switches/s", "ran ms/s");
	for (int i = 0; i < d->nthreads; i++) {
		const struct idle_thread *t = &d->thread[i];

		printf("  %-20s %8d %9.2f %11.1f", t->name, t->tid, t->cpu_ms_per_s,
		       t->switches_per_s);
		if (t->run_ms_per_s >= 0)
			printf(" %9.4f\n", t->run_ms_per_s);
		else
			printf(" %9s\n", "-");
	}
	/* one tick more or less is the resolution: a thread that ran a few us
	 * across a tick boundary gains a whole one */
	printf("idle: process %.2f ms of CPU per s (", d->cpu_ms_per_s);
	if (d->run_ms_per_s >= 0)
		printf("ran %.4f, ", d->run_ms_per_s);
	printf("one tick is %.2f); busiest thread %s, %.2f ms per s", (double)d->tick_ms / d->seconds,
	       b->name, b->cpu_ms_per_s);
	if (b->run_ms_per_s >= 0)
		printf(" (ran %.4f)", b->run_ms_per_s);
	printf(", %.1f switches/s\n", b->switches_per_s);
}

int dmaperf_write(const struct opts *o, const struct row *rows, int have_dpdk,
		  const struct extras *x)
{
	int err = 0;

	if (o->csv) {
		err = write_csv(o->csv, o, rows, have_dpdk, x);
		if (!err)
			printf("csv: %s\n", o->csv);
	}
	if (o->plot_dir)
		plot(o, rows, have_dpdk, x);
	return err;
}
