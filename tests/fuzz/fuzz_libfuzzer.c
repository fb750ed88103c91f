/* SPDX-License-Identifier: MIT */
/* libFuzzer entry point: clang -fsanitize=fuzzer,address (make fuzz). */
#include "fuzz_api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_api_run(data, size);
}
