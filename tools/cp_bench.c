/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control-plane benchmark (prints numbers, asserts nothing): BU bytes in, BA bytes out, on
 * one core, through the real binding cache, without crypto.
 *   1. N mobile nodes are added (the run-time path) and registered (new registrations);
 *   2. with them registered, a random mix of new registrations (N/4 more nodes) and
 *      refreshes (3N/4, a quarter of them moving to a new care-of address) is timed.
 * Half the nodes register over IPv6, half over IPv4/UDP through a NAT with an IPv4 HoA.
 * With --store FILE the state store is on, written as the home agent's control loop writes
 * it: one transaction per pass of PASS BUs (the loop's signalling budget); then the store's
 * size per binding, and a restore of every binding into a new control plane is timed.
 * With --redis ADDR too (host:port or a unix socket) the pair's writer runs as on an active
 * home agent (its own thread, fed by the store's commits): after each case, how long Redis
 * took to have everything (the lag at the end of a storm) and the rate it was sent at; at
 * the end a standby's reader reads the whole state back (records per second).
 *   cp-bench [EAL options] -- [N] [--store FILE [--sync-ms MS] [--redis ADDR]]
 * default N = 1000000
 */
#include <arpa/inet.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_log.h>

#include "bc.h"
#include "cp.h"
#include "cp_bcw.h"
#include "cp_repl.h"
#include "cp_store.h"

#define MH_MAX 64
#define PASS 256                      /* BUs per control-loop pass (cp_io's SIG_BUDGET) */

static struct cp_store *store;
static FILE *log_stream;
static struct cp_repl *repl;
static const char *redis_addr;
static uint64_t wall0;

struct job {
	uint32_t mn;
	uint16_t seq;
	bool move;
};

static uint64_t tx_pkts, tx_bytes;

static int
count_tx(void *arg, const uint8_t *pkt, uint16_t len, const struct cp_tx_meta *meta)
{
	(void)arg; (void)pkt; (void)meta;
	tx_pkts++;
	tx_bytes += len;
	return 0;
}

static void
hoa6_of(uint32_t i, struct in6_addr *a)
{
	inet_pton(AF_INET6, "2001:db8:1::", a);
	a->s6_addr32[2] = htonl(1);
	a->s6_addr32[3] = htonl(i);
}

/* One BU of node i: built outside the timed loop. */
static uint16_t
build(uint32_t i, uint16_t seq, bool move, uint8_t *mh, struct cp_rx_ctx *ctx)
{
	struct in6_addr hoa, ha;
	struct wire_bu_args a = { .seq = seq, .flags = WIRE_BU_A | WIRE_BU_H, .lifetime = 900 };

	hoa6_of(i, &hoa);
	inet_pton(AF_INET6, "2001:db8:1::1", &ha);
	memset(ctx, 0, sizeof(*ctx));
	ctx->dst6 = ha;
	if (i % 2 == 0) {
		ctx->has_hao = true;
		ctx->hao = hoa;
		inet_pton(AF_INET6, "2001:db8:b::", &ctx->src6);
		ctx->src6.s6_addr32[2] = htonl(i);
		ctx->src6.s6_addr32[3] = htonl(move ? 2 : 1);
		a.has_altcoa = true;
		a.altcoa = ctx->src6;
	} else {
		ctx->udp4 = true;
		ctx->outer_known = true;
		ctx->outer_src4 = htonl(0xcb007100u + (i % 200) + (move ? 1 : 0));
		inet_pton(AF_INET, "198.51.100.1", &ctx->outer_dst4);
		ctx->outer_sport = (uint16_t)(1024 + i % 60000);
		ctx->src6 = hoa;
		a.has_v4coa = true;
		a.v4coa = htonl(0x64400000u + (i & 0xffff));    /* private side: NAT detected */
		a.n_v4hoa = 1;
		a.v4hoa[0].plen = 32;
		a.v4hoa[0].addr = htonl(0x64400000u + i);
	}
	return (uint16_t)wire_mh_bu_build(mh, MH_MAX, &a, &hoa, &ha);
}

/* The pair's writer after a case: until Redis has every change (at most 120 s). */
static void
repl_drain(const char *label, uint64_t t0, uint64_t t1)
{
	struct cp_repl_stats st;
	uint64_t t2, hz = rte_get_tsc_hz();
	uint64_t sent0;

	cp_repl_stats_get(repl, &st);
	sent0 = st.sent;
	do {
		usleep(1000);
		cp_repl_stats_get(repl, &st);
	} while (st.queued > 0 && rte_rdtsc() - t1 < 120 * hz);
	t2 = rte_rdtsc();
	printf("CPBENCH case=%s_to_redis sent_after_end=%lu drained=%d lag_at_end_ms=%.0f "
	       "keys_sent=%lu keys_per_s=%.0f resyncs=%lu errors=%lu\n", label,
	       (unsigned long)(st.sent - sent0), st.queued == 0,
	       (double)(t2 - t1) * 1e3 / (double)hz, (unsigned long)st.sent,
	       (double)st.sent * (double)hz / (double)(t2 - t0), (unsigned long)st.resyncs,
	       (unsigned long)st.errors);
}

/* A standby's reader: the whole state back from Redis (received, not applied). */
static void
repl_read_back(const struct cfg_pair *pc, uint64_t want)
{
	struct cp_repl *rd = cp_repl_create(pc, store);
	struct cp_repl_rec *rec;
	uint64_t t0 = rte_rdtsc(), hz = rte_get_tsc_hz(), got = 0;

	if (rd == NULL || cp_repl_start(rd, false) != 0)
		return;
	while (got < want && rte_rdtsc() - t0 < 120 * hz) {
		rec = cp_repl_next(rd);
		if (rec == NULL) {
			usleep(100);
			continue;
		}
		got += rec->op == CP_REPL_PUT;
		cp_repl_rec_free(rec);
	}
	printf("CPBENCH case=standby_reads_all records=%lu ms=%.0f records_per_s=%.0f\n",
	       (unsigned long)got, (double)(rte_rdtsc() - t0) * 1e3 / (double)hz,
	       (double)got * (double)hz / (double)(rte_rdtsc() - t0));
	cp_repl_free(rd);
}

static double
run(struct cp *cp, const struct job *jobs, uint32_t n, uint8_t *mh, struct cp_rx_ctx *ctx,
    uint16_t *len, const char *label, uint32_t total_nodes)
{
	uint64_t t0, t1, ok0 = cp_stats(cp)->status[0], ba0 = cp_stats(cp)->ba_tx;
	double rate;
	uint32_t i;

	for (i = 0; i < n; i++)
		len[i] = build(jobs[i].mn, jobs[i].seq, jobs[i].move, mh + (size_t)i * MH_MAX,
			       &ctx[i]);
	t0 = rte_rdtsc();
	for (i = 0; i < n; i++) {
		cp_rx_mh(cp, mh + (size_t)i * MH_MAX, len[i], &ctx[i], 1000);
		if (store != NULL && (i % PASS == PASS - 1 || i == n - 1))
			cp_store_flush(store, cp, 1000, wall0 + 1000);
	}
	t1 = rte_rdtsc();
	rate = (double)n * (double)rte_get_tsc_hz() / (double)(t1 - t0);
	printf("CPBENCH case=%s nodes=%u bus=%u bu_per_s=%.0f ns_per_bu=%.0f ba_ok=%lu "
	       "ba_total=%lu bindings=%u\n", label, total_nodes, n, rate, 1e9 / rate,
	       cp_stats(cp)->status[0] - ok0, cp_stats(cp)->ba_tx - ba0, cp_bindings(cp));
	if (repl != NULL)
		repl_drain(label, t0, t1);
	fflush(stdout);
	return rate;
}

/* The store's size per binding, and every binding restored into a new control plane. */
static void
restore_bench(struct ha_cfg *cfg, struct cp *cp, uint32_t total, const char *path,
	      uint32_t sync_ms)
{
	struct cp_store_restored r;
	struct cp_store_info *info = calloc(1, sizeof(*info));
	struct cp_ops ops = { .tx = count_tx };
	struct bc *bc2;
	struct cp_bcw w2;
	struct cp *cp2;
	struct stat st;
	char err[600];
	uint32_t bindings = cp_bindings(cp), i;
	uint64_t t0, t1;

	cp_store_info_get(store, info);
	if (repl != NULL) {
		struct cfg_pair pc = { .prefix = "cpbench", .stream_max = 4000000,
				       .queue = 1 << 22 };

		cp_store_set_tap(store, NULL, NULL);
		cp_repl_stop(repl, 0);
		cp_repl_free(repl);
		repl = NULL;
		snprintf(pc.redis, sizeof(pc.redis), "%s", redis_addr);
		repl_read_back(&pc, info->records - 1);   /* the format record stays local */
	}
	cp_store_close(store);
	store = NULL;
	if (stat(path, &st) != 0)
		return;
	/* blocks, not st_size: with MDB_WRITEMAP the file is as long as the map (sparse) */
	printf("CPBENCH store_bytes=%lu records=%lu bytes_per_binding=%.0f commits=%lu\n",
	       (unsigned long)st.st_blocks * 512, (unsigned long)info->records,
	       (double)st.st_blocks * 512 / bindings, (unsigned long)info->commits);
	free(info);
	bc2 = bc_create(&(struct bc_params){ .name = "cpb2", .capacity = total, .prefixes = 64,
					     .spis = 64, .max_readers = 2,
					     .socket = (int)rte_socket_id() });
	if (bc2 == NULL)
		return;
	cp_bcw_init(&w2, bc2, cfg, &ops);
	cp2 = cp_create(cfg, &ops);
	for (i = 0; cp2 != NULL && i < total; i++) {
		struct cfg_mn m = { .hoa4_mode = i % 2 ? CFG_HOA4_STATIC : CFG_HOA4_NONE };

		snprintf(m.id, sizeof(m.id), "mn%u", i);
		hoa6_of(i, &m.hoa6);
		m.hoa4 = htonl(0x64400000u + i);
		if (cp_mn_add(cp2, &m, NULL) != 0)
			return;
	}
	/* as at a start: open, then read every binding back, published to the cache */
	t0 = rte_rdtsc();
	store = cp_store_open(path, 16384, sync_ms, false, err, sizeof(err));
	if (store == NULL || cp2 == NULL || cp_store_restore(store, cp2, 1000, wall0 + 1000,
							     &r) != 0) {
		fprintf(stderr, "restore: %s\n", err);
		return;
	}
	t1 = rte_rdtsc();
	printf("CPBENCH case=restore bindings=%u restored=%u ms=%.0f per_s=%.0f\n", bindings,
	       r.bindings, (double)(t1 - t0) * 1e3 / (double)rte_get_tsc_hz(),
	       (double)r.bindings * (double)rte_get_tsc_hz() / (double)(t1 - t0));
	cp_store_close(store);
	store = NULL;
	cp_free(cp2);
	bc_free(bc2);
}

int
main(int argc, char **argv)
{
	struct ha_cfg *cfg = calloc(1, sizeof(*cfg));
	struct cp_ops ops = { .tx = count_tx };
	uint32_t n, extra, total, i, k;
	uint64_t x = 0x2545f4914f6cdd1dull;
	struct cp_rx_ctx *ctx;
	struct cp_bcw w;
	struct job *jobs;
	uint16_t *len, *last_seq;
	uint8_t *mh;
	struct cp *cp;
	struct bc *bc;
	const char *store_path = NULL;
	uint32_t sync_ms = 100;
	char err[600];
	int rc;

	rc = rte_eal_init(argc, argv);
	if (rc < 0 || cfg == NULL)
		return 1;
	/* the audit lines as dsmip-ha writes them: a buffered stream (EAL's default console
	 * log also calls syslog(3) per line, which costs a socket per line without /dev/log) */
	log_stream = fdopen(dup(STDERR_FILENO), "w");
	if (log_stream != NULL) {
		setvbuf(log_stream, NULL, _IOFBF, 1 << 20);
		rte_openlog_stream(log_stream);
	}
	argc -= rc;
	argv += rc;
	n = argc > 1 && argv[1][0] != '-' ? (uint32_t)strtoul(argv[1], NULL, 0) : 1000000;
	for (i = 1; i < (uint32_t)argc; i++) {
		if (strcmp(argv[i], "--store") == 0 && i + 1 < (uint32_t)argc)
			store_path = argv[++i];
		else if (strcmp(argv[i], "--sync-ms") == 0 && i + 1 < (uint32_t)argc)
			sync_ms = (uint32_t)strtoul(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--redis") == 0 && i + 1 < (uint32_t)argc)
			redis_addr = argv[++i];
	}
	extra = n / 4;
	total = n + extra;

	cfg_defaults(cfg);
	inet_pton(AF_INET6, "2001:db8:1::1", &cfg->ha.addr6);
	inet_pton(AF_INET, "198.51.100.1", &cfg->ha.addr4);
	cfg->ha.has_addr4 = true;
	cfg->ha.n_prefixes6 = 1;
	inet_pton(AF_INET6, "2001:db8:1::", &cfg->ha.prefixes6[0].addr);
	cfg->ha.prefixes6[0].len = 64;
	cfg->policy.require_ipsec = false;   /* "without crypto" */
	cfg->policy.dad = false;
	cfg->cap.bindings = total;

	bc = bc_create(&(struct bc_params){ .name = "cpb", .capacity = total, .prefixes = 64,
					    .spis = 64, .max_readers = 2,
					    .socket = (int)rte_socket_id() });
	if (bc == NULL) {
		fprintf(stderr, "bc_create: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	cp_bcw_init(&w, bc, cfg, &ops);
	cp = cp_create(cfg, &ops);
	mh = malloc((size_t)total * MH_MAX);
	ctx = malloc(sizeof(*ctx) * total);
	len = malloc(sizeof(*len) * total);
	jobs = malloc(sizeof(*jobs) * total);
	if (cp == NULL || mh == NULL || ctx == NULL || len == NULL || jobs == NULL)
		return 1;
	for (i = 0; i < total; i++) {
		struct cfg_mn m = { .hoa4_mode = i % 2 ? CFG_HOA4_STATIC : CFG_HOA4_NONE };

		snprintf(m.id, sizeof(m.id), "mn%u", i);
		hoa6_of(i, &m.hoa6);
		m.hoa4 = htonl(0x64400000u + i);
		if (cp_mn_add(cp, &m, NULL) != 0)
			return 1;
	}
	printf("CPBENCH tsc_hz=%lu\n", (unsigned long)rte_get_tsc_hz());
	if (store_path != NULL) {
		unlink(store_path);
		snprintf(err, sizeof(err), "%s-lock", store_path);
		unlink(err);
		store = cp_store_open(store_path, 16384, sync_ms, false, err, sizeof(err));
		if (store == NULL || cp_changes_enable(cp) != 0 || cp_store_syncer_start(store)) {
			fprintf(stderr, "store: %s\n", err);
			return 1;
		}
		wall0 = (uint64_t)time(NULL) * 1000;
		cp_store_flush(store, cp, 1000, wall0 + 1000);   /* the nodes' adds: not timed */
		printf("CPBENCH store=%s sync_ms=%u\n", store_path, sync_ms);
	}
	if (store != NULL && redis_addr != NULL) {
		struct cfg_pair pc = { .prefix = "cpbench", .stream_max = 4000000,
				       .queue = 1 << 22 };

		snprintf(pc.redis, sizeof(pc.redis), "%s", redis_addr);
		repl = cp_repl_create(&pc, store);
		if (repl == NULL || cp_repl_start(repl, true) != 0)
			return 1;
		cp_store_set_tap(store, cp_repl_tap, repl);
		repl_drain("initial_state", rte_rdtsc(), rte_rdtsc());   /* the first resync */
		printf("CPBENCH redis=%s\n", redis_addr);
	}

	/* 1. new registrations of n nodes, in random order */
	for (i = 0; i < n; i++)
		jobs[i] = (struct job){ .mn = i, .seq = 1 };
	for (i = n - 1; i > 0; i--) {
		struct job t;

		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		k = (uint32_t)(x % (i + 1));
		t = jobs[i]; jobs[i] = jobs[k]; jobs[k] = t;
	}
	run(cp, jobs, n, mh, ctx, len, "new_registrations", total);

	/* 2. with n registered: extra new ones and 3 * extra refreshes (a quarter moving) */
	for (i = 0; i < extra; i++)
		jobs[i] = (struct job){ .mn = n + i, .seq = 1 };
	for (i = 0; i < 3 * extra; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		jobs[extra + i] = (struct job){ .mn = (uint32_t)(x % n),
						.move = (x >> 40) % 4 == 0 };
	}
	for (i = 4 * extra - 1; i > 0; i--) {
		struct job t;

		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		k = (uint32_t)(x % (i + 1));
		t = jobs[i]; jobs[i] = jobs[k]; jobs[k] = t;
	}
	/* sequence numbers in processing order, as a mobile node would send them */
	last_seq = calloc(total, sizeof(*last_seq));
	if (last_seq == NULL)
		return 1;
	for (i = 0; i < 4 * extra; i++)
		jobs[i].seq = ++last_seq[jobs[i].mn] + (jobs[i].mn < n ? 1 : 0);
	run(cp, jobs, 4 * extra, mh, ctx, len, "mixed_new_and_refresh", total);
	printf("CPBENCH ba_bytes_per_ba=%.1f\n", (double)tx_bytes / (double)tx_pkts);
	if (store != NULL)
		restore_bench(cfg, cp, total, store_path, sync_ms);
	cp_free(cp);
	bc_free(bc);
	rte_eal_cleanup();
	if (log_stream != NULL)
		fclose(log_stream);
	return 0;
}
