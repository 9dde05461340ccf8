/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One writer moves 100,000 bindings between care-of addresses while three reader lcores
 * (four lcores mapped on the machine's two cores) look them up continuously; along the way
 * it also removes and re-adds bindings, gives IPv4 home addresses, changes and takes them
 * away, adds and deletes mobile network prefixes (each a swap of the two rte_lpm6 copies)
 * and SPIs. Every entry a reader sees must be internally consistent (CoA, template and
 * checksum agree) and belong to the key it looked up: an IPv4 key leads to an entry that
 * has that address, a prefix to its node, an SPI to its own value. Under the ASan build,
 * entries are poisoned while free, so a use after reclaim is reported.
 */
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include <arpa/inet.h>

#include "bc_util.h"
#include "eal_fixture.h"

#define N_MN 100000
#define RUN_SECONDS 3
#define MAX_READERS 8
#define N_PFX 48                      /* prefixes and SPIs churned */

static uint64_t prefix_spi_dels;      /* writer: prefix and SPI deletions */

/* Node mn's IPv4 home address in round ver: none, its own, or a second one (a change). */
static uint32_t
hoa4_of(uint32_t mn, uint32_t ver)
{
	if (mn % 3 == 0)
		return 0;
	if (mn % 5 == 0)
		return ver % 2 ? t_hoa4(mn) : t_hoa4(mn + N_MN);
	if (mn % 7 == 0 && ver % 3 == 0)
		return 0;
	return t_hoa4(mn);
}

/* 2001:db8:100:k::/64, node k's mobile network prefix */
static void
pfx6(uint32_t k, struct in6_addr *a)
{
	inet_pton(AF_INET6, "2001:db8:100::", a);
	a->s6_addr[6] = (uint8_t)(k >> 8);
	a->s6_addr[7] = (uint8_t)k;
}

struct reader {
	struct bc *bc;
	unsigned int tid;
	volatile bool *stop;
	uint64_t lookups;
	uint64_t hits;
	uint64_t bad;
	uint64_t extra;                 /* prefix and SPI lookups that found something */
	int first_bad;
} __rte_cache_aligned;

static int
reader_main(void *arg)
{
	struct reader *r = arg;
	struct rte_rcu_qsbr *v = bc_rcu(r->bc);
	uint64_t x = 0x9e3779b97f4a7c15ull * (r->tid + 1);
	struct in6_addr a6[32];
	uint32_t a4[32];
	const struct in6_addr *p6[32];
	const uint32_t *p4[32];
	const struct bc_entry *out[32];
	uint32_t mns[32];
	unsigned int i;
	bool v4 = false;

	if (bc_reader_register(r->bc, r->tid) != 0)
		return -1;
	for (i = 0; i < 32; i++) {
		p6[i] = &a6[i];
		p4[i] = &a4[i];
	}
	while (!*r->stop) {
		for (i = 0; i < 32; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			mns[i] = (uint32_t)(x % N_MN);
			t_hoa6(mns[i], &a6[i]);
			a4[i] = t_hoa4(mns[i]);
		}
		v4 = !v4;
		r->hits += v4 ? bc_lookup4_bulk(r->bc, p4, 32, out) :
				bc_lookup6_bulk(r->bc, p6, 32, out);
		r->lookups += 32;
		for (i = 0; i < 32; i++) {
			int c;

			if (out[i] == NULL)
				continue;   /* not yet published */
			c = t_check(out[i], mns[i]);
			if (c != 0) {
				r->bad++;
				r->first_bad = c;
			}
		}
		/* the single-key path too, and the slot path */
		out[0] = v4 ? bc_lookup6(r->bc, p6[0]) : bc_lookup4(r->bc, a4[0]);
		if (out[0] != NULL && t_check(out[0], mns[0]) != 0)
			r->bad++;
		out[1] = bc_get(r->bc, mns[1]);
		if (out[1] != NULL && t_check(out[1], mns[1]) != 0)
			r->bad++;
		/* an IPv4 key leads to an entry holding that address */
		for (i = 0; i < 32 && v4; i++)
			if (out[i] != NULL && i > 1 &&
			    (!(out[i]->flags & BC_F_HOA4) || out[i]->hoa4 != a4[i])) {
				r->bad++;
				r->first_bad = 7;
			}
		/* a prefix (two lpm6 copies swapped under us) to its node; an SPI to itself */
		{
			uint32_t k = (uint32_t)(x % N_PFX);
			const struct bc_spi_val *sv = bc_spi_lookup(r->bc, 256 + k);
			struct in6_addr in;

			pfx6(k, &in);
			in.s6_addr[15] = 9;
			out[2] = bc_lookup_prefix6(r->bc, &in);
			if (out[2] != NULL) {
				r->extra++;
				if (out[2]->mn != k || t_check(out[2], k) != 0) {
					r->bad++;
					r->first_bad = 8;
				}
			}
			if (sv != NULL && (sv->spi != 256 + k || sv->mn != k)) {
				r->bad++;
				r->first_bad = 9;
			}
			r->extra += sv != NULL;
		}
		bc_quiescent(v, r->tid);   /* no entry pointer is held across this point */
	}
	bc_reader_unregister(r->bc, r->tid);
	return 0;
}

static const char *const lcores_arg[] = { "--lcores=(0-3)@(0-1)", NULL };

static void
init_4_lcores(void)
{
	ha_eal_init_with(lcores_arg);
}

Test(bc_concurrency, writer_moves_100k_bindings_under_readers, .init = init_4_lcores,
     .fini = ha_eal_fini, .timeout = 120)
{
	static struct reader readers[MAX_READERS];
	struct bc *bc = bc_create(&(struct bc_params){
		.name = "cc", .capacity = N_MN, .prefixes = 64, .spis = 64,
		.max_readers = MAX_READERS, .socket = (int)rte_socket_id() });
	volatile bool stop = false;
	unsigned int lcore, n_readers = 0, i;
	uint64_t deadline, moves = 0, hits = 0, lookups = 0, removes = 0, churn = 0, extra = 0;
	uint64_t retires = 0, live = 0;
	uint32_t mn, ver, k;
	struct bc_stats st;

	cr_assert_not_null(bc, "bc_create: %s", rte_strerror(rte_errno));
	cr_assert_eq(rte_lcore_count(), 4, "need 4 lcores, have %u", rte_lcore_count());
	RTE_LCORE_FOREACH_WORKER(lcore) {
		struct reader *r = &readers[n_readers];

		r->bc = bc;
		r->tid = n_readers;
		r->stop = &stop;
		cr_assert_eq(rte_eal_remote_launch(reader_main, r, lcore), 0);
		n_readers++;
	}
	/* first registration of everyone, then moves for a bounded time; each round also
	 * removes some bindings (added again the next), changes IPv4 keys, and churns
	 * prefixes and SPIs */
	deadline = rte_get_timer_cycles() + RUN_SECONDS * rte_get_timer_hz();
	for (ver = 1; rte_get_timer_cycles() < deadline && ver < 1000; ver++) {
		for (mn = 0; mn < N_MN; mn++) {
			const struct bc_entry *old = bc_get(bc, mn);
			struct bc_entry *e;
			uint32_t a4 = hoa4_of(mn, ver);

			if (mn % 11 == 0 && ver % 2 == 0 && old != NULL) {
				cr_assert_eq(bc_remove(bc, mn), 0);
				removes++;
				retires++;
				live--;
				continue;
			}
			e = old != NULL ? bc_entry_clone(bc, old) : bc_entry_new(bc);
			cr_assert_not_null(e);
			t_fill(e, mn, ver, a4 != 0);
			e->hoa4 = a4;
			cr_assert_eq(bc_publish(bc, e), 0);
			moves++;
			if (old != NULL)
				retires++;   /* the entry it replaced */
			else
				live++;
		}
		for (k = 0; k < N_PFX; k++) {
			struct in6_addr p;
			struct bc_spi_val sv = { .spi = 256 + k, .mn = k };

			pfx6(k, &p);
			if ((ver + k) % 2 == 0) {
				cr_assert_eq(bc_prefix6_add(bc, &p, 64, k), 0);
				cr_assert_eq(bc_spi_add(bc, &sv), 0);
			} else if (ver > 1) {
				cr_assert_eq(bc_prefix6_del(bc, &p, 64), 0);
				cr_assert_eq(bc_spi_del(bc, 256 + k), 0);
				prefix_spi_dels += 2;
			}
			churn++;
		}
	}
	stop = true;
	rte_eal_mp_wait_lcore();
	for (i = 0; i < n_readers; i++) {
		cr_assert_eq(readers[i].bad, 0, "reader %u saw %lu inconsistent entries (code %d)",
			     i, readers[i].bad, readers[i].first_bad);
		cr_assert_gt(readers[i].hits, 0);
		hits += readers[i].hits;
		lookups += readers[i].lookups;
		extra += readers[i].extra;
	}
	cr_assert_geq(ver, 3, "writer made only %u rounds", ver - 1);
	cr_assert_gt(removes, 0);
	cr_assert_gt(extra, 0, "readers never met a prefix or an SPI");
	bc_reclaim(bc);
	bc_stats_get(bc, &st);
	cr_assert_eq(st.bindings, live);
	cr_assert_eq(st.retire_pending, 0);
	/* every replaced or removed entry, every deleted prefix slot and SPI value */
	cr_assert_eq(st.retired, retires + prefix_spi_dels);
	cr_log_info("%u readers, %lu lookups (%lu hits, %lu prefix/SPI), %lu moves, %lu removals, "
		    "%lu prefix and SPI changes in %u rounds", n_readers, lookups, hits, extra, moves,
		    removes, churn, ver - 1);
	bc_free(bc);
}
