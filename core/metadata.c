/* SPDX-License-Identifier: MIT */
/*
 * Descriptor metadata: the client calls that reach a provider's
 * dma_descriptor_metadata_ops. The core checks what the kernel checks (the
 * device offers the mode, the descriptor does not mix modes, the op
 * exists) with the kernel's error codes, and names what was wrong.
 */
#include "internal.h"

static const char *mode_name(enum dma_desc_metadata_mode mode)
{
	return mode == DESC_METADATA_CLIENT ? "DESC_METADATA_CLIENT" : "DESC_METADATA_ENGINE";
}

bool dmaengine_is_metadata_mode_supported(struct dma_chan *chan,
					  enum dma_desc_metadata_mode mode)
{
	if (udma_chan_check(chan, __func__))
		return false;
	return (chan->device->desc_metadata_modes & mode) != 0;
}

/*
 * A descriptor the client may use: one a prep returned, submitted or not
 * (engine-mode DEV_TO_MEM metadata is read in the callback), on a channel
 * the client holds. 0 or -EINVAL.
 */
static int desc_ok(struct dma_async_tx_descriptor *desc, const char *f)
{
	int state;

	if (!desc || IS_ERR(desc)) {
		udma_diag(f, desc ? "desc is an error pointer" : "desc is NULL");
		return -EINVAL;
	}
	/* acquire: pairs with the smp_store_release()s of udma_state
	 * (prep.c's client_owns, virt-dma.c) */
	state = smp_load_acquire(&desc->udma_state);
	if (state == UDMA_DESC_FREED) {
		udma_chan_diag(desc->chan, f, "descriptor was freed");
		return -EINVAL;
	}
	if (state != UDMA_DESC_PREPARED && state != UDMA_DESC_SUBMITTED) {
		udma_diag(f, "desc is not a descriptor returned by a prep call");
		return -EINVAL;
	}
	return udma_chan_check(desc->chan, f) ? -EINVAL : 0;
}

/*
 * The first metadata call fixes the descriptor's mode, if the device offers
 * it (-ENOTSUPP); a later call in the other mode is -EINVAL.
 */
static int check_and_set_mode(struct dma_async_tx_descriptor *desc,
			      enum dma_desc_metadata_mode mode, const char *f)
{
	if (desc->desc_metadata_mode == DESC_METADATA_NONE) {
		if (!(desc->chan->device->desc_metadata_modes & mode)) {
			udma_chan_diag(desc->chan, f, "device does not support %s metadata "
				       "(desc_metadata_modes 0x%x)", mode_name(mode),
				       (unsigned int)desc->chan->device->desc_metadata_modes);
			return -ENOTSUPP;
		}
		desc->desc_metadata_mode = mode;
	} else if (desc->desc_metadata_mode != mode) {
		udma_chan_diag(desc->chan, f, "descriptor uses %s metadata already: modes "
			       "cannot be mixed", mode_name(desc->desc_metadata_mode));
		return -EINVAL;
	}
	return 0;
}

/* The provider's op, or a diagnostic naming the missing one. */
static bool has_op(struct dma_async_tx_descriptor *desc, bool present, const char *op,
		   const char *f)
{
	if (present)
		return true;
	udma_chan_diag(desc->chan, f, desc->metadata_ops ? "the descriptor's metadata_ops have no %s"
				       : "the descriptor has no metadata_ops (%s)", op);
	return false;
}

int dmaengine_desc_attach_metadata(struct dma_async_tx_descriptor *desc, void *data,
				   size_t len)
{
	const char *f = __func__;
	int ret = desc_ok(desc, f);

	if (ret)
		return ret;
	/* the provider's op would dereference it: refused before the mode is set */
	if (!data) {
		udma_chan_diag(desc->chan, f, "data is NULL");
		return -EINVAL;
	}
	ret = check_and_set_mode(desc, DESC_METADATA_CLIENT, f);
	if (ret)
		return ret;
	if (!has_op(desc, desc->metadata_ops && desc->metadata_ops->attach, "attach", f))
		return -ENOTSUPP;
	return desc->metadata_ops->attach(desc, data, len);
}

void *dmaengine_desc_get_metadata_ptr(struct dma_async_tx_descriptor *desc,
				      size_t *payload_len, size_t *max_len)
{
	const char *f = __func__;
	int ret = desc_ok(desc, f);

	if (ret)
		return ERR_PTR(ret);
	if (!payload_len || !max_len) {
		udma_chan_diag(desc->chan, f, "%s is NULL", payload_len ? "max_len" : "payload_len");
		return ERR_PTR(-EINVAL);
	}
	ret = check_and_set_mode(desc, DESC_METADATA_ENGINE, f);
	if (ret)
		return ERR_PTR(ret);
	if (!has_op(desc, desc->metadata_ops && desc->metadata_ops->get_ptr, "get_ptr", f))
		return ERR_PTR(-ENOTSUPP);
	return desc->metadata_ops->get_ptr(desc, payload_len, max_len);
}

int dmaengine_desc_set_metadata_len(struct dma_async_tx_descriptor *desc, size_t payload_len)
{
	const char *f = __func__;
	int ret = desc_ok(desc, f);

	if (ret)
		return ret;
	ret = check_and_set_mode(desc, DESC_METADATA_ENGINE, f);
	if (ret)
		return ret;
	if (!has_op(desc, desc->metadata_ops && desc->metadata_ops->set_len, "set_len", f))
		return -ENOTSUPP;
	return desc->metadata_ops->set_len(desc, payload_len);
}
