/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP cost on one core, as the workers pay it: stage + rte_ipsec (prepare with CPU crypto,
 * or crypto ops for outbound AES-CBC) + unstage, in bursts of 32, for every algorithm and a
 * few packet sizes, both directions. Prints numbers only (no thresholds).
 *   esp-bench [EAL options] -- [PACKETS]
 */
#include <inttypes.h>
#include <stdio.h>
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

int
main(int argc, char **argv)
{
	struct rte_mempool *pool;
	struct dp_sadb *db;
	struct dp_esp_lcore lc;
	uint64_t n_pkts = 200000, hz;
	unsigned int a, z;
	int rc = rte_eal_init(argc, argv);

	if (rc < 0)
		return 1;
	if (argc - rc > 1)
		n_pkts = strtoull(argv[rc + 1], NULL, 0);
	hz = rte_get_tsc_hz();
	pool = rte_pktmbuf_pool_create("eb", 4 * BURST * 2 + 64, 0, 64, RTE_MBUF_DEFAULT_BUF_SIZE,
				       0);
	db = dp_sadb_create(&(struct dp_sadb_params){ .crypto_dev = "crypto_aesni_mb0",
		.capacity = 16, .n_lcores = 1, .socket = 0 });
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
	dp_sadb_free(db);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return 0;
}
