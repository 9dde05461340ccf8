/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reloads of a running control plane (cp_reconfigure), without EAL: a reload applies the
 * whole file or nothing, keeps what it does not change (bindings included), moves pool
 * leases and delegated prefixes to a changed pool, and leaves run-time nodes alone unless
 * the file names them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <criterion/criterion.h>

#include "cp_harness.h"
#include "cp_reconf.h"

/* h_conf with each `from` replaced by its `to` (pairs, NULL-terminated), parsed. */
static struct ha_cfg *
conf_edit(const char *from, ...)
{
	static char text[8192], tmp[8192];
	struct cfg_status st;
	struct ha_cfg *cfg;
	va_list ap;

	snprintf(text, sizeof(text), "%s", h_conf);
	va_start(ap, from);
	for (; from != NULL; from = va_arg(ap, const char *)) {
		const char *to = va_arg(ap, const char *), *at = strstr(text, from);

		cr_assert_not_null(at, "h_conf has no \"%s\"", from);
		snprintf(tmp, sizeof(tmp), "%.*s%s%s", (int)(at - text), text, to,
			 at + strlen(from));
		snprintf(text, sizeof(text), "%s", tmp);
	}
	va_end(ap);
	cfg = cfg_load_string(text, "h.conf", &st);
	cr_assert_not_null(cfg, "%s", st.errors[0]);
	return cfg;
}

#define conf_with(from, to) conf_edit(from, to, NULL)

/* The SAs each node was last created with (by node slot). */
static uint8_t attached_sas[64];
static uint32_t attached_spi0[64];

/* A node's SAs are refused when its id is "failme" (an SA the crypto device cannot create). */
static int
fail_sa(void *arg, struct cp_mn *m, const struct cfg_mn *c)
{
	(void)arg;
	if (strcmp(c->id, "failme") == 0)
		return -ENOMEM;
	attached_sas[m->idx] = (uint8_t)c->n_sas;
	attached_spi0[m->idx] = c->n_sas > 0 ? c->sas[0].spi : 0;
	return 0;
}

struct env {
	struct ha_cfg *cfg;
	struct cp *cp;
	uint64_t now;
};

static void
up(struct env *v, struct ha_cfg *cfg)
{
	struct cp_ops ops = h_ops;

	ops.sa_attach = fail_sa;
	memset(&h_rec, 0, sizeof(h_rec));
	v->cfg = cfg;
	v->cp = cp_create(cfg, &ops);
	cr_assert_not_null(v->cp);
	v->now = 1000;
	cp_tick(v->cp, v->now);
}

static void
down(struct env *v)
{
	cp_free(v->cp);
	cfg_free(v->cfg);
}

static void
invariants(struct env *v)
{
	char why[256];

	cr_assert_eq(cp_check_invariants(v->cp, why, sizeof(why)), 0, "%s", why);
}

/* A BU over UDP/IPv4 through a NAT from node id, with IPv4 HoA options (addr/plen/P). */
static int
bu(struct env *v, const char *id, uint16_t seq, bool router, int n_v4, bool prefix)
{
	struct cp_mn *m = cp_mndb_find_id(cp_mndb(v->cp), id);
	struct in6_addr ha6 = a6(H_HA6);
	struct wire_bu_args a = { .seq = seq, .lifetime = 100, .has_v4coa = true,
				  .v4coa = a4("100.64.0.9") };
	struct cp_rx_ctx ctx = { .udp4 = true, .outer_known = true,
				 .outer_src4 = a4("203.0.113.9"), .outer_dst4 = a4(H_HA4),
				 .outer_sport = 40000, .dst6 = ha6 };
	struct h_reply r;
	uint8_t mh[256];
	int i, n, tx = h_rec.n_tx;

	cr_assert_not_null(m, "no node %s", id);
	a.flags = WIRE_BU_A | WIRE_BU_H | (router ? WIRE_BU_R : 0);
	for (i = 0; i < n_v4; i++) {
		a.v4hoa[a.n_v4hoa].plen = prefix ? 30 : 32;
		a.v4hoa[a.n_v4hoa++].p = prefix;
	}
	ctx.src6 = m->hoa6;
	n = wire_mh_bu_build(mh, sizeof(mh), &a, &m->hoa6, &ha6);
	cr_assert_gt(n, 0);
	cp_rx_mh(v->cp, mh, (uint16_t)n, &ctx, v->now);
	cr_assert_eq(h_rec.n_tx, tx + 1, "no BA to %s", id);
	h_parse_reply(h_rec.n_tx - 1, &r);
	invariants(v);
	return r.mh.ba.status;
}

static uint32_t
pool_used(struct env *v)
{
	struct cp_pool_stats st;

	cp_pool_stats_get(cp_pool(v->cp), &st);
	return st.used;
}

/* Reload to nc: on success nc is in force, else freed. */
static int
reload(struct env *v, struct ha_cfg *nc, struct cp_reconf_report *rep, char *err, size_t len)
{
	struct cp_reconf_report r = { 0 };
	int rc = cp_reconfigure(v->cp, v->cfg, nc, v->now, rep != NULL ? rep : &r, err, len);

	if (rc == 0) {
		cfg_free(v->cfg);
		v->cfg = nc;
	} else {
		cfg_free(nc);
	}
	invariants(v);
	return rc;
}

static const struct cp_bind *
bind_of(struct env *v, const char *id)
{
	struct cp_mn *m = cp_mndb_find_id(cp_mndb(v->cp), id);

	cr_assert_not_null(m, "no node %s", id);
	return cp_bind_get(v->cp, m->idx);
}

/* Defect 3 of the hardening review: a changed pool forgot delegated prefixes. */
Test(cp_reconf, pool_change_keeps_delegated_prefixes_and_leases)
{
	struct env v;
	char err[256];

	up(&v, conf_with(NULL, NULL));
	cr_assert_eq(bu(&v, "mr1", 1, true, 1, true), 0);     /* 192.0.2.128/30 */
	cr_assert_eq(bu(&v, "mn2", 1, false, 1, false), 0);   /* 192.0.2.132 */
	cr_assert_eq(pool_used(&v), 5);
	cr_assert_eq(reload(&v, conf_with("192.0.2.128/29", "192.0.2.128/28"), NULL, err,
			    sizeof(err)), 0, "%s", err);
	cr_assert_eq(pool_used(&v), 5, "the prefix and the address are still held");
	/* the next allocation does not hand out what mr1 or mn2 hold */
	cr_assert_eq(bu(&v, "mn4", 1, false, 1, false), 0);
	cr_assert_eq(bind_of(&v, "mn4")->hoa4, a4("192.0.2.133"));
	/* mr1's binding ends: its prefix goes back to the pool it is in */
	cr_assert_eq(cp_binding_flush(v.cp, cp_mndb_find_id(cp_mndb(v.cp), "mr1")->idx, v.now), 0);
	cr_assert_eq(pool_used(&v), 2);
	invariants(&v);
	down(&v);
}

/* A lease outside the new pool stays with its binding and never returns to a pool. */
Test(cp_reconf, lease_outside_the_new_pool_stays_with_its_binding)
{
	struct env v;
	char err[256];

	up(&v, conf_with(NULL, NULL));
	cr_assert_eq(bu(&v, "mr1", 1, true, 1, true), 0);     /* 192.0.2.128/30 */
	cr_assert_eq(reload(&v, conf_with("192.0.2.128/29", "192.0.2.192/29"), NULL, err,
			    sizeof(err)), 0, "%s", err);
	cr_assert(bind_of(&v, "mr1")->has_v4pfx);
	cr_assert_eq(pool_used(&v), 0);
	cr_assert_eq(cp_binding_flush(v.cp, cp_mndb_find_id(cp_mndb(v.cp), "mr1")->idx, v.now), 0);
	cr_assert_eq(pool_used(&v), 0);
	down(&v);
}

/* fuzz_cp (2026-12-06 campaign): a delegated prefix left outside a changed pool is claimed
 * again when a later pool covers it; it was not, and that pool handed its first address to
 * another node (slots 0 and 4 held 192.0.2.128/32 and 192.0.2.128/30). */
Test(cp_reconf, a_prefix_outside_the_pool_is_claimed_when_a_pool_covers_it_again)
{
	struct env v;
	char err[256];

	up(&v, conf_with(NULL, NULL));
	cr_assert_eq(bu(&v, "mr1", 1, true, 1, true), 0);     /* 192.0.2.128/30 */
	cr_assert_eq(reload(&v, conf_with("192.0.2.128/29", "192.0.2.192/29"), NULL, err,
			    sizeof(err)), 0, "%s", err);
	cr_assert_eq(pool_used(&v), 0, "outside the new pool");
	cr_assert_eq(reload(&v, conf_with(NULL, NULL), NULL, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(pool_used(&v), 4, "the prefix claimed in the pool that covers it again");
	cr_assert_eq(bu(&v, "mn2", 1, false, 1, false), 0);
	cr_assert_eq(bind_of(&v, "mn2")->hoa4, a4("192.0.2.132"), "not inside mr1's prefix");
	invariants(&v);
	/* mr1's binding ends: the prefix goes back to that pool */
	cr_assert_eq(cp_binding_flush(v.cp, cp_mndb_find_id(cp_mndb(v.cp), "mr1")->idx, v.now), 0);
	cr_assert_eq(pool_used(&v), 1);
	invariants(&v);
	down(&v);
}

/* Defect 5: two nodes swapping home addresses in the file were deleted and re-added one by
 * one; the first re-add collided with the second node and the node was lost, answer OK. */
Test(cp_reconf, nodes_swapping_home_addresses)
{
	struct cp_reconf_report rep = { 0 };
	struct ha_cfg *nc;
	struct env v;
	char err[256];

	up(&v, conf_with(NULL, NULL));
	nc = conf_with("id = \"mn3\"; hoa6 = \"2001:db8:1::103\"; },\n"
		       "  { id = \"mn4\"; hoa6 = \"2001:db8:1::104\";",
		       "id = \"mn3\"; hoa6 = \"2001:db8:1::104\"; },\n"
		       "  { id = \"mn4\"; hoa6 = \"2001:db8:1::103\";");
	cr_assert_eq(reload(&v, nc, &rep, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(rep.changed, 2);
	cr_assert_eq(memcmp(&cp_mndb_find_id(cp_mndb(v.cp), "mn3")->hoa6,
			    &(struct in6_addr){ .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 1,
							     [14] = 1, [15] = 4 } }, 16), 0);
	cr_assert_str_eq(cp_mndb_find6(cp_mndb(v.cp), &(struct in6_addr){ .s6_addr = {
		0x20, 0x01, 0x0d, 0xb8, 0, 1, [14] = 1, [15] = 3 } })->id, "mn4");
	down(&v);
}

/* Defect 5: an SPI still held by a run-time node; the file's node could not be added. */
Test(cp_reconf, spi_held_by_a_runtime_node_refuses_the_whole_reload)
{
	struct cfg_mn rt;
	struct env v;
	char err[256] = "";

	up(&v, conf_with(NULL, NULL));
	memset(&rt, 0, sizeof(rt));
	snprintf(rt.id, sizeof(rt.id), "rt1");
	rt.count = 1;
	rt.hoa6 = a6("2001:db8:1::301");
	rt.n_sas = 1;
	rt.sas[0] = (struct cfg_sa){ .spi = 0x4001, .dir = CFG_SA_IN, .role = CFG_SA_SIGNALLING };
	cr_assert_eq(cp_mn_add_rt(v.cp, &rt, NULL), 0);
	cr_assert_eq(bu(&v, "mn3", 1, false, 0, false), 0);
	/* the file gives mn2 an SA with rt1's SPI, and drops mn4 */
	cr_assert_neq(reload(&v, conf_with("{ id = \"mn2\"; hoa6 = \"2001:db8:1::102\"; "
					   "hoa4 = \"dynamic\"; },\n"
					   "  { id = \"mn3\"; hoa6 = \"2001:db8:1::103\"; },\n"
					   "  { id = \"mn4\"; hoa6 = \"2001:db8:1::104\"; "
					   "hoa4 = \"dynamic\"; },",
					   "{ id = \"mn2\"; hoa6 = \"2001:db8:1::102\"; "
					   "hoa4 = \"dynamic\"; sas = ({ spi = 0x4001; "
					   "direction = \"in\"; role = \"signalling\"; "
					   "algorithm = \"aes-128-cbc-hmac-sha1\"; "
					   "key = \"0x000102030405060708090a0b0c0d0e0f\"; "
					   "auth_key = \"0x000102030405060708090a0b0c0d0e0f10111213\"; "
					   "}); },\n"
					   "  { id = \"mn3\"; hoa6 = \"2001:db8:1::103\"; },"),
			      NULL, err, sizeof(err)), 0);
	cr_assert_str_eq(err, "SPI 0x4001 of mn2 is already rt1's");
	/* nothing changed: mn4 is there, mn3 keeps its binding */
	cr_assert_not_null(cp_mndb_find_id(cp_mndb(v.cp), "mn4"));
	cr_assert_eq(bind_of(&v, "mn3")->state, CP_BIND_ACTIVE);
	cr_assert(h_rec.published[cp_mndb_find_id(cp_mndb(v.cp), "mn3")->idx]);
	down(&v);
}

/* Defect 1 through a reload: a file node taking a run-time node's static IPv4 address. */
Test(cp_reconf, static_ipv4_address_of_a_runtime_node_refused)
{
	struct cfg_mn rt;
	struct env v;
	char err[256] = "";

	up(&v, conf_with(NULL, NULL));
	memset(&rt, 0, sizeof(rt));
	snprintf(rt.id, sizeof(rt.id), "rt1");
	rt.count = 1;
	rt.hoa6 = a6("2001:db8:1::301");
	rt.hoa4_mode = CFG_HOA4_STATIC;
	rt.hoa4 = a4("192.0.2.120");
	cr_assert_eq(cp_mn_add_rt(v.cp, &rt, NULL), 0);
	cr_assert_neq(reload(&v, conf_with("{ id = \"mn3\"; hoa6 = \"2001:db8:1::103\"; }",
					   "{ id = \"mn3\"; hoa6 = \"2001:db8:1::103\"; "
					   "hoa4 = \"192.0.2.120\"; }"), NULL, err, sizeof(err)), 0);
	cr_assert_str_eq(err, "mobile node mn3: IPv4 home address 192.0.2.120 is also rt1's");
	down(&v);
}

/* RFC 3963: a mobile network prefix is one router's; a file router overlapping a run-time
 * router's prefix is refused. */
Test(cp_reconf, prefix_overlapping_a_runtime_router_refused)
{
	struct cfg_mn rt;
	struct env v;
	char err[256] = "";

	up(&v, conf_with(NULL, NULL));
	memset(&rt, 0, sizeof(rt));
	snprintf(rt.id, sizeof(rt.id), "rtr");
	rt.count = 1;
	rt.hoa6 = a6("2001:db8:1::301");
	rt.mobile_router = true;
	rt.n_prefixes6 = 1;
	rt.prefixes6[0] = (struct ha_prefix6){ a6("2001:db8:400::"), 48 };
	cr_assert_eq(cp_mn_add_rt(v.cp, &rt, NULL), 0);
	cr_assert_neq(reload(&v, conf_with("\"2001:db8:200::/48\"", "\"2001:db8:400:7::/64\""),
			     NULL, err, sizeof(err)), 0);
	cr_assert_str_eq(err, "mobile network prefix 2001:db8:400:7::/64 of mr1 overlaps "
			 "2001:db8:400::/48 of rtr");
	down(&v);
}

/* An addition that fails after the check (the SA cannot be created): everything is undone,
 * the removed and changed nodes come back with their bindings, the old pool stays. */
Test(cp_reconf, failed_addition_undoes_everything)
{
	struct env v;
	char err[256] = "";
	uint32_t used;

	up(&v, conf_with(NULL, NULL));
	cr_assert_eq(bu(&v, "mr1", 1, true, 1, true), 0);
	cr_assert_eq(bu(&v, "mn4", 1, false, 1, false), 0);
	cr_assert_eq(bu(&v, "mn3", 1, false, 0, false), 0);
	used = pool_used(&v);
	/* mn4 removed, mn3 changed (a new home address), mr1 kept, failme added, a new pool */
	cr_assert_neq(reload(&v, conf_edit("  { id = \"mn4\"; hoa6 = \"2001:db8:1::104\"; "
					   "hoa4 = \"dynamic\"; },\n",
					   "  { id = \"failme\"; hoa6 = \"2001:db8:1::190\"; },\n",
					   "\"2001:db8:1::103\"", "\"2001:db8:1::113\"",
					   "192.0.2.128/29", "192.0.2.192/29", NULL),
			     NULL, err, sizeof(err)), 0);
	cr_assert_str_eq(err, "mobile node failme: Cannot allocate memory; nothing applied");
	cr_assert_not_null(cp_mndb_find_id(cp_mndb(v.cp), "mn4"), "removed node is back");
	cr_assert_null(cp_mndb_find_id(cp_mndb(v.cp), "failme"));
	cr_assert_eq(bind_of(&v, "mn4")->state, CP_BIND_ACTIVE, "with its binding");
	cr_assert_eq(bind_of(&v, "mn4")->hoa4, a4("192.0.2.132"), "and its lease");
	cr_assert(h_rec.published[cp_mndb_find_id(cp_mndb(v.cp), "mn4")->idx]);
	cr_assert_eq(bind_of(&v, "mr1")->state, CP_BIND_ACTIVE);
	cr_assert_eq(bind_of(&v, "mn3")->state, CP_BIND_ACTIVE, "the changed node is as it was");
	cr_assert_eq(memcmp(&cp_mndb_find_id(cp_mndb(v.cp), "mn3")->hoa6,
			    &(struct in6_addr){ .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 1,
							     [14] = 1, [15] = 3 } }, 16), 0);
	cr_assert_eq(pool_used(&v), used);
	cr_assert_eq(cp_cfg(v.cp), v.cfg, "the old configuration stays in force");
	down(&v);
}

/* A file node removed at run time (mn-del) comes back when the file is reloaded; a
 * run-time node the file now describes the same way becomes a file node. */
Test(cp_reconf, reload_makes_the_running_set_match_the_file)
{
	struct cp_reconf_report rep = { 0 };
	struct cfg_mn rt;
	struct env v;
	char err[256] = "";

	up(&v, conf_with(NULL, NULL));
	cr_assert_eq(cp_mn_del(v.cp, cp_mndb_find_id(cp_mndb(v.cp), "mn3")->idx, v.now), 0);
	memset(&rt, 0, sizeof(rt));
	snprintf(rt.id, sizeof(rt.id), "mn9");
	rt.count = 1;
	rt.hoa6 = a6("2001:db8:1::109");
	cr_assert_eq(cp_mn_add_rt(v.cp, &rt, NULL), 0);
	cr_assert_eq(reload(&v, conf_with("  { id = \"mr2\";",
					  "  { id = \"mn9\"; hoa6 = \"2001:db8:1::109\"; },\n"
					  "  { id = \"mr2\";"), &rep, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_not_null(cp_mndb_find_id(cp_mndb(v.cp), "mn3"));
	cr_assert_eq(rep.added, 1);
	cr_assert_eq(rep.removed + rep.changed, 0);
	/* mn9 is a file node now: a file without it removes it */
	cr_assert_eq(reload(&v, conf_with(NULL, NULL), &rep, err, sizeof(err)), 0, "%s", err);
	cr_assert_null(cp_mndb_find_id(cp_mndb(v.cp), "mn9"));
	down(&v);
}

/* A router added at run time with a prefix inside a running router's is refused. */
Test(cp_reconf, runtime_router_overlapping_prefix_refused)
{
	struct cfg_mn rt;
	struct env v;

	up(&v, conf_with(NULL, NULL));
	memset(&rt, 0, sizeof(rt));
	snprintf(rt.id, sizeof(rt.id), "rtr");
	rt.count = 1;
	rt.hoa6 = a6("2001:db8:1::301");
	rt.mobile_router = true;
	rt.n_prefixes6 = 1;
	rt.prefixes6[0] = (struct ha_prefix6){ a6("2001:db8:100:9::"), 64 };   /* in mr1's */
	cr_assert_eq(cp_mn_add_rt(v.cp, &rt, NULL), -EEXIST);
	cr_assert_str_eq(cp_mndb_prefix_clash(cp_mndb(v.cp), &rt)->id, "mr1");
	rt.prefixes6[0] = (struct ha_prefix6){ a6("2001:db8:900::"), 48 };
	cr_assert_eq(cp_mn_add_rt(v.cp, &rt, NULL), 0);
	invariants(&v);
	down(&v);
}

/*
 * Found by fuzz_cp: SAs changed at run time on nodes of the file (mn1's 0x1001 removed,
 * then given to mn2) were not part of what a reload compared: the reload kept mn2 with the
 * SPI the file gives mn1 back, and the undo of its failure re-created mn1 from the old
 * file, whose SPI mn2 held: mn1 was lost. Now a file node runs as its file description
 * plus what dsmip-ctl changed; a reload replaces both nodes with the file's versions.
 */
Test(cp_reconf, sas_moved_at_run_time_are_put_back_by_a_reload)
{
	struct cp_reconf_report rep = { 0 };
	struct env v;
	struct cfg_sa sa;
	struct cp_mn *m1, *m2;
	char err[256] = "";

	up(&v, conf_with(NULL, NULL));
	m1 = cp_mndb_find_id(cp_mndb(v.cp), "mn1");
	m2 = cp_mndb_find_id(cp_mndb(v.cp), "mn2");
	sa = v.cfg->mns[0].sas[0];
	cr_assert_eq(sa.spi, 0x1001);
	cp_mn_rt_sa(v.cp, m1->idx, &sa, false);
	cp_mn_rt_sa(v.cp, m2->idx, &sa, true);
	cr_assert_null(cp_mn_rt_cfg(v.cp, m1->idx), "still a node of the file");
	cr_assert_eq(reload(&v, conf_with(NULL, NULL), &rep, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(rep.changed, 2, "mn1 and mn2 as the file says (%lu changed)",
		     (unsigned long)rep.changed);
	m1 = cp_mndb_find_id(cp_mndb(v.cp), "mn1");
	m2 = cp_mndb_find_id(cp_mndb(v.cp), "mn2");
	cr_assert_eq(attached_sas[m1->idx], 2);
	cr_assert_eq(attached_spi0[m1->idx], 0x1001);
	cr_assert_eq(attached_sas[m2->idx], 0);
	down(&v);
}

/* The undo of a failed reload puts a file node back as it ran, not as its old file said. */
Test(cp_reconf, undo_restores_a_file_node_as_it_ran)
{
	struct env v;
	struct cfg_sa sa;
	struct cp_mn *m1;
	char err[256] = "";

	up(&v, conf_with(NULL, NULL));
	m1 = cp_mndb_find_id(cp_mndb(v.cp), "mn1");
	sa = v.cfg->mns[0].sas[0];
	cp_mn_rt_sa(v.cp, m1->idx, &sa, false);
	cr_assert_neq(reload(&v, conf_edit("  { id = \"mn3\"; hoa6 = \"2001:db8:1::103\"; },\n",
					   "  { id = \"mn3\"; hoa6 = \"2001:db8:1::103\"; },\n"
					   "  { id = \"failme\"; hoa6 = \"2001:db8:1::190\"; },\n",
					   NULL), NULL, err, sizeof(err)), 0);
	m1 = cp_mndb_find_id(cp_mndb(v.cp), "mn1");
	cr_assert_not_null(m1);
	cr_assert_eq(attached_sas[m1->idx], 1, "mn1 back with the one SA it ran with");
	cr_assert_eq(attached_spi0[m1->idx], 0x2001);
	down(&v);
}
