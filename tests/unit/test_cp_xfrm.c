/* SPDX-License-Identifier: BSD-3-Clause */
/* cp_xfrm: XFRM netlink messages, built as the kernel builds its notifications (libmnl),
 * read into SAs and policies; what the data plane cannot run is refused with the reason. */
#include <arpa/inet.h>
#include <string.h>

#include <criterion/criterion.h>
#include <libmnl/libmnl.h>
#include <linux/xfrm.h>

#include "cp_xfrm.h"

#define HOA "2001:db8:1::100"
#define HA6 "2001:db8:1::1"

static char buf[4096];
static char why[256];

static void
addr6(xfrm_address_t *a, const char *s)
{
	cr_assert_eq(inet_pton(AF_INET6, s, a->a6), 1);
}

static struct nlmsghdr *
msg(uint16_t type, size_t fixed, void **payload)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	*payload = mnl_nlmsg_put_extra_header(nlh, fixed);
	return nlh;
}

/* An SA as charon installs it for RFC 4877: HoA <-> HA, transport mode, the MH selector. */
static struct nlmsghdr *
sa_msg(uint16_t type, uint32_t spi, uint8_t mode, uint8_t proto)
{
	struct xfrm_usersa_info *i;
	struct nlmsghdr *nlh = msg(type, sizeof(*i), (void **)&i);

	i->family = AF_INET6;
	i->id.proto = proto;
	i->id.spi = htonl(spi);
	addr6(&i->id.daddr, HA6);
	addr6(&i->saddr, HOA);
	i->sel.family = AF_INET6;
	addr6(&i->sel.saddr, HOA);
	addr6(&i->sel.daddr, HA6);
	i->sel.prefixlen_s = i->sel.prefixlen_d = 128;
	i->sel.proto = 135;
	i->reqid = 7;
	i->mode = mode;
	i->replay_window = 32;
	i->lft.soft_add_expires_seconds = 3000;
	i->lft.hard_add_expires_seconds = 3600;
	i->lft.soft_byte_limit = i->lft.hard_byte_limit = XFRM_INF;
	i->lft.soft_packet_limit = i->lft.hard_packet_limit = XFRM_INF;
	return nlh;
}

static void
put_aead(struct nlmsghdr *nlh, const char *name, unsigned int key_bits, unsigned int icv)
{
	char b[sizeof(struct xfrm_algo_aead) + 64];
	struct xfrm_algo_aead *a = (struct xfrm_algo_aead *)b;
	unsigned int k;

	memset(b, 0, sizeof(b));
	snprintf(a->alg_name, sizeof(a->alg_name), "%s", name);
	a->alg_key_len = key_bits;
	a->alg_icv_len = icv;
	for (k = 0; k < key_bits / 8; k++)
		a->alg_key[k] = (char)(0x10 + k);
	mnl_attr_put(nlh, XFRMA_ALG_AEAD, sizeof(*a) + key_bits / 8, a);
}

Test(cp_xfrm, gcm_transport_sa_for_the_mobility_header)
{
	struct nlmsghdr *nlh = sa_msg(XFRM_MSG_NEWSA, 0xc1000001, XFRM_MODE_TRANSPORT, 50);
	struct cp_xfrm_event ev;
	struct in6_addr hoa;

	put_aead(nlh, "rfc4106(gcm(aes))", 160, 128);
	cr_assert_eq(cp_xfrm_parse(buf, nlh->nlmsg_len, &ev, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(ev.kind, CP_XFRM_SA_NEW);
	cr_assert_eq(ev.sa.sa.spi, 0xc1000001);
	cr_assert_eq(ev.sa.sa.alg, CFG_ALG_AES128_GCM);
	cr_assert_eq(ev.sa.sa.key_len, 20);           /* key then the 4-byte salt */
	cr_assert_eq(ev.sa.sa.key[0], 0x10);
	cr_assert_eq(ev.sa.sa.key[19], 0x10 + 19);
	cr_assert_eq(ev.sa.sa.replay_window, 32);
	cr_assert(!ev.sa.tunnel);
	cr_assert_eq(ev.sa.reqid, 7);
	cr_assert_eq(ev.sa.sel.proto, 135);
	cr_assert_eq(ev.sa.add_hard_s, 3600);
	cr_assert_eq(ev.sa.byte_hard, XFRM_INF);
	inet_pton(AF_INET6, HOA, &hoa);
	cr_assert(memcmp(&ev.sa.src.a, &hoa, 16) == 0);
	cr_assert_eq(ev.sa.src.family, AF_INET6);
	/* AES-256-GCM: 288 bits of key and salt */
	nlh = sa_msg(XFRM_MSG_UPDSA, 0xc1000002, XFRM_MODE_TRANSPORT, 50);
	put_aead(nlh, "rfc4106(gcm(aes))", 288, 128);
	cr_assert_eq(cp_xfrm_parse(buf, nlh->nlmsg_len, &ev, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(ev.kind, CP_XFRM_SA_UPDATE);
	cr_assert_eq(ev.sa.sa.alg, CFG_ALG_AES256_GCM);
	cr_assert_eq(ev.sa.sa.key_len, 36);
}

Test(cp_xfrm, cbc_hmac_tunnel_sa_with_nat_traversal_and_esn)
{
	struct nlmsghdr *nlh = sa_msg(XFRM_MSG_NEWSA, 0xc2000001, XFRM_MODE_TUNNEL, 50);
	struct xfrm_usersa_info *i = mnl_nlmsg_get_payload(nlh);
	char cb[sizeof(struct xfrm_algo) + 16], ab[sizeof(struct xfrm_algo_auth) + 32];
	char eb[sizeof(struct xfrm_replay_state_esn) + 8 * 4];
	struct xfrm_algo *c = (struct xfrm_algo *)cb;
	struct xfrm_algo_auth *a = (struct xfrm_algo_auth *)ab;
	struct xfrm_replay_state_esn *e = (struct xfrm_replay_state_esn *)eb;
	struct xfrm_encap_tmpl enc = { .encap_type = 2 /* UDP_ENCAP_ESPINUDP */,
				       .encap_sport = htons(4500), .encap_dport = htons(40001) };
	struct cp_xfrm_event ev;

	i->flags |= XFRM_STATE_ESN;
	memset(cb, 0, sizeof(cb));
	memset(ab, 0, sizeof(ab));
	memset(eb, 0, sizeof(eb));
	strcpy(c->alg_name, "cbc(aes)");
	c->alg_key_len = 128;
	memset(c->alg_key, 0xaa, 16);
	strcpy(a->alg_name, "hmac(sha256)");
	a->alg_key_len = 256;
	a->alg_trunc_len = 128;
	memset(a->alg_key, 0xbb, 32);
	e->bmp_len = 8;
	e->replay_window = 256;
	mnl_attr_put(nlh, XFRMA_ALG_CRYPT, sizeof(cb), cb);
	mnl_attr_put(nlh, XFRMA_ALG_AUTH_TRUNC, sizeof(ab), ab);
	mnl_attr_put(nlh, XFRMA_ENCAP, sizeof(enc), &enc);
	mnl_attr_put(nlh, XFRMA_REPLAY_ESN_VAL, sizeof(eb), eb);
	cr_assert_eq(cp_xfrm_parse(buf, nlh->nlmsg_len, &ev, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(ev.sa.sa.alg, CFG_ALG_AES128_CBC_SHA256);
	cr_assert_eq(ev.sa.sa.key_len, 16);
	cr_assert_eq(ev.sa.sa.auth_key_len, 32);
	cr_assert_eq(ev.sa.sa.auth_key[31], 0xbb);
	cr_assert(ev.sa.tunnel);
	cr_assert(ev.sa.sa.esn);
	cr_assert_eq(ev.sa.sa.replay_window, 256);    /* the ESN attribute's, not the u8 */
	cr_assert(ev.sa.encap);
	cr_assert_eq(ev.sa.encap_sport, 4500);
	cr_assert_eq(ev.sa.encap_dport, 40001);
}

Test(cp_xfrm, what_the_data_plane_cannot_run_is_refused_by_name)
{
	struct nlmsghdr *nlh = sa_msg(XFRM_MSG_NEWSA, 0xc3000001, XFRM_MODE_TRANSPORT, 50);
	struct cp_xfrm_event ev;

	put_aead(nlh, "rfc7539esp(chacha20,poly1305)", 256, 128);
	cr_assert_eq(cp_xfrm_parse(buf, nlh->nlmsg_len, &ev, why, sizeof(why)), -1);
	cr_assert_str_eq(why, "SA 0xc3000001: AEAD rfc7539esp(chacha20,poly1305) is not "
			 "supported (rfc4106(gcm(aes)) is)");
	nlh = sa_msg(XFRM_MSG_NEWSA, 0xc3000002, XFRM_MODE_TRANSPORT, 50);
	put_aead(nlh, "rfc4106(gcm(aes))", 160, 64);
	cr_assert_eq(cp_xfrm_parse(buf, nlh->nlmsg_len, &ev, why, sizeof(why)), -1);
	cr_assert_str_eq(why, "SA 0xc3000002: GCM with a 64-bit ICV is not supported (128 is)");
	nlh = sa_msg(XFRM_MSG_NEWSA, 0xc3000003, 4 /* BEET */, 50);
	put_aead(nlh, "rfc4106(gcm(aes))", 160, 128);
	cr_assert_eq(cp_xfrm_parse(buf, nlh->nlmsg_len, &ev, why, sizeof(why)), -1);
	cr_assert_str_eq(why, "SA 0xc3000003: mode 4 is not supported (transport, tunnel are)");
	/* no algorithm at all */
	nlh = sa_msg(XFRM_MSG_NEWSA, 0xc3000004, XFRM_MODE_TRANSPORT, 50);
	cr_assert_eq(cp_xfrm_parse(buf, nlh->nlmsg_len, &ev, why, sizeof(why)), -1);
	cr_assert_str_eq(why, "SA 0xc3000004: no cipher");
}

Test(cp_xfrm, malformed_messages_are_refused)
{
	struct nlmsghdr *nlh = sa_msg(XFRM_MSG_NEWSA, 0xc4000001, XFRM_MODE_TRANSPORT, 50);
	struct cp_xfrm_event ev;
	char tiny[8] = { 0 };

	put_aead(nlh, "rfc4106(gcm(aes))", 160, 128);
	/* cut inside the attributes: the header says more than there is */
	cr_assert_eq(cp_xfrm_parse(buf, nlh->nlmsg_len - 8, &ev, why, sizeof(why)), -1);
	cr_assert(strstr(why, "truncated") != NULL, "%s", why);
	cr_assert_eq(cp_xfrm_parse(tiny, sizeof(tiny), &ev, why, sizeof(why)), -1);
	/* an AEAD attribute whose key length runs past it */
	nlh = sa_msg(XFRM_MSG_NEWSA, 0xc4000002, XFRM_MODE_TRANSPORT, 50);
	{
		struct xfrm_algo_aead a = { .alg_key_len = 160, .alg_icv_len = 128 };

		strcpy(a.alg_name, "rfc4106(gcm(aes))");
		mnl_attr_put(nlh, XFRMA_ALG_AEAD, sizeof(a), &a);
	}
	cr_assert_eq(cp_xfrm_parse(buf, nlh->nlmsg_len, &ev, why, sizeof(why)), -1);
	cr_assert_str_eq(why, "XFRM message 16: malformed attributes");
	/* a NEWSA shorter than its fixed header */
	{
		void *p;

		nlh = msg(XFRM_MSG_NEWSA, 16, &p);
		cr_assert_eq(cp_xfrm_parse(buf, nlh->nlmsg_len, &ev, why, sizeof(why)), -1);
		cr_assert(strstr(why, "its header needs") != NULL, "%s", why);
	}
}

Test(cp_xfrm, other_protocols_and_messages_are_ignored)
{
	struct nlmsghdr *nlh = sa_msg(XFRM_MSG_NEWSA, 0xc5000001, XFRM_MODE_TRANSPORT, 51);
	struct cp_xfrm_event ev;
	void *p;

	cr_assert_eq(cp_xfrm_parse(buf, nlh->nlmsg_len, &ev, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(ev.kind, CP_XFRM_IGNORED);   /* AH */
	nlh = msg(XFRM_MSG_ACQUIRE, sizeof(struct xfrm_user_acquire), &p);
	cr_assert_eq(cp_xfrm_parse(buf, nlh->nlmsg_len, &ev, why, sizeof(why)), 0);
	cr_assert_eq(ev.kind, CP_XFRM_IGNORED);
	nlh = msg(XFRM_MSG_FLUSHSA, sizeof(struct xfrm_usersa_flush), &p);
	cr_assert_eq(cp_xfrm_parse(buf, nlh->nlmsg_len, &ev, why, sizeof(why)), 0);
	cr_assert_eq(ev.kind, CP_XFRM_FLUSH_SA);
	nlh = msg(XFRM_MSG_FLUSHPOLICY, 0, &p);
	cr_assert_eq(cp_xfrm_parse(buf, nlh->nlmsg_len, &ev, why, sizeof(why)), 0);
	cr_assert_eq(ev.kind, CP_XFRM_FLUSH_POL);
}

Test(cp_xfrm, deletion_and_expiry)
{
	struct xfrm_usersa_id *id;
	struct xfrm_user_expire *e;
	struct nlmsghdr *nlh = msg(XFRM_MSG_DELSA, sizeof(*id), (void **)&id);
	struct cp_xfrm_event ev;

	id->spi = htonl(0xc6000001);
	id->family = AF_INET6;
	id->proto = 50;
	addr6(&id->daddr, HA6);
	cr_assert_eq(cp_xfrm_parse(buf, nlh->nlmsg_len, &ev, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(ev.kind, CP_XFRM_SA_DEL);
	cr_assert_eq(ev.sa.sa.spi, 0xc6000001);
	nlh = msg(XFRM_MSG_EXPIRE, sizeof(*e), (void **)&e);
	e->state.id.proto = 50;
	e->state.id.spi = htonl(0xc6000002);
	e->state.family = AF_INET6;
	e->state.mode = XFRM_MODE_TUNNEL;
	e->hard = 1;
	cr_assert_eq(cp_xfrm_parse(buf, nlh->nlmsg_len, &ev, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(ev.kind, CP_XFRM_SA_EXPIRE);
	cr_assert_eq(ev.sa.sa.spi, 0xc6000002);
	cr_assert(ev.sa.hard);
}

Test(cp_xfrm, policies_carry_the_home_address_and_the_reqid)
{
	struct xfrm_userpolicy_info *p;
	struct xfrm_userpolicy_id *id;
	struct nlmsghdr *nlh = msg(XFRM_MSG_NEWPOLICY, sizeof(*p), (void **)&p);
	struct xfrm_user_tmpl t[2];
	struct cp_xfrm_event ev;
	struct in6_addr hoa;

	p->sel.family = AF_INET6;
	addr6(&p->sel.saddr, HOA);
	p->sel.prefixlen_s = 128;
	p->sel.prefixlen_d = 0;
	p->dir = XFRM_POLICY_IN;
	p->index = 0x48;
	memset(t, 0, sizeof(t));
	t[0].id.proto = 108;   /* IPComp first: the ESP template is the one that counts */
	t[1].id.proto = 50;
	t[1].reqid = 9;
	t[1].mode = XFRM_MODE_TUNNEL;
	mnl_attr_put(nlh, XFRMA_TMPL, sizeof(t), t);
	cr_assert_eq(cp_xfrm_parse(buf, nlh->nlmsg_len, &ev, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(ev.kind, CP_XFRM_POL_NEW);
	cr_assert_eq(ev.pol.reqid, 9);
	cr_assert(ev.pol.tunnel);
	cr_assert_eq(ev.pol.dir, XFRM_POLICY_IN);
	inet_pton(AF_INET6, HOA, &hoa);
	cr_assert(cp_xfrm_sel_covers(&ev.pol.sel.src, ev.pol.sel.src_len, &hoa));
	nlh = msg(XFRM_MSG_DELPOLICY, sizeof(*id), (void **)&id);
	id->sel.family = AF_INET6;
	id->dir = XFRM_POLICY_OUT;
	id->index = 0x49;
	cr_assert_eq(cp_xfrm_parse(buf, nlh->nlmsg_len, &ev, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(ev.kind, CP_XFRM_POL_DEL);
	cr_assert_eq(ev.pol.index, 0x49);
}

Test(cp_xfrm, selector_prefixes_of_both_families)
{
	struct cp_xfrm_addr p6 = { .family = AF_INET6 }, p4 = { .family = AF_INET };
	struct in6_addr a;

	inet_pton(AF_INET6, "2001:db8:100::", &p6.a);
	inet_pton(AF_INET6, "2001:db8:100:ff::1", &a);
	cr_assert(cp_xfrm_sel_covers(&p6, 48, &a));
	cr_assert(!cp_xfrm_sel_covers(&p6, 64, &a));
	cr_assert(cp_xfrm_sel_covers(&p6, 0, &a));
	inet_pton(AF_INET6, "::ffff:192.0.2.0", &p4.a);
	inet_pton(AF_INET6, "::ffff:192.0.2.100", &a);
	cr_assert(cp_xfrm_sel_covers(&p4, 25, &a));
	cr_assert(!cp_xfrm_sel_covers(&p4, 26, &a));   /* .0-.63 */
	inet_pton(AF_INET6, "::ffff:192.0.2.200", &a);
	cr_assert(!cp_xfrm_sel_covers(&p4, 25, &a));
	cr_assert(!cp_xfrm_sel_covers(&p4, 33, &a));   /* wider than IPv4: never */
}

/* libmnl's own checks take nlmsg_len 0xffffffff for -1 and align it to 0 (the same message
 * again, forever): found by fuzz_xfrm; a relay must never be able to cause it */
Test(cp_xfrm, message_lengths_that_would_loop_are_refused)
{
	uint8_t b[64];
	struct nlmsghdr h = { .nlmsg_len = 0xffffffff, .nlmsg_type = XFRM_MSG_NEWSA };
	struct cp_xfrm_event ev;

	memset(b, 0, sizeof(b));
	memcpy(b, &h, sizeof(h));
	cr_assert_eq(cp_xfrm_msg_len(b, sizeof(b)), 0);
	cr_assert_eq(cp_xfrm_parse(b, sizeof(b), &ev, why, sizeof(why)), -1);
	h.nlmsg_len = 0xfffffffd;
	memcpy(b, &h, sizeof(h));
	cr_assert_eq(cp_xfrm_msg_len(b, sizeof(b)), 0);
	h.nlmsg_len = 17;   /* whole, aligned to 20 */
	memcpy(b, &h, sizeof(h));
	cr_assert_eq(cp_xfrm_msg_len(b, sizeof(b)), 20);
	cr_assert_eq(cp_xfrm_msg_len(b, 18), 18);   /* the last one, unpadded */
	h.nlmsg_len = 8;    /* shorter than its header */
	memcpy(b, &h, sizeof(h));
	cr_assert_eq(cp_xfrm_msg_len(b, sizeof(b)), 0);
}
