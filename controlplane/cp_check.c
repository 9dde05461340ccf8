/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane's invariants, checked from its state alone (tests, fuzzers, debug
 * builds): what a binding holds (addresses, prefixes, pool leases, SAs, timers) is held by
 * exactly one node, and the pool, the timer wheel and the DAD list agree with the bindings.
 * The tables behind ops (binding cache, LPM, SPI table) are checked by ops.verify.
 * O(capacity²) in the worst case: never on a production path.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <string.h>

#include "cp_internal.h"
#include "ha_addr.h"

static int __attribute__((format(printf, 3, 4)))
fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -1;
}

static bool
holds(const struct cp_bind *b)
{
	return b->state == CP_BIND_ACTIVE || b->state == CP_BIND_DAD;
}

/* A record of the wheel that arms node mn's timer as it stands. */
static bool
timer_armed(const struct cp *cp, uint32_t mn)
{
	uint64_t sec = cp->binds[mn].timer_ms / 1000;
	const struct cp_slot *s = &cp->wheel[sec % CP_WHEEL];
	uint32_t k;

	for (k = 0; k < s->n; k++)
		if (s->r[k].mn == mn && s->r[k].sec == (uint32_t)sec)
			return true;
	return false;
}

static int
check_node(const struct cp *cp, uint32_t i, char *why, size_t len)
{
	struct cp_mn *m = cp_mndb_get(cp->db, i);
	const struct cp_bind *b = &cp->binds[i];
	unsigned int k, in_dad = 0;

	if (m == NULL) {
		if (b->state != CP_BIND_NONE || b->timer_ms != 0 || b->mnp != NULL ||
		    b->pending != NULL || b->has_hoa4 || b->has_v4pfx)
			return fail(why, len, "slot %u: state without a mobile node", i);
		return 0;
	}
	if (cp_mndb_find6(cp->db, &m->hoa6) != m || cp_mndb_find_id(cp->db, m->id) != m)
		return fail(why, len, "%s: not found by its own home address or id", m->id);
	if (!holds(b) && (b->mnp != NULL || b->has_hoa4 || b->has_v4pfx))
		return fail(why, len, "%s: holds addresses or prefixes without a binding", m->id);
	/* a static address is the node's own; a dynamic one not from the pool is a lease
	 * kept from a pool that a reload changed */
	if (b->has_hoa4 && !b->hoa4_dynamic && m->hoa4_mode != CFG_HOA4_DYNAMIC &&
	    (m->hoa4_mode != CFG_HOA4_STATIC || b->hoa4 != m->hoa4))
		return fail(why, len, "%s: an IPv4 home address it was never given", m->id);
	/* timers exist exactly for live bindings */
	if (b->state == CP_BIND_ACTIVE || b->state == CP_BIND_HOLD) {
		if (!cp->timers_lost && (b->timer_ms == 0 || !timer_armed(cp, i)))
			return fail(why, len, "%s: live binding without a timer", m->id);
	} else if (b->timer_ms != 0) {
		return fail(why, len, "%s: timer without a live binding (state %u)", m->id,
			    b->state);
	}
	for (k = 0; k < cp->n_dad; k++)
		in_dad += cp->dad[k] == i;
	if ((b->state == CP_BIND_DAD) != (b->pending != NULL) ||
	    in_dad != (b->state == CP_BIND_DAD ? 1u : 0u))
		return fail(why, len, "%s: DAD state, pending registration and DAD list differ",
			    m->id);
	return 0;
}

/* IPv4 space a binding holds: its home address and its delegated and mobile prefixes. */
static unsigned int
v4_held(const struct cp_bind *b, struct ha_prefix4 *out)
{
	unsigned int n = 0, k;

	if (b->has_hoa4)
		out[n++] = (struct ha_prefix4){ b->hoa4, 32 };
	if (b->has_v4pfx)
		out[n++] = (struct ha_prefix4){ b->v4pfx, b->v4pfx_len };
	for (k = 0; b->mnp != NULL && k < b->mnp->n4; k++)
		out[n++] = b->mnp->p4[k];
	return n;
}

static bool
same6(const struct ha_prefix6 *a, const struct ha_prefix6 *b)
{
	return a->len == b->len && memcmp(&a->addr, &b->addr, 16) == 0;
}

/* No address or prefix is held by two bindings (nor twice by one). */
static int
check_overlaps(const struct cp *cp, uint32_t i, char *why, size_t len)
{
	const struct cp_bind *a = &cp->binds[i];
	struct ha_prefix4 pa[2 + CFG_MN_MAX_PREFIXES], pb[2 + CFG_MN_MAX_PREFIXES];
	unsigned int na = v4_held(a, pa), nb, x, y;
	uint32_t j;

	for (j = i; j < cp->capacity; j++) {
		const struct cp_bind *b = &cp->binds[j];

		if (!holds(b))
			continue;
		nb = v4_held(b, pb);
		/* one binding may hold a prefix and a more specific one (both its own); two
		 * bindings may not overlap at all */
		for (x = 0; x < na; x++)
			for (y = j == i ? x + 1 : 0; y < nb; y++)
				if (j == i ? pa[x].len == pb[y].len && pa[x].addr == pb[y].addr :
				    ha_prefix4_overlaps(&pa[x], &pb[y]))
					return fail(why, len, "slots %u and %u hold overlapping "
						    "IPv4 space (%08x/%u, %08x/%u)", i, j,
						    ntohl(pa[x].addr), pa[x].len,
						    ntohl(pb[y].addr), pb[y].len);
		for (x = 0; a->mnp != NULL && x < a->mnp->n6; x++)
			for (y = j == i ? x + 1 : 0; b->mnp != NULL && y < b->mnp->n6; y++)
				if (j == i ? same6(&a->mnp->p6[x], &b->mnp->p6[y]) :
				    ha_prefix6_overlaps(&a->mnp->p6[x], &b->mnp->p6[y]))
					return fail(why, len, "slots %u and %u hold overlapping "
						    "mobile network prefixes", i, j);
	}
	return 0;
}

/* The pool's bitmap is exactly the leases the bindings hold. */
static int
check_pool(const struct cp *cp, char *why, size_t len)
{
	struct cp_pool *fresh = cp_pool_from_cfg(cp->cfg);
	uint32_t i;
	int rc = 0;

	if (fresh == NULL)
		return 0;   /* no memory to check with: not a violation */
	for (i = 0; i < cp->capacity && rc == 0; i++) {
		const struct cp_bind *b = &cp->binds[i];

		if (!holds(b))
			continue;
		if (b->has_hoa4 && b->hoa4_dynamic && cp_pool_claim(fresh, b->hoa4, 32) != 0)
			rc = fail(why, len, "slot %u: dynamic IPv4 home address not a free pool "
				  "address (held twice, or outside the pool)", i);
		else if (b->has_v4pfx && b->v4pfx_dynamic &&
			 cp_pool_claim(fresh, b->v4pfx, b->v4pfx_len) != 0)
			rc = fail(why, len, "slot %u: delegated IPv4 prefix not a free pool block "
				  "(held twice, or outside the pool)", i);
	}
	if (rc == 0 && !cp_pool_same(fresh, cp->pool))
		rc = fail(why, len, "pool accounting differs from the leases and prefixes held");
	cp_pool_free(fresh);
	return rc;
}

static int
spi_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* No SA (by SA slot) is referenced by two nodes, nor an inbound SPI (the home agent tells
 * its SAs apart by it). Outbound SPIs are the mobile nodes' choice and may repeat. */
static int
check_sas(const struct cp *cp, char *why, size_t len)
{
	uint32_t *v = malloc(sizeof(uint32_t) * 4 * (size_t)cp->capacity), n = 0, s = 0, i, k;
	int rc = 0;

	if (v == NULL)
		return 0;
	for (i = 0; i < cp->capacity; i++) {
		const struct cp_mn *m = cp_mndb_get(cp->db, i);
		const uint32_t spi[] = { m != NULL ? m->spi_sig_in : 0,
					 m != NULL ? m->spi_pay_in : 0 };

		for (k = 0; k < 2; k++)
			if (spi[k] != 0)
				v[n++] = spi[k];
	}
	qsort(v, n, sizeof(v[0]), spi_cmp);
	for (k = 1; k < n; k++)
		if (v[k] == v[k - 1])
			rc = fail(why, len, "inbound SPI 0x%x referenced twice", v[k]);
	for (i = 0; i < cp->capacity && rc == 0; i++) {
		const struct cp_mn *m = cp_mndb_get(cp->db, i);
		const uint32_t sa[] = { m != NULL ? m->sa_sig_in : CP_SA_NONE,
					m != NULL ? m->sa_sig_out : CP_SA_NONE,
					m != NULL ? m->sa_pay_in : CP_SA_NONE,
					m != NULL ? m->sa_pay_out : CP_SA_NONE };

		for (k = 0; k < 4; k++)
			if (sa[k] != CP_SA_NONE)
				v[s++] = sa[k];
	}
	qsort(v, s, sizeof(v[0]), spi_cmp);
	for (k = 1; k < s && rc == 0; k++)
		if (v[k] == v[k - 1])
			rc = fail(why, len, "SA slot %u referenced twice", v[k]);
	free(v);
	return rc;
}

int
cp_check_invariants(const struct cp *cp, char *why, size_t len)
{
	uint32_t i, active = 0;

	for (i = 0; i < cp->capacity; i++) {
		if (check_node(cp, i, why, len) != 0)
			return -1;
		if (cp->binds[i].state == CP_BIND_ACTIVE)
			active++;
		if (holds(&cp->binds[i]) && check_overlaps(cp, i, why, len) != 0)
			return -1;
	}
	if (active != cp->n_bindings)
		return fail(why, len, "%u active bindings counted as %u", active, cp->n_bindings);
	if (check_pool(cp, why, len) != 0 || check_sas(cp, why, len) != 0)
		return -1;
	if (cp->ops.verify != NULL)
		return cp->ops.verify(cp->ops.bc_arg, cp, why, len);
	return 0;
}
