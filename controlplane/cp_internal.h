/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane's own state, shared by its files (pipeline, binding lifecycle, timers,
 * invariant checks); nothing outside controlplane/ includes this. CP lcore only.
 */
#ifndef CP_INTERNAL_H
#define CP_INTERNAL_H

#include "cp.h"

#define CP_WHEEL 4096                 /* 1 s slots: 68 min per turn */
#define CP_HOLD_MS 10000              /* MAX_DELETE_BCE_TIMEOUT, RFC 6275 §12 */
#define CP_PKT_MAX 512

/* A registration held back while DAD runs: what is needed to finish it. */
struct cp_pending {
	struct cp_rx_ctx ctx;
	struct cp_bu_decision d;
	struct wire_v4ack acks[WIRE_MH_MAX_V4HOA];
	uint8_t n_acks;
	bool was_active;
	struct in6_addr old_coa6;
	uint32_t old_coa4;
	uint64_t deadline_ms;
};

/*
 * Timer wheel: one slot per second; a slot is an append-only array of (node, second)
 * records. Arming appends, cancelling only clears the node's timer_ms: a record counts
 * only while it matches, so no list is unlinked (no random neighbour touched per BU).
 */
struct cp_trec {
	uint32_t mn;
	uint32_t sec;
};

struct cp_slot {
	struct cp_trec *r;
	uint32_t n;
	uint32_t cap;
};

struct cp {
	const struct ha_cfg *cfg;
	struct cp_ops ops;
	struct cp_mndb *db;
	struct cp_bind *binds;
	struct cp_pool *pool;
	uint32_t capacity;
	uint32_t n_bindings;
	struct cp_slot wheel[CP_WHEEL];
	uint64_t wheel_sec;                /* next second to process */
	bool timers_lost;                  /* a slot could not grow: scan everything once */
	/* registrations waiting for DAD (few at a time) */
	uint32_t *dad;
	uint32_t n_dad;
	/* Binding Error rate limiter (RFC 6275 §9.3.3), in thousandths of a token */
	uint64_t be_tokens;
	uint64_t be_last_ms;
	struct cp_stats stats;
};

#endif /* CP_INTERNAL_H */
