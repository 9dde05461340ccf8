/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane's packet I/O on the control lcore: drains the workers' punt rings
 * (signalling, neighbor work, events), owns neighbor resolution (ARP, ND, a bounded hold
 * queue, ageing; the only writer of the neighbor table), and sends what the control plane
 * builds (BAs, BEs, NS for DAD, unsolicited NA, gratuitous ARP) on its own TX queue or,
 * where the device has none to spare, through worker 0.
 */
#ifndef CP_IO_H
#define CP_IO_H

#include <stdbool.h>
#include <stdint.h>

#include "cp.h"
#include "dp_ctx.h"
#include "dp_port.h"

struct rte_ring;
struct cp_io;

#define CP_IO_HELD_MAX 1024           /* packets held for unresolved next hops, in all */
#define CP_IO_DEFER_MAX 512           /* frames of one pass waiting for its commit */

struct cp_io_stats {
	uint64_t punted;
	uint64_t neigh_learned;
	uint64_t neigh_expired;
	uint64_t neigh_unresolved;    /**< held packets dropped: no answer */
	uint64_t held;
	uint64_t held_dropped;        /**< hold queue full */
	uint64_t neigh_incomplete_full; /**< packets to a new next hop while too many are
					 *   unresolved already (RFC 6583) */
	uint64_t neigh_entries;       /**< neighbors tracked now */
	uint64_t neigh_incomplete;    /**< of which unresolved */
	uint64_t arp_sent;
	uint64_t ns_sent;
	uint64_t na_sent;
	uint64_t nat_port_changes;
	uint64_t esp_refused;         /**< signalling ESP not decrypted (per-SA counters say why) */
	uint64_t tx;
	uint64_t tx_errors;
	uint64_t tx_silenced;         /**< frames not sent: the standby of a pair */
};

/**
 * Set up over the data plane's context and ports; punt[w] and sig[w] are worker w's rings
 * (everything else, and signalling, which is served first).
 * @return NULL on failure.
 */
struct cp_io *cp_io_create(const struct dp_ctx *ctx, const struct dp_port *ports,
			   struct rte_ring *const *punt, struct rte_ring *const *sig,
			   unsigned int n_workers);
void cp_io_free(struct cp_io *io);

/** Bind the control plane (after cp_create, which needs the ops below). */
void cp_io_attach(struct cp_io *io, struct cp *cp);

/** Fill the output ops of the control plane (tx, dad_start, announce). */
void cp_io_ops(struct cp_io *io, struct cp_ops *ops);

/** An IP packet (IPv4 or IPv6, by its version) out as the control plane's own: routed,
 *  its next hop resolved, sent with the pass's flush. @return 0 or -errno. */
int cp_io_send_ip(struct cp_io *io, const uint8_t *pkt, uint16_t len);

/** Told each node whose SAs were detached (the node removed or replaced). */
void cp_io_set_node_gone(struct cp_io *io, void (*fn)(void *arg, uint32_t mn), void *arg);

/** Where punted IKE frames go (they are the sink's to free); NULL: dropped. */
void cp_io_set_ike_sink(struct cp_io *io, void (*fn)(void *arg, struct rte_mbuf *m),
			void *arg);

/** Drain the punt rings and run neighbor timers, then send what they produced
 *  (cp_io_tx_flush). Control lcore only. */
void cp_io_poll(struct cp_io *io, uint64_t now_ms);

struct cp_hl;
/** The home link's state (RAs, home agents list, DHAAD counters); control lcore only. */
const struct cp_hl *cp_io_home_link(const struct cp_io *io);

/**
 * Frames the control plane builds wait in a queue of the pass; this sends them, calling
 * commit first: a BA leaves only once what it acknowledges is in the state store (a crash
 * between the two cannot leave a node believing in a binding the next start lacks). The
 * queue flushes itself (commit included) when full.
 */
void cp_io_tx_flush(struct cp_io *io);

/** The commit run before queued frames are sent (NULL: none). */
void cp_io_set_commit(struct cp_io *io, void (*commit)(void *), void *arg);

/** Silent (the standby of a pair): frames are dropped, never sent. */
void cp_io_set_silent(struct cp_io *io, bool silent);

/** Gratuitous ARP and unsolicited NA (override) for the home agent's own addresses on
 *  every port: a standby that took over tells the links its MAC. */
void cp_io_announce_self(struct cp_io *io);

const struct cp_io_stats *cp_io_stats(const struct cp_io *io);

struct cp_esp;
/** The control plane's SAs and its per-SA counters (telemetry). */
const struct cp_esp *cp_io_esp(const struct cp_io *io);
/** The same, for the control lcore's run-time SA changes. */
struct cp_esp *cp_io_esp_mut(struct cp_io *io);

/** The home prefixes changed (a reload): registered nodes get unsolicited Mobile Prefix
 *  Advertisements over the next control loop passes (RFC 6275 §10.6.2). */
void cp_io_hl_prefixes_changed(struct cp_io *io);

#endif /* CP_IO_H */
