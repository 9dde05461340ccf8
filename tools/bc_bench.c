/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Binding cache benchmark (prints numbers, asserts nothing). For each size: writer inserts
 * and updates per second, TSC cycles per lookup in bulks of 32 uniformly random home
 * addresses (IPv6 table and IPv4 table), and heap bytes per binding.
 *   bc-bench [EAL options] -- [size ...]      default sizes: 1000 100000 1000000
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "bc.h"

#define N_KEYS (1u << 20)
#define BULK 32

static uint64_t
heap_used(void)
{
	struct rte_malloc_socket_stats s;

	rte_malloc_get_socket_stats((int)rte_socket_id(), &s);
	return s.heap_allocsz_bytes;
}

static void
fill(struct bc_entry *e, uint32_t mn, uint32_t ver, const struct bc_tmpl_src *src)
{
	e->mn = mn;
	inet_pton(AF_INET6, "2001:db8::", &e->hoa6);
	e->hoa6.s6_addr32[2] = htonl(0x10000);
	e->hoa6.s6_addr32[3] = htonl(mn);
	e->hoa4 = htonl(0x40000000u + mn);   /* keys only; nothing goes on a wire */
	e->flags = BC_F_HOA4;
	e->fmt = BC_FMT_UDP;
	e->coa4 = htonl(0xcb007100u + (ver & 0xff));
	e->nat_port = htons((uint16_t)(1024 + ver));
	bc_tmpl_build(e, src);
}

static int
run(uint32_t n, uint64_t base_heap)
{
	struct bc_tmpl_src src = { .ha4 = htonl(0xc6336401), .hop_limit = 64 };
	struct in6_addr *k6;
	uint32_t *k4;
	const struct in6_addr *p6[BULK];
	const uint32_t *p4[BULK];
	const struct bc_entry *out[BULK];
	uint64_t h0 = heap_used(), t0, t1, hz = rte_get_tsc_hz(), x = 88172645463325252ull;
	uint64_t hits = 0, cycles, rounds;
	double cyc[2];
	struct bc *bc;
	uint32_t i, k;

	bc = bc_create(&(struct bc_params){ .name = "bench", .capacity = n, .prefixes = 64,
					    .spis = 64, .max_readers = 4,
					    .socket = (int)rte_socket_id() });
	if (bc == NULL) {
		printf("BCBENCH bindings=%u error=\"%s\"\n", n, rte_strerror(rte_errno));
		return -1;
	}
	inet_pton(AF_INET6, "2001:db8:1::1", &src.ha6);

	t0 = rte_rdtsc();
	for (i = 0; i < n; i++) {
		struct bc_entry *e = bc_entry_new(bc);

		fill(e, i, 0, &src);
		if (bc_publish(bc, e) != 0) {
			printf("BCBENCH bindings=%u error=\"insert %u failed\"\n", n, i);
			return -1;
		}
	}
	t1 = rte_rdtsc();
	double ins = (double)n * hz / (double)(t1 - t0);

	/* updates: every binding moves to a new care-of address, clone + publish + retire */
	t0 = rte_rdtsc();
	for (i = 0; i < n; i++) {
		struct bc_entry *e = bc_entry_clone(bc, bc_get(bc, i));

		fill(e, i, 1, &src);
		bc_publish(bc, e);
	}
	bc_reclaim(bc);
	t1 = rte_rdtsc();
	double upd = (double)n * hz / (double)(t1 - t0);
	uint64_t mem = heap_used() - h0;

	k6 = rte_malloc(NULL, sizeof(*k6) * N_KEYS, 64);
	k4 = rte_malloc(NULL, sizeof(*k4) * N_KEYS, 64);
	if (k6 == NULL || k4 == NULL)
		return -1;
	for (i = 0; i < N_KEYS; i++) {
		uint32_t mn;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		mn = (uint32_t)(x % n);
		inet_pton(AF_INET6, "2001:db8::", &k6[i]);
		k6[i].s6_addr32[2] = htonl(0x10000);
		k6[i].s6_addr32[3] = htonl(mn);
		k4[i] = htonl(0x40000000u + (uint32_t)((x >> 32) % n));
	}
	/* one pass to warm, then measured passes, for each table */
	for (int fam = 0; fam < 2; fam++) {
		rounds = 0;
		cycles = 0;
		for (k = 0; k < 4; k++) {
			t0 = rte_rdtsc();
			for (i = 0; i + BULK <= N_KEYS; i += BULK) {
				uint32_t j;

				for (j = 0; j < BULK; j++) {
					p6[j] = &k6[i + j];
					p4[j] = &k4[i + j];
				}
				hits += fam == 0 ? bc_lookup6_bulk(bc, p6, BULK, out) :
						   bc_lookup4_bulk(bc, p4, BULK, out);
			}
			t1 = rte_rdtsc();
			if (k > 0) {
				cycles += t1 - t0;
				rounds += N_KEYS;
			}
		}
		cyc[fam] = (double)cycles / (double)rounds;
	}
	printf("BCBENCH bindings=%u lookup6_cycles=%.1f lookup4_cycles=%.1f insert_per_s=%.0f "
	       "update_per_s=%.0f heap_mb=%.1f bytes_per_binding=%.0f "
	       "marginal_bytes_per_binding=%.0f hit=%.3f\n",
	       n, cyc[0], cyc[1], ins, upd, (double)mem / 1048576.0,
	       (double)mem / n, base_heap != 0 && n > 1000 ? (double)(mem - base_heap) / (n - 1000) :
	       0.0, (double)hits / (8.0 * N_KEYS));
	fflush(stdout);
	rte_free(k6);
	rte_free(k4);
	bc_free(bc);
	return (int)(mem >> 10);
}

int
main(int argc, char **argv)
{
	static const uint32_t def[] = { 1000, 100000, 1000000 };
	uint64_t base = 0;
	int rc, i, n;

	rc = rte_eal_init(argc, argv);
	if (rc < 0) {
		fprintf(stderr, "EAL init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	argc -= rc;
	argv += rc;
	printf("BCBENCH tsc_hz=%lu\n", (unsigned long)rte_get_tsc_hz());
	/* the 1k case gives the fixed cost (LPM tables, entry reserve) for the marginal figure */
	n = argc > 1 ? argc - 1 : (int)(sizeof(def) / sizeof(def[0]));
	for (i = 0; i < n; i++) {
		uint32_t sz = argc > 1 ? (uint32_t)strtoul(argv[i + 1], NULL, 0) : def[i];
		int kb = run(sz, base);

		if (kb < 0)
			continue;
		if (sz == 1000)
			base = (uint64_t)kb << 10;
	}
	rte_eal_cleanup();
	return 0;
}
