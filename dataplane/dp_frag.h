/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 fragmentation of a packet the home agent tunnels (pure). An IPv4 packet without DF
 * that does not fit the tunnel is fragmented before encapsulation, each fragment tunnelled
 * on its own (RFC 4459 §3.3, "inner fragmentation"): the mobile node reassembles it like
 * any host, and no tunnel endpoint (behind a NAT, too) has to reassemble outer fragments.
 * With DF set the sender gets "fragmentation needed" instead (RFC 1191).
 */
#ifndef DP_FRAG_H
#define DP_FRAG_H

#include <stddef.h>
#include <stdint.h>

/**
 * Write the fragment of the IPv4 packet ip[0..len) that starts at payload offset *off
 * (bytes after the header; 0 for the first) into out[0..cap), no longer than mtu bytes, and
 * advance *off. Options whose copied flag is set go into every fragment, the others into
 * the first only (RFC 791). A packet that is itself a fragment keeps its offset and MF.
 * @return the fragment's length, 0 when *off has reached the end, -1 when mtu leaves no
 *         room for 8 bytes of payload or out is too small.
 */
int dp_frag4_next(const uint8_t *ip, uint16_t len, uint16_t mtu, uint16_t *off, uint8_t *out,
		  size_t cap);

#endif /* DP_FRAG_H */
