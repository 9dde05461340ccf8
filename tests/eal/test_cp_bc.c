/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EAL tier: the control plane writing the real binding cache (cp_bcw). After each BA the
 * workers' view (lookups by IPv6 and IPv4 home address, prefixes, templates) is checked.
 */
#include <rte_lcore.h>

#include "cp_bcw.h"
#include "eal_fixture.h"
#include "wire_csum.h"
#include "wire_ip.h"

#include "../unit/cp_harness.h"

struct env {
	struct ha_cfg *cfg;
	struct bc *bc;
	struct cp *cp;
	struct cp_bcw w;
};

static void
env_up(struct env *v)
{
	struct cfg_status st;
	struct cp_ops ops = h_ops;

	v->cfg = cfg_load_string(h_conf, "h.conf", &st);
	cr_assert_not_null(v->cfg, "%s", st.errors[0]);
	v->bc = bc_create(&(struct bc_params){ .name = "cpbc", .capacity = 64, .prefixes = 64,
					       .spis = 64, .max_readers = 2,
					       .socket = (int)rte_socket_id() });
	cr_assert_not_null(v->bc);
	cp_bcw_init(&v->w, v->bc, v->cfg, &ops);
	memset(&h_rec, 0, sizeof(h_rec));
	v->cp = cp_create(v->cfg, &ops);
	cr_assert_not_null(v->cp);
	cp_tick(v->cp, 0);
}

static void
env_down(struct env *v)
{
	cp_free(v->cp);
	bc_free(v->bc);
	cfg_free(v->cfg);
}

/* A BU for hoa over IPv4/UDP from outer:port with the IPv4 CoA option v4coa. */
static void
bu_udp(struct env *v, const char *hoa_s, uint16_t seq, uint16_t flags, const char *outer,
       uint16_t port, const char *v4coa, bool want_v4, uint64_t now)
{
	struct in6_addr hoa = a6(hoa_s), ha = a6(H_HA6);
	struct wire_bu_args a = { .seq = seq, .flags = flags, .lifetime = 100, .has_v4coa = true,
				  .v4coa = a4(v4coa) };
	struct cp_rx_ctx ctx = { .udp4 = true, .outer_known = true, .outer_src4 = a4(outer),
				 .outer_dst4 = a4(H_HA4), .outer_sport = port, .src6 = hoa,
				 .dst6 = ha };
	uint8_t mh[128];
	int n;

	if (want_v4) {
		a.n_v4hoa = 1;
		a.v4hoa[0].plen = 32;
	}
	n = wire_mh_bu_build(mh, sizeof(mh), &a, &hoa, &ha);
	cp_rx_mh(v->cp, mh, (uint16_t)n, &ctx, now);
}

static void
bu_v6(struct env *v, const char *hoa_s, uint16_t seq, uint16_t flags, uint16_t life,
      const char *coa_s, uint64_t now)
{
	struct in6_addr hoa = a6(hoa_s), ha = a6(H_HA6), coa = a6(coa_s);
	struct wire_bu_args a = { .seq = seq, .flags = flags, .lifetime = life,
				  .has_altcoa = true, .altcoa = coa };
	struct cp_rx_ctx ctx = { .has_hao = true, .hao = hoa, .src6 = coa, .dst6 = ha };
	uint8_t mh[128];
	int n = wire_mh_bu_build(mh, sizeof(mh), &a, &hoa, &ha);

	cp_rx_mh(v->cp, mh, (uint16_t)n, &ctx, now);
}

static void
last_ba_status(int want)
{
	struct h_reply r;

	cr_assert_gt(h_rec.n_tx, 0);
	h_parse_reply(h_rec.n_tx - 1, &r);
	cr_assert_eq(r.mh.ba.status, want, "status %u", r.mh.ba.status);
}

TestSuite(cp_bc, .init = ha_eal_init, .fini = ha_eal_fini);

Test(cp_bc, nat_registration_is_published_with_both_keys_and_template)
{
	struct env v;
	const struct bc_entry *e, *e4;
	uint8_t hdr[20];

	env_up(&v);
	bu_udp(&v, "2001:db8:1::102", 1, WIRE_BU_A | WIRE_BU_H, "203.0.113.9", 40001,
	       "100.64.0.9", true, 1000);
	last_ba_status(0);
	e = bc_lookup6(v.bc, &(struct in6_addr){ .s6_addr = { 0x20, 1, 0xd, 0xb8, 0, 1,
							      [14] = 1, [15] = 2 } });
	cr_assert_not_null(e);
	cr_assert_eq(e->fmt, BC_FMT_UDP);
	cr_assert(e->flags & BC_F_NAT);
	cr_assert(e->flags & BC_F_HOA4);
	cr_assert_eq(e->hoa4, a4("192.0.2.128"));
	e4 = bc_lookup4(v.bc, a4("192.0.2.128"));
	cr_assert_eq(e4, e);
	/* template: IPv4 198.51.100.1 -> 203.0.113.9, UDP 4191 -> 40001 */
	cr_assert_eq(e->tmpl_len, 28);
	cr_assert_eq(memcmp(e->tmpl + 12, &v.cfg->ha.addr4, 4), 0);
	cr_assert_eq(wire_rd32(e->tmpl + 16), ntohl(a4("203.0.113.9")));
	cr_assert_eq(wire_rd16(e->tmpl + 20), 4191);
	cr_assert_eq(wire_rd16(e->tmpl + 22), 40001);
	memcpy(hdr, e->tmpl, 20);
	wire_wr16(hdr + 2, 120);
	wire_wr16(hdr + 10, bc_tmpl_ip4_csum(e, 120, 17));
	cr_assert_eq(wire_csum_ip4(hdr, 20), 0);
	/* a move keeps the keys and replaces the entry */
	bu_udp(&v, "2001:db8:1::102", 2, WIRE_BU_A | WIRE_BU_H, "203.0.113.50", 40002,
	       "203.0.113.50", true, 2000);
	last_ba_status(0);
	e = bc_lookup4(v.bc, a4("192.0.2.128"));
	cr_assert_not_null(e);
	cr_assert_eq(e->fmt, BC_FMT_IP4);
	cr_assert_eq(e->gen, 2);
	cr_assert_eq(wire_rd32(e->tmpl + 16), ntohl(a4("203.0.113.50")));
	env_down(&v);
}

Test(cp_bc, nemo_prefixes_reach_the_router_and_go_with_it)
{
	struct env v;
	const struct bc_entry *e;
	struct in6_addr a = a6("2001:db8:200:1::7");

	env_up(&v);
	bu_v6(&v, "2001:db8:1::201", 1, WIRE_BU_A | WIRE_BU_H | WIRE_BU_R, 100, "2001:db8:b::5",
	      1000);
	last_ba_status(0);
	e = bc_find6(v.bc, &a);
	cr_assert_not_null(e);
	cr_assert_eq(e->fmt, BC_FMT_IP6);
	cr_assert(e->flags & BC_F_MR);
	cr_assert_eq(memcmp(e->tmpl + 24, &(struct in6_addr){ 0 }, 16) != 0, 1);
	cr_assert_not_null(bc_find4(v.bc, a4("192.0.2.70")));      /* 192.0.2.64/27 */
	bu_v6(&v, "2001:db8:1::201", 2, WIRE_BU_A | WIRE_BU_H | WIRE_BU_R, 0, "2001:db8:b::5",
	      2000);
	last_ba_status(0);
	cr_assert_null(bc_find6(v.bc, &a));
	cr_assert_null(bc_find4(v.bc, a4("192.0.2.70")));
	env_down(&v);
}

Test(cp_bc, expiry_unpublishes)
{
	struct env v;
	struct in6_addr hoa = a6("2001:db8:1::103");

	env_up(&v);
	bu_v6(&v, "2001:db8:1::103", 1, WIRE_BU_A | WIRE_BU_H, 5, "2001:db8:b::5", 0);
	last_ba_status(0);
	cr_assert_not_null(bc_lookup6(v.bc, &hoa));
	cp_tick(v.cp, 19000);
	cr_assert_not_null(bc_lookup6(v.bc, &hoa));
	cp_tick(v.cp, 21000);
	cr_assert_null(bc_lookup6(v.bc, &hoa));
	cr_assert_eq(cp_bindings(v.cp), 0);
	env_down(&v);
}
