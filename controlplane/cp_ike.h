/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mirror of what an IKE daemon (strongSwan's charon, unmodified) installs in its XFRM
 * database (seed 001 §3, RFC 4877): each SA becomes an SA of the data plane, keyed by SPI,
 * with the mobile node and the role it has for the home agent:
 *   - direction: inbound when its destination is one of the home agent's addresses;
 *   - role: transport mode (the Mobility Header between home address and home agent,
 *     RFC 4877 §4.3) = signalling; tunnel mode = payload;
 *   - node: a transport SA's peer address is the home address; a tunnel SA's node is the
 *     one whose home address is in the selector of the policy with the same reqid (charon
 *     installs SAs before their policies: such an SA waits, at most CP_IKE_PENDING_MAX).
 * Rekeying is make-before-break: a new SA of a node's role and direction becomes the
 * current one at once (outbound traffic moves to it); the inbound one it replaced keeps
 * decrypting until charon deletes it; a replaced outbound SA is unused and goes at once.
 * Address updates (MOBIKE) change nothing: the binding decides the outer header.
 * The decisions are here; what "install" means is the caller's (cp_ike_ops).
 */
#ifndef CP_IKE_H
#define CP_IKE_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "cfg.h"
#include "cp_xfrm.h"

#define CP_IKE_PENDING_MAX 256
/** How long a node's current outbound SA that charon deleted stays in use waiting for the
 *  add that moves it (MOBIKE is delete + add, back to back); after that it was a real
 *  deletion (the IKE SA terminated, DPD gave up) and the SA goes. */
#define CP_IKE_KEEP_MS 2000
/** Deleted outbound SAs waiting at once; one more removes the oldest. */
#define CP_IKE_KEPT_MAX 256
#define CP_IKE_NONE UINT32_MAX

struct cp_ike_ops {
	void *arg;
	/** The node whose home address is a (IPv4 as ::ffff:a.b.c.d): its index, or
	 *  CP_IKE_NONE. */
	uint32_t (*node_of)(void *arg, const struct in6_addr *a);
	/** Is a one of the home agent's own addresses? */
	bool (*is_ha)(void *arg, const struct in6_addr *a);
	/** Install sa (dir and role set) for node mn as its current SA of that role and
	 *  direction; the one it replaces, if any, stays installed and comes back in *prev
	 *  (else CP_IKE_NONE). @return 0 with *handle set, or -errno. */
	int (*install)(void *arg, uint32_t mn, const struct cfg_sa *sa, uint32_t *handle,
		       uint32_t *prev);
	/** Remove an installed SA (handle from install; current or replaced). */
	void (*remove)(void *arg, uint32_t mn, uint32_t handle, const struct cfg_sa *sa);
};

struct cp_ike_stats {
	uint64_t events;
	uint64_t installed;
	uint64_t rekeyed;             /**< installs that replaced a current SA */
	uint64_t removed;
	uint64_t kept;                /**< a node's current outbound SA deleted by charon and
				       *   kept until another replaces it (MOBIKE's delete + add) */
	uint64_t kept_expired;        /**< ... no add came within CP_IKE_KEEP_MS: removed */
	uint64_t soft_expiries;       /**< charon is told to rekey */
	uint64_t hard_expiries;
	uint64_t unknown_node;        /**< SAs no configured node owns: not installed */
	uint64_t pending;             /**< SAs waiting for their policy now */
	uint64_t pending_dropped;     /**< waited too long (the pending list was full) */
	uint64_t refused;             /**< install failed (capacity, SPI in use, ...) */
	uint64_t flushes;
};

struct cp_ike;

/** @return NULL without memory. capacity: SAs it may hold installed at once. */
struct cp_ike *cp_ike_create(const struct cp_ike_ops *ops, uint32_t capacity);
void cp_ike_free(struct cp_ike *k);

/** One XFRM event (cp_xfrm_parse). */
void cp_ike_event(struct cp_ike *k, const struct cp_xfrm_event *ev);

/** The clock (monotonic, ms): kept outbound SAs older than CP_IKE_KEEP_MS go. Call it
 *  with every poll; the first call only sets the clock. */
void cp_ike_tick(struct cp_ike *k, uint64_t now_ms);

/** Node mn went (its SAs with it, the caller's doing): forget what was installed for it,
 *  so that the same SAs, read again, are installed for the node that comes next. */
void cp_ike_node_gone(struct cp_ike *k, uint32_t mn);

/** Where SPI spi stands: 1 installed and current, 2 installed and replaced (inbound,
 *  until charon deletes it), 3 waiting for its policy, 0 unknown. */
int cp_ike_sa_state(const struct cp_ike *k, uint32_t spi);

void cp_ike_stats_get(const struct cp_ike *k, struct cp_ike_stats *st);

#endif /* CP_IKE_H */
