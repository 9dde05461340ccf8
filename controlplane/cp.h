/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane: Binding Update processing for Mobile IPv6 (RFC 6275), DSMIPv6
 * (RFC 5555) and NEMO (RFC 3963), in the style guide §8 pipeline:
 *   wire_mh_parse (pure) -> cp_bu_check (pure decision) -> apply (the only writer: binding
 *   cache, prefixes, pool, timers) -> BA.
 * The core is plain C without EAL: the binding cache, the packet output and the home-link
 * functions (DAD, proxy ND) are reached through struct cp_ops, which the home agent binds to
 * the real tables and the data plane, and tests bind to recorders.
 * Everything here runs on the control lcore only (CP writer).
 */
#ifndef CP_H
#define CP_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "cfg.h"
#include "cp_mn.h"
#include "cp_pool.h"
#include "wire_mh.h"

/* ------------------------------------------------------------------ arrival context */

/** How a Mobility Header reached the home agent (filled by the data plane's punt path). */
struct cp_rx_ctx {
	bool udp4;                    /**< IPv4/UDP 4191 encapsulated (RFC 5555 §4.2) */
	bool tlv;                     /**< ... with a TLV header (RFC 5845 §7.2) */
	bool udp6;                    /**< UDP 4191 over IPv6: never accepted */
	bool tun6;                    /**< in IPv6-in-IPv6: outer_src6 is the packet's source */
	struct in6_addr outer_src6;
	bool outer_known;             /**< outer IPv4 source and port recorded (heuristic mode may
				       *   leave them out when they equal the recorded CoA) */
	uint32_t outer_src4;          /**< network order: V4ADDR as received */
	uint32_t outer_dst4;          /**< network order */
	uint16_t outer_sport;         /**< host order: Z */
	bool has_hao;
	bool protected_;              /**< arrived on an ESP SA */
	bool sa_signalling;           /**< that SA is a signalling (transport) SA */
	uint32_t spi;                 /**< inbound SPI, host order */
	struct in6_addr sa_hoa;       /**< the home address the SA is bound to */
	struct in6_addr src6;         /**< IPv6 header carrying the MH (inner one for udp4) */
	struct in6_addr dst6;
	struct in6_addr hao;          /**< Home Address option */
	uint16_t port;                /**< ethdev port it arrived on */
};

/* ------------------------------------------------------------------ per-node state */

enum cp_bind_state {
	CP_BIND_NONE = 0,
	CP_BIND_DAD,                  /**< accepted, waiting for DAD before publishing and BA */
	CP_BIND_ACTIVE,
	CP_BIND_HOLD,                 /**< deregistered; sequence kept for MAX_DELETE_BCE_TIMEOUT */
};

struct cp_pending;

/** The control plane's shadow of one binding (never read by the data plane). */
struct cp_bind {
	uint8_t state;                /**< enum cp_bind_state */
	uint8_t fmt;                  /**< enum bc_fmt */
	bool seq_valid;
	bool nat;
	bool forced_udp;
	bool tlv;
	bool mr;                      /**< R flag of the registration */
	bool stale;                   /**< NATed and no keepalive for refresh + grace */
	bool has_hoa4;
	bool hoa4_dynamic;            /**< from the pool: released with the binding */
	bool has_v4pfx;               /**< delegated IPv4 prefix (P flag) */
	bool v4pfx_dynamic;           /**< ... a pool lease (false: kept from a pool a reload
				       *   changed, never given back to the new one) */
	uint8_t hoa4_plen;
	uint8_t v4pfx_len;
	uint16_t last_seq;
	uint16_t port;                /**< the mobile node's UDP port as seen, host order */
	uint16_t esp_port;            /**< NATed: its UDP 4500 mapping as seen (0: none yet) */
	uint16_t lifetime;            /**< granted, 4 s units */
	uint32_t coa4;                /**< network order */
	uint32_t hoa4;                /**< network order */
	uint32_t v4pfx;               /**< network order */
	struct in6_addr coa6;
	uint64_t created_ms;
	uint64_t last_bu_ms;
	uint64_t expires_ms;
	uint64_t hold_until_ms;
	uint64_t keepalive_ms;        /**< last BU refresh or NAT keepalive / UDP traffic */
	uint64_t timer_ms;            /**< the node's next timer (0: none) */
	struct cp_mn_prefixes *mnp;   /**< prefixes with forwarding set up; NULL if none */
	struct cp_pending *pending;   /**< BA held back during DAD */
};

/* ------------------------------------------------------------------ decision */

enum cp_verdict {
	CP_DISCARD,                   /**< silently (RFC 6275 §9.5.1 "discard"), counted */
	CP_REJECT,                    /**< answer with a BA status >= 128, no state change */
	CP_REGISTER,
	CP_DEREGISTER,
};

/* What to do with one IPv4 Home Address option (RFC 5555 §3.1.1, protocol facts §19.5). */
enum cp_v4_action {
	CP_V4_FAIL,                   /**< ack with status */
	CP_V4_STATIC,                 /**< the node's configured address */
	CP_V4_KEEP,                   /**< the address or prefix it holds now (refresh) */
	CP_V4_ALLOC_ADDR,             /**< a new dynamic address from the pool */
	CP_V4_ALLOC_PREFIX,           /**< a new prefix of plen from the pool */
};

struct cp_v4_plan {
	uint8_t action;               /**< enum cp_v4_action */
	uint8_t status;               /**< IPv4 Ack status on CP_V4_FAIL */
	uint8_t plen;
	bool prefix;                  /**< the option had P */
	uint32_t addr;                /**< network order */
};

/* Discard reasons, counted by the control plane: one X-macro list. */
#define CP_DISCARD_LIST(_)                                                        \
	_(PARSE, "parse_error", "malformed Mobility Header")                       \
	_(CSUM, "bad_checksum", "Mobility Header checksum wrong")                 \
	_(NOT_BU, "not_bu", "a Mobility Header type the home agent does not take") \
	_(UNPROTECTED, "unprotected", "BU without IPsec (required, or the node has an SA)") \
	_(BAD_HOA, "bad_hoa", "home address not unicast routable")                \
	_(BAD_COA, "bad_coa", "care-of address not unicast routable")             \
	_(NONCE, "nonce_in_home_reg", "Nonce Indices option in a home registration") \
	_(NO_OUTER, "no_outer_address", "outer address unknown (heuristic mode)")  \
	_(NOT_SIGNALLING_SA, "payload_sa", "BU on a payload SA")

enum cp_discard {
#define CP_DISCARD_ENUM(e, s, d) CP_DISCARD_ ## e,
	CP_DISCARD_LIST(CP_DISCARD_ENUM)
#undef CP_DISCARD_ENUM
	CP_DISCARD_MAX
};

extern const char *const cp_discard_names[CP_DISCARD_MAX];

/** The outcome of cp_bu_check: everything apply needs, computed without side effects. */
struct cp_bu_decision {
	uint8_t verdict;              /**< enum cp_verdict */
	uint8_t status;               /**< BA status */
	uint8_t discard;              /**< enum cp_discard when CP_DISCARD */
	uint8_t ba_flags;             /**< K, R, T as negotiated */
	const char *reason;           /**< for the audit log */
	uint16_t seq;                 /**< BA sequence number */
	uint16_t lifetime;            /**< granted, 4 s units */
	struct in6_addr hoa;
	/* the binding */
	uint8_t fmt;                  /**< enum bc_fmt */
	bool nat;
	bool forced_udp;
	bool tlv;
	bool mr;
	bool dad;                     /**< run DAD before publishing */
	bool has_natd;                /**< BA carries NAT Detection (BU came over UDP) */
	struct wire_natd natd;
	uint32_t coa4;                /**< network order */
	uint16_t port;                /**< host order */
	struct in6_addr coa6;
	uint8_t n_v4;                 /**< IPv4 HoA options, each answered by an IPv4 Ack */
	struct cp_v4_plan v4[WIRE_MH_MAX_V4HOA];
	bool explicit_mnp;            /**< prefixes came in the BU */
	struct cp_mn_prefixes mnp;    /**< prefixes to forward (implicit: from config) */
};

/**
 * The decision of RFC 6275 §9.5.1/§10.3, RFC 3963 §6.2 and RFC 5555 §4.2/§4.5 for a parsed
 * BU (protocol facts §11, §19). Pure: no EAL, no globals, no side effects.
 * @param bu   the parsed BU
 * @param ctx  its arrival context
 * @param cfg  configuration (policy, home prefixes)
 * @param mn   the node its home address belongs to, or NULL
 * @param cur  the node's current state, or NULL
 * @param d    the decision
 */
void cp_bu_check(const struct wire_mh *bu, const struct cp_rx_ctx *ctx, const struct ha_cfg *cfg,
		 const struct cp_mn *mn, const struct cp_bind *cur, struct cp_bu_decision *d);

/** The home address a BU is for: the Home Address option, else the IPv6 source. */
const struct in6_addr *cp_bu_hoa(const struct cp_rx_ctx *ctx);

/* ------------------------------------------------------------------ outputs */

struct cp;

/** How a packet built by the control plane leaves. */
struct cp_tx_meta {
	bool ipv4;                    /**< the packet starts with an IPv4 header */
	uint32_t mn;                  /**< the node it is for (UINT32_MAX: none) */
	uint32_t spi_out;             /**< protect with this outbound SA (0: clear) */
	uint16_t payload_off;         /**< where the MH starts (after the carriage headers) */
	uint8_t payload_proto;        /**< what starts there (0: a Mobility Header) */
	uint16_t port;                /**< port the triggering packet came in on */
};

/**
 * The control plane's outside world. publish/remove/prefix* write the binding cache (CP
 * writer) and get bc_arg; tx sends an IP packet, dad_start and announce act on the home link,
 * and get io_arg. Any may be NULL except publish, remove and tx.
 */
struct cp_ops {
	/** Make b the binding of m. @return 0 or -ENOSPC (status 130). */
	int (*publish)(void *arg, const struct cp_mn *m, const struct cp_bind *b);
	void (*remove)(void *arg, const struct cp_mn *m);
	/** @return 0, -ENOSPC, -EEXIST (another node's). */
	int (*prefix6_add)(void *arg, const struct cp_mn *m, const struct ha_prefix6 *p);
	void (*prefix6_del)(void *arg, const struct cp_mn *m, const struct ha_prefix6 *p);
	int (*prefix4_add)(void *arg, const struct cp_mn *m, const struct ha_prefix4 *p);
	void (*prefix4_del)(void *arg, const struct cp_mn *m, const struct ha_prefix4 *p);
	int (*tx)(void *arg, const uint8_t *pkt, uint16_t len, const struct cp_tx_meta *meta);
	/** Start DAD for a home address on the home link (RFC 4862); a conflict comes back
	 *  through cp_dad_conflict. */
	void (*dad_start)(void *arg, const struct in6_addr *hoa, bool link_local);
	/** Unsolicited proxy NA (RFC 6275 §10.4.1) and gratuitous ARP for a new binding. */
	void (*announce)(void *arg, const struct cp_mn *m, const struct cp_bind *b);
	/** Create the node's SAs from c (filling m's SA slots); @return 0 or a negative errno. */
	int (*sa_attach)(void *arg, struct cp_mn *m, const struct cfg_mn *c);
	/** Destroy them. */
	void (*sa_detach)(void *arg, struct cp_mn *m);
	/** Check the tables against the control plane's state (cp_check_invariants). */
	int (*verify)(void *bc_arg, const struct cp *cp, char *why, size_t len);
	void *bc_arg;
	void *io_arg;
};

/* ------------------------------------------------------------------ the control plane */

/** Counters of the control plane (CP writer; read as a snapshot). */
struct cp_stats {
	uint64_t mh_rx;
	uint64_t bu_rx;
	uint64_t registered;          /**< new bindings */
	uint64_t refreshed;           /**< same care-of address */
	uint64_t moved;               /**< new care-of address */
	uint64_t deregistered;
	uint64_t expired;
	uint64_t ba_tx;
	uint64_t be_tx;
	uint64_t be_ratelimited;
	uint64_t dad_started;
	uint64_t dad_conflicts;
	uint64_t stale_marked;
	uint64_t tx_errors;
	uint64_t revoked;             /**< bindings revoked (RFC 5846) */
	uint64_t bri_tx;              /**< first transmissions of a BRI */
	uint64_t bri_retx;
	uint64_t bra_rx;              /**< BRAs that ended a revocation */
	uint64_t bri_unanswered;      /**< revocations ended by the last retry */
	uint64_t bri_refused;         /**< ... by a Binding Error "unknown MH type" */
	uint64_t has_tx;              /**< Home Agent Switch messages (RFC 5142) */
	uint64_t status[256];         /**< BAs sent by status */
	uint64_t discards[CP_DISCARD_MAX];
};

/**
 * Create the control plane over cfg (kept by reference: the caller keeps it alive and
 * replaces it only through cp_config_swap). Mobile nodes of cfg are added.
 * @return NULL on failure (message logged).
 */
struct cp *cp_create(const struct ha_cfg *cfg, const struct cp_ops *ops);
void cp_free(struct cp *cp);

/**
 * Process one received Mobility Header of len bytes (the IPv6 payload after the extension
 * headers, or after ESP) with its arrival context. now_ms: the control plane's monotonic
 * clock. Replies (BA, BE) leave through ops->tx before this returns.
 */
void cp_rx_mh(struct cp *cp, const uint8_t *mh, uint16_t len, const struct cp_rx_ctx *ctx,
	      uint64_t now_ms);

/** A packet with a Home Address option for which no binding exists: BE status 1. */
void cp_rx_unknown_hao(struct cp *cp, const struct cp_rx_ctx *ctx, uint64_t now_ms);

/** Run timers up to now_ms: DAD completion, lifetime expiry, NAT staleness, hold expiry. */
void cp_tick(struct cp *cp, uint64_t now_ms);

/** DAD found another node using hoa: the pending registration is refused with 134. */
void cp_dad_conflict(struct cp *cp, const struct in6_addr *hoa, uint64_t now_ms);

/** Traffic or a NAT keepalive from node mn's care-of address keeps its NAT binding fresh. */
void cp_nat_seen(struct cp *cp, uint32_t mn, uint64_t now_ms);

/**
 * Authenticated ESP of node mn's payload SA came over UDP 4500 from src4:sport (network,
 * host order): the NAT's mapping of the node's port 4500, which downlink ESP goes to.
 * Taken when src4 is the binding's care-of address (the BU moves the address itself).
 */
void cp_esp_natt(struct cp *cp, uint32_t mn, uint32_t src4, uint16_t sport, uint64_t now_ms);

/**
 * NAT detection without the SPI (seed 001 §4.4.2 "heuristic and locking"): is the outer
 * IPv4 source src4:sport (network, host order) of a UDP-encapsulated BU new information,
 * i.e. different from the care-of address bound now (b may be NULL)? Pure.
 */
bool cp_natd_heuristic(const struct cp_bind *b, uint32_t src4, uint16_t sport);

/**
 * Use cfg from now on (a reload): policy and pool; the caller applies mobile-node changes
 * with cp_mn_add/cp_mn_del. Leases in force (addresses and delegated prefixes) move to a
 * changed pool; one outside it stays with its binding and never returns to the pool.
 * @return 0 or -ENOMEM.
 */
int cp_config_swap(struct cp *cp, const struct ha_cfg *cfg);

/** Publish node idx's binding again (its SAs changed). @return 0 or a negative errno. */
int cp_mn_republish(struct cp *cp, uint32_t idx);

/** Add a mobile node at run time (same checks as the config loader). @return 0 or -errno. */
int cp_mn_add(struct cp *cp, const struct cfg_mn *c, uint32_t *idx);

/** As cp_mn_add, for a node added at run time (dsmip-ctl mn-add): the control plane keeps its
 *  description, so that a reload leaves it alone unless the file names its id. */
int cp_mn_add_rt(struct cp *cp, const struct cfg_mn *c, uint32_t *idx);

/** An SA added to (add) or removed from a run-time node: its kept description follows. */
void cp_mn_rt_sa(struct cp *cp, uint32_t idx, const struct cfg_sa *sa, bool add);

/**
 * Put back a binding saved from this control plane (a refused reload's undo, a restart's
 * store) on node idx, which has none: its leases are claimed from the pool, its prefixes set
 * up, then it is published with its timers. CP writer only.
 * @return 0, -EEXIST (an address or prefix it held is another's now), -ENOSPC, -ENOMEM.
 */
int cp_binding_restore(struct cp *cp, uint32_t idx, const struct cp_bind *saved,
		       uint64_t now_ms);

/** Remove a mobile node, deleting its binding first. @return 0 or -ENOENT. */
int cp_mn_del(struct cp *cp, uint32_t idx, uint64_t now_ms);

/** End the binding of node idx, whatever its state (held sequence number included), with
 *  why in the audit line; nothing is sent (the pair's standby). @return 0 or -ENOENT. */
int cp_binding_drop(struct cp *cp, uint32_t idx, const char *why, uint64_t now_ms);

/** Announce every binding's home addresses on the home link (unsolicited NA, gratuitous
 *  ARP): a standby taking over. @return bindings announced. */
uint32_t cp_announce_all(struct cp *cp);

/** Every binding's NAT freshness starts again at now_ms (a standby taking over: it saw no
 *  keepalives). */
void cp_bindings_fresh(struct cp *cp, uint64_t now_ms);

/** Delete the binding of node idx (operator flush). @return 0 or -ENOENT. */
int cp_binding_flush(struct cp *cp, uint32_t idx, uint64_t now_ms);

/**
 * Revoke the binding of node idx (RFC 5846): it is deleted now and a Binding Revocation
 * Indication goes to where it was (on the next cp_tick), retransmitted until acknowledged
 * or policy.revocation_retries run out. delete_node (mn-del): the node itself is deleted
 * when that ends; until then its BUs are refused as an unknown node's.
 * @return 0, -ENOENT (no binding) or -ENOMEM.
 */
int cp_revoke(struct cp *cp, uint32_t idx, bool delete_node, uint64_t now_ms);

/** The carriage of a reply to the packet ctx describes: as a BA to it goes. */
void cp_reply_carriage(const struct cp *cp, const struct cp_rx_ctx *ctx,
		       struct wire_mh_carriage *c);

/** The carriage of an unsolicited message to node m at its binding b (as its BAs went:
 *  the care-of address through an RH2, or IPv4/UDP 4191 to the address and port seen). */
void cp_binding_carriage(const struct cp *cp, const struct cp_mn *m, const struct cp_bind *b,
			 struct wire_mh_carriage *c);

/** Node idx is deleted once its binding revocation ends (cp_revoke with delete_node). */
bool cp_revoking(const struct cp *cp, uint32_t idx);

/**
 * Send node idx a Home Agent Switch (RFC 5142) naming the n (1..WIRE_HA_SWITCH_MAX) home
 * agents it should register with instead; its binding stays until it moves.
 * @return 0, -ENOENT (no binding) or -EIO.
 */
int cp_ha_switch(struct cp *cp, uint32_t idx, const struct in6_addr *ha, unsigned int n);

/**
 * Check the invariants of the control plane and of the tables it writes (through
 * ops.verify): every binding-cache key belongs to exactly one node and to that node's
 * binding, the pool's accounting equals the leases and delegated prefixes held, every
 * prefix in the LPM tables belongs to a live binding that holds it, no SA is referenced by
 * two nodes, timers exist exactly for live bindings. Slow (tests, fuzzers, debug).
 * @return 0, or -1 with the first violation described in why.
 */
int cp_check_invariants(const struct cp *cp, char *why, size_t len);

/* ------------------------------------------------------------------ changes (for a store) */

/** From now on, record which nodes' bindings or descriptions change and which nodes go
 *  (a state store's input). @return 0 or -ENOMEM. */
int cp_changes_enable(struct cp *cp);

/** Take up to max slots whose binding or run-time description changed. */
uint32_t cp_changes_take(struct cp *cp, uint32_t *slots, uint32_t max);

/** Mark slot idx changed again, or note id gone again (a write that failed is retried). */
void cp_changes_mark(struct cp *cp, uint32_t idx);
void cp_gone_add(struct cp *cp, const char *id);

/** Take up to max ids of nodes removed (their records go). */
uint32_t cp_gone_take(struct cp *cp, char (*ids)[CFG_NAME_MAX], uint32_t max);

/** The description of a node added at run time, or NULL (a node of the file). */
const struct cfg_mn *cp_mn_rt_cfg(const struct cp *cp, uint32_t idx);

const struct cp_stats *cp_stats(const struct cp *cp);
const struct ha_cfg *cp_cfg(const struct cp *cp);
struct cp_mndb *cp_mndb(struct cp *cp);
const struct cp_bind *cp_bind_get(const struct cp *cp, uint32_t idx);
const struct cp_pool *cp_pool(const struct cp *cp);
uint32_t cp_bindings(const struct cp *cp);

#endif /* CP_H */
