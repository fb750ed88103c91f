/* SPDX-License-Identifier: MIT */
/*
 * The software DMA controller: a DMA controller whose channels are threads.
 * Each channel has its own "hardware" thread that moves bytes in bursts and
 * checks for pause and terminate between bursts, as a real engine does
 * between descriptors or bursts. Completion callbacks run in the channel's
 * tasklet, never on the hardware thread.
 */
#ifndef UDMAENGINE_SOFT_H
#define UDMAENGINE_SOFT_H

#include <udmaengine/dmaengine.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
	UDMA_SOFT_NO_PAUSE = 1 << 0,	/* no device_pause/resume: they return -ENOSYS */
	UDMA_SOFT_NO_REUSE = 1 << 1,	/* descriptor_reuse = false */
};

/*
 * Zero fields take the defaults; udma_soft_create(NULL) is all defaults.
 */
struct udma_soft_config {
	const char *name;		/* controller name; "dma<N>" like its channels */
	unsigned int nr_channels;	/* 4 */
	dma_cap_mask_t cap_mask;	/* empty: MEMCPY MEMSET SLAVE CYCLIC INTERLEAVE PRIVATE */
	/* DESCRIPTOR (0), SEGMENT or BURST; zero means DESCRIPTOR, so set it:
	 * udma_soft_create(NULL) reports at BURST granularity. */
	enum dma_residue_granularity residue_granularity;
	unsigned int copy_align;	/* log2 alignment required of memcpy/memset; 0 */
	uint32_t max_burst;		/* slave bursts in words; 256 */
	size_t burst_bytes;		/* memory-to-memory burst: bytes moved between
					   pause/terminate checks and residue updates; 64 KiB */
	unsigned int flags;		/* UDMA_SOFT_* */
	uint64_t cpu_mask;		/* CPUs the channel threads run on, round-robin
					   one CPU each; 0: wherever the OS puts them */
};

/*
 * Fault injection, per channel: a seeded fraction of the channel's
 * memory-to-memory and slave descriptors misbehaves the way broken hardware
 * does (cyclic ones never: they have no end to fail at). For testing
 * clients' error paths (and dmatest's verification).
 */
enum udma_soft_fault_kind {
	UDMA_FAULT_NONE = 0,
	UDMA_FAULT_READ,	/* stops after @at bytes: callback_result DMA_TRANS_READ_FAILED */
	UDMA_FAULT_WRITE,	/* stops after @at bytes: DMA_TRANS_WRITE_FAILED */
	UDMA_FAULT_ABORT,	/* stops after @at bytes: DMA_TRANS_ABORTED */
	UDMA_FAULT_CORRUPT,	/* completes "fine" with one destination bit flipped
				   (a memory destination: not on DMA_MEM_TO_DEV) */
	UDMA_FAULT_SLOW,	/* sleeps @delay_us before every burst */
	UDMA_FAULT_STALL,	/* stops after @at bytes and never finishes: terminate it */
};

struct udma_soft_fault {
	enum udma_soft_fault_kind kind;
	uint32_t one_in;	/* a descriptor is hit with probability 1/one_in; 1: all */
	uint64_t seed;		/* the hits and corrupted bytes follow from it */
	size_t at;		/* READ/WRITE/ABORT/STALL: bytes moved first (clamped) */
	unsigned int delay_us;	/* SLOW */
};

/* Sets @chan's fault (a copy); NULL or kind NONE clears it. 0 or -EINVAL. */
int udma_soft_inject(struct dma_chan *chan, const struct udma_soft_fault *fault);
/* Descriptors hit by the channel's fault so far. */
uint64_t udma_soft_fault_hits(struct dma_chan *chan);

/*
 * The controller goes away under its clients (hot-unplug, a driver
 * unbind): every transfer running or queued completes at once with
 * DMA_TRANS_ABORTED and its residue through callback_result (before this
 * returns, unless called from a callback; one that had moved all its bytes
 * and was only not yet reported completes as it ended), then the device is
 * unregistered: no new channel is handed out, and every call on a held
 * channel but dma_release_channel returns -ENODEV (NULL, DMA_ERROR).
 * udma_soft_destroy works once those channels are released. 0 or -EINVAL.
 */
int udma_soft_unplug(struct dma_device *dev);

/* Creates and registers a controller; ERR_PTR(-errno) on error. */
struct dma_device *udma_soft_create(const struct udma_soft_config *cfg);
/* Unregisters and frees it; -EBUSY (nothing done) while a channel is held. */
int udma_soft_destroy(struct dma_device *dev);

/*
 * Simulated peripherals: a FIFO behind a data register, as a UART, SPI or
 * I2S controller has. The DMA controller sees only the data register
 * (udma_fifo_addr, for dma_slave_config) and the request line: a TX FIFO
 * requests while it has room for a burst, an RX FIFO while it holds one.
 *
 * The device side either runs by itself at @rate bytes/s through sink
 * (TX) or source (RX), or is driven by hand with udma_fifo_push (data
 * arriving on an RX line) and udma_fifo_pop (a TX line taking data).
 * A rate-driven TX FIFO starts draining when it first receives data.
 */
struct udma_fifo_config {
	const char *name;			/* "uart0-rx", at most 31 characters */
	enum dma_transfer_direction dir;	/* DMA_MEM_TO_DEV: TX, DMA_DEV_TO_MEM: RX */
	size_t depth;				/* bytes, a multiple of width */
	enum dma_slave_buswidth width;		/* data register width: 1, 2, 4 or 8 */
	uint64_t rate;				/* bytes/s through sink/source; 0: by hand */
	void (*sink)(void *arg, const void *data, size_t len);	/* TX, rate > 0 */
	size_t (*source)(void *arg, void *data, size_t len);	/* RX, rate > 0 */
	void *arg;
};

struct udma_fifo_stats {
	uint64_t bytes;		/* bytes through the device side */
	uint64_t overruns;	/* bytes dropped: RX data arrived to a full FIFO */
	uint64_t underruns;	/* bytes missed: TX device found the FIFO empty */
	size_t level;		/* bytes in the FIFO now */
};

struct udma_fifo;

struct udma_fifo *udma_fifo_create(const struct udma_fifo_config *cfg); /* ERR_PTR on error */
/*
 * Stops the device side and frees the FIFO; a channel still configured with
 * it keeps it allocated (inert) until it is reconfigured or released.
 */
void udma_fifo_destroy(struct udma_fifo *fifo);
dma_addr_t udma_fifo_addr(const struct udma_fifo *fifo);
/* RX device side: bytes that do not fit are dropped and counted as overruns. */
size_t udma_fifo_push(struct udma_fifo *fifo, const void *buf, size_t len);
/* TX device side (or a CPU reading leftovers from RX): bytes taken. */
size_t udma_fifo_pop(struct udma_fifo *fifo, void *buf, size_t len);
#if defined(__cplusplus) && defined(__GNUC__)
/* the function shares the struct's name, as stat() does: valid C++, which
 * g++'s -Wshadow would flag in every client that includes this header */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#endif
void udma_fifo_stats(const struct udma_fifo *fifo, struct udma_fifo_stats *st);
#if defined(__cplusplus) && defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

/* dma_request_channel filter: a soft channel, bound to @fifo's request line. */
bool udma_soft_filter(struct dma_chan *chan, void *fifo);

#ifdef __cplusplus
}
#endif

#endif /* UDMAENGINE_SOFT_H */
