/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EAL tier: the worker path and the control plane together on real ring PMDs (net_ring: what
 * a port sends comes back on its own receive queue, where the test reads it). Frames go in
 * through dp_worker_rx as a worker would receive them; the control plane is polled as its
 * loop would. Covers what the hardening review found between the two: signalling starved by
 * other punts, neighbor-table exhaustion, VLAN tags lost by proxy NA, extension headers
 * judged in transit, UDP checksums, IPv4 fragmentation before encapsulation.
 */
#include <arpa/inet.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "t_addr.h"
#include "bc.h"
#include "cp.h"
#include "cp_bcw.h"
#include "cp_io.h"
#include "dp_adj.h"
#include "dp_lcore.h"
#include "dp_neigh.h"
#include "dp_out.h"
#include "dp_port.h"
#include "dp_punt.h"
#include "dp_setup.h"
#include "eal_fixture.h"
#include "wire_csum.h"
#include "wire_ip.h"
#include "wire_mh.h"
#include "wire_nd.h"
#include "wire_pkt.h"

#define ACCESS 0
#define HOME 1

static uint8_t MAC_ACCESS[6];               /* the ports' own (net_ring takes no other) */
static uint8_t MAC_HOME[6];
static const uint8_t MAC_ROUTER[6] = { 0x02, 0, 0, 0, 0xa0, 0xfe };
static const uint8_t MAC_CN[6] = { 0x02, 0, 0, 0, 0xb0, 0x10 };

/* punt_rate and punt_ring come from the test */
static const char conf_fmt[] =
	"ports = (\n"
	"  { name = \"access\"; device = \"net_ring0\"; role = \"access\"; \n"
	"    ipv4 = \"198.51.100.1/24\"; ipv6 = \"2001:db8:a::1/64\"; mtu = 1500; },\n"
	"  { name = \"home\"; device = \"net_ring1\"; role = \"home\"; \n"
	"    ipv4 = \"192.0.2.1/24\"; ipv6 = \"2001:db8:1::1/64\"; mtu = 1500; } );\n"
	"routes = ( { prefix = \"0.0.0.0/0\"; via = \"198.51.100.254\"; mac = \"02:00:00:00:a0:fe\"; },\n"
	"  { prefix = \"::/0\"; via = \"2001:db8:a::fe\"; mac = \"02:00:00:00:a0:fe\"; },\n"
	"  { prefix = \"203.0.113.128/25\"; via = \"192.0.2.254\"; mac = \"02:00:00:00:b0:fe\"; } );\n"
	"home_agent = { address6 = \"2001:db8:1::1\"; address4 = \"198.51.100.1\";\n"
	"  home_prefixes = [ \"2001:db8:1::/64\" ]; ipv4_home_prefixes = [ \"192.0.2.0/24\" ]; };\n"
	"policy = { require_ipsec = false; dad = false; };\n"
	"capacity = { bindings = 64; sas = 64; prefixes = 64; };\n"
	"dataplane = { punt_ring = %u; punt_rate = %u; };\n"
	"mobile_nodes = ( { id = \"mn1\"; hoa6 = \"2001:db8:1::100\"; hoa4 = \"192.0.2.100\"; } );\n";

struct env {
	struct ha_cfg *cfg;
	struct rte_mempool *pool;
	struct bc *bc;
	struct dp_port ports[2];
	struct dp_setup s;
	struct dp_lcore *lc;
	struct cp_bcw bcw;
	struct cp_io *io;
	struct cp *cp;
	uint64_t now;
};

static const char *const ring_vdevs[] = { "--vdev=net_ring0", "--vdev=net_ring1", NULL };

static void
init(void)
{
	ha_eal_init_with(ring_vdevs);
}

static void
up(struct env *v, unsigned int punt_ring, unsigned int punt_rate)
{
	char text[4096];
	struct cfg_status st;
	struct cp_ops ops = { 0 };
	unsigned int i;

	memset(v, 0, sizeof(*v));
	snprintf(text, sizeof(text), conf_fmt, punt_ring, punt_rate);
	v->cfg = cfg_load_string(text, "w.conf", &st);
	cr_assert_not_null(v->cfg, "%s", st.errors[0]);
	v->pool = rte_pktmbuf_pool_create("w_pool", 16383, 64, DP_MBUF_PRIV,
					  RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	cr_assert_not_null(v->pool);
	v->bc = bc_create(&(struct bc_params){ .name = "wbc", .capacity = 64, .prefixes = 64,
					       .spis = 64, .max_readers = 2,
					       .socket = (int)rte_socket_id() });
	cr_assert_not_null(v->bc);
	for (i = 0; i < 2; i++) {
		cr_assert_eq(dp_port_open(&v->ports[i], &v->cfg->ports[i]), 0);
		cr_assert_eq(dp_port_start(&v->ports[i], 1, 512, 512, v->pool), 0);
	}
	v->lc = rte_zmalloc(NULL, sizeof(*v->lc), RTE_CACHE_LINE_SIZE);
	cr_assert_not_null(v->lc);
	v->lc->burst = 32;
	cr_assert_eq(dp_setup_init(&v->s, v->cfg, v->ports, 2, v->bc, NULL, v->pool, v->lc, 1), 0);
	memcpy(MAC_ACCESS, v->s.ctx.port[ACCESS].mac, 6);
	memcpy(MAC_HOME, v->s.ctx.port[HOME].mac, 6);
	v->io = cp_io_create(&v->s.ctx, v->ports, v->s.punt, v->s.sig, 1);
	cr_assert_not_null(v->io);
	cp_bcw_init(&v->bcw, v->bc, v->cfg, &ops);
	cp_bcw_set_adj(&v->bcw, &v->s.ctx);   /* as dsmip-ha runs */
	cp_io_ops(v->io, &ops);
	v->cp = cp_create(v->cfg, &ops);
	cr_assert_not_null(v->cp);
	cp_io_attach(v->io, v->cp);
	v->now = 1000;
	cp_tick(v->cp, v->now);
}

static void
down(struct env *v)
{
	unsigned int i;

	cp_free(v->cp);
	cp_io_free(v->io);
	dp_setup_fini(&v->s, v->lc);
	for (i = 2; i > 0; i--)
		dp_port_close(&v->ports[i - 1]);
	rte_free(v->lc);
	bc_free(v->bc);
	rte_mempool_free(v->pool);
	cfg_free(v->cfg);
}

/* One frame into the worker as received on port. */
static void
inject(struct env *v, uint16_t port, const uint8_t *f, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(v->pool);

	cr_assert_not_null(m);
	memcpy(rte_pktmbuf_append(m, (uint16_t)len), f, len);
	dp_worker_rx(v->lc, port, &m, 1);
	dp_out_flush(v->lc);
}

/*
 * What port sent since last time, from every TX queue (the worker's and the control
 * plane's own): net_ring keeps one ring per queue, named after the device. Frees them.
 */
static unsigned int
collect(struct env *v, uint16_t port, uint8_t (*f)[2048], uint16_t *len, unsigned int max)
{
	struct rte_mbuf *m[32];
	unsigned int n = 0, k, i, q;

	(void)v;
	for (q = 0; q < 2; q++) {
		char name[RTE_RING_NAMESIZE];
		struct rte_ring *r;

		snprintf(name, sizeof(name), "ETH_RXTX%u_net_ring%u", q, port);
		r = rte_ring_lookup(name);
		cr_assert_not_null(r, "no ring %s", name);
		while ((k = rte_ring_dequeue_burst(r, (void **)m, 32, NULL)) > 0)
			for (i = 0; i < k; i++) {
				if (n < max) {
					len[n] = (uint16_t)rte_pktmbuf_pkt_len(m[i]);
					memcpy(f[n], rte_pktmbuf_read(m[i], 0, len[n], f[n]),
					       len[n]);
					n++;
				}
				rte_pktmbuf_free(m[i]);
			}
	}
	return n;
}

static void
poll_cp(struct env *v)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		cp_io_poll(v->io, v->now);
	dp_out_flush(v->lc);
}

static uint64_t
drops(const struct env *v, enum ha_drop d)
{
	return v->lc->stats.drops[d];
}

static size_t
eth(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	wire_wr16(f + 12, type);
	return 14;
}

/* mn1's BU over UDP 4191 from a NAT (outer 203.0.113.9:40000), with an IPv4 HoA option. */
static size_t
bu_frame(uint8_t *f, uint16_t seq, bool csum)
{
	struct in6_addr hoa = a6("2001:db8:1::100"), ha = a6("2001:db8:1::1");
	struct wire_bu_args a = { .seq = seq, .flags = WIRE_BU_A | WIRE_BU_H, .lifetime = 100,
				  .has_v4coa = true, .v4coa = a4("100.64.0.9"), .n_v4hoa = 1,
				  .v4hoa = { { .addr = a4("192.0.2.100"), .plen = 32 } } };
	size_t o = eth(f, MAC_ACCESS, MAC_ROUTER, WIRE_ETHERTYPE_IPV4);
	int n = wire_mh_bu_build(f + o + 68, 256, &a, &hoa, &ha);

	cr_assert_gt(n, 0);
	wire_ip4_hdr_build(f + o, a4("203.0.113.9"), a4("198.51.100.1"), WIRE_PROTO_UDP,
			   (uint16_t)(68 + n), 64, 1, false);
	wire_udp_hdr_build(f + o + 20, 40000, 4191, (uint16_t)(48 + n), 0);
	wire_ip6_hdr_build(f + o + 28, &hoa, &ha, WIRE_PROTO_MH, (uint16_t)n, 64);
	if (csum)
		wire_wr16(f + o + 26, wire_ip4_l4_csum(a4("203.0.113.9"), a4("198.51.100.1"),
						       WIRE_PROTO_UDP, f + o + 20,
						       (size_t)(48 + n)));
	return o + 68 + (size_t)n;
}

/* The BA mn1 got (on the access port), or -1. */
static int
ba_status(struct env *v)
{
	static uint8_t f[16][2048];
	uint16_t len[16];
	unsigned int n = collect(v, ACCESS, f, len, 16), i;

	for (i = 0; i < n; i++) {
		struct wire_pkt w;

		if (wire_pkt_parse(f[i], len[i], 0, &w) == WIRE_E_OK && w.l3 == WIRE_L3_IP4 &&
		    w.sport == 4191 && f[i][14 + 28 + 40 + 2] == WIRE_MH_BA)
			return f[i][14 + 28 + 40 + 6];      /* the BA's status */
	}
	return -1;
}

static void
register_mn1(struct env *v)
{
	uint8_t f[512];

	inject(v, ACCESS, f, bu_frame(f, 1, true));
	poll_cp(v);
	cr_assert_eq(ba_status(v), 0, "mn1 registered");
}

TestSuite(worker, .init = init, .fini = ha_eal_fini);

/*
 * A flood of packets to random addresses on the home link (each a new unresolved next hop)
 * does not crowd out a Binding Update: the BU has a ring of its own, the flood a token
 * bucket; and the neighbor table holds at most 256 unresolved entries (RFC 6583).
 */
Test(worker, signalling_survives_a_flood_of_unresolved_next_hops)
{
	uint8_t f[512];
	struct env v;
	unsigned int i;
	size_t n;

	up(&v, 128, 100);
	for (i = 0; i < 3000; i++) {
		struct in6_addr src = a6("2001:db8:b::5"), dst = a6("2001:db8:1::");

		dst.s6_addr[12] = (uint8_t)(i >> 8);
		dst.s6_addr[13] = (uint8_t)i;
		dst.s6_addr[15] = 7;
		n = eth(f, MAC_ACCESS, MAC_ROUTER, WIRE_ETHERTYPE_IPV6);
		wire_ip6_hdr_build(f + n, &src, &dst, WIRE_PROTO_NONE, 0, 64);
		inject(&v, ACCESS, f, n + 40);
	}
	cr_assert_gt(drops(&v, HA_DROP_PUNT_LIMITED), 2800, "the flood is limited");
	inject(&v, ACCESS, f, bu_frame(f, 1, true));
	cr_assert_eq(drops(&v, HA_DROP_PUNT_FULL), 0);
	poll_cp(&v);
	cr_assert_eq(ba_status(&v), 0, "the BU in the flood is answered");
	cr_assert_leq(cp_io_stats(v.io)->neigh_incomplete, 100);
	down(&v);
}

Test(worker, at_most_256_unresolved_neighbors)
{
	uint8_t f[512];
	struct env v;
	unsigned int i;
	size_t n;

	up(&v, 4096, 0);                        /* no punt limit: the table's own cap */
	for (i = 0; i < 1000; i++) {
		struct in6_addr src = a6("2001:db8:b::5"), dst = a6("2001:db8:1::");

		dst.s6_addr[12] = (uint8_t)(i >> 8);
		dst.s6_addr[13] = (uint8_t)i;
		dst.s6_addr[15] = 7;
		n = eth(f, MAC_ACCESS, MAC_ROUTER, WIRE_ETHERTYPE_IPV6);
		wire_ip6_hdr_build(f + n, &src, &dst, WIRE_PROTO_NONE, 0, 64);
		inject(&v, ACCESS, f, n + 40);
		if (i % 100 == 99)
			poll_cp(&v);
	}
	poll_cp(&v);
	cr_assert_eq(cp_io_stats(v.io)->neigh_incomplete, 256);
	cr_assert_eq(cp_io_stats(v.io)->neigh_incomplete_full, 1000 - 256);
	down(&v);
}

/* RFC 1122 §4.1.3.4: a BU whose UDP checksum is wrong is not signalling anyone can trust. */
Test(worker, bu_with_a_bad_udp_checksum_is_dropped)
{
	uint8_t f[512];
	struct env v;
	size_t n;

	up(&v, 1024, 10000);
	n = bu_frame(f, 1, true);
	f[14 + 20 + 1] ^= 0x01;                 /* the source port, corrupted in flight */
	inject(&v, ACCESS, f, n);
	poll_cp(&v);
	cr_assert_eq(ba_status(&v), -1);
	cr_assert_eq(drops(&v, HA_DROP_BAD_UDP_CSUM), 1);
	cr_assert_eq(cp_bindings(v.cp), 0);
	down(&v);
}

/* Proxy NA for a registered home address, asked on a VLAN: the answer keeps the tag. */
Test(worker, proxy_na_keeps_the_vlan_tag)
{
	static uint8_t out[4][2048];
	struct in6_addr cn = a6("2001:db8:1::10"), hoa = a6("2001:db8:1::100"), snm;
	struct wire_nd ns = { .type = WIRE_ND_NS, .target = hoa, .has_lla = true };
	uint8_t f[512];
	uint16_t len[4];
	struct env v;
	size_t o;
	int n;

	up(&v, 1024, 10000);
	register_mn1(&v);
	collect(&v, HOME, out, len, 4);         /* the unsolicited NA of the registration */
	memcpy(ns.lla, MAC_CN, 6);
	wire_nd_solicited_node(&hoa, &snm);
	o = eth(f, (const uint8_t[]){ 0x33, 0x33, 0xff, 0, 1, 0 }, MAC_CN, WIRE_ETHERTYPE_VLAN);
	wire_wr16(f + o, 0x2064);               /* priority 1, VLAN 100 */
	wire_wr16(f + o + 2, WIRE_ETHERTYPE_IPV6);
	n = wire_nd_build(f + o + 4, 256, &cn, &snm, &ns);
	cr_assert_gt(n, 0);
	inject(&v, HOME, f, o + 4 + (size_t)n);
	cr_assert_eq(collect(&v, HOME, out, len, 4), 1, "one NA");
	cr_assert_eq(wire_rd16(out[0] + 12), WIRE_ETHERTYPE_VLAN, "tagged");
	cr_assert_eq(wire_rd16(out[0] + 14), 0x2064, "the same tag");
	cr_assert_eq(wire_rd16(out[0] + 16), WIRE_ETHERTYPE_IPV6);
	cr_assert_eq(out[0][18 + 40], WIRE_ND_NA);
	cr_assert_eq(memcmp(out[0] + 18 + 48, &hoa, 16), 0, "for the home address");
	cr_assert_eq(memcmp(out[0], MAC_CN, 6), 0, "to the asker");
	down(&v);
}

/* RFC 8200 §4: an SRv6 packet in transit is forwarded; addressed to the home agent it is
 * refused with a Parameter Problem pointing at the routing type. */
Test(worker, extension_headers_in_transit_and_to_us)
{
	static uint8_t out[4][2048];
	struct in6_addr src = a6("2001:db8:1::10"), dst = a6("2001:db8:77::1");
	uint8_t f[512];
	uint16_t len[4];
	struct env v;
	size_t o;

	up(&v, 1024, 10000);
	dp_neigh_set6(v.s.ctx.neigh, HOME, &src, MAC_CN);
	o = eth(f, MAC_HOME, MAC_CN, WIRE_ETHERTYPE_IPV6);
	wire_ip6_hdr_build(f + o, &src, &dst, WIRE_PROTO_ROUTING, 24 + 8, 64);
	memset(f + o + 40, 0, 32);
	f[o + 40] = WIRE_PROTO_NONE;
	f[o + 41] = 2;
	f[o + 42] = 4;                          /* segment routing header */
	f[o + 43] = 1;
	inject(&v, HOME, f, o + 72);
	cr_assert_eq(collect(&v, ACCESS, out, len, 4), 1, "forwarded toward the default route");
	cr_assert_eq(out[0][14 + 40 + 2], 4, "with its routing header");
	cr_assert_eq(out[0][14 + 7], 63, "hop limit decremented");
	/* the same to the home agent */
	dst = a6("2001:db8:1::1");
	memcpy(f + o + 24, &dst, 16);
	inject(&v, HOME, f, o + 72);
	cr_assert_eq(drops(&v, HA_DROP_IP6_EXT), 1);
	cr_assert_eq(collect(&v, HOME, out, len, 4), 1, "a Parameter Problem back");
	cr_assert_eq(out[0][14 + 40], WIRE_ICMP6_PARAM_PROB);
	cr_assert_eq(out[0][14 + 41], 0);
	cr_assert_eq(wire_rd32(out[0] + 14 + 44), 42, "pointing at the routing type");
	cr_assert_eq(memcmp(out[0] + 14 + 24, &src, 16), 0);
	down(&v);
}

/*
 * RFC 4459 §3.3: an IPv4 packet without DF too big for the tunnel is fragmented before
 * encapsulation, every fragment tunnelled to the care-of address; with DF the sender gets
 * "fragmentation needed" with the tunnel's MTU.
 */
Test(worker, ipv4_without_df_fragmented_before_the_tunnel)
{
	static uint8_t out[8][2048];
	uint8_t f[2048], joined[2048];
	uint16_t len[8], ilen = 1500, total = 0;
	struct env v;
	unsigned int n, i;
	size_t o;

	up(&v, 1024, 10000);
	register_mn1(&v);
	collect(&v, HOME, out, len, 8);
	dp_neigh_set4(v.s.ctx.neigh, HOME, a4("192.0.2.10"), MAC_CN);
	o = eth(f, MAC_HOME, MAC_CN, WIRE_ETHERTYPE_IPV4);
	for (i = 20; i < ilen; i++)
		f[o + i] = (uint8_t)(i * 7);
	wire_ip4_hdr_build(f + o, a4("192.0.2.10"), a4("192.0.2.100"), WIRE_PROTO_UDP, ilen, 64,
			   77, false);
	inject(&v, HOME, f, o + ilen);
	n = collect(&v, ACCESS, out, len, 8);
	cr_assert_eq(n, 2, "two fragments, each tunnelled");
	for (i = 0; i < n; i++) {
		const uint8_t *ip = out[i] + 14 + 28;   /* Ethernet, IPv4/UDP 4191 */
		uint16_t fo = wire_rd16(ip + 6), l = wire_rd16(ip + 2);

		cr_assert_leq(len[i], 14 + 1500, "fragment %u fits", i);
		cr_assert_eq(wire_rd16(out[i] + 14 + 20), 4191, "from UDP 4191");
		cr_assert_eq(wire_rd16(out[i] + 14 + 22), 40000, "to the NAT's port");
		cr_assert_eq(wire_rd16(ip + 4), 77, "one IP id");
		cr_assert_eq((fo & 0x1fff) * 8, total);
		memcpy(joined + total, ip + 20, l - 20u);
		total = (uint16_t)(total + l - 20);
	}
	cr_assert_eq(total, ilen - 20);
	cr_assert_eq(memcmp(joined, f + o + 20, total), 0, "the pieces make the packet");
	/* with DF: no fragments, ICMP fragmentation needed (MTU 1500 - 28) to the sender */
	wire_ip4_hdr_build(f + o, a4("192.0.2.10"), a4("192.0.2.100"), WIRE_PROTO_UDP, ilen, 64,
			   78, true);
	inject(&v, HOME, f, o + ilen);
	cr_assert_eq(collect(&v, ACCESS, out, len, 8), 0);
	cr_assert_eq(collect(&v, HOME, out, len, 8), 1);
	cr_assert_eq(out[0][14 + 20], WIRE_ICMP_UNREACH);
	cr_assert_eq(out[0][14 + 21], WIRE_ICMP_UNREACH_FRAG);
	cr_assert_eq(wire_rd16(out[0] + 14 + 26), 1500 - 28);
	down(&v);
}

/* A packet from the correspondent to mn1's IPv4 home address, tunnelled on the access
 * port: the destination MAC it left with. */
static void
cn_to_mn1(struct env *v, uint8_t mac[6])
{
	static uint8_t out[4][2048];
	uint8_t f[256];
	uint16_t len[4];
	size_t o = eth(f, MAC_HOME, MAC_CN, WIRE_ETHERTYPE_IPV4);

	wire_ip4_hdr_build(f + o, a4("192.0.2.10"), a4("192.0.2.100"), WIRE_PROTO_UDP, 48, 64, 9,
			   true);
	inject(v, HOME, f, o + 48);
	cr_assert_eq(collect(v, ACCESS, out, len, 4), 1, "one tunnelled packet");
	cr_assert_eq(wire_rd16(out[0] + 14 + 20), 4191, "from UDP 4191");
	memcpy(mac, out[0], 6);
}

/*
 * Issue 16: a binding is stacked on the adjacency toward its care-of address (the default
 * route's next hop), resolved once; the worker writes its MAC and looks up no neighbour:
 * what the adjacency says is what leaves, and when the control plane rewrites it (the
 * neighbour changed) every binding on it follows; unresolved, the general path (route and
 * neighbour table) takes over.
 */
Test(worker, a_binding_stacked_on_its_next_hop_follows_the_adjacency)
{
	static const uint8_t NEW_MAC[6] = { 0x02, 0, 0, 0, 0xa0, 0x77 };
	struct dp_adj_stats st;
	const struct bc_entry *e;
	uint32_t gw = a4("198.51.100.254");
	struct in6_addr hoa = a6("2001:db8:1::100");
	uint8_t mac[6], f[512];
	struct env v;

	up(&v, 1024, 10000);
	register_mn1(&v);
	dp_neigh_set4(v.s.ctx.neigh, HOME, a4("192.0.2.10"), MAC_CN);
	e = bc_lookup6(v.bc, &hoa);
	cr_assert_not_null(e);
	cr_assert_neq(e->adj, 0, "the binding names an adjacency");
	/* the default route's gateway holds one reference, the binding the other */
	cr_assert_eq(dp_adj_refs(v.s.ctx.adjt, e->adj - 1), 2);
	dp_adj_stats_get(v.s.ctx.adjt, &st);
	cr_assert_eq(st.used, 3, "the three gateways' (two IPv4, one IPv6)");
	cr_assert_eq(st.resolved, 3, "the routes' static neighbours resolved them at once");
	cn_to_mn1(&v, mac);
	cr_assert_eq(memcmp(mac, MAC_ROUTER, 6), 0);
	/* the adjacency alone changes (not the neighbour table): the worker follows it */
	dp_adj_neigh(v.s.ctx.adjt, 4, ACCESS, &gw, NEW_MAC);
	cn_to_mn1(&v, mac);
	cr_assert_eq(memcmp(mac, NEW_MAC, 6), 0, "written from the adjacency");
	/* unresolved: routed and resolved per packet, from the neighbour table */
	dp_adj_neigh(v.s.ctx.adjt, 4, ACCESS, &gw, NULL);
	cn_to_mn1(&v, mac);
	cr_assert_eq(memcmp(mac, MAC_ROUTER, 6), 0, "the general path");
	/* a new registration publishes a new entry on the same adjacency: still one reference */
	inject(&v, ACCESS, f, bu_frame(f, 2, true));
	poll_cp(&v);
	cr_assert_eq(ba_status(&v), 0);
	e = bc_lookup6(v.bc, &hoa);
	cr_assert_eq(dp_adj_refs(v.s.ctx.adjt, e->adj - 1), 2, "moved, not leaked");
	down(&v);
}

/* A home-link host's packet to a correspondent past the default gateway: what left. */
static void
host_to_far(struct env *v, int family, uint8_t *out, uint16_t *out_len)
{
	static uint8_t got[4][2048];
	uint8_t f[256];
	uint16_t len[4];
	size_t o;

	if (family == 4) {
		o = eth(f, MAC_HOME, MAC_CN, WIRE_ETHERTYPE_IPV4);
		wire_ip4_hdr_build(f + o, a4("192.0.2.10"), a4("203.0.113.77"), WIRE_PROTO_UDP, 48,
				   64, 9, true);
		o += 48;
	} else {
		struct in6_addr s = a6("2001:db8:1::10"), d = a6("2001:db8:c::5");

		o = eth(f, MAC_HOME, MAC_CN, WIRE_ETHERTYPE_IPV6);
		wire_ip6_hdr_build(f + o, &s, &d, WIRE_PROTO_UDP, 8, 64);
		memset(f + o + 40, 0, 8);
		o += 48;
	}
	inject(v, HOME, f, o);
	cr_assert_eq(collect(v, ACCESS, got, len, 4), 1, "one routed packet");
	memcpy(out, got[0], len[0]);
	*out_len = len[0];
}

/*
 * Issue 16: plain routing through a gateway writes the Ethernet header from the gateway's
 * adjacency in the burst loop: its MAC, the port's, the EtherType, the TTL / hop limit one
 * less (and the IPv4 checksum still right); a rewritten adjacency is followed; unresolved,
 * the neighbour table is.
 */
Test(worker, plain_routing_writes_the_gateways_adjacency)
{
	static const uint8_t NEW_MAC[6] = { 0x02, 0, 0, 0, 0xa0, 0x78 };
	uint32_t gw = a4("198.51.100.254");
	uint64_t tx0;
	uint8_t out[2048];
	uint16_t len;
	struct env v;

	up(&v, 1024, 10000);
	tx0 = v.lc->stats.tx_pkts[ACCESS];
	host_to_far(&v, 4, out, &len);
	cr_assert_eq(len, 14 + 48);
	cr_assert_eq(memcmp(out, MAC_ROUTER, 6), 0, "the gateway's MAC");
	cr_assert_eq(memcmp(out + 6, MAC_ACCESS, 6), 0, "the access port's own");
	cr_assert_eq(wire_rd16(out + 12), WIRE_ETHERTYPE_IPV4);
	cr_assert_eq(out[14 + 8], 63, "TTL one less");
	cr_assert_eq(wire_csum_ip4(out + 14, 20), 0, "IPv4 checksum updated");
	cr_assert_eq(v.lc->stats.tx_pkts[ACCESS], tx0 + 1, "counted on the port");
	host_to_far(&v, 6, out, &len);
	cr_assert_eq(wire_rd16(out + 12), WIRE_ETHERTYPE_IPV6);
	cr_assert_eq(out[14 + 7], 63, "hop limit one less");
	dp_adj_neigh(v.s.ctx.adjt, 4, ACCESS, &gw, NEW_MAC);
	host_to_far(&v, 4, out, &len);
	cr_assert_eq(memcmp(out, NEW_MAC, 6), 0, "written from the adjacency");
	dp_adj_neigh(v.s.ctx.adjt, 4, ACCESS, &gw, NULL);
	host_to_far(&v, 4, out, &len);
	cr_assert_eq(memcmp(out, MAC_ROUTER, 6), 0, "unresolved: the neighbour table's");
	cr_assert_eq(v.lc->stats.tx_pkts[ACCESS], tx0 + 4);
	down(&v);
}

/* IPv4 from the access side to dst (a correspondent behind one of the gateways), IP id id. */
static struct rte_mbuf *
to_far4(struct env *v, const char *dst, uint16_t id, uint16_t ip_len, bool df)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(v->pool);
	uint8_t *f;
	size_t o;

	cr_assert_not_null(m);
	f = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(14 + ip_len));
	cr_assert_not_null(f);
	memset(f, 0, 14u + ip_len);
	o = eth(f, MAC_ACCESS, MAC_ROUTER, WIRE_ETHERTYPE_IPV4);
	wire_ip4_hdr_build(f + o, a4("203.0.113.9"), a4(dst), WIRE_PROTO_UDP, ip_len, 64, id, df);
	return m;
}

/*
 * Issue 16: routed packets leave a burst per port in one batch, yet in the order they came
 * (a packet the general path sends — here one fragmented — goes out between its
 * neighbours, not after them), and a burst for two ports reaches each, counted on each.
 */
Test(worker, a_routed_burst_keeps_its_order_on_each_port)
{
	static const uint8_t MAC_GW2[6] = { 0x02, 0, 0, 0, 0xb0, 0xfe };
	static uint8_t out[16][2048];
	static const uint16_t want_access[] = { 1, 3, 3, 4, 6 }, want_home[] = { 2, 5 };
	uint16_t len[16];
	uint64_t tx_a, tx_h;
	struct rte_mbuf *m[6];
	struct env v;
	unsigned int n, i;

	up(&v, 1024, 10000);
	tx_a = v.lc->stats.tx_pkts[ACCESS];
	tx_h = v.lc->stats.tx_pkts[HOME];
	m[0] = to_far4(&v, "203.0.113.77", 1, 64, true);
	m[1] = to_far4(&v, "203.0.113.200", 2, 64, true);      /* the home port's gateway */
	m[2] = to_far4(&v, "203.0.113.77", 3, 1800, false);    /* fragmented: 2 pieces */
	m[3] = to_far4(&v, "203.0.113.78", 4, 64, true);
	m[4] = to_far4(&v, "203.0.113.201", 5, 64, true);
	m[5] = to_far4(&v, "203.0.113.79", 6, 64, true);
	dp_worker_rx(v.lc, ACCESS, m, 6);
	dp_out_flush(v.lc);
	n = collect(&v, ACCESS, out, len, 16);
	cr_assert_eq(n, 5, "4 packets and a second fragment on the access port: %u", n);
	for (i = 0; i < n; i++) {
		cr_assert_eq(memcmp(out[i], MAC_ROUTER, 6), 0);
		cr_assert_eq(wire_rd16(out[i] + 14 + 4), want_access[i], "access, packet %u", i);
	}
	n = collect(&v, HOME, out, len, 16);
	cr_assert_eq(n, 2, "2 packets on the home port: %u", n);
	for (i = 0; i < n; i++) {
		cr_assert_eq(memcmp(out[i], MAC_GW2, 6), 0, "the second gateway's MAC");
		cr_assert_eq(memcmp(out[i] + 6, MAC_HOME, 6), 0, "the home port's own");
		cr_assert_eq(wire_rd16(out[i] + 14 + 4), want_home[i], "home, packet %u", i);
	}
	cr_assert_eq(v.lc->stats.tx_pkts[ACCESS], tx_a + 5);
	cr_assert_eq(v.lc->stats.tx_pkts[HOME], tx_h + 2);
	down(&v);
}

/* IPv4 from the home-link host 192.0.2.10 to dst, IP id id, TTL ttl. */
static struct rte_mbuf *
from_home4(struct env *v, const char *dst, uint16_t id, uint8_t ttl)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(v->pool);
	uint8_t *f;
	size_t o;

	cr_assert_not_null(m);
	f = (uint8_t *)rte_pktmbuf_append(m, 14 + 48);
	cr_assert_not_null(f);
	memset(f, 0, 14 + 48);
	o = eth(f, MAC_HOME, MAC_CN, WIRE_ETHERTYPE_IPV4);
	wire_ip4_hdr_build(f + o, a4("192.0.2.10"), a4(dst), WIRE_PROTO_UDP, 48, ttl, id, true);
	return m;
}

/*
 * The forwarding stage checks the TTL before the binding lookup and looks up only what goes
 * on: in one burst, expired packets (to a mobile node and to a far host) get Time Exceeded
 * and are counted, and each packet that goes on still meets its own binding or route (the
 * lookup's answers line up with the packets that remain, not with the burst's positions).
 */
Test(worker, expired_packets_leave_the_burst_before_the_lookup)
{
	static uint8_t out[8][2048];
	uint16_t len[8];
	uint64_t ttl0;
	struct rte_mbuf *m[5];
	struct env v;
	unsigned int n, i, tunnelled = 0, routed = 0;

	up(&v, 1024, 10000);
	register_mn1(&v);
	dp_neigh_set4(v.s.ctx.neigh, HOME, a4("192.0.2.10"), MAC_CN);
	dp_out_flush(v.lc);
	collect(&v, HOME, out, len, 8);               /* the registration's gratuitous ARP */
	collect(&v, ACCESS, out, len, 8);
	ttl0 = v.lc->stats.drops[HA_DROP_TTL];
	m[0] = from_home4(&v, "203.0.113.77", 1, 1);     /* expired, far host */
	m[1] = from_home4(&v, "192.0.2.100", 2, 64);     /* mn1: tunnelled */
	m[2] = from_home4(&v, "192.0.2.100", 3, 1);      /* expired, mn1 */
	m[3] = from_home4(&v, "203.0.113.77", 4, 64);    /* routed */
	m[4] = from_home4(&v, "192.0.2.100", 5, 2);      /* mn1: tunnelled, TTL 1 inside */
	dp_worker_rx(v.lc, HOME, m, 5);
	dp_out_flush(v.lc);
	cr_assert_eq(v.lc->stats.drops[HA_DROP_TTL], ttl0 + 2, "two expired");
	n = collect(&v, ACCESS, out, len, 8);
	cr_assert_eq(n, 3, "two tunnelled and one routed on the access port: %u", n);
	for (i = 0; i < n; i++) {
		const uint8_t *ip = out[i] + 14;

		if (ip[9] == WIRE_PROTO_UDP && wire_rd16(ip + 20) == 4191) {
			/* IPv4 + UDP 4191, then the inner packet (no TLV) */
			const uint8_t *in = ip + 28;
			uint16_t id = wire_rd16(in + 4);

			cr_assert(id == 2 || id == 5, "the packets to mn1, not %u", id);
			cr_assert_eq(in[8], id == 2 ? 63 : 1, "inner TTL one less");
			cr_assert_eq(wire_rd32(in + 16), ntohl(a4("192.0.2.100")));
			tunnelled++;
		} else {
			cr_assert_eq(wire_rd16(ip + 4), 4, "the routed packet");
			cr_assert_eq(ip[8], 63);
			cr_assert_eq(memcmp(out[i], MAC_ROUTER, 6), 0);
			routed++;
		}
	}
	cr_assert_eq(tunnelled, 2);
	cr_assert_eq(routed, 1);
	n = collect(&v, HOME, out, len, 8);
	cr_assert_eq(n, 2, "two Time Exceeded to the sender: %u", n);
	for (i = 0; i < n; i++) {
		const uint8_t *ip = out[i] + 14;

		cr_assert_eq(memcmp(out[i], MAC_CN, 6), 0);
		cr_assert_eq(ip[9], WIRE_PROTO_ICMP);
		cr_assert_eq(ip[20], WIRE_ICMP_TIME_EXCEEDED);
		cr_assert_eq(wire_rd32(ip + 16), ntohl(a4("192.0.2.10")));
		/* the quoted packet's IP id: the expired ones, in their order */
		cr_assert_eq(wire_rd16(ip + 28 + 4), i == 0 ? 1 : 3);
	}
	down(&v);
}
