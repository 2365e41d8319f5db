/* Shared declaration for fuzz targets: each tests/fuzz/fuzz-NAME.c defines it. */
#pragma once

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
