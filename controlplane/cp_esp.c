/* SPDX-License-Identifier: BSD-3-Clause */
/* The control plane's SAs and signalling ESP (see cp_esp.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "cp_esp.h"
#include "dp_esp.h"
#include "ha_addr.h"
#include "ha_log.h"
#include "wire_csum.h"
#include "wire_ip.h"
#include "wire_mh.h"

int
cp_esp_init(struct cp_esp *e, struct dp_sadb *db, struct bc *bc, unsigned int n_workers)
{
	memset(e, 0, sizeof(*e));
	e->db = db;
	e->bc = bc;
	e->n_workers = n_workers;
	if (db == NULL)
		return 0;
	/* the control lcore's queue pair comes after the workers' */
	e->lc = dp_sadb_lcore(db, (uint16_t)n_workers);
	e->ctr = dp_sadb_counters(db, (uint16_t)n_workers);
	return 0;
}

void
cp_esp_fini(struct cp_esp *e)
{
	e->ctr = NULL;
	free(e->retired);
	e->retired = NULL;
	e->n_retired = e->cap_retired = 0;
}

/* An SA out of the node's slots: readers stop finding its SPI first, dp_sa_del waits for
 * them. */
static void
sa_drop(struct cp_esp *e, uint32_t slot)
{
	struct dp_sa *sa = dp_sa_get(e->db, slot);

	if (sa == NULL)
		return;
	if (sa->dir == CFG_SA_IN)
		bc_spi_del(e->bc, sa->spi);
	dp_sa_del(e->db, slot);
}

static void
retired_drop(struct cp_esp *e, uint32_t i)
{
	sa_drop(e, e->retired[i].slot);
	e->retired[i] = e->retired[--e->n_retired];
}

/* Keep slot of node mn as replaced; without memory it goes now (its last packets in
 * flight then fail to decrypt). */
static void
retired_add(struct cp_esp *e, uint32_t mn, uint32_t slot)
{
	if (e->n_retired == e->cap_retired) {
		uint32_t cap = e->cap_retired != 0 ? 2 * e->cap_retired : 64;
		void *n = realloc(e->retired, sizeof(e->retired[0]) * cap);

		if (n == NULL) {
			sa_drop(e, slot);
			return;
		}
		e->retired = n;
		e->cap_retired = cap;
	}
	e->retired[e->n_retired].mn = mn;
	e->retired[e->n_retired++].slot = slot;
}

static uint32_t *
slot_of(struct cp_mn *m, const struct cfg_sa *c)
{
	if (c->role == CFG_SA_SIGNALLING)
		return c->dir == CFG_SA_IN ? &m->sa_sig_in : &m->sa_sig_out;
	return c->dir == CFG_SA_IN ? &m->sa_pay_in : &m->sa_pay_out;
}

/* One SA of node m: created, and registered in the SPI table when inbound. */
static int
attach_one(struct cp_esp *e, struct cp_mn *m, const struct cfg_sa *sa)
{
	bool in = sa->dir == CFG_SA_IN;
	/* inbound payload SAs are steered to one worker (rte_ipsec's replay window is
	 * single-threaded); signalling SAs stay on the control lcore */
	uint16_t owner = in && sa->role == CFG_SA_PAYLOAD ?
			 (uint16_t)(sa->spi % e->n_workers) : DP_SA_OWNER_CP;
	uint32_t *slot = slot_of(m, sa);
	int rc;

	if (*slot != CP_SA_NONE)
		return -EEXIST;
	rc = dp_sa_add(e->db, sa, m->idx, &m->hoa6, owner, slot);
	if (rc != 0) {
		CP_LOG(ERR, "mobile node %s: SA 0x%x: %s", m->id, sa->spi, strerror(-rc));
		*slot = CP_SA_NONE;
		return rc;
	}
	if (in) {
		struct bc_spi_val v = {
			.sa = dp_sa_get(e->db, *slot),
			.spi = sa->spi,
			.mn = m->idx,
			.owner_lcore = owner,
			.role = sa->role == CFG_SA_SIGNALLING ? BC_SPI_SIGNALLING : BC_SPI_PAYLOAD,
			.hoa6 = m->hoa6,
		};

		rc = bc_spi_add(e->bc, &v);
		if (rc != 0) {
			CP_LOG(ERR, "mobile node %s: SPI 0x%x: %s", m->id, sa->spi,
			       rc == -EEXIST ? "already in use" : "SPI table full");
			dp_sa_del(e->db, *slot);
			*slot = CP_SA_NONE;
			return rc;
		}
	}
	*(sa->role == CFG_SA_SIGNALLING ? (in ? &m->spi_sig_in : &m->spi_sig_out) :
					  (in ? &m->spi_pay_in : &m->spi_pay_out)) = sa->spi;
	return 0;
}

int
cp_esp_attach(struct cp_esp *e, struct cp_mn *m, const struct cfg_mn *c)
{
	unsigned int i;
	int rc = 0;

	if (c->n_sas == 0)
		return 0;
	if (e->db == NULL) {
		CP_LOG(ERR, "mobile node %s has SAs but ESP is not available", c->id);
		return -ENOTSUP;
	}
	for (i = 0; i < c->n_sas && rc == 0; i++)
		rc = attach_one(e, m, &c->sas[i]);
	if (rc != 0)
		cp_esp_detach(e, m);
	return rc;
}

/* Take one SA of m away (readers first stop finding its SPI; dp_sa_del waits for them). */
static void
detach_one(struct cp_esp *e, struct cp_mn *m, uint32_t *slot)
{
	struct dp_sa *sa = dp_sa_get(e->db, *slot);

	if (sa == NULL)
		return;
	if (sa->dir == CFG_SA_IN)
		bc_spi_del(e->bc, sa->spi);
	*(sa->role == CFG_SA_SIGNALLING ?
	  (sa->dir == CFG_SA_IN ? &m->spi_sig_in : &m->spi_sig_out) :
	  (sa->dir == CFG_SA_IN ? &m->spi_pay_in : &m->spi_pay_out)) = 0;
	dp_sa_del(e->db, *slot);
	*slot = CP_SA_NONE;
}

void
cp_esp_detach(struct cp_esp *e, struct cp_mn *m)
{
	uint32_t *slots[] = { &m->sa_sig_in, &m->sa_sig_out, &m->sa_pay_in, &m->sa_pay_out };
	unsigned int i;

	if (e->db == NULL)
		return;
	for (i = 0; i < RTE_DIM(slots); i++)
		detach_one(e, m, slots[i]);
	/* and what rekeys of its SAs left decrypting */
	for (i = 0; i < e->n_retired;)
		if (e->retired[i].mn == m->idx)
			retired_drop(e, i);
		else
			i++;
}

int
cp_esp_sa_add(struct cp_esp *e, struct cp_mn *m, const struct cfg_sa *sa)
{
	if (e->db == NULL)
		return -ENOTSUP;
	return attach_one(e, m, sa);
}

int
cp_esp_sa_del(struct cp_esp *e, struct cp_mn *m, uint32_t spi, struct cfg_sa *gone)
{
	uint32_t *slots[] = { &m->sa_sig_in, &m->sa_sig_out, &m->sa_pay_in, &m->sa_pay_out };
	unsigned int i;

	for (i = 0; e->db != NULL && i < RTE_DIM(slots); i++) {
		struct dp_sa *sa = dp_sa_get(e->db, *slots[i]);

		if (sa != NULL && sa->spi == spi) {
			if (gone != NULL)
				*gone = (struct cfg_sa){ .spi = spi, .dir = sa->dir,
							 .role = sa->role };
			detach_one(e, m, slots[i]);
			return 0;
		}
	}
	return -ENOENT;
}

static uint32_t *
spi_of(struct cp_mn *m, const struct cfg_sa *c)
{
	if (c->role == CFG_SA_SIGNALLING)
		return c->dir == CFG_SA_IN ? &m->spi_sig_in : &m->spi_sig_out;
	return c->dir == CFG_SA_IN ? &m->spi_pay_in : &m->spi_pay_out;
}

int
cp_esp_sa_install(struct cp_esp *e, struct cp_mn *m, const struct cfg_sa *sa, uint32_t *slot,
		  uint32_t *prev)
{
	uint32_t *cur = slot_of(m, sa), *spi = spi_of(m, sa);
	uint32_t old = *cur, old_spi = *spi;
	int rc;

	if (e->db == NULL)
		return -ENOTSUP;
	/* the old one leaves the node's slot but not the SA table (nor the SPI table) */
	*cur = CP_SA_NONE;
	rc = attach_one(e, m, sa);
	if (rc != 0) {
		*cur = old;
		*spi = old_spi;
		return rc;
	}
	*slot = *cur;
	*prev = old;
	if (old != CP_SA_NONE)
		retired_add(e, m->idx, old);
	return 0;
}

void
cp_esp_sa_remove(struct cp_esp *e, struct cp_mn *m, uint32_t slot, uint32_t spi)
{
	uint32_t *slots[] = { &m->sa_sig_in, &m->sa_sig_out, &m->sa_pay_in, &m->sa_pay_out };
	const struct dp_sa *sa;
	unsigned int i;

	if (e->db == NULL)
		return;
	sa = dp_sa_get(e->db, slot);
	if (sa == NULL || sa->spi != spi || sa->mn != m->idx)
		return;   /* gone with its node, the slot perhaps another SA's by now */
	for (i = 0; i < RTE_DIM(slots); i++)
		if (*slots[i] == slot) {
			detach_one(e, m, slots[i]);
			return;
		}
	for (i = 0; i < e->n_retired; i++)
		if (e->retired[i].slot == slot) {
			retired_drop(e, i);
			return;
		}
}

int
cp_esp_rx(struct cp_esp *e, struct rte_mbuf *m, const struct dp_punt *meta,
	  struct cp_rx_ctx *ctx, const uint8_t **mh, uint8_t *next_out)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct bc_spi_val *v;
	struct dp_sa *sa;
	uint8_t next;

	if (e->db == NULL || (uint32_t)meta->mh_off + 8 > rte_pktmbuf_data_len(m))
		return -1;
	v = bc_spi_lookup(e->bc, wire_rd32(f + meta->mh_off));
	if (v == NULL || v->role != BC_SPI_SIGNALLING)
		return -1;
	sa = v->sa;
	if (dp_esp_in_stage(m, meta->mh_off, (uint16_t)(meta->mh_off + meta->mh_len)) != 0)
		return -1;
	if (dp_esp_process(sa, &m, 1, &e->ctr[sa->slot], &e->lc) != 1)
		return -1;
	next = dp_esp_in_unstage(m);
	if (next != WIRE_PROTO_MH && next != WIRE_PROTO_ICMPV6)
		return -1;
	*next_out = next;
	/* R6275 §5.1 / R4877 §4.2: who the SA belongs to decides which HoA it may bind */
	ctx->protected_ = true;
	ctx->sa_signalling = true;
	ctx->spi = sa->spi;
	ctx->sa_hoa = sa->hoa6;
	*mh = rte_pktmbuf_mtod(m, const uint8_t *);
	return (int)rte_pktmbuf_data_len(m);
}

struct rte_mbuf *
cp_esp_tx(struct cp_esp *e, struct rte_mempool *pool, const struct cp_mn *mn,
	  const uint8_t *pkt, uint16_t len, uint16_t payload_off, uint8_t next)
{
	struct dp_sa *sa = e->db != NULL ? dp_sa_get(e->db, mn->sa_sig_out) : NULL;
	struct rte_mbuf *m;
	uint8_t *d;

	if (sa == NULL || payload_off >= len)
		return NULL;
	m = rte_pktmbuf_alloc(pool);
	if (m == NULL)
		return NULL;
	d = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(len - payload_off));
	if (d == NULL)
		goto fail;
	memcpy(d, pkt + payload_off, len - payload_off);
	if (dp_esp_out_stage(m, next) != 0 ||
	    dp_esp_process(sa, &m, 1, &e->ctr[sa->slot], &e->lc) != 1)
		goto fail;
	dp_esp_out_unstage(m);
	/* the carriage headers go back in front, now announcing ESP */
	d = (uint8_t *)rte_pktmbuf_prepend(m, payload_off);
	if (d == NULL)
		goto fail;
	memcpy(d, pkt, payload_off);
	if (wire_carriage_reseal(d, (uint16_t)rte_pktmbuf_data_len(m), payload_off,
				 WIRE_PROTO_ESP) != 0)
		goto fail;
	return m;
fail:
	rte_pktmbuf_free(m);
	return NULL;
}
