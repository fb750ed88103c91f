/* SPDX-License-Identifier: MIT */
/*
 * Strict mode: each misuse the kernel documents or implies is reported with
 * a "misuse:" line naming the channel, once per channel and kind; the
 * strict-only checks (release after terminate_async without synchronize, a
 * prep never submitted, use of a freed descriptor) fire; UDMA_STRICT=abort
 * aborts after the report; the environment variable selects the mode.
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

static struct dma_async_tx_descriptor *copy_desc(struct dma_chan *chan, void *dst, void *src)
{
	struct dma_async_tx_descriptor *tx =
		dmaengine_prep_dma_memcpy(chan, t_addr(dst), t_addr(src), 4096, 0);

	CHECK(tx);
	return tx;
}

struct cb_ctx {
	struct dma_chan *chan;
	int ret;
	struct t_counter done;
};

struct prep_arg {
	struct dma_chan *chan;
	void *dst, *src;
	struct dma_async_tx_descriptor *tx;
};

static void *prep_elsewhere(void *arg)
{
	struct prep_arg *a = arg;

	a->tx = copy_desc(a->chan, a->dst, a->src);
	return NULL;
}

static void sync_in_callback(void *param)
{
	struct cb_ctx *c = param;

	c->ret = dmaengine_terminate_sync(c->chan);
	t_counter_bump(&c->done);
}

/* Runs @fn in a child with UDMA_STRICT=abort; returns how it ended. */
static int child_status(void (*fn)(void))
{
	pid_t pid = fork();
	int status;

	CHECK(pid >= 0);
	if (pid == 0) {
		setenv("UDMA_STRICT", "abort", 1);
		fn();
		_exit(0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	return status;
}

static void abort_on_resume(void)
{
	struct dma_device *dev = t_soft_create(NULL);
	struct dma_chan *chan = t_request(DMA_MEMCPY);

	CHECK_EQ(udma_get_strict(), UDMA_STRICT_ABORT);	/* from the environment */
	dmaengine_resume(chan);				/* not paused: aborts */
	dma_release_channel(chan);
	udma_soft_destroy(dev);
}

static void env_report(void)
{
	setenv("UDMA_STRICT", "1", 1);
	_exit(udma_get_strict() == UDMA_STRICT_REPORT ? 0 : 1);
}

int main(void)
{
	struct dma_device *dev;
	struct dma_chan *chan;
	unsigned char *src = t_alloc(4096), *dst = t_alloc(4096);
	struct dma_async_tx_descriptor *tx, *tx2;
	dma_cookie_t cookie;
	int n;

	/* the environment decides before the first use */
	{
		int status = child_status(env_report);

		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	/* abort mode: the report, then SIGABRT */
	{
		int status = child_status(abort_on_resume);

		CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
	}

	/* after the forks: a child of a process with threads can only exec or exit */
	dev = t_soft_create(NULL);
	t_diag_capture();
	udma_set_strict(UDMA_STRICT_REPORT);
	CHECK_EQ(udma_get_strict(), UDMA_STRICT_REPORT);
	chan = t_request(DMA_MEMCPY);
	t_fill(src, 4096, 9);

	/* issue_pending between terminate_async and synchronize: once per channel */
	CHECK_EQ(dmaengine_terminate_async(chan), 0);
	n = t_diag_count();
	dma_async_issue_pending(chan);
	CHECK_DIAG("misuse: called between dmaengine_terminate_async and dmaengine_synchronize");
	CHECK_DIAG("dma0chan0");
	dma_async_issue_pending(chan);
	CHECK_EQ(t_diag_count(), n + 1);
	dmaengine_synchronize(chan);

	/* resume without pause */
	CHECK_EQ(dmaengine_resume(chan), -EINVAL);
	CHECK_DIAG("misuse: channel is not paused");

	/* a prep never submitted before the next prep */
	tx = copy_desc(chan, dst, src);
	tx2 = copy_desc(chan, dst, src);
	CHECK_DIAG("misuse: the previous descriptor prepared on this channel was never submitted");
	CHECK(dmaengine_submit(tx) > 0);
	cookie = dmaengine_submit(tx2);
	CHECK(cookie > 0);

	/* double submit */
	CHECK(dmaengine_submit(tx2) < 0);
	CHECK_DIAG("misuse: descriptor is submitted already");
	CHECK_EQ(dma_sync_wait(chan, cookie), DMA_COMPLETE);

	/* use after free: the quarantine keeps the freed tag readable */
	t_sleep_us(20000);	/* callback-less descriptors retire at completion; be sure */
	CHECK(dmaengine_submit(tx2) < 0);
	CHECK_DIAG("misuse: descriptor was freed");

	/* terminate_sync in a callback */
	{
		struct cb_ctx c = { .chan = chan };

		t_counter_init(&c.done);
		tx = copy_desc(chan, dst, src);
		tx->callback = sync_in_callback;
		tx->callback_param = &c;
		CHECK(dmaengine_submit(tx) > 0);
		dma_async_issue_pending(chan);
		CHECK(t_counter_wait(&c.done, 1, 10000));
		CHECK_EQ(c.ret, -EDEADLK);
		CHECK_DIAG("misuse: called from a completion callback");
	}

	/* release after terminate_async without synchronize */
	tx = copy_desc(chan, dst, src);
	CHECK(dmaengine_submit(tx) > 0);
	dma_async_issue_pending(chan);
	CHECK_EQ(dmaengine_terminate_async(chan), 0);
	dma_release_channel(chan);
	CHECK_DIAG("misuse: dmaengine_terminate_async was not followed by dmaengine_synchronize");

	/* each kind once per channel: a fresh channel reports again */
	chan = t_request(DMA_MEMCPY);
	n = t_diag_count();
	CHECK_EQ(dmaengine_resume(chan), -EINVAL);
	CHECK_EQ(dmaengine_resume(chan), -EINVAL);
	CHECK_EQ(t_diag_count(), n + 1);
	dma_release_channel(chan);

	/* another thread's unsubmitted prep is no misuse of this thread's: a
	 * prep-locking driver makes the second wait, it does not deadlock */
	chan = t_request(DMA_MEMCPY);
	n = t_diag_count();
	{
		struct prep_arg a = { chan, dst, src, NULL };
		pthread_t th;

		CHECK(pthread_create(&th, NULL, prep_elsewhere, &a) == 0);
		pthread_join(th, NULL);
		tx2 = copy_desc(chan, dst, src);
		CHECK_EQ(t_diag_count(), n);
		CHECK(dmaengine_submit(a.tx) > 0);
		CHECK(dmaengine_submit(tx2) > 0);
	}
	tx = copy_desc(chan, dst, src);		/* the same thread twice still is */
	tx2 = copy_desc(chan, dst, src);
	CHECK_DIAG("misuse: the previous descriptor prepared on this channel was never submitted");
	CHECK(dmaengine_submit(tx) > 0);
	CHECK_EQ(dma_sync_wait(chan, dmaengine_submit(tx2)), DMA_COMPLETE);
	dma_release_channel(chan);

	udma_set_strict(UDMA_STRICT_OFF);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	free(src);
	free(dst);
	printf("strict-misuse: 7 misuse kinds reported once per channel, abort mode aborts, "
	       "UDMA_STRICT read from the environment\n");
	return 0;
}
