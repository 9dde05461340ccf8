/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An immutable binding cache entry: everything the fast path needs about one mobile node,
 * precomputed by the control plane, including the outer header to prepend.
 * Entries never change once published (style guide §5): an update is a new entry.
 */
#ifndef BC_ENTRY_H
#define BC_ENTRY_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include <rte_common.h>
#include <rte_byteorder.h>

/** Tunnel format toward the care-of address. */
enum bc_fmt {
	BC_FMT_NONE = 0,
	BC_FMT_IP6,        /**< IPv6 CoA: IPv6-in-IPv6 / IPv4-in-IPv6 (RFC 2473) */
	BC_FMT_IP4,        /**< public IPv4 CoA: IPv6-in-IPv4 (41) / IPv4-in-IPv4 (4) */
	BC_FMT_UDP,        /**< IPv4/UDP 4191 vanilla (RFC 5555 §4.1), NATed or forced */
	BC_FMT_UDP_TLV,    /**< IPv4/UDP 4191 + TLV header (RFC 5845 §7.2, T flag) */
};

#define BC_F_NAT 0x01        /**< a NAT was detected on the path */
#define BC_F_FORCED_UDP 0x02 /**< F flag accepted */
#define BC_F_HOA4 0x04       /**< hoa4 is valid */
#define BC_F_MR 0x08         /**< mobile router (NEMO) */
#define BC_F_ESP 0x10        /**< payload goes through the outbound payload SA */

#define BC_TMPL_MAX 40       /**< IPv6 (40) or IPv4 + UDP + TLV (32) */
#define BC_NO_SA UINT32_MAX

/*
 * Outer-header template. For IPv4 formats tmpl holds an IPv4 header with total length and
 * checksum zero (and protocol zero for IP-in-IP, 17 for UDP); tmpl_csum is the 32-bit sum of
 * its 16-bit words without the protocol byte, so the encap adds the total length and the
 * protocol it sends and folds (bc_tmpl_ip4_csum). UDP formats follow with UDP (4191 ->
 * nat_port, length 0, checksum 0) and, for TLV, a TLV header.
 * For IPv6 the payload length and next header are filled per packet.
 */
struct bc_entry {
	/* cache line 0: all that encap reads, and decap's CoA check (in the template) */
	uint8_t tmpl[BC_TMPL_MAX];    /**< outer header, ready to prepend */
	uint32_t tmpl_csum;           /**< IPv4 template partial sum, see above */
	uint32_t coa4;                /**< IPv4 CoA as seen (NAT's address), network order */
	uint32_t hoa4;                /**< network order; valid with BC_F_HOA4 */
	uint32_t mn;                  /**< mobile node index (stable slot) */
	uint16_t nat_port;            /**< the mobile node's UDP port as seen, network order */
	uint8_t fmt;                  /**< enum bc_fmt */
	uint8_t flags;                /**< BC_F_* */
	uint8_t tmpl_len;
	uint8_t hoa4_plen;            /**< 32, or the delegated IPv4 prefix length */
	uint16_t pad0;
	/* cache line 1: home address for the inner-source check, control fields */
	struct in6_addr hoa6;
	struct in6_addr coa6;         /**< IPv6 CoA (BC_FMT_IP6) */
	uint32_t sa_out;              /**< outbound payload SA handle, or BC_NO_SA */
	uint32_t spi_in;              /**< inbound payload SPI, or 0 */
	uint32_t expire;              /**< control-plane clock, seconds */
	uint32_t gen;                 /**< publication number of this mobile node's binding */
	uint32_t idx;                 /**< slot of this entry in the entry array (allocator) */
	uint32_t adj;                 /**< the adjacency toward the care-of address + 1
				       *   (dataplane/dp_adj.h); 0: none, route per packet */
	uint16_t esp_port;            /**< NATed payload SA: the node's UDP 4500 mapping as seen,
				       *   network order; 0 until authenticated ESP showed it */
	uint8_t reserved[6];
} __rte_cache_aligned;

/** Addresses the home agent uses as outer source. */
struct bc_tmpl_src {
	struct in6_addr ha6;          /**< home agent address (IPv6 outer source) */
	uint32_t ha4;                 /**< network order (IPv4 outer source) */
	uint8_t hop_limit;            /**< outer TTL / hop limit */
};

/**
 * Build the outer-header template of e from e->fmt, e->coa6/coa4 and e->nat_port.
 * Pure: no EAL. @return 0, or -EINVAL for BC_FMT_NONE.
 */
int bc_tmpl_build(struct bc_entry *e, const struct bc_tmpl_src *src);

/** Fold e->tmpl_csum with a total length and protocol: the IPv4 header checksum to store. */
static inline uint16_t
bc_tmpl_ip4_csum(const struct bc_entry *e, uint16_t tot_len, uint8_t proto)
{
	uint32_t s = e->tmpl_csum + tot_len + proto;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

#endif /* BC_ENTRY_H */
