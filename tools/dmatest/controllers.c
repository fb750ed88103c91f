/* SPDX-License-Identifier: MIT */
/*
 * The controllers dmatest creates before it requests channels. The kernel
 * module tests whatever drivers registered; in a process, nothing is
 * registered until someone creates it, so dmatest creates what it is asked
 * for: the software controller (soft, on by default) and, in builds with
 * the CUDA provider, a CUDA controller (cuda=GPU). channel= and device=
 * then choose among their channels as the module chooses among drivers'.
 */
#include <errno.h>

#include "dmatest.h"

#ifdef DMATEST_CUDA
#include <udmaengine/cuda.h>
#endif

static bool create_cuda(const struct dmatest_params *p, struct dmatest_controllers *c)
{
	if (p->cuda < 0)
		return true;
#ifdef DMATEST_CUDA
	struct udma_cuda_config cfg = { .device = p->cuda };

	c->cuda = udma_cuda_create(&cfg);
	if (IS_ERR(c->cuda)) {
		dmatest_err("dmatest: cannot create a CUDA controller on GPU %d (%ld%s)", p->cuda,
			    PTR_ERR(c->cuda), PTR_ERR(c->cuda) == -ENODEV ? ": no such GPU" : "");
		c->cuda = NULL;
		return false;
	}
	return true;
#else
	(void)c;
	dmatest_err("dmatest: cuda=%d: this dmatest was built without the CUDA provider "
		    "(no CUDA toolkit when it was configured)", p->cuda);
	return false;
#endif
}

bool dmatest_controllers_create(const struct dmatest_params *p, struct dmatest_controllers *c)
{
	*c = (struct dmatest_controllers){ NULL, NULL };
	if (p->soft) {
		struct udma_soft_config cfg = {
			.nr_channels = p->soft_channels,
			.residue_granularity = DMA_RESIDUE_GRANULARITY_BURST,
		};

		c->soft = udma_soft_create(&cfg);
		if (IS_ERR(c->soft)) {
			dmatest_err("dmatest: cannot create the software controller (%ld)",
				    PTR_ERR(c->soft));
			c->soft = NULL;
			return false;
		}
	}
	if (!create_cuda(p, c)) {
		dmatest_controllers_destroy(c);
		return false;
	}
	return true;
}

void dmatest_controllers_destroy(struct dmatest_controllers *c)
{
#ifdef DMATEST_CUDA
	if (c->cuda)
		udma_cuda_destroy(c->cuda);
#endif
	if (c->soft)
		udma_soft_destroy(c->soft);
	*c = (struct dmatest_controllers){ NULL, NULL };
}
