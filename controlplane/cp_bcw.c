/* SPDX-License-Identifier: BSD-3-Clause */
/* Binding cache writes of the control plane: build immutable entries and publish them. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>

#include "cp_bcw.h"
#include "dp_adj.h"
#include "dp_ctx.h"

void
cp_bcw_fill(struct bc_entry *e, const struct cp_mn *m, const struct cp_bind *b,
	    const struct bc_tmpl_src *src)
{
	e->mn = m->idx;
	e->hoa6 = m->hoa6;
	e->fmt = b->fmt;
	e->flags = (b->nat ? BC_F_NAT : 0) | (b->forced_udp ? BC_F_FORCED_UDP : 0) |
		   (b->mr ? BC_F_MR : 0) | (b->has_hoa4 ? BC_F_HOA4 : 0);
	e->hoa4 = b->has_hoa4 ? b->hoa4 : 0;
	e->hoa4_plen = b->has_hoa4 ? b->hoa4_plen : 0;
	e->coa6 = b->coa6;
	e->coa4 = b->coa4;
	e->nat_port = rte_cpu_to_be_16(b->port);
	e->expire = (uint32_t)(b->expires_ms / 1000);
	e->spi_in = m->spi_pay_in;
	/* SPD outbound "destination is a home address" (seed 001 §4.2): its payload SA */
	e->sa_out = m->sa_pay_out != CP_SA_NONE ? m->sa_pay_out : BC_NO_SA;
	if (e->sa_out != BC_NO_SA)
		e->flags |= BC_F_ESP;
	e->esp_port = rte_cpu_to_be_16(b->esp_port);
	e->adj = 0;
	bc_tmpl_build(e, src);
}

/* The adjacency toward e's care-of address, referenced for e (0: none). */
static uint32_t
adj_for(const struct cp_bcw *w, const struct bc_entry *e)
{
	uint32_t id;

	if (w->ctx == NULL || e->fmt == BC_FMT_NONE)
		return 0;
	id = e->fmt == BC_FMT_IP6 ? dp_adj_ref(w->ctx->adjt, w->ctx, 6, &e->coa6) :
				    dp_adj_ref(w->ctx->adjt, w->ctx, 4, &e->coa4);
	return id == DP_ADJ_NONE ? 0 : id + 1;
}

static void
adj_release(const struct cp_bcw *w, uint32_t adj)
{
	if (w->ctx != NULL && adj != 0)
		dp_adj_unref(w->ctx->adjt, adj - 1);
}

static int
bcw_publish(void *arg, const struct cp_mn *m, const struct cp_bind *b)
{
	struct cp_bcw *w = arg;
	const struct bc_entry *old = bc_get(w->bc, m->idx);
	struct bc_entry *e = old != NULL ? bc_entry_clone(w->bc, old) : bc_entry_new(w->bc);
	uint32_t old_adj = old != NULL ? old->adj : 0;
	int rc;

	if (e == NULL)
		return -ENOSPC;
	cp_bcw_fill(e, m, b, &w->src);
	e->adj = adj_for(w, e);
	rc = bc_publish(w->bc, e);
	if (rc != 0) {
		adj_release(w, e->adj);
		bc_entry_discard(w->bc, e);
		return rc;
	}
	/* the old entry's adjacency: its id is reused only after the readers' grace period */
	adj_release(w, old_adj);
	return 0;
}

static void
bcw_remove(void *arg, const struct cp_mn *m)
{
	struct cp_bcw *w = arg;
	const struct bc_entry *old = bc_get(w->bc, m->idx);
	uint32_t old_adj = old != NULL ? old->adj : 0;

	bc_remove(w->bc, m->idx);
	adj_release(w, old_adj);
}

static int
bcw_prefix6_add(void *arg, const struct cp_mn *m, const struct ha_prefix6 *p)
{
	return bc_prefix6_add(((struct cp_bcw *)arg)->bc, &p->addr, p->len, m->idx);
}

static void
bcw_prefix6_del(void *arg, const struct cp_mn *m, const struct ha_prefix6 *p)
{
	(void)m;
	bc_prefix6_del(((struct cp_bcw *)arg)->bc, &p->addr, p->len);
}

static int
bcw_prefix4_add(void *arg, const struct cp_mn *m, const struct ha_prefix4 *p)
{
	return bc_prefix4_add(((struct cp_bcw *)arg)->bc, p->addr, p->len, m->idx);
}

static void
bcw_prefix4_del(void *arg, const struct cp_mn *m, const struct ha_prefix4 *p)
{
	(void)m;
	bc_prefix4_del(((struct cp_bcw *)arg)->bc, p->addr, p->len);
}

static int __attribute__((format(printf, 3, 4)))
bad(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* Every prefix a binding holds maps to it; @return how many, or -1. */
static int
verify_prefixes(const struct bc *bc, const struct cp_mn *m, const struct cp_bind *b, char *why,
		size_t len)
{
	uint32_t owner;
	int n = 0;
	unsigned int k;

	for (k = 0; b->mnp != NULL && k < b->mnp->n6; k++, n++)
		if (bc_prefix6_owner(bc, &b->mnp->p6[k].addr, b->mnp->p6[k].len, &owner) != 0 ||
		    owner != m->idx)
			return bad(why, len, "%s: mobile network prefix %u not mapped to it", m->id,
				   k);
	for (k = 0; b->mnp != NULL && k < b->mnp->n4; k++, n++)
		if (bc_prefix4_owner(bc, b->mnp->p4[k].addr, b->mnp->p4[k].len, &owner) != 0 ||
		    owner != m->idx)
			return bad(why, len, "%s: IPv4 mobile network prefix %u not mapped to it",
				   m->id, k);
	if (b->has_v4pfx) {
		if (bc_prefix4_owner(bc, b->v4pfx, b->v4pfx_len, &owner) != 0 || owner != m->idx)
			return bad(why, len, "%s: delegated IPv4 prefix not mapped to it", m->id);
		n++;
	}
	return n;
}

/* The binding cache entry of an active binding, and both its keys, are the binding's. */
static int
verify_entry(const struct bc *bc, const struct cp_mn *m, const struct cp_bind *b, char *why,
	     size_t len)
{
	const struct bc_entry *e = bc_get(bc, m->idx);

	if (b->state != CP_BIND_ACTIVE)
		return e == NULL ? 0 : bad(why, len, "%s: entry without an active binding", m->id);
	if (e == NULL)
		return bad(why, len, "%s: active binding without an entry", m->id);
	if (e->mn != m->idx || memcmp(&e->hoa6, &m->hoa6, 16) != 0 || e->fmt != b->fmt ||
	    e->coa4 != b->coa4 || memcmp(&e->coa6, &b->coa6, 16) != 0)
		return bad(why, len, "%s: entry differs from the binding", m->id);
	if (bc_lookup6(bc, &m->hoa6) != e)
		return bad(why, len, "%s: IPv6 home address key leads elsewhere", m->id);
	if (((e->flags & BC_F_HOA4) != 0) != b->has_hoa4 || (b->has_hoa4 && e->hoa4 != b->hoa4))
		return bad(why, len, "%s: entry's IPv4 home address differs", m->id);
	if (b->has_hoa4 && bc_lookup4(bc, b->hoa4) != e)
		return bad(why, len, "%s: IPv4 home address key leads to another entry", m->id);
	return 0;
}

static int
bcw_verify(void *arg, const struct cp *cp, char *why, size_t len)
{
	const struct bc *bc = ((struct cp_bcw *)arg)->bc;
	struct cp_mndb *db = cp_mndb((struct cp *)(uintptr_t)cp);
	uint32_t i, n4 = 0, spis = 0, pfx = 0;
	struct bc_stats st;
	uint32_t keys6, keys4;

	for (i = 0; i < cp_mndb_capacity(db); i++) {
		const struct cp_mn *m = cp_mndb_get(db, i);
		const struct cp_bind *b = cp_bind_get(cp, i);
		int n;

		if (m == NULL) {
			if (bc_get(bc, i) != NULL)
				return bad(why, len, "slot %u: entry without a mobile node", i);
			continue;
		}
		if (verify_entry(bc, m, b, why, len) != 0)
			return -1;
		n4 += b->state == CP_BIND_ACTIVE && b->has_hoa4;
		spis += (m->spi_sig_in != 0) + (m->spi_pay_in != 0);
		if (b->state != CP_BIND_ACTIVE && b->state != CP_BIND_DAD)
			continue;
		n = verify_prefixes(bc, m, b, why, len);
		if (n < 0)
			return -1;
		pfx += (uint32_t)n;
	}
	bc_stats_get(bc, &st);
	bc_keys_count(bc, &keys6, &keys4);
	if (st.bindings != cp_bindings(cp) || keys6 != cp_bindings(cp))
		return bad(why, len, "binding cache: %u entries, %u IPv6 keys, %u bindings",
			   st.bindings, keys6, cp_bindings(cp));
	if (keys4 != n4)
		return bad(why, len, "binding cache: %u IPv4 keys, %u bindings hold one", keys4,
			   n4);
	if (st.prefixes != pfx)
		return bad(why, len, "prefix tables: %u prefixes, bindings hold %u", st.prefixes,
			   pfx);
	if (st.spis != spis)
		return bad(why, len, "SPI table: %u SPIs, nodes hold %u inbound SAs", st.spis,
			   spis);
	return 0;
}

void
cp_bcw_set_adj(struct cp_bcw *w, const struct dp_ctx *ctx)
{
	w->ctx = ctx != NULL && ctx->adjt != NULL ? ctx : NULL;
}

void
cp_bcw_init(struct cp_bcw *w, struct bc *bc, const struct ha_cfg *cfg, struct cp_ops *ops)
{
	memset(w, 0, sizeof(*w));
	w->bc = bc;
	w->src.ha6 = cfg->ha.addr6;
	w->src.ha4 = cfg->ha.addr4;
	w->src.hop_limit = 64;
	ops->publish = bcw_publish;
	ops->remove = bcw_remove;
	ops->prefix6_add = bcw_prefix6_add;
	ops->prefix6_del = bcw_prefix6_del;
	ops->prefix4_add = bcw_prefix4_add;
	ops->prefix4_del = bcw_prefix4_del;
	ops->verify = bcw_verify;
	ops->bc_arg = w;
}
