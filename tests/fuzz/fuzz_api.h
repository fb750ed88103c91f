/* SPDX-License-Identifier: MIT */
#ifndef FUZZ_API_H
#define FUZZ_API_H
#include <stddef.h>
#include <stdint.h>
/* Runs the call sequence that @data encodes; returns 0. */
int fuzz_api_run(const uint8_t *data, size_t size);
#endif
