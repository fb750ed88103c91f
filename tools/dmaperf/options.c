/* SPDX-License-Identifier: MIT */
/* dmaperf's command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmaperf.h"

static const char usage_text[] =
	"usage: dmaperf [options]\n"
	"  --sizes=64,4K,64K,1M   copy sizes (suffixes K, M, G)\n"
	"  --ws=64M               working set per buffer: small stays in cache, large goes to DRAM\n"
	"  --time-ms=300          time per measurement\n"
	"  --depth=512            descriptors in flight per channel, at most\n"
	"  --batch=32             descriptors per dma_async_issue_pending\n"
	"  --every=32             coalesced mode: a callback every Nth descriptor\n"
	"  --channels=1           channels in parallel, one client thread each (max 16)\n"
	"  --modes=coalesced,callback,polled,batch\n"
	"  --latency=20000        submit-to-callback samples (0: skip)\n"
	"  --repeat=1             rounds over every column, interleaved; each cell is the\n"
	"                         median of its rounds (a noisy machine: use 3 or more)\n"
	"  --pin=CPU              client on CPU, controller thread (and the memcpy reference,\n"
	"                         and DPDK's worker) on CPU+1: same CPU for every copy\n"
	"  --no-dpdk              skip the DPDK dma_skeleton column\n"
	"  --fifo                 also: slave_sg throughput into a hand-driven FIFO vs memcpy\n"
	"  --ring                 also: the bound, copies handed to a copy thread through a\n"
	"                         bare ring with no API (what the API and bookkeeping cost)\n"
	"  --csv=FILE             write the table as CSV\n"
	"  --plot=DIR             write PNG plots there (needs gnuplot)\n";

static int size_value(const char *s, size_t *out)
{
	char *end;
	double v = strtod(s, &end);

	switch (*end) {
	case 'k': case 'K': v *= 1024; end++; break;
	case 'm': case 'M': v *= 1024 * 1024; end++; break;
	case 'g': case 'G': v *= 1024.0 * 1024 * 1024; end++; break;
	}
	if (*end || v < 1)
		return -1;
	*out = (size_t)v;
	return 0;
}

static int uint_value(const char *s, unsigned int *out, unsigned int min, unsigned int max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || !*s || v < (long)min || v > (long)max)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

static int parse_modes(const char *v, unsigned int *modes)
{
	static const char *const names[MODES] = { "coalesced", "callback", "polled", "batch" };
	char *copy = strdup(v), *save = NULL;
	int ret = 0;

	*modes = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int m;

		for (m = 0; m < MODES && strcmp(t, names[m]); m++)
			;
		if (m == MODES)
			ret = -1;
		else
			*modes |= 1u << m;
	}
	free(copy);
	return *modes ? ret : -1;
}

static int bad(const char *arg)
{
	fprintf(stderr, "dmaperf: bad option '%s'\n%s", arg, usage_text);
	return -1;
}

int dmaperf_parse(int argc, char **argv, struct opts *o)
{
	static const size_t def[] = { 64, 4096, 65536, 1 << 20 };

	memset(o, 0, sizeof(*o));
	memcpy(o->sizes, def, sizeof(def));
	o->nsizes = 4;
	o->ws = 64 << 20;
	o->time_ms = 300;
	o->depth = 512;
	o->batch = 32;
	o->every = 32;
	o->channels = 1;
	o->modes = (1u << MODES) - 1;
	o->lat_samples = 20000;
	o->repeat = 1;
	o->pin = -1;
	o->dpdk = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		unsigned int u;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage_text, stdout);
			exit(0);
		}
		if (!strcmp(a, "--no-dpdk")) {
			o->dpdk = 0;
			continue;
		}
		if (!strcmp(a, "--fifo")) {
			o->fifo = 1;
			continue;
		}
		if (!strcmp(a, "--ring")) {
			o->ring = 1;
			continue;
		}
		if (strncmp(a, "--", 2) || !(v = strchr(a, '=')))
			return bad(a);
		a += 2;
		v++;
		if (!strncmp(a, "sizes=", 6)) {
			char *copy = strdup(v), *save = NULL;
			int err = 0;

			o->nsizes = 0;
			for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
				err |= o->nsizes == MAX_SIZES || size_value(t, &o->sizes[o->nsizes++]);
			free(copy);
			if (err || !o->nsizes)
				return bad(argv[i]);
		} else if (!strncmp(a, "ws=", 3)) {
			if (size_value(v, &o->ws))
				return bad(argv[i]);
		} else if (!strncmp(a, "time-ms=", 8)) {
			if (uint_value(v, &o->time_ms, 1, 600000))
				return bad(argv[i]);
		} else if (!strncmp(a, "depth=", 6)) {
			if (uint_value(v, &o->depth, 1, 1 << 20))
				return bad(argv[i]);
		} else if (!strncmp(a, "batch=", 6)) {
			if (uint_value(v, &o->batch, 1, 1 << 16))
				return bad(argv[i]);
		} else if (!strncmp(a, "every=", 6)) {
			if (uint_value(v, &o->every, 1, 1 << 16))
				return bad(argv[i]);
		} else if (!strncmp(a, "channels=", 9)) {
			if (uint_value(v, &o->channels, 1, MAX_CHANNELS))
				return bad(argv[i]);
		} else if (!strncmp(a, "modes=", 6)) {
			if (parse_modes(v, &o->modes))
				return bad(argv[i]);
		} else if (!strncmp(a, "latency=", 8)) {
			if (uint_value(v, &o->lat_samples, 0, 10000000) ||
			    (o->lat_samples && o->lat_samples < 100))
				return bad(argv[i]);
		} else if (!strncmp(a, "repeat=", 7)) {
			if (uint_value(v, &o->repeat, 1, MAX_ROUNDS))
				return bad(argv[i]);
		} else if (!strncmp(a, "pin=", 4)) {
			if (uint_value(v, &u, 0, 1023))
				return bad(argv[i]);
			o->pin = (int)u;
		} else if (!strncmp(a, "csv=", 4)) {
			o->csv = v;
		} else if (!strncmp(a, "plot=", 5)) {
			o->plot_dir = v;
		} else {
			return bad(argv[i]);
		}
	}
	for (int i = 0; i < o->nsizes; i++)
		if (o->sizes[i] * o->channels > o->ws) {
			fprintf(stderr, "dmaperf: size %zu x %u channels exceeds the working set %zu "
				"(--ws)\n", o->sizes[i], o->channels, o->ws);
			return -1;
		}
	if (o->batch > o->depth || o->every > o->depth) {
		fprintf(stderr, "dmaperf: --batch and --every must not exceed --depth\n");
		return -1;
	}
	return 0;
}
