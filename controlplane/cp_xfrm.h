/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What an IKE daemon (strongSwan's charon, unmodified) installs in the kernel's XFRM
 * database, read from XFRM netlink messages (libmnl) into the home agent's terms: an SA as
 * the config would describe it (SPI, algorithm, keys, replay window, ESN), its addresses,
 * mode and reqid; a policy's selector and the reqid of its template. Pure functions on
 * buffers: the mirror (which node, which role, make-before-break) builds on them, and tests
 * feed them the messages the kernel sends.
 */
#ifndef CP_XFRM_H
#define CP_XFRM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "cfg.h"

enum cp_xfrm_kind {
	CP_XFRM_IGNORED,      /**< not ESP, not a message of interest */
	CP_XFRM_SA_NEW,       /**< XFRM_MSG_NEWSA */
	CP_XFRM_SA_UPDATE,    /**< XFRM_MSG_UPDSA (charon: the inbound SA completed, MOBIKE) */
	CP_XFRM_SA_DEL,       /**< XFRM_MSG_DELSA */
	CP_XFRM_SA_EXPIRE,    /**< XFRM_MSG_EXPIRE (soft: a rekey is due; hard: gone) */
	CP_XFRM_POL_NEW,      /**< XFRM_MSG_NEWPOLICY or UPDPOLICY */
	CP_XFRM_POL_DEL,      /**< XFRM_MSG_DELPOLICY */
	CP_XFRM_FLUSH_SA,     /**< XFRM_MSG_FLUSHSA: every SA goes */
	CP_XFRM_FLUSH_POL,    /**< XFRM_MSG_FLUSHPOLICY: every policy goes */
};

/** An address of either family; v4 ones as IPv4-mapped IPv6 (::ffff:a.b.c.d). */
struct cp_xfrm_addr {
	struct in6_addr a;
	uint8_t family;               /**< AF_INET or AF_INET6 */
};

struct cp_xfrm_sel {
	struct cp_xfrm_addr src, dst;
	uint8_t src_len, dst_len;     /**< prefix lengths (of the family's width) */
	uint8_t proto;                /**< 0: any; 135: the Mobility Header */
};

struct cp_xfrm_sa {
	struct cfg_sa sa;             /**< spi, algorithm, keys, replay window, esn (dir and role
				       *   are the mirror's to decide) */
	struct cp_xfrm_addr src, dst; /**< the SA's own addresses (outer, in tunnel mode) */
	struct cp_xfrm_sel sel;
	uint32_t reqid;
	bool tunnel;                  /**< XFRM_MODE_TUNNEL (else transport) */
	bool encap;                   /**< ESP in UDP (NAT traversal) */
	uint16_t encap_sport, encap_dport;
	bool hard;                    /**< EXPIRE: the hard limit (else soft) */
	uint64_t add_soft_s, add_hard_s;   /**< lifetimes from installation, 0: none */
	uint64_t byte_soft, byte_hard;     /**< XFRM_INF: none */
	uint64_t packet_soft, packet_hard;
};

struct cp_xfrm_pol {
	struct cp_xfrm_sel sel;
	uint8_t dir;                  /**< XFRM_POLICY_IN, _OUT, _FWD */
	uint32_t index;
	uint32_t reqid;               /**< of the first ESP template (0: none) */
	bool tunnel;
};

struct cp_xfrm_event {
	enum cp_xfrm_kind kind;
	union {
		struct cp_xfrm_sa sa;     /**< SA_*: for SA_DEL only spi and dst are sure */
		struct cp_xfrm_pol pol;
	};
};

/**
 * One netlink message (len bytes at buf, from a NETLINK_XFRM socket or a relay of one).
 * @return 0 (ev filled; kind IGNORED for what the home agent does not mirror), or -1 with
 * the reason in why: a malformed message, or an SA the data plane cannot run (its
 * algorithm; the reason names it).
 */
int cp_xfrm_parse(const void *buf, size_t len, struct cp_xfrm_event *ev, char *why,
		  size_t why_len);

/**
 * The length of the netlink message at buf (left bytes from there) when it is whole, else
 * 0. Unlike mnl_nlmsg_ok + mnl_nlmsg_next this holds for any nlmsg_len: libmnl compares it
 * as an int (0xffffffff passes as -1) and aligns it with an overflow (to 0: the same
 * message again, forever), which a relay's stream must never be able to cause.
 * @return the whole message's length, aligned, at most left.
 */
size_t cp_xfrm_msg_len(const void *buf, size_t left);

/** Whether a (of the selector's family) lies inside the selector side (prefix). */
bool cp_xfrm_sel_covers(const struct cp_xfrm_addr *pfx, uint8_t len,
			const struct in6_addr *a);

#endif /* CP_XFRM_H */
