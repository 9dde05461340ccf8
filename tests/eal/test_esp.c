/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EAL tier: ESP through the real crypto PMD (crypto_aesni_mb, CPU crypto) and the
 * unmodified rte_ipsec, against known answers from scapy (tests/vectors/esp_kat.h):
 * every algorithm, transport (MH) and tunnel (IPv6, IPv4) payloads, both directions; then
 * tampering, replay, the window, malformed lengths and the per-SA counters.
 */
#include <string.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "cfg.h"
#include "bc.h"
#include "dp_esp.h"
#include "dp_esp_in.h"
#include "dp_lcore.h"
#include "dp_sa.h"
#include "esp_fixture.h"
#include "wire_csum.h"
#include "wire_pkt.h"

static struct dp_sa *
sa_new(const struct esp_kat *k, enum cfg_sa_dir dir, uint32_t window)
{
	struct cfg_sa c = sa_cfg(k, dir, window);
	uint32_t slot;

	cr_assert_eq(dp_sa_add(db, &c, 1, NULL, DP_SA_OWNER_CP, &slot), 0, "%s", k->name);
	return dp_sa_get(db, slot);
}

/* An inbound frame: Ethernet + IPv6 (next header 50) + the vector's ESP bytes + padding. */
static struct rte_mbuf *
esp_frame(const uint8_t *esp, uint16_t esp_len, uint16_t eth_pad)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *f;

	cr_assert_not_null(m);
	f = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(54 + esp_len + eth_pad));
	cr_assert_not_null(f);
	memset(f, 0xee, 54 + esp_len + eth_pad);
	f[14] = 0x60;
	wire_wr16(f + 18, esp_len);
	f[20] = 50;
	memcpy(f + 54, esp, esp_len);
	return m;
}

static struct rte_mbuf *
esp_in(const struct esp_kat *k, uint16_t eth_pad)
{
	struct rte_mbuf *m = esp_frame(k->esp, k->esp_len, eth_pad);

	cr_assert_eq(dp_esp_in_stage(m, 54, (uint16_t)(54 + k->esp_len)), 0);
	return m;
}

/*
 * GCM (and NULL): the IV is the sequence number (RFC 4106 §3.1 allows a counter), so the
 * whole packet is known in advance and must equal scapy's byte for byte.
 */
Test(esp_kat, outbound_gcm_and_null_match_scapy_byte_for_byte, .init = esp_setup, .fini = esp_teardown)
{
	unsigned int i, n = 0;

	for (i = 0; i < RTE_DIM(esp_kats); i += 2) {
		struct dp_sa *sa;
		struct dp_sa_ctr ctr = { 0 };
		unsigned int j;

		if (esp_kats[i].alg == CFG_ALG_AES128_CBC_SHA1 ||
		    esp_kats[i].alg == CFG_ALG_AES128_CBC_SHA256)
			continue;
		/* a fresh outbound SA: its packets get sequence numbers 1, 2, ... */
		sa = sa_new(&esp_kats[i], CFG_SA_OUT, 0);
		for (j = 0; j < 2; j++) {
			const struct esp_kat *k = &esp_kats[i + j];
			struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

			cr_assert_eq(k->seq, j + 1);
			memcpy(rte_pktmbuf_append(m, k->plain_len), k->plain, k->plain_len);
			cr_assert_eq(dp_esp_out_stage(m, k->next), 0);
			cr_assert_eq(dp_esp_process(sa, &m, 1, &ctr, &lc), 1, "%s", k->name);
			dp_esp_out_unstage(m);
			cr_assert_eq(rte_pktmbuf_pkt_len(m), k->esp_len, "%s: %u bytes, want %u",
				     k->name, rte_pktmbuf_pkt_len(m), k->esp_len);
			cr_assert_arr_eq(rte_pktmbuf_mtod(m, uint8_t *), k->esp, k->esp_len, "%s",
					 k->name);
			rte_pktmbuf_free(m);
			n++;
		}
		cr_assert_eq(ctr.pkts, 2);
		cr_assert_eq(dp_sa_del(db, sa->slot), 0);
	}
	cr_assert_eq(n, 18);
}

/*
 * AES-CBC: the IV must be unpredictable (RFC 3602 §3), so no fixed answer exists. Two
 * packets with the same plaintext must differ from their IV on, and what we send must
 * decrypt, through an inbound SA checked against scapy's vectors below, to the plaintext.
 */
Test(esp_kat, outbound_cbc_has_fresh_ivs_and_decrypts, .init = esp_setup, .fini = esp_teardown)
{
	unsigned int i, n = 0;

	for (i = 0; i < RTE_DIM(esp_kats); i += 2) {
		const struct esp_kat *k = &esp_kats[i];
		struct dp_sa_ctr ctr = { 0 };
		struct rte_mbuf *m[2], *f;
		struct dp_sa *out, *in;
		unsigned int j;

		if (k->alg != CFG_ALG_AES128_CBC_SHA1 && k->alg != CFG_ALG_AES128_CBC_SHA256)
			continue;
		out = sa_new(k, CFG_SA_OUT, 0);
		in = sa_new(k, CFG_SA_IN, 64);
		cr_assert(out->async);
		for (j = 0; j < 2; j++) {
			m[j] = rte_pktmbuf_alloc(pool);
			memcpy(rte_pktmbuf_append(m[j], k->plain_len), k->plain, k->plain_len);
			cr_assert_eq(dp_esp_out_stage(m[j], k->next), 0);
		}
		cr_assert_eq(dp_esp_process(out, m, 2, &ctr, &lc), 2, "%s", k->name);
		for (j = 0; j < 2; j++) {
			uint8_t *e;

			dp_esp_out_unstage(m[j]);
			e = rte_pktmbuf_mtod(m[j], uint8_t *);
			cr_assert_eq(rte_pktmbuf_pkt_len(m[j]), k->esp_len, "%s", k->name);
			/* SPI and sequence number 1, 2 in clear */
			cr_assert_eq(wire_rd32(e), k->spi);
			cr_assert_eq(wire_rd32(e + 4), j + 1);
		}
		cr_assert(memcmp(rte_pktmbuf_mtod(m[0], uint8_t *) + 8,
				 rte_pktmbuf_mtod(m[1], uint8_t *) + 8, 16) != 0,
			  "%s: the same IV twice", k->name);
		for (j = 0; j < 2; j++) {
			f = esp_frame(rte_pktmbuf_mtod(m[j], uint8_t *), k->esp_len, 0);
			cr_assert_eq(dp_esp_in_stage(f, 54, (uint16_t)(54 + k->esp_len)), 0);
			cr_assert_eq(dp_esp_process(in, &f, 1, &ctr, &lc), 1, "%s", k->name);
			cr_assert_eq(dp_esp_in_unstage(f), k->next);
			cr_assert_arr_eq(rte_pktmbuf_mtod(f, uint8_t *), k->plain, k->plain_len);
			rte_pktmbuf_free(f);
			n++;
		}
		rte_pktmbuf_free_bulk(m, 2);
		dp_sa_del(db, out->slot);
		dp_sa_del(db, in->slot);
	}
	cr_assert_eq(n, 12);
}

Test(esp_kat, inbound_decrypts_scapy, .init = esp_setup, .fini = esp_teardown)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(esp_kats); i += 2) {
		struct dp_sa *sa = sa_new(&esp_kats[i], CFG_SA_IN, 64);
		struct dp_sa_ctr ctr = { 0 };
		unsigned int j;

		for (j = 0; j < 2; j++) {
			const struct esp_kat *k = &esp_kats[i + j];
			/* the second one with Ethernet padding, as a short frame would have */
			struct rte_mbuf *m = esp_in(k, (uint16_t)(j * 6));

			cr_assert_eq(dp_esp_process(sa, &m, 1, &ctr, &lc), 1, "%s", k->name);
			cr_assert_eq(dp_esp_in_unstage(m), k->next, "%s", k->name);
			cr_assert_eq(rte_pktmbuf_pkt_len(m), k->plain_len, "%s", k->name);
			cr_assert_arr_eq(rte_pktmbuf_mtod(m, uint8_t *), k->plain, k->plain_len);
			rte_pktmbuf_free(m);
		}
		cr_assert_eq(ctr.pkts, 2);
		cr_assert_eq(ctr.auth_fail + ctr.replay + ctr.errors, 0);
		cr_assert_eq(dp_sa_del(db, sa->slot), 0);
	}
}

/* every algorithm with an ICV: one flipped bit anywhere after the header is refused */
Test(esp_kat, tampered_icv_or_ciphertext_fails_authentication, .init = esp_setup,
     .fini = esp_teardown)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(esp_kats); i += 2) {
		const struct esp_kat *k = &esp_kats[i];
		struct dp_sa *sa;
		struct dp_sa_ctr ctr = { 0 };
		struct rte_mbuf *m[2];
		uint8_t *p;

		if (k->alg == CFG_ALG_NULL)
			continue;
		sa = sa_new(k, CFG_SA_IN, 64);
		m[0] = esp_in(k, 0);
		m[1] = esp_in(k, 0);
		p = rte_pktmbuf_mtod(m[0], uint8_t *) + DP_ESP_TMPL_LEN;
		p[k->esp_len - 1] ^= 0x01;                      /* last ICV byte */
		p = rte_pktmbuf_mtod(m[1], uint8_t *) + DP_ESP_TMPL_LEN;
		p[k->esp_len / 2] ^= 0x80;                      /* the ciphertext */
		cr_assert_eq(dp_esp_process(sa, m, 2, &ctr, &lc), 0, "%s", k->name);
		cr_assert_eq(ctr.auth_fail, 2, "%s", k->name);
		cr_assert_eq(ctr.pkts, 0);
		rte_pktmbuf_free_bulk(m, 2);
		/* the genuine packet is still accepted: failures do not move the window */
		m[0] = esp_in(k, 0);
		cr_assert_eq(dp_esp_process(sa, m, 1, &ctr, &lc), 1);
		rte_pktmbuf_free(m[0]);
		dp_sa_del(db, sa->slot);
	}
}

Test(esp_kat, replayed_sequence_numbers_are_dropped, .init = esp_setup, .fini = esp_teardown)
{
	const struct esp_kat *k1 = &esp_kats[0], *k2 = &esp_kats[1];
	struct dp_sa *sa = sa_new(k1, CFG_SA_IN, 64);
	struct dp_sa_ctr ctr = { 0 };
	struct rte_mbuf *m[3];

	m[0] = esp_in(k1, 0);
	cr_assert_eq(dp_esp_process(sa, m, 1, &ctr, &lc), 1);
	rte_pktmbuf_free(m[0]);
	/* the same packet again, alone */
	m[0] = esp_in(k1, 0);
	cr_assert_eq(dp_esp_process(sa, m, 1, &ctr, &lc), 0);
	cr_assert_eq(ctr.replay, 1);
	rte_pktmbuf_free(m[0]);
	/* sequence 2 twice in one burst: the first passes, the second is a replay */
	m[0] = esp_in(k2, 0);
	m[1] = esp_in(k2, 0);
	m[2] = esp_in(k1, 0);
	cr_assert_eq(dp_esp_process(sa, m, 3, &ctr, &lc), 1);
	cr_assert_eq(ctr.replay, 3);
	cr_assert_eq(ctr.pkts, 2);
	rte_pktmbuf_free_bulk(m, 3);
	dp_sa_del(db, sa->slot);
}

/*
 * Sequence numbers from the outbound SA of the same keys, in and left of a 32-packet window.
 * Replays of numbers whose low six bits are 32..63 (100, 90 here) are the ones rte_ipsec
 * 22.11's own window lets through (dp_replay.h): the home agent's window must catch them.
 */
Test(esp_kat, window_refuses_replays_and_old_packets, .init = esp_setup, .fini = esp_teardown)
{
	static const uint32_t seqs[] = { 100, 80, 50, 100, 90, 90, 63, 101, 36, 101 };
	static const uint16_t want[] = { 1, 1, 0, 0, 1, 0, 0, 1, 0, 0 };
	const struct esp_kat *k = &esp_kats[0];
	struct dp_sa *out = sa_new(k, CFG_SA_OUT, 0);
	struct dp_sa_ctr ctr = { 0 };
	struct rte_mbuf *pkt[101], *m;
	struct cfg_sa c = sa_cfg(k, CFG_SA_IN, 32);
	struct dp_sa *in;
	uint32_t slot, i;

	for (i = 0; i < 101; i++) {
		pkt[i] = rte_pktmbuf_alloc(pool);
		memcpy(rte_pktmbuf_append(pkt[i], k->plain_len), k->plain, k->plain_len);
		cr_assert_eq(dp_esp_out_stage(pkt[i], k->next), 0);
		cr_assert_eq(dp_esp_process(out, &pkt[i], 1, &ctr, &lc), 1);
		dp_esp_out_unstage(pkt[i]);
	}
	cr_assert_eq(dp_sa_add(db, &c, 1, NULL, DP_SA_OWNER_CP, &slot), 0);
	in = dp_sa_get(db, slot);
	memset(&ctr, 0, sizeof(ctr));
	for (i = 0; i < RTE_DIM(seqs); i++) {
		struct rte_mbuf *src = pkt[seqs[i] - 1];

		m = esp_frame(rte_pktmbuf_mtod(src, uint8_t *),
			      (uint16_t)rte_pktmbuf_pkt_len(src), 0);
		cr_assert_eq(dp_esp_in_stage(m, 54, (uint16_t)(54 + rte_pktmbuf_pkt_len(src))), 0);
		cr_assert_eq(dp_esp_process(in, &m, 1, &ctr, &lc), want[i], "seq %u", seqs[i]);
		rte_pktmbuf_free(m);
	}
	cr_assert_eq(ctr.pkts, 4);
	cr_assert_eq(ctr.replay, 6);
	/* the same packet twice in one burst: one passes */
	{
		struct rte_mbuf *two[2];
		struct rte_mbuf *src = pkt[94];   /* 95: in the window, not seen */

		for (i = 0; i < 2; i++) {
			two[i] = esp_frame(rte_pktmbuf_mtod(src, uint8_t *),
					   (uint16_t)rte_pktmbuf_pkt_len(src), 0);
			dp_esp_in_stage(two[i], 54, (uint16_t)(54 + rte_pktmbuf_pkt_len(src)));
		}
		cr_assert_eq(dp_esp_process(in, two, 2, &ctr, &lc), 1);
		cr_assert_eq(ctr.replay, 7);
		rte_pktmbuf_free_bulk(two, 2);
	}
	rte_pktmbuf_free_bulk(pkt, 101);
}

/*
 * After a restart an SA starts where the state store says (cp_store_sa.c): outbound from its
 * reservation (with GCM the sequence number is the nonce: it must never go back), inbound
 * with everything up to the stored edge taken as seen.
 */
Test(esp_kat, a_restarted_sa_resumes_its_sequence_numbers, .init = esp_setup, .fini = esp_teardown)
{
	const struct esp_kat *k = &esp_kats[0];
	struct cfg_sa c = sa_cfg(k, CFG_SA_OUT, 0);
	struct dp_sa_ctr ctr = { 0 };
	struct rte_mbuf *pkt[3], *m;
	struct dp_sa *out, *in;
	uint32_t slot, i;

	c.seq_start = 5000;
	cr_assert_eq(dp_sa_add(db, &c, 1, NULL, DP_SA_OWNER_CP, &slot), 0);
	out = dp_sa_get(db, slot);
	cr_assert_eq(out->seq_start, 5000);
	for (i = 0; i < 3; i++) {
		pkt[i] = rte_pktmbuf_alloc(pool);
		memcpy(rte_pktmbuf_append(pkt[i], k->plain_len), k->plain, k->plain_len);
		cr_assert_eq(dp_esp_out_stage(pkt[i], k->next), 0);
		cr_assert_eq(dp_esp_process(out, &pkt[i], 1, &ctr, &lc), 1);
		dp_esp_out_unstage(pkt[i]);
		/* ESP: SPI, then the sequence number */
		cr_assert_eq(wire_rd32(rte_pktmbuf_mtod(pkt[i], uint8_t *) + 4), 5000 + i,
			     "packet %u: sequence number %u", i,
			     wire_rd32(rte_pktmbuf_mtod(pkt[i], uint8_t *) + 4));
	}
	/* inbound, resumed at 5001: 5000 and 5001 count as seen, 5002 is new */
	c = sa_cfg(k, CFG_SA_IN, 64);
	c.seq_start = 5001;
	cr_assert_eq(dp_sa_add(db, &c, 1, NULL, DP_SA_OWNER_CP, &slot), 0);
	in = dp_sa_get(db, slot);
	memset(&ctr, 0, sizeof(ctr));
	for (i = 0; i < 3; i++) {
		m = esp_frame(rte_pktmbuf_mtod(pkt[i], uint8_t *),
			      (uint16_t)rte_pktmbuf_pkt_len(pkt[i]), 0);
		cr_assert_eq(dp_esp_in_stage(m, 54, (uint16_t)(54 + rte_pktmbuf_pkt_len(pkt[i]))),
			     0);
		cr_assert_eq(dp_esp_process(in, &m, 1, &ctr, &lc), i == 2 ? 1 : 0, "seq %u",
			     5000 + i);
		rte_pktmbuf_free(m);
	}
	cr_assert_eq(ctr.replay, 2);
	cr_assert_eq(ctr.pkts, 1);
	rte_pktmbuf_free_bulk(pkt, 3);
}

Test(esp_kat, malformed_lengths_are_errors_not_crashes, .init = esp_setup, .fini = esp_teardown)
{
	const struct esp_kat *k = &esp_kats[12];   /* AES-CBC: 16-byte blocks */
	struct dp_sa *sa = sa_new(k, CFG_SA_IN, 64);
	struct dp_sa_ctr ctr = { 0 };
	struct rte_mbuf *m[3];

	cr_assert_eq(k->alg, CFG_ALG_AES128_CBC_SHA1);
	/* shorter than header + IV + trailer + ICV; not whole blocks; just the header */
	m[0] = esp_frame(k->esp, 30, 0);
	m[1] = esp_frame(k->esp, (uint16_t)(k->esp_len - 5), 0);
	m[2] = esp_frame(k->esp, 8, 0);
	cr_assert_eq(dp_esp_in_stage(m[0], 54, 54 + 30), 0);
	cr_assert_eq(dp_esp_in_stage(m[1], 54, (uint16_t)(54 + k->esp_len - 5)), 0);
	cr_assert_eq(dp_esp_in_stage(m[2], 54, 54 + 8), 0);
	cr_assert_eq(dp_esp_process(sa, m, 3, &ctr, &lc), 0);
	cr_assert_eq(ctr.errors, 3);
	rte_pktmbuf_free_bulk(m, 3);
	/* offsets that do not fit the frame are refused before anything is touched */
	m[0] = esp_frame(k->esp, k->esp_len, 0);
	cr_assert_eq(dp_esp_in_stage(m[0], 54, (uint16_t)(54 + k->esp_len + 1)), -EINVAL);
	cr_assert_eq(dp_esp_in_stage(m[0], 10, 60), -EINVAL);
	cr_assert_eq(dp_esp_in_stage(m[0], 54, 58), -EINVAL);
	rte_pktmbuf_free(m[0]);
}

Test(esp_sa, table_capacity_and_bad_parameters, .init = esp_setup, .fini = esp_teardown)
{
	struct cfg_sa c = sa_cfg(&esp_kats[0], CFG_SA_IN, 64);
	uint32_t slot[64], s, i;

	for (i = 0; i < 64; i++) {
		c.spi = 0x5000 + i;
		cr_assert_eq(dp_sa_add(db, &c, i, NULL, 0, &slot[i]), 0);
	}
	cr_assert_eq(db->n, 64);
	c.spi = 0x6000;
	cr_assert_eq(dp_sa_add(db, &c, 0, NULL, 0, &s), -ENOSPC);
	cr_assert_eq(dp_sa_del(db, slot[10]), 0);
	cr_assert_eq(dp_sa_del(db, slot[10]), -ENOENT);
	cr_assert_eq(dp_sa_add(db, &c, 0, NULL, 0, &s), 0);
	cr_assert_eq(s, slot[10]);
	cr_assert_eq(dp_sa_del(db, slot[11]), 0);
	/* a GCM key without its salt */
	c.key_len = 4;
	cr_assert_lt(dp_sa_add(db, &c, 0, NULL, 0, &s), 0);
	c = sa_cfg(&esp_kats[0], CFG_SA_IN, 64);
	c.alg = (enum cfg_sa_alg)99;
	cr_assert_eq(dp_sa_add(db, &c, 0, NULL, 0, &s), -EINVAL);
}

Test(esp_sa, overhead_is_what_processing_adds, .init = esp_setup, .fini = esp_teardown)
{
	unsigned int i;
	uint16_t len;

	for (i = 0; i < RTE_DIM(esp_kats); i += 6) {
		struct dp_sa *sa = sa_new(&esp_kats[i], CFG_SA_OUT, 0);
		struct dp_sa_ctr ctr = { 0 };

		for (len = 20; len < 100; len += 7) {
			struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

			memset(rte_pktmbuf_append(m, len), 0x45, len);
			cr_assert_eq(dp_esp_out_stage(m, 4), 0);
			cr_assert_eq(dp_esp_process(sa, &m, 1, &ctr, &lc), 1);
			dp_esp_out_unstage(m);
			cr_assert_eq(rte_pktmbuf_pkt_len(m), len + dp_sa_overhead(sa, len),
				     "%s len %u", dp_sa_alg_name(sa->alg), len);
			rte_pktmbuf_free(m);
		}
		dp_sa_del(db, sa->slot);
	}
}

/* An Ethernet frame of k's ESP packet in UDP 4500, 203.0.113.66:31000 -> 198.51.100.1,
 * parsed into w; spi (not 0) replaces the packet's SPI. */
static struct rte_mbuf *
esp_udp4_frame(const struct esp_kat *k, uint32_t spi, struct wire_pkt *w)
{
	uint16_t n = (uint16_t)(14 + 20 + 8 + k->esp_len);
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *f;

	cr_assert_not_null(m);
	f = (uint8_t *)rte_pktmbuf_append(m, n);
	memset(f, 0, n);
	wire_wr16(f + 12, 0x0800);
	f[14] = 0x45;
	wire_wr16(f + 16, (uint16_t)(n - 14));
	f[22] = 64;
	f[23] = 17;
	wire_wr32(f + 26, 0xcb007142);         /* 203.0.113.66 */
	wire_wr32(f + 30, 0xc6336401);         /* 198.51.100.1 */
	wire_wr16(f + 24, wire_csum_ip4(f + 14, 20));
	wire_wr16(f + 34, 31000);
	wire_wr16(f + 36, 4500);
	wire_wr16(f + 38, (uint16_t)(8 + k->esp_len));
	memcpy(f + 42, k->esp, k->esp_len);
	if (spi != 0)
		wire_wr32(f + 42, spi);
	cr_assert_eq(wire_pkt_parse(f, n, 0, w), WIRE_E_OK);
	return m;
}

/* Both steering tests: inbound payload SA c (node 3) owned by worker 0, two workers with
 * their rings, and worker 1's lcore that receives its packets. @return the SA's slot. */
static uint32_t
steer_setup(struct bc *bc, const struct cfg_sa *c, struct dp_ctx *ctx, struct dp_lcore *lc1)
{
	uint32_t slot;

	cr_assert_eq(dp_sa_add(db, c, 3, NULL, 0, &slot), 0);
	cr_assert_eq(bc_spi_add(bc, &(struct bc_spi_val){ .sa = dp_sa_get(db, slot), .spi = c->spi,
		.mn = 3, .owner_lcore = 0, .role = BC_SPI_PAYLOAD }), 0);
	memset(ctx, 0, sizeof(*ctx));
	ctx->sadb = db;
	ctx->n_workers = 2;
	ctx->pool = pool;
	ctx->esp_ring[0] = rte_ring_create("esp0", 64, 0, RING_F_SC_DEQ);
	ctx->esp_ring[1] = rte_ring_create("esp1", 64, 0, RING_F_SC_DEQ);
	cr_assert(ctx->esp_ring[0] != NULL && ctx->esp_ring[1] != NULL);
	memset(lc1, 0, sizeof(*lc1));
	lc1->worker = 1;
	lc1->bc = bc;
	lc1->ctx = ctx;
	lc1->burst = 32;
	lc1->sa_ctr = dp_sadb_counters(db, 0);
	lc1->tsc_hz = rte_get_tsc_hz();
	return slot;
}

/*
 * Steering: an inbound payload SA is processed by one worker only (rte_ipsec's inbound SA
 * is single-threaded). Worker 1 receives ESP of an SA owned by worker 0: it stages the
 * packet, records the outer addresses and hands it over through worker 0's ring untouched
 * by crypto; an unknown SPI and a signalling SA over IPv4 are dropped and counted.
 */
Test(esp_steer, payload_esp_goes_to_the_owning_worker, .init = esp_setup, .fini = esp_teardown)
{
	const struct esp_kat *k = &esp_kats[2];       /* aes-128-gcm, next header 41 */
	struct bc *bc = bc_create(&(struct bc_params){ .name = "steer", .capacity = 16,
		.prefixes = 16, .spis = 16, .max_readers = 2, .socket = 0 });
	struct cfg_sa c = sa_cfg(k, CFG_SA_IN, 64);
	struct dp_ctx ctx;
	struct dp_lcore lc1;
	struct wire_pkt w[3], *wp[3] = { &w[0], &w[1], &w[2] };
	struct rte_mbuf *m[3], *got;
	uint32_t slot;
	unsigned int i;

	cr_assert_not_null(bc);
	cr_assert_eq(k->next, 41);
	slot = steer_setup(bc, &c, &ctx, &lc1);
	/* IPv4/UDP 4500 ESP of the payload SA, then an unknown SPI */
	for (i = 0; i < 2; i++) {
		m[i] = esp_udp4_frame(k, i == 1 ? 0x7777 : 0, &w[i]);
		cr_assert_eq(w[i].tun, WIRE_TUN_ESP_UDP);
	}
	dp_esp_rx(&lc1, 0, m, wp, 2);
	cr_assert_eq(lc1.stats.events[HA_EV_ESP_STEERED], 1);
	cr_assert_eq(lc1.stats.drops[HA_DROP_ESP], 1);
	cr_assert_eq(rte_ring_count(ctx.esp_ring[1]), 0);
	cr_assert_eq(rte_ring_dequeue(ctx.esp_ring[0], (void **)&got), 0);
	/* staged for rte_ipsec: the template, then the ESP header; not decrypted yet */
	cr_assert_eq(rte_pktmbuf_pkt_len(got), DP_ESP_TMPL_LEN + k->esp_len);
	cr_assert_arr_eq(rte_pktmbuf_mtod(got, uint8_t *) + DP_ESP_TMPL_LEN, k->esp, k->esp_len);
	cr_assert_eq(dp_sadb_counters(db, 0)[slot].pkts, 0);
	rte_pktmbuf_free(got);
	rte_ring_free(ctx.esp_ring[0]);
	rte_ring_free(ctx.esp_ring[1]);
	bc_free(bc);
}

/*
 * A burst for SAs of two other workers (worker 1 receives, SA a is worker 0's, SA b worker
 * 2's, interleaved a b a b a): each worker's packets go on its ring in their order, one
 * enqueue per worker; what a full ring does not take (worker 0's holds 1 here) is dropped
 * and counted, the rest is steered.
 */
Test(esp_steer, a_burst_goes_to_each_owner_in_order, .init = esp_setup, .fini = esp_teardown)
{
	const struct esp_kat *k = &esp_kats[2];
	struct bc *bc = bc_create(&(struct bc_params){ .name = "steer3", .capacity = 16,
		.prefixes = 16, .spis = 16, .max_readers = 2, .socket = 0 });
	struct cfg_sa a = sa_cfg(k, CFG_SA_IN, 64), b = a;
	struct dp_ctx ctx;
	struct dp_lcore lc1;
	struct wire_pkt w[5], *wp[5];
	struct rte_mbuf *m[5], *got[4];
	uint32_t slot;
	unsigned int i;

	cr_assert_not_null(bc);
	steer_setup(bc, &a, &ctx, &lc1);
	b.spi = a.spi + 1;
	cr_assert_eq(dp_sa_add(db, &b, 4, NULL, 2, &slot), 0);
	cr_assert_eq(bc_spi_add(bc, &(struct bc_spi_val){ .sa = dp_sa_get(db, slot), .spi = b.spi,
		.mn = 4, .owner_lcore = 2, .role = BC_SPI_PAYLOAD }), 0);
	ctx.n_workers = 3;
	rte_ring_free(ctx.esp_ring[0]);
	ctx.esp_ring[0] = rte_ring_create("esp0s", 2, 0, RING_F_SC_DEQ);   /* holds 1 */
	ctx.esp_ring[2] = rte_ring_create("esp2", 64, 0, RING_F_SC_DEQ);
	cr_assert(ctx.esp_ring[0] != NULL && ctx.esp_ring[2] != NULL);
	for (i = 0; i < 5; i++) {
		m[i] = esp_udp4_frame(k, i % 2 == 0 ? 0 : b.spi, &w[i]);
		wp[i] = &w[i];
	}
	dp_esp_rx(&lc1, 0, m, wp, 5);
	cr_assert_eq(lc1.stats.events[HA_EV_ESP_STEERED], 3);
	cr_assert_eq(lc1.stats.drops[HA_DROP_ESP_RING_FULL], 2);
	cr_assert_eq(rte_ring_count(ctx.esp_ring[1]), 0);
	cr_assert_eq(rte_ring_dequeue_burst(ctx.esp_ring[0], (void **)got, 4, NULL), 1);
	cr_assert_eq(got[0], m[0], "worker 0's first packet");
	rte_pktmbuf_free(got[0]);
	cr_assert_eq(rte_ring_dequeue_burst(ctx.esp_ring[2], (void **)got, 4, NULL), 2);
	cr_assert(got[0] == m[1] && got[1] == m[3], "worker 2's packets in their order");
	rte_pktmbuf_free_bulk(got, 2);
	for (i = 0; i < 3; i++)
		rte_ring_free(ctx.esp_ring[i]);
	bc_free(bc);
}

/*
 * ESP inside a tunnel to the home agent (UDP 4191, IPv6-in-IPv6) is signalling or wrong: an
 * SPI the home agent does not have (an SA gone, e.g. with an IKE daemon before a restart)
 * is counted as an unknown SPI, a payload SA's as the wrong carriage.
 */
Test(esp_steer, esp_inside_a_tunnel_is_told_apart_by_its_spi, .init = esp_setup, .fini = esp_teardown)
{
	const struct esp_kat *k = &esp_kats[2];
	struct bc *bc = bc_create(&(struct bc_params){ .name = "inner", .capacity = 16,
		.prefixes = 16, .spis = 16, .max_readers = 2, .socket = 0 });
	struct cfg_sa c = sa_cfg(k, CFG_SA_IN, 64);
	struct rte_mbuf *m;
	struct wire_pkt w;
	struct dp_ctx ctx;
	struct dp_lcore lc1;
	uint8_t *f;

	cr_assert_not_null(bc);
	steer_setup(bc, &c, &ctx, &lc1);
	m = rte_pktmbuf_alloc(pool);
	cr_assert_not_null(m);
	f = (uint8_t *)rte_pktmbuf_append(m, 48);
	cr_assert_not_null(f);
	memset(f, 0, 48);
	memset(&w, 0, sizeof(w));
	f[0] = 0x60;
	f[6] = 50;                            /* an inner IPv6 header, then ESP */
	wire_wr32(f + 40, 0x7777);
	cr_assert_eq(dp_esp_punt_inner(&lc1, m, &w, 0, 0, 48, 40), HA_DROP_ESP);
	wire_wr32(f + 40, c.spi);
	cr_assert_eq(dp_esp_punt_inner(&lc1, m, &w, 0, 0, 48, 40), HA_DROP_ESP_CARRIAGE);
	cr_assert_eq(dp_esp_punt_inner(&lc1, m, &w, 0, 0, 44, 40), HA_DROP_ESP_CARRIAGE,
		     "an ESP header cut short");
	rte_pktmbuf_free(m);
	rte_ring_free(ctx.esp_ring[0]);
	rte_ring_free(ctx.esp_ring[1]);
	bc_free(bc);
}

/*
 * A packet steered to the owning worker carries which SA it was classified for, not only
 * its slot: when that SA is deleted (an IKE rekey's delete, sa-del) and another takes the
 * slot (here: the same key and SPI for another node) before the worker dequeues it, the
 * packet is dropped as the gone SA's, never decrypted and counted under the new one.
 */
Test(esp_steer, a_steered_packet_never_meets_the_slots_next_sa, .init = esp_setup, .fini = esp_teardown)
{
	const struct esp_kat *k = &esp_kats[2];
	struct bc *bc = bc_create(&(struct bc_params){ .name = "steer2", .capacity = 16,
		.prefixes = 16, .spis = 16, .max_readers = 2, .socket = 0 });
	struct cfg_sa c = sa_cfg(k, CFG_SA_IN, 64);
	struct dp_ctx ctx;
	struct dp_lcore lc0, lc1;
	struct wire_pkt w, *wp = &w;
	struct rte_mbuf *m;
	uint32_t slot, slot2;

	cr_assert_not_null(bc);
	slot = steer_setup(bc, &c, &ctx, &lc1);
	lc0 = lc1;
	lc0.worker = 0;
	lc0.esp = dp_sadb_lcore(db, 0);
	m = esp_udp4_frame(k, 0, &w);
	dp_esp_rx(&lc1, 0, &m, &wp, 1);
	cr_assert_eq(rte_ring_count(ctx.esp_ring[0]), 1);
	/* meanwhile the control plane: sa-del, then an sa-add that takes the same slot */
	bc_spi_del(bc, k->spi);
	dp_sa_del(db, slot);
	cr_assert_eq(dp_sa_add(db, &c, 7, NULL, 0, &slot2), 0);
	cr_assert_eq(slot2, slot, "the slot is reused (the point of this test)");
	dp_esp_rx_steered(&lc0);
	cr_assert_eq(lc0.stats.drops[HA_DROP_ESP_NO_SA], 1);
	cr_assert_eq(dp_sadb_counters(db, 0)[slot2].pkts, 0, "the new SA took the old SA's packet");
	cr_assert_eq(dp_sadb_counters(db, 0)[slot2].auth_fail, 0);
	rte_ring_free(ctx.esp_ring[0]);
	rte_ring_free(ctx.esp_ring[1]);
	bc_free(bc);
}

/*
 * What a payload SA decrypts must come from a home address of the SA's own node (seed 001
 * §19.6): the inner source's binding is looked up for the whole burst at once, and a packet
 * from another node's home address, or from an address no node has, is dropped after it
 * was decrypted (the SA counts it; the drop says why).
 */
Test(esp_steer, decrypted_packets_from_another_nodes_address_are_dropped, .init = esp_setup,
     .fini = esp_teardown)
{
	const struct esp_kat *k = &esp_kats[2];       /* inner IPv6 from 2001:db8:1::100 */
	struct bc *bc = bc_create(&(struct bc_params){ .name = "inner2", .capacity = 16,
		.prefixes = 16, .spis = 16, .max_readers = 2, .socket = 0 });
	struct cfg_sa c = sa_cfg(k, CFG_SA_IN, 64);
	struct bc_entry *e;
	struct dp_ctx ctx;
	struct dp_lcore lc0;
	struct wire_pkt w, *wp = &w;
	struct rte_mbuf *m;
	uint32_t slot;

	cr_assert_not_null(bc);
	slot = steer_setup(bc, &c, &ctx, &lc0);   /* the SA is node 3's, worker 0 owns it */
	lc0.worker = 0;
	lc0.esp = dp_sadb_lcore(db, 0);
	/* 2001:db8:1::100 is node 4's home address */
	e = bc_entry_new(bc);
	cr_assert_not_null(e);
	e->mn = 4;
	memcpy(&e->hoa6, k->plain + 8, 16);
	cr_assert_eq(bc_publish(bc, e), 0);
	cr_assert_not_null(bc_lookup6(bc, &e->hoa6));
	m = esp_udp4_frame(k, 0, &w);
	dp_esp_rx(&lc0, 0, &m, &wp, 1);
	cr_assert_eq(lc0.stats.drops[HA_DROP_ESP_INNER], 1);
	/* and then nobody's */
	cr_assert_eq(bc_remove(bc, 4), 0);
	m = esp_udp4_frame(&esp_kats[3], 0, &w);
	dp_esp_rx(&lc0, 0, &m, &wp, 1);
	cr_assert_eq(lc0.stats.drops[HA_DROP_ESP_INNER], 2);
	cr_assert_eq(lc0.stats.events[HA_EV_DECAP_ESP], 0);
	cr_assert_eq(dp_sadb_counters(db, 0)[slot].pkts, 2, "both were decrypted first");
	/* /dsmip/runtime: the decryption is the esp_in stage's (it once went under "bind",
	 * the stage the decrypted packets met next) */
	cr_assert_eq(lc0.stats.stage[DP_ST_ESP_IN].pkts, 2);
	cr_assert_eq(lc0.stats.stage[DP_ST_BIND].pkts, 0);
	rte_ring_free(ctx.esp_ring[0]);
	rte_ring_free(ctx.esp_ring[1]);
	bc_free(bc);
}
