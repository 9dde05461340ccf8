/* SPDX-License-Identifier: BSD-3-Clause */
/* Binding cache writes of the control plane: build immutable entries and publish them. */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>

#include "cp_bcw.h"

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
	bc_tmpl_build(e, src);
}

static int
bcw_publish(void *arg, const struct cp_mn *m, const struct cp_bind *b)
{
	struct cp_bcw *w = arg;
	const struct bc_entry *old = bc_get(w->bc, m->idx);
	struct bc_entry *e = old != NULL ? bc_entry_clone(w->bc, old) : bc_entry_new(w->bc);
	int rc;

	if (e == NULL)
		return -ENOSPC;
	cp_bcw_fill(e, m, b, &w->src);
	rc = bc_publish(w->bc, e);
	if (rc != 0)
		bc_entry_discard(w->bc, e);
	return rc;
}

static void
bcw_remove(void *arg, const struct cp_mn *m)
{
	struct cp_bcw *w = arg;

	bc_remove(w->bc, m->idx);
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
	ops->bc_arg = w;
}
