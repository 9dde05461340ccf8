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

/* A Binding Revocation Indication in flight (cp_revoke.c). */
struct cp_rev {
	uint32_t mn;
	uint16_t seq;
	uint8_t tries;                     /* transmissions so far */
	bool delete_node;                  /* mn-del: the node's record goes when it ends */
	uint64_t next_ms;
	struct wire_mh_carriage c;         /* where the binding was */
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
	/* a node's description as it runs when the file's is not (NULL: the file's): added
	 * at run time, or, rt_file, a node of the file whose SAs dsmip-ctl changed */
	struct cfg_mn **rt;
	bool *rt_file;
	/* what changed for a store (NULL: nobody asked): slots, and ids of nodes gone */
	uint8_t *dirty_map;
	uint32_t *dirty;
	uint32_t n_dirty;
	char (*gone)[CFG_NAME_MAX];
	uint32_t n_gone;
	uint32_t cap_gone;
	/* registrations waiting for DAD (few at a time) */
	uint32_t *dad;
	uint32_t n_dad;
	/* Binding Revocations in flight; rev_of[node] is 1 + its index in revs (0: none) */
	struct cp_rev *revs;
	uint32_t n_revs;
	uint32_t cap_revs;
	uint32_t *rev_of;
	uint64_t rev_next_ms;              /* the earliest revs[].next_ms (0: none) */
	uint16_t br_seq;
	/* Binding Error rate limiter (RFC 6275 §9.3.3), in thousandths of a token */
	uint64_t be_tokens;
	uint64_t be_last_ms;
	struct cp_stats stats;
};

/* cp.c: node idx's binding or description changed (a store writes it) */
static inline void
cp_mark(struct cp *cp, uint32_t idx)
{
	if (cp->dirty_map != NULL && !cp->dirty_map[idx]) {
		cp->dirty_map[idx] = 1;
		cp->dirty[cp->n_dirty++] = idx;
	}
}

/* cp_timer.c */
void cp_timer_rearm(struct cp *cp, uint32_t mn);
void cp_timer_unlink(struct cp *cp, uint32_t mn);
void cp_timers_free(struct cp *cp);

/* cp_rx.c: the BA of a decision; the acks of a refused BU (one per IPv4 HoA option) */
void cp_send_ba(struct cp *cp, const struct cp_rx_ctx *ctx, const struct cp_bu_decision *d,
		const struct wire_v4ack *acks, uint8_t n_acks, const struct cp_mn *m);
uint8_t cp_reject_acks(uint8_t n_v4, struct wire_v4ack *acks);

/* cp_binding.c */
void cp_apply_register(struct cp *cp, struct cp_mn *m, const struct wire_mh *bu,
		       const struct cp_rx_ctx *ctx, struct cp_bu_decision *d, uint64_t now_ms);
void cp_apply_deregister(struct cp *cp, struct cp_mn *m, const struct cp_rx_ctx *ctx,
			 struct cp_bu_decision *d, uint16_t seq, uint64_t now_ms);
/** Delete node m's binding (hold: keep its sequence number for MAX_DELETE_BCE_TIMEOUT). */
void cp_binding_delete(struct cp *cp, struct cp_mn *m, const char *why, uint64_t now_ms,
		       bool hold);
void cp_dad_done(struct cp *cp, uint32_t idx, bool conflict, uint64_t now_ms);

/* cp_revoke.c */
void cp_revoke_tick(struct cp *cp, uint64_t now_ms);
void cp_revoke_cancel(struct cp *cp, uint32_t idx);
void cp_revoke_free(struct cp *cp);
void cp_rx_br(struct cp *cp, const struct wire_mh *m, const struct cp_rx_ctx *ctx,
	      uint64_t now_ms);
void cp_rx_be(struct cp *cp, const struct wire_mh *m, const struct cp_rx_ctx *ctx,
	      uint64_t now_ms);

#endif /* CP_INTERNAL_H */
