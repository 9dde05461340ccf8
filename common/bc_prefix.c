/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The binding cache's writer for mobile network prefixes (rte_lpm, two rte_lpm6 copies) and
 * SPIs (rte_hash), retired through the same RCU defer queue as the bindings (bc.c).
 */
#include <errno.h>

#include <rte_byteorder.h>
#include <rte_hash.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>
#include <rte_rcu_qsbr.h>

#include "bc_impl.h"

/*
 * The summary of the prefixes (bc_pfxsum.h) is edited on the copy no reader holds, then
 * published, then the other copy waited out (a grace period: the next edit writes it). A
 * prefix goes into its table and is counted only after a summary covering it is out: a
 * reader whose filter sees the count sees that summary (bc_filter_get).
 */
static struct bc_pfxsum *
pfxsum_edit(struct bc *bc)
{
	struct bc_pfxsum *idle = bc->pfxsum == &bc->pfxsum_copy[0] ? &bc->pfxsum_copy[1] :
				 &bc->pfxsum_copy[0];

	*idle = *bc->pfxsum;
	return idle;
}

static void
pfxsum_publish(struct bc *bc, struct bc_pfxsum *s)
{
	__atomic_store_n(&bc->pfxsum, s, __ATOMIC_RELEASE);
	rte_rcu_qsbr_synchronize(bc->v, RTE_QSBR_THRID_INVALID);
}

/* The family's last prefix gone: its summary starts again from nothing (it only widens
 * while prefixes come and go). */
static void
pfxsum_clear(struct bc *bc, int family)
{
	struct bc_pfxsum *s = pfxsum_edit(bc);

	if (family == 6)
		s->n6 = 0;
	else
		s->n4 = 0;
	pfxsum_publish(bc, s);
}

int
bc_prefix4_add(struct bc *bc, uint32_t prefix, uint8_t len, uint32_t mn)
{
	uint32_t host = rte_be_to_cpu_32(prefix), slot;
	struct bc_pfxsum *sum;
	int rc;

	if (len == 0 || len > 32 || mn >= bc->capacity)
		return -EINVAL;
	if (rte_lpm_is_rule_present(bc->lpm4, host, len, &slot) == 1)
		return -EEXIST;
	if (bc_freelist_pop(bc, &bc->free_pfx, &slot) != 0)
		return -ENOSPC;
	sum = pfxsum_edit(bc);
	if (bc_pfxsum_add4(sum, prefix, len))
		pfxsum_publish(bc, sum);
	bc->pfx_mn[slot] = mn;
	rc = rte_lpm_add(bc->lpm4, host, len, slot);
	if (rc != 0) {
		bc->free_pfx.idx[bc->free_pfx.n++] = slot;
		return -ENOSPC;
	}
	bc->n_prefixes++;
	__atomic_store_n(&bc->n_pfx4, bc->n_pfx4 + 1, __ATOMIC_RELEASE);
	return 0;
}

int
bc_prefix4_owner(const struct bc *bc, uint32_t prefix, uint8_t len, uint32_t *mn)
{
	uint32_t slot;

	if (len == 0 || len > 32 ||
	    rte_lpm_is_rule_present((struct rte_lpm *)(uintptr_t)bc->lpm4, rte_be_to_cpu_32(prefix),
				    len, &slot) != 1)
		return -ENOENT;
	*mn = bc->pfx_mn[slot];
	return 0;
}

int
bc_prefix6_owner(const struct bc *bc, const struct in6_addr *prefix, uint8_t len, uint32_t *mn)
{
	uint32_t slot;

	if (len == 0 || len > 128 ||
	    rte_lpm6_is_rule_present((struct rte_lpm6 *)(uintptr_t)bc->lpm6_active,
				     prefix->s6_addr, len, &slot) != 1)
		return -ENOENT;
	*mn = bc->pfx_mn[slot];
	return 0;
}

int
bc_prefix4_del(struct bc *bc, uint32_t prefix, uint8_t len)
{
	uint32_t host = rte_be_to_cpu_32(prefix), slot;

	if (len == 0 || len > 32 || rte_lpm_is_rule_present(bc->lpm4, host, len, &slot) != 1)
		return -ENOENT;
	rte_lpm_delete(bc->lpm4, host, len);
	bc_retire(bc, BC_OBJ_PFX, slot);   /* a reader may still resolve the slot */
	bc->n_prefixes--;
	__atomic_store_n(&bc->n_pfx4, bc->n_pfx4 - 1, __ATOMIC_RELAXED);
	if (bc->n_pfx4 == 0)
		pfxsum_clear(bc, 4);
	return 0;
}

/*
 * rte_lpm6 has no RCU integration in DPDK 22.11: change the idle copy, publish it with one
 * pointer swap, wait for a grace period so that no reader uses the other copy, then make the
 * same change there.
 */
void
bc_synchronize(struct bc *bc)
{
	rte_rcu_qsbr_synchronize(bc->v, RTE_QSBR_THRID_INVALID);
}

static void
lpm6_swap(struct bc *bc)
{
	struct rte_lpm6 *idle = bc->lpm6_active == bc->lpm6[0] ? bc->lpm6[1] : bc->lpm6[0];

	__atomic_store_n(&bc->lpm6_active, idle, __ATOMIC_RELEASE);
	rte_rcu_qsbr_synchronize(bc->v, RTE_QSBR_THRID_INVALID);
}

static struct rte_lpm6 *
lpm6_idle(struct bc *bc)
{
	return bc->lpm6_active == bc->lpm6[0] ? bc->lpm6[1] : bc->lpm6[0];
}

int
bc_prefix6_add(struct bc *bc, const struct in6_addr *prefix, uint8_t len, uint32_t mn)
{
	struct bc_pfxsum *sum;
	uint32_t slot;

	if (len == 0 || len > 128 || mn >= bc->capacity)
		return -EINVAL;
	if (rte_lpm6_is_rule_present(bc->lpm6_active, prefix->s6_addr, len, &slot) == 1)
		return -EEXIST;
	if (bc_freelist_pop(bc, &bc->free_pfx, &slot) != 0)
		return -ENOSPC;
	sum = pfxsum_edit(bc);
	if (bc_pfxsum_add6(sum, prefix, len))
		pfxsum_publish(bc, sum);
	bc->pfx_mn[slot] = mn;
	if (rte_lpm6_add(lpm6_idle(bc), prefix->s6_addr, len, slot) != 0) {
		bc->free_pfx.idx[bc->free_pfx.n++] = slot;
		return -ENOSPC;
	}
	lpm6_swap(bc);
	if (rte_lpm6_add(lpm6_idle(bc), prefix->s6_addr, len, slot) != 0) {
		/* the copies must not diverge: undo on the active one the same way */
		rte_lpm6_delete(lpm6_idle(bc), prefix->s6_addr, len);
		lpm6_swap(bc);
		rte_lpm6_delete(lpm6_idle(bc), prefix->s6_addr, len);
		bc_retire(bc, BC_OBJ_PFX, slot);
		return -ENOSPC;
	}
	bc->n_prefixes++;
	__atomic_store_n(&bc->n_pfx6, bc->n_pfx6 + 1, __ATOMIC_RELEASE);
	return 0;
}

int
bc_prefix6_del(struct bc *bc, const struct in6_addr *prefix, uint8_t len)
{
	uint32_t slot;

	if (len == 0 || len > 128 ||
	    rte_lpm6_is_rule_present(bc->lpm6_active, prefix->s6_addr, len, &slot) != 1)
		return -ENOENT;
	rte_lpm6_delete(lpm6_idle(bc), prefix->s6_addr, len);
	lpm6_swap(bc);
	rte_lpm6_delete(lpm6_idle(bc), prefix->s6_addr, len);
	bc_retire(bc, BC_OBJ_PFX, slot);
	bc->n_prefixes--;
	__atomic_store_n(&bc->n_pfx6, bc->n_pfx6 - 1, __ATOMIC_RELAXED);
	if (bc->n_pfx6 == 0)
		pfxsum_clear(bc, 6);
	return 0;
}

/* ------------------------------------------------------------------ writer: SPIs */

int
bc_spi_add(struct bc *bc, const struct bc_spi_val *v)
{
	struct bc_spi_val *obj;
	uint32_t idx;
	int rc;

	if (rte_hash_lookup(bc->spi_h, &v->spi) >= 0)
		return -EEXIST;
	if (bc_freelist_pop(bc, &bc->free_spi, &idx) != 0)
		return -ENOSPC;
	obj = &bc->spi_vals[idx];
	BC_UNPOISON(obj, sizeof(*obj));
	*obj = *v;
	rc = rte_hash_add_key_data(bc->spi_h, &v->spi, obj);
	if (rc != 0) {
		BC_POISON(obj, sizeof(*obj));
		bc->free_spi.idx[bc->free_spi.n++] = idx;
		return -ENOSPC;
	}
	bc->n_spis++;
	return 0;
}

int
bc_spi_del(struct bc *bc, uint32_t spi)
{
	void *d;

	if (rte_hash_lookup_data(bc->spi_h, &spi, &d) < 0)
		return -ENOENT;
	rte_hash_del_key(bc->spi_h, &spi);
	bc_retire(bc, BC_OBJ_SPI, (uint32_t)((struct bc_spi_val *)d - bc->spi_vals));
	bc->n_spis--;
	return 0;
}
