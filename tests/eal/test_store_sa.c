/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EAL tier: ESP sequence numbers across a restart (cp_store_sa.c) with real SAs on
 * rte_ipsec and a real store: an outbound SA's reservation is stored before the numbers it
 * covers are used, renewed ahead of use (further for a fast SA), and a new SA of the same
 * SPI after a "restart" sends its first packet above everything the old one could have
 * sent; an inbound SA's replay edge is stored as its window moves.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <rte_mbuf.h>

#include "cfg.h"
#include "cp_store.h"
#include "dp_esp.h"
#include "dp_sa.h"
#include "esp_fixture.h"
#include "wire_csum.h"

#define STEP (UINT64_C(1) << 22)

static char tmpdir[64], path[128];

/* the ESP fixture, and a state store's directory */
static void
setup(void)
{
	esp_setup();
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/dsmip-ssa-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/state.mdb", tmpdir);
}

static void
teardown(void)
{
	char lock[160];

	snprintf(lock, sizeof(lock), "%s-lock", path);
	unlink(path);
	unlink(lock);
	rmdir(tmpdir);
	esp_teardown();
}

/* A payload SA of the first vector (AES-128-GCM), window 64 inbound, from seq_start. */
static struct cfg_sa
store_sa_cfg(enum cfg_sa_dir dir, uint64_t seq_start)
{
	struct cfg_sa c = sa_cfg(&esp_kats[0], dir, dir == CFG_SA_IN ? 64 : 0);

	c.role = CFG_SA_PAYLOAD;
	c.seq_start = seq_start;
	return c;
}

static struct dp_sa *
sa_add(const struct cfg_sa *c)
{
	uint32_t slot;

	cr_assert_eq(dp_sa_add(db, c, 1, NULL, DP_SA_OWNER_CP, &slot), 0);
	return dp_sa_get(db, slot);
}

/* One packet through outbound SA sa (its counters are the worker's): its ESP bytes. */
static struct rte_mbuf *
send_one(struct dp_sa *sa)
{
	const struct esp_kat *k = &esp_kats[0];
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	cr_assert_not_null(m);
	memcpy(rte_pktmbuf_append(m, k->plain_len), k->plain, k->plain_len);
	cr_assert_eq(dp_esp_out_stage(m, k->next), 0);
	cr_assert_eq(dp_esp_process(sa, &m, 1, &dp_sadb_counters(db, 0)[sa->slot], &lc), 1);
	dp_esp_out_unstage(m);
	return m;
}

/* The mark a restart would read for the SA of cfg c. */
static uint64_t
stored_start(struct cfg_sa c)
{
	struct ha_cfg *cfg = calloc(1, sizeof(*cfg));
	struct cp_store *s;
	char err[600];
	uint64_t v;

	cr_assert_not_null(cfg);
	s = cp_store_open(path, 64, 100, false, err, sizeof(err));
	cr_assert_not_null(s, "%s", err);
	cfg->mns = calloc(1, sizeof(*cfg->mns));
	cr_assert_not_null(cfg->mns);
	cfg->n_mns = 1;
	cfg->mns[0].count = 1;
	cfg->mns[0].n_sas = 1;
	c.seq_start = 0;
	cfg->mns[0].sas[0] = c;
	cp_store_sa_starts(s, cfg);
	v = cfg->mns[0].sas[0].seq_start;
	cp_store_close(s);
	free(cfg->mns);
	free(cfg);
	return v;
}

Test(store_sa, outbound_reservation_is_stored_ahead_and_a_restart_starts_above_it,
     .init = setup, .fini = teardown)
{
	struct cfg_sa c = store_sa_cfg(CFG_SA_OUT, 0);
	struct dp_sa *sa = sa_add(&c), *again;
	struct cp_store_sa *w = cp_store_sa_create(64, 1);
	struct cp_store *s;
	struct rte_mbuf *m;
	char err[600];
	uint64_t mark;
	unsigned int i;

	cr_assert_not_null(w);
	s = cp_store_open(path, 64, 100, false, err, sizeof(err));
	cr_assert_not_null(s, "%s", err);
	/* before the first packet: a reservation of STEP */
	cp_store_sa_sweep(w, s, db, 64, 1000);
	cr_assert_gt(cp_store_flush(s, NULL, 1000, 0), 0);
	for (i = 0; i < 100; i++)
		rte_pktmbuf_free(send_one(sa));
	/* far from it: not renewed */
	cp_store_sa_sweep(w, s, db, 64, 2000);
	cr_assert_eq(cp_store_flush(s, NULL, 2000, 0), 0);
	cp_store_close(s);
	cr_assert_eq(stored_start(c), STEP);
	/* a fast SA (3,000,000 packets in 100 ms, as if sent): renewed 10 s of its rate ahead */
	s = cp_store_open(path, 64, 100, false, err, sizeof(err));
	cr_assert_not_null(s, "%s", err);
	dp_sadb_counters(db, 0)[sa->slot].pkts += 3000000 - 100;
	cp_store_sa_sweep(w, s, db, 64, 2100);
	cr_assert_gt(cp_store_flush(s, NULL, 2100, 0), 0);
	cp_store_close(s);
	mark = stored_start(c);
	cr_assert_geq(mark, 3000000 + UINT64_C(29000) * 10000, "stored %lu", (unsigned long)mark);
	cr_assert_leq(mark, 3000000 + UINT64_C(31000) * 10000, "stored %lu", (unsigned long)mark);
	/* the restart: the same SPI and key, numbers from the stored mark on */
	cr_assert_eq(dp_sa_del(db, sa->slot), 0);
	c.seq_start = mark;
	again = sa_add(&c);
	m = send_one(again);
	cr_assert_eq(wire_rd32(rte_pktmbuf_mtod(m, uint8_t *) + 4), (uint32_t)mark);
	rte_pktmbuf_free(m);
	cp_store_sa_free(w);
}

Test(store_sa, inbound_edge_is_stored_as_the_window_moves, .init = setup, .fini = teardown)
{
	struct cfg_sa co = store_sa_cfg(CFG_SA_OUT, 0), ci = store_sa_cfg(CFG_SA_IN, 0);
	struct dp_sa *out = sa_add(&co), *in;
	struct cp_store_sa *w = cp_store_sa_create(64, 1);
	struct dp_sa_ctr ctr = { 0 };
	struct rte_mbuf *pkt[5];
	struct cp_store *s;
	char err[600];
	unsigned int i;

	cr_assert_not_null(w);
	for (i = 0; i < 5; i++)
		pkt[i] = send_one(out);
	cr_assert_eq(dp_sa_del(db, out->slot), 0);
	in = sa_add(&ci);
	s = cp_store_open(path, 64, 100, false, err, sizeof(err));
	cr_assert_not_null(s, "%s", err);
	for (i = 0; i < 5; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
		uint16_t len = (uint16_t)rte_pktmbuf_pkt_len(pkt[i]);
		uint8_t *f = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(54 + len));

		memset(f, 0, 54);
		f[14] = 0x60;
		wire_wr16(f + 18, len);
		f[20] = 50;
		memcpy(f + 54, rte_pktmbuf_mtod(pkt[i], uint8_t *), len);
		cr_assert_eq(dp_esp_in_stage(m, 54, (uint16_t)(54 + len)), 0);
		cr_assert_eq(dp_esp_process(in, &m, 1, &ctr, &lc), 1);
		rte_pktmbuf_free(m);
		if (i == 2) {
			cp_store_sa_sweep(w, s, db, 64, 1000 + i);
			cp_store_flush(s, NULL, 1000 + i, 0);
		}
	}
	cp_store_close(s);
	cr_assert_eq(stored_start(ci), 3, "the edge when the sweep passed");
	s = cp_store_open(path, 64, 100, false, err, sizeof(err));
	cr_assert_not_null(s, "%s", err);
	cp_store_sa_sweep(w, s, db, 64, 2000);
	cp_store_flush(s, NULL, 2000, 0);
	cp_store_close(s);
	cr_assert_eq(stored_start(ci), 5);
	rte_pktmbuf_free_bulk(pkt, 5);
	cp_store_sa_free(w);
}

/*
 * The control loop's sweep is paced by the clock: every slot once per 20 ms, not once per
 * pass (each visit reads the workers' counter lines, and a worker's next write to a line
 * read by another core misses: issue 17). An SA that needs a new reservation right after
 * its visit gets it at its next visit, 20 ms later, however often the loop turns.
 */
Test(store_sa, the_loops_sweep_visits_each_slot_once_per_20_ms,
     .init = setup, .fini = teardown)
{
	struct cfg_sa c = store_sa_cfg(CFG_SA_OUT, 0);
	struct dp_sa *sa = sa_add(&c);
	struct cp_store_sa *w = cp_store_sa_create(64, 1);
	struct cp_store *s;
	char err[600];
	uint64_t t;
	unsigned int pass;

	cr_assert_not_null(w);
	cr_assert_eq(sa->slot, 0);
	s = cp_store_open(path, 64, 100, false, err, sizeof(err));
	cr_assert_not_null(s, "%s", err);
	/* the first pass reaches slot 0: its first reservation */
	cp_store_sa_sweep(w, s, db, 0, 1000);
	cr_assert_gt(cp_store_flush(s, NULL, 1000, 0), 0);
	/* used up to the reservation at once: due for a new one */
	dp_sadb_counters(db, 0)[sa->slot].pkts += STEP;
	for (t = 1000; t < 1019; t++) {
		for (pass = 0; pass < 10; pass++)      /* a loop turning every 100 us */
			cp_store_sa_sweep(w, s, db, 0, t);
		cr_assert_eq(cp_store_flush(s, NULL, t, 0), 0, "slot 0 visited again at %lu ms",
			     (unsigned long)(t - 1000));
	}
	for (; t < 1022; t++)
		cp_store_sa_sweep(w, s, db, 0, t);
	cr_assert_gt(cp_store_flush(s, NULL, t, 0), 0, "slot 0 not visited again within 22 ms");
	cp_store_close(s);
	cr_assert_geq(stored_start(c), STEP + STEP / 2);
	cp_store_sa_free(w);
}
