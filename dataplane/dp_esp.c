/* SPDX-License-Identifier: BSD-3-Clause */
/* Staging around rte_ipsec and burst processing with per-SA counters (see dp_esp.h). */
#include <errno.h>
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

/*
 * rte_ipsec's prepare step on the crypto-op path (outbound AES-CBC, see dp_sa.c): the CBC IV
 * of every op is fresh random data, so the IV field on the wire (the first ciphertext
 * block) is unpredictable. Like the CPU path, it returns the packets that went through the
 * crypto device first in mb[] (failures flagged for rte_ipsec_pkt_process), then those
 * rte_ipsec could not prepare.
 */
static uint16_t
prepare_async(const struct dp_sa *sa, struct rte_mbuf **mb, uint16_t n,
	      const struct dp_esp_lcore *lc)
{
	struct rte_crypto_op *cop[DP_ESP_BURST_MAX], *done[DP_ESP_BURST_MAX];
	uint16_t k, i, enq, nd = 0;
	uint32_t spins = 0;

	if (lc == NULL || rte_crypto_op_bulk_alloc(lc->ops, RTE_CRYPTO_OP_TYPE_SYMMETRIC, cop,
						   n) == 0)
		return 0;
	k = rte_ipsec_pkt_crypto_prepare(&sa->ss, mb, cop, n);
	for (i = k; i < n; i++)
		rte_crypto_op_free(cop[i]);
	for (i = 0; i < k; i++) {
		uint64_t *iv = rte_crypto_op_ctod_offset(cop[i], uint64_t *, DP_SA_IV_OFS);

		iv[0] = rte_rand();
		iv[1] = rte_rand();
	}
	enq = rte_cryptodev_enqueue_burst(lc->dev_id, lc->qp, cop, k);
	while (nd < enq && spins++ < DEQ_SPINS)
		nd += rte_cryptodev_dequeue_burst(lc->dev_id, lc->qp, done + nd,
						  (uint16_t)(enq - nd));
	/* the packets in the order the device returned them, failures flagged */
	for (i = 0; i < nd; i++) {
		mb[i] = done[i]->sym->m_src;
		if (done[i]->status != RTE_CRYPTO_OP_STATUS_SUCCESS)
			mb[i]->ol_flags |= RTE_MBUF_F_RX_SEC_OFFLOAD_FAILED;
		rte_crypto_op_free(done[i]);
	}
	/* not taken by the device: failed */
	for (i = enq; i < k; i++) {
		mb[nd++] = cop[i]->sym->m_src;
		mb[nd - 1]->ol_flags |= RTE_MBUF_F_RX_SEC_OFFLOAD_FAILED;
		rte_crypto_op_free(cop[i]);
	}
	return nd;
}

static inline uint64_t *
seq_of(const struct dp_sa *sa, struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, sa->seq_off, uint64_t *);
}

uint16_t
dp_esp_process(const struct dp_sa *sa, struct rte_mbuf **mb, uint16_t n, struct dp_sa_ctr *ctr,
	       const struct dp_esp_lcore *lc)
{
	struct rte_mbuf *bad[DP_ESP_BURST_MAX], *dup[DP_ESP_BURST_MAX];
	uint16_t i, nv = 0, nb = 0, nd = 0, k, ok, good = 0;
	uint64_t bytes = 0;

	RTE_ASSERT(n <= DP_ESP_BURST_MAX);
	if (sa->dir == CFG_SA_IN) {
		for (i = 0; i < n; i++) {
			if (!in_len_ok(sa, mb[i])) {
				ctr->errors++;
				bad[nb++] = mb[i];
				continue;
			}
			if (sa->rw != NULL) {
				const uint8_t *esp = rte_pktmbuf_mtod_offset(mb[i], const uint8_t *,
									     DP_ESP_TMPL_LEN);

				*seq_of(sa, mb[i]) = dp_replay_seq(sa->rw, wire_rd32(esp + 4));
				if (!dp_replay_check(sa->rw, *seq_of(sa, mb[i]))) {
					ctr->replay++;
					bad[nb++] = mb[i];
					continue;
				}
			}
			mb[nv++] = mb[i];
		}
	} else {
		nv = n;
	}
	if (nv == 0)
		k = 0;
	else if (sa->async)
		k = prepare_async(sa, mb, nv, lc);
	else
		k = rte_ipsec_pkt_cpu_prepare(&sa->ss, mb, nv);
	if (sa->dir == CFG_SA_IN)
		ctr->replay += (uint64_t)(nv - k);
	else
		ctr->errors += (uint64_t)(nv - k);
	ok = k > 0 ? rte_ipsec_pkt_process(&sa->ss, mb, k) : 0;
	for (i = ok; i < k; i++) {
		if (mb[i]->ol_flags & RTE_MBUF_F_RX_SEC_OFFLOAD_FAILED)
			ctr->auth_fail++;
		else if (sa->dir == CFG_SA_IN)
			ctr->replay++;    /* rte_ipsec's own window, or bad padding */
		else
			ctr->errors++;
	}
	/* authenticated: now the sequence number counts (a duplicate in the burst does not) */
	for (i = 0; i < ok; i++) {
		if (sa->rw != NULL && !dp_replay_update(sa->rw, *seq_of(sa, mb[i]))) {
			ctr->replay++;
			dup[nd++] = mb[i];
			continue;
		}
		bytes += rte_pktmbuf_pkt_len(mb[i]) - DP_ESP_TMPL_LEN;
		mb[good++] = mb[i];
	}
	ctr->pkts += good;
	ctr->bytes += bytes;
	/* after the good ones: duplicates, what rte_ipsec refused (already in place, shifted
	 * left by the duplicates), then what never reached it */
	memmove(&mb[good + nd], &mb[ok], sizeof(mb[0]) * (nv - ok));
	memcpy(&mb[good], dup, sizeof(dup[0]) * nd);
	memcpy(&mb[nv], bad, sizeof(bad[0]) * nb);
	return good;
}
