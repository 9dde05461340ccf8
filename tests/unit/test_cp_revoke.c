/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Binding Revocation (RFC 5846) and Home Agent Switch (RFC 5142) as the control plane sends
 * them: where they go (the binding's care-of address, RH2 or IPv4/UDP), through which SA,
 * the BRI's retransmissions and what ends them (BRA, Binding Error, the last retry, a new
 * registration), and mn-del's deferred deletion. Runs without EAL on the recording cp_ops.
 */
#include <criterion/criterion.h>

#include "cp_harness.h"

static struct ha_cfg *cfg;
static struct cp *cp;

static void
setup(void)
{
	struct cfg_status st;

	cfg = cfg_load_string(h_conf, "h.conf", &st);
	cr_assert_not_null(cfg, "%s", st.errors[0]);
	memset(&h_rec, 0, sizeof(h_rec));
	cp = cp_create(cfg, &h_ops);
	cr_assert_not_null(cp);
	cp_tick(cp, 1);
}

static void
teardown(void)
{
	cp_free(cp);
	cfg_free(cfg);
}

static uint32_t
node(const char *id)
{
	cr_assert_not_null(cp_mndb_find_id(cp_mndb(cp), id));
	return cp_mndb_find_id(cp_mndb(cp), id)->idx;
}

/* A BU of node id from an IPv6 care-of address (HAO), or over IPv4/UDP from coa4:40000. */
static void
bu(const char *id, const char *coa, bool v4, uint16_t seq, uint64_t now)
{
	struct in6_addr hoa = cp_mndb_find_id(cp_mndb(cp), id)->hoa6, ha6 = a6(H_HA6);
	struct wire_bu_args a = { .seq = seq, .lifetime = 100, .flags = WIRE_BU_A | WIRE_BU_H };
	struct cp_rx_ctx ctx;
	uint8_t mh[256];
	int n;

	memset(&ctx, 0, sizeof(ctx));
	ctx.dst6 = ha6;
	if (v4) {
		a.has_v4coa = true;
		a.v4coa = a4(coa);
		ctx.udp4 = true;
		ctx.outer_known = true;
		ctx.outer_src4 = a4(coa);
		ctx.outer_dst4 = a4(H_HA4);
		ctx.outer_sport = 40000;
		ctx.src6 = hoa;
	} else {
		a.has_altcoa = true;
		a.altcoa = a6(coa);
		ctx.src6 = a6(coa);
		ctx.has_hao = true;
		ctx.hao = hoa;
	}
	if (strcmp(id, "mn1") == 0) {
		/* mn1 has SAs: its BUs come on its inbound signalling SA */
		ctx.protected_ = true;
		ctx.sa_signalling = true;
		ctx.spi = 0x1001;
		ctx.sa_hoa = hoa;
	}
	n = wire_mh_bu_build(mh, sizeof(mh), &a, &hoa, &ha6);
	cr_assert_gt(n, 0);
	cp_rx_mh(cp, mh, (uint16_t)n, &ctx, now);
}

/* The node's answer to a BRI: a BRA (status) or a Binding Error (be_status), from coa. */
static void
answer(const char *id, const char *coa, bool bra, uint8_t status, uint16_t seq, uint64_t now)
{
	struct in6_addr hoa = cp_mndb_find_id(cp_mndb(cp), id)->hoa6, ha6 = a6(H_HA6);
	struct cp_rx_ctx ctx;
	uint8_t mh[64];
	int n = bra ? wire_mh_bra_build(mh, sizeof(mh), status, seq, 0, &hoa, &ha6)
		    : wire_mh_be_build(mh, sizeof(mh), status, &hoa, &hoa, &ha6);

	cr_assert_gt(n, 0);
	memset(&ctx, 0, sizeof(ctx));
	ctx.dst6 = ha6;
	ctx.src6 = a6(coa);
	ctx.has_hao = true;
	ctx.hao = hoa;
	cp_rx_mh(cp, mh, (uint16_t)n, &ctx, now);
}

static struct h_reply
last_sent(void)
{
	struct h_reply r;

	cr_assert_gt(h_rec.n_tx, 0);
	h_parse_reply(h_rec.n_tx - 1, &r);
	return r;
}

TestSuite(cp_revoke, .init = setup, .fini = teardown);

Test(cp_revoke, bri_goes_to_the_care_of_address_and_is_retransmitted_until_the_bra)
{
	uint32_t mn3 = node("mn3");
	struct h_reply r;
	struct in6_addr coa = a6("2001:db8:b::5"), hoa = a6("2001:db8:1::103");
	int n;

	bu("mn3", "2001:db8:b::5", false, 1, 1000);
	cr_assert_eq(cp_bindings(cp), 1);
	n = h_rec.n_tx;
	cr_assert_eq(cp_revoke(cp, mn3, false, 2000), 0);
	cr_assert_eq(cp_bindings(cp), 0, "the binding goes at once");
	cr_assert_not(h_rec.published[mn3]);
	cr_assert_eq(h_rec.n_tx, n, "the BRI goes on the tick");
	cp_tick(cp, 2000);
	cr_assert_eq(h_rec.n_tx, n + 1);
	r = last_sent();
	cr_assert_eq(r.mh.type, WIRE_MH_BR);
	cr_assert_eq(r.mh.br.type, WIRE_BR_INDICATION);
	cr_assert_eq(r.mh.br.code, WIRE_BR_TRIGGER_ADMIN);
	cr_assert_eq(memcmp(&r.dst6, &coa, 16), 0, "to the care-of address");
	cr_assert(r.rh2, "with the home address in an RH2");
	cr_assert_eq(memcmp(&r.rh2_hoa, &hoa, 16), 0);
	cr_assert_eq(h_rec.meta[h_rec.n_tx - 1].spi_out, 0, "mn3 has no SA: clear");
	/* no answer: again after 1 s, then after 2 s more */
	cp_tick(cp, 2999);
	cr_assert_eq(h_rec.n_tx, n + 1);
	cp_tick(cp, 3000);
	cr_assert_eq(h_rec.n_tx, n + 2);
	cr_assert_eq(last_sent().mh.br.seq, r.mh.br.seq, "a retransmission keeps its number");
	cp_tick(cp, 4999);
	cr_assert_eq(h_rec.n_tx, n + 2);
	cp_tick(cp, 5000);
	cr_assert_eq(h_rec.n_tx, n + 3);
	/* a BRA with another number does not end it; the right one does */
	answer("mn3", "2001:db8:b::5", true, WIRE_BRA_SUCCESS, (uint16_t)(r.mh.br.seq + 1), 5100);
	cr_assert_eq(cp_stats(cp)->bra_rx, 0);
	answer("mn3", "2001:db8:b::5", true, WIRE_BRA_SUCCESS, r.mh.br.seq, 5200);
	cr_assert_eq(cp_stats(cp)->bra_rx, 1);
	cp_tick(cp, 60000);
	cr_assert_eq(h_rec.n_tx, n + 3, "nothing after the BRA");
	cr_assert_eq(cp_stats(cp)->bri_tx, 1);
	cr_assert_eq(cp_stats(cp)->bri_retx, 2);
	cr_assert_eq(cp_stats(cp)->bri_unanswered, 0);
	cr_assert_eq(cp_mndb_get(cp_mndb(cp), mn3) != NULL, true, "revoke keeps the node");
}

Test(cp_revoke, an_ipv4_care_of_address_gets_it_over_udp_through_the_signalling_sa)
{
	uint32_t mn1 = node("mn1");
	struct h_reply r;

	bu("mn1", "203.0.113.9", true, 1, 1000);
	cr_assert_eq(cp_bindings(cp), 1);
	cr_assert_eq(cp_revoke(cp, mn1, false, 1500), 0);
	cp_tick(cp, 1500);
	r = last_sent();
	cr_assert(r.ipv4);
	cr_assert_eq(r.dst4, a4("203.0.113.9"));
	cr_assert_eq(r.dport, 40000, "to the port the BU came from");
	cr_assert_eq(r.mh.type, WIRE_MH_BR);
	cr_assert_eq(h_rec.meta[h_rec.n_tx - 1].spi_out, 0x2001, "the outbound signalling SA");
	cr_assert_eq(h_rec.meta[h_rec.n_tx - 1].mn, mn1);
}

Test(cp_revoke, unanswered_it_ends_after_the_retries_and_mn_del_deletes_the_node_then)
{
	uint32_t mn3 = node("mn3");
	int n;

	bu("mn3", "2001:db8:b::5", false, 1, 1000);
	n = h_rec.n_tx;
	cr_assert_eq(cp_revoke(cp, mn3, true, 2000), 0);
	cr_assert(cp_revoking(cp, mn3));
	/* while it runs, the node cannot register: it is on its way out */
	bu("mn3", "2001:db8:b::5", false, 2, 2100);
	cr_assert_eq(cp_bindings(cp), 0);
	cr_assert_eq(last_sent().mh.type, WIRE_MH_BA);
	cr_assert_geq(last_sent().mh.ba.status, 128, "refused");
	n = h_rec.n_tx;
	/* 1 + revocation_retries (2) transmissions at 2, 3 and 5 s, given up at 9 s */
	for (uint64_t t = 2000; t <= 8999; t += 100)
		cp_tick(cp, t);
	cr_assert_eq(h_rec.n_tx, n + 3);
	cr_assert_not_null(cp_mndb_get(cp_mndb(cp), mn3), "kept until it ends");
	cp_tick(cp, 9000);
	cr_assert_eq(cp_stats(cp)->bri_unanswered, 1);
	cr_assert_null(cp_mndb_get(cp_mndb(cp), mn3), "mn-del done");
	cr_assert_null(cp_mndb_find_id(cp_mndb(cp), "mn3"));
}

Test(cp_revoke, a_binding_error_unknown_type_ends_it_and_a_new_registration_cancels_it)
{
	uint32_t mn3 = node("mn3"), mn2 = node("mn2");
	int n;

	bu("mn3", "2001:db8:b::5", false, 1, 1000);
	bu("mn2", "2001:db8:b::6", false, 1, 1000);
	cr_assert_eq(cp_revoke(cp, mn3, true, 2000), 0);
	cr_assert_eq(cp_revoke(cp, mn2, false, 2000), 0);
	cp_tick(cp, 2000);
	cr_assert_eq(cp_stats(cp)->bri_tx, 2);
	/* mn3 does not implement RFC 5846: BE status 2 ends it (and mn-del goes through) */
	answer("mn3", "2001:db8:b::5", false, WIRE_BE_UNKNOWN_MH_TYPE, 0, 2100);
	cr_assert_eq(cp_stats(cp)->bri_refused, 1);
	cr_assert_null(cp_mndb_get(cp_mndb(cp), mn3));
	/* mn2 registers again before answering: no BRI may revoke the new binding */
	bu("mn2", "2001:db8:b::7", false, 5, 2500);
	cr_assert_eq(cp_bindings(cp), 1);
	n = h_rec.n_tx;
	cp_tick(cp, 3000);
	cp_tick(cp, 10000);
	cr_assert_eq(h_rec.n_tx, n, "nothing more sent");
	cr_assert_eq(cp_bindings(cp), 1);
}

Test(cp_revoke, without_a_binding_there_is_nothing_to_revoke_or_switch)
{
	struct in6_addr ha = a6("2001:db8:1::2");

	cr_assert_eq(cp_revoke(cp, node("mn3"), false, 1000), -ENOENT);
	cr_assert_eq(cp_ha_switch(cp, node("mn3"), &ha, 1), -ENOENT);
	cr_assert_eq(h_rec.n_tx, 0);
}

Test(cp_revoke, ha_switch_names_the_other_home_agents_and_keeps_the_binding)
{
	struct in6_addr ha[2] = { a6("2001:db8:1::2"), a6("2001:db8:1::3") };
	struct in6_addr coa = a6("2001:db8:b::5"), hoa = a6("2001:db8:1::103"), src = a6(H_HA6);
	struct wire_ip6_info i6;
	struct wire_mh m;
	const uint8_t *p;
	size_t len;

	bu("mn3", "2001:db8:b::5", false, 1, 1000);
	cr_assert_eq(cp_ha_switch(cp, node("mn3"), ha, 2), 0);
	p = h_rec.pkt[h_rec.n_tx - 1];
	len = h_rec.len[h_rec.n_tx - 1];
	cr_assert_eq(wire_ip6_parse(p, len, &i6), WIRE_E_OK);
	cr_assert_eq(memcmp(p + 24, &coa, 16), 0, "to the care-of address");
	cr_assert(i6.has_rh2);
	cr_assert_eq(memcmp(p + i6.rh2_off, &hoa, 16), 0, "the home address in the RH2");
	cr_assert_eq(i6.l4_proto, WIRE_PROTO_MH);
	/* the home agent does not parse HAS: "unknown type" comes after a good checksum */
	cr_assert_eq(wire_mh_parse(p + i6.l4_off, len - i6.l4_off, &src, &hoa, 0, &m),
		     WIRE_E_UNKNOWN_MH_TYPE);
	cr_assert_eq(m.type, WIRE_MH_HA_SWITCH);
	cr_assert_eq(p[i6.l4_off + 6], 2, "two addresses");
	cr_assert_eq(memcmp(p + i6.l4_off + 8, &ha[0], 16), 0);
	cr_assert_eq(memcmp(p + i6.l4_off + 24, &ha[1], 16), 0);
	cr_assert_eq(cp_bindings(cp), 1, "the node moves itself");
	cr_assert_eq(cp_stats(cp)->has_tx, 1);
}
