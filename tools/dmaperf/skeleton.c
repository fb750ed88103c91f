/* SPDX-License-Identifier: MIT */
/*
 * dmaperf-skeleton: the DPDK dmadev side of dmaperf's comparison. Streams
 * copies through the dma_skeleton software device (a DPDK thread doing
 * memcpy) the way a DPDK application would: rte_dma_copy in batches,
 * rte_dma_submit, completions polled with rte_dma_completed. dmaperf runs it
 * as a separate process, since EAL pins the threads of its process.
 *
 *   dmaperf-skeleton SIZE[,SIZE...] WS_BYTES TIME_MS DEPTH BATCH PIN
 * prints one line per size: "size mops gbps". PIN >= 0 puts the
 * application on that CPU and the skeleton's thread on the next one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dmaperf.h"

#include <rte_eal.h>
#include <rte_dmadev.h>
#include <rte_lcore.h>

static void run(int16_t dev, size_t size, size_t ws, unsigned int time_ms, unsigned int depth,
		unsigned int batch, unsigned char *src, unsigned char *dst)
{
	size_t slots = ws / size ? ws / size : 1, slot = 0;

	batch = at_most_depth(size, depth, batch);
	depth = depth_for(size, depth);
	uint64_t submitted = 0, completed = 0, t0 = now_ns(), t;
	uint64_t deadline = t0 + (uint64_t)time_ms * 1000000u;
	uint16_t last;
	bool err = false;

	do {
		while (submitted + batch - completed > depth)
			completed += rte_dma_completed(dev, 0, 64, &last, &err);
		for (unsigned int i = 0; i < batch; i++) {
			while (rte_dma_copy(dev, 0, (rte_iova_t)(uintptr_t)(src + slot * size),
					    (rte_iova_t)(uintptr_t)(dst + slot * size), (uint32_t)size,
					    0) < 0)
				completed += rte_dma_completed(dev, 0, 64, &last, &err);
			if (++slot == slots)
				slot = 0;
		}
		rte_dma_submit(dev, 0);
		submitted += batch;
		completed += rte_dma_completed(dev, 0, 64, &last, &err);
		t = now_ns();
	} while (t < deadline);
	while (completed < submitted)
		completed += rte_dma_completed(dev, 0, 64, &last, &err);
	t = now_ns();
	if (err)
		fprintf(stderr, "dmaperf-skeleton: a copy failed\n");
	printf("%zu %.4f %.4f\n", size, (double)submitted * 1e3 / (double)(t - t0),
	       (double)submitted * size / (double)(t - t0));
}

int main(int argc, char **argv)
{
	char lcore[16], vdev[64];
	char *eal[] = { argv[0], "--no-huge", "--no-shconf", "--no-pci", "--no-telemetry",
			"--iova-mode=va", "--log-level=error", "-l", lcore, vdev, NULL };
	struct rte_dma_conf conf = { .nb_vchans = 1 };
	struct rte_dma_vchan_conf qconf = { .direction = RTE_DMA_DIR_MEM_TO_MEM, .nb_desc = 1024 };
	size_t ws;
	unsigned int time_ms, depth, batch;
	unsigned char *src, *dst;
	int16_t dev;
	char *sizes, *save = NULL;

	if (argc != 7) {
		fprintf(stderr, "usage: %s SIZES WS TIME_MS DEPTH BATCH PIN\n", argv[0]);
		return 2;
	}
	{
		int pin = atoi(argv[6]);

		/* the skeleton's worker runs on the CPU its lcore= names */
		snprintf(lcore, sizeof(lcore), "%d", pin < 0 ? 0 : pin);
		snprintf(vdev, sizeof(vdev), "--vdev=dma_skeleton,lcore=%d", pin < 0 ? 1 : pin + 1);
	}
	sizes = argv[1];
	ws = strtoull(argv[2], NULL, 10);
	time_ms = (unsigned int)atoi(argv[3]);
	depth = (unsigned int)atoi(argv[4]);
	batch = (unsigned int)atoi(argv[5]);
	if (depth > 1000)
		depth = 1000;	/* the ring holds nb_desc */
	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0]) - 1), eal) < 0) {
		fprintf(stderr, "dmaperf-skeleton: rte_eal_init failed\n");
		return 1;
	}
	dev = rte_dma_get_dev_id_by_name("dma_skeleton");
	if (dev < 0 || rte_dma_configure(dev, &conf) || rte_dma_vchan_setup(dev, 0, &qconf) ||
	    rte_dma_start(dev)) {
		fprintf(stderr, "dmaperf-skeleton: no dma_skeleton device\n");
		return 1;
	}
	src = aligned_alloc(4096, ws);
	dst = aligned_alloc(4096, ws);
	if (!src || !dst)
		return 1;
	memset(src, 1, ws);
	memset(dst, 2, ws);
	for (char *s = strtok_r(sizes, ",", &save); s; s = strtok_r(NULL, ",", &save))
		run(dev, strtoull(s, NULL, 10), ws, time_ms, depth, batch, src, dst);
	rte_dma_stop(dev);
	rte_dma_close(dev);
	rte_eal_cleanup();
	return 0;
}
