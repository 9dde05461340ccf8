/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The state store (cp_store.c) over a real LMDB file and the pure control plane, without
 * EAL: bindings written by one control plane come back in a new one as they were, with
 * their time left; what expired or whose node is gone is dropped; a replayed BU is refused
 * after the restart; a store of another format, a damaged or a cut file is refused unless
 * discarded; SA sequence numbers resume above their marks.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <lmdb.h>

#include "cp_harness.h"
#include "cp_store.h"

#define WALL0 UINT64_C(1800000000000)   /* the wall clock at the first start (ms) */

static char dir[64], path[128];

static void
tmp_setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/dsmip-store-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state.mdb", dir);
}

static void
tmp_teardown(void)
{
	char lock[160];

	snprintf(lock, sizeof(lock), "%s-lock", path);
	unlink(path);
	unlink(lock);
	rmdir(dir);
}

TestSuite(cp_store, .init = tmp_setup, .fini = tmp_teardown);

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

struct env {
	struct ha_cfg *cfg;
	struct cp *cp;
	struct cp_store *store;
	uint64_t now;                 /* the control plane's clock */
	uint64_t wall0;               /* the wall clock at its 0 */
};

static struct cp_store *
store_open(bool discard, char *err, size_t len)
{
	return cp_store_open(path, 64, 100, discard, err, len);
}

/* A control plane on cfg (taken), the store open, at control-plane time now. */
static void
up(struct env *v, struct ha_cfg *cfg, uint64_t now, uint64_t wall_now)
{
	char err[600];

	memset(&h_rec, 0, sizeof(h_rec));
	v->cfg = cfg;
	v->store = store_open(false, err, sizeof(err));
	cr_assert_not_null(v->store, "%s", err);
	cp_store_sa_starts(v->store, v->cfg);
	v->cp = cp_create(cfg, &h_ops);
	cr_assert_not_null(v->cp);
	cr_assert_eq(cp_changes_enable(v->cp), 0);
	v->now = now;
	v->wall0 = wall_now - now;
	cp_tick(v->cp, v->now);
}

/* A stop: what changed is written, everything closed (a kill -9 after the flush is the
 * same: the store was committed). */
static void
down(struct env *v)
{
	if (v->cp != NULL) {
		cp_store_flush(v->store, v->cp, v->now, v->wall0 + v->now);
		cp_free(v->cp);
	}
	cp_store_close(v->store);
	cfg_free(v->cfg);
	memset(v, 0, sizeof(*v));
}

static void
invariants(struct env *v)
{
	char why[256];

	cr_assert_eq(cp_check_invariants(v->cp, why, sizeof(why)), 0, "%s", why);
}

static struct cp_mn *
node(struct env *v, const char *id)
{
	struct cp_mn *m = cp_mndb_find_id(cp_mndb(v->cp), id);

	cr_assert_not_null(m, "no node %s", id);
	return m;
}

static const struct cp_bind *
bind_of(struct env *v, const char *id)
{
	return cp_bind_get(v->cp, node(v, id)->idx);
}

static int
send_bu(struct env *v, const struct in6_addr *hoa, const struct wire_bu_args *a,
	struct cp_rx_ctx *ctx)
{
	struct in6_addr ha6 = a6(H_HA6);
	struct h_reply r;
	uint8_t mh[256];
	int n, tx = h_rec.n_tx;

	n = wire_mh_bu_build(mh, sizeof(mh), a, hoa, &ha6);
	cr_assert_gt(n, 0);
	ctx->dst6 = ha6;
	cp_rx_mh(v->cp, mh, (uint16_t)n, ctx, v->now);
	if (h_rec.n_tx == tx)
		return -1;    /* discarded */
	h_parse_reply(h_rec.n_tx - 1, &r);
	invariants(v);
	return r.mh.ba.status;
}

/* A BU over UDP/IPv4 through a NAT (source port sport), with n_v4 IPv4 HoA options. */
static int
bu4(struct env *v, const char *id, uint16_t seq, uint16_t sport, bool router, int n_v4,
    bool prefix)
{
	struct cp_mn *m = node(v, id);
	struct wire_bu_args a = { .seq = seq, .lifetime = 100, .has_v4coa = true,
				  .v4coa = a4("100.64.0.9") };
	struct cp_rx_ctx ctx = { .udp4 = true, .outer_known = true,
				 .outer_src4 = a4("203.0.113.9"), .outer_dst4 = a4(H_HA4),
				 .outer_sport = sport };
	int i;

	a.flags = WIRE_BU_A | WIRE_BU_H | (router ? WIRE_BU_R : 0);
	for (i = 0; i < n_v4; i++) {
		a.v4hoa[a.n_v4hoa].plen = prefix ? 30 : 32;
		a.v4hoa[a.n_v4hoa++].p = prefix;
	}
	ctx.src6 = m->hoa6;
	return send_bu(v, &m->hoa6, &a, &ctx);
}

/* A BU from an IPv6 care-of address (lifetime in 4 s units; 0 deregisters). */
static int
bu6(struct env *v, const char *id, const char *coa, uint16_t seq, uint16_t lifetime)
{
	struct cp_mn *m = node(v, id);
	struct wire_bu_args a = { .seq = seq, .lifetime = lifetime, .has_altcoa = true,
				  .altcoa = a6(coa), .flags = WIRE_BU_A | WIRE_BU_H };
	struct cp_rx_ctx ctx = { .src6 = a6(coa), .has_hao = true, .hao = m->hoa6 };

	return send_bu(v, &m->hoa6, &a, &ctx);
}

static void
restore(struct env *v, struct cp_store_restored *r)
{
	cr_assert_eq(cp_store_restore(v->store, v->cp, v->now, v->wall0 + v->now, r), 0);
	invariants(v);
}

static uint32_t
pool_used(struct env *v)
{
	struct cp_pool_stats st;

	cp_pool_stats_get(cp_pool(v->cp), &st);
	return st.used;
}

static uint64_t
records(struct env *v)
{
	struct cp_store_info *i = calloc(1, sizeof(*i));
	uint64_t n;

	cr_assert_not_null(i);
	cp_store_info_get(v->store, i);
	n = i->records;
	free(i);
	return n;
}

/* The same binding, with time left shifted by `stopped` ms. */
static void
assert_same(const char *id, const struct cp_bind *a, uint64_t now_a, const struct cp_bind *b,
	    uint64_t now_b, uint64_t stopped)
{
	cr_assert_eq(b->state, a->state, "%s: state", id);
	cr_assert_eq(b->fmt, a->fmt, "%s: format", id);
	cr_assert_eq(b->nat, a->nat, "%s: nat", id);
	cr_assert_eq(b->mr, a->mr, "%s: router", id);
	cr_assert_eq(b->seq_valid, a->seq_valid, "%s", id);
	cr_assert_eq(b->last_seq, a->last_seq, "%s: sequence", id);
	cr_assert_eq(b->port, a->port, "%s: NAT port", id);
	cr_assert_eq(b->coa4, a->coa4, "%s: IPv4 care-of address", id);
	cr_assert_eq(memcmp(&b->coa6, &a->coa6, 16), 0, "%s: care-of address", id);
	cr_assert_eq(b->has_hoa4, a->has_hoa4, "%s", id);
	cr_assert_eq(b->hoa4, a->hoa4, "%s: IPv4 home address (lease)", id);
	cr_assert_eq(b->hoa4_dynamic, a->hoa4_dynamic, "%s", id);
	cr_assert_eq(b->has_v4pfx, a->has_v4pfx, "%s", id);
	cr_assert_eq(b->v4pfx, a->v4pfx, "%s: delegated prefix", id);
	cr_assert_eq(b->v4pfx_len, a->v4pfx_len, "%s", id);
	cr_assert_eq(b->lifetime, a->lifetime, "%s", id);
	cr_assert_eq(b->mnp != NULL, a->mnp != NULL, "%s: prefixes", id);
	if (a->mnp != NULL)
		cr_assert_eq(memcmp(b->mnp, a->mnp, sizeof(*a->mnp)), 0, "%s: prefixes", id);
	if (a->state == CP_BIND_ACTIVE)
		cr_assert_eq(b->expires_ms - now_b, a->expires_ms - now_a - stopped,
			     "%s: %lu ms left, want %lu", id,
			     (unsigned long)(b->expires_ms - now_b),
			     (unsigned long)(a->expires_ms - now_a - stopped));
}

Test(cp_store, bindings_come_back_as_they_were)
{
	static const char *const ids[] = { "mn2", "mn3", "mr1", "mn4" };
	struct cp_bind before[4];
	struct cp_mn_prefixes pfx[4];
	struct cp_store_restored r;
	struct env v = { 0 };
	uint32_t used, i;

	up(&v, conf_edit(NULL), 5000, WALL0);
	/* NAT, pool lease; IPv6 care-of; a router with a delegated IPv4 prefix and its
	 * prefixes; a deregistration whose sequence number is held */
	cr_assert_eq(bu4(&v, "mn2", 10, 40001, false, 1, false), 0);
	cr_assert_eq(bu6(&v, "mn3", "2001:db8:a::33", 20, 200), 0);
	cr_assert_eq(bu4(&v, "mr1", 30, 40003, true, 1, true), 0);
	cr_assert_eq(bu6(&v, "mn4", "2001:db8:a::44", 40, 100), 0);
	v.now += 3000;
	cr_assert_eq(bu6(&v, "mn4", "2001:db8:a::44", 41, 0), 0);
	cr_assert_eq(bind_of(&v, "mn4")->state, CP_BIND_HOLD);
	cr_assert(bind_of(&v, "mn2")->nat);
	cr_assert(bind_of(&v, "mr1")->has_v4pfx);
	cr_assert_not_null(bind_of(&v, "mr1")->mnp);
	for (i = 0; i < 4; i++) {
		before[i] = *bind_of(&v, ids[i]);
		if (before[i].mnp != NULL) {
			pfx[i] = *before[i].mnp;
			before[i].mnp = &pfx[i];
		}
	}
	used = pool_used(&v);
	cr_assert_gt(cp_store_flush(v.store, v.cp, v.now, v.wall0 + v.now), 0);
	/* a restart 5 s later (within the deregistration's 10 s hold); the new process's
	 * clock starts elsewhere */
	{
		uint64_t now_a = v.now, wall_a = v.wall0 + v.now;

		down(&v);
		up(&v, conf_edit(NULL), 700, wall_a + 5000);
		restore(&v, &r);
		cr_assert_eq(r.bindings, 3);
		cr_assert_eq(r.held, 1);
		cr_assert_eq(r.expired + r.gone + r.refused, 0);
		for (i = 0; i < 4; i++)
			assert_same(ids[i], &before[i], now_a, bind_of(&v, ids[i]), v.now, 5000);
	}
	cr_assert_eq(pool_used(&v), used, "pool leases and the delegated prefix claimed again");
	for (i = 0; i < 3; i++)
		cr_assert(h_rec.published[node(&v, ids[i])->idx], "%s published", ids[i]);
	/* a BU captured before the restart and replayed after it: refused, binding unchanged */
	cr_assert_eq(bu4(&v, "mn2", 10, 40001, false, 1, false), WIRE_BA_SEQ_OUT_OF_WINDOW);
	cr_assert_eq(bu6(&v, "mn4", "2001:db8:a::44", 40, 100), WIRE_BA_SEQ_OUT_OF_WINDOW);
	cr_assert_eq(bind_of(&v, "mn4")->state, CP_BIND_HOLD);
	/* the next one is taken */
	cr_assert_eq(bu4(&v, "mn2", 11, 40001, false, 1, false), 0);
	down(&v);
}

Test(cp_store, expired_records_and_those_of_nodes_gone_are_dropped)
{
	struct cp_store_restored r;
	struct env v = { 0 };
	uint64_t wall;

	up(&v, conf_edit(NULL), 1000, WALL0);
	cr_assert_eq(bu6(&v, "mn2", "2001:db8:a::22", 1, 25), 0);     /* 100 s */
	cr_assert_eq(bu6(&v, "mn3", "2001:db8:a::33", 1, 1000), 0);   /* 4000 s */
	cr_assert_eq(bu6(&v, "mr2", "2001:db8:a::52", 1, 1000), 0);
	wall = v.wall0 + v.now;
	down(&v);
	cr_assert_eq(access(path, F_OK), 0);
	/* 200 s later, mn3 removed from the file and mr2's home address changed */
	up(&v, conf_edit("  { id = \"mn3\"; hoa6 = \"2001:db8:1::103\"; },\n", "",
			 "hoa6 = \"2001:db8:1::202\"", "hoa6 = \"2001:db8:1::252\"", NULL),
	   1000, wall + 200000);
	restore(&v, &r);
	cr_assert_eq(r.bindings, 0);
	cr_assert_eq(r.expired, 1);
	cr_assert_eq(r.gone, 2);
	cr_assert_eq(bind_of(&v, "mn2")->state, CP_BIND_NONE);
	cr_assert_eq(bind_of(&v, "mr2")->state, CP_BIND_NONE);
	cr_assert_eq(records(&v), 1, "only the format record is left");
	down(&v);
}

Test(cp_store, a_store_of_another_format_is_refused_unless_discarded)
{
	struct cp_store *s;
	struct { uint64_t magic; uint32_t format, pad; uint64_t wall; } meta;
	MDB_env *env;
	MDB_txn *t;
	MDB_dbi dbi;
	MDB_val k = { 4, (void *)"meta" }, val;
	char err[600];

	s = store_open(false, err, sizeof(err));
	cr_assert_not_null(s, "%s", err);
	cp_store_close(s);
	/* the format record says 99, as a later version would write */
	cr_assert_eq(mdb_env_create(&env), 0);
	cr_assert_eq(mdb_env_open(env, path, MDB_NOSUBDIR, 0600), 0);
	cr_assert_eq(mdb_txn_begin(env, NULL, 0, &t), 0);
	cr_assert_eq(mdb_dbi_open(t, NULL, 0, &dbi), 0);
	cr_assert_eq(mdb_get(t, dbi, &k, &val), 0);
	cr_assert_eq(val.mv_size, sizeof(meta));
	memcpy(&meta, val.mv_data, sizeof(meta));
	meta.format = 99;
	cr_assert_eq(mdb_put(t, dbi, &k, &(MDB_val){ sizeof(meta), &meta }, 0), 0);
	cr_assert_eq(mdb_txn_commit(t), 0);
	mdb_env_close(env);

	cr_assert_null(store_open(false, err, sizeof(err)));
	cr_assert(strstr(err, "another format (99; this home agent writes 1)") != NULL, "%s", err);
	cr_assert(strstr(err, "--discard-state") != NULL, "%s", err);
	s = store_open(true, err, sizeof(err));
	cr_assert_not_null(s, "%s", err);
	cp_store_close(s);
	s = store_open(false, err, sizeof(err));
	cr_assert_not_null(s, "discarded, then written afresh: %s", err);
	cp_store_close(s);
}

static void
write_file(const char *p, const void *data, size_t len)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

Test(cp_store, a_damaged_file_is_refused_unless_discarded)
{
	static uint8_t junk[65536];
	struct cp_store *s;
	char err[600];
	unsigned int i;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 2654435761u >> 13);
	write_file(path, junk, sizeof(junk));
	cr_assert_null(store_open(false, err, sizeof(err)));
	cr_assert(strstr(err, path) != NULL && strstr(err, "--discard-state") != NULL, "%s",
		  err);
	s = store_open(true, err, sizeof(err));
	cr_assert_not_null(s, "%s", err);
	cp_store_close(s);
}

/* A store cut short (a full disk, a copy that stopped): read past its end it would be
 * SIGBUS; it is refused as damaged. */
Test(cp_store, a_cut_file_is_refused_not_read_past_its_end)
{
	struct env v = { 0 };
	struct cp_store *s;
	char err[600];
	uint32_t spi;

	up(&v, conf_edit(NULL), 1000, WALL0);
	for (spi = 1; spi <= 3000; spi++)
		cp_store_sa_mark(v.store, spi, 1, spi, 0);
	cr_assert_eq(bu6(&v, "mn3", "2001:db8:a::33", 1, 1000), 0);
	down(&v);
	cr_assert_eq(truncate(path, 16384), 0);
	cr_assert_null(store_open(false, err, sizeof(err)));
	cr_assert(strstr(err, "damaged") != NULL && strstr(err, "--discard-state") != NULL, "%s",
		  err);
	s = store_open(true, err, sizeof(err));
	cr_assert_not_null(s, "%s", err);
	cp_store_close(s);
}

Test(cp_store, sa_sequence_numbers_resume_above_their_marks)
{
	struct env v = { 0 };
	const struct cfg_mn *m;

	up(&v, conf_edit(NULL), 1000, WALL0);
	cp_store_sa_mark(v.store, 0x1001, CFG_SA_IN, 777, 0);
	cp_store_sa_mark(v.store, 0x2001, CFG_SA_OUT, 4096, 4096);
	cp_store_sa_mark(v.store, 0x2001, CFG_SA_OUT, 5555, 4096);   /* a renewal: the later wins */
	down(&v);
	up(&v, conf_edit(NULL), 1000, WALL0 + 5000);
	m = &v.cfg->mns[0];
	cr_assert_str_eq(m->id, "mn1");
	cr_assert_eq(m->sas[0].spi, 0x1001);
	cr_assert_eq(m->sas[0].seq_start, 777);
	cr_assert_eq(m->sas[1].spi, 0x2001);
	cr_assert_eq(m->sas[1].seq_start, 5555);
	down(&v);
}

Test(cp_store, runtime_nodes_come_back_unless_the_file_names_them)
{
	struct cp_store_restored r;
	struct cfg_status st;
	struct env v = { 0 };
	struct cfg_mn mn;
	uint64_t wall;

	up(&v, conf_edit(NULL), 1000, WALL0);
	cr_assert_eq(cfg_parse_mn_text(v.cfg, "{ id = \"mn9\"; hoa6 = \"2001:db8:1::109\"; }",
				       &mn, &st), 0, "%s", st.errors[0]);
	cr_assert_eq(cp_mn_add_rt(v.cp, &mn, NULL), 0);
	cr_assert_eq(bu6(&v, "mn9", "2001:db8:a::99", 7, 1000), 0);
	wall = v.wall0 + v.now;
	down(&v);
	up(&v, conf_edit(NULL), 1000, wall + 1000);
	restore(&v, &r);
	cr_assert_eq(r.runtime_nodes, 1);
	cr_assert_eq(r.bindings, 1);
	cr_assert_not_null(cp_mn_rt_cfg(v.cp, node(&v, "mn9")->idx), "still a run-time node");
	cr_assert_eq(bind_of(&v, "mn9")->last_seq, 7);
	/* removed at run time: its records go with it */
	cr_assert_eq(cp_mn_del(v.cp, node(&v, "mn9")->idx, v.now), 0);
	wall = v.wall0 + v.now;
	down(&v);
	up(&v, conf_edit(NULL), 1000, wall + 1000);
	restore(&v, &r);
	cr_assert_eq(r.runtime_nodes + r.bindings, 0);
	cr_assert_null(cp_mndb_find_id(cp_mndb(v.cp), "mn9"));
	down(&v);
}

Test(cp_store, a_node_the_file_now_names_is_the_files)
{
	struct cp_store_restored r;
	struct cfg_status st;
	struct env v = { 0 };
	struct cfg_mn mn;
	uint64_t wall;

	up(&v, conf_edit(NULL), 1000, WALL0);
	cr_assert_eq(cfg_parse_mn_text(v.cfg, "{ id = \"mn9\"; hoa6 = \"2001:db8:1::109\"; }",
				       &mn, &st), 0, "%s", st.errors[0]);
	cr_assert_eq(cp_mn_add_rt(v.cp, &mn, NULL), 0);
	cr_assert_eq(bu6(&v, "mn9", "2001:db8:a::99", 7, 1000), 0);
	wall = v.wall0 + v.now;
	down(&v);
	up(&v, conf_edit("  { id = \"mn3\"; hoa6 = \"2001:db8:1::103\"; },\n",
			 "  { id = \"mn3\"; hoa6 = \"2001:db8:1::103\"; },\n"
			 "  { id = \"mn9\"; hoa6 = \"2001:db8:1::109\"; },\n", NULL),
	   1000, wall + 1000);
	restore(&v, &r);
	cr_assert_eq(r.runtime_nodes, 0);
	cr_assert_eq(r.bindings, 1, "the binding belongs to the same node");
	cr_assert_null(cp_mn_rt_cfg(v.cp, node(&v, "mn9")->idx), "the file's node now");
	down(&v);
}
