/* SPDX-License-Identifier: MIT */
/*
 * audio_player: cyclic DMA playback, the way ALSA's dmaengine PCM does it.
 *
 * A ring of 8 periods of 5 ms (48 kHz, stereo, 16-bit: 192000 bytes/s)
 * loops into a DAC FIFO that plays at that rate. Every period callback asks
 * the channel how far it got (the residue: the hardware pointer), refills
 * the periods the DMA has finished with the next stretch of a generated
 * tone, and notes when it ran, to show how regular the period interrupts
 * are. After about 2 s the callback stops the stream with
 * dmaengine_terminate_async (a callback may not wait); the main thread then
 * calls dmaengine_synchronize, and only after it frees the ring.
 *
 * The DAC checks that it plays the tone without a gap or a repeat.
 * Exits 1 on a misbehaving API (a callback after synchronize, a failed
 * call, nothing played); underruns and glitches are timing, and printed.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <udmaengine/dmaengine.h>
#include <udmaengine/soft.h>

#define SAMPLE_RATE	48000
#define FRAME		4			/* 2 channels x 16 bits */
#define RATE		(SAMPLE_RATE * FRAME)	/* bytes/s */
#define PERIOD_FRAMES	240			/* 5 ms */
#define PERIOD		(PERIOD_FRAMES * FRAME)
#define NPER		8
#define RING		(PERIOD * NPER)
#define PLAY_PERIODS	400			/* 2 s */
#define PERIOD_NS	(1000000000ull * PERIOD_FRAMES / SAMPLE_RATE)
#define WARMUP		10			/* callbacks while the FIFO first fills */
/*
 * 1 KiB (5.3 ms) of FIFO between the DMA and the DAC: far less than the
 * ring, so the DMA never reads a period before the callback refilled it,
 * and enough that a DMA thread scheduled a little late does not starve
 * the DAC.
 */
#define FIFO_DEPTH	1024

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- the tone: 440 Hz left, 660 Hz right, from a sine table ---- */

static int16_t sine[1024];

static void sine_init(void)
{
	const double pi = 3.14159265358979323846;

	for (int i = 0; i < 1024; i++) {
		/* Taylor series on [-pi, pi]: no libm needed */
		double x = 2 * pi * i / 1024 - (i >= 512 ? 2 * pi : 0), t = x, s = 0;

		for (int k = 1; k < 22; k += 2) {
			s += t;
			t *= -x * x / ((k + 1) * (k + 2));
		}
		sine[i] = (int16_t)(s * 12000);
	}
}

/* Frame @n of the tone, as the bytes the DAC gets. */
static void tone_frame(uint64_t n, unsigned char out[FRAME])
{
	int16_t l = sine[(n * 440 * 1024 / SAMPLE_RATE) % 1024];
	int16_t r = sine[(n * 660 * 1024 / SAMPLE_RATE) % 1024];

	memcpy(out, &l, 2);
	memcpy(out + 2, &r, 2);
}

/* ---- the DAC ---- */

struct dac {
	pthread_mutex_t lock;
	uint64_t bytes;		/* played */
	uint64_t glitches;	/* frames that were not the next frame of the tone */
	unsigned char partial[FRAME];
};

static void dac_play(void *arg, const void *data, size_t len)
{
	struct dac *d = arg;
	const unsigned char *p = data;

	pthread_mutex_lock(&d->lock);
	for (size_t i = 0; i < len; i++) {
		unsigned char want[FRAME];
		uint64_t b = d->bytes + i;

		tone_frame(b / FRAME, want);
		if (p[i] != want[b % FRAME] && b % FRAME == 0)
			d->glitches++;
	}
	d->bytes += len;
	pthread_mutex_unlock(&d->lock);
}

/* ---- the player ---- */

struct player {
	struct dma_chan *chan;
	unsigned char *ring;
	dma_cookie_t cookie;
	unsigned int slot;		/* next period to refill */
	uint64_t next_frame;		/* tone frame that goes into it */
	uint64_t periods;		/* periods the DMA has finished */
	uint64_t last_ns;
	uint64_t *jitter_ns;		/* |interval - nominal| per callback */
	size_t njitter, cap;
	int callbacks, errors;
	struct udma_fifo *fifo;
	struct udma_fifo_stats at_stop;

	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stopped;			/* terminate_async called */
	int after_stop;			/* callbacks after that: must stay 0 */
};

static void refill(struct player *p, unsigned int slot)
{
	unsigned char *dst = p->ring + (size_t)slot * PERIOD;

	for (unsigned int f = 0; f < PERIOD_FRAMES; f++)
		tone_frame(p->next_frame++, dst + f * FRAME);
}

static void period_elapsed(void *arg)
{
	struct player *p = arg;
	struct dma_tx_state st;
	unsigned int pos, n;
	uint64_t t = now_ns();

	pthread_mutex_lock(&p->lock);
	if (p->stopped) {
		p->after_stop++;
		pthread_mutex_unlock(&p->lock);
		return;
	}
	pthread_mutex_unlock(&p->lock);

	p->callbacks++;
	/* the hardware pointer: periods done in this pass over the ring */
	if (dmaengine_tx_status(p->chan, p->cookie, &st) != DMA_IN_PROGRESS) {
		p->errors++;
		return;
	}
	pos = (unsigned int)((RING - st.residue) / PERIOD) % NPER;
	n = (pos - p->slot + NPER) % NPER;	/* 0: this run's periods were seen already */
	for (unsigned int i = 0; i < n; i++) {
		refill(p, p->slot);
		p->slot = (p->slot + 1) % NPER;
	}
	p->periods += n;
	if (n && p->callbacks > WARMUP && p->njitter < p->cap) {
		uint64_t nominal = n * PERIOD_NS, dt = t - p->last_ns;

		p->jitter_ns[p->njitter++] = dt > nominal ? dt - nominal : nominal - dt;
	}
	if (n)
		p->last_ns = t;

	if (p->periods >= PLAY_PERIODS) {
		udma_fifo_stats(p->fifo, &p->at_stop);
		/* from a callback: ask, do not wait; then tell main, whose
		 * synchronize must come after the terminate it waits for */
		if (dmaengine_terminate_async(p->chan))
			p->errors++;
		pthread_mutex_lock(&p->lock);
		p->stopped = true;
		pthread_cond_signal(&p->cond);
		pthread_mutex_unlock(&p->lock);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(void)
{
	static struct dac dac = { .lock = PTHREAD_MUTEX_INITIALIZER };
	static struct player pl;
	struct player *p = &pl;
	struct udma_fifo_config fc = {
		.name = "i2s0-dac", .dir = DMA_MEM_TO_DEV, .depth = FIFO_DEPTH, .width = FRAME,
		.rate = RATE, .sink = dac_play, .arg = &dac,
	};
	struct dma_slave_config cfg = {
		.direction = DMA_MEM_TO_DEV, .dst_addr_width = DMA_SLAVE_BUSWIDTH_4_BYTES,
		.dst_maxburst = 8,
	};
	struct dma_async_tx_descriptor *d;
	struct dma_device *dma;
	dma_cap_mask_t mask;
	uint64_t t0, elapsed, played, glitches;
	int after_sync;
	bool ok;

	sine_init();
	dma = udma_soft_create(NULL);
	if (IS_ERR(dma))
		return 1;
	p->fifo = udma_fifo_create(&fc);
	if (IS_ERR(p->fifo))
		return 1;
	dma_cap_zero(mask);
	dma_cap_set(DMA_SLAVE, mask);
	dma_cap_set(DMA_CYCLIC, mask);
	p->chan = dma_request_channel(mask, udma_soft_filter, p->fifo);
	if (!p->chan)
		return 1;
	cfg.dst_addr = udma_fifo_addr(p->fifo);
	if (dmaengine_slave_config(p->chan, &cfg))
		return 1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	p->cap = PLAY_PERIODS * 2;
	p->jitter_ns = calloc(p->cap, sizeof(*p->jitter_ns));
	p->ring = malloc(RING);
	if (!p->jitter_ns || !p->ring)
		return 1;
	for (unsigned int i = 0; i < NPER; i++)
		refill(p, i);

	d = dmaengine_prep_dma_cyclic(p->chan, (dma_addr_t)(uintptr_t)p->ring, RING, PERIOD,
				      DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT);
	if (!d)
		return 1;
	d->callback = period_elapsed;
	d->callback_param = p;
	t0 = p->last_ns = now_ns();
	p->cookie = dmaengine_submit(d);
	if (dma_submit_error(p->cookie))
		return 1;
	dma_async_issue_pending(p->chan);

	pthread_mutex_lock(&p->lock);
	while (!p->stopped)
		pthread_cond_wait(&p->cond, &p->lock);
	pthread_mutex_unlock(&p->lock);
	/* the callback asked the channel to stop; wait until it has */
	dmaengine_synchronize(p->chan);
	elapsed = now_ns() - t0;
	pthread_mutex_lock(&p->lock);
	after_sync = p->callbacks + p->after_stop;
	pthread_mutex_unlock(&p->lock);
	/* no callback runs now and the DMA reads no more of the ring: free it */
	memset(p->ring, 0, RING);
	free(p->ring);
	{
		struct timespec ts = { 0, 20000000 };

		nanosleep(&ts, NULL);
	}
	pthread_mutex_lock(&p->lock);
	ok = p->callbacks + p->after_stop == after_sync && p->after_stop == 0;
	pthread_mutex_unlock(&p->lock);

	dma_release_channel(p->chan);
	udma_fifo_destroy(p->fifo);	/* the DAC stops */
	udma_soft_destroy(dma);
	pthread_mutex_lock(&dac.lock);
	played = dac.bytes;
	glitches = dac.glitches;
	pthread_mutex_unlock(&dac.lock);

	qsort(p->jitter_ns, p->njitter, sizeof(uint64_t), cmp_u64);
	printf("audio_player: 48 kHz stereo 16-bit, %d periods of %.1f ms in a %d-period ring, "
	       "DAC FIFO %d bytes\n", NPER, PERIOD_NS / 1e6, NPER, FIFO_DEPTH);
	printf("played %llu periods (%.2f s of audio in %.2f s), %d callbacks, "
	       "%llu underruns while playing, %llu glitched frames\n",
	       (unsigned long long)p->periods, (double)played / RATE, elapsed / 1e9, p->callbacks,
	       (unsigned long long)p->at_stop.underruns, (unsigned long long)glitches);
	if (p->njitter)
		printf("period callback jitter (|interval - %.1f ms| over %zu callbacks): "
		       "p50 %.0f us, p99 %.0f us, max %.0f us\n",
		       PERIOD_NS / 1e6, p->njitter,
		       p->jitter_ns[p->njitter / 2] / 1e3,
		       p->jitter_ns[p->njitter * 99 / 100] / 1e3,
		       p->jitter_ns[p->njitter - 1] / 1e3);
	printf("stopped from the callback; %d callbacks after terminate_async, none after synchronize: %s\n",
	       p->after_stop, ok ? "yes" : "NO");
	ok = ok && !p->errors && p->periods >= PLAY_PERIODS && played > 0;
	free(p->jitter_ns);
	return ok ? 0 : 1;
}
