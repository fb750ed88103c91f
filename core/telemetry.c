/* SPDX-License-Identifier: MIT */
/*
 * Telemetry: live statistics of the running process over a Unix stream
 * socket, in the manner of DPDK's telemetry (docs/telemetry.md).
 *
 * One thread polls the listening socket and its clients. A client sends
 * one command per line and gets one JSON object per command, on one line.
 * Every command only reads: channel counters (udma_chan_get_stats), FIFO
 * levels (soft_fifo_walk), the debugfs summary, and the callback latency
 * histograms below. Client sockets are non-blocking and written with
 * MSG_NOSIGNAL, so a client that stops reading or goes away costs the
 * process nothing but its buffered answer.
 *
 * Callback latency: while telemetry runs, submit stamps the descriptor
 * (udma_submit_ns) and invoking its callback adds now - stamp to the
 * channel's histogram. The histogram has log-linear buckets (16 per power
 * of two: within 1/32 of the value) in two one-second windows chosen by
 * the second's parity; the first callback of a new second clears the
 * window it takes over. Updates are relaxed atomics: callbacks of a
 * channel run one at a time, and a count lost to a race at a window's
 * turn costs one sample, not correctness. Histograms are never freed,
 * only recycled when their device unregisters, so a callback racing that
 * writes into valid memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <udmaengine/telemetry.h>

#include "internal.h"
#include <udma/poll.h>
#include <udma/telemetry-hooks.h>

#ifndef UDMA_VERSION
#define UDMA_VERSION "unknown"
#endif

#define NS_PER_S 1000000000ull
#define REQ_MAX 1024		/* bytes in a request, without its newline */
#define IN_CAP 4096		/* a client's unread input */
#define OUT_HIGH (64 * 1024)	/* answers buffered before reading stops */
#define MAX_CLIENTS 16

int udma_telemetry_active;		/* read by the submit and callback paths */
extern int udma_telemetry_flag __attribute__((alias("udma_telemetry_active"), visibility("hidden")));
static uint64_t telemetry_since_ns;	/* stamps older than this are stale */

/* ---- latency histograms ---- */

#define SUB_BITS 4
#define SUB (1u << SUB_BITS)
#define MAX_MSB 35		/* larger values (over 68 s) count as 2^36 - 1 ns */
#define NBUCKETS ((MAX_MSB - SUB_BITS + 2) * SUB)

struct lat_win {
	uint64_t sec;		/* CLOCK_MONOTONIC second these counts are of */
	uint32_t n[NBUCKETS];
};

struct lat_hist {
	struct lat_win w[2];
	struct lat_hist *all_next;	/* every histogram: reachable to the end */
	struct lat_hist *free_next;
};

static pthread_mutex_t hist_lock = PTHREAD_MUTEX_INITIALIZER;
static struct lat_hist *hist_all, *hist_free;

static unsigned int bucket_of(uint64_t ns)
{
	int msb;

	if (ns >= 1ull << (MAX_MSB + 1))
		ns = (1ull << (MAX_MSB + 1)) - 1;
	if (ns < SUB)
		return (unsigned int)ns;
	msb = 63 - __builtin_clzll(ns);
	return (unsigned int)(msb - SUB_BITS + 1) * SUB +
	       (unsigned int)((ns >> (msb - SUB_BITS)) & (SUB - 1));
}

/* The middle of bucket @b, in ns. */
static double bucket_mid(unsigned int b)
{
	unsigned int shift;

	if (b < SUB)
		return b;
	shift = b / SUB - 1;
	return (double)((uint64_t)(SUB + b % SUB) << shift) + (double)(1ull << shift) / 2;
}

static struct lat_hist *hist_install(struct dma_chan *chan)
{
	struct lat_hist *h;
	void *cur = NULL;

	udma_mutex_lock(&hist_lock);
	h = hist_free;
	if (h) {
		hist_free = h->free_next;
	} else {
		h = malloc(sizeof(*h));
		if (!h) {
			udma_mutex_unlock(&hist_lock);
			return NULL;
		}
		h->all_next = hist_all;
		hist_all = h;
	}
	/* published below with release: a reused one shows no old counts */
	for (int i = 0; i < 2; i++) {
		WRITE_ONCE(h->w[i].sec, 0);
		for (unsigned int b = 0; b < NBUCKETS; b++)
			WRITE_ONCE(h->w[i].n[b], 0);
	}
	/*
	 * Release: the zeroing above before the pointer; pairs with the
	 * smp_load_acquire()s of udma_telemetry below. No acquire (it was
	 * acquire+release, acquire on failure too): success replaces NULL,
	 * and the one a failure finds was installed under hist_lock, held
	 * here, so the mutex orders its zeroing before this thread's use.
	 */
	if (!try_cmpxchg_release(&chan->udma.telemetry, &cur, (void *)h)) {
		h->free_next = hist_free;	/* another callback was first */
		hist_free = h;
		h = cur;
	}
	udma_mutex_unlock(&hist_lock);
	return h;
}

void udma_telemetry_retire(struct dma_device *device)
{
	struct dma_chan *chan;

	list_for_each_entry(chan, &device->channels, struct dma_chan, device_node) {
		/* Fully ordered (it was acquire+release, which the kernel has
		 * no name for); the free list itself is under hist_lock. */
		struct lat_hist *h = xchg(&chan->udma.telemetry, NULL);

		if (h) {
			udma_mutex_lock(&hist_lock);
			h->free_next = hist_free;
			hist_free = h;
			udma_mutex_unlock(&hist_lock);
		}
	}
}

void udma_telemetry_callback(struct dma_chan *chan, uint64_t submit_ns)
{
	uint64_t now = udma_now_ns(), sec = now / NS_PER_S, tag;
	struct lat_hist *h;
	struct lat_win *w;

	/* a stamp from before this start is a recycled descriptor's */
	if (submit_ns < READ_ONCE(telemetry_since_ns) || now < submit_ns)
		return;
	/* acquire: pairs with hist_install's try_cmpxchg_release */
	h = smp_load_acquire(&chan->udma.telemetry);
	if (!h && !(h = hist_install(chan)))
		return;
	w = &h->w[sec & 1];
	/* relaxed, all of the window's words: counts, a few of which may land
	 * in the wrong second at its turn; latency_read checks sec around
	 * its reads */
	tag = READ_ONCE(w->sec);
	if (tag != sec) {
		if (tag > sec)
			return;	/* a thread late across the turn of a second */
		if (try_cmpxchg_relaxed(&w->sec, &tag, sec))
			for (unsigned int b = 0; b < NBUCKETS; b++)
				WRITE_ONCE(w->n[b], 0);
	}
	udma_fetch_add_relaxed(&w->n[bucket_of(now - submit_ns)], 1);
}

struct latency {
	uint64_t samples;
	double p50_us, p99_us;
};

/* The last full second's latencies, or this second's when it had none. */
static void latency_read(struct dma_chan *chan, struct latency *out)
{
	/* acquire: pairs with hist_install's try_cmpxchg_release */
	struct lat_hist *h = smp_load_acquire(&chan->udma.telemetry);
	uint64_t sec = udma_now_ns() / NS_PER_S;
	static uint32_t n[NBUCKETS];	/* the server thread's alone */

	memset(out, 0, sizeof(*out));
	if (!h)
		return;
	for (int i = 0; i < 2; i++) {
		uint64_t want = sec - 1 + (uint64_t)i;
		struct lat_win *w = &h->w[want & 1];
		uint64_t total = 0, seen = 0;
		double *p[2] = { &out->p50_us, &out->p99_us };
		const uint64_t pct[2] = { 50, 99 };
		int k = 0;

		if (READ_ONCE(w->sec) != want)
			continue;
		for (unsigned int b = 0; b < NBUCKETS; b++)
			total += n[b] = READ_ONCE(w->n[b]);
		if (!total || READ_ONCE(w->sec) != want)
			continue;	/* empty, or taken over while read */
		for (unsigned int b = 0; b < NBUCKETS && k < 2; b++) {
			seen += n[b];
			/* the rank of the percentile, rounded up, in integers
			   (the library links nothing but libc and pthreads) */
			while (k < 2 && seen * 100 >= pct[k] * total) {
				*p[k] = bucket_mid(b) / 1000;
				k++;
			}
		}
		out->samples = total;
		return;
	}
}

/* ---- JSON answers ---- */

struct jbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void jb_put(struct jbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void jb_printf(struct jbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void jb_printf(struct jbuf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		jb_put(b, small, (size_t)n);
		return;
	}
	{
		char *big = malloc((size_t)n + 1);

		if (!big) {
			b->oom = true;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		jb_put(b, big, (size_t)n);
		free(big);
	}
}

/* @s as a JSON string: quotes, backslashes and every byte outside
 * printable ASCII escaped, so any bytes give valid JSON. */
static void jb_str(struct jbuf *b, const char *s)
{
	jb_put(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };

			jb_put(b, e, 2);
		} else if (c == '\n') {
			jb_put(b, "\\n", 2);
		} else if (c == '\t') {
			jb_put(b, "\\t", 2);
		} else if (c < 0x20 || c >= 0x7f) {
			jb_printf(b, "\\u%04x", c);
		} else {
			jb_put(b, (const char *)&c, 1);
		}
	}
	jb_put(b, "\"", 1);
}

static void reply_error(struct jbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reply_error(struct jbuf *b, const char *fmt, ...)
{
	char msg[REQ_MAX + 256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	jb_put(b, "{\"error\": ", 10);
	jb_str(b, msg);
	jb_put(b, "}\n", 2);
}

/* ---- commands ---- */

static void cmd_help(struct jbuf *b, const char *cmd, const char *arg);
static void cmd_info(struct jbuf *b, const char *cmd, const char *arg);
static void cmd_channels(struct jbuf *b, const char *cmd, const char *arg);
/* {"<cmd>": <one>}: the answer built apart in @one, once it was found. */
static void reply_object(struct jbuf *b, const char *cmd, const struct jbuf *one)
{
	jb_put(b, "{", 1);
	jb_str(b, cmd);
	jb_put(b, ": ", 2);
	jb_put(b, one->p, one->len);
	jb_put(b, "}\n", 2);
	b->oom |= one->oom;
}

static void cmd_channel(struct jbuf *b, const char *cmd, const char *arg);
static void cmd_fifos(struct jbuf *b, const char *cmd, const char *arg);
static void cmd_fifo(struct jbuf *b, const char *cmd, const char *arg);
static void cmd_summary(struct jbuf *b, const char *cmd, const char *arg);

static const struct command {
	const char *name;
	const char *param;	/* what it takes after the comma; NULL: nothing */
	void (*run)(struct jbuf *b, const char *cmd, const char *arg);
	const char *help;
} commands[] = {
	{ "/", NULL, cmd_help, "the commands, with what each returns" },
	{ "/help", NULL, cmd_help, "the commands, with what each returns" },
	{ "/info", NULL, cmd_info, "udmaengine version, pid, uptime in seconds" },
	{ "/channels", NULL, cmd_channels, "names of every channel of a registered device" },
	{ "/channel", "channel", cmd_channel,
	  "one channel's counters (udma_chan_get_stats), device, client and callback "
	  "latency p50/p99 in microseconds. Parameter: a channel name" },
	{ "/fifos", NULL, cmd_fifos, "names of every live simulated FIFO" },
	{ "/fifo", "FIFO", cmd_fifo,
	  "one FIFO's direction, width, depth, level, bytes, underruns, overruns. "
	  "Parameter: a FIFO name" },
	{ "/summary", NULL, cmd_summary,
	  "udma_dmaengine_summary's text: the kernel's debugfs summary and the counters" },
};

static void cmd_help(struct jbuf *b, const char *cmd, const char *arg)
{
	jb_put(b, "{", 1);
	jb_str(b, cmd);
	jb_put(b, ": {", 3);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		char name[64];

		snprintf(name, sizeof(name), "%s%s%s", commands[i].name,
			 commands[i].param ? ",<" : "", commands[i].param ? "name>" : "");
		if (i)
			jb_put(b, ", ", 2);
		jb_str(b, name);
		jb_put(b, ": ", 2);
		jb_str(b, commands[i].help);
	}
	jb_put(b, "}}\n", 3);
}

/* Seconds since the process started (Linux /proc), or -1. */
static double process_uptime(void)
{
	char buf[1024], *p;
	unsigned long long start = 0;
	double up;
	long hz = sysconf(_SC_CLK_TCK);
	FILE *f = fopen("/proc/self/stat", "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* the command name may hold anything */
	/* after ") ": state, then fields 4..21; field 22 is starttime */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d "
			 "%*d %*d %*d %*d %llu", &start) != 1 || hz <= 0)
		return -1;
	f = fopen("/proc/uptime", "r");
	if (!f)
		return -1;
	n = (size_t)fscanf(f, "%lf", &up);
	fclose(f);
	if (n != 1)
		return -1;
	return up - (double)start / (double)hz;
}

static void cmd_info(struct jbuf *b, const char *cmd, const char *arg)
{
	double up = process_uptime();
	uint64_t since = READ_ONCE(telemetry_since_ns);

	if (up < 0)	/* no /proc: since telemetry started */
		up = (double)(udma_now_ns() - since) / 1e9;
	jb_put(b, "{", 1);
	jb_str(b, cmd);
	jb_printf(b, ": {\"version\": \"%s\", \"pid\": %ld, \"uptime_s\": %.3f, "
		  "\"max_request\": %d}}\n", UDMA_VERSION, (long)getpid(), up < 0 ? 0 : up,
		  REQ_MAX);
}

struct walk {
	struct jbuf *b;
	const char *want;	/* a name to find; NULL: list them all */
	unsigned int n;
	bool found;
};

static void list_channels(struct dma_device *device, void *arg)
{
	struct walk *w = arg;
	struct dma_chan *chan;

	list_for_each_entry(chan, &device->channels, struct dma_chan, device_node) {
		if (w->n++)
			jb_put(w->b, ", ", 2);
		jb_str(w->b, dma_chan_name(chan));
	}
}

static void cmd_channels(struct jbuf *b, const char *cmd, const char *arg)
{
	struct walk w = { b, NULL, 0, false };

	jb_put(b, "{", 1);
	jb_str(b, cmd);
	jb_put(b, ": [", 3);
	udma_devices_walk(list_channels, &w);
	jb_put(b, "]}\n", 3);
}

static void show_channel(struct dma_device *device, void *arg)
{
	struct walk *w = arg;
	struct dma_chan *chan;

	list_for_each_entry(chan, &device->channels, struct dma_chan, device_node) {
		struct udma_chan_stats st;
		struct latency lat;
		const char *client;

		if (w->found || strcmp(dma_chan_name(chan), w->want))
			continue;
		w->found = true;
		if (udma_chan_get_stats(chan, &st))
			memset(&st, 0, sizeof(st));
		latency_read(chan, &lat);
		jb_put(w->b, "{\"name\": ", 9);
		jb_str(w->b, dma_chan_name(chan));
		jb_put(w->b, ", \"device\": ", 12);
		jb_str(w->b, dev_name(device->dev));
		/* as the summary names it: "<device>:<name>" when requested by name */
		client = chan->name && !strncmp(chan->name, "dma:", 4) ? chan->name + 4 : chan->name;
		jb_put(w->b, ", \"client\": ", 12);
		if (st.in_use && chan->slave && client) {
			char c[128];

			snprintf(c, sizeof(c), "%s:%s", dev_name(chan->slave), client);
			jb_str(w->b, c);
		} else {
			jb_put(w->b, "null", 4);
		}
		jb_printf(w->b, ", \"in_use\": %s, \"memcpy_count\": %llu, \"memset_count\": %llu, "
			  "\"slave_count\": %llu, \"interleave_count\": %llu, "
			  "\"bytes_transferred\": %llu, \"submitted\": %llu, \"completed\": %llu, "
			  "\"errors\": %llu, \"terminated\": %llu, \"in_flight\": %llu, ",
			  st.in_use ? "true" : "false", (unsigned long long)st.memcpy_count,
			  (unsigned long long)st.memset_count, (unsigned long long)st.slave_count,
			  (unsigned long long)st.interleave_count,
			  (unsigned long long)st.bytes_transferred, (unsigned long long)st.submitted,
			  (unsigned long long)st.completed, (unsigned long long)st.errors,
			  (unsigned long long)st.terminated, (unsigned long long)st.in_flight);
		if (lat.samples)
			jb_printf(w->b, "\"latency\": {\"samples\": %llu, \"p50_us\": %.3f, "
				  "\"p99_us\": %.3f}}", (unsigned long long)lat.samples,
				  lat.p50_us, lat.p99_us);
		else
			jb_printf(w->b, "\"latency\": {\"samples\": 0, \"p50_us\": null, "
				  "\"p99_us\": null}}");
	}
}

static void cmd_channel(struct jbuf *b, const char *cmd, const char *arg)
{
	struct jbuf one = { 0 };
	struct walk w = { &one, arg, 0, false };

	udma_devices_walk(show_channel, &w);
	if (!w.found)
		reply_error(b, "no channel \"%s\": /channels lists them", arg);
	else
		reply_object(b, cmd, &one);
	free(one.p);
}

static void list_fifos(const struct udma_fifo_info *f, void *arg)
{
	struct walk *w = arg;

	if (w->n++)
		jb_put(w->b, ", ", 2);
	jb_str(w->b, f->name);
}

static void cmd_fifos(struct jbuf *b, const char *cmd, const char *arg)
{
	struct walk w = { b, NULL, 0, false };

	jb_put(b, "{", 1);
	jb_str(b, cmd);
	jb_put(b, ": [", 3);
	soft_fifo_walk(list_fifos, &w);
	jb_put(b, "]}\n", 3);
}

static void show_fifo(const struct udma_fifo_info *f, void *arg)
{
	struct walk *w = arg;

	if (w->found || strcmp(f->name, w->want))
		return;
	w->found = true;
	jb_put(w->b, "{\"name\": ", 9);
	jb_str(w->b, f->name);
	jb_printf(w->b, ", \"dir\": \"%s\", \"width\": %zu, \"depth\": %zu, \"rate\": %llu, "
		  "\"level\": %zu, \"bytes\": %llu, \"underruns\": %llu, \"overruns\": %llu}",
		  f->dir == DMA_MEM_TO_DEV ? "tx" : "rx", f->width, f->depth,
		  (unsigned long long)f->rate, f->st.level, (unsigned long long)f->st.bytes,
		  (unsigned long long)f->st.underruns, (unsigned long long)f->st.overruns);
}

static void cmd_fifo(struct jbuf *b, const char *cmd, const char *arg)
{
	struct jbuf one = { 0 };
	struct walk w = { &one, arg, 0, false };

	soft_fifo_walk(show_fifo, &w);
	if (!w.found)
		reply_error(b, "no FIFO \"%s\": /fifos lists them", arg);
	else
		reply_object(b, cmd, &one);
	free(one.p);
}

static void cmd_summary(struct jbuf *b, const char *cmd, const char *arg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f) {
		reply_error(b, "out of memory");
		return;
	}
	udma_dmaengine_summary(f);
	fclose(f);
	jb_put(b, "{", 1);
	jb_str(b, cmd);
	jb_put(b, ": ", 2);
	jb_str(b, text ? text : "");
	jb_put(b, "}\n", 2);
	free(text);
}

/* One request (@len bytes, no newline) answered into @b. */
static void answer(struct jbuf *b, char *req, size_t len)
{
	char *comma;
	const struct command *c = NULL;

	if (len && req[len - 1] == '\r')	/* a terminal's line end */
		len--;
	req[len] = '\0';
	if (!len) {
		reply_error(b, "empty request: send a command, / lists them");
		return;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)req[i];

		if (ch < 0x20 || ch >= 0x7f) {
			reply_error(b, "byte 0x%02x at offset %zu: a request is printable ASCII", ch, i);
			return;
		}
	}
	if (req[0] != '/') {
		reply_error(b, "\"%s\" does not start with '/': / lists the commands", req);
		return;
	}
	comma = strchr(req, ',');
	if (comma)
		*comma = '\0';
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, req))
			c = &commands[i];
	if (!c) {
		reply_error(b, "unknown command \"%s\": / lists the commands", req);
		return;
	}
	if (!c->param && comma) {
		reply_error(b, "%s takes no parameter, got \"%s\"", req, comma + 1);
		return;
	}
	if (c->param && (!comma || !comma[1])) {
		reply_error(b, "%s needs a %s name: %s,<name>", req, c->param, req);
		return;
	}
	c->run(b, req, comma ? comma + 1 : NULL);
	if (b->oom) {
		b->len = 0;
		b->oom = false;
		reply_error(b, "out of memory for the answer");
	}
}

/* ---- the server thread ---- */

struct client {
	int fd;
	char in[IN_CAP];
	size_t in_len;
	bool skip;		/* inside an oversized request: drop to its newline */
	bool eof;		/* the client sent all it will */
	struct jbuf out;
	size_t out_off;		/* sent of out */
};

static pthread_mutex_t server_lock = PTHREAD_MUTEX_INITIALIZER;	/* start and stop */
static struct {
	bool running;
	int lfd;
	int wake[2];		/* stop writes a byte to [1] */
	pthread_t thread;
	pid_t pid;		/* the process that created the socket */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
} srv = { .lfd = -1, .wake = { -1, -1 } };

static size_t pending(const struct client *c)
{
	return c->out.len - c->out_off;
}

/* Answers the complete requests in @c->in while the answers fit. */
static void client_process(struct client *c)
{
	while (pending(c) < OUT_HIGH) {
		char *nl = memchr(c->in, '\n', c->in_len);
		size_t used;

		if (c->skip) {
			if (!nl) {
				c->in_len = 0;
				return;
			}
			c->skip = false;
			used = (size_t)(nl - c->in) + 1;
		} else if (!nl) {
			if (c->in_len > REQ_MAX) {
				reply_error(&c->out, "request longer than %d bytes: refused", REQ_MAX);
				c->skip = true;
				c->in_len = 0;
				continue;
			}
			if (c->eof && c->in_len) {	/* the last request needs no newline */
				answer(&c->out, c->in, c->in_len);
				c->in_len = 0;
			}
			return;
		} else {
			size_t len = (size_t)(nl - c->in);

			if (len > REQ_MAX)
				reply_error(&c->out, "request longer than %d bytes: refused", REQ_MAX);
			else
				answer(&c->out, c->in, len);
			used = len + 1;
		}
		memmove(c->in, c->in + used, c->in_len - used);
		c->in_len -= used;
	}
}

/* Sends what is buffered; false when the client is gone. */
static bool client_flush(struct client *c)
{
	while (pending(c)) {
		ssize_t n = send(c->fd, c->out.p + c->out_off, pending(c), MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n > 0) {
			c->out_off += (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			return true;
		} else {
			return false;	/* EPIPE, ECONNRESET: it went away mid-answer */
		}
	}
	c->out.len = c->out_off = 0;
	return true;
}

static void client_close(struct client *c)
{
	close(c->fd);
	free(c->out.p);
	free(c);
}

/* Reads, answers and sends what can go now; false when @c is done. */
static bool client_run(struct client *c, short revents)
{
	if (revents & POLLNVAL)
		return false;
	if ((revents & (POLLIN | POLLHUP | POLLERR)) && !c->eof && c->in_len < IN_CAP &&
	    !pending(c)) {
		ssize_t n = recv(c->fd, c->in + c->in_len, IN_CAP - c->in_len, MSG_DONTWAIT);

		if (n > 0)
			c->in_len += (size_t)n;
		else if (n == 0)
			c->eof = true;
		else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return false;
	}
	for (;;) {
		client_process(c);
		if (!client_flush(c))
			return false;
		if (pending(c) || !memchr(c->in, '\n', c->in_len))
			break;
	}
	if (c->eof && !c->in_len && !pending(c))
		return false;
	return true;
}

static void accept_clients(struct client **cl, int *n)
{
	for (;;) {
		int fd = accept4(srv.lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct client *c;

		if (fd < 0)
			return;	/* EAGAIN, or an error the next poll sees again */
		c = *n < MAX_CLIENTS ? calloc(1, sizeof(*c)) : NULL;
		if (!c) {
			static const char full[] = "{\"error\": \"too many clients\"}\n";

			send(fd, full, sizeof(full) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
			close(fd);
			continue;
		}
		c->fd = fd;
		cl[(*n)++] = c;
	}
}

static void *serve(void *arg)
{
	struct client *cl[MAX_CLIENTS];
	struct pollfd pfd[2 + MAX_CLIENTS];
	int n = 0;

	(void)arg;
	for (;;) {
		int nf = 2, old = n;

		pfd[0] = (struct pollfd){ .fd = srv.wake[0], .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = srv.lfd, .events = POLLIN };
		for (int i = 0; i < n; i++) {
			short ev = 0;

			if (pending(cl[i]))
				ev = POLLOUT;
			else if (!cl[i]->eof && cl[i]->in_len < IN_CAP)
				ev = POLLIN;
			pfd[nf++] = (struct pollfd){ .fd = cl[i]->fd, .events = ev };
		}
		if (poll(pfd, (nfds_t)nf, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents)
			break;
		for (int i = 0, j = 0; i < old; i++) {
			struct client *c = cl[i];

			if (pfd[2 + i].revents && !client_run(c, pfd[2 + i].revents)) {
				client_close(c);
				n--;
				continue;
			}
			cl[j++] = c;
		}
		if (pfd[1].revents)
			accept_clients(cl, &n);
	}
	for (int i = 0; i < n; i++)
		client_close(cl[i]);
	return NULL;
}

/* ---- start and stop ---- */

/* @dir exists, is a directory of ours and closed to others; else made so. */
static int private_dir(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0700) == 0) {
		if (chmod(dir, 0700)) {	/* whatever the umask took away */
			int err = errno;

			udma_diag("udma_telemetry_start", "chmod %s: %s", dir, strerror(err));
			return -err;
		}
	} else if (errno != EEXIST) {
		int err = errno;

		udma_diag("udma_telemetry_start", "cannot create %s: %s", dir, strerror(err));
		return -err;
	}
	if (lstat(dir, &st)) {
		int err = errno;

		udma_diag("udma_telemetry_start", "%s: %s", dir, strerror(err));
		return -err;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077)) {
		udma_diag("udma_telemetry_start", "%s is not a directory of uid %u closed to others "
			  "(mode 0700): not used", dir, (unsigned int)geteuid());
		return -EPERM;
	}
	return 0;
}

static int default_path(char *out, size_t size)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char dir[PATH_MAX];
	int err, n;

	if (xdg && xdg[0] == '/')
		n = snprintf(dir, sizeof(dir), "%s/udmaengine", xdg);
	else
		n = snprintf(dir, sizeof(dir), "/tmp/udmaengine-%u", (unsigned int)geteuid());
	if (n < 0 || (size_t)n >= size) {
		udma_diag("udma_telemetry_start", "socket directory %s is too long for a socket path",
			  dir);
		return -ENAMETOOLONG;
	}
	err = private_dir(dir);
	if (err)
		return err;
	n = snprintf(out, size, "%s/telemetry.%ld", dir, (long)getpid());
	if (n < 0 || (size_t)n >= size) {
		udma_diag("udma_telemetry_start", "%s/telemetry.%ld is over %zu bytes: too long for "
			  "a socket path", dir, (long)getpid(), size - 1);
		return -ENAMETOOLONG;
	}
	return 0;
}

/* A socket at @addr that nobody accepts on is a dead process's: removed. */
static int clear_stale(const struct sockaddr_un *addr)
{
	struct stat st;
	int fd, live;

	if (lstat(addr->sun_path, &st))
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		udma_diag("udma_telemetry_start", "%s exists and is not a socket", addr->sun_path);
		return -EADDRINUSE;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	live = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0 ||
	       errno != ECONNREFUSED;
	close(fd);
	if (live) {
		udma_diag("udma_telemetry_start", "%s: something listens there already",
			  addr->sun_path);
		return -EADDRINUSE;
	}
	unlink(addr->sun_path);
	return 0;
}

static void at_exit(void)
{
	udma_mutex_lock(&server_lock);
	/* the process is ending: the socket goes, the thread ends with it */
	if (srv.running && srv.pid == getpid()) {
		WRITE_ONCE(udma_telemetry_active, 0);
		udma_observe(UDMA_OBSERVE_TELEMETRY, false);
		unlink(srv.path);
	}
	udma_mutex_unlock(&server_lock);
}

static void register_at_exit(void)
{
	atexit(at_exit);
}

static int fail(int fd, int err, const char *what, const char *path)
{
	udma_diag("udma_telemetry_start", "%s %s: %s", what, path, strerror(-err));
	if (fd >= 0)
		close(fd);
	return err;
}

int udma_telemetry_start(const char *path)
{
	static pthread_once_t exit_once = PTHREAD_ONCE_INIT;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	sigset_t all, old;
	int fd, err;

	if (udma_forked_child(__func__))
		return -ENODEV;
	udma_mutex_lock(&server_lock);
	if (srv.running && srv.pid != getpid()) {
		/* a child of fork(): the parent's thread is not here, its socket is
		 * the parent's */
		close(srv.lfd);
		close(srv.wake[0]);
		close(srv.wake[1]);
		srv.running = false;
	}
	if (srv.running) {
		udma_diag(__func__, "telemetry is running already, on %s", srv.path);
		udma_mutex_unlock(&server_lock);
		return -EBUSY;
	}
	if (!path) {
		err = default_path(addr.sun_path, sizeof(addr.sun_path));
		if (err) {
			udma_mutex_unlock(&server_lock);
			return err;
		}
	} else if (!path[0] || strlen(path) >= sizeof(addr.sun_path)) {
		udma_diag(__func__, "path \"%.40s%s\" is empty or over %zu bytes", path,
			  strlen(path) > 40 ? "..." : "", sizeof(addr.sun_path) - 1);
		udma_mutex_unlock(&server_lock);
		return path[0] ? -ENAMETOOLONG : -EINVAL;
	} else {
		strcpy(addr.sun_path, path);
	}
	err = clear_stale(&addr);
	if (err) {
		udma_mutex_unlock(&server_lock);
		return err;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = fail(-1, -errno, "socket for", addr.sun_path);
		goto out;
	}
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		err = fail(fd, -errno, "bind", addr.sun_path);
		goto out;
	}
	/* before anyone can be let in: listen comes after */
	if (chmod(addr.sun_path, 0600) || listen(fd, 16)) {
		err = fail(fd, -errno, "chmod 0600 / listen", addr.sun_path);
		unlink(addr.sun_path);
		goto out;
	}
	if (pipe2(srv.wake, O_CLOEXEC | O_NONBLOCK)) {
		err = fail(fd, -errno, "pipe for", addr.sun_path);
		unlink(addr.sun_path);
		goto out;
	}
	srv.lfd = fd;
	srv.pid = getpid();
	strcpy(srv.path, addr.sun_path);
	WRITE_ONCE(telemetry_since_ns, udma_now_ns());
	/* release: telemetry_since_ns before the flag. The fast paths read
	 * the flag with READ_ONCE (udma_tele_on, udma_telemetry_enabled), so
	 * nothing acquires it: one that sees the flag before the start time
	 * may count one stale stamp, which is all it costs. */
	smp_store_release(&udma_telemetry_active, 1);
	udma_observe(UDMA_OBSERVE_TELEMETRY, true);
	/* no signal of the program's lands on this thread */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = -pthread_create(&srv.thread, NULL, serve, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		WRITE_ONCE(udma_telemetry_active, 0);
		udma_observe(UDMA_OBSERVE_TELEMETRY, false);
		close(srv.wake[0]);
		close(srv.wake[1]);
		unlink(addr.sun_path);
		err = fail(fd, err, "cannot start the thread for", addr.sun_path);
		goto out;
	}
	srv.running = true;
	pthread_once(&exit_once, register_at_exit);
out:
	udma_mutex_unlock(&server_lock);
	return err;
}

void udma_telemetry_stop(void)
{
	udma_mutex_lock(&server_lock);
	if (!srv.running) {
		udma_mutex_unlock(&server_lock);
		return;
	}
	WRITE_ONCE(udma_telemetry_active, 0);
	udma_observe(UDMA_OBSERVE_TELEMETRY, false);
	if (srv.pid == getpid()) {
		ssize_t r = write(srv.wake[1], "x", 1);

		(void)r;
		pthread_join(srv.thread, NULL);
		unlink(srv.path);
	}
	close(srv.lfd);
	close(srv.wake[0]);
	close(srv.wake[1]);
	srv.lfd = srv.wake[0] = srv.wake[1] = -1;
	srv.running = false;
	udma_mutex_unlock(&server_lock);
}

const char *udma_telemetry_path(void)
{
	const char *p;

	udma_mutex_lock(&server_lock);
	p = srv.running ? srv.path : NULL;
	udma_mutex_unlock(&server_lock);
	return p;
}

/* ---- UDMA_TELEMETRY ---- */

static pthread_once_t arm_once = PTHREAD_ONCE_INIT;

static void arm(void)
{
	const char *v = getenv("UDMA_TELEMETRY");

	if (!v || !*v || !strcmp(v, "0"))
		return;
	if (!strcmp(v, "1"))
		udma_telemetry_start(NULL);
	else if (strchr(v, '/'))
		udma_telemetry_start(v);
	else
		udma_diag("UDMA_TELEMETRY", "\"%s\" is not 0, 1 or a path (a path holds a '/'): "
			  "telemetry not started", v);
}

void udma_telemetry_arm(void)
{
	pthread_once(&arm_once, arm);
}
