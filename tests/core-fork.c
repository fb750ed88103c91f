/* SPDX-License-Identifier: MIT */
/*
 * A child of fork() gets an error with a diagnostic from every call, at
 * once, instead of waiting forever for threads that stayed in the parent;
 * the parent goes on as if nothing happened. The child has a second
 * channel's work in flight at the fork, so nothing it does may block on it.
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

#define FORKED "child of fork()"
#define LEN 4096

static void copy_ok(struct dma_chan *chan, unsigned int seed)
{
	unsigned char *src = t_alloc(LEN), *dst = t_alloc(LEN);

	t_fill(src, LEN, seed);
	memset(dst, 0, LEN);
	t_run(chan, dmaengine_prep_dma_memcpy(chan, t_addr(dst), t_addr(src), LEN, DMA_PREP_INTERRUPT));
	CHECK(memcmp(src, dst, LEN) == 0);
	free(src);
	free(dst);
}

/* Everything a client may call, in the child: each refused, none waits. */
static void child(struct dma_device *dev, struct dma_chan *chan, struct dma_chan *busy,
		  struct dma_async_tx_descriptor *prepared, struct udma_fifo *fifo)
{
	unsigned char *src = t_alloc(LEN), *dst = t_alloc(LEN);
	dma_cap_mask_t mask;
	struct dma_slave_config cfg = { 0 };
	struct udma_fifo_config fcfg = { .name = "child", .dir = DMA_MEM_TO_DEV, .width = 4,
					 .depth = 64 };
	unsigned char b[4] = { 0 };
	struct udma_soft_fault fault = { .kind = UDMA_FAULT_NONE };

	alarm(20);	/* a hang is a failure, not a stuck ctest */
	t_diag_reset();
	CHECK(!dmaengine_prep_dma_memcpy(chan, t_addr(dst), t_addr(src), LEN, 0));
	CHECK_DIAG(FORKED);
	CHECK(!dmaengine_prep_dma_memset(chan, t_addr(dst), 0, LEN, 0));
	CHECK_EQ(dmaengine_submit(prepared), -ENODEV);
	CHECK_DIAG(FORKED);
	dma_async_issue_pending(busy);
	CHECK_DIAG(FORKED);
	CHECK_EQ(dmaengine_tx_status(busy, 1, NULL), DMA_ERROR);
	CHECK_EQ(dma_sync_wait(busy, 1), DMA_ERROR);
	CHECK_EQ(dmaengine_pause(busy), -ENODEV);
	CHECK_EQ(dmaengine_resume(busy), -ENODEV);
	CHECK_EQ(dmaengine_slave_config(busy, &cfg), -ENODEV);
	CHECK_EQ(dmaengine_terminate_async(busy), -ENODEV);
	dmaengine_synchronize(busy);
	CHECK_EQ(dmaengine_terminate_sync(busy), -ENODEV);
	CHECK_DIAG(FORKED);
	CHECK_EQ(dmaengine_desc_free(prepared), -ENODEV);
	CHECK_EQ(udma_soft_inject(chan, &fault), -ENODEV);

	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	CHECK(!dma_request_channel(mask, NULL, NULL));
	CHECK_DIAG(FORKED);
	CHECK(IS_ERR(udma_soft_create(NULL)));
	CHECK_DIAG(FORKED);
	CHECK(IS_ERR(udma_fifo_create(&fcfg)));
	CHECK_EQ(udma_fifo_push(fifo, b, sizeof(b)), 0);
	CHECK_EQ(udma_fifo_pop(fifo, b, sizeof(b)), 0);
	CHECK_DIAG(FORKED);

	/* and what ends things leaves them as they are */
	dma_release_channel(busy);
	CHECK_DIAG(FORKED);
	dma_release_channel(chan);
	CHECK_EQ(udma_soft_unplug(dev), -ENODEV);
	CHECK_EQ(udma_soft_destroy(dev), -ENODEV);
	udma_fifo_destroy(fifo);
	CHECK_DIAG(FORKED);
	_exit(0);	/* not exit(): the parent's atexit work is not ours */
}

int main(void)
{
	struct udma_soft_config cfg = { .nr_channels = 2,
					.residue_granularity = DMA_RESIDUE_GRANULARITY_BURST };
	struct udma_soft_fault stall = { .kind = UDMA_FAULT_STALL, .one_in = 1, .at = 4096 };
	struct dma_device *dev = t_soft_create(&cfg);
	struct dma_chan *chan = t_request(DMA_MEMCPY), *busy = t_request(DMA_MEMCPY);
	struct udma_fifo_config fcfg = { .name = "parent", .dir = DMA_MEM_TO_DEV, .width = 4,
					 .depth = 64 };
	struct udma_fifo *fifo = udma_fifo_create(&fcfg);
	unsigned char *src = t_alloc(1 << 20), *dst = t_alloc(1 << 20), *small = t_alloc(64);
	struct dma_async_tx_descriptor *prepared;
	dma_cookie_t slow;
	int status;
	pid_t pid;

	CHECK(!IS_ERR(fifo));
	t_diag_capture();
	copy_ok(chan, 1);
	/* stalled after its first 4 KiB: still in the hardware's hands at the fork */
	CHECK_EQ(udma_soft_inject(busy, &stall), 0);
	slow = dmaengine_submit(dmaengine_prep_dma_memcpy(busy, t_addr(dst), t_addr(src), 1 << 20, 0));
	CHECK(slow > 0);
	dma_async_issue_pending(busy);
	prepared = dmaengine_prep_dma_memcpy(chan, t_addr(small), t_addr(src), 64, 0);
	CHECK(prepared);

	fflush(NULL);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		child(dev, chan, busy, prepared, fifo);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "core-fork: the child %s %d\n",
			WIFSIGNALED(status) ? "died of signal" : "exited with",
			WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		return 1;
	}

	/* the parent's channels are as they were */
	CHECK(dmaengine_submit(prepared) > 0);
	dma_async_issue_pending(chan);
	copy_ok(chan, 2);	/* after the one prepared before the fork, in order */
	CHECK(memcmp(small, src, 64) == 0);
	CHECK_EQ(dmaengine_tx_status(busy, slow, NULL), DMA_IN_PROGRESS);
	CHECK_EQ(dmaengine_terminate_sync(busy), 0);
	dma_release_channel(busy);
	dma_release_channel(chan);
	udma_fifo_destroy(fifo);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	free(src);
	free(dst);
	free(small);
	printf("core-fork: every call in the child refused at once, the parent unaffected\n");
	return 0;
}
