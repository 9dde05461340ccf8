/* SPDX-License-Identifier: BSD-3-Clause */
/* Staging around rte_ipsec and burst processing with per-SA counters (see dp_esp.h). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <rte_cryptodev.h>
#include <rte_ipsec.h>
#include <rte_mbuf.h>
#include <rte_random.h>

#include "dp_esp.h"
#include "wire_csum.h"
#include "wire_ip.h"

#define ESP_HLEN 8
#define DEQ_SPINS 100000              /* the software PMD returns ops at once; bound anyway */

/* The template: IPv4, no options, addresses 0 (never on the wire). */
static void
tmpl_write(uint8_t *t, uint16_t tot_len, uint8_t proto)
{
	memset(t, 0, DP_ESP_TMPL_LEN);
	t[0] = 0x45;
	wire_wr16(t + 2, tot_len);
	t[8] = 64;
	t[9] = proto;
}

static void
staged(struct rte_mbuf *m)
{
	m->l2_len = 0;
	m->l3_len = DP_ESP_TMPL_LEN;
	/* rte_ipsec reports crypto failures in this flag: start clean */
	m->ol_flags &= ~(RTE_MBUF_F_RX_SEC_OFFLOAD | RTE_MBUF_F_RX_SEC_OFFLOAD_FAILED);
}

int
dp_esp_in_stage(struct rte_mbuf *m, uint16_t esp_off, uint16_t end)
{
	uint16_t len = rte_pktmbuf_data_len(m);

	if (m->nb_segs != 1 || esp_off < DP_ESP_TMPL_LEN || end > len ||
	    (uint32_t)esp_off + ESP_HLEN > end)
		return -EINVAL;
	/* Ethernet padding after the IP packet would be taken for the ESP trailer */
	rte_pktmbuf_trim(m, (uint16_t)(len - end));
	rte_pktmbuf_adj(m, (uint16_t)(esp_off - DP_ESP_TMPL_LEN));
	tmpl_write(rte_pktmbuf_mtod(m, uint8_t *), rte_pktmbuf_data_len(m), WIRE_PROTO_ESP);
	staged(m);
	return 0;
}

uint8_t
dp_esp_in_unstage(struct rte_mbuf *m)
{
	uint8_t next = rte_pktmbuf_mtod(m, uint8_t *)[9];

	rte_pktmbuf_adj(m, DP_ESP_TMPL_LEN);
	return next;
}

int
dp_esp_out_stage(struct rte_mbuf *m, uint8_t next)
{
	uint8_t *t = (uint8_t *)rte_pktmbuf_prepend(m, DP_ESP_TMPL_LEN);

	if (t == NULL || m->nb_segs != 1)
		return -ENOSPC;
	tmpl_write(t, rte_pktmbuf_data_len(m), next);
	staged(m);
	return 0;
}

void
dp_esp_out_unstage(struct rte_mbuf *m)
{
	rte_pktmbuf_adj(m, DP_ESP_TMPL_LEN);
}

/*
 * Inbound length check before rte_ipsec: ESP header, IV, at least the 2-byte trailer and
 * the ICV, and a ciphertext that is a whole number of blocks. What passes and still fails
 * the prepare step is a replay (rte_ipsec checks the window there).
 */
static bool
in_len_ok(const struct dp_sa *sa, const struct rte_mbuf *m)
{
	uint32_t plen = rte_pktmbuf_pkt_len(m) - DP_ESP_TMPL_LEN;
	uint32_t min = ESP_HLEN + sa->iv_len + 2 + sa->icv_len, clen;

	if (plen < min)
		return false;
	clen = plen - ESP_HLEN - sa->iv_len - sa->icv_len;
	return (clen & (sa->pad_align - 1)) == 0;
}

static inline uint64_t *
seq_of(const struct dp_sa *sa, struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, sa->seq_off, uint64_t *);
}

/*
 * Before rte_ipsec (inbound): the length check and our replay window's check. What passes
 * stays first in g->mb, in order; the rest follow it, counted. Sets g->nv.
 */
static void
esp_pre(struct dp_esp_group *g)
{
	const struct dp_sa *sa = g->sa;
	struct rte_mbuf *bad[DP_ESP_BURST_MAX];
	uint16_t i, nv = 0, nb = 0;

	RTE_ASSERT(g->n <= DP_ESP_BURST_MAX);
	if (sa->dir != CFG_SA_IN) {
		g->nv = g->n;
		return;
	}
	for (i = 0; i < g->n; i++) {
		struct rte_mbuf *m = g->mb[i];

		if (!in_len_ok(sa, m)) {
			g->ctr->errors++;
			bad[nb++] = m;
			continue;
		}
		if (sa->rw != NULL) {
			const uint8_t *esp = rte_pktmbuf_mtod_offset(m, const uint8_t *,
								     DP_ESP_TMPL_LEN);

			*seq_of(sa, m) = dp_replay_seq(sa->rw, wire_rd32(esp + 4));
			if (!dp_replay_check(sa->rw, *seq_of(sa, m))) {
				g->ctr->replay++;
				bad[nb++] = m;
				continue;
			}
		}
		g->mb[nv++] = m;
	}
	memcpy(&g->mb[nv], bad, sizeof(bad[0]) * nb);
	g->nv = nv;
}

/* What rte_ipsec could not prepare (g->nv - g->k) counts as a replay inbound (its own
 * window), an error outbound. */
static void
esp_count_unprepared(struct dp_esp_group *g)
{
	if (g->sa->dir == CFG_SA_IN)
		g->ctr->replay += (uint64_t)(g->nv - g->k);
	else
		g->ctr->errors += (uint64_t)(g->nv - g->k);
}

/*
 * After the crypto: rte_ipsec's process step over the g->k prepared packets, then our
 * replay window's update. Good packets first (g->ok), then duplicates, what rte_ipsec
 * refused, what it could not prepare, and what esp_pre turned away.
 */
static void
esp_post(struct dp_esp_group *g, const struct rte_ipsec_session *ss)
{
	const struct dp_sa *sa = g->sa;
	struct rte_mbuf **mb = g->mb, *dup[DP_ESP_BURST_MAX];
	uint16_t i, ok, nd = 0, good = 0;
	uint64_t bytes = 0;

	ok = g->k > 0 ? rte_ipsec_pkt_process(ss, mb, g->k) : 0;
	for (i = ok; i < g->k; i++) {
		if (mb[i]->ol_flags & RTE_MBUF_F_RX_SEC_OFFLOAD_FAILED)
			g->ctr->auth_fail++;
		else if (sa->dir == CFG_SA_IN)
			g->ctr->replay++;    /* rte_ipsec's own window, or bad padding */
		else
			g->ctr->errors++;
	}
	/* authenticated: now the sequence number counts (a duplicate in the burst does not) */
	for (i = 0; i < ok; i++) {
		if (sa->rw != NULL && !dp_replay_update(sa->rw, *seq_of(sa, mb[i]))) {
			g->ctr->replay++;
			dup[nd++] = mb[i];
			continue;
		}
		bytes += rte_pktmbuf_pkt_len(mb[i]) - DP_ESP_TMPL_LEN;
		mb[good++] = mb[i];
	}
	g->ctr->pkts += good;
	g->ctr->bytes += bytes;
	memmove(&mb[good + nd], &mb[ok], sizeof(mb[0]) * (g->nv - ok));
	memcpy(&mb[good], dup, sizeof(dup[0]) * nd);
	g->ok = good;
}

/*
 * The crypto-op path: every group's ops (rte_ipsec's prepare on the SA's lookaside
 * session, dp_sa.ls) in one enqueue and one dequeue, then each group's process step. Taken
 * by a burst of many SAs (the multi-buffer PMD takes ops of any session; what this saves is
 * a CPU-crypto call per SA, measured in esp-bench: README) and by outbound AES-CBC, whose
 * CBC IV is ours to fill here with fresh random data, so the IV field on the wire (the
 * first ciphertext block) is unpredictable (dp_sa.c says why CPU crypto cannot). The ops
 * leave every mbuf where it was; a failed op flags its mbuf for rte_ipsec_pkt_process, as
 * rte_ipsec's lookaside path expects.
 */
static void
process_ops(struct dp_esp_group *g, uint16_t ng, const struct dp_esp_lcore *lc)
{
	struct rte_crypto_op *cop[DP_ESP_BURST_MAX], *done[DP_ESP_BURST_MAX];
	uint16_t i, j, total = 0, used = 0, enq, nd = 0;
	uint32_t spins = 0;

	for (i = 0; i < ng; i++) {
		esp_pre(&g[i]);
		total += g[i].nv;
	}
	RTE_ASSERT(total <= DP_ESP_BURST_MAX);
	if (total > 0 && rte_crypto_op_bulk_alloc(lc->ops, RTE_CRYPTO_OP_TYPE_SYMMETRIC, cop,
						  total) == 0)
		total = 0;      /* no ops: nothing prepared, all counted below */
	for (i = 0; i < ng; i++) {
		struct dp_esp_group *x = &g[i];

		x->k = total > 0 && x->nv > 0 ?
		       rte_ipsec_pkt_crypto_prepare(&x->sa->ls, x->mb, cop + used, x->nv) : 0;
		if (x->sa->async)       /* AES-CBC: a fresh random IV */
			for (j = 0; j < x->k; j++) {
				uint64_t *iv = rte_crypto_op_ctod_offset(cop[used + j], uint64_t *,
									 DP_SA_IV_OFS);

				iv[0] = rte_rand();
				iv[1] = rte_rand();
			}
		used += x->k;
		esp_count_unprepared(x);
	}
	if (total > used)
		rte_mempool_put_bulk(lc->ops, (void **)&cop[used], total - used);
	enq = used > 0 ? rte_cryptodev_enqueue_burst(lc->dev_id, lc->qp, cop, used) : 0;
	while (nd < enq && spins++ < DEQ_SPINS)
		nd += rte_cryptodev_dequeue_burst(lc->dev_id, lc->qp, done + nd,
						  (uint16_t)(enq - nd));
	for (i = 0; i < nd; i++)
		if (done[i]->status != RTE_CRYPTO_OP_STATUS_SUCCESS)
			done[i]->sym->m_src->ol_flags |= RTE_MBUF_F_RX_SEC_OFFLOAD_FAILED;
	/* not taken by the device: failed */
	for (i = enq; i < used; i++)
		cop[i]->sym->m_src->ol_flags |= RTE_MBUF_F_RX_SEC_OFFLOAD_FAILED;
	if (nd > 0)
		rte_mempool_put_bulk(lc->ops, (void **)done, nd);
	if (used > enq)
		rte_mempool_put_bulk(lc->ops, (void **)&cop[enq], used - enq);
	for (i = 0; i < ng; i++)
		esp_post(&g[i], &g[i].sa->ls);
}

uint16_t
dp_esp_process(const struct dp_sa *sa, struct rte_mbuf **mb, uint16_t n, struct dp_sa_ctr *ctr,
	       const struct dp_esp_lcore *lc)
{
	struct dp_esp_group g = { .sa = sa, .ctr = ctr, .mb = mb, .n = n };

	if (sa->async && lc != NULL) {
		process_ops(&g, 1, lc);
		return g.ok;
	}
	esp_pre(&g);
	/* an SA on the op path without a queue pair prepares nothing: all counted */
	g.k = g.nv > 0 && !sa->async ? rte_ipsec_pkt_cpu_prepare(&sa->ss, mb, g.nv) : 0;
	esp_count_unprepared(&g);
	esp_post(&g, &sa->ss);
	return g.ok;
}


uint16_t
dp_esp_process_groups(struct dp_esp_group *g, uint16_t ng, const struct dp_esp_lcore *lc)
{
	uint16_t i, total = 0;
	bool ops = ng >= DP_ESP_OPS_GROUPS && lc != NULL;

	for (i = 0; ops && i < ng; i++) {
		total += g[i].n;
		ops = g[i].sa->ls.sa != NULL;    /* every SA has its op session */
	}
	if (ops && total <= DP_ESP_BURST_MAX) {
		process_ops(g, ng, lc);
		return ng;
	}
	for (i = 0; i < ng; i++)
		g[i].ok = dp_esp_process(g[i].sa, g[i].mb, g[i].n, g[i].ctr, lc);
	return 0;
}
