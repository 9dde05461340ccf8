/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EAL tier: a burst of many SAs through one crypto enqueue (dp_esp_process_groups, issue
 * 17) on the real crypto_aesni_mb PMD and the unmodified rte_ipsec, against scapy's known
 * answers (tests/vectors/esp_kat.h): outbound byte for byte (GCM, NULL) or decrypting to the
 * plaintext with fresh IVs (AES-CBC), inbound with a tampered packet and a duplicate in the
 * same burst counted on their own SA only; and a burst of few SAs keeps CPU crypto.
 */
#include <string.h>

#include <rte_cryptodev.h>
#include <rte_mbuf.h>

#include "cfg.h"
#include "dp_esp.h"
#include "dp_sa.h"
#include "esp_fixture.h"
#include "wire_csum.h"

#define PAIRS (RTE_DIM(esp_kats) / 2)  /* each vector comes as sequence numbers 1 and 2 */

static bool
is_cbc(const struct esp_kat *k)
{
	return k->alg == CFG_ALG_AES128_CBC_SHA1 || k->alg == CFG_ALG_AES128_CBC_SHA256;
}

static struct dp_sa *
sa_new(const struct esp_kat *k, enum cfg_sa_dir dir)
{
	struct cfg_sa c = sa_cfg(k, dir, dir == CFG_SA_IN ? 64 : 0);
	uint32_t slot;

	cr_assert_eq(dp_sa_add(db, &c, 1, NULL, DP_SA_OWNER_CP, &slot), 0, "%s", k->name);
	return dp_sa_get(db, slot);
}

static struct rte_mbuf *
plain(const struct esp_kat *k)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	cr_assert_not_null(m);
	memcpy(rte_pktmbuf_append(m, k->plain_len), k->plain, k->plain_len);
	cr_assert_eq(dp_esp_out_stage(m, k->next), 0);
	return m;
}

/* ESP bytes as received: Ethernet + IPv6 (next header 50) in front, then staged. */
static struct rte_mbuf *
received(const uint8_t *esp, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *f;

	cr_assert_not_null(m);
	f = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(54 + len));
	memset(f, 0, 54);
	f[14] = 0x60;
	wire_wr16(f + 18, len);
	f[20] = 50;
	memcpy(f + 54, esp, len);
	cr_assert_eq(dp_esp_in_stage(m, 54, (uint16_t)(54 + len)), 0);
	return m;
}

/* Outbound: every vector's SA in one burst, two packets each (sequence numbers 1, 2). */
static void
outbound_burst(unsigned int pairs, uint16_t want_ops)
{
	struct rte_mbuf *flat[DP_ESP_BURST_MAX];
	struct dp_esp_group g[PAIRS];
	struct dp_sa_ctr ctr[PAIRS];
	struct dp_sa *out[PAIRS], *in[PAIRS];
	uint8_t iv[2][16];
	unsigned int p, j;

	memset(ctr, 0, sizeof(ctr));
	for (p = 0; p < pairs; p++) {
		const struct esp_kat *k = &esp_kats[2 * p];

		out[p] = sa_new(k, CFG_SA_OUT);
		in[p] = sa_new(k, CFG_SA_IN);
		cr_assert_not_null(out[p]->ls.sa, "%s: no crypto-op session", k->name);
		for (j = 0; j < 2; j++)
			flat[2 * p + j] = plain(&esp_kats[2 * p + j]);
		g[p] = (struct dp_esp_group){ .sa = out[p], .ctr = &ctr[p], .mb = &flat[2 * p],
					      .n = 2 };
	}
	cr_assert_eq(dp_esp_process_groups(g, (uint16_t)pairs, &lc), want_ops);
	for (p = 0; p < pairs; p++) {
		cr_assert_eq(g[p].ok, 2, "%s", esp_kats[2 * p].name);
		cr_assert_eq(ctr[p].pkts, 2);
		cr_assert_eq(ctr[p].errors + ctr[p].auth_fail + ctr[p].replay, 0);
		for (j = 0; j < 2; j++) {
			const struct esp_kat *k = &esp_kats[2 * p + j];
			struct rte_mbuf *m = g[p].mb[j], *r;
			struct dp_sa_ctr rc = { 0 };
			const uint8_t *e;

			dp_esp_out_unstage(m);
			e = rte_pktmbuf_mtod(m, const uint8_t *);
			cr_assert_eq(rte_pktmbuf_pkt_len(m), k->esp_len, "%s", k->name);
			if (!is_cbc(k)) {
				cr_assert_arr_eq(e, k->esp, k->esp_len, "%s", k->name);
			} else {
				/* the IV is random: SPI and sequence number, then decrypt */
				cr_assert_eq(wire_rd32(e), k->spi);
				cr_assert_eq(wire_rd32(e + 4), j + 1);
				memcpy(iv[j], e + 8, sizeof(iv[j]));
			}
			r = received(e, k->esp_len);
			cr_assert_eq(dp_esp_process(in[p], &r, 1, &rc, &lc), 1, "%s", k->name);
			cr_assert_eq(dp_esp_in_unstage(r), k->next);
			cr_assert_arr_eq(rte_pktmbuf_mtod(r, uint8_t *), k->plain, k->plain_len);
			rte_pktmbuf_free(r);
			rte_pktmbuf_free(m);
		}
		if (is_cbc(&esp_kats[2 * p]))
			cr_assert(memcmp(iv[0], iv[1], sizeof(iv[0])) != 0, "%s: the same IV twice",
				  esp_kats[2 * p].name);
	}
}

Test(esp_groups, many_sas_outbound_in_one_enqueue_match_the_known_answers, .init = esp_setup,
     .fini = esp_teardown)
{
	cr_assert_geq(PAIRS, DP_ESP_OPS_GROUPS);
	outbound_burst(PAIRS, PAIRS);
}

Test(esp_groups, few_sas_keep_cpu_crypto_and_the_same_answers, .init = esp_setup, .fini = esp_teardown)
{
	outbound_burst(DP_ESP_OPS_GROUPS - 1, 0);
}

/*
 * Inbound: every vector as received, one SA per vector pair, in one burst; one packet's
 * ICV broken and another SA's first packet repeated. Only those two are refused, each
 * counted on its own SA; every other packet decrypts to scapy's plaintext, in order.
 */
Test(esp_groups, many_sas_inbound_in_one_enqueue_count_each_sa_alone, .init = esp_setup,
     .fini = esp_teardown)
{
	struct rte_mbuf *flat[DP_ESP_BURST_MAX];
	struct dp_esp_group g[PAIRS];
	struct dp_sa_ctr ctr[PAIRS];
	unsigned int p, j, n = 0;
	const unsigned int bad = 3, dup = 5;

	memset(ctr, 0, sizeof(ctr));
	for (p = 0; p < PAIRS; p++) {
		struct dp_sa *in = sa_new(&esp_kats[2 * p], CFG_SA_IN);
		uint16_t first = (uint16_t)n;

		for (j = 0; j < 2; j++) {
			const struct esp_kat *k = &esp_kats[2 * p + j];

			flat[n] = received(k->esp, k->esp_len);
			if (p == bad && j == 1)     /* the last ICV byte */
				rte_pktmbuf_mtod(flat[n], uint8_t *)[DP_ESP_TMPL_LEN + k->esp_len -
								      1] ^= 0x01;
			n++;
		}
		if (p == dup)
			flat[n++] = received(esp_kats[2 * p].esp, esp_kats[2 * p].esp_len);
		g[p] = (struct dp_esp_group){ .sa = in, .ctr = &ctr[p], .mb = &flat[first],
					      .n = (uint16_t)(n - first) };
	}
	cr_assert_eq(dp_esp_process_groups(g, PAIRS, &lc), PAIRS);
	for (p = 0; p < PAIRS; p++) {
		unsigned int want = p == bad ? 1 : 2;

		cr_assert_eq(g[p].ok, want, "%s: %u good", esp_kats[2 * p].name, g[p].ok);
		cr_assert_eq(ctr[p].pkts, want);
		cr_assert_eq(ctr[p].auth_fail, p == bad ? 1u : 0u, "%s", esp_kats[2 * p].name);
		cr_assert_eq(ctr[p].replay, p == dup ? 1u : 0u, "%s", esp_kats[2 * p].name);
		for (j = 0; j < want; j++) {
			const struct esp_kat *k = &esp_kats[2 * p + j];

			cr_assert_eq(dp_esp_in_unstage(g[p].mb[j]), k->next, "%s", k->name);
			cr_assert_arr_eq(rte_pktmbuf_mtod(g[p].mb[j], uint8_t *), k->plain,
					 k->plain_len, "%s", k->name);
		}
		rte_pktmbuf_free_bulk(g[p].mb, g[p].n);
	}
}

/*
 * The session lines the burst prefetches (dp_sa_session_lines): AES-GCM's on this very
 * PMD — its private session still has the size the map was drawn for (else a new DPDK or
 * intel-ipsec-mb changed the layout and the map must be drawn again) — and the safe
 * default (the header and the first private line) for anything else.
 */
Test(esp_groups, gcm_sessions_prefetch_the_lines_the_crypto_reads, .init = esp_setup,
     .fini = esp_teardown)
{
	const uint32_t gcm128 = 0x1fu | 1u << 16 | 1u << 17 | 1u << 22;
	unsigned int i;

	cr_assert_eq(rte_cryptodev_sym_get_private_session_size(db->dev_id), 1408u,
		     "crypto_aesni_mb's session layout changed: redraw dp_sa_session_lines");
	cr_assert_eq(dp_sa_session_lines("crypto_aesni_mb", 1408, CFG_ALG_AES128_GCM), gcm128);
	cr_assert_eq(dp_sa_session_lines("crypto_aesni_mb", 1408, CFG_ALG_AES256_GCM),
		     gcm128 | 1u << 5);
	cr_assert_eq(dp_sa_session_lines("crypto_aesni_mb", 1472, CFG_ALG_AES128_GCM), 0x3u);
	cr_assert_eq(dp_sa_session_lines("crypto_aesni_gcm", 1408, CFG_ALG_AES128_GCM), 0x3u);
	cr_assert_eq(dp_sa_session_lines(NULL, 1408, CFG_ALG_AES128_GCM), 0x3u);
	cr_assert_eq(dp_sa_session_lines("crypto_aesni_mb", 1408, CFG_ALG_AES128_CBC_SHA1), 0x3u);
	for (i = 0; i < RTE_DIM(esp_kats); i += 2) {
		const struct dp_sa *sa = sa_new(&esp_kats[i], CFG_SA_OUT);

		cr_assert_eq(sa->ses_lines, esp_kats[i].alg == CFG_ALG_AES128_GCM ? gcm128 :
			     esp_kats[i].alg == CFG_ALG_AES256_GCM ? (gcm128 | 1u << 5) : 0x3u,
			     "%s", esp_kats[i].name);
		cr_assert_eq(sa->ipsec_lines, 4);
	}
}
