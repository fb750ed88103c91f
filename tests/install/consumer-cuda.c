/* A program outside the project on the installed CUDA provider: creates a
 * CUDA controller, or learns that this machine has no GPU. */
#include <stdio.h>
#include <udmaengine/cuda.h>
#include <udmaengine/dmaengine.h>

int main(void)
{
	struct dma_device *gpu = udma_cuda_create(NULL);

	if (IS_ERR(gpu)) {
		if (PTR_ERR(gpu) != -ENODEV)
			return 1;
		puts("consumer-cuda: linked the installed CUDA provider; no GPU here (-ENODEV)");
		return 0;
	}
	if (udma_cuda_destroy(gpu))
		return 1;
	puts("consumer-cuda: created and destroyed a CUDA controller through the installed provider");
	return 0;
}
