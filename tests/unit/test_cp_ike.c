/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cp_ike: the mirror's decisions on the event sequences charon produces (RFC 4877 profile):
 * SAs first, then their policies; a rekey (new SAs, then the old ones deleted); MOBIKE
 * (an SA updated with new addresses); expiries; flushes. The backend here is a table of
 * what is installed per node and role, so that "exactly one current outbound SA, the old
 * inbound one still decrypting" can be asserted after every step.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>
#include <linux/xfrm.h>

#include "cp_ike.h"

#define HA6 "2001:db8:1::1"
#define HOA1 "2001:db8:1::100"
#define HOA2 "2001:db8:1::200"
#define COA1 "2001:db8:b::5"

/* what the backend holds: per handle, the SA and whether it is its node's current one */
struct held {
	bool used;
	bool current;
	uint32_t mn;
	struct cfg_sa sa;
};

static struct held held[64];
static unsigned int installs, removes;
static int fail_install;

static uint32_t
node_of(void *arg, const struct in6_addr *a)
{
	struct in6_addr h1, h2;

	(void)arg;
	inet_pton(AF_INET6, HOA1, &h1);
	inet_pton(AF_INET6, HOA2, &h2);
	if (memcmp(a, &h1, 16) == 0)
		return 1;
	if (memcmp(a, &h2, 16) == 0)
		return 2;
	return CP_IKE_NONE;
}

static bool
is_ha(void *arg, const struct in6_addr *a)
{
	struct in6_addr ha;

	(void)arg;
	inet_pton(AF_INET6, HA6, &ha);
	return memcmp(a, &ha, 16) == 0;
}

static int
install(void *arg, uint32_t mn, const struct cfg_sa *sa, uint32_t *handle, uint32_t *prev)
{
	uint32_t i, slot = CP_IKE_NONE;

	(void)arg;
	if (fail_install)
		return -ENOSPC;
	*prev = CP_IKE_NONE;
	for (i = 0; i < 64; i++) {
		if (held[i].used && held[i].current && held[i].mn == mn &&
		    held[i].sa.dir == sa->dir && held[i].sa.role == sa->role) {
			held[i].current = false;
			*prev = i;
		}
		if (!held[i].used && slot == CP_IKE_NONE)
			slot = i;
	}
	cr_assert_neq(slot, CP_IKE_NONE);
	held[slot] = (struct held){ .used = true, .current = true, .mn = mn, .sa = *sa };
	*handle = slot;
	installs++;
	return 0;
}

static void
remove_sa(void *arg, uint32_t mn, uint32_t handle, const struct cfg_sa *sa)
{
	(void)arg;
	cr_assert(held[handle].used);
	cr_assert_eq(held[handle].mn, mn);
	cr_assert_eq(held[handle].sa.spi, sa->spi);
	held[handle].used = false;
	removes++;
}

static struct cp_ike *k;

static void
setup(void)
{
	struct cp_ike_ops ops = { .node_of = node_of, .is_ha = is_ha, .install = install,
				  .remove = remove_sa };

	memset(held, 0, sizeof(held));
	installs = removes = 0;
	fail_install = 0;
	k = cp_ike_create(&ops, 64);
	cr_assert_not_null(k);
}

static void
teardown(void)
{
	cp_ike_free(k);
}

TestSuite(cp_ike, .init = setup, .fini = teardown);

static void
addr(struct cp_xfrm_addr *a, const char *s)
{
	a->family = AF_INET6;
	cr_assert_eq(inet_pton(AF_INET6, s, &a->a), 1);
}

/* An SA event: src -> dst, transport or tunnel, with a GCM key. */
static struct cp_xfrm_event
sa_ev(enum cp_xfrm_kind kind, uint32_t spi, const char *src, const char *dst, bool tunnel,
      uint32_t reqid)
{
	struct cp_xfrm_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.sa.sa.spi = spi;
	ev.sa.sa.alg = CFG_ALG_AES128_GCM;
	ev.sa.sa.key_len = 20;
	memset(ev.sa.sa.key, 0x42, 20);
	addr(&ev.sa.src, src);
	addr(&ev.sa.dst, dst);
	ev.sa.tunnel = tunnel;
	ev.sa.reqid = reqid;
	return ev;
}

static struct cp_xfrm_event
pol_ev(enum cp_xfrm_kind kind, uint8_t dir, const char *home, uint32_t reqid)
{
	struct cp_xfrm_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.pol.dir = dir;
	ev.pol.reqid = reqid;
	ev.pol.tunnel = true;
	if (dir == XFRM_POLICY_IN) {
		addr(&ev.pol.sel.src, home);
		ev.pol.sel.src_len = 128;
	} else {
		addr(&ev.pol.sel.dst, home);
		ev.pol.sel.dst_len = 128;
	}
	return ev;
}

static void
feed(struct cp_xfrm_event ev)
{
	cp_ike_event(k, &ev);
}

/* the one current SA of node mn for role/dir, or -1 */
static int64_t
current(uint32_t mn, enum cfg_sa_role role, enum cfg_sa_dir dir)
{
	int64_t found = -1;
	unsigned int i;

	for (i = 0; i < 64; i++)
		if (held[i].used && held[i].current && held[i].mn == mn &&
		    held[i].sa.role == role && held[i].sa.dir == dir) {
			cr_assert_eq(found, -1, "two current SAs of one role and direction");
			found = held[i].sa.spi;
		}
	return found;
}

static bool
installed(uint32_t spi)
{
	unsigned int i;

	for (i = 0; i < 64; i++)
		if (held[i].used && held[i].sa.spi == spi)
			return true;
	return false;
}

Test(cp_ike, signalling_sas_are_the_transport_sas_between_home_address_and_home_agent)
{
	feed(sa_ev(CP_XFRM_SA_NEW, 0xc0000001, HOA1, HA6, false, 1));
	feed(sa_ev(CP_XFRM_SA_NEW, 0xc0000002, HA6, HOA1, false, 1));
	cr_assert_eq(current(1, CFG_SA_SIGNALLING, CFG_SA_IN), 0xc0000001);
	cr_assert_eq(current(1, CFG_SA_SIGNALLING, CFG_SA_OUT), 0xc0000002);
	cr_assert_eq(cp_ike_sa_state(k, 0xc0000001), 1);
	cr_assert_eq(held[0].sa.key[19], 0x42);   /* the keys reach the data plane */
	/* a node the home agent does not serve: nothing installed */
	feed(sa_ev(CP_XFRM_SA_NEW, 0xc0000003, "2001:db8:1::999", HA6, false, 2));
	cr_assert(!installed(0xc0000003));
}

Test(cp_ike, payload_sas_wait_for_the_policy_that_names_their_node)
{
	struct cp_ike_stats st;

	/* charon: SAs first (outer addresses: care-of and home agent), then the policies */
	feed(sa_ev(CP_XFRM_SA_NEW, 0xd0000001, COA1, HA6, true, 5));
	feed(sa_ev(CP_XFRM_SA_NEW, 0xd0000002, HA6, COA1, true, 5));
	cr_assert_eq(installs, 0);
	cr_assert_eq(cp_ike_sa_state(k, 0xd0000001), 3);
	cp_ike_stats_get(k, &st);
	cr_assert_eq(st.pending, 2);
	feed(pol_ev(CP_XFRM_POL_NEW, XFRM_POLICY_OUT, HOA1, 5));
	cr_assert_eq(current(1, CFG_SA_PAYLOAD, CFG_SA_IN), 0xd0000001);
	cr_assert_eq(current(1, CFG_SA_PAYLOAD, CFG_SA_OUT), 0xd0000002);
	cp_ike_stats_get(k, &st);
	cr_assert_eq(st.pending, 0);
	/* the IN policy of the same reqid adds nothing */
	feed(pol_ev(CP_XFRM_POL_NEW, XFRM_POLICY_IN, HOA1, 5));
	cr_assert_eq(installs, 2);
	/* a later SA of that reqid needs no wait */
	feed(sa_ev(CP_XFRM_SA_NEW, 0xd0000003, COA1, HA6, true, 5));
	cr_assert_eq(current(1, CFG_SA_PAYLOAD, CFG_SA_IN), 0xd0000003);
}

Test(cp_ike, a_rekey_is_make_before_break)
{
	feed(pol_ev(CP_XFRM_POL_NEW, XFRM_POLICY_OUT, HOA1, 5));
	feed(sa_ev(CP_XFRM_SA_NEW, 0xd0000001, COA1, HA6, true, 5));
	feed(sa_ev(CP_XFRM_SA_NEW, 0xd0000002, HA6, COA1, true, 5));
	/* the rekey: new inbound first (it works at once), the old inbound still decrypts */
	feed(sa_ev(CP_XFRM_SA_NEW, 0xd0000011, COA1, HA6, true, 5));
	cr_assert_eq(current(1, CFG_SA_PAYLOAD, CFG_SA_IN), 0xd0000011);
	cr_assert(installed(0xd0000001));
	cr_assert_eq(cp_ike_sa_state(k, 0xd0000001), 2);
	/* new outbound: traffic moves to it, the old one goes at once */
	feed(sa_ev(CP_XFRM_SA_NEW, 0xd0000012, HA6, COA1, true, 5));
	cr_assert_eq(current(1, CFG_SA_PAYLOAD, CFG_SA_OUT), 0xd0000012);
	cr_assert(!installed(0xd0000002));
	/* charon deletes the old ones: the old inbound goes now; the outbound is already gone */
	feed(sa_ev(CP_XFRM_SA_DEL, 0xd0000001, COA1, HA6, true, 5));
	feed(sa_ev(CP_XFRM_SA_DEL, 0xd0000002, HA6, COA1, true, 5));
	cr_assert(!installed(0xd0000001));
	cr_assert_eq(current(1, CFG_SA_PAYLOAD, CFG_SA_IN), 0xd0000011);
	cr_assert_eq(current(1, CFG_SA_PAYLOAD, CFG_SA_OUT), 0xd0000012);
	cr_assert_eq(removes, 2);
}

Test(cp_ike, mobike_changes_nothing_in_the_data_plane)
{
	feed(pol_ev(CP_XFRM_POL_NEW, XFRM_POLICY_OUT, HOA1, 5));
	feed(sa_ev(CP_XFRM_SA_NEW, 0xd0000001, COA1, HA6, true, 5));
	/* the node moved: charon updates the SA's outer addresses (same SPI, same keys) */
	feed(sa_ev(CP_XFRM_SA_UPDATE, 0xd0000001, "2001:db8:c::9", HA6, true, 5));
	cr_assert_eq(installs, 1);
	cr_assert_eq(removes, 0);
	cr_assert_eq(current(1, CFG_SA_PAYLOAD, CFG_SA_IN), 0xd0000001);
}

/* charon moves an outbound SA to the node's new address by delete + add (same SPI, same
 * key): the node is never without its outbound SA, so never sent to in clear */
Test(cp_ike, an_outbound_sa_moved_by_delete_and_add_is_never_missing)
{
	struct cp_ike_stats st;

	feed(pol_ev(CP_XFRM_POL_NEW, XFRM_POLICY_OUT, HOA1, 5));
	feed(sa_ev(CP_XFRM_SA_NEW, 0xd0000002, HA6, COA1, true, 5));
	feed(sa_ev(CP_XFRM_SA_DEL, 0xd0000002, HA6, COA1, true, 5));
	cr_assert_eq(current(1, CFG_SA_PAYLOAD, CFG_SA_OUT), 0xd0000002, "kept");
	feed(sa_ev(CP_XFRM_SA_NEW, 0xd0000002, HA6, "2001:db8:c::9", true, 5));
	cr_assert_eq(current(1, CFG_SA_PAYLOAD, CFG_SA_OUT), 0xd0000002);
	cr_assert_eq(installs, 2);
	cr_assert_eq(removes, 1);   /* the old installation, once the new one carries */
	cp_ike_stats_get(k, &st);
	cr_assert_eq(st.kept, 1);
}

/* ... but a deletion that no add follows (the IKE SA terminated, DPD gave up) is a real
 * one: the kept SA goes after CP_IKE_KEEP_MS, not never */
Test(cp_ike, a_deleted_outbound_sa_without_its_add_goes_after_the_grace)
{
	struct cp_ike_stats st;

	cp_ike_tick(k, 1000);
	feed(pol_ev(CP_XFRM_POL_NEW, XFRM_POLICY_OUT, HOA1, 5));
	feed(sa_ev(CP_XFRM_SA_NEW, 0xd0000002, HA6, COA1, true, 5));
	feed(sa_ev(CP_XFRM_SA_DEL, 0xd0000002, HA6, COA1, true, 5));
	cp_ike_tick(k, 1000 + CP_IKE_KEEP_MS - 1);
	cr_assert_eq(current(1, CFG_SA_PAYLOAD, CFG_SA_OUT), 0xd0000002, "kept for the grace");
	cr_assert_eq(cp_ike_sa_state(k, 0xd0000002), 1);
	cp_ike_tick(k, 1000 + CP_IKE_KEEP_MS);
	cr_assert_eq(cp_ike_sa_state(k, 0xd0000002), 0, "gone after it");
	cr_assert_eq(current(1, CFG_SA_PAYLOAD, CFG_SA_OUT), -1);
	cr_assert_eq(removes, 1);
	cp_ike_stats_get(k, &st);
	cr_assert_eq(st.kept, 1);
	cr_assert_eq(st.kept_expired, 1);
	/* delete + add with the same destination (a NAT mapping changed: only the port): the
	 * add ends the waiting, the SA stays past the grace */
	feed(sa_ev(CP_XFRM_SA_NEW, 0xd0000003, HA6, COA1, true, 5));
	feed(sa_ev(CP_XFRM_SA_DEL, 0xd0000003, HA6, COA1, true, 5));
	feed(sa_ev(CP_XFRM_SA_NEW, 0xd0000003, HA6, COA1, true, 5));
	cp_ike_tick(k, 10000);
	cr_assert_eq(current(1, CFG_SA_PAYLOAD, CFG_SA_OUT), 0xd0000003, "re-added: stays");
	cp_ike_stats_get(k, &st);
	cr_assert_eq(st.kept_expired, 1);
}

/* an outbound SPI is the node's choice: two nodes may pick the same */
Test(cp_ike, two_nodes_may_have_the_same_outbound_spi)
{
	feed(sa_ev(CP_XFRM_SA_NEW, 0xc0000002, HA6, HOA1, false, 1));
	feed(sa_ev(CP_XFRM_SA_NEW, 0xc0000002, HA6, HOA2, false, 2));
	cr_assert_eq(current(1, CFG_SA_SIGNALLING, CFG_SA_OUT), 0xc0000002);
	cr_assert_eq(current(2, CFG_SA_SIGNALLING, CFG_SA_OUT), 0xc0000002);
	cr_assert_eq(installs, 2);
}

Test(cp_ike, expiries_and_flushes)
{
	struct cp_ike_stats st;
	struct cp_xfrm_event ev;

	feed(sa_ev(CP_XFRM_SA_NEW, 0xc0000001, HOA1, HA6, false, 1));
	feed(sa_ev(CP_XFRM_SA_NEW, 0xc0000002, HA6, HOA1, false, 1));
	ev = sa_ev(CP_XFRM_SA_EXPIRE, 0xc0000001, HOA1, HA6, false, 1);
	cp_ike_event(k, &ev);   /* soft: charon rekeys; the SA stays */
	cr_assert(installed(0xc0000001));
	ev.sa.hard = true;
	cp_ike_event(k, &ev);   /* hard: the kernel has removed it */
	cr_assert(!installed(0xc0000001));
	cp_ike_stats_get(k, &st);
	cr_assert_eq(st.soft_expiries, 1);
	cr_assert_eq(st.hard_expiries, 1);
	/* a policy flush leaves the SAs; an SA flush takes every one */
	memset(&ev, 0, sizeof(ev));
	ev.kind = CP_XFRM_FLUSH_POL;
	cp_ike_event(k, &ev);
	cr_assert(installed(0xc0000002));
	ev.kind = CP_XFRM_FLUSH_SA;
	cp_ike_event(k, &ev);
	cr_assert(!installed(0xc0000002));
}

Test(cp_ike, a_refused_install_is_counted_and_leaves_the_current_sa)
{
	struct cp_ike_stats st;

	feed(sa_ev(CP_XFRM_SA_NEW, 0xc0000001, HOA1, HA6, false, 1));
	fail_install = 1;
	feed(sa_ev(CP_XFRM_SA_NEW, 0xc0000011, HOA1, HA6, false, 1));
	cr_assert_eq(current(1, CFG_SA_SIGNALLING, CFG_SA_IN), 0xc0000001);
	cp_ike_stats_get(k, &st);
	cr_assert_eq(st.refused, 1);
	cr_assert_eq(cp_ike_sa_state(k, 0xc0000011), 0);
}

Test(cp_ike, a_node_that_went_gets_its_sas_again_when_read_again)
{
	feed(sa_ev(CP_XFRM_SA_NEW, 0xc0000001, HOA1, HA6, false, 1));
	/* the node is replaced (reload): its SAs went with it, the caller's doing */
	held[0].used = false;
	cp_ike_node_gone(k, 1);
	cr_assert_eq(cp_ike_sa_state(k, 0xc0000001), 0);
	/* charon's SAs read again (a dump): installed for the node as it is now */
	feed(sa_ev(CP_XFRM_SA_NEW, 0xc0000001, HOA1, HA6, false, 1));
	cr_assert_eq(current(1, CFG_SA_SIGNALLING, CFG_SA_IN), 0xc0000001);
	cr_assert_eq(installs, 2);
	cr_assert_eq(removes, 0);
}

Test(cp_ike, sas_whose_policy_never_comes_are_bounded)
{
	struct cp_ike_stats st;
	uint32_t i;

	for (i = 0; i < CP_IKE_PENDING_MAX + 10; i++)
		feed(sa_ev(CP_XFRM_SA_NEW, 0xe0000000 + i, COA1, HA6, true, 1000 + i));
	cp_ike_stats_get(k, &st);
	cr_assert_eq(st.pending, CP_IKE_PENDING_MAX);
	cr_assert_eq(st.pending_dropped, 10);
	cr_assert_eq(cp_ike_sa_state(k, 0xe0000000), 0);          /* the oldest went */
	cr_assert_eq(cp_ike_sa_state(k, 0xe0000000 + CP_IKE_PENDING_MAX + 9), 3);
	/* deleted while waiting: gone from the list */
	feed(sa_ev(CP_XFRM_SA_DEL, 0xe0000000 + CP_IKE_PENDING_MAX + 9, COA1, HA6, true, 0));
	cr_assert_eq(cp_ike_sa_state(k, 0xe0000000 + CP_IKE_PENDING_MAX + 9), 0);
}

/* the SPI table at scale: 3,000 SAs of one node's home address pair... installed as inbound
 * SAs of node 1 (each replacing the last), then half deleted in a scattered order: every
 * remaining one is still found, every deleted one gone (open addressing, backward-shift
 * deletion) */
static uint32_t big_handles;

static int
big_install(void *arg, uint32_t mn, const struct cfg_sa *sa, uint32_t *handle, uint32_t *prev)
{
	(void)arg; (void)mn; (void)sa;
	*handle = big_handles++;
	*prev = CP_IKE_NONE;
	return 0;
}

static void
big_remove(void *arg, uint32_t mn, uint32_t handle, const struct cfg_sa *sa)
{
	(void)arg; (void)mn; (void)handle; (void)sa;
}

Test(cp_ike_table, thousands_of_sas_found_after_scattered_deletes)
{
	struct cp_ike_ops ops = { .node_of = node_of, .is_ha = is_ha, .install = big_install,
				  .remove = big_remove };
	struct cp_ike *t = cp_ike_create(&ops, 4096);
	uint32_t i, n = 3000;

	cr_assert_not_null(t);
	for (i = 0; i < n; i++) {
		struct cp_xfrm_event ev = sa_ev(CP_XFRM_SA_NEW, 0x1000 + i * 7919, HOA1, HA6,
						false, 1);

		cp_ike_event(t, &ev);
	}
	for (i = 0; i < n; i += 2) {
		uint32_t j = (i * 37) % n;   /* scattered, each even-indexed one once */
		struct cp_xfrm_event ev;

		j -= j % 2;
		ev = sa_ev(CP_XFRM_SA_DEL, 0x1000 + j * 7919, HOA1, HA6, false, 1);
		cp_ike_event(t, &ev);
	}
	for (i = 0; i < n; i++) {
		int st = cp_ike_sa_state(t, 0x1000 + i * 7919);

		if (i % 2 == 0)
			cr_assert_eq(st, 0, "SA %u deleted yet found", i);
		else
			cr_assert_neq(st, 0, "SA %u lost", i);
	}
	/* and the rest found through the table itself: deleted, each */
	for (i = 1; i < n; i += 2) {
		struct cp_xfrm_event ev = sa_ev(CP_XFRM_SA_DEL, 0x1000 + i * 7919, HOA1, HA6,
						false, 1);

		cp_ike_event(t, &ev);
		cr_assert_eq(cp_ike_sa_state(t, 0x1000 + i * 7919), 0, "SA %u not found", i);
	}
	cp_ike_free(t);
}
