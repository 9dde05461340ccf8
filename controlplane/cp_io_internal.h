/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane's packet I/O, shared by its files: punted packets in (cp_io.c),
 * neighbor resolution (cp_nb.c), frames out (cp_io_tx.c). Control lcore only.
 */
#ifndef CP_IO_INTERNAL_H
#define CP_IO_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "cp_esp.h"
#include "cp_hl.h"
#include "cp_io.h"
#include "dp_punt.h"
#include "wire_nd.h"

#define NB_MAX 4096                   /* neighbors tracked */
#define NB_HASH (2 * NB_MAX)          /* index slots (power of two) */
#define NB_INCOMPLETE_MAX 256         /* unresolved at once (RFC 6583 §7.1) */
#define NB_HOLD 4                     /* packets held per unresolved neighbor */
#define NB_HOLD_TOTAL CP_IO_HELD_MAX
#define NB_RETRANS_MS 1000            /* RETRANS_TIMER, RFC 4861 §10 */
#define NB_TRIES 3                    /* MAX_MULTICAST_SOLICIT */
#define NB_REACHABLE_MS 60000         /* then probed (unicast) */

/* NB_STATIC: from the config (routes[].mac): never probed, aged or relearnt */
enum nb_state { NB_FREE, NB_INCOMPLETE, NB_REACHABLE, NB_PROBE, NB_STATIC };

struct cp_nb {
	uint8_t state;
	uint8_t family;
	uint8_t tries;
	uint8_t n_held;
	uint16_t port;
	uint8_t mac[6];
	uint8_t ip[16];               /* IPv4 in the first 4 bytes */
	uint64_t due_ms;              /* next solicitation, probe or expiry */
	struct rte_mbuf *held[NB_HOLD];
};

/* The neighbors: entries, an open-addressing index by (family, port, address), free list. */
struct cp_nbt {
	uint32_t n_used;              /* entries in use */
	uint32_t n_incomplete;
	uint32_t held_total;
	uint16_t index[NB_HASH];      /* entry + 1, or 0: empty */
	uint16_t free[NB_MAX];        /* free entries */
	uint32_t n_free;
	struct cp_nb nb[NB_MAX];
};

struct cp_io {
	const struct dp_ctx *ctx;
	const struct dp_port *ports;
	struct rte_ring *punt[RTE_MAX_LCORE];
	struct rte_ring *sig[RTE_MAX_LCORE];
	unsigned int n_workers;
	struct cp *cp;
	struct cp_esp esp;            /* SAs, signalling ESP */
	uint64_t now_ms;
	uint64_t nat_log_ms;
	struct cp_io_stats stats;
	bool silent;                  /* the standby of a pair: nothing is sent */
	void (*commit)(void *);       /* before queued frames go (the state store) */
	void *commit_arg;
	uint32_t n_defer;
	struct rte_mbuf *defer[CP_IO_DEFER_MAX];
	uint16_t defer_port[CP_IO_DEFER_MAX];
	struct cp_nbt nbt;
	void (*ike_sink)(void *arg, struct rte_mbuf *m);   /* IKE punts: the exception path */
	void *ike_arg;
	void (*node_gone)(void *arg, uint32_t mn);   /* after a node's SAs are detached */
	void *node_gone_arg;
	struct cp_hl hl;              /* the home link: RAs, the home agents list, DHAAD */
};

/* cp_io_tx.c: frames out, and the control plane's output ops */
int cp_io_tx(void *arg, const uint8_t *pkt, uint16_t len, const struct cp_tx_meta *meta);
void cp_io_dad_start(void *arg, const struct in6_addr *hoa, bool link_local);
void cp_io_announce(void *arg, const struct cp_mn *mn, const struct cp_bind *b);
void cp_io_send_frame(struct cp_io *io, struct rte_mbuf *m, uint16_t port);
int cp_io_push_l2(struct rte_mbuf *m, const uint8_t *src, const uint8_t *dst, uint16_t type);
struct rte_mbuf *cp_io_mbuf(struct cp_io *io, const uint8_t *pkt, uint16_t len);
void cp_io_send_arp(struct cp_io *io, uint16_t port, uint16_t op, uint32_t spa, uint32_t tpa,
		    const uint8_t *tha);
void cp_io_send_nd(struct cp_io *io, uint16_t port, const struct in6_addr *src,
		   const struct in6_addr *dst, const struct wire_nd *nd, const uint8_t *dst_mac);

/* cp_io_hl.c: the home link's protocol (RS, RA, DHAAD, MPD) */
void cp_io_hl_rx(struct cp_io *io, struct rte_mbuf *m, const struct dp_punt *meta);
void cp_io_hl_timers(struct cp_io *io);
/** A Mobile Prefix Solicitation (ICMPv6 at icmp) with the context it arrived in. */
void cp_io_hl_mps(struct cp_io *io, const uint8_t *icmp, size_t len, const struct cp_rx_ctx *ctx);

/* cp_nb.c: neighbor resolution */
void cp_nb_init(struct cp_io *io);
/** A neighbor told us its MAC (create: also when not tracked yet); what waited is sent. */
void cp_nb_learn(struct cp_io *io, uint8_t family, uint16_t port, const void *ip,
		 const uint8_t *mac, bool create);
/** Hold m (data at L3) until the next hop in meta answers; consumes m. */
void cp_nb_hold(struct cp_io *io, struct rte_mbuf *m, const struct dp_punt *meta);
void cp_nb_timers(struct cp_io *io);
/** Next hops whose MAC the config gives (routes[].mac): published once, kept. */
void cp_nb_static(struct cp_io *io, const struct ha_cfg *cfg);
void cp_nb_fini(struct cp_io *io);

#endif /* CP_IO_INTERNAL_H */
