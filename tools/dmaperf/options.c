/* SPDX-License-Identifier: MIT */
/* dmaperf's command line. */
#define _GNU_SOURCE	/* sched_getaffinity: --pin must name a CPU we may use */
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cli.h"
#include "dmaperf.h"

#define MAX_BYTES ((uint64_t)64 << 30)	/* --sizes and --ws, at most */

static const char usage_text[] =
	"usage: dmaperf [options]\n"
	"Measures udmaengine's soft controller against memcpy (and DPDK's dma_skeleton\n"
	"when it is built) and prints a table of GB/s, Mops/s and ratios.\n"
	"Options take their value as --opt=VALUE or --opt VALUE.\n\n"
	"  --sizes=64,4K,64K,1M   copy sizes, at most 32 (suffixes K, M, G: x1024)\n"
	"  --ws=64M               working set per buffer: small stays in cache, large goes to DRAM\n"
	"  --time-ms=300          time per measurement (1..600000)\n"
	"  --depth=512            descriptors in flight per channel, at most (1..1048576)\n"
	"  --batch=32             descriptors per dma_async_issue_pending (1..65536, <= depth)\n"
	"  --every=32             coalesced mode: a callback every Nth descriptor (1..65536, <= depth)\n"
	"  --channels=1           channels in parallel, one client thread each (1..16)\n"
	"  --modes=coalesced,callback,polled,batch\n"
	"  --latency=20000        submit-to-callback samples (0: skip; else 100..10000000)\n"
	"  --repeat=1             rounds over every column, interleaved; each cell is the\n"
	"                         median of its rounds (1..15; a noisy machine: use 3 or more)\n"
	"  --pin=CPU              client on CPU, controller thread (and the memcpy reference,\n"
	"                         and DPDK's worker) on CPU+1: same CPU for every copy\n"
	"  --no-dpdk              skip the DPDK dma_skeleton column\n"
	"  --fifo                 also: slave_sg throughput into a hand-driven FIFO vs memcpy\n"
	"  --ring                 also: the bound, copies handed to a copy thread through a\n"
	"                         bare ring with no API (what the API and bookkeeping cost)\n"
	"  --scaling              also: 1 MiB copies through a working set in DRAM (1G per\n"
	"                         buffer, or --ws when given) on 1 and on 2 channels, a\n"
	"                         client thread each, and memcpy on 1 and on 2 threads\n"
	"  --idle=SECONDS         also, last: with the channels open and the tasklet pool\n"
	"                         alive, let them idle past their poll window, then measure\n"
	"                         the CPU the process and each thread use for SECONDS (1..3600)\n"
	"  --no-sweep             no size sweep and no latency sample: only what --fifo,\n"
	"                         --scaling and --idle ask for\n"
	"  --csv=FILE             write the table as CSV (ratios, latency, scaling and\n"
	"                         idle figures in its last columns; \"-\": not run)\n"
	"  --plot=DIR             write PNG plots there (needs gnuplot)\n"
	"  -q, --quiet            no progress line on stderr (shown for runs over 2 s)\n"
	"  -h, --help             this text\n"
	"  --version              the udmaengine version\n\n"
	"Exit status: 0 the run completed, 1 it failed, 2 bad options (or a working set,\n"
	"--ws or --scaling's, that does not fit in the memory this process may use).\n";

enum {
	OPT_SIZES = 256, OPT_WS, OPT_TIME, OPT_DEPTH, OPT_BATCH, OPT_EVERY, OPT_CHANNELS,
	OPT_MODES, OPT_LATENCY, OPT_REPEAT, OPT_PIN, OPT_NO_DPDK, OPT_FIFO, OPT_RING, OPT_CSV,
	OPT_PLOT, OPT_VERSION, OPT_SCALING, OPT_IDLE, OPT_NO_SWEEP,
};

static const struct option longopts[] = {
	{ "sizes", required_argument, NULL, OPT_SIZES },
	{ "ws", required_argument, NULL, OPT_WS },
	{ "time-ms", required_argument, NULL, OPT_TIME },
	{ "depth", required_argument, NULL, OPT_DEPTH },
	{ "batch", required_argument, NULL, OPT_BATCH },
	{ "every", required_argument, NULL, OPT_EVERY },
	{ "channels", required_argument, NULL, OPT_CHANNELS },
	{ "modes", required_argument, NULL, OPT_MODES },
	{ "latency", required_argument, NULL, OPT_LATENCY },
	{ "repeat", required_argument, NULL, OPT_REPEAT },
	{ "pin", required_argument, NULL, OPT_PIN },
	{ "no-dpdk", no_argument, NULL, OPT_NO_DPDK },
	{ "fifo", no_argument, NULL, OPT_FIFO },
	{ "ring", no_argument, NULL, OPT_RING },
	{ "scaling", no_argument, NULL, OPT_SCALING },
	{ "idle", required_argument, NULL, OPT_IDLE },
	{ "no-sweep", no_argument, NULL, OPT_NO_SWEEP },
	{ "csv", required_argument, NULL, OPT_CSV },
	{ "plot", required_argument, NULL, OPT_PLOT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void parse_sizes(const char *v, struct opts *o)
{
	char *copy = strdup(v), *save = NULL;

	o->nsizes = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		uint64_t size = 0;
		const char *bad = cli_parse_size(t, 1, MAX_BYTES, &size);

		if (o->nsizes == MAX_SIZES)
			cli_usage_error("--sizes=%s: at most %d sizes", v, MAX_SIZES);
		/* in a list, the size at fault is named */
		if (bad)
			cli_usage_error("--sizes=%s: %s%s%s%s%s", v, strcmp(t, v) ? "'" : "",
					strcmp(t, v) ? t : "", strcmp(t, v) ? "': " : "",
					strncmp(bad, "must", 4) ? "" : "a size ", bad);
		o->sizes[o->nsizes++] = (size_t)size;
	}
	free(copy);
	if (!o->nsizes)
		cli_usage_error("--sizes=%s: needs at least one size", v);
}

static void parse_modes(const char *v, unsigned int *modes)
{
	static const char *const names[MODES] = { "coalesced", "callback", "polled", "batch" };
	char *copy = strdup(v), *save = NULL;

	*modes = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int m;

		for (m = 0; m < MODES && strcmp(t, names[m]); m++)
			;
		if (m == MODES)
			cli_usage_error("--modes=%s: no mode '%s' (coalesced, callback, polled, batch)",
					v, t);
		*modes |= 1u << m;
	}
	free(copy);
	if (!*modes)
		cli_usage_error("--modes=%s: needs at least one mode", v);
}

/* The CPUs in @set as a list: "0-3,8". */
static const char *cpu_list(const cpu_set_t *set, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int c = 0; c < CPU_SETSIZE && n < len; c++) {
		int e = c;

		if (!CPU_ISSET(c, set))
			continue;
		while (e + 1 < CPU_SETSIZE && CPU_ISSET(e + 1, set))
			e++;
		n += (size_t)snprintf(buf + n, len - n, e > c ? "%s%d-%d" : "%s%d", n ? "," : "", c, e);
		c = e;
	}
	return buf;
}

/*
 * The client goes on CPU @pin and the controller on @pin + 1: both must be
 * CPUs this process may run on, or the header's "pinned" would be untrue.
 */
static int parse_pin(const char *v)
{
	cpu_set_t set;
	char cpus[128];
	int pin = (int)cli_opt_u64("pin", v, 0, CPU_SETSIZE - 2);

	if (sched_getaffinity(0, sizeof(set), &set))
		cli_usage_error("--pin=%s: cannot read this process's CPUs", v);
	for (int cpu = pin; cpu <= pin + 1; cpu++)
		if (!CPU_ISSET(cpu, &set))
			cli_usage_error("--pin=%s: the %s would run on CPU %d, which this process "
					"cannot use (its CPUs: %s)", v,
					cpu == pin ? "client" : "controller (CPU+1)", cpu,
					cpu_list(&set, cpus, sizeof(cpus)));
	if (pin > 62)	/* the controller's cpu_mask is 64 bits */
		cli_usage_error("--pin=%s: must be at most 62", v);
	return pin;
}

/* The first number in file @path, or in its line that starts with @key; 0 if none. */
static int read_number(const char *path, const char *key, uint64_t *v)
{
	FILE *f = fopen(path, "r");
	char line[256];
	int got = 0;

	if (!f)
		return 0;
	while (!got && fgets(line, sizeof(line), f)) {
		const char *p = line;

		if (key) {
			if (strncmp(line, key, strlen(key)))
				continue;
			p += strlen(key);
		}
		got = sscanf(p, " %" SCNu64, v) == 1;
	}
	fclose(f);
	return got;
}

static uint64_t room(uint64_t limit, uint64_t used)
{
	return used < limit ? limit - used : 0;
}

/*
 * The bytes this process may still fill, and what bounds them: the least of
 * the kernel's MemAvailable, the room left in its memory cgroup (v2 or v1,
 * as mounted in its namespace) and what RLIMIT_AS and RLIMIT_DATA leave.
 * Checked before the run, so that a working set that cannot be had is a
 * message rather than a failed allocation or the OOM killer mid-run.
 */
static uint64_t memory_left(const char **bound)
{
	static const struct {
		const char *max, *cur;
	} cg[] = { { "/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current" },
		   { "/sys/fs/cgroup/memory/memory.limit_in_bytes",
		     "/sys/fs/cgroup/memory/memory.usage_in_bytes" } };
	static const struct {
		int res;
		const char *key, *name;
	} lim[] = { { RLIMIT_AS, "VmSize:", "RLIMIT_AS: ulimit -v" },
		    { RLIMIT_DATA, "VmData:", "RLIMIT_DATA: ulimit -d" } };
	uint64_t left = UINT64_MAX, v, used;

	*bound = "nothing limits it";
	if (read_number("/proc/meminfo", "MemAvailable:", &v)) {
		left = v << 10;
		*bound = "MemAvailable in /proc/meminfo";
	}
	for (size_t i = 0; i < sizeof(cg) / sizeof(cg[0]); i++)
		if (read_number(cg[i].max, NULL, &v) && read_number(cg[i].cur, NULL, &used)) {
			/* "max" (no limit) does not parse: skipped */
			if (room(v, used) < left) {
				left = room(v, used);
				*bound = "the memory cgroup's limit";
			}
			break;
		}
	for (size_t i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
		struct rlimit rl;

		if (getrlimit(lim[i].res, &rl) || rl.rlim_cur == RLIM_INFINITY ||
		    !read_number("/proc/self/status", lim[i].key, &used))
			continue;
		used <<= 10;
		if (room(rl.rlim_cur, used) < left) {
			left = room(rl.rlim_cur, used);
			*bound = lim[i].name;
		}
	}
	return left;
}

/*
 * dmaperf allocates src and dst once, as large as the larger of the sweep's
 * working set and --scaling's, and faults them in: refuse here what does
 * not fit, with room to spare for the rest of the process.
 */
static void check_memory(const struct opts *o)
{
	size_t ws = o->sweep ? o->ws : 0;
	uint64_t need, left;
	const char *bound;

	if (o->scaling && o->scaling_ws > ws)
		ws = o->scaling_ws;
	need = 2 * (uint64_t)ws;
	left = memory_left(&bound);
	if (need + ((uint64_t)128 << 20) > left)
		cli_usage_error("%s: 2 x %zu MiB (src and dst) do not fit: %" PRIu64 " MiB left "
				"(%s); shrink it with --ws", o->scaling && ws == o->scaling_ws ?
				"--scaling's working set" : "the working set (--ws)", ws >> 20,
				left >> 20, bound);
}

int dmaperf_parse(int argc, char **argv, struct opts *o)
{
	static const size_t def[] = { 64, 4096, 65536, 1 << 20 };
	const char *ws_arg = NULL;
	int c;

	cli_prog = "dmaperf";
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
	o->sweep = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hq", longopts, NULL)) != -1) {
		const char *v = optarg;

		switch (c) {
		case 'h':
			fputs(usage_text, stdout);
			exit(CLI_EXIT_PASS);
		case OPT_VERSION:
			cli_version();
		case 'q':
			o->quiet = 1;
			break;
		case OPT_NO_DPDK:
			o->dpdk = 0;
			break;
		case OPT_FIFO:
			o->fifo = 1;
			break;
		case OPT_RING:
			o->ring = 1;
			break;
		case OPT_SCALING:
			o->scaling = 1;
			break;
		case OPT_NO_SWEEP:
			o->sweep = 0;
			break;
		case OPT_IDLE:
			o->idle_s = (unsigned int)cli_opt_u64("idle", v, 1, 3600);
			break;
		case OPT_SIZES:
			parse_sizes(v, o);
			break;
		case OPT_WS:
			o->ws = (size_t)cli_opt_size("ws", v, 1, MAX_BYTES);
			ws_arg = v;
			break;
		case OPT_TIME:
			o->time_ms = (unsigned int)cli_opt_u64("time-ms", v, 1, 600000);
			break;
		case OPT_DEPTH:
			o->depth = (unsigned int)cli_opt_u64("depth", v, 1, 1 << 20);
			break;
		case OPT_BATCH:
			o->batch = (unsigned int)cli_opt_u64("batch", v, 1, 1 << 16);
			break;
		case OPT_EVERY:
			o->every = (unsigned int)cli_opt_u64("every", v, 1, 1 << 16);
			break;
		case OPT_CHANNELS:
			o->channels = (unsigned int)cli_opt_u64("channels", v, 1, MAX_CHANNELS);
			break;
		case OPT_MODES:
			parse_modes(v, &o->modes);
			break;
		case OPT_LATENCY:
			o->lat_samples = (unsigned int)cli_opt_u64("latency", v, 0, 10000000);
			if (o->lat_samples && o->lat_samples < 100)
				cli_usage_error("--latency=%s: at least 100 samples, or 0 to skip", v);
			break;
		case OPT_REPEAT:
			o->repeat = (unsigned int)cli_opt_u64("repeat", v, 1, MAX_ROUNDS);
			break;
		case OPT_PIN:
			o->pin = parse_pin(v);
			break;
		case OPT_CSV:
			if (!*v)
				cli_usage_error("--csv: needs a file name");
			o->csv = v;
			break;
		case OPT_PLOT:
			if (!*v)
				cli_usage_error("--plot: needs a directory");
			o->plot_dir = v;
			break;
		default:
			cli_bad_option(c, argv, longopts);
		}
	}
	if (optind < argc)
		cli_usage_error("unexpected argument '%s'", argv[optind]);
	if (!o->sweep && (o->csv || o->plot_dir))
		cli_usage_error("--csv and --plot write the sweep's rows: not with --no-sweep");
	if (!o->sweep && !o->scaling && !o->idle_s && !o->fifo)
		cli_usage_error("--no-sweep: nothing left to run (add --scaling, --idle or --fifo)");
	/* --scaling cycles through DRAM: 1 GiB per buffer unless --ws says less (or more) */
	o->scaling_ws = ws_arg ? o->ws : SCALING_WS;
	if (o->scaling && o->scaling_ws < 2 * SCALING_SIZE)
		cli_usage_error("--ws=%s: --scaling copies 1M on each of 2 channels: at least 2M",
				ws_arg);
	for (int i = 0; o->sweep && i < o->nsizes; i++)
		if (o->sizes[i] * o->channels > o->ws)
			cli_usage_error("size %zu x %u channels exceeds the working set %zu (--ws)",
					o->sizes[i], o->channels, o->ws);
	if (o->batch > o->depth || o->every > o->depth)
		cli_usage_error("--batch (%u) and --every (%u) must not exceed --depth (%u)",
				o->batch, o->every, o->depth);
	check_memory(o);
	return 0;
}
