/* SPDX-License-Identifier: MIT */
/*
 * kdma: a DMA controller on a small simulated SoC, and what its board
 * exposes to the rest of the system: the UART's DMA request lines and data
 * registers, the line side of the UART (bytes arriving and leaving), and the
 * layouts of the per-descriptor metadata the engine understands.
 */
#ifndef KDMA_H
#define KDMA_H

#include <linux/types.h>

/* The UART's data registers, as the DMA controller addresses them. */
#define KDMA_UART0_BASE		0x4000c000
#define KDMA_UART0_RXDR		(KDMA_UART0_BASE + 0x00)
#define KDMA_UART0_TXDR		(KDMA_UART0_BASE + 0x04)

/* Depth of each UART FIFO, in bytes. */
#define KDMA_UART_FIFO_SIZE	64

/*
 * Metadata of a memcpy descriptor (DESC_METADATA_CLIENT, attached by the
 * client): the engine checks the source against @sum before it writes the
 * destination, and fails the transfer with DMA_TRANS_READ_FAILED, leaving
 * the destination untouched, when they differ.
 */
struct kdma_copy_check {
	u32 sum;
	u32 reserved;
};

/* The checksum the engine computes over a copy's source. */
static inline u32 kdma_check_sum(const void *buf, size_t len)
{
	const u8 *p = buf;
	u32 sum = 0x12345678;

	while (len--)
		sum = sum * 31 + *p++;
	return sum;
}

/*
 * Metadata of a receive (DMA_DEV_TO_MEM) descriptor, written by the engine
 * when the descriptor completes: into the descriptor's own buffer
 * (DESC_METADATA_ENGINE) or into the one the client attached
 * (DESC_METADATA_CLIENT).
 */
struct kdma_rx_meta {
	u32 len;	/* bytes received into the descriptor */
	u32 seq;	/* frame number on this request line */
	u64 pos;	/* line position of the frame's first byte */
};

/* Line side of UART0's receiver: bytes arriving on the wire. */
size_t kdma_uart_rx_room(void);
/* Bytes that do not fit in the FIFO are lost and flag an overrun. */
size_t kdma_uart_rx_push(const void *data, size_t len);
/* The UART's receive data register read by the CPU (PIO). */
size_t kdma_uart_rx_pio(void *buf, size_t len);

/* Line side of UART0's transmitter: bytes leaving on the wire. */
size_t kdma_uart_tx_pull(void *buf, size_t len);
size_t kdma_uart_tx_level(void);

#endif /* KDMA_H */
