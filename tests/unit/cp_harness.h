/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Harness of the control-plane table: a configuration, recording cp_ops (what would be
 * written to the binding cache and sent on the wire), and BU/context builders. No EAL.
 */
#ifndef CP_HARNESS_H
#define CP_HARNESS_H

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include "bc_entry.h"
#include "t_addr.h"
#include "cp.h"
#include "wire_csum.h"
#include "wire_ip.h"
#include "wire_mh.h"

#define H_HA6 "2001:db8:1::1"
#define H_HA4 "198.51.100.1"
#define H_MAX_TX 32
#define H_SA_ALG "algorithm = \"aes-128-cbc-hmac-sha1\"; key = \"0x000102030405060708090a0b0c0d0e0f\"; " \
	"auth_key = \"0x000102030405060708090a0b0c0d0e0f10111213\";"

/* mn1 static IPv4 HoA with SAs; mn2, mn4-mn7 dynamic; mn3 IPv6 only; mr1 mobile router
 * with prefixes and IPv4 prefix delegation; mr2 mobile router without prefixes. */
static const char h_conf[] =
	"ports = (\n"
	"  { name = \"access\"; device = \"net_null0\"; role = \"access\"; "
	"ipv4 = \"198.51.100.1/24\"; ipv6 = \"2001:db8:a::1/64\"; },\n"
	"  { name = \"home\"; device = \"net_null1\"; role = \"home\"; "
	"ipv4 = \"192.0.2.1/24\"; ipv6 = \"2001:db8:1::1/64\"; }\n"
	");\n"
	"home_agent = { address6 = \"2001:db8:1::1\"; address4 = \"198.51.100.1\";\n"
	"  home_prefixes = [ \"2001:db8:1::/64\" ]; ipv4_home_prefixes = [ \"192.0.2.0/24\" ];\n"
	"  ipv4_pool = \"192.0.2.128/29\"; ipv4_lease = 600; };\n"
	"policy = { require_ipsec = false; dad = false; max_lifetime = 3600; nat_refresh = 110;\n"
	"  nat_grace = 30; binding_error_rate = 10; };\n"
	"capacity = { bindings = 64; sas = 64; prefixes = 64; };\n"
	"mobile_nodes = (\n"
	"  { id = \"mn1\"; hoa6 = \"2001:db8:1::101\"; hoa4 = \"192.0.2.101\"; sas = (\n"
	"    { spi = 0x1001; direction = \"in\"; role = \"signalling\"; " H_SA_ALG " },\n"
	"    { spi = 0x2001; direction = \"out\"; role = \"signalling\"; " H_SA_ALG " } ); },\n"
	"  { id = \"mn2\"; hoa6 = \"2001:db8:1::102\"; hoa4 = \"dynamic\"; },\n"
	"  { id = \"mn3\"; hoa6 = \"2001:db8:1::103\"; },\n"
	"  { id = \"mn4\"; hoa6 = \"2001:db8:1::104\"; hoa4 = \"dynamic\"; },\n"
	"  { id = \"mr1\"; hoa6 = \"2001:db8:1::201\"; hoa4 = \"dynamic\"; mobile_router = true;\n"
	"    ipv4_prefix = true; prefixes = [ \"2001:db8:100::/48\", \"2001:db8:200::/48\",\n"
	"    \"192.0.2.64/27\" ]; },\n"
	"  { id = \"mr2\"; hoa6 = \"2001:db8:1::202\"; mobile_router = true; }\n"
	");\n";

/* What the control plane did, as seen from outside. */
struct h_rec {
	bool published[64];
	struct cp_bind bc[64];
	int n_publish;
	int n_prefixes;
	int prefix_fail;              /* make the next prefix add fail */
	bool publish_fail;            /* make publications fail (binding cache full) */
	int n_tx;
	uint8_t pkt[H_MAX_TX][512];
	uint16_t len[H_MAX_TX];
	struct cp_tx_meta meta[H_MAX_TX];
	int dad_starts;
	int announces;
};

static struct h_rec h_rec;

static int
h_publish(void *arg, const struct cp_mn *m, const struct cp_bind *b)
{
	(void)arg;
	if (h_rec.publish_fail)
		return -ENOSPC;
	h_rec.published[m->idx] = true;
	h_rec.bc[m->idx] = *b;
	h_rec.n_publish++;
	return 0;
}

static void
h_remove(void *arg, const struct cp_mn *m)
{
	(void)arg;
	h_rec.published[m->idx] = false;
}

static int
h_p6_add(void *arg, const struct cp_mn *m, const struct ha_prefix6 *p)
{
	(void)arg; (void)m; (void)p;
	if (h_rec.prefix_fail) {
		h_rec.prefix_fail = 0;
		return -ENOSPC;
	}
	h_rec.n_prefixes++;
	return 0;
}

static void
h_p6_del(void *arg, const struct cp_mn *m, const struct ha_prefix6 *p)
{
	(void)arg; (void)m; (void)p;
	h_rec.n_prefixes--;
}

static int
h_p4_add(void *arg, const struct cp_mn *m, const struct ha_prefix4 *p)
{
	(void)arg; (void)m; (void)p;
	h_rec.n_prefixes++;
	return 0;
}

static void
h_p4_del(void *arg, const struct cp_mn *m, const struct ha_prefix4 *p)
{
	(void)arg; (void)m; (void)p;
	h_rec.n_prefixes--;
}

static int
h_tx(void *arg, const uint8_t *pkt, uint16_t len, const struct cp_tx_meta *meta)
{
	(void)arg;
	if (h_rec.n_tx < H_MAX_TX) {
		memcpy(h_rec.pkt[h_rec.n_tx], pkt, len);
		h_rec.len[h_rec.n_tx] = len;
		h_rec.meta[h_rec.n_tx] = *meta;
	}
	h_rec.n_tx++;
	return 0;
}

static void
h_dad(void *arg, const struct in6_addr *hoa, bool ll)
{
	(void)arg; (void)hoa; (void)ll;
	h_rec.dad_starts++;
}

static void
h_announce(void *arg, const struct cp_mn *m, const struct cp_bind *b)
{
	(void)arg; (void)m; (void)b;
	h_rec.announces++;
}

static const struct cp_ops h_ops = {
	.publish = h_publish, .remove = h_remove, .prefix6_add = h_p6_add,
	.prefix6_del = h_p6_del, .prefix4_add = h_p4_add, .prefix4_del = h_p4_del,
	.tx = h_tx, .dad_start = h_dad, .announce = h_announce,
};

/* A parsed reply: the BA or BE carried by packet i, with its carriage. */
struct h_reply {
	bool ipv4;
	uint32_t dst4;
	uint16_t dport;
	struct in6_addr dst6;
	bool rh2;
	struct in6_addr rh2_hoa;
	bool tun6;
	struct in6_addr outer6;
	struct wire_mh mh;
};

static void
h_parse_reply(int i, struct h_reply *r)
{
	const uint8_t *p = h_rec.pkt[i];
	size_t len = h_rec.len[i];
	struct wire_ip6_info i6;
	struct wire_ip4_info i4;
	struct in6_addr src, dst;

	memset(r, 0, sizeof(*r));
	if (h_rec.meta[i].ipv4) {
		cr_assert_eq(wire_ip4_parse(p, len, true, &i4), WIRE_E_OK);
		cr_assert_eq(i4.proto, WIRE_PROTO_UDP);
		r->ipv4 = true;
		r->dst4 = i4.dst;
		cr_assert_eq(wire_rd16(p + 20), 4191, "BA over UDP from 4191");
		r->dport = wire_rd16(p + 22);
		cr_assert_eq(wire_ip4_l4_csum(i4.src, i4.dst, 17, p + 20, len - 20), 0,
			     "UDP checksum");
		p += 28;
		len -= 28;
	}
	cr_assert_eq(wire_ip6_parse(p, len, &i6), WIRE_E_OK);
	if (i6.l4_proto == WIRE_PROTO_IPV6) {
		/* IPv6-in-IPv6: the outer destination, then the inner packet */
		r->tun6 = true;
		memcpy(&r->outer6, p + 24, 16);
		p += 40;
		len -= 40;
		cr_assert_eq(wire_ip6_parse(p, len, &i6), WIRE_E_OK);
	}
	cr_assert_eq(i6.l4_proto, WIRE_PROTO_MH);
	memcpy(&src, p + 8, 16);
	memcpy(&dst, p + 24, 16);
	r->dst6 = dst;
	r->rh2 = i6.has_rh2;
	if (i6.has_rh2)
		memcpy(&r->rh2_hoa, p + i6.rh2_off, 16);
	/* our own parser verifies the checksum with the RH2 substitution */
	cr_assert_eq(wire_mh_parse(p + i6.l4_off, len - i6.l4_off, &src,
				   i6.has_rh2 ? &r->rh2_hoa : &dst, WIRE_MH_F_STRICT_ALIGN, &r->mh),
		     WIRE_E_OK, "reply MH invalid");
}

#endif /* CP_HARNESS_H */
