/* SPDX-License-Identifier: MIT */
/*
 * cudaperf: a udmaengine CUDA channel against the raw CUDA runtime, side by
 * side in the same run, on the same buffers and one stream each:
 *
 *   raw/each   cudaMemcpyAsync + cudaLaunchHostFunc per copy (a completion
 *              function per copy, the raw equivalent of a callback)
 *   udma/each  prep + DMA_PREP_INTERRUPT + callback + submit + issue per copy
 *   raw/last   cudaMemcpyAsync per copy, one cudaLaunchHostFunc at the end
 *   udma/last  DMA_PREP_INTERRUPT on the last copy only (coalesced)
 *
 * for pinned host->device, device->host and device->device copies of
 * 4 KiB .. 64 MiB: GB/s and microseconds per copy. Every mode waits for its
 * completions the same way (a counter the completion bumps, polled).
 * Without a GPU it says so and exits 77 (skipped, as ctest counts it).
 *
 *   cudaperf [--quick] [--device=N] [--window=N]
 */
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cuda_runtime_api.h>

#include <udmaengine/cuda.h>
#include <udmaengine/dmaengine.h>

#include "cli.h"

#define MAX_SIZE ((size_t)64 << 20)

enum dir { H2D, D2H, D2D };
static const char *const dir_names[] = { "H2D", "D2H", "D2D" };

struct bench {
	struct dma_chan *chan;
	cudaStream_t stream;
	unsigned char *host, *dev_a, *dev_b;
	dma_addr_t host_dma;
	int done;		/* atomic: completions seen */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what, cudaError_t err)
{
	fprintf(stderr, "cudaperf: %s: %s\n", what, cudaGetErrorName(err));
	exit(1);
}

static void wait_done(struct bench *b, int n)
{
	while (__atomic_load_n(&b->done, __ATOMIC_ACQUIRE) < n)
		sched_yield();
}

static void CUDART_CB host_fn(void *arg)
{
	__atomic_fetch_add(&((struct bench *)arg)->done, 1, __ATOMIC_RELEASE);
}

static void udma_cb(void *arg)
{
	__atomic_fetch_add(&((struct bench *)arg)->done, 1, __ATOMIC_RELEASE);
}

static void endpoints(struct bench *b, enum dir d, void **dst, void **src)
{
	switch (d) {
	case H2D:
		*dst = b->dev_a;
		*src = b->host;
		break;
	case D2H:
		*dst = b->host;
		*src = b->dev_a;
		break;
	default:
		*dst = b->dev_b;
		*src = b->dev_a;
		break;
	}
}

/* Seconds for @n copies of @size, raw runtime; @each: a host function per copy. */
static double run_raw(struct bench *b, enum dir d, size_t size, int n, bool each)
{
	void *dst, *src;
	uint64_t t0;
	cudaError_t err;

	endpoints(b, d, &dst, &src);
	__atomic_store_n(&b->done, 0, __ATOMIC_RELEASE);
	t0 = now_ns();
	for (int i = 0; i < n; i++) {
		err = cudaMemcpyAsync(dst, src, size, cudaMemcpyDefault, b->stream);
		if (err != cudaSuccess)
			die("cudaMemcpyAsync", err);
		if (each || i == n - 1) {
			err = cudaLaunchHostFunc(b->stream, host_fn, b);
			if (err != cudaSuccess)
				die("cudaLaunchHostFunc", err);
		}
	}
	wait_done(b, each ? n : 1);
	return (double)(now_ns() - t0) / 1e9;
}

/* The same through a udmaengine channel; @each: DMA_PREP_INTERRUPT per copy. */
static double run_udma(struct bench *b, enum dir d, size_t size, int n, bool each)
{
	dma_addr_t dst, src;
	void *pd, *ps;
	uint64_t t0;

	endpoints(b, d, &pd, &ps);
	dst = pd == b->host ? b->host_dma : (dma_addr_t)(uintptr_t)pd;
	src = ps == b->host ? b->host_dma : (dma_addr_t)(uintptr_t)ps;
	__atomic_store_n(&b->done, 0, __ATOMIC_RELEASE);
	t0 = now_ns();
	for (int i = 0; i < n; i++) {
		bool irq = each || i == n - 1;
		struct dma_async_tx_descriptor *tx =
			dmaengine_prep_dma_memcpy(b->chan, dst, src, size, irq ? DMA_PREP_INTERRUPT : 0);

		if (!tx) {
			fprintf(stderr, "cudaperf: prep failed\n");
			exit(1);
		}
		if (irq) {
			tx->callback = udma_cb;
			tx->callback_param = b;
		}
		if (dmaengine_submit(tx) < 0) {
			fprintf(stderr, "cudaperf: submit failed\n");
			exit(1);
		}
		dma_async_issue_pending(b->chan);
	}
	wait_done(b, each ? n : 1);
	return (double)(now_ns() - t0) / 1e9;
}

static const char usage_text[] =
	"usage: cudaperf [options]\n"
	"Measures one udmaengine CUDA channel against the raw CUDA runtime on one stream\n"
	"(cudaMemcpyAsync + cudaLaunchHostFunc), for pinned H2D, D2H and D2D copies of\n"
	"4 KiB to 64 MiB: GB/s and microseconds per copy, a completion per copy and one\n"
	"at the end. Options take their value as --opt=VALUE or --opt VALUE.\n\n"
	"  --quick           a short run (fewer sizes and copies)\n"
	"  --device=N        the GPU to measure (0)\n"
	"  --window=N        descriptors the channel hands to its stream at once,\n"
	"                    1..1024 (the provider's default: 16)\n"
	"  -h, --help        this text\n"
	"  --version         the udmaengine version\n\n"
	"Exit status: 0 measured, 1 a CUDA or udmaengine call failed, 2 bad options,\n"
	"77 skipped: no CUDA device.\n";

enum { OPT_QUICK = 256, OPT_DEVICE, OPT_WINDOW, OPT_VERSION };

static const struct option longopts[] = {
	{ "quick", no_argument, NULL, OPT_QUICK },
	{ "device", required_argument, NULL, OPT_DEVICE },
	{ "window", required_argument, NULL, OPT_WINDOW },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void parse(int argc, char **argv, struct udma_cuda_config *cfg, bool *quick)
{
	int c;

	cli_prog = "cudaperf";
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage_text, stdout);
			exit(CLI_EXIT_PASS);
		case OPT_VERSION:
			cli_version();
		case OPT_QUICK:
			*quick = true;
			break;
		case OPT_DEVICE:
			cfg->device = (int)cli_opt_u64("device", optarg, 0, 1023);
			break;
		case OPT_WINDOW:
			cfg->max_inflight = (unsigned int)cli_opt_u64("window", optarg, 1, 1024);
			break;
		default:
			cli_bad_option(c, argv, longopts);
		}
	}
	if (optind < argc)
		cli_usage_error("unexpected argument '%s'", argv[optind]);
}

static void cell(size_t size, int n, double s)
{
	printf(" %8.2f %8.2f |", (double)size * n / s / 1e9, s * 1e6 / n);
}

int main(int argc, char **argv)
{
	struct udma_cuda_config cfg = { 0 };
	struct cudaDeviceProp prop;
	struct dma_device *dev;
	struct bench b;
	cudaError_t err;
	bool quick = false;
	int count = 0, engines = 0;
	size_t budget;

	parse(argc, argv, &cfg, &quick);
	err = cudaGetDeviceCount(&count);
	if (err != cudaSuccess || count == 0) {
		printf("cudaperf: SKIP: no CUDA device (cudaGetDeviceCount: %s): nothing to measure\n",
		       err != cudaSuccess ? cudaGetErrorName(err) : "0 devices");
		return CLI_EXIT_SKIP;
	}
	if (cfg.device >= count)
		cli_usage_error("--device=%d: there %s %d CUDA device%s (0..%d)", cfg.device,
				count == 1 ? "is" : "are", count, count == 1 ? "" : "s", count - 1);
	if ((err = cudaSetDevice(cfg.device)) != cudaSuccess)
		die("cudaSetDevice", err);
	if ((err = cudaGetDeviceProperties(&prop, cfg.device)) != cudaSuccess)
		die("cudaGetDeviceProperties", err);
	cudaDeviceGetAttribute(&engines, cudaDevAttrAsyncEngineCount, cfg.device);

	cfg.nr_channels = 1;
	dev = udma_cuda_create(&cfg);
	if (IS_ERR(dev)) {
		fprintf(stderr, "cudaperf: udma_cuda_create: %ld\n", PTR_ERR(dev));
		return 1;
	}
	memset(&b, 0, sizeof(b));
	{
		dma_cap_mask_t mask;

		dma_cap_zero(mask);
		dma_cap_set(DMA_MEMCPY, mask);
		b.chan = dma_request_channel(mask, udma_cuda_filter, dev);
		if (!b.chan) {
			fprintf(stderr, "cudaperf: no channel\n");
			return 1;
		}
	}
	if ((err = cudaStreamCreateWithFlags(&b.stream, cudaStreamNonBlocking)) != cudaSuccess)
		die("cudaStreamCreateWithFlags", err);
	b.host = aligned_alloc(4096, MAX_SIZE);
	if (!b.host)
		return 1;
	memset(b.host, 1, MAX_SIZE);
	/* pinned through the DMA API; the raw runs use the same pinned pages */
	b.host_dma = dma_map_single(dev->dev, b.host, MAX_SIZE, DMA_BIDIRECTIONAL);
	if (b.host_dma == DMA_MAPPING_ERROR)
		return 1;
	if ((err = cudaMalloc((void **)&b.dev_a, MAX_SIZE)) != cudaSuccess ||
	    (err = cudaMalloc((void **)&b.dev_b, MAX_SIZE)) != cudaSuccess)
		die("cudaMalloc", err);
	cudaMemset(b.dev_a, 2, MAX_SIZE);
	cudaDeviceSynchronize();

	printf("cudaperf: GPU %d \"%s\", %d copy engine%s; one stream each side; udma window %u "
	       "descriptors\n", cfg.device, prop.name, engines, engines == 1 ? "" : "s",
	       cfg.max_inflight ? cfg.max_inflight : 16u);
	printf("%-4s %9s %6s | %-17s | %-17s | %-17s | %-17s | udma speed\n", "dir", "size",
	       "ops", "   raw/each", "   udma/each", "   raw/last", "   udma/last");
	printf("%-4s %9s %6s |%s|%s|%s|%s|\n", "", "", "", "     GB/s    us/op ", "     GB/s    us/op ",
	       "     GB/s    us/op ", "     GB/s    us/op ");
	budget = quick ? (size_t)64 << 20 : (size_t)1 << 30;
	for (int d = H2D; d <= D2D; d++) {
		for (size_t size = 4096; size <= MAX_SIZE; size *= quick ? 16 : 4) {
			size_t want = budget / size;
			int n = (int)(want < 16 ? 16 : want > (quick ? 1000 : 20000) ? (quick ? 1000 : 20000) : want);
			double t[4];

			/* warm up both paths (first use of the buffers, the descriptor cache) */
			run_raw(&b, (enum dir)d, size, n < 64 ? n : 64, true);
			run_udma(&b, (enum dir)d, size, n < 64 ? n : 64, true);
			t[0] = run_raw(&b, (enum dir)d, size, n, true);
			t[1] = run_udma(&b, (enum dir)d, size, n, true);
			t[2] = run_raw(&b, (enum dir)d, size, n, false);
			t[3] = run_udma(&b, (enum dir)d, size, n, false);
			printf("%-4s %8zuK %6d |", dir_names[d], size >> 10, n);
			for (int k = 0; k < 4; k++)
				cell(size, n, t[k]);
			printf(" %6.2fx\n", t[0] / t[1]);
			fflush(stdout);
		}
	}

	dmaengine_terminate_sync(b.chan);
	dma_release_channel(b.chan);
	dma_unmap_single(dev->dev, b.host_dma, MAX_SIZE, DMA_BIDIRECTIONAL);
	udma_cuda_destroy(dev);
	cudaStreamDestroy(b.stream);
	cudaFree(b.dev_a);
	cudaFree(b.dev_b);
	free(b.host);
	return 0;
}
