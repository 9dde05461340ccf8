/* SPDX-License-Identifier: BSD-3-Clause */
/* Large control-plane arrays on transparent huge pages. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ha_mem.h"

#define HUGE_2M (2u << 20)

void *
ha_big_calloc(size_t n, size_t size)
{
	size_t bytes;
	void *p;

	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	bytes = n * size;
	if (bytes < HUGE_2M)
		return calloc(n > 0 ? n : 1, size > 0 ? size : 1);
	bytes = (bytes + HUGE_2M - 1) & ~((size_t)HUGE_2M - 1);
	if (posix_memalign(&p, HUGE_2M, bytes) != 0)
		return NULL;
	/* advice only: without THP the memory is simply 4 KiB pages */
	madvise(p, bytes, MADV_HUGEPAGE);
	memset(p, 0, bytes);
	return p;
}
