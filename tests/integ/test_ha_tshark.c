/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tshark judges the home link's messages we build (common/wire_ha): Router Advertisements
 * with the H bit, a Prefix Information option with the R bit, the Advertisement Interval and
 * Home Agent Information options; DHAAD Request and Reply (one truncated to the minimum
 * MTU); Mobile Prefix Solicitation and Advertisement. Field by field, against the values
 * built; our own parser reads every frame back too (checksum included).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "tshark_lib.h"
#include "wire_ha.h"
#include "wire_ip.h"

enum { F_TYPE, F_CODE, F_CSUM, F_H, F_RLT, F_R, F_PLEN, F_PFX, F_INT, F_PREF, F_HALT, F_ID,
       F_HA, F_M, F_O, F_DST, F_HLIM, NF };

static const char *const fields[NF] = {
	"icmpv6.type", "icmpv6.code", "icmpv6.checksum.status", "icmpv6.nd.ra.flag.h",
	"icmpv6.nd.ra.router_lifetime", "icmpv6.opt.prefix.flag.r", "icmpv6.opt.prefix.length",
	"icmpv6.opt.prefix", "icmpv6.opt.advertisement_interval",
	"icmpv6.opt.home_agent_preference", "icmpv6.opt.home_agent_lifetime",
	"icmpv6.mip6.identifier", "icmpv6.mip6.home_agent_address", "icmpv6.mip6.flag.m",
	"icmpv6.mip6.flag.o", "ipv6.dst", "ipv6.hlim",
};

static struct tsk_pcap tp;
static struct in6_addr ll, ha, hoa, coa, allnodes, anycast, pfx;

static void
addrs(void)
{
	inet_pton(AF_INET6, "fe80::200:ff:fe00:1", &ll);
	inet_pton(AF_INET6, "2001:db8:1::1", &ha);
	inet_pton(AF_INET6, "2001:db8:1::100", &hoa);
	inet_pton(AF_INET6, "2001:db8:b::5", &coa);
	inet_pton(AF_INET6, "ff02::1", &allnodes);
	inet_pton(AF_INET6, "2001:db8:1::", &pfx);
	wire_ha_anycast(&pfx, 64, &anycast);
}

static const char *
ntop(const struct in6_addr *a)
{
	static char b[4][INET6_ADDRSTRLEN];
	static unsigned int k;

	return inet_ntop(AF_INET6, a, b[k++ % 4], INET6_ADDRSTRLEN);
}

/* The row every frame shares: type, code 0, a good checksum, destination, hop limit. */
static struct tsk_row *
add(const uint8_t *pkt, int len, uint8_t type, const struct in6_addr *dst, uint8_t hlim)
{
	struct tsk_row *r;

	cr_assert_gt(len, 0);
	r = tsk_write(&tp, pkt, len, false);
	tsk_set(r, F_TYPE, "%u", type);
	tsk_set(r, F_CODE, "0");
	tsk_set(r, F_CSUM, "1");              /* good: tshark verifies ICMPv6 checksums */
	tsk_set(r, F_DST, "%s", ntop(dst));
	tsk_set(r, F_HLIM, "%u", hlim);
	return r;
}

static void
add_ra(int16_t pref, uint16_t ha_lifetime, uint16_t router_lifetime, bool with_ha_info)
{
	struct wire_ra ra = { .cur_hop_limit = 64, .flags = WIRE_RA_H,
			      .router_lifetime = router_lifetime, .has_slla = true,
			      .slla = { 2, 0, 0, 0, 0, 1 }, .mtu = 1500, .has_interval = true,
			      .interval_ms = 3000, .has_ha_info = with_ha_info, .ha_pref = pref,
			      .ha_lifetime = ha_lifetime, .n_pio = 1 };
	struct wire_ra back;
	struct tsk_row *r;
	uint8_t pkt[512];
	int n;

	/* R6275 §7.2: with R, the prefix field is the home agent's whole address */
	ra.pio[0] = (struct wire_pio){ .prefix = ha, .plen = 64, .valid = 86400,
				       .preferred = 14400,
				       .flags = WIRE_PIO_L | WIRE_PIO_A | WIRE_PIO_R };
	n = wire_ra_build(pkt, sizeof(pkt), &ll, &allnodes, &ra);
	cr_assert_eq(wire_ra_parse(pkt + 40, (size_t)n - 40, 255, &ll, &allnodes, &back),
		     WIRE_E_OK);
	cr_assert_eq(back.ha_pref, pref);
	r = add(pkt, n, 134, &allnodes, 255);
	tsk_set(r, F_H, "1");
	tsk_set(r, F_RLT, "%u", router_lifetime);
	tsk_set(r, F_R, "1");
	tsk_set(r, F_PLEN, "64");
	tsk_set(r, F_PFX, "2001:db8:1::1");
	tsk_set(r, F_INT, "3000");
	if (with_ha_info) {
		/* R6275 §7.4 says signed; Wireshark's field is FT_UINT16: -5 shows as 65531 */
		tsk_set(r, F_PREF, "%u", (uint16_t)pref);
		tsk_set(r, F_HALT, "%u", ha_lifetime);
	}
}

static void
add_msg(struct wire_ha_msg *m, const struct in6_addr *src, const struct in6_addr *dst)
{
	static struct wire_ha_msg back;
	struct tsk_row *r;
	uint8_t pkt[1500];
	int n = wire_ha_msg_build(pkt, sizeof(pkt), src, dst, m);

	cr_assert_gt(n, 0);
	cr_assert_leq(n, 1280, "every message fits the minimum MTU");
	cr_assert_eq(wire_ha_msg_parse(pkt + 40, (size_t)n - 40, src, dst, &back), WIRE_E_OK);
	cr_assert_eq(back.id, m->id);
	r = add(pkt, n, m->type, dst, 64);
	tsk_set(r, F_ID, "%u", m->id);
	if (m->type == WIRE_ICMP6_DHAAD_REPLY && m->n_ha > 0)
		tsk_set(r, F_HA, "%s", ntop(&m->ha[(m->n_ha > WIRE_DHAAD_MAX ? WIRE_DHAAD_MAX :
						       m->n_ha) - 1]));
	if (m->type == WIRE_ICMP6_MPA) {
		tsk_set(r, F_M, "%u", (m->mpa_flags & WIRE_MPA_M) != 0);
		tsk_set(r, F_O, "%u", (m->mpa_flags & WIRE_MPA_O) != 0);
		if (m->n_pio > 0) {
			tsk_set(r, F_R, "%u", (m->pio[m->n_pio - 1].flags & WIRE_PIO_R) != 0);
			tsk_set(r, F_PLEN, "%u", m->pio[m->n_pio - 1].plen);
			tsk_set(r, F_PFX, "%s", ntop(&m->pio[m->n_pio - 1].prefix));
		}
	}
}

/* An MPA to a node away from home: to its care-of address, its home address in an RH2;
 * tshark takes the checksum's destination from the RH2 as RFC 6275 §6.3/§6.4 say. */
static void
add_mpa_rh2(const struct wire_ha_msg *m)
{
	struct tsk_row *r;
	uint8_t pkt[512];
	int n = wire_ha_msg_build_rh2(pkt, sizeof(pkt), &ha, &coa, &hoa, m);

	cr_assert_gt(n, 0);
	r = add(pkt, n, WIRE_ICMP6_MPA, &coa, 64);
	tsk_set(r, F_ID, "%u", m->id);
	tsk_set(r, F_M, "0");
	tsk_set(r, F_O, "0");
	tsk_set(r, F_R, "0");
	tsk_set(r, F_PLEN, "64");
	tsk_set(r, F_PFX, "2001:db8:1::");
}

Test(ha_tshark, every_home_link_message_decodes_as_built)
{
	static struct wire_ha_msg m;
	unsigned int k;

	addrs();
	tsk_open(&tp);
	add_ra(10, 1800, 1800, true);
	add_ra(-5, 65535, 0, true);        /* a home agent that is no default router */
	add_ra(0, 0, 600, false);
	memset(&m, 0, sizeof(m));
	m.type = WIRE_ICMP6_DHAAD_REQUEST;
	m.id = 0x1234;
	add_msg(&m, &coa, &anycast);
	m.type = WIRE_ICMP6_DHAAD_REPLY;
	m.n_ha = 3;
	for (k = 0; k < 3; k++)
		inet_pton(AF_INET6, k == 0 ? "2001:db8:1::1" : k == 1 ? "2001:db8:1::2" :
			  "2001:db8:1::3", &m.ha[k]);
	add_msg(&m, &ha, &coa);
	/* more home agents than fit 1280 bytes: the first 77 go, the preferred ones */
	m.n_ha = WIRE_DHAAD_MAX;
	for (k = 0; k < WIRE_DHAAD_MAX; k++) {
		m.ha[k] = ha;
		m.ha[k].s6_addr[15] = (uint8_t)(k + 1);
	}
	add_msg(&m, &ha, &coa);
	memset(&m, 0, sizeof(m));
	m.type = WIRE_ICMP6_MPS;
	m.id = 65535;
	add_msg(&m, &hoa, &ha);
	m.type = WIRE_ICMP6_MPA;
	m.mpa_flags = WIRE_MPA_M | WIRE_MPA_O;
	m.n_pio = 2;
	m.pio[0] = (struct wire_pio){ .prefix = pfx, .plen = 64, .valid = 86400,
				      .preferred = 14400, .flags = WIRE_PIO_L | WIRE_PIO_A };
	m.pio[1] = (struct wire_pio){ .prefix = ha, .plen = 64, .valid = 86400,
				      .preferred = 14400,
				      .flags = WIRE_PIO_L | WIRE_PIO_A | WIRE_PIO_R };
	add_msg(&m, &ha, &hoa);
	m.mpa_flags = 0;
	m.n_pio = 1;
	add_msg(&m, &ha, &hoa);
	add_mpa_rh2(&m);
	tsk_compare(&tp, "", fields, NF);
}
