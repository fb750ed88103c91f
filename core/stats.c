/* SPDX-License-Identifier: MIT */
/*
 * Per-channel statistics (udma_chan_get_stats) and the kernel's debugfs
 * summary (udma_dmaengine_summary, UDMA_SUMMARY).
 *
 * Where each count comes from, and why it is exact:
 *
 * - submitted: udma_cookie_take adds one per cookie it hands out, under
 *   the lock that serializes the channel's submits (every submit takes
 *   exactly one cookie, R3: dma_cookie_assign, and a batch's bare entries).
 *   One writer at a time, on the line the submitters already own: a plain
 *   add, no atomic shared with the completion side.
 * - per kind and bytes: the core's prep calls record in the descriptor what
 *   its submit counts (udma_acct: kind and length; a recycled descriptor
 *   is overwritten by every prep), and the same submit adds it. memcpy is
 *   submitted minus the others, so a memcpy submit writes two counters:
 *   submitted and bytes. Bytes count at submit, as the kernel counted them
 *   (the soft controller's batch adds its bare copies' bytes once per hold
 *   of the submit lock, before it lets go of it).
 * - completed: no one counts it. Cookies are handed out one per submit and
 *   completed in order, so the cookies after completed_cookie up to the
 *   last one handed out are the transfers not yet completed; with the
 *   submit count, that distance gives completed = submitted - terminated -
 *   in flight, whichever path of whichever provider completed them. The
 *   last cookie handed out is not read: it follows from the submit count
 *   (udma.cookie_origin ties the two at dma_cookie_init), so one load
 *   gives both, never torn apart by a submit between two loads.
 * - terminated: a terminate drops every transfer not complete (R5), so
 *   after the provider's device_terminate_all returns (and in release and
 *   unregister, which terminate), the transfers in flight then were
 *   dropped: they are added to terminated, and the submit count then
 *   becomes the floor below which nothing is in flight any more (the
 *   dropped cookies stay after completed_cookie until a later one
 *   completes). Exact unless another thread submits while the terminate
 *   runs (a callback may): such a transfer, submitted after the provider
 *   dropped its queue and before the count is read, counts as terminated
 *   though it runs; the sums stay consistent.
 * - errors: dmaengine_desc_callback_invoke, where a result reaches the
 *   client: one atomic add per failed transfer with a callback, on the
 *   error path only. A failure without a callback is not seen by the core.
 *
 * Read while the channel runs, each counter is a value it had during the
 * call: completed_cookie is loaded before the submit count, and the kind
 * counts before it too (their writers store them after it), so in_flight
 * never includes what is not submitted and memcpy_count never goes below
 * zero; a submit in progress may show in submitted before completing.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define COOKIES ((uint64_t)INT32_MAX)	/* a cookie's cycle: 1 .. INT32_MAX, then 1 */

/* Protects udma.terminated and udma.stats_floor of every channel: the
 * terminate accounting and the readers that need the two together. */
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;

/* Acquire: pairs with the release of udma_count_submit's kind counts
 * (<udmaengine/provider.h>): a count seen is a submit counted. */
static uint64_t load(const uint64_t *counter)
{
	return smp_load_acquire(counter);
}

struct snap {
	uint64_t submitted, kinds[4], bytes, errors, terminated, in_flight;
};

/* @chan's counters; stats_lock held. */
static void snapshot(const struct dma_chan *chan, struct snap *s)
{
	/* first: whatever completed by now was submitted before the loads
	 * below. Acquire: pairs with the smp_store_release()s of
	 * completed_cookie (dma_cookie_complete, virt-dma's completions). */
	dma_cookie_t done = smp_load_acquire(&chan->completed_cookie);
	uint64_t pos_done, pos_used, behind, since, floor;

	for (int i = 0; i < 4; i++)
		s->kinds[i] = load(&chan->udma.kind_count[i]);
	s->bytes = load(&chan->udma_bytes);
	s->errors = load(&chan->udma.errors);
	s->submitted = load(&chan->udma_submitted);
	s->terminated = chan->udma.terminated;
	floor = chan->udma.stats_floor;

	/* Positions in the cookie cycle: cookie c at c - 1 (0, before the
	 * first cookie of a channel never initialized, sits where INT32_MAX
	 * does: both are followed by 1). The last cookie handed out is the
	 * origin's advanced by the submits since. */
	pos_done = ((uint64_t)(uint32_t)done + COOKIES - 1) % COOKIES;
	pos_used = (s->submitted - load(&chan->udma.cookie_origin) + COOKIES - 1) % COOKIES;
	behind = (pos_used + COOKIES - pos_done) % COOKIES;
	/* the cookies a terminate dropped stay behind completed_cookie until a
	 * later one completes: only those submitted since count */
	since = s->submitted >= floor ? s->submitted - floor : 0;
	s->in_flight = behind < since ? behind : since;
}

void udma_stats_terminated(struct dma_chan *chan)
{
	struct snap s;

	udma_mutex_lock(&stats_lock);
	snapshot(chan, &s);
	chan->udma.terminated += s.in_flight;
	chan->udma.stats_floor = s.submitted;
	udma_mutex_unlock(&stats_lock);
}

void udma_stats_reset(struct dma_chan *chan)
{
	dma_cookie_t cookie = READ_ONCE(chan->cookie);

	/* relaxed: at registration, before any client has the channel */
	udma_mutex_lock(&stats_lock);
	WRITE_ONCE(chan->udma_submitted, 0);
	WRITE_ONCE(chan->udma_bytes, 0);
	for (int i = 0; i < 4; i++)
		WRITE_ONCE(chan->udma.kind_count[i], 0);
	WRITE_ONCE(chan->udma.errors, 0);
	/* the count at which the cookie was 0: submits from here continue it */
	WRITE_ONCE(chan->udma.cookie_origin, (uint64_t)0 - (uint64_t)(uint32_t)cookie);
	chan->udma.terminated = 0;
	chan->udma.stats_floor = 0;
	udma_mutex_unlock(&stats_lock);
}

static void fill(const struct dma_chan *chan, struct udma_chan_stats *st)
{
	struct snap s;
	uint64_t others;

	udma_mutex_lock(&stats_lock);
	snapshot(chan, &s);
	udma_mutex_unlock(&stats_lock);
	others = s.kinds[0] + s.kinds[1] + s.kinds[2] + s.kinds[3];
	/* acquire: pairs with registry.c's smp_store_release()s of client_count */
	st->in_use = smp_load_acquire(&chan->client_count) != 0;
	st->memcpy_count = s.submitted > others ? s.submitted - others : 0;
	st->memset_count = s.kinds[UDMA_ACCT_MEMSET - 1];
	st->slave_count = s.kinds[UDMA_ACCT_SLAVE - 1];
	st->interleave_count = s.kinds[UDMA_ACCT_INTERLEAVE - 1];
	st->bytes_transferred = s.bytes;
	st->submitted = s.submitted;
	st->errors = s.errors;
	st->terminated = s.terminated;
	st->in_flight = s.in_flight;
	/* in_flight <= submitted - floor and terminated <= floor: not negative */
	st->completed = s.submitted - s.terminated - s.in_flight;
}

int udma_chan_get_stats(struct dma_chan *chan, struct udma_chan_stats *st)
{
	const char *f = __func__;

	if (udma_forked_child(f))
		return -ENODEV;	/* stats_lock may be held by a thread not here */
	if (!chan || IS_ERR(chan)) {
		if (chan)
			udma_diag(f, "chan is an error pointer (%ld)", PTR_ERR(chan));
		else
			udma_diag(f, "chan is NULL");
		return -EINVAL;
	}
	/* an unplugged channel's device is gone from the list, but its memory
	 * stays while a client holds it */
	if (!chan->device ||
	    /* acquire: pairs with registry.c's smp_store_release()s */
	    (!smp_load_acquire(&chan->device->udma.registered) &&
	     !(smp_load_acquire(&chan->client_count) > 0 &&
	       (chan_flags(chan) & UDMA_CHAN_GONE)))) {
		udma_diag(f, "chan is not a channel of a registered device");
		return -EINVAL;
	}
	if (!st) {
		udma_chan_diag(chan, f, "st is NULL");
		return -EINVAL;
	}
	fill(chan, st);
	return 0;
}

/* ---- the summary ---- */

/* A device's lines in the kernel's format (drivers/dma/dmaengine.c's
 * debugfs summary), and its channels' counters; dma_list_mutex held. */
static void show_device(struct dma_device *device, FILE *kernel, FILE *counters)
{
	struct dma_chan *chan;

	fprintf(kernel, "dma%d (%s): number of channels: %u\n", device->dev_id,
		dev_name(device->dev), device->chancnt);
	list_for_each_entry(chan, &device->channels, struct dma_chan, device_node) {
		struct udma_chan_stats st;

		fill(chan, &st);
		if (st.in_use) {
			/* the kernel names the client "device:name" when it asked
			 * by name (chan->name is "dma:name" then) */
			const char *name = chan->name && !strncmp(chan->name, "dma:", 4) ?
					   chan->name + 4 : chan->name;

			if (chan->slave && name)
				fprintf(kernel, " %-13s| %s:%s\n", dma_chan_name(chan),
					dev_name(chan->slave), name);
			else
				fprintf(kernel, " %-13s| in-use\n", dma_chan_name(chan));
		}
		fprintf(counters, " %-13s| %s memcpy=%llu memset=%llu slave=%llu interleave=%llu "
			"bytes=%llu submitted=%llu completed=%llu errors=%llu terminated=%llu "
			"in_flight=%llu\n", dma_chan_name(chan), st.in_use ? "in-use" : "free",
			(unsigned long long)st.memcpy_count, (unsigned long long)st.memset_count,
			(unsigned long long)st.slave_count, (unsigned long long)st.interleave_count,
			(unsigned long long)st.bytes_transferred, (unsigned long long)st.submitted,
			(unsigned long long)st.completed, (unsigned long long)st.errors,
			(unsigned long long)st.terminated, (unsigned long long)st.in_flight);
	}
}

/* Two texts built device by device: the kernel's part and the counters. */
struct summary {
	FILE *kernel, *counters;
	char *kernel_buf, *counters_buf;
	size_t kernel_len, counters_len;
	unsigned int devices;
};

static bool summary_open(struct summary *s)
{
	memset(s, 0, sizeof(*s));
	s->kernel = open_memstream(&s->kernel_buf, &s->kernel_len);
	s->counters = open_memstream(&s->counters_buf, &s->counters_len);
	return s->kernel && s->counters;
}

/* Closes the streams: the texts are in the buffers (NULL if out of memory). */
static void summary_close(struct summary *s)
{
	if (s->kernel)
		fclose(s->kernel);
	if (s->counters)
		fclose(s->counters);
	s->kernel = s->counters = NULL;
}

static void summary_free(struct summary *s)
{
	summary_close(s);
	free(s->kernel_buf);
	free(s->counters_buf);
}

static void summary_add(struct dma_device *device, void *arg)
{
	struct summary *s = arg;

	if (s->devices++)
		fputs("\n", s->kernel);	/* a blank line between devices, as the kernel */
	show_device(device, s->kernel, s->counters);
}

/* Devices unregistered while UDMA_SUMMARY was set, as they were then. */
static pthread_mutex_t retired_lock = PTHREAD_MUTEX_INITIALIZER;
static struct summary retired;
static bool retired_open;

static void print(FILE *f, bool with_retired)
{
	struct summary s;

	if (!summary_open(&s)) {
		summary_free(&s);
		udma_diag("udma_dmaengine_summary", "out of memory");
		return;
	}
	udma_mutex_lock(&retired_lock);
	if (with_retired && retired.devices) {
		fflush(retired.kernel);
		fflush(retired.counters);
		fwrite(retired.kernel_buf, 1, retired.kernel_len, s.kernel);
		fwrite(retired.counters_buf, 1, retired.counters_len, s.counters);
		s.devices = retired.devices;
	}
	udma_mutex_unlock(&retired_lock);
	udma_devices_walk(summary_add, &s);
	summary_close(&s);
	if (s.kernel_buf && s.counters_buf) {
		fputs(s.kernel_buf, f);
		fprintf(f, "\nudmaengine counters:\n%s", s.counters_buf);
		fflush(f);
	}
	summary_free(&s);
}

void udma_dmaengine_summary(FILE *f)
{
	if (udma_forked_child(__func__))
		return;
	if (!f) {
		udma_diag(__func__, "f is NULL");
		return;
	}
	print(f, false);
}

/* ---- UDMA_SUMMARY: at exit ---- */

static pthread_once_t arm_once = PTHREAD_ONCE_INIT;
static const char *summary_to;	/* "1": stderr; else a path; NULL: off */

static void at_exit(void)
{
	FILE *f;

	/* a forked child's exit is not the program's, and its locks may be
	 * held by threads that stayed in the parent */
	if (READ_ONCE(udma_forked))
		return;
	if (!strcmp(summary_to, "1")) {
		print(stderr, true);
		return;
	}
	f = fopen(summary_to, "w");
	if (!f) {
		udma_diag("UDMA_SUMMARY", "cannot write %s", summary_to);
		return;
	}
	print(f, true);
	fclose(f);
}

static void arm(void)
{
	const char *v = getenv("UDMA_SUMMARY");

	if (!v || !*v || !strcmp(v, "0"))
		return;
	summary_to = v;
	atexit(at_exit);
}

void udma_summary_arm(void)
{
	pthread_once(&arm_once, arm);
}

void udma_summary_retire(struct dma_device *device)
{
	if (!summary_to)	/* set before any device could unregister */
		return;
	udma_mutex_lock(&retired_lock);
	if (!retired_open) {
		retired_open = summary_open(&retired);
		if (!retired_open)
			summary_free(&retired);
	}
	if (retired_open)
		summary_add(device, &retired);
	udma_mutex_unlock(&retired_lock);
}

int udma_observing;

void udma_observe(int bit, bool on)
{
	/*
	 * Relaxed (it was release, which nothing acquired: udma_observed reads
	 * it with READ_ONCE, and the slow path it leads to reads the
	 * observer's own flag, set before this, with its own ordering). A
	 * path that sees the bit before the flag only skips that observer.
	 */
	if (on)
		udma_fetch_or_relaxed(&udma_observing, bit);
	else
		udma_fetch_and_relaxed(&udma_observing, ~bit);
}
