/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the control plane as a state machine. The input is a sequence of
 * operations — Binding Updates with any option combination over every carriage, clock jumps
 * (expiry, NAT staleness, DAD, hold), NAT keepalives and ESP mappings, DAD conflicts,
 * mn-add / mn-del / sa-add / sa-del / flush, reloads with mutated configuration files, and
 * injected binding-cache failures — applied to a real binding cache (rte_hash, LPM; EAL
 * without hugepages). After every operation cp_check_invariants() must hold, and:
 *   - an unprotected BU for a node with a signalling SA is never accepted;
 *   - a refused BU leaves an existing binding as it was (RFC 6275 §9.5.1, §10.3.1);
 *   - a reload either applies the whole file or changes nothing;
 *   - when every node is removed, the tables are empty.
 * Any violation prints the operations so far and aborts. FUZZ_CP_OFF="unprotected,refused,
 * reload" turns the named oracles off, to look past a known finding.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_log.h>

#include "cp.h"
#include "cp_bcw.h"
#include "cp_reconf.h"
#include "wire_mh.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N_TMPL 8                      /* mobile nodes a configuration file may name */
#define N_RT 4                        /* nodes added at run time */
#define CAP 32
#define N_SA 64
#define LOG_MAX 64

static struct bc *bc;
static bool off_unprotected, off_refused, off_reload;

/* ------------------------------------------------------------------ input */

struct in {
	const uint8_t *p;
	size_t n;
};

static uint8_t
take(struct in *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

static uint16_t
take16(struct in *in)
{
	return (uint16_t)(take(in) << 8 | take(in));
}

/* ------------------------------------------------------------------ what happened */

static char oplog[LOG_MAX][160];
static unsigned int n_ops;

static void __attribute__((format(printf, 1, 2)))
note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(oplog[n_ops % LOG_MAX], sizeof(oplog[0]), fmt, ap);
	va_end(ap);
	n_ops++;
}

static void __attribute__((format(printf, 1, 2), noreturn))
violation(const char *fmt, ...)
{
	unsigned int i = n_ops > LOG_MAX ? n_ops - LOG_MAX : 0;
	va_list ap;

	fprintf(stderr, "== fuzz_cp: operations (last %u of %u):\n", n_ops - i, n_ops);
	for (; i < n_ops; i++)
		fprintf(stderr, "  %3u %s\n", i, oplog[i % LOG_MAX]);
	fprintf(stderr, "== fuzz_cp: VIOLATION: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/* ------------------------------------------------------------------ the world */

static const char *const hoa6s[] = {
	"2001:db8:1::101", "2001:db8:1::102", "2001:db8:1::103", "2001:db8:1::104",
	"2001:db8:1::201", "2001:db8:1::202", "2001:db8:1::105", "2001:db8:1::203",
	/* run-time nodes, unless they take a file node's */
	"2001:db8:1::301", "2001:db8:1::302", "2001:db8:1::303", "2001:db8:1::304",
};
static const char *const statics[] = { "192.0.2.101", "192.0.2.102", "192.0.2.103",
				       "192.0.2.104" };
static const char *const pools[] = { "192.0.2.128/28", "192.0.2.128/27", "192.0.2.144/28",
				     "192.0.2.192/29" };
static const char *const mnps6[] = { "2001:db8:100::/48", "2001:db8:200::/48",
				     "2001:db8:300::/48", "2001:db8:100:1::/64" };
static const char *const mnps4[] = { "192.0.2.64/28", "192.0.2.80/28" };

/* A mobile node as a configuration file (or mn-add) may describe it. */
struct tmpl {
	char id[8];
	uint8_t hoa6;                 /* index into hoa6s */
	uint8_t hoa4;                 /* 0 none, 1 dynamic, 2+k static k */
	bool mr;
	bool v4pfx;
	uint8_t mnp6;                 /* bit mask over mnps6 */
	uint8_t mnp4;                 /* bit mask over mnps4 */
	uint32_t spi_in;              /* signalling pair: in, out = in + 0x1000 (0: none) */
	uint32_t pay_in;              /* payload pair, likewise */
};

static const struct tmpl base[N_TMPL] = {
	{ "mnA", 0, 2, false, false, 0, 0, 0x1001, 0 },
	{ "mnB", 1, 1, false, false, 0, 0, 0, 0 },
	{ "mnC", 2, 0, false, false, 0, 0, 0, 0x3003 },
	{ "mnD", 3, 1, false, false, 0, 0, 0x1004, 0 },
	{ "mr1", 4, 1, true, true, 1, 1, 0, 0 },
	{ "mr2", 5, 0, true, false, 2, 0, 0, 0 },
	{ "mnE", 6, 3, false, false, 0, 0, 0, 0 },
	{ "mr3", 7, 1, true, true, 4, 2, 0x1008, 0 },
};

static void
sa_text(char *b, size_t cap, size_t *n, uint32_t spi, const char *dir, const char *role)
{
	*n += (size_t)snprintf(b + *n, cap - *n,
		"{ spi = 0x%x; direction = \"%s\"; role = \"%s\"; "
		"algorithm = \"aes-128-cbc-hmac-sha1\"; key = \"0x000102030405060708090a0b0c0d0e0f\"; "
		"auth_key = \"0x000102030405060708090a0b0c0d0e0f10111213\"; },", spi, dir, role);
}

/* One node in the configuration's syntax. */
static size_t
node_text(char *b, size_t cap, const struct tmpl *t)
{
	size_t n = 0;
	unsigned int k;
	bool first = true;

	n += (size_t)snprintf(b + n, cap - n, "{ id = \"%s\"; hoa6 = \"%s\"; ", t->id,
			      hoa6s[t->hoa6 % (N_TMPL + N_RT)]);
	if (t->hoa4 == 1)
		n += (size_t)snprintf(b + n, cap - n, "hoa4 = \"dynamic\"; ");
	else if (t->hoa4 >= 2)
		n += (size_t)snprintf(b + n, cap - n, "hoa4 = \"%s\"; ", statics[(t->hoa4 - 2) % 4]);
	if (t->mr)
		n += (size_t)snprintf(b + n, cap - n, "mobile_router = true; ");
	if (t->v4pfx)
		n += (size_t)snprintf(b + n, cap - n, "ipv4_prefix = true; ");
	if (t->mr && (t->mnp6 | t->mnp4)) {
		n += (size_t)snprintf(b + n, cap - n, "prefixes = [");
		for (k = 0; k < 4; k++)
			if (t->mnp6 & (1u << k)) {
				n += (size_t)snprintf(b + n, cap - n, "%s\"%s\"", first ? "" : ",",
						      mnps6[k]);
				first = false;
			}
		for (k = 0; k < 2; k++)
			if (t->mnp4 & (1u << k)) {
				n += (size_t)snprintf(b + n, cap - n, "%s\"%s\"", first ? "" : ",",
						      mnps4[k]);
				first = false;
			}
		n += (size_t)snprintf(b + n, cap - n, "]; ");
	}
	if (t->spi_in != 0 || t->pay_in != 0) {
		n += (size_t)snprintf(b + n, cap - n, "sas = (");
		if (t->spi_in != 0) {
			sa_text(b, cap, &n, t->spi_in, "in", "signalling");
			sa_text(b, cap, &n, t->spi_in + 0x1000, "out", "signalling");
		}
		if (t->pay_in != 0) {
			sa_text(b, cap, &n, t->pay_in, "in", "payload");
			sa_text(b, cap, &n, t->pay_in + 0x1000, "out", "payload");
		}
		n--;   /* no comma after the last SA */
		n += (size_t)snprintf(b + n, cap - n, "); ");
	}
	n += (size_t)snprintf(b + n, cap - n, "}");
	return n;
}

/* A mutated template: the variant byte changes addresses and SPIs so that files collide
 * with themselves (refused by the loader) and with run-time nodes (the reload's business). */
static void
mutate(struct tmpl *t, unsigned int i, uint8_t v)
{
	switch (v & 7) {
	case 1:   /* swap home addresses with the neighbour (both must say so) */
		t->hoa6 = (uint8_t)(i ^ 1);
		break;
	case 2:
		t->hoa4 = (uint8_t)(2 + (v >> 3) % 4);
		break;
	case 3:
		t->spi_in = 0x1001 + (v >> 3) % 8;
		break;
	case 4:
		t->mnp6 = (uint8_t)((v >> 3) & 0xf);
		t->mnp4 = (uint8_t)((v >> 6) & 3);
		t->mr = true;
		break;
	case 5:
		t->hoa4 = (uint8_t)((v >> 3) % 2);
		t->pay_in = t->pay_in != 0 ? 0 : 0x3001 + (v >> 4) % 4;
		break;
	default:
		break;
	}
}

struct file {
	uint8_t mask;                 /* templates named */
	uint8_t variant[N_TMPL];
	uint8_t pool;
	bool dad;
	bool heuristic;
};

static struct ha_cfg *
file_load(const struct file *f)
{
	static char text[16384];
	struct cfg_status *st = calloc(1, sizeof(*st));
	struct ha_cfg *cfg;
	size_t n = 0;
	unsigned int i;
	bool first = true;

	if (st == NULL)
		return NULL;
	n += (size_t)snprintf(text + n, sizeof(text) - n,
		"ports = ({ name = \"access\"; device = \"net_null0\"; role = \"access\"; "
		"ipv4 = \"198.51.100.1/24\"; ipv6 = \"2001:db8:a::1/64\"; },\n"
		"{ name = \"home\"; device = \"net_null1\"; role = \"home\"; "
		"ipv4 = \"192.0.2.1/24\"; ipv6 = \"2001:db8:1::1/64\"; });\n"
		"home_agent = { address6 = \"2001:db8:1::1\"; address4 = \"198.51.100.1\";\n"
		"  home_prefixes = [ \"2001:db8:1::/64\" ]; ipv4_home_prefixes = [ \"192.0.2.0/24\" ];\n"
		"  ipv4_pool = \"%s\"; ipv4_lease = 600; };\n"
		"policy = { require_ipsec = false; dad = %s; dad_timeout_ms = 1000; "
		"max_lifetime = 3600; nat_refresh = 110; nat_grace = 30; binding_error_rate = 10; "
		"nat_detection = \"%s\"; };\n"
		"capacity = { bindings = %d; sas = %d; prefixes = 64; };\nmobile_nodes = (",
		pools[f->pool % 4], f->dad ? "true" : "false", f->heuristic ? "heuristic" : "spi",
		CAP, N_SA);
	for (i = 0; i < N_TMPL; i++) {
		struct tmpl t = base[i];

		if (!(f->mask & (1u << i)))
			continue;
		mutate(&t, i, f->variant[i]);
		if (!first)
			text[n++] = ',';
		first = false;
		n += node_text(text + n, sizeof(text) - n, &t);
	}
	n += (size_t)snprintf(text + n, sizeof(text) - n, ");\n");
	cfg = cfg_load_string(text, "fuzz.conf", st);
	free(st);
	return cfg;
}

/* ------------------------------------------------------------------ SAs: a model of cp_esp */

static bool sa_used[N_SA];

static uint32_t *
sa_slot(struct cp_mn *m, const struct cfg_sa *sa)
{
	if (sa->role == CFG_SA_SIGNALLING)
		return sa->dir == CFG_SA_IN ? &m->sa_sig_in : &m->sa_sig_out;
	return sa->dir == CFG_SA_IN ? &m->sa_pay_in : &m->sa_pay_out;
}

static uint32_t *
sa_spi(struct cp_mn *m, uint32_t *slot)
{
	return slot == &m->sa_sig_in ? &m->spi_sig_in : slot == &m->sa_sig_out ? &m->spi_sig_out :
	       slot == &m->sa_pay_in ? &m->spi_pay_in : &m->spi_pay_out;
}

static void
sa_drop(struct cp_mn *m, uint32_t *slot)
{
	if (*slot == CP_SA_NONE)
		return;
	if (slot == &m->sa_sig_in || slot == &m->sa_pay_in)
		bc_spi_del(bc, *sa_spi(m, slot));
	sa_used[*slot] = false;
	*slot = CP_SA_NONE;
	*sa_spi(m, slot) = 0;
}

static int
sa_one(struct cp_mn *m, const struct cfg_sa *sa)
{
	uint32_t *slot = sa_slot(m, sa), k;
	int rc;

	if (*slot != CP_SA_NONE)
		return -EEXIST;
	for (k = 0; k < N_SA && sa_used[k]; k++)
		;
	if (k == N_SA)
		return -ENOSPC;
	if (sa->dir == CFG_SA_IN) {
		struct bc_spi_val v = { .spi = sa->spi, .mn = m->idx, .hoa6 = m->hoa6,
					.role = sa->role == CFG_SA_SIGNALLING ? BC_SPI_SIGNALLING :
						BC_SPI_PAYLOAD };

		rc = bc_spi_add(bc, &v);
		if (rc != 0)
			return rc;
	}
	sa_used[k] = true;
	*slot = k;
	*sa_spi(m, slot) = sa->spi;
	return 0;
}

static void
sa_detach(void *arg, struct cp_mn *m)
{
	(void)arg;
	sa_drop(m, &m->sa_sig_in);
	sa_drop(m, &m->sa_sig_out);
	sa_drop(m, &m->sa_pay_in);
	sa_drop(m, &m->sa_pay_out);
}

static int
sa_attach(void *arg, struct cp_mn *m, const struct cfg_mn *c)
{
	unsigned int i;
	int rc = 0;

	for (i = 0; i < c->n_sas && rc == 0; i++)
		rc = sa_one(m, &c->sas[i]);
	if (rc != 0)
		sa_detach(arg, m);
	return rc;
}

/* ------------------------------------------------------------------ outputs */

static int (*bc_publish_op)(void *, const struct cp_mn *, const struct cp_bind *);
static bool fail_publish;
static int last_ba;                   /* status of the last BA sent, -1: none */

static int
publish(void *arg, const struct cp_mn *m, const struct cp_bind *b)
{
	if (fail_publish) {
		fail_publish = false;
		return -ENOSPC;
	}
	return bc_publish_op(arg, m, b);
}

static int
tx(void *arg, const uint8_t *pkt, uint16_t len, const struct cp_tx_meta *meta)
{
	uint16_t off = meta->payload_off;

	(void)arg;
	/* a BA (MH type 6): its status is the first byte after the MH's fixed part */
	if (off + 6 < len && pkt[off + 2] == 6)
		last_ba = pkt[off + 6];
	return 0;
}

/* ------------------------------------------------------------------ a run */

struct world {
	struct cp *cp;
	struct ha_cfg *cfg;
	struct file file;
	uint64_t now;
	uint16_t seq[N_TMPL + N_RT];
};

static void
check(struct world *w, const char *after)
{
	char why[256];

	if (cp_check_invariants(w->cp, why, sizeof(why)) != 0)
		violation("after %s: %s", after, why);
}

static struct cp_mn *
node_by(struct world *w, uint8_t k)
{
	char id[8];

	if (k % (N_TMPL + N_RT) < N_TMPL)
		return cp_mndb_find_id(cp_mndb(w->cp), base[k % (N_TMPL + N_RT)].id);
	snprintf(id, sizeof(id), "rt%u", (k % (N_TMPL + N_RT)) - N_TMPL);
	return cp_mndb_find_id(cp_mndb(w->cp), id);
}

static struct in6_addr
a6(const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	return a;
}

static uint32_t
a4(const char *s)
{
	uint32_t a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static bool
same_binding(const struct cp_bind *a, const struct cp_bind *b)
{
	return a->state == b->state && a->fmt == b->fmt && a->coa4 == b->coa4 &&
	       a->port == b->port && memcmp(&a->coa6, &b->coa6, 16) == 0 &&
	       a->has_hoa4 == b->has_hoa4 && a->hoa4 == b->hoa4 && a->has_v4pfx == b->has_v4pfx &&
	       a->v4pfx == b->v4pfx && a->expires_ms == b->expires_ms && a->nat == b->nat &&
	       (a->mnp == NULL) == (b->mnp == NULL);
}

static void
op_bu(struct world *w, struct in *in)
{
	static const char *const coa6[] = { "2001:db8:b::5", "2001:db8:c::9", "2001:db8:1::101" };
	static const char *const out4[] = { "203.0.113.5", "203.0.113.6", "198.51.100.77" };
	static const uint16_t sports[] = { 4191, 40000, 40001, 1 };
	uint8_t who = take(in), path = take(in), fl = take(in), life, nv, nm, prot;
	const char *hoa_s = hoa6s[who % (N_TMPL + N_RT)];
	struct cp_mn *m = node_by(w, who), *q;
	struct in6_addr hoa = m != NULL ? m->hoa6 : a6(hoa_s), ha = a6("2001:db8:1::1");
	struct wire_bu_args a = { 0 };
	struct cp_rx_ctx ctx = { .dst6 = ha };
	struct cp_bind before = { 0 };
	bool had = false;
	uint8_t mh[256];
	unsigned int i;
	int len;

	(void)take(in);   /* reserved */
	life = take(in);
	nv = take(in);
	nm = take(in);
	prot = take(in);

	a.seq = (fl & 0x80) ? take16(in) : ++w->seq[who % (N_TMPL + N_RT)];
	a.flags = WIRE_BU_A | ((fl & 0x40) ? 0 : WIRE_BU_H) | ((fl & 1) ? WIRE_BU_R : 0) |
		  ((fl & 2) ? WIRE_BU_F : 0) | ((fl & 4) ? WIRE_BU_T : 0);
	a.lifetime = (life & 0xe0) == 0 ? 0 : life;
	for (i = 0; i < (nv % 3u); i++) {
		uint8_t b = take(in);
		struct wire_v4hoa *o = &a.v4hoa[a.n_v4hoa++];

		o->p = b & 1;
		o->plen = o->p ? (uint8_t)(28 + (b >> 1) % 3) : 32;
		o->addr = (b & 6) == 0 ? 0 : (b & 6) == 2 ? a4(statics[(b >> 3) % 4]) :
			  (b & 6) == 4 ? htonl(ntohl(a4("192.0.2.128")) + ((b >> 3) & 31)) :
			  (m != NULL ? m->hoa4 : 0);
	}
	for (i = 0; i < (nm % 3u); i++) {
		uint8_t b = take(in);

		a.mnp[a.n_mnp].prefix = a6(mnps6[b % 4]);
		a.mnp[a.n_mnp].plen = b & 4 ? 64 : 48;
		if ((b % 4) == 3)
			a.mnp[a.n_mnp].plen = 64;
		a.n_mnp++;
	}
	switch (path % 3) {
	case 0:   /* IPv6 care-of address with a Home Address option (and maybe AltCoA) */
		ctx.src6 = a6(coa6[(path >> 2) % 3]);
		ctx.has_hao = true;
		ctx.hao = hoa;
		if (path & 0x40) {
			a.has_altcoa = true;
			a.altcoa = a6(coa6[(path >> 4) % 3]);
		}
		break;
	case 1:   /* IPv4/UDP 4191, maybe through a NAT */
		ctx.udp4 = true;
		ctx.outer_known = (path & 0x80) == 0;
		ctx.outer_src4 = a4(out4[(path >> 2) % 3]);
		ctx.outer_dst4 = a4("198.51.100.1");
		ctx.outer_sport = sports[(path >> 4) % 4];
		ctx.src6 = hoa;
		if (path & 0x40) {
			a.has_v4coa = true;
			a.v4coa = (path & 0x20) ? a4("100.64.0.9") : ctx.outer_src4;
		}
		break;
	default:  /* IPv6-in-IPv6 from the care-of address */
		ctx.tun6 = true;
		ctx.outer_src6 = a6(coa6[(path >> 2) % 3]);
		ctx.src6 = hoa;
		break;
	}
	/* protected: by the signalling SA of the node q (another node's, sometimes) */
	q = (prot & 1) ? node_by(w, (prot & 2) ? who : (uint8_t)(prot >> 2)) : NULL;
	if (q != NULL && q->spi_sig_in != 0) {
		ctx.protected_ = true;
		ctx.sa_signalling = (prot & 0x80) == 0;
		ctx.spi = q->spi_sig_in;
		ctx.sa_hoa = q->hoa6;
	}
	len = wire_mh_bu_build(mh, sizeof(mh), &a, &hoa, &ha);
	if (len < 0)
		return;
	if (m != NULL) {
		before = *cp_bind_get(w->cp, m->idx);
		had = before.state == CP_BIND_ACTIVE;
	}
	note("BU %s seq %u flags 0x%x life %u path %u/%02x v4 %u mnp %u %s", m != NULL ? m->id :
	     hoa_s, a.seq, a.flags, a.lifetime, path % 3, path, a.n_v4hoa, a.n_mnp,
	     ctx.protected_ ? "protected" : "clear");
	last_ba = -1;
	cp_rx_mh(w->cp, mh, (uint16_t)len, &ctx, w->now);
	m = node_by(w, who);
	if (m == NULL || last_ba < 0)
		return;
	if (!off_unprotected && last_ba < 128 && !ctx.protected_ && m->spi_sig_in != 0)
		violation("unprotected BU accepted for %s, which has signalling SA 0x%x", m->id,
			  m->spi_sig_in);
	if (!off_refused && last_ba >= 128 && had && !same_binding(&before, cp_bind_get(w->cp, m->idx)))
		violation("BU refused with status %d changed the binding of %s", last_ba, m->id);
}

/* The node of c's id is there as c says. */
static bool
node_matches(struct world *w, const struct cfg_mn *c)
{
	struct cp_mn *m = cp_mndb_find_id(cp_mndb(w->cp), c->id);

	return m != NULL && memcmp(&m->hoa6, &c->hoa6, 16) == 0 &&
	       (c->hoa4_mode != CFG_HOA4_STATIC || m->hoa4 == c->hoa4);
}

/* What a reload must leave alone when it is refused: every node and its binding. */
struct snap {
	bool used;
	char id[CFG_NAME_MAX];
	struct in6_addr hoa6;
	struct cp_bind b;
};

static void
snap_take(struct world *w, struct snap *s)
{
	uint32_t i;

	for (i = 0; i < CAP; i++) {
		const struct cp_mn *m = cp_mndb_get(cp_mndb(w->cp), i);

		s[i].used = m != NULL;
		if (m == NULL)
			continue;
		snprintf(s[i].id, sizeof(s[i].id), "%s", m->id);
		s[i].hoa6 = m->hoa6;
		s[i].b = *cp_bind_get(w->cp, i);
	}
}

/* Every node of the snapshot is there again, with the same binding (a DAD wait excepted:
 * the node repeats its BU). */
static void
snap_same(struct world *w, const struct snap *s, const char *why)
{
	uint32_t i, n = 0;

	for (i = 0; i < CAP; i++) {
		const struct cp_mn *m;
		const struct cp_bind *b;

		if (!s[i].used)
			continue;
		n++;
		m = cp_mndb_find_id(cp_mndb(w->cp), s[i].id);
		if (m == NULL || memcmp(&m->hoa6, &s[i].hoa6, 16) != 0)
			violation("%s, yet node %s is gone or changed", why, s[i].id);
		b = cp_bind_get(w->cp, m->idx);
		if (s[i].b.state == CP_BIND_ACTIVE && !same_binding(&s[i].b, b))
			violation("%s, yet the binding of %s changed", why, s[i].id);
	}
	if (n != cp_mndb_count(cp_mndb(w->cp)))
		violation("%s, yet there are %u nodes instead of %u", why,
			  cp_mndb_count(cp_mndb(w->cp)), n);
}

static void
op_reload(struct world *w, struct in *in)
{
	static struct snap before[CAP];
	struct file f = w->file;
	struct cp_reconf_report rep = { 0 };
	struct ha_cfg *nc;
	uint32_t e, k;
	uint8_t how = take(in);
	char err[256] = "";
	int rc;

	f.mask ^= take(in);
	f.variant[take(in) % N_TMPL] = take(in);
	if (how & 1)
		f.pool = take(in);
	if (how & 2)
		f.dad = !f.dad;
	if (how & 4)
		f.heuristic = !f.heuristic;
	nc = file_load(&f);
	note("reload mask 0x%02x pool %u dad %u%s", f.mask, f.pool % 4, f.dad,
	     nc == NULL ? " (file refused by the loader)" : "");
	if (nc == NULL)
		return;
	snap_take(w, before);
	rc = cp_reconfigure(w->cp, w->cfg, nc, w->now, &rep, err, sizeof(err));
	if (rc != 0) {
		note("  refused: %s", err);
		cfg_free(nc);
		if (!off_reload)
			snap_same(w, before, "reload refused");
		return;
	}
	for (e = 0; e < nc->n_mns; e++)
		for (k = 0; k < nc->mns[e].count; k++) {
			struct cfg_mn one;

			cfg_mn_instance(&nc->mns[e], k, &one);
			if (!off_reload && !node_matches(w, &one))
				violation("reload answered OK, yet node %s of the file is not there "
					  "as the file says", one.id);
		}
	cfg_free(w->cfg);
	w->cfg = nc;
	w->file = f;
	note("  applied +%lu -%lu ~%lu", (unsigned long)rep.added, (unsigned long)rep.removed,
	     (unsigned long)rep.changed);
}

static void
op_mn_add(struct world *w, struct in *in)
{
	uint8_t r = take(in) % N_RT, b = take(in), c = take(in), from = take(in);
	struct tmpl t = { .hoa6 = (b & 0x80) ? b % N_TMPL : N_TMPL + r,
			  .hoa4 = (uint8_t)((b >> 3) % 6),
			  .spi_in = (c & 1) ? 0x1001 + (c >> 1) % 8 : 0,
			  .mr = (c & 0x10) != 0, .mnp6 = (c & 0x10) ? (c >> 5) : 0 };
	struct cfg_status *st = calloc(1, sizeof(*st));
	struct cp_mn *q = node_by(w, from);
	char text[2048];
	struct cfg_mn mn;
	unsigned int i;
	int rc = -1;

	if (st == NULL)
		return;
	/* values taken from a node that is there: collisions are what the checks are for */
	for (i = 0; q != NULL && (from & 0x80) && i < 4; i++)
		if (q->hoa4_mode == CFG_HOA4_STATIC && q->hoa4 == a4(statics[i]))
			t.hoa4 = (uint8_t)(2 + i);
	if (q != NULL && (from & 0x40) && q->spi_sig_in != 0)
		t.spi_in = q->spi_sig_in;
	snprintf(t.id, sizeof(t.id), "rt%u", r);
	node_text(text, sizeof(text), &t);
	if (cfg_parse_mn_text(cp_cfg(w->cp), text, &mn, st) == 0)
		rc = cp_mn_add_rt(w->cp, &mn, NULL);
	free(st);
	note("mn-add %s hoa6 %s hoa4 %u spi 0x%x: %d", t.id, hoa6s[t.hoa6], t.hoa4, t.spi_in, rc);
}

static void
op_sa(struct world *w, struct in *in)
{
	uint8_t k = take(in), s = take(in);
	struct cp_mn *m = node_by(w, k);
	struct cfg_sa sa = { .spi = 0x1001 + (s >> 2) % 8, .dir = (s & 1) ? CFG_SA_OUT : CFG_SA_IN,
			     .role = (s & 2) ? CFG_SA_PAYLOAD : CFG_SA_SIGNALLING };
	uint32_t i;
	int rc = -1;

	if (s & 0x80) {
		/* sa-del: the node holding that SPI */
		for (i = 0; i < CAP; i++) {
			struct cp_mn *o = cp_mndb_get(cp_mndb(w->cp), i);
			uint32_t *slots[4];
			unsigned int j;

			if (o == NULL)
				continue;
			slots[0] = &o->sa_sig_in;
			slots[1] = &o->sa_sig_out;
			slots[2] = &o->sa_pay_in;
			slots[3] = &o->sa_pay_out;
			for (j = 0; j < 4; j++)
				if (*slots[j] != CP_SA_NONE && *sa_spi(o, slots[j]) == sa.spi) {
					struct cfg_sa gone = { .spi = sa.spi, .dir = j % 2 ? CFG_SA_OUT :
							       CFG_SA_IN, .role = j < 2 ?
							       CFG_SA_SIGNALLING : CFG_SA_PAYLOAD };

					cp_mn_rt_sa(w->cp, o->idx, &gone, false);
					sa_drop(o, slots[j]);
					cp_mn_republish(w->cp, o->idx);
					rc = 0;
				}
		}
		note("sa-del 0x%x: %d", sa.spi, rc);
		return;
	}
	if (m == NULL)
		return;
	rc = sa_one(m, &sa);
	if (rc == 0) {
		cp_mn_rt_sa(w->cp, m->idx, &sa, true);
		cp_mn_republish(w->cp, m->idx);
	}
	note("sa-add %s 0x%x dir %u role %u: %d", m->id, sa.spi, sa.dir, sa.role, rc);
}

static void
step(struct world *w, struct in *in)
{
	uint8_t op = take(in), k;
	struct cp_mn *m;

	switch (op % 12) {
	case 0:
	case 1:
	case 2:
		op_bu(w, in);
		break;
	case 3:
		k = take(in);
		w->now += (k & 0x80) ? (uint64_t)(k & 0x7f) * 60000 : (uint64_t)k * 100;
		note("tick to %lu ms", (unsigned long)w->now);
		cp_tick(w->cp, w->now);
		break;
	case 4:
		m = node_by(w, take(in));
		if (m == NULL)
			break;
		note("nat-seen %s", m->id);
		cp_nat_seen(w->cp, m->idx, w->now);
		break;
	case 5:
		m = node_by(w, take(in));
		k = take(in);
		if (m == NULL)
			break;
		note("esp-natt %s port %u", m->id, 4500 + (k & 3));
		cp_esp_natt(w->cp, m->idx, (k & 4) ? a4("203.0.113.5") : a4("203.0.113.6"),
			    (uint16_t)(4500 + (k & 3)), w->now);
		break;
	case 6:
		m = node_by(w, take(in));
		if (m == NULL)
			break;
		note("dad-conflict %s", m->id);
		cp_dad_conflict(w->cp, &m->hoa6, w->now);
		break;
	case 7:
		op_mn_add(w, in);
		break;
	case 8:
		m = node_by(w, take(in));
		if (m == NULL)
			break;
		note("mn-del %s", m->id);
		cp_mn_del(w->cp, m->idx, w->now);
		break;
	case 9:
		m = node_by(w, take(in));
		if (m == NULL)
			break;
		note("flush %s: %d", m->id, cp_binding_flush(w->cp, m->idx, w->now));
		break;
	case 10:
		op_reload(w, in);
		break;
	case 11:
		op_sa(w, in);
		break;
	}
	if ((op & 0xf0) == 0xf0) {
		fail_publish = true;   /* the binding cache refuses the next publication */
		note("  (next publication fails)");
	}
	check(w, oplog[(n_ops - 1) % LOG_MAX]);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char prefix[32];
	const char *off;
	char *eal[] = { "fuzz_cp", "--no-huge", "-m", "256", "--no-pci", "--no-shconf",
			"--no-telemetry", "--log-level", "lib.*:error", "--file-prefix", prefix,
			"-l", "0", NULL };

	(void)argc;
	(void)argv;
	snprintf(prefix, sizeof(prefix), "fuzz_cp_%d", (int)getpid());
	if (rte_eal_init(13, eal) < 0)
		abort();
	rte_log_set_level_pattern("user.ha.*", RTE_LOG_ERR);   /* no audit lines per step */
	off = getenv("FUZZ_CP_OFF");
	off_unprotected = off != NULL && strstr(off, "unprotected") != NULL;
	off_refused = off != NULL && strstr(off, "refused") != NULL;
	off_reload = off != NULL && strstr(off, "reload") != NULL;
	bc = bc_create(&(struct bc_params){ .name = "fz", .capacity = CAP, .prefixes = 64,
					    .spis = N_SA, .max_readers = 1,
					    .socket = (int)rte_socket_id() });
	if (bc == NULL)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	struct world w = { .now = 1000 };
	struct cp_bcw bcw;
	struct cp_ops ops = { .tx = tx, .sa_attach = sa_attach, .sa_detach = sa_detach };
	struct bc_stats st;
	uint32_t keys6, keys4;
	unsigned int i, steps;

	n_ops = 0;
	fail_publish = false;
	w.file.mask = take(&in);
	for (i = 0; i < N_TMPL; i++)
		w.file.variant[i] = take(&in) & 0x0f ? 0 : take(&in);
	w.file.pool = take(&in);
	w.file.dad = (take(&in) & 3) == 0;
	w.cfg = file_load(&w.file);
	if (w.cfg == NULL)
		return 0;
	cp_bcw_init(&bcw, bc, w.cfg, &ops);
	bc_publish_op = ops.publish;
	ops.publish = publish;
	w.cp = cp_create(w.cfg, &ops);
	if (w.cp == NULL) {
		cfg_free(w.cfg);
		return 0;
	}
	cp_tick(w.cp, w.now);
	note("start mask 0x%02x pool %u dad %u", w.file.mask, w.file.pool % 4, w.file.dad);
	check(&w, "start");
	for (steps = 0; steps < 200 && in.n > 0; steps++)
		step(&w, &in);
	/* every node removed: nothing may remain in the tables */
	for (i = 0; i < CAP; i++)
		if (cp_mndb_get(cp_mndb(w.cp), i) != NULL)
			cp_mn_del(w.cp, i, w.now);
	check(&w, "removing every node");
	bc_stats_get(bc, &st);
	bc_keys_count(bc, &keys6, &keys4);
	if (st.bindings != 0 || st.prefixes != 0 || st.spis != 0 || keys4 != 0 || keys6 != 0)
		violation("tables not empty after every node was removed: %u entries, %u prefixes, "
			  "%u SPIs, %u IPv4 keys", st.bindings, st.prefixes, st.spis, keys4);
	cp_free(w.cp);
	cfg_free(w.cfg);
	bc_reclaim(bc);
	return 0;
}
