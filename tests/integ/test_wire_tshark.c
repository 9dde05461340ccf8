/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tshark as an independent decoder: every BA and BE our builders can produce (option
 * combinations, flags, both carriages) goes into a pcap; tshark decodes it and every field is
 * compared with what was built. A malformed packet in tshark's eyes fails the test. tshark
 * does not verify MH checksums (protocol facts §13), so those are checked with our parser.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "tshark_lib.h"
#include "wire_csum.h"
#include "wire_mh.h"

#define NFIELDS 21

static struct tsk_pcap tp;

static const char *const fields[NFIELDS] = {
	"mip6.mhtype", "mip6.ba.status", "mip6.ba.k_flag", "mip6.nemo.ba.r_flag",
	"mip6.ba.t_flag", "mip6.ba.seqnr", "mip6.ba.lifetime", "mip6.ipv4aa.sts",
	"mip6.ipv4ha.preflen", "mip6.ipv4ha.ha", "mip6.natd.f_flag", "mip6.natd.refresh_t",
	"mip6.bra.interval", "mip6.be.status", "mip6.be.haddr", "ipv6.routing.type",
	"ipv6.routing.mipv6.home_address", "udp.srcport", "udp.dstport", "ipv6.dst", "ip.dst",
};

static struct wire_mh_carriage
carriage(bool udp4)
{
	struct wire_mh_carriage c = { .udp4 = udp4, .sport = 4191, .dport = 40001 };

	inet_pton(AF_INET6, "2001:db8:1::1", &c.src6);
	inet_pton(AF_INET6, "2001:db8:1::100", &c.hoa);
	if (udp4) {
		c.dst6 = c.hoa;          /* RFC 5555 §4.2: no RH2, inner destination is the HoA */
		inet_pton(AF_INET, "198.51.100.1", &c.src4);
		inet_pton(AF_INET, "203.0.113.9", &c.dst4);
	} else {
		inet_pton(AF_INET6, "2001:db8:b::5", &c.dst6);
		c.rh2 = true;
	}
	return c;
}

/* The carriage columns of the expectation. */
static void
expect_carriage(struct tsk_row *e, const struct wire_mh_carriage *c)
{
	tsk_set(e, 15, c->rh2 ? "2" : "");
	tsk_set(e, 16, c->rh2 ? "2001:db8:1::100" : "");
	tsk_set(e, 17, c->udp4 ? "4191" : "");
	tsk_set(e, 18, c->udp4 ? "40001" : "");
	tsk_set(e, 19, c->udp4 ? "2001:db8:1::100" : "2001:db8:b::5");
	tsk_set(e, 20, c->udp4 ? "203.0.113.9" : "");
}

/* Check the checksum of the MH inside a built packet with our own parser. */
static void
check_mh_csum(const uint8_t *pkt, int len, bool v4, const struct wire_mh_carriage *c)
{
	const uint8_t *ip6 = pkt + (v4 ? 28 : 0);
	size_t off = 40 + (c->rh2 ? 24 : 0), ip6_len = (size_t)len - (v4 ? 28 : 0);
	struct wire_mh m;

	cr_assert_eq(wire_mh_parse(ip6 + off, ip6_len - off, &c->src6, c->rh2 ? &c->hoa : &c->dst6,
				   WIRE_MH_F_STRICT_ALIGN, &m), WIRE_E_OK);
}

static void
add_ba(bool udp4, const struct wire_ba_args *a)
{
	struct wire_mh_carriage c = carriage(udp4);
	char buf[INET_ADDRSTRLEN];
	uint8_t pkt[512];
	int n = wire_ba_pkt_build(pkt, sizeof(pkt), &c, a);
	struct tsk_row *e;

	cr_assert_gt(n, 0);
	check_mh_csum(pkt, n, udp4, &c);
	e = tsk_write(&tp, pkt, n, udp4);
	tsk_set(e, 0, "6");
	tsk_set(e, 1, "%u", a->status);
	tsk_set(e, 2, "%u", (a->flags & WIRE_BA_K) != 0);
	tsk_set(e, 3, "%u", (a->flags & WIRE_BA_R) != 0);
	tsk_set(e, 4, "%u", (a->flags & WIRE_BA_T) != 0);
	tsk_set(e, 5, "%u", a->seq);
	tsk_set(e, 6, "%u", a->lifetime);
	/* -E occurrence=l: tshark prints the last IPv4 Ack of a frame */
	if (a->n_v4ack > 0) {
		const struct wire_v4ack *k = &a->v4ack[a->n_v4ack - 1];

		tsk_set(e, 7, "%u", k->status);
		tsk_set(e, 8, "%u", k->plen);
		tsk_set(e, 9, "%s", inet_ntop(AF_INET, &k->addr, buf, sizeof(buf)));
	}
	if (a->has_natd) {
		tsk_set(e, 10, "%u", a->natd.f);
		tsk_set(e, 11, "%u", a->natd.refresh);
	}
	if (a->has_bra)
		tsk_set(e, 12, "%u", a->bra);
	expect_carriage(e, &c);
}

static void
add_be(bool udp4, uint8_t status, bool with_hoa)
{
	struct wire_mh_carriage c = carriage(udp4);
	struct tsk_row *e;
	uint8_t pkt[512];
	int n;

	c.rh2 = false;  /* a BE carries no RH2 (RFC 6275 §9.5.4) */
	n = wire_be_pkt_build(pkt, sizeof(pkt), &c, status, with_hoa ? &c.hoa : NULL);
	cr_assert_gt(n, 0);
	check_mh_csum(pkt, n, udp4, &c);
	e = tsk_write(&tp, pkt, n, udp4);
	tsk_set(e, 0, "7");
	tsk_set(e, 13, "%u", status);
	tsk_set(e, 14, with_hoa ? "2001:db8:1::100" : "::");
	expect_carriage(e, &c);
}

static void
build_all(void)
{
	static const uint8_t statuses[] = { 0, 1, 128, 129, 130, 131, 132, 133, 134, 135, 139,
					    140, 141, 142, 143, 144, 174 };
	static const uint8_t flag_sets[] = { 0, WIRE_BA_K, WIRE_BA_R, WIRE_BA_T,
					     WIRE_BA_K | WIRE_BA_R | WIRE_BA_T };
	static const uint8_t ack_statuses[] = { 0, 128, 129, 130, 131, 132, 133 };
	static const struct wire_natd natds[] = {
		{ false, WIRE_NATD_NO_REFRESH }, { false, 110 }, { true, 110 }, { true, 20 },
		{ true, 0 },
	};
	unsigned int v, s, f, k, nd;

	for (v = 0; v < 2; v++) {
		for (s = 0; s < sizeof(statuses); s++) {
			struct wire_ba_args a = { .status = statuses[s], .seq = (uint16_t)(s * 4099),
						  .lifetime = statuses[s] < 128 ? 900 : 0 };
			add_ba(v, &a);
		}
		for (f = 0; f < sizeof(flag_sets); f++) {
			struct wire_ba_args a = { .flags = flag_sets[f], .seq = 65535,
						  .lifetime = 65535, .has_bra = f % 2, .bra = 800 };
			add_ba(v, &a);
		}
		/* without and with IPv4 Ack (each status), times each NAT Detection variant */
		for (k = 0; k <= sizeof(ack_statuses); k++) {
			for (nd = 0; nd <= sizeof(natds) / sizeof(natds[0]); nd++) {
				struct wire_ba_args a = { .status = 0, .flags = WIRE_BA_K,
							  .seq = (uint16_t)(k * 10 + nd),
							  .lifetime = 100 };

				if (k > 0) {
					struct wire_v4ack *ack = &a.v4ack[0];

					a.n_v4ack = 1;
					ack->status = ack_statuses[k - 1];
					ack->plen = ack->status == 0 ? 24 + k % 9 : 0;
					inet_pton(AF_INET, ack->status == 0 ? "192.0.2.130" :
						  "0.0.0.0", &ack->addr);
					/* with a second Ack for a delegated prefix */
					if (nd % 2 == 1) {
						a.n_v4ack = 2;
						a.v4ack[1] = *ack;
						a.v4ack[0].status = 0;
						a.v4ack[0].plen = 32;
						inet_pton(AF_INET, "192.0.2.131",
							  &a.v4ack[0].addr);
					}
				}
				if (nd > 0) {
					a.has_natd = true;
					a.natd = natds[nd - 1];
				}
				add_ba(v, &a);
			}
		}
		add_be(v, WIRE_BE_UNKNOWN_BINDING, true);
		add_be(v, WIRE_BE_UNKNOWN_MH_TYPE, false);
	}
}

Test(wire_tshark, every_ba_and_be_decodes_as_built)
{
	tsk_open(&tp);
	build_all();
	/* tshark does not decode UDP 4191 by default (protocol facts §13) */
	tsk_compare(&tp, "-d udp.port==4191,ip", fields, NFIELDS);
}

/* Home Agent Switch (RFC 5142) and Binding Revocation Indication (RFC 5846), both carriages;
 * tshark does not verify MH checksums: our parser does (a type it does not parse is only
 * called unknown once the checksum has passed). */
static const char *const sw_fields[] = {
	"mip6.mhtype", "mip6.has.num_addrs", "mip6.has.address", "mip6.bri_br.type",
	"mip6.bri_r.trigger", "mip6.bri_seqnr", "mip6.bri_ip", "mip6.bri_ig", "mip6.bri_iv",
	"ipv6.routing.mipv6.home_address", "udp.srcport", "ip.dst",
};
#define SW_FIELDS (sizeof(sw_fields) / sizeof(sw_fields[0]))

static void
sw_check_csum(const uint8_t *pkt, int len, const struct wire_mh_carriage *c, enum wire_err want)
{
	size_t off = wire_carriage_hlen(c);
	struct wire_mh m;

	/* HAS: not parsed by the home agent, so "unknown" once the checksum passed */
	cr_assert_eq(wire_mh_parse(pkt + off, (size_t)len - off, &c->src6,
				   c->rh2 ? &c->hoa : &c->dst6, 0, &m), want);
}

static void
sw_carriage(struct tsk_row *e, const struct wire_mh_carriage *c)
{
	tsk_set(e, 9, c->rh2 ? "2001:db8:1::100" : "");
	tsk_set(e, 10, c->udp4 ? "4191" : "");
	tsk_set(e, 11, c->udp4 ? "203.0.113.9" : "");
}

Test(wire_tshark, home_agent_switch_and_binding_revocation_decode_as_built)
{
	static const uint8_t flag_sets[] = { 0, WIRE_BR_G, WIRE_BR_V, WIRE_BR_P | WIRE_BR_G };
	struct in6_addr has[WIRE_HA_SWITCH_MAX];
	char buf[INET6_ADDRSTRLEN];
	unsigned int v, n, f;

	tsk_open(&tp);
	for (v = 0; v < 2; v++) {
		struct wire_mh_carriage c = carriage(v);

		for (n = 1; n <= WIRE_HA_SWITCH_MAX; n += 5) {
			uint8_t pkt[512];
			struct tsk_row *e;
			int len;
			unsigned int k;

			for (k = 0; k < n; k++) {
				inet_pton(AF_INET6, "2001:db8:1::2", &has[k]);
				has[k].s6_addr[15] = (uint8_t)(k + 2);
			}
			len = wire_has_pkt_build(pkt, sizeof(pkt), &c, has, n);
			cr_assert_gt(len, 0);
			sw_check_csum(pkt, len, &c, WIRE_E_UNKNOWN_MH_TYPE);
			e = tsk_write(&tp, pkt, len, v);
			tsk_set(e, 0, "12");
			tsk_set(e, 1, "%u", n);
			tsk_set(e, 2, "%s", inet_ntop(AF_INET6, &has[n - 1], buf, sizeof(buf)));
			sw_carriage(e, &c);
		}
		for (f = 0; f < sizeof(flag_sets); f++) {
			struct wire_bri_args a = { .trigger = (uint8_t)(f == 3 ? 128 :
								       WIRE_BR_TRIGGER_ADMIN),
						   .flags = flag_sets[f],
						   .seq = (uint16_t)(f * 20000 + 1) };
			uint8_t pkt[512];
			struct tsk_row *e;
			int len = wire_bri_pkt_build(pkt, sizeof(pkt), &c, &a);

			cr_assert_gt(len, 0);
			sw_check_csum(pkt, len, &c, WIRE_E_OK);
			e = tsk_write(&tp, pkt, len, v);
			tsk_set(e, 0, "16");
			tsk_set(e, 3, "1");
			tsk_set(e, 4, "%u", a.trigger);
			tsk_set(e, 5, "%u", a.seq);
			tsk_set(e, 6, "%u", (a.flags & WIRE_BR_P) != 0);
			tsk_set(e, 7, "%u", (a.flags & WIRE_BR_G) != 0);
			tsk_set(e, 8, "%u", (a.flags & WIRE_BR_V) != 0);
			sw_carriage(e, &c);
		}
	}
	tsk_compare(&tp, "-d udp.port==4191,ip", sw_fields, SW_FIELDS);
}
