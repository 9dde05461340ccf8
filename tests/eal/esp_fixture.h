/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the ESP tests share: an mbuf pool, an SA table on the real crypto_aesni_mb PMD with
 * one lcore's queue pair (esp_setup / esp_teardown, Criterion's .init / .fini), and SA
 * configurations from scapy's vectors (esp_kat.h).
 */
#ifndef HA_ESP_FIXTURE_H
#define HA_ESP_FIXTURE_H

#include <string.h>

#include <rte_mbuf.h>

#include "cfg.h"
#include "dp_sa.h"
#include "eal_fixture.h"
#include "esp_kat.h"

static struct rte_mempool *pool;
static struct dp_sadb *db;
static struct dp_esp_lcore lc;

static void
esp_setup(void)
{
	ha_eal_init();
	pool = rte_pktmbuf_pool_create("t_esp", 1023, 32, 64, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	cr_assert_not_null(pool);
	db = dp_sadb_create(&(struct dp_sadb_params){
		.crypto_dev = "crypto_aesni_mb0", .capacity = 64, .n_lcores = 1, .socket = 0 });
	cr_assert_not_null(db, "crypto_aesni_mb with CPU crypto");
	lc = dp_sadb_lcore(db, 0);
}

static void
esp_teardown(void)
{
	dp_sadb_free(db);
	rte_mempool_free(pool);
	ha_eal_fini();
}

/* The SA of vector k in direction dir; window: the anti-replay window (inbound). */
static struct cfg_sa
sa_cfg(const struct esp_kat *k, enum cfg_sa_dir dir, uint32_t window)
{
	struct cfg_sa c;

	memset(&c, 0, sizeof(c));
	c.spi = k->spi;
	c.dir = dir;
	c.role = k->next == 135 ? CFG_SA_SIGNALLING : CFG_SA_PAYLOAD;
	c.alg = (enum cfg_sa_alg)k->alg;
	c.key_len = k->key_len;
	memcpy(c.key, k->key, k->key_len);
	c.auth_key_len = k->auth_key_len;
	memcpy(c.auth_key, k->auth_key, k->auth_key_len);
	c.replay_window = window;
	return c;
}

#endif /* HA_ESP_FIXTURE_H */
