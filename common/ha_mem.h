/* SPDX-License-Identifier: BSD-3-Clause */
/* Large control-plane arrays on transparent huge pages (pure libc, no EAL). */
#ifndef HA_MEM_H
#define HA_MEM_H

#include <stddef.h>

/**
 * calloc for arrays of megabytes: 2 MiB aligned and advised as huge pages, so that random
 * access costs no TLB walk; zeroed (and so faulted in) at once, not on the signalling path.
 * @return NULL on failure (or overflow). Free with free().
 */
void *ha_big_calloc(size_t n, size_t size);

#endif /* HA_MEM_H */
