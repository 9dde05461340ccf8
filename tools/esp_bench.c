/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP cost on one core, as the workers pay it: stage + rte_ipsec (prepare with CPU crypto,
 * or crypto ops for outbound AES-CBC) + unstage, in bursts of 32, for every algorithm and a
 * few packet sizes, both directions. Prints numbers only (no thresholds).
 *   esp-bench [EAL options] -- [PACKETS [SAS]]
 * With SAS: also AES-128-GCM outbound at 64 B over 1, 32 and SAS SAs, each burst's 32
 * packets on 32 SAs in turn, two ways in alternating chunks of 64 bursts (the best chunk of
 * each is printed, in TSC cycles per packet): a CPU-crypto call per SA (dp_esp_process per
 * group) and dp_esp_process_groups (one crypto enqueue for the burst from
 * DP_ESP_OPS_GROUPS SAs on).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_mbuf.h>

#include "cfg.h"
#include "dp_esp.h"
#include "dp_sa.h"

#define BURST 32

static const struct {
	enum cfg_sa_alg alg;
	uint8_t key_len;
	uint8_t auth_len;
} algs[] = {
	{ CFG_ALG_AES128_GCM, 20, 0 },
	{ CFG_ALG_AES256_GCM, 36, 0 },
	{ CFG_ALG_AES128_CBC_SHA1, 16, 20 },
	{ CFG_ALG_AES128_CBC_SHA256, 16, 32 },
	{ CFG_ALG_NULL, 0, 0 },
};

static const uint16_t sizes[] = { 64, 512, 1400 };

static struct cfg_sa
sa_cfg(enum cfg_sa_alg alg, uint8_t kl, uint8_t al, enum cfg_sa_dir dir)
{
	struct cfg_sa c;

	memset(&c, 0, sizeof(c));
	c.spi = 0x4000;
	c.dir = dir;
	c.role = CFG_SA_PAYLOAD;
	c.alg = alg;
	c.key_len = kl;
	c.auth_key_len = al;
	memset(c.key, 0x11, kl);
	memset(c.auth_key, 0x22, al);
	c.replay_window = dir == CFG_SA_IN ? 4096 : 0;
	return c;
}

#define CHUNK 64                      /* bursts per timed chunk */

/* One chunk of outbound bursts over n SAs (slot[]), k: the next SA in turn. @return cycles. */
static uint64_t
sas_chunk(struct dp_sadb *db, struct rte_mempool *pool, struct dp_esp_lcore *lc,
	  const uint32_t *slot, uint32_t n, uint32_t *k, bool groups, struct dp_sa_ctr *ctr)
{
	struct rte_mbuf *m[BURST], *flat[BURST];
	struct dp_esp_group g[BURST];
	uint64_t t = 0, t0;
	unsigned int b, i, j;

	for (b = 0; b < CHUNK; b++) {
		uint16_t ng = n < BURST ? (uint16_t)n : BURST, used = 0;

		for (i = 0; i < BURST; i++) {
			m[i] = rte_pktmbuf_alloc(pool);
			memset(rte_pktmbuf_append(m[i], 64), 0x45, 64);
			dp_esp_out_stage(m[i], 4);
		}
		t0 = rte_rdtsc_precise();
		/* packet i goes to SA (k + i) mod n: group j holds packets j, j + ng, ... */
		for (j = 0; j < ng; j++) {
			g[j] = (struct dp_esp_group){ .sa = dp_sa_get(db, slot[(*k + j) % n]),
						      .ctr = ctr, .mb = flat + used };
			for (i = j; i < BURST; i += ng)
				flat[used + g[j].n++] = m[i];
			used += g[j].n;
		}
		if (groups)
			dp_esp_process_groups(g, ng, lc);
		else
			for (j = 0; j < ng; j++)
				dp_esp_process(g[j].sa, g[j].mb, g[j].n, ctr, lc);
		for (i = 0; i < BURST; i++)
			dp_esp_out_unstage(flat[i]);
		t += rte_rdtsc_precise() - t0;
		rte_pktmbuf_free_bulk(flat, BURST);
		*k = (*k + ng) % n;
	}
	return t;
}

/* Many SAs: a CPU-crypto call per SA against one crypto enqueue per burst (see the top). */
static int
many_sas(struct dp_sadb *db, struct rte_mempool *pool, struct dp_esp_lcore *lc, uint32_t n,
	 uint64_t n_pkts)
{
	uint32_t *slot = calloc(n, sizeof(*slot)), i, k = 0;
	uint64_t best[2] = { UINT64_MAX, UINT64_MAX }, c;
	struct dp_sa_ctr ctr = { 0 };
	unsigned int r;
	int rc = 0;

	if (slot == NULL)
		return 1;
	for (i = 0; i < n && rc == 0; i++) {
		struct cfg_sa co = sa_cfg(CFG_ALG_AES128_GCM, 20, 0, CFG_SA_OUT);

		co.spi = 0x10000 + i;
		rc = dp_sa_add(db, &co, 0, NULL, 0, &slot[i]);
	}
	for (r = 0; rc == 0 && r < 2 * RTE_MAX(n_pkts / (BURST * CHUNK), 2u); r++) {
		c = sas_chunk(db, pool, lc, slot, n, &k, r % 2, &ctr);
		best[r % 2] = RTE_MIN(best[r % 2], c);
	}
	if (rc == 0)
		printf("ESPBENCH_SAS alg=aes-128-gcm size=64 sas=%u cpu_call_per_sa_cycles=%.0f "
		       "groups_cycles=%.0f groups_path=%s\n", n,
		       (double)best[0] / (BURST * CHUNK), (double)best[1] / (BURST * CHUNK),
		       RTE_MIN(n, (uint32_t)BURST) >= DP_ESP_OPS_GROUPS ? "crypto_ops" : "cpu");
	for (i = 0; i < n; i++)
		dp_sa_del(db, slot[i]);
	free(slot);
	return rc;
}

int
main(int argc, char **argv)
{
	struct rte_mempool *pool;
	struct dp_sadb *db;
	struct dp_esp_lcore lc;
	uint64_t n_pkts = 200000, hz;
	uint32_t n_sas = 0;
	unsigned int a, z;
	int rc = rte_eal_init(argc, argv);

	if (rc < 0)
		return 1;
	if (argc - rc > 1)
		n_pkts = strtoull(argv[rc + 1], NULL, 0);
	if (argc - rc > 2)
		n_sas = (uint32_t)strtoul(argv[rc + 2], NULL, 0);
	hz = rte_get_tsc_hz();
	pool = rte_pktmbuf_pool_create("eb", 4 * BURST * 2 + 64, 0, 64, RTE_MBUF_DEFAULT_BUF_SIZE,
				       0);
	db = dp_sadb_create(&(struct dp_sadb_params){ .crypto_dev = "crypto_aesni_mb0",
		.capacity = 16 + RTE_MAX(n_sas, (uint32_t)BURST), .n_lcores = 1, .socket = 0 });
	if (pool == NULL || db == NULL)
		return 1;
	lc = dp_sadb_lcore(db, 0);
	for (a = 0; a < RTE_DIM(algs); a++) {
		for (z = 0; z < RTE_DIM(sizes); z++) {
			struct cfg_sa co = sa_cfg(algs[a].alg, algs[a].key_len, algs[a].auth_len,
						  CFG_SA_OUT);
			struct cfg_sa ci = sa_cfg(algs[a].alg, algs[a].key_len, algs[a].auth_len,
						  CFG_SA_IN);
			struct dp_sa_ctr ctr = { 0 };
			struct rte_mbuf *m[BURST], *keep[BURST];
			uint64_t t_out = 0, t_in = 0, done = 0, t0;
			uint32_t so, si;
			uint16_t len = sizes[z], i, ok;

			if (dp_sa_add(db, &co, 0, NULL, 0, &so) != 0 ||
			    dp_sa_add(db, &ci, 0, NULL, 0, &si) != 0)
				return 1;
			while (done < n_pkts) {
				for (i = 0; i < BURST; i++) {
					m[i] = rte_pktmbuf_alloc(pool);
					memset(rte_pktmbuf_append(m[i], len), 0x45, len);
					dp_esp_out_stage(m[i], 4);
				}
				t0 = rte_rdtsc_precise();
				ok = dp_esp_process(dp_sa_get(db, so), m, BURST, &ctr, &lc);
				for (i = 0; i < ok; i++)
					dp_esp_out_unstage(m[i]);
				t_out += rte_rdtsc_precise() - t0;
				/* decrypt what was just encrypted, as a receiver would */
				for (i = 0; i < ok; i++) {
					uint16_t el = rte_pktmbuf_data_len(m[i]);

					keep[i] = rte_pktmbuf_alloc(pool);
					memset(rte_pktmbuf_append(keep[i], 54), 0, 54);
					memcpy(rte_pktmbuf_append(keep[i], el),
					       rte_pktmbuf_mtod(m[i], void *), el);
					dp_esp_in_stage(keep[i], 54, (uint16_t)(54 + el));
				}
				rte_pktmbuf_free_bulk(m, BURST);
				t0 = rte_rdtsc_precise();
				if (dp_esp_process(dp_sa_get(db, si), keep, ok, &ctr, &lc) != ok)
					return 2;
				for (i = 0; i < ok; i++)
					dp_esp_in_unstage(keep[i]);
				t_in += rte_rdtsc_precise() - t0;
				rte_pktmbuf_free_bulk(keep, ok);
				done += ok;
			}
			printf("ESPBENCH alg=%s size=%u encrypt_ns=%.0f decrypt_ns=%.0f "
			       "encrypt_gbps=%.2f decrypt_gbps=%.2f packets=%" PRIu64 "\n",
			       dp_sa_alg_name(algs[a].alg), len, 1e9 * t_out / hz / done,
			       1e9 * t_in / hz / done, 8.0 * len * done * hz / t_out / 1e9,
			       8.0 * len * done * hz / t_in / 1e9, done);
			dp_sa_del(db, so);
			dp_sa_del(db, si);
		}
	}
	if (n_sas > 0) {
		const uint32_t counts[] = { 1, BURST, n_sas };

		for (a = 0; a < RTE_DIM(counts); a++)
			if (many_sas(db, pool, &lc, counts[a], n_pkts) != 0)
				return 3;
	}
	dp_sadb_free(db);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return 0;
}
