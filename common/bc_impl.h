/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The binding cache's insides, shared by its files only (bc.c: lifecycle and bindings,
 * bc_lookup.c: the readers, bc_prefix.c: prefixes and SPIs). Nothing outside common/bc*.c
 * includes this: the contract is bc.h.
 */
#ifndef BC_IMPL_H
#define BC_IMPL_H

#include <stdint.h>

#include <rte_hash.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>
#include <rte_rcu_qsbr.h>

#include "bc.h"
#include "bc_home.h"
#include "bc_pfxsum.h"
#include "bc_tab.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
/* Free entries are poisoned so that a reader touching one after reclaim is caught. */
#define BC_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define BC_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define BC_POISON(p, n) do { (void)(p); (void)(n); } while (0)
#define BC_UNPOISON(p, n) do { (void)(p); (void)(n); } while (0)
#endif

#define BC_LPM6_MAX_NEXT_HOP ((1u << 21) - 1)  /* rte_lpm6 keeps 21 bits of next hop */
#define BC_DQ_SIZE 65536
#define BC_DQ_RECLAIM_AT 64
#define BC_DQ_RECLAIM_MAX 1024

/* What the defer queue holds: an object kind and its index. */
enum bc_obj { BC_OBJ_ENTRY = 1, BC_OBJ_PFX, BC_OBJ_SPI };

struct bc_retired {
	uint32_t kind;
	uint32_t idx;
};

/* A stack of free indexes; pushed and popped by the writer only. */
struct bc_freelist {
	uint32_t *idx;
	uint32_t n;
	uint32_t size;
};

struct bc {
	/* read by the data plane */
	struct bc_tab t6;                /* IPv6 HoA -> entry slot (bc_tab.h) */
	struct bc_tab t4;                /* IPv4 HoA (network order) -> entry slot */
	struct bc_entry **slots;         /* mobile node index -> current entry */
	struct rte_lpm *lpm4;            /* next hop: prefix slot */
	struct rte_lpm6 *lpm6_active;    /* one of lpm6[], swapped by the writer */
	uint32_t *pfx_mn;                /* prefix slot -> mobile node index */
	struct rte_hash *spi_h;          /* SPI -> struct bc_spi_val * */
	uint32_t capacity;
	struct bc_home home;             /* the ranges every key is in (the workers read its
					  * live counts; the rest is the writer's) */
	const struct bc_pfxsum *pfxsum;  /* what covers every prefix: one of pfxsum_copy[] */
	/* writer only */
	struct bc_pfxsum pfxsum_copy[2]; /* the one readers may hold, and the one to edit */
	struct rte_lpm6 *lpm6[2];
	struct rte_rcu_qsbr *v;
	struct rte_rcu_qsbr_dq *dq;
	struct bc_entry *entries;
	void *t6_mem, *t4_mem;           /* the tables' buckets */
	struct bc_spi_val *spi_vals;
	struct bc_freelist free_entries;
	struct bc_freelist free_pfx;
	struct bc_freelist free_spi;
	uint32_t n_bindings;
	uint32_t n_prefixes;
	uint32_t n_pfx6, n_pfx4;      /* per family, read by the workers (atomic): no lookup
				       * in an empty table (its tbl24 line is a cache miss) */
	uint32_t n_spis;
	uint32_t retire_pending;
	uint64_t publishes;
	uint64_t retired;
	uint32_t max_readers;
	char name[24];
};
/* Hand an object to the defer queue; when it is full, wait for a grace period. */
void bc_retire(struct bc *bc, enum bc_obj kind, uint32_t idx);

/* Pop a free index; reclaim, then wait for a grace period, before giving up. -ENOSPC. */
int bc_freelist_pop(struct bc *bc, struct bc_freelist *f, uint32_t *idx);

#endif /* BC_IMPL_H */
