/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the packet parser entry, an Ethernet frame in. Whatever it reports
 * (offsets, lengths, tunnel layer) must stay inside the frame, and the headers it points at
 * are parsed again as the data plane would (inner IP, Mobility Header). Then the worker's
 * pure steps run on it: classify (with the frame's destination made local, so that the
 * tunnel paths are reached), inner-packet location and the decap strip, whose result must
 * also stay inside the frame.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dp_classify.h"
#include "dp_decap.h"
#include "wire_ip.h"
#include "wire_mh.h"
#include "wire_pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whatever the fast check takes, the general parser and classifier call the same: a packet
 * to forward DP_C_FWD with the same IP length, a tunnel DECAP or ESP with the same parse,
 * member for member (as unit/test_dp checks on its seeds); abort otherwise. */
static void
fast_agrees(const uint8_t *f, size_t size, const struct dp_ctx *c)
{
	struct wire_pkt fw, g;
	enum ha_drop why = HA_DROP_MAX;
	enum wire_err e;
	enum dp_fast fast;
	enum dp_class cl;
	uint16_t ip_len = 0;

	if (size > UINT16_MAX)
		return;
	fast = dp_classify_fast(f, (uint16_t)size, false, false, c, 0, &fw, &ip_len);
	if (fast == DP_FAST_NO)
		return;
	memset(&g, 0, sizeof(g));
	e = wire_pkt_parse(f, size, 0, &g);
	cl = dp_classify(&g, e, f, c, 0, &why);
	if (fast == DP_FAST_FWD) {
		if (cl != DP_C_FWD || g.ip_len != ip_len)
			abort();
		return;
	}
	if (cl != dp_classify_tunnel_class(&fw) || memcmp(&fw, &g, sizeof(g)) != 0)
		abort();
}

/* The fast check on any frame, parsable or not: with the addresses where an IPv6 and an
 * IPv4 destination would be made ours (the tunnels to us), then with nothing of ours (the
 * plain packets to forward). */
static void
fast_checks(const uint8_t *f, size_t size)
{
	struct dp_ctx c;
	struct in6_addr d6;
	uint32_t d4;

	memset(&c, 0, sizeof(c));
	c.n_ports = 1;
	memcpy(c.port[0].mac, f, 6);
	c.port[0].ll6.s6_addr[0] = 0xfe;     /* a port's link-local address, fe80::1 */
	c.port[0].ll6.s6_addr[1] = 0x80;
	c.port[0].ll6.s6_addr[15] = 1;
	/* (a port's own MAC is never a multicast one: dp_classify drops multicast frames in
	 * transit before it compares, so such a context would disagree by construction) */
	if ((f[0] & 1) == 0)
		fast_agrees(f, size, &c);
	if (size < 54)
		return;
	memcpy(&d6, f + 14 + 24, 16);
	memcpy(&d4, f + 14 + 16, 4);
	dp_ctx_add_local6(&c, &d6);
	dp_ctx_add_local4(&c, d4);
	fast_agrees(f, size, &c);
}

/* Run the worker's classify and decap steps; abort when a result leaves the frame. */
static void
worker_steps(const struct wire_pkt *p, const uint8_t *f, size_t size)
{
	struct dp_ctx c;
	struct dp_inner in;
	struct dp_pkt pkt;
	enum ha_drop why = HA_DROP_MAX;
	enum dp_class cls;

	memset(&c, 0, sizeof(c));
	c.n_ports = 1;
	memcpy(c.port[0].mac, f, 6);
	if (p->l3 == WIRE_L3_IP4) {
		dp_ctx_add_local4(&c, p->ip4.dst);
	} else {
		struct in6_addr d;

		memcpy(&d, f + p->l3_off + 24, 16);
		dp_ctx_add_local6(&c, &d);
	}
	cls = dp_classify(p, WIRE_E_OK, f, &c, 0, &why);
	if (cls == DP_C_DROP && why >= HA_DROP_MAX)
		abort();
	if (cls != DP_C_DECAP || dp_inner_locate(p, f, &in, &why) != 0)
		return;
	if ((size_t)in.off + in.len > size || in.src < f + in.off ||
	    in.src + (in.family == 4 ? 4 : 16) > f + in.off + in.len)
		abort();
	pkt.data = (uint8_t *)(uintptr_t)f;
	pkt.len = (uint16_t)size;
	pkt.headroom = 0;
	dp_decap_strip(&pkt, &in);
	if (pkt.data + pkt.len > f + size || pkt.headroom != in.off)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_ip4_info i4;
	struct wire_ip6_info i6;
	struct wire_pkt p;
	struct wire_mh m;
	uint8_t *f;

	f = malloc(size ? size : 1);
	if (f == NULL)
		return 0;
	memcpy(f, data, size);
	if (wire_pkt_parse(f, size, size > 0 ? f[size - 1] & 1 : 0, &p) == WIRE_E_OK &&
	    (p.l3 == WIRE_L3_IP4 || p.l3 == WIRE_L3_IP6)) {
		size_t end = (size_t)p.l3_off + p.ip_len;

		if (end > size || p.l4_off > end || (size_t)p.l4_off + p.l4_len > end)
			abort();
		if (!p.frag && p.tun != WIRE_TUN_NONE && p.inner_off > end)
			abort();
		if (!p.frag && (p.tun == WIRE_TUN_IPIP || p.tun == WIRE_TUN_UDP ||
				p.tun == WIRE_TUN_UDP_TLV)) {
			if (p.inner_proto == 4)
				(void)wire_ip4_parse(f + p.inner_off, end - p.inner_off, true, &i4);
			else if (p.inner_proto == 41)
				(void)wire_ip6_parse(f + p.inner_off, end - p.inner_off, &i6);
		}
		if (!p.frag && p.l4_proto == WIRE_PROTO_MH)
			(void)wire_mh_parse(f + p.l4_off, p.l4_len, NULL, NULL, 0, &m);
		if (size >= 14)
			worker_steps(&p, f, size);
	}
	if (size >= 14)
		fast_checks(f, size);
	free(f);
	return 0;
}
