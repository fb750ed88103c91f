/* SPDX-License-Identifier: MIT */
/*
 * dmaexplore: runs a program under many sim-mode schedules, one process per
 * seed, in parallel over the CPUs, and reports the first that fails with
 * the command that replays it and the schedule around the failure
 * (docs/simulation.md).
 *
 *   dmaexplore [--seeds=N] [--start=S] [--strategy=random|pct] [--depth=D]
 *              [--jobs=J] [--timeout=SEC] [--limit-ms=MS] [--keep-going]
 *              [--quiet] -- PROGRAM [ARGS]
 *
 * A run fails when it exits non-zero or on a signal, when its output has a
 * sanitizer report, a udmaengine misuse report (UDMA_STRICT), a sim-mode
 * violation or deadlock, when it passes its simulated-time limit, or when
 * it runs longer than --timeout seconds of real time.
 *
 * Exit status: 0 no seed failed, 1 one did, 2 usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

struct options {
	uint64_t seeds, start, depth, jobs, timeout_s, limit_ms, steps;
	const char *strategy;
	bool keep_going, quiet;
	char **argv;	/* PROGRAM ARGS */
};

struct job {
	pid_t pid;
	uint64_t seed;
	double started;
	char out[64];	/* its stdout and stderr */
	bool killed;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [options] -- PROGRAM [ARGS]\n"
		"Runs PROGRAM in udmaengine's sim mode under many seeds and reports the first\n"
		"that fails, with the command that replays it.\n"
		"  --seeds=N          schedules to try (default 1000)\n"
		"  --start=S          first seed (default 1)\n"
		"  --strategy=NAME    random (default) or pct\n"
		"  --depth=D          pct: the bug depth it aims at (default 3)\n"
		"  --jobs=J           runs at once (default: the CPUs)\n"
		"  --timeout=SEC      real seconds a run may take (default 60)\n"
		"  --limit-ms=MS      simulated milliseconds a run may take (default 60000)\n"
		"  --keep-going       run every seed, count every failure\n"
		"  --quiet            print only the result\n"
		"Exit status: 0 no seed failed, 1 one did, 2 usage error.\n",
		cli_prog);
}

/* The environment a run with @seed gets (also printed as its replay command). */
static int sim_env(const struct options *o, uint64_t seed, char env[][64])
{
	int n = 0;

	snprintf(env[n++], 64, "UDMA_SIM_SEED=%llu", (unsigned long long)seed);
	if (strcmp(o->strategy, "random")) {
		snprintf(env[n++], 64, "UDMA_SIM_STRATEGY=%s", o->strategy);
		snprintf(env[n++], 64, "UDMA_SIM_DEPTH=%llu", (unsigned long long)o->depth);
		snprintf(env[n++], 64, "UDMA_SIM_STEPS=%llu", (unsigned long long)o->steps);
	}
	snprintf(env[n++], 64, "UDMA_SIM_LIMIT_MS=%llu", (unsigned long long)o->limit_ms);
	return n;
}

static pid_t start_run(const struct options *o, uint64_t seed, const char *out, const char *log)
{
	char env[8][64];
	int n = sim_env(o, seed, env);
	pid_t pid = fork();

	if (pid)
		return pid;
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0)
		_exit(126);
	dup2(fd, 1);
	dup2(fd, 2);
	close(fd);
	for (int i = 0; i < n; i++) {
		char *eq = strchr(env[i], '=');

		*eq = 0;
		setenv(env[i], eq + 1, 1);
	}
	if (log)
		setenv("UDMA_SIM_LOG", log, 1);
	execvp(o->argv[0], o->argv);
	fprintf(stderr, "dmaexplore: cannot run %s: %s\n", o->argv[0], strerror(errno));
	_exit(127);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long len;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)len + 1);
	if (buf) {
		len = (long)fread(buf, 1, (size_t)len, f);
		buf[len] = 0;
	}
	fclose(f);
	return buf;
}

/* Why a run failed (static storage), or NULL if it passed. */
static const char *verdict(int status, bool killed, const char *output)
{
	static char why[128];
	static const struct { const char *marker, *why; } reports[] = {
		{ "udma-sim: violation", "sim mode: a transfer touched released memory" },
		{ "udma-sim: deadlock", "sim mode: deadlock" },
		{ "udma-sim: simulated time passed", "sim mode: simulated-time limit" },
		{ "udma-sim: no synchronization point", "sim mode: watchdog" },
		{ "ERROR: AddressSanitizer", "AddressSanitizer report" },
		{ "ERROR: LeakSanitizer", "LeakSanitizer report" },
		{ "WARNING: ThreadSanitizer", "ThreadSanitizer report" },
		{ "runtime error:", "UndefinedBehaviorSanitizer report" },
		{ ": misuse: ", "udmaengine misuse report (strict mode)" },
	};

	if (killed)
		return "ran past --timeout (real time): a hang outside sim mode's reach";
	for (size_t i = 0; output && i < sizeof(reports) / sizeof(reports[0]); i++)
		if (strstr(output, reports[i].marker))
			return reports[i].why;
	if (WIFSIGNALED(status)) {
		snprintf(why, sizeof(why), "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
		return why;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status)) {
		snprintf(why, sizeof(why), "exit status %d", WEXITSTATUS(status));
		return why;
	}
	if (output && !strstr(output, "udma-sim: seed="))
		return "no udma-sim line: the program did not run in sim mode (does it use udmaengine?)";
	return NULL;
}

static void print_replay(const struct options *o, uint64_t seed)
{
	char env[8][64];
	int n = sim_env(o, seed, env);

	printf("  replay:");
	for (int i = 0; i < n; i++)
		printf(" %s", env[i]);
	for (char **a = o->argv; *a; a++)
		printf(" %s", *a);
	printf("\n");
}

/* The failing run again, with its schedule printed (UDMA_SIM_LOG). */
static void show_schedule(const struct options *o, uint64_t seed, const char *dir)
{
	char out[160];
	int status;
	pid_t pid;
	char *text;

	snprintf(out, sizeof(out), "%s/replay", dir);
	pid = start_run(o, seed, out, "48");
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return;
	text = slurp(out);
	if (!text)
		return;
	printf("  its output, replayed with UDMA_SIM_LOG=48 (the last scheduling decisions before the failure):\n");
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		printf("    %s\n", line);
	free(text);
	unlink(out);
}

/* pct needs the number of points in a run: one calibration run tells. */
static uint64_t count_steps(const struct options *o, const char *dir)
{
	struct options r = *o;
	char out[160];
	uint64_t steps = 2000;
	int status;
	char *text, *s;
	pid_t pid;

	r.strategy = "random";
	snprintf(out, sizeof(out), "%s/calibrate", dir);
	pid = start_run(&r, o->start, out, NULL);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return steps;
	text = slurp(out);
	s = text ? strstr(text, " steps=") : NULL;
	if (s && strtoull(s + 7, NULL, 10))
		steps = strtoull(s + 7, NULL, 10);
	free(text);
	unlink(out);
	return steps;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seeds", required_argument, 0, 'n' }, { "start", required_argument, 0, 's' },
		{ "strategy", required_argument, 0, 'S' }, { "depth", required_argument, 0, 'd' },
		{ "jobs", required_argument, 0, 'j' }, { "timeout", required_argument, 0, 't' },
		{ "limit-ms", required_argument, 0, 'l' }, { "keep-going", no_argument, 0, 'k' },
		{ "quiet", no_argument, 0, 'q' }, { "help", no_argument, 0, 'h' },
		{ "version", no_argument, 0, 'V' }, { 0, 0, 0, 0 },
	};
	struct options o = { .seeds = 1000, .start = 1, .depth = 3, .timeout_s = 60,
			     .limit_ms = 60000, .strategy = "random" };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t next, done = 0, failed = 0, first_fail = 0;
	const char *first_why = NULL;
	char dir[] = "/tmp/dmaexplore.XXXXXX";
	struct job *jobs;
	double t0;
	int c;

	cli_prog = "dmaexplore";
	o.jobs = cpus > 0 ? (uint64_t)cpus : 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': o.seeds = cli_opt_u64("seeds", optarg, 1, UINT32_MAX); break;
		case 's': o.start = cli_opt_u64("start", optarg, 0, UINT64_MAX / 2); break;
		case 'd': o.depth = cli_opt_u64("depth", optarg, 1, 16); break;
		case 'j': o.jobs = cli_opt_u64("jobs", optarg, 1, 1024); break;
		case 't': o.timeout_s = cli_opt_u64("timeout", optarg, 1, 86400); break;
		case 'l': o.limit_ms = cli_opt_u64("limit-ms", optarg, 1, UINT64_MAX / 1000000); break;
		case 'k': o.keep_going = true; break;
		case 'q': o.quiet = true; break;
		case 'S':
			if (strcmp(optarg, "random") && strcmp(optarg, "pct"))
				cli_usage_error("--strategy=%s: random or pct", optarg);
			o.strategy = optarg;
			break;
		case 'h': usage(stdout); return CLI_EXIT_PASS;
		case 'V': cli_version();
		default: cli_bad_option(c, argv, longopts);
		}
	}
	if (optind >= argc)
		cli_usage_error("no PROGRAM to run (dmaexplore [options] -- PROGRAM [ARGS])");
	o.argv = argv + optind;
	if (!mkdtemp(dir)) {
		fprintf(stderr, "dmaexplore: cannot make a directory in /tmp: %s\n", strerror(errno));
		return CLI_EXIT_FAIL;
	}
	if (o.jobs > o.seeds)
		o.jobs = o.seeds;
	jobs = calloc(o.jobs, sizeof(*jobs));
	if (!jobs)
		return CLI_EXIT_FAIL;
	if (!strcmp(o.strategy, "pct"))
		o.steps = count_steps(&o, dir);
	if (!o.quiet) {
		printf("dmaexplore: %llu schedules (%s", (unsigned long long)o.seeds, o.strategy);
		if (o.steps)
			printf(", depth %llu over %llu steps", (unsigned long long)o.depth,
			       (unsigned long long)o.steps);
		printf("), seeds %llu.., %llu at once: %s\n", (unsigned long long)o.start,
		       (unsigned long long)o.jobs, o.argv[0]);
		fflush(stdout);
	}

	t0 = now_s();
	next = o.start;
	for (;;) {
		bool stop = failed && !o.keep_going;
		int running = 0, status;
		pid_t pid;

		for (uint64_t i = 0; i < o.jobs; i++) {
			struct job *j = &jobs[i];

			if (!j->pid && !stop && next < o.start + o.seeds) {
				snprintf(j->out, sizeof(j->out), "%s/run%llu", dir, (unsigned long long)i);
				j->seed = next++;
				j->killed = false;
				j->started = now_s();
				j->pid = start_run(&o, j->seed, j->out, NULL);
				if (j->pid < 0) {
					fprintf(stderr, "dmaexplore: fork: %s\n", strerror(errno));
					return CLI_EXIT_FAIL;
				}
			}
			running += j->pid > 0;
		}
		if (!running)
			break;
		pid = waitpid(-1, &status, WNOHANG);
		if (pid == 0) {
			/* nothing ended: enforce the real-time limit, then wait a little */
			for (uint64_t i = 0; i < o.jobs; i++)
				if (jobs[i].pid > 0 && !jobs[i].killed &&
				    now_s() - jobs[i].started > (double)o.timeout_s) {
					kill(jobs[i].pid, SIGKILL);
					jobs[i].killed = true;
				}
			pid = waitpid(-1, &status, 0);
		}
		if (pid < 0)
			continue;
		for (uint64_t i = 0; i < o.jobs; i++) {
			struct job *j = &jobs[i];
			const char *why;
			char *output;

			if (j->pid != pid)
				continue;
			j->pid = 0;
			done++;
			output = slurp(j->out);
			why = verdict(status, j->killed, output);
			free(output);
			if (why) {
				failed++;
				if (!first_why || j->seed < first_fail) {
					first_fail = j->seed;
					first_why = why;
				}
				if (!o.quiet)
					printf("dmaexplore: seed %llu failed: %s\n", (unsigned long long)j->seed,
					       why);
			}
			unlink(j->out);
		}
		if (!o.quiet && done % 1000 == 0) {
			printf("dmaexplore: %llu schedules, %llu failed\n", (unsigned long long)done,
			       (unsigned long long)failed);
			fflush(stdout);
		}
	}

	{
		double secs = now_s() - t0;

		printf("dmaexplore: %llu schedules in %.2f s (%.0f/s, %llu at once): %llu failed\n",
		       (unsigned long long)done, secs, secs > 0 ? (double)done / secs : 0.0,
		       (unsigned long long)o.jobs, (unsigned long long)failed);
	}
	if (failed) {
		printf("dmaexplore: first failing seed: %llu (%s)\n", (unsigned long long)first_fail,
		       first_why);
		print_replay(&o, first_fail);
		if (!o.quiet)
			show_schedule(&o, first_fail, dir);
	}
	rmdir(dir);
	free(jobs);
	return failed ? CLI_EXIT_FAIL : CLI_EXIT_PASS;
}
