/* SPDX-License-Identifier: MIT */
/*
 * struct dma_chan as C sees it, for the C++ client to compare with its own
 * view: C++ names the member `private` as `private_` (a keyword there), and
 * both must find it at the same offset in a struct of the same size.
 */
#include <stddef.h>

#include <udmaengine/dmaengine.h>

void cxx_c_layout(size_t *private_offset, size_t *chan_size);

void cxx_c_layout(size_t *private_offset, size_t *chan_size)
{
	*private_offset = offsetof(struct dma_chan, private);
	*chan_size = sizeof(struct dma_chan);
}
