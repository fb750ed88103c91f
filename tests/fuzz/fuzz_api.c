/* SPDX-License-Identifier: MIT */
/*
 * Fuzzing the client API: a byte string becomes a sequence of calls on one
 * soft channel — preps with good and bad arguments, submits (double ones
 * too), issue, terminate, synchronize, pause, resume, status, slave
 * configuration, reuse, fault injection — ended by terminate_sync and
 * release. The library must answer every call without crashing, hanging or
 * tripping a sanitizer. Built as a libFuzzer target (make fuzz) and, with
 * fuzz_replay.c, as a test that replays the checked-in corpus.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <udmaengine/dmaengine.h>
#include <udmaengine/soft.h>

#include "fuzz_api.h"

#define BUF (64 * 1024)
#define SLOTS 8

struct input {
	const uint8_t *p;
	size_t left;
};

static uint8_t u8(struct input *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static uint32_t u32(struct input *in)
{
	uint32_t v = u8(in);

	v |= (uint32_t)u8(in) << 8;
	v |= (uint32_t)u8(in) << 16;
	return v | (uint32_t)u8(in) << 24;
}

static unsigned char src[BUF], dst[BUF];
static struct dma_device *soft;
static struct udma_fifo *fifo_tx, *fifo_rx;

static void quiet(void *arg, const char *line)
{
	(void)arg;
	(void)line;
}

static void count_cb(void *param)
{
	__atomic_fetch_add((int *)param, 1, __ATOMIC_RELAXED);
}

static void setup(void)
{
	struct udma_fifo_config tx = { "fuzz-tx", DMA_MEM_TO_DEV, 256, DMA_SLAVE_BUSWIDTH_4_BYTES, 0,
				       NULL, NULL, NULL };
	struct udma_fifo_config rx = { "fuzz-rx", DMA_DEV_TO_MEM, 256, DMA_SLAVE_BUSWIDTH_2_BYTES, 0,
				       NULL, NULL, NULL };

	udma_set_diag_handler(quiet, NULL);
	soft = udma_soft_create(NULL);
	fifo_tx = udma_fifo_create(&tx);
	fifo_rx = udma_fifo_create(&rx);
	if (IS_ERR(soft) || IS_ERR(fifo_tx) || IS_ERR(fifo_rx))
		abort();
}

/* An address: mostly inside the buffers, sometimes deliberately wrong. */
static dma_addr_t addr(struct input *in, unsigned char *base)
{
	uint8_t kind = u8(in);
	uint32_t off = u32(in) % BUF;

	switch (kind % 16) {
	case 0: return 0;
	case 1: return DMA_MAPPING_ERROR;
	case 2: return UINT64_MAX - off;
	case 3: return udma_fifo_addr(fifo_tx);
	default: return (dma_addr_t)(uintptr_t)(base + off);
	}
}

/* A length that keeps in-buffer transfers inside the buffer, or a bad one. */
static size_t length(struct input *in, dma_addr_t a, unsigned char *base)
{
	uint32_t v = u32(in);
	uintptr_t lo = (uintptr_t)base, p = (uintptr_t)a;

	if (p >= lo && p < lo + BUF)
		return v % (lo + BUF - p + 1);	/* 0 .. to the end */
	return v;
}

static const enum dma_transfer_direction dirs[] = {
	DMA_MEM_TO_MEM, DMA_MEM_TO_DEV, DMA_DEV_TO_MEM, DMA_DEV_TO_DEV, (enum dma_transfer_direction)9,
};

int fuzz_api_run(const uint8_t *data, size_t size)
{
	static int callbacks;
	struct input in = { data, size };
	struct dma_async_tx_descriptor *slot[SLOTS] = { 0 };
	bool reusable[SLOTS] = { 0 };
	dma_cookie_t last = DMA_MIN_COOKIE;
	struct dma_chan *chan;
	dma_cap_mask_t mask;

	if (!soft)
		setup();
	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	chan = dma_request_channel(mask, NULL, NULL);
	if (!chan)
		abort();

	while (in.left) {
		uint8_t op = u8(&in), s = u8(&in) % SLOTS;
		struct dma_async_tx_descriptor *tx = NULL;
		bool made = false;

		switch (op % 19) {
		case 0: {	/* memcpy */
			dma_addr_t d = addr(&in, dst), a = addr(&in, src);
			size_t l = length(&in, d, dst);

			if (length(&in, a, src) < l)
				l = 0;
			tx = dmaengine_prep_dma_memcpy(chan, d, a, l, u8(&in) | (u8(&in) << 8));
			made = true;
			break;
		}
		case 1: {	/* memset */
			dma_addr_t d = addr(&in, dst);

			tx = dmaengine_prep_dma_memset(chan, d, (int)u32(&in), length(&in, d, dst),
						       u8(&in));
			made = true;
			break;
		}
		case 2:		/* submit: a known-live descriptor, maybe twice */
			if (slot[s]) {
				dma_cookie_t c = dmaengine_submit(slot[s]);

				if (c > 0)
					last = c;
				if (!reusable[s])
					slot[s] = NULL;	/* it may be freed any time now */
			}
			break;
		case 3:
			dma_async_issue_pending(chan);
			break;
		case 4:
			dmaengine_terminate_async(chan);
			break;
		case 5:
			dmaengine_synchronize(chan);
			break;
		case 6:
			dmaengine_terminate_sync(chan);
			break;
		case 7:
			dmaengine_pause(chan);
			break;
		case 8:
			dmaengine_resume(chan);
			break;
		case 9: {
			struct dma_tx_state st;

			dmaengine_tx_status(chan, u8(&in) & 1 ? last : (dma_cookie_t)u32(&in), &st);
			break;
		}
		case 10: {	/* slave config, fields at random */
			struct dma_slave_config cfg = { 0 };

			cfg.direction = dirs[u8(&in) % 5];
			cfg.dst_addr = u8(&in) & 1 ? udma_fifo_addr(fifo_tx) : u32(&in);
			cfg.src_addr = u8(&in) & 1 ? udma_fifo_addr(fifo_rx) : u32(&in) & 3;
			cfg.dst_addr_width = (enum dma_slave_buswidth)(u8(&in) % 9);
			cfg.src_addr_width = (enum dma_slave_buswidth)(u8(&in) % 9);
			cfg.dst_maxburst = u8(&in);
			cfg.src_maxburst = u8(&in);
			dmaengine_slave_config(chan, u8(&in) == 0xff ? NULL : &cfg);
			break;
		}
		case 11: {	/* slave single */
			dma_addr_t b = addr(&in, dst);

			tx = dmaengine_prep_slave_single(chan, b, length(&in, b, dst) & ~(size_t)3,
							 dirs[u8(&in) % 5], u8(&in) & 1);
			made = true;
			break;
		}
		case 12: {	/* cyclic */
			dma_addr_t b = addr(&in, src);
			size_t len = length(&in, b, src) & ~(size_t)3, period = (u8(&in) + 1) * 4u;

			tx = dmaengine_prep_dma_cyclic(chan, b, len, period, dirs[u8(&in) % 5],
						       DMA_PREP_INTERRUPT);
			made = true;
			break;
		}
		case 13: {	/* interleaved */
			union {	/* a template with room for 4 chunks in t.sgl[] */
				struct dma_interleaved_template t;
				unsigned char room[sizeof(struct dma_interleaved_template) +
						   4 * sizeof(struct data_chunk)];
			} x;
			size_t frame = u8(&in) % 5, numf = u8(&in) % 9;

			memset(&x, 0, sizeof(x));

			x.t.src_start = (dma_addr_t)(uintptr_t)src;
			x.t.dst_start = (dma_addr_t)(uintptr_t)dst;
			x.t.dir = dirs[u8(&in) % 5];
			x.t.src_inc = u8(&in) & 1;
			x.t.dst_inc = u8(&in) & 1;
			x.t.src_sgl = x.t.dst_sgl = true;
			x.t.numf = numf;
			x.t.frame_size = frame;
			for (size_t i = 0; i < frame; i++) {
				x.t.sgl[i].size = u8(&in) * 4u;	/* numf*4*(255*4+255) < BUF */
				x.t.sgl[i].icg = u8(&in);
			}
			tx = dmaengine_prep_interleaved_dma(chan, u8(&in) == 0xff ? NULL : &x.t, 0);
			made = true;
			break;
		}
		case 14:
			if (slot[s] && dmaengine_desc_set_reuse(slot[s]) == 0)
				reusable[s] = true;
			break;
		case 15:
			if (slot[s] && reusable[s] && dmaengine_desc_free(slot[s]) == 0)
				slot[s] = NULL;
			break;
		case 16: {
			struct udma_soft_fault f = { (enum udma_soft_fault_kind)(u8(&in) % 8),
						     u8(&in) % 4, u32(&in), u32(&in) % BUF, u8(&in) % 50 };

			udma_soft_inject(chan, u8(&in) & 1 ? &f : NULL);
			break;
		}
		case 18: {	/* a batch of up to 4 copies, any of them bad */
			struct udma_copy c[4];
			unsigned int n = u8(&in) % 5;
			dma_cookie_t lc;

			for (unsigned int i = 0; i < n; i++) {
				c[i] = (struct udma_copy){ .dst = addr(&in, dst), .src = addr(&in, src) };
				c[i].len = length(&in, c[i].dst, dst);
				if (length(&in, c[i].src, src) < c[i].len)
					c[i].len = 0;
				if (u8(&in) & 1) {
					c[i].callback = count_cb;
					c[i].callback_param = &callbacks;
				}
			}
			if (udma_submit_memcpy_batch(chan, u8(&in) == 0xff ? NULL : c, n,
						     u8(&in) | (u8(&in) << 8), &lc) > 0)
				last = lc;
			break;
		}
		case 17:
			dma_release_channel(chan);	/* everything in flight stops */
			chan = dma_request_channel(mask, NULL, NULL);
			memset(slot, 0, sizeof(slot));
			memset(reusable, 0, sizeof(reusable));
			last = DMA_MIN_COOKIE;
			if (!chan)
				abort();
			break;
		}
		if (made && tx) {
			if (u8(&in) & 1) {
				tx->callback = count_cb;
				tx->callback_param = &callbacks;
			}
			/* the slot's earlier descriptor, if unsubmitted, is freed at release */
			slot[s] = tx;
			reusable[s] = false;
		}
	}
	dmaengine_terminate_sync(chan);
	for (int i = 0; i < SLOTS; i++)
		if (slot[i] && reusable[i])
			dmaengine_desc_free(slot[i]);
	udma_soft_inject(chan, NULL);
	dma_release_channel(chan);
	return 0;
}
