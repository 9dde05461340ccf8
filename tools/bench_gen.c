/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The benchmark's traffic generator (tools/bench): pcap files of Binding Updates for N
 * mobile nodes and of the traffic of one fast path, built with the project's own wire
 * library (and, for ESP, its own SAs on rte_ipsec, as the mobile nodes would encrypt).
 *
 *   bench-gen --kind v6|pub|nat|tlv|mix --bindings N --bu FILE [--esp] [--esp-sig] [--router]
 *   bench-gen --kind ... --bindings N --path PATH --size BYTES|imix --packets K
 *             --traffic FILE [--esp] [--seed S]
 *   --mac-traffic M, --mac-bu M: other destination MACs (a real NIC's, for pktgen-dpdk)
 *
 * Addresses (documentation ranges; nothing leaves the process): home agent 2001:db8:1::1 /
 * 198.51.100.1, node k: HoA 2001:db8:1::1:0 + k and 100.64.0.1 + k, IPv6 CoA
 * 2001:db8:b::1:0 + k, public IPv4 CoA 203.0.113.1..250, NAT 203.0.113.66 port 1024 + k
 * (UDP 4500 mapping 33000 + k); correspondent 2001:db8:c::10 / 203.0.113.200.
 * route4 / route6 (plain routing, no binding): a home-link host 192.0.2.2 / 2001:db8:1::2
 * to 203.0.113.1..200 / 2001:db8:c::1:0 + k, past the default gateway of the access port.
 * --router: after the nodes' BUs, one of a mobile router (HoA 2001:db8:1::ff:0:0, CoA
 * 2001:db8:b::ff:0:0, R flag, no prefix option: the prefixes its configuration gives it).
 * Frames are addressed to the HA's port MACs 02:70:63:61:70:00 (net_pcap, traffic) and
 * 02:00:00:00:02:00 (BUs), which tools/bench sets in its config.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_mbuf.h>

#include "cfg.h"
#include "dp_esp.h"
#include "dp_sa.h"
#include "ha_addr.h"
#include "wire_csum.h"
#include "wire_ip.h"
#include "wire_mh.h"
#include "wire_pcap.h"
#include "wire_pkt.h"
#include "wire_tun.h"

#define FRAME_MAX 1600

enum kind { K_V6, K_PUB, K_NAT, K_TLV };

/* net_pcap cannot change its MAC: "\x02pcap\0" + its index */
static uint8_t MAC_TRAFFIC[6] = { 0x02, 0x70, 0x63, 0x61, 0x70, 0x00 };
static uint8_t MAC_BU[6] = { 0x02, 0, 0, 0, 0x02, 0 };
static const uint8_t MAC_PEER[6] = { 0x02, 0, 0, 0, 0x03, 0 };

/* AES-128-GCM key and salt of every node's payload SA (both directions, bench only) */
static const uint8_t ESP_KEY[20] = { 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42,
				     0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 1, 2, 3, 4 };
#define SPI_IN_BASE 0x100000u         /* node k sends on SPI_IN_BASE + k */
/* --esp-sig: BUs on each node's signalling SA, AES-128-GCM (tools/bench's config) */
static const uint8_t SIG_KEY[20] = { 0x43, 0x43, 0x43, 0x43, 0x43, 0x43, 0x43, 0x43, 0x43,
				     0x43, 0x43, 0x43, 0x43, 0x43, 0x43, 0x43, 1, 2, 3, 4 };
#define SPI_SIG_BASE 0x300000u

struct opts {
	const char *kind_s;
	uint32_t n;
	const char *bu;
	const char *traffic;
	const char *path;
	const char *size_s;
	uint32_t packets;
	uint32_t seed;
	bool esp;
	bool esp_sig;
	bool router;
};

static struct in6_addr ha6, cn6, hoa6_0, coa6_0, host6, far6_0;
static uint32_t ha4, cn4, hoa4_0, nat4, v4coa_opt, host4;
static struct rte_mempool *pool;
static struct dp_sadb *sadb;
static uint32_t *node_sa;             /* node -> SA slot (its inbound SPI, as the node's out) */
static uint32_t *node_sig;            /* node -> signalling SA slot (--esp-sig) */

static int esp_seal_slot(uint32_t slot, const uint8_t *ip, uint16_t len, uint8_t next,
			 uint8_t *out);

static enum kind
kind_of(const struct opts *o, uint32_t k)
{
	if (strcmp(o->kind_s, "mix") == 0)
		return (enum kind)(k % 4);
	return strcmp(o->kind_s, "v6") == 0 ? K_V6 : strcmp(o->kind_s, "pub") == 0 ? K_PUB :
	       strcmp(o->kind_s, "nat") == 0 ? K_NAT : K_TLV;
}

static struct in6_addr
hoa6(uint32_t k)
{
	struct in6_addr a;

	ha_addr6_add(&hoa6_0, k, &a);
	return a;
}

static struct in6_addr
coa6(uint32_t k)
{
	struct in6_addr a;

	ha_addr6_add(&coa6_0, k, &a);
	return a;
}

static uint32_t
hoa4(uint32_t k)
{
	return htonl(ntohl(hoa4_0) + k);
}

static uint32_t
coa4_pub(uint32_t k)
{
	return htonl((203u << 24 | 113u << 8) + 1 + k % 250);
}

static uint16_t
nat_port(uint32_t k)
{
	return (uint16_t)(1024 + k % 60000);
}

static uint16_t
esp_port(uint32_t k)
{
	return (uint16_t)(1024 + (k + 30000) % 60000);
}

static size_t
eth(uint8_t *f, const uint8_t *dst, uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, MAC_PEER, 6);
	wire_wr16(f + 12, type);
	return 14;
}

/* ------------------------------------------------------------------ Binding Updates */

static size_t
bu_frame(const struct opts *o, uint32_t k, uint8_t *f)
{
	enum kind kd = kind_of(o, k);
	struct wire_bu_args a = { .seq = 1, .flags = WIRE_BU_A | WIRE_BU_H, .lifetime = 1000,
				  .n_v4hoa = 1 };
	struct in6_addr h = hoa6(k);
	uint8_t mh[256], esp[256], next;
	size_t off;
	int n;

	a.v4hoa[0].addr = hoa4(k);
	a.v4hoa[0].plen = 32;
	if (kd == K_V6) {
		a.has_altcoa = true;
		a.altcoa = coa6(k);
	} else {
		a.has_v4coa = true;
		a.v4coa = kd == K_PUB ? coa4_pub(k) : v4coa_opt;
		if (kd == K_TLV)
			a.flags |= WIRE_BU_T;
	}
	/* R6275 §6.1.7: the checksum uses the HoA (HAO, or the inner source) as the source */
	n = wire_mh_bu_build(mh, sizeof(mh), &a, &h, &ha6);
	next = WIRE_PROTO_MH;
	if (o->esp_sig) {
		/* R6275 §11.7.1: ESP transport after the Home Address option (or inside UDP) */
		n = esp_seal_slot(node_sig[k], mh, (uint16_t)n, WIRE_PROTO_MH, esp);
		memcpy(mh, esp, (size_t)n);
		next = WIRE_PROTO_ESP;
	}
	if (kd == K_V6) {
		off = eth(f, MAC_BU, WIRE_ETHERTYPE_IPV6);
		wire_ip6_hdr_build(f + off, &a.altcoa, &ha6, WIRE_PROTO_DSTOPTS,
				   (uint16_t)(24 + n), 64);
		wire_hao_dstopt_build(f + off + 40, next, &h);
		memcpy(f + off + 64, mh, (size_t)n);
		return off + 64 + (size_t)n;
	}
	off = eth(f, MAC_BU, WIRE_ETHERTYPE_IPV4);
	wire_ip4_hdr_build(f + off, kd == K_PUB ? coa4_pub(k) : nat4, ha4, WIRE_PROTO_UDP,
			   (uint16_t)(20 + 8 + 40 + n), 64, 0, false);
	wire_udp_hdr_build(f + off + 20, kd == K_PUB ? WIRE_PORT_DSMIP : nat_port(k),
			   WIRE_PORT_DSMIP, (uint16_t)(8 + 40 + n), 0);
	wire_ip6_hdr_build(f + off + 28, &h, &ha6, next, (uint16_t)n, 64);
	memcpy(f + off + 68, mh, (size_t)n);
	return off + 68 + (size_t)n;
}

/* The mobile router's BU (--router): RFC 3963 implicit mode, from its IPv6 care-of address. */
static size_t
router_bu_frame(uint8_t *f)
{
	struct wire_bu_args a = { .seq = 1, .flags = WIRE_BU_A | WIRE_BU_H | WIRE_BU_R,
				  .lifetime = 1000, .has_altcoa = true };
	struct in6_addr h;
	uint8_t mh[256];
	size_t off;
	int n;

	inet_pton(AF_INET6, "2001:db8:1::ff:0:0", &h);
	inet_pton(AF_INET6, "2001:db8:b::ff:0:0", &a.altcoa);
	n = wire_mh_bu_build(mh, sizeof(mh), &a, &h, &ha6);
	off = eth(f, MAC_BU, WIRE_ETHERTYPE_IPV6);
	wire_ip6_hdr_build(f + off, &a.altcoa, &ha6, WIRE_PROTO_DSTOPTS, (uint16_t)(24 + n), 64);
	wire_hao_dstopt_build(f + off + 40, WIRE_PROTO_MH, &h);
	memcpy(f + off + 64, mh, (size_t)n);
	return off + 64 + (size_t)n;
}

/* ------------------------------------------------------------------ payload */

/* An IP packet of total length len: src -> dst, UDP inside, zero payload. */
static size_t
ip_pkt(uint8_t *p, int v, const void *src, const void *dst, uint16_t len)
{
	if (v == 6) {
		wire_ip6_hdr_build(p, src, dst, WIRE_PROTO_UDP, (uint16_t)(len - 40), 64);
		memset(p + 40, 0, len - 40u);
		wire_udp_hdr_build(p + 40, 9, 9, (uint16_t)(len - 40), 0);
		/* IPv6 UDP must carry a checksum (RFC 8200 §8.1) */
		wire_wr16(p + 46, wire_ip6_l4_csum(src, dst, WIRE_PROTO_UDP, p + 40,
						   (size_t)(len - 40)));
	} else {
		uint32_t s, d;

		memcpy(&s, src, 4);
		memcpy(&d, dst, 4);
		wire_ip4_hdr_build(p, s, d, WIRE_PROTO_UDP, len, 64, 0, true);
		memset(p + 20, 0, len - 20u);
		wire_udp_hdr_build(p + 20, 9, 9, (uint16_t)(len - 20), 0);
	}
	return len;
}

/* ESP of the SA in slot around ip[0..len) whose protocol is next (the node's side). */
static int
esp_seal_slot(uint32_t slot, const uint8_t *ip, uint16_t len, uint8_t next, uint8_t *out)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	struct dp_sa_ctr ctr = { 0 };
	struct dp_esp_lcore lc = dp_sadb_lcore(sadb, 0);
	int n = -1;

	if (m == NULL)
		return -1;
	memcpy(rte_pktmbuf_append(m, len), ip, len);
	if (dp_esp_out_stage(m, next) == 0 &&
	    dp_esp_process(dp_sa_get(sadb, slot), &m, 1, &ctr, &lc) == 1) {
		dp_esp_out_unstage(m);
		n = rte_pktmbuf_data_len(m);
		memcpy(out, rte_pktmbuf_mtod(m, uint8_t *), (size_t)n);
	}
	rte_pktmbuf_free(m);
	return n;
}

/* ESP of node k's payload SA around the IP packet ip[0..len) (the node's side). */
static int
esp_seal(uint32_t k, const uint8_t *ip, uint16_t len, uint8_t *out)
{
	return esp_seal_slot(node_sa[k], ip, len,
			     (ip[0] >> 4) == 6 ? WIRE_PROTO_IPV6 : WIRE_PROTO_IPIP, out);
}

/* IPv4/UDP 4500 from the NAT's mapping of node k's port 4500, carrying esp[0..n). */
static size_t
esp_in_frame(uint32_t k, const uint8_t *esp, int n, uint8_t *f, const uint8_t *mac)
{
	size_t off = eth(f, mac, WIRE_ETHERTYPE_IPV4);

	wire_ip4_hdr_build(f + off, nat4, ha4, WIRE_PROTO_UDP, (uint16_t)(28 + n), 64, 0, false);
	wire_udp_hdr_build(f + off + 20, esp_port(k), WIRE_PORT_NATT, (uint16_t)(8 + n), 0);
	memcpy(f + off + 28, esp, (size_t)n);
	return off + 28 + (size_t)n;
}

/* One traffic frame of path toward/from node k, frame size sz. 0: skip (no such binding). */
static size_t
traffic_frame(const struct opts *o, const char *path, uint32_t k, uint16_t sz, uint8_t *f)
{
	enum kind kd = kind_of(o, k);
	struct in6_addr h6 = hoa6(k), c6 = coa6(k);
	uint32_t h4 = hoa4(k);
	uint8_t inner[FRAME_MAX], esp[FRAME_MAX];
	size_t off;
	int n;

	if (strcmp(path, "route4") == 0 || strcmp(path, "route6") == 0) {
		/* a host on the home link -> a correspondent elsewhere: what l3fwd does */
		bool v4 = path[5] == '4';
		struct in6_addr d6;
		uint32_t d4 = htonl(0xcb007100u + 1u + k % 200u);   /* 203.0.113.1..200 */

		ha_addr6_add(&far6_0, k, &d6);
		off = eth(f, MAC_TRAFFIC, v4 ? WIRE_ETHERTYPE_IPV4 : WIRE_ETHERTYPE_IPV6);
		if (v4)
			return off + ip_pkt(f + off, 4, &host4, &d4, (uint16_t)(sz - off));
		return off + ip_pkt(f + off, 6, &host6, &d6, (uint16_t)(sz - off));
	}
	if (strncmp(path, "encap", 5) == 0 || strcmp(path, "esp_out") == 0) {
		/* correspondent -> home address, on the home link */
		bool v4 = strcmp(path, "encap4in6") == 0 || strcmp(path, "encap4in4") == 0;

		off = eth(f, MAC_TRAFFIC, v4 ? WIRE_ETHERTYPE_IPV4 : WIRE_ETHERTYPE_IPV6);
		if (v4)
			return off + ip_pkt(f + off, 4, &cn4, &h4, (uint16_t)(sz - off));
		return off + ip_pkt(f + off, 6, &cn6, &h6, (uint16_t)(sz - off));
	}
	/* decap and ESP in: sz is the inner frame (what the correspondent gets): the tunnel
	 * comes on top of it */
	if (strcmp(path, "decap6in6") == 0 || (strcmp(path, "imix_decap") == 0 && kd == K_V6)) {
		uint16_t il = (uint16_t)(sz - 14);

		off = eth(f, MAC_TRAFFIC, WIRE_ETHERTYPE_IPV6);
		wire_ip6_hdr_build(f + off, &c6, &ha6, WIRE_PROTO_IPV6, il, 64);
		return off + 40 + ip_pkt(f + off + 40, 6, &h6, &cn6, il);
	}
	if (strcmp(path, "decap_udp4") == 0 || strcmp(path, "imix_decap") == 0) {
		uint16_t il = (uint16_t)(sz - 14), hl = kd == K_TLV ? 32 : 28;

		if (kd == K_PUB)
			return 0;     /* imix: a public-IPv4 node sends plain IPv4 encapsulation */
		off = eth(f, MAC_TRAFFIC, WIRE_ETHERTYPE_IPV4);
		wire_ip4_hdr_build(f + off, nat4, ha4, WIRE_PROTO_UDP, (uint16_t)(hl + il), 64, 0,
				   false);
		wire_udp_hdr_build(f + off + 20, nat_port(k), WIRE_PORT_DSMIP,
				   (uint16_t)(hl - 20 + il), 0);
		if (kd == K_TLV)
			wire_tlv_build(f + off + 28, WIRE_PROTO_IPV6, il);
		return off + hl + ip_pkt(f + off + hl, 6, &h6, &cn6, il);
	}
	if (strcmp(path, "esp_in") == 0) {
		uint16_t il = (uint16_t)(sz - 14);

		ip_pkt(inner, 6, &h6, &cn6, il);
		n = esp_seal(k, inner, il, esp);
		return n > 0 ? esp_in_frame(k, esp, n, f, MAC_TRAFFIC) : 0;
	}
	return 0;
}

/* ------------------------------------------------------------------ main */

static uint32_t rnd_state;

static uint32_t
rnd(void)
{
	/* xorshift32: reproducible from --seed, uniform enough for picking destinations */
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/* The nodes' outbound SAs (the home agent's inbound ones, same keys), one per node. */
static int
add_sas(uint32_t n, uint32_t base, const uint8_t *key, enum cfg_sa_role role, uint32_t **slots)
{
	uint32_t k;

	*slots = calloc(n, sizeof(**slots));
	if (*slots == NULL)
		return -1;
	for (k = 0; k < n; k++) {
		struct cfg_sa c = { .spi = base + k, .dir = CFG_SA_OUT, .role = role,
				    .alg = CFG_ALG_AES128_GCM, .key_len = 20 };

		memcpy(c.key, key, 20);
		if (dp_sa_add(sadb, &c, k, NULL, 0, &(*slots)[k]) != 0)
			return -1;
	}
	return 0;
}

static int
esp_init(const struct opts *o, const char *prog)
{
	char mem[16];
	char *eal[] = { (char *)prog, "--no-huge", "-m", mem, "--no-pci", "--no-shconf",
			"--no-telemetry", "--log-level", "lib.*:error", "--log-level", "user.ha.*:notice",
			"-l", "0", NULL };
	uint32_t nsa = (o->esp ? o->n : 0) + (o->esp_sig ? o->n : 0);

	/* a crypto session and an rte_ipsec SA per node: about 2 KiB each */
	snprintf(mem, sizeof(mem), "%u", 512 + nsa / 400);
	if (rte_eal_init(RTE_DIM(eal) - 1, eal) < 0)
		return -1;
	pool = rte_pktmbuf_pool_create("gen", 4095, 0, 64, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	sadb = dp_sadb_create(&(struct dp_sadb_params){ .crypto_dev = "crypto_aesni_mb0",
		.capacity = nsa + 16, .n_lcores = 1, .socket = 0 });
	if (pool == NULL || sadb == NULL)
		return -1;
	if (o->esp && add_sas(o->n, SPI_IN_BASE, ESP_KEY, CFG_SA_PAYLOAD, &node_sa) != 0)
		return -1;
	if (o->esp_sig && add_sas(o->n, SPI_SIG_BASE, SIG_KEY, CFG_SA_SIGNALLING, &node_sig) != 0)
		return -1;
	return 0;
}

static int
write_bus(const struct opts *o)
{
	struct wire_pcap pc;
	uint8_t f[FRAME_MAX], inner[128], esp[256];
	uint32_t k;

	if (wire_pcap_create(&pc, o->bu) != 0)
		return -1;
	for (k = 0; k < o->n; k++)
		if (wire_pcap_write(&pc, f, (uint32_t)bu_frame(o, k, f)) != 0)
			return -1;
	if (o->router && wire_pcap_write(&pc, f, (uint32_t)router_bu_frame(f)) != 0)
		return -1;
	/*
	 * ESP: each node's first payload packet shows the NAT's mapping of its port 4500. The
	 * preload runs bursts of 32 frames: a packet in the same burst as its node's BU comes
	 * before the binding and is dropped, so with fewer than 32 nodes the packets repeat
	 * until one burst holds only them (the benchmark's inbound SAs have no replay window).
	 */
	for (k = 0; o->esp && k < (o->n >= 32 ? o->n : o->n * (32 / o->n + 2)); k++) {
		struct in6_addr h6 = hoa6(k % o->n);
		int n;

		ip_pkt(inner, 6, &h6, &cn6, 64);
		n = esp_seal(k % o->n, inner, 64, esp);
		if (n <= 0 || wire_pcap_write(&pc, f, (uint32_t)esp_in_frame(k % o->n, esp, n, f,
									     MAC_BU)) != 0)
			return -1;
	}
	wire_pcap_close(&pc);
	return 0;
}

static int
write_traffic(const struct opts *o)
{
	static const char *const imix_paths[] = { "encap", "encap4in4", "imix_decap" };
	struct wire_pcap pc;
	uint8_t f[FRAME_MAX];
	uint32_t written = 0, tries = 0;
	bool imix = strcmp(o->size_s, "imix") == 0;

	if (wire_pcap_create(&pc, o->traffic) != 0)
		return -1;
	rnd_state = o->seed != 0 ? o->seed : 0x9e3779b9u;
	for (; written < o->packets && tries < 4 * o->packets; tries++) {
		uint32_t k = rnd() % o->n;
		uint16_t sz;
		const char *path = o->path;
		size_t len;

		if (imix) {
			/* 7:4:1 of 64, 576 and 1400 bytes; paths spread over every binding kind */
			uint32_t r = rnd() % 12;

			sz = r < 7 ? 64 : r < 11 ? 576 : 1400;
			path = imix_paths[rnd() % 3];
			if (strcmp(path, "encap4in4") == 0 && kind_of(o, k) == K_V6)
				path = "encap4in6";
		} else {
			sz = (uint16_t)atoi(o->size_s);
		}
		len = traffic_frame(o, path, k, sz, f);
		if (len == 0)
			continue;
		if (wire_pcap_write(&pc, f, (uint32_t)len) != 0)
			return -1;
		written++;
	}
	wire_pcap_close(&pc);
	return written == o->packets ? 0 : -1;
}

static int
parse_mac(const char *s, uint8_t *mac)
{
	unsigned int b[6], i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "kind", required_argument, NULL, 'k' }, { "bindings", required_argument, NULL, 'n' },
		{ "bu", required_argument, NULL, 'b' }, { "traffic", required_argument, NULL, 't' },
		{ "path", required_argument, NULL, 'p' }, { "size", required_argument, NULL, 's' },
		{ "packets", required_argument, NULL, 'c' }, { "seed", required_argument, NULL, 'r' },
		{ "esp", no_argument, NULL, 'e' }, { "esp-sig", no_argument, NULL, 'g' },
		{ "router", no_argument, NULL, 'R' },
		{ "mac-traffic", required_argument, NULL, 'T' }, { "mac-bu", required_argument, NULL, 'B' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .kind_s = "v6", .n = 1000, .size_s = "64", .packets = 65536 };
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'k': o.kind_s = optarg; break;
		case 'n': o.n = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'b': o.bu = optarg; break;
		case 't': o.traffic = optarg; break;
		case 'p': o.path = optarg; break;
		case 's': o.size_s = optarg; break;
		case 'c': o.packets = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'r': o.seed = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'e': o.esp = true; break;
		case 'g': o.esp_sig = true; break;
		case 'R': o.router = true; break;
		case 'T':
		case 'B':
			if (parse_mac(optarg, c == 'T' ? MAC_TRAFFIC : MAC_BU) != 0) {
				fprintf(stderr, "bench-gen: bad MAC %s\n", optarg);
				return 2;
			}
			break;
		default:
			fprintf(stderr, "usage: see the head of tools/bench_gen.c\n");
			return 2;
		}
	}
	if (o.n == 0 || (o.bu == NULL && (o.traffic == NULL || o.path == NULL))) {
		fprintf(stderr, "bench-gen: --bindings N and --bu FILE or --traffic FILE --path P\n");
		return 2;
	}
	inet_pton(AF_INET6, "2001:db8:1::1", &ha6);
	inet_pton(AF_INET6, "2001:db8:c::10", &cn6);
	inet_pton(AF_INET6, "2001:db8:1::1:0", &hoa6_0);
	inet_pton(AF_INET6, "2001:db8:b::1:0", &coa6_0);
	inet_pton(AF_INET, "198.51.100.1", &ha4);
	inet_pton(AF_INET, "203.0.113.200", &cn4);
	inet_pton(AF_INET, "100.64.0.1", &hoa4_0);
	inet_pton(AF_INET, "203.0.113.66", &nat4);
	inet_pton(AF_INET, "192.0.2.10", &v4coa_opt);
	inet_pton(AF_INET6, "2001:db8:1::2", &host6);
	inet_pton(AF_INET6, "2001:db8:c::1:0", &far6_0);
	inet_pton(AF_INET, "192.0.2.2", &host4);
	if ((o.esp || o.esp_sig || (o.path != NULL && strcmp(o.path, "esp_in") == 0)) &&
	    esp_init(&o, argv[0]) != 0) {
		fprintf(stderr, "bench-gen: ESP set-up failed\n");
		return 1;
	}
	if (o.bu != NULL && write_bus(&o) != 0) {
		fprintf(stderr, "bench-gen: writing %s failed\n", o.bu);
		return 1;
	}
	if (o.traffic != NULL && write_traffic(&o) != 0) {
		fprintf(stderr, "bench-gen: writing %s failed\n", o.traffic);
		return 1;
	}
	return 0;
}
