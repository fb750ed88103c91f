/* SPDX-License-Identifier: MIT */
/*
 * The CUDA runtime as the provider sees it: exactly the calls, types and
 * constants it uses, and nothing more.
 *
 * The provider is written once against this header and compiled twice:
 *   - into libudmaengine_cuda, where this header is the real
 *     <cuda_runtime_api.h> and the calls go to libcudart;
 *   - into the tests' udma_cuda_double library (UDMA_CUDA_DOUBLE defined),
 *     where the declarations below stand in for it and
 *     test-double/cudart-double.c implements them on the CPU.
 * Names, signatures and numeric values are the CUDA runtime's, so the same
 * source means the same thing in both builds. A call the provider starts to
 * use must be added here (and to the double), or the double build fails.
 *
 * Used by the provider:
 *   devices   cudaGetDeviceCount cudaGetDevice cudaSetDevice cudaDeviceGetAttribute
 *   errors    cudaGetLastError cudaGetErrorName cudaGetErrorString
 *   streams   cudaStreamCreateWithFlags cudaStreamDestroy cudaStreamSynchronize
 *   events    cudaEventCreateWithFlags cudaEventDestroy cudaEventRecord
 *             cudaEventSynchronize
 *   copies    cudaMemcpyAsync cudaMemsetAsync cudaMemcpy2DAsync
 *   pinning   cudaHostRegister cudaHostUnregister cudaPointerGetAttributes
 * Used only by the tests, to make and read device memory:
 *   cudaMalloc cudaFree cudaMallocHost cudaFreeHost cudaMemcpy cudaEventQuery
 */
#ifndef UDMA_CUDA_RT_H
#define UDMA_CUDA_RT_H

#ifndef UDMA_CUDA_DOUBLE

#include <cuda_runtime_api.h>

#else /* UDMA_CUDA_DOUBLE: the test double's declarations, CUDA's names and values */

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cudaError {
	cudaSuccess = 0,
	cudaErrorInvalidValue = 1,
	cudaErrorMemoryAllocation = 2,
	cudaErrorInitializationError = 3,
	cudaErrorInvalidPitchValue = 12,
	cudaErrorInvalidDevicePointer = 17,
	cudaErrorInvalidMemcpyDirection = 21,
	cudaErrorInsufficientDriver = 35,
	cudaErrorNoDevice = 100,
	cudaErrorInvalidDevice = 101,
	cudaErrorECCUncorrectable = 214,
	cudaErrorInvalidResourceHandle = 400,
	cudaErrorNotReady = 600,
	cudaErrorIllegalAddress = 700,
	cudaErrorLaunchTimeout = 702,
	cudaErrorHostMemoryAlreadyRegistered = 712,
	cudaErrorHostMemoryNotRegistered = 713,
	cudaErrorHardwareStackError = 714,
	cudaErrorIllegalInstruction = 715,
	cudaErrorMisalignedAddress = 716,
	cudaErrorInvalidAddressSpace = 717,
	cudaErrorInvalidPc = 718,
	cudaErrorLaunchFailure = 719,
	cudaErrorUnknown = 999,
} cudaError_t;

enum cudaMemcpyKind {
	cudaMemcpyHostToHost = 0,
	cudaMemcpyHostToDevice = 1,
	cudaMemcpyDeviceToHost = 2,
	cudaMemcpyDeviceToDevice = 3,
	cudaMemcpyDefault = 4,
};

enum cudaMemoryType {
	cudaMemoryTypeUnregistered = 0,
	cudaMemoryTypeHost = 1,
	cudaMemoryTypeDevice = 2,
	cudaMemoryTypeManaged = 3,
};

struct cudaPointerAttributes {
	enum cudaMemoryType type;
	int device;
	void *devicePointer;
	void *hostPointer;
	long reserved[8];
};

enum cudaDeviceAttr {
	cudaDevAttrMaxPitch = 11,
	cudaDevAttrAsyncEngineCount = 40,
	cudaDevAttrUnifiedAddressing = 41,
};

typedef struct CUstream_st *cudaStream_t;
typedef struct CUevent_st *cudaEvent_t;

#define cudaStreamNonBlocking	0x01
#define cudaEventDisableTiming	0x02
#define cudaHostRegisterDefault	0x00

cudaError_t cudaGetDeviceCount(int *count);
cudaError_t cudaGetDevice(int *device);
cudaError_t cudaSetDevice(int device);
cudaError_t cudaDeviceGetAttribute(int *value, enum cudaDeviceAttr attr, int device);

cudaError_t cudaGetLastError(void);
const char *cudaGetErrorName(cudaError_t error);
const char *cudaGetErrorString(cudaError_t error);

cudaError_t cudaStreamCreateWithFlags(cudaStream_t *stream, unsigned int flags);
cudaError_t cudaStreamDestroy(cudaStream_t stream);
cudaError_t cudaStreamSynchronize(cudaStream_t stream);

cudaError_t cudaEventCreateWithFlags(cudaEvent_t *event, unsigned int flags);
cudaError_t cudaEventDestroy(cudaEvent_t event);
cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream);
cudaError_t cudaEventSynchronize(cudaEvent_t event);
cudaError_t cudaEventQuery(cudaEvent_t event);

cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t count,
			    enum cudaMemcpyKind kind, cudaStream_t stream);
cudaError_t cudaMemsetAsync(void *dst, int value, size_t count, cudaStream_t stream);
cudaError_t cudaMemcpy2DAsync(void *dst, size_t dpitch, const void *src, size_t spitch,
			      size_t width, size_t height, enum cudaMemcpyKind kind,
			      cudaStream_t stream);

cudaError_t cudaHostRegister(void *ptr, size_t size, unsigned int flags);
cudaError_t cudaHostUnregister(void *ptr);
cudaError_t cudaPointerGetAttributes(struct cudaPointerAttributes *attributes, const void *ptr);

/* tests only */
cudaError_t cudaMalloc(void **ptr, size_t size);
cudaError_t cudaFree(void *ptr);
cudaError_t cudaMallocHost(void **ptr, size_t size);
cudaError_t cudaFreeHost(void *ptr);
cudaError_t cudaMemcpy(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind);

#ifdef __cplusplus
}
#endif

#endif /* UDMA_CUDA_DOUBLE */

#endif /* UDMA_CUDA_RT_H */
