/* SPDX-License-Identifier: MIT */
/*
 * CUDA channels, interleaved (2D): numf rows of one chunk with pitch = size
 * + icg, gathers and scatters with different gaps on each side, frames of
 * several chunks; every byte checked against a CPU walk of the template,
 * gaps untouched. Templates a copy engine cannot do are refused.
 */
#include "cuda-test.h"

#define MAX_CHUNKS 4

/* A template with room for MAX_CHUNKS chunks in its flexible sgl[]: the
 * room is the union's larger member (a struct may not hold a flexible
 * array member followed by more members) */
union tmpl {
	struct dma_interleaved_template xt;
	unsigned char room[sizeof(struct dma_interleaved_template) +
			   MAX_CHUNKS * sizeof(struct data_chunk)];
};

static size_t icg_of(bool sgl, const struct data_chunk *c, size_t side)
{
	return side ? side : sgl ? c->icg : 0;
}

/* What the template does, done by the CPU; returns the bytes moved. */
static size_t reference(const struct dma_interleaved_template *xt, unsigned char *dst,
			const unsigned char *src)
{
	size_t s = 0, d = 0, moved = 0;

	for (size_t f = 0; f < xt->numf; f++) {
		for (size_t j = 0; j < xt->frame_size; j++) {
			const struct data_chunk *c = &xt->sgl[j];

			memcpy(dst + d, src + s, c->size);
			moved += c->size;
			s += c->size + icg_of(xt->src_sgl, c, c->src_icg);
			d += c->size + icg_of(xt->dst_sgl, c, c->dst_icg);
		}
	}
	return moved;
}

/*
 * Runs @t with the source in mapped host memory (to_dev) or on the device,
 * and the destination on the device; compares the whole destination buffer
 * (gaps included) with the reference.
 */
static void run(struct dma_chan *chan, union tmpl *t, size_t span, bool host_src)
{
	unsigned char *hsrc = t_alloc(span), *want = t_alloc(span), *back = t_alloc(span);
	unsigned char *dsrc = t_dev_alloc(span), *ddst = t_dev_alloc(span);
	struct t_counter done;
	struct t_res r;
	dma_addr_t src;
	size_t moved;

	t_counter_init(&done);
	t_res_init(&r, &done, NULL);
	t_fill(hsrc, span, (unsigned int)span);
	memset(want, 0x4e, span);
	t_dev_fill(ddst, 0x4e, span);
	if (host_src) {
		src = t_map(chan, hsrc, span, DMA_TO_DEVICE);
	} else {
		t_to_dev(dsrc, hsrc, span);
		src = t_dptr(dsrc);
	}
	moved = reference(&t->xt, want, hsrc);
	t->xt.src_start = src;
	t->xt.dst_start = t_dptr(ddst);
	t->xt.dir = DMA_MEM_TO_MEM;
	t->xt.src_inc = t->xt.dst_inc = true;
	t_submit(dmaengine_prep_interleaved_dma(chan, &t->xt, DMA_PREP_INTERRUPT), &r);
	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&done, 1, 10000));
	CHECK_EQ(r.result, DMA_TRANS_NOERROR);
	CHECK(moved > 0);
	t_from_dev(back, ddst, span);
	CHECK(memcmp(back, want, span) == 0);
	if (host_src)
		t_unmap(chan, src, span, DMA_TO_DEVICE);
	t_dev_free(dsrc);
	t_dev_free(ddst);
	free(hsrc);
	free(want);
	free(back);
}

int main(void)
{
	struct dma_device *dev;
	struct dma_chan *chan;
	union tmpl t;
	unsigned char *d;

	t_cuda_start("cuda-interleaved");
	dev = t_cuda_create(NULL);
	chan = t_cuda_chan(dev);

	/* the textbook 2D copy: 64 rows of 100 bytes, pitch 128 on both sides */
	memset(&t, 0, sizeof(t));
	t.xt.numf = 64;
	t.xt.frame_size = 1;
	t.xt.src_sgl = t.xt.dst_sgl = true;
	t.xt.sgl[0] = (struct data_chunk){ .size = 100, .icg = 28 };
	run(chan, &t, 64 * 128, false);
	run(chan, &t, 64 * 128, true);

	/* gather: rows of 300 with a 212-byte source gap, packed at the destination */
	memset(&t, 0, sizeof(t));
	t.xt.numf = 33;
	t.xt.frame_size = 1;
	t.xt.src_sgl = true;
	t.xt.sgl[0] = (struct data_chunk){ .size = 300, .src_icg = 212 };
	run(chan, &t, 33 * 512, true);

	/* scatter: packed source, destination rows 1000 apart (dst_icg wins over icg) */
	memset(&t, 0, sizeof(t));
	t.xt.numf = 20;
	t.xt.frame_size = 1;
	t.xt.src_sgl = t.xt.dst_sgl = false;
	t.xt.dst_sgl = true;
	t.xt.sgl[0] = (struct data_chunk){ .size = 24, .icg = 5, .dst_icg = 976 };
	run(chan, &t, 20 * 1000, false);

	/* frames of three chunks with their own gaps: one 2D copy per chunk */
	memset(&t, 0, sizeof(t));
	t.xt.numf = 10;
	t.xt.frame_size = 3;
	t.xt.src_sgl = t.xt.dst_sgl = true;
	t.xt.sgl[0] = (struct data_chunk){ .size = 16, .icg = 4 };
	t.xt.sgl[1] = (struct data_chunk){ .size = 32, .icg = 0, .dst_icg = 8 };
	t.xt.sgl[2] = (struct data_chunk){ .size = 8, .icg = 12, .src_icg = 40 };
	run(chan, &t, 10 * 128, true);

	/* one frame: no pitch involved */
	memset(&t, 0, sizeof(t));
	t.xt.numf = 1;
	t.xt.frame_size = 2;
	t.xt.src_sgl = t.xt.dst_sgl = true;
	t.xt.sgl[0] = (struct data_chunk){ .size = 5000, .icg = 3000 };
	t.xt.sgl[1] = (struct data_chunk){ .size = 7 };
	run(chan, &t, 8100, false);

	/* what a copy engine cannot do: refused, naming why */
	d = t_dev_alloc(1 << 16);
	memset(&t, 0, sizeof(t));
	t.xt.numf = 4;
	t.xt.frame_size = 1;
	t.xt.dir = DMA_MEM_TO_MEM;
	t.xt.src_start = t_dptr(d);
	t.xt.dst_start = t_dptr(d) + 32768;
	t.xt.src_inc = false;
	t.xt.dst_inc = true;
	t.xt.sgl[0] = (struct data_chunk){ .size = 64 };
	t_diag_reset();
	CHECK(!dmaengine_prep_interleaved_dma(chan, &t.xt, 0));
	CHECK_DIAG("src_inc");
	t.xt.src_inc = true;
	t.xt.dir = DMA_MEM_TO_DEV;
	CHECK(!dmaengine_prep_interleaved_dma(chan, &t.xt, 0));
	CHECK_DIAG("DMA_MEM_TO_DEV");
	t.xt.dir = DMA_MEM_TO_MEM;
	t.xt.src_start = t_addr(&t);	/* pageable */
	CHECK(!dmaengine_prep_interleaved_dma(chan, &t.xt, 0));
	CHECK_DIAG("xt->src_start");
	t.xt.src_start = t_dptr(d);
	t.xt.numf = 1000;	/* runs past the end of the destination allocation */
	t.xt.src_sgl = t.xt.dst_sgl = true;
	t.xt.sgl[0].icg = 64;
#if T_DOUBLE
	CHECK(!dmaengine_prep_interleaved_dma(chan, &t.xt, 0));
	CHECK_DIAG("its last byte");
	/* a stride beyond cudaDevAttrMaxPitch */
	CHECK_EQ(udma_cuda_destroy(dev), -EBUSY);
	dma_release_channel(chan);
	CHECK_EQ(udma_cuda_destroy(dev), 0);
	cudart_double_set_max_pitch(1024);
	dev = t_cuda_create(NULL);
	chan = t_cuda_chan(dev);
	t.xt.numf = 4;
	t.xt.sgl[0].icg = 2048;
	CHECK(!dmaengine_prep_interleaved_dma(chan, &t.xt, 0));
	CHECK_DIAG("maximum pitch");
#endif
	t_dev_free(d);
	dma_release_channel(chan);
	CHECK_EQ(udma_cuda_destroy(dev), 0);
	printf("cuda-interleaved: 2D rows, gather, scatter, 3-chunk frames, single frame: "
	       "byte-exact with gaps untouched; 5 bad templates refused\n");
	return 0;
}
