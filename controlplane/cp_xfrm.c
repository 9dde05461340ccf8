/* SPDX-License-Identifier: BSD-3-Clause */
/* XFRM netlink messages into the home agent's terms (see cp_xfrm.h); libmnl does the
 * netlink framing and attribute walking, this file only knows what XFRM puts in them. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/ipsec.h>
#include <linux/xfrm.h>

#include "cp_xfrm.h"

#define PROTO_ESP 50

static int
fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -1;
}

static void
addr_of(struct cp_xfrm_addr *out, const xfrm_address_t *a, uint16_t family)
{
	memset(out, 0, sizeof(*out));
	out->family = (uint8_t)family;
	if (family == AF_INET) {
		out->a.s6_addr[10] = 0xff;
		out->a.s6_addr[11] = 0xff;
		memcpy(&out->a.s6_addr[12], &a->a4, 4);
	} else {
		memcpy(&out->a, a->a6, 16);
	}
}

static void
sel_of(struct cp_xfrm_sel *out, const struct xfrm_selector *s)
{
	addr_of(&out->src, &s->saddr, s->family);
	addr_of(&out->dst, &s->daddr, s->family);
	out->src_len = s->prefixlen_s;
	out->dst_len = s->prefixlen_d;
	out->proto = s->proto;
}

bool
cp_xfrm_sel_covers(const struct cp_xfrm_addr *pfx, uint8_t len, const struct in6_addr *a)
{
	unsigned int bits = pfx->family == AF_INET ? 96u + len : len, i;

	if (bits > 128)
		return false;
	for (i = 0; i < bits / 8; i++)
		if (pfx->a.s6_addr[i] != a->s6_addr[i])
			return false;
	if (bits % 8 != 0) {
		uint8_t m = (uint8_t)(0xff << (8 - bits % 8));

		if ((pfx->a.s6_addr[i] & m) != (a->s6_addr[i] & m))
			return false;
	}
	return true;
}

/* ------------------------------------------------------------------ algorithms */

struct algs {
	const struct xfrm_algo_aead *aead;
	const struct xfrm_algo *crypt;
	const struct xfrm_algo_auth *auth_trunc;
	const struct xfrm_algo *auth;
	const struct xfrm_encap_tmpl *encap;
	const struct xfrm_replay_state_esn *esn;
	const struct xfrm_usersa_info *sa;        /* XFRMA_SA of a DELSA */
	const struct xfrm_userpolicy_info *pol;   /* XFRMA_POLICY of a DELPOLICY */
	const struct xfrm_user_tmpl *tmpl;
	size_t n_tmpl;
	bool bad;
};

static int
attr_cb(const struct nlattr *a, void *data)
{
	struct algs *x = data;
	const void *p = mnl_attr_get_payload(a);
	size_t n = mnl_attr_get_payload_len(a);

	switch (mnl_attr_get_type(a)) {
	case XFRMA_ALG_AEAD:
		if (n < sizeof(*x->aead) ||
		    n < sizeof(*x->aead) + (((const struct xfrm_algo_aead *)p)->alg_key_len + 7) / 8)
			x->bad = true;
		else
			x->aead = p;
		break;
	case XFRMA_ALG_CRYPT:
		if (n < sizeof(*x->crypt) ||
		    n < sizeof(*x->crypt) + (((const struct xfrm_algo *)p)->alg_key_len + 7) / 8)
			x->bad = true;
		else
			x->crypt = p;
		break;
	case XFRMA_ALG_AUTH_TRUNC:
		if (n < sizeof(*x->auth_trunc) ||
		    n < sizeof(*x->auth_trunc) +
			(((const struct xfrm_algo_auth *)p)->alg_key_len + 7) / 8)
			x->bad = true;
		else
			x->auth_trunc = p;
		break;
	case XFRMA_ALG_AUTH:
		if (n < sizeof(*x->auth) ||
		    n < sizeof(*x->auth) + (((const struct xfrm_algo *)p)->alg_key_len + 7) / 8)
			x->bad = true;
		else
			x->auth = p;
		break;
	case XFRMA_ENCAP:
		if (n < sizeof(*x->encap))
			x->bad = true;
		else
			x->encap = p;
		break;
	case XFRMA_REPLAY_ESN_VAL:
		if (n < sizeof(*x->esn))
			x->bad = true;
		else
			x->esn = p;
		break;
	case XFRMA_SA:
		if (n < sizeof(*x->sa))
			x->bad = true;
		else
			x->sa = p;
		break;
	case XFRMA_POLICY:
		if (n < sizeof(*x->pol))
			x->bad = true;
		else
			x->pol = p;
		break;
	case XFRMA_TMPL:
		x->tmpl = p;
		x->n_tmpl = n / sizeof(*x->tmpl);
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

/* Key bytes of an algorithm attribute into out (at most max). */
static bool
key_of(const char *key, unsigned int bits, uint8_t *out, uint8_t max, uint8_t *len)
{
	if (bits % 8 != 0 || bits / 8 > max)
		return false;
	memcpy(out, key, bits / 8);
	*len = (uint8_t)(bits / 8);
	return true;
}

/*
 * The SA's algorithm as the data plane names it. What rte_ipsec + intel-ipsec-mb run here:
 * AES-GCM with a 16-byte ICV (RFC 4106; the key attribute ends with the 4-byte salt),
 * AES-128-CBC with HMAC-SHA1-96 or HMAC-SHA-256-128, and NULL (tests).
 */
static int
algorithm(const struct algs *x, struct cfg_sa *sa, char *why, size_t len)
{
	if (x->aead != NULL) {
		if (strcmp(x->aead->alg_name, "rfc4106(gcm(aes))") != 0)
			return fail(why, len, "AEAD %.64s is not supported (rfc4106(gcm(aes)) is)",
				    x->aead->alg_name);
		if (x->aead->alg_icv_len != 128)
			return fail(why, len, "GCM with a %u-bit ICV is not supported (128 is)",
				    x->aead->alg_icv_len);
		if (x->aead->alg_key_len == 160)
			sa->alg = CFG_ALG_AES128_GCM;
		else if (x->aead->alg_key_len == 288)
			sa->alg = CFG_ALG_AES256_GCM;
		else
			return fail(why, len, "GCM with a %u-bit key and salt is not supported",
				    x->aead->alg_key_len);
		if (!key_of(x->aead->alg_key, x->aead->alg_key_len, sa->key, CFG_KEY_MAX,
			    &sa->key_len))
			return fail(why, len, "GCM key too long");
		return 0;
	}
	if (x->crypt == NULL)
		return fail(why, len, "no cipher");
	if (strcmp(x->crypt->alg_name, "ecb(cipher_null)") == 0 ||
	    strcmp(x->crypt->alg_name, "cipher_null") == 0) {
		sa->alg = CFG_ALG_NULL;
		return 0;
	}
	if (strcmp(x->crypt->alg_name, "cbc(aes)") != 0 || x->crypt->alg_key_len != 128)
		return fail(why, len, "cipher %.64s/%u is not supported (cbc(aes)/128 is)",
			    x->crypt->alg_name, x->crypt->alg_key_len);
	if (!key_of(x->crypt->alg_key, x->crypt->alg_key_len, sa->key, CFG_KEY_MAX,
		    &sa->key_len))
		return fail(why, len, "cipher key too long");
	if (x->auth_trunc != NULL) {
		const struct xfrm_algo_auth *a = x->auth_trunc;

		if (strcmp(a->alg_name, "hmac(sha1)") == 0 && a->alg_trunc_len == 96)
			sa->alg = CFG_ALG_AES128_CBC_SHA1;
		else if (strcmp(a->alg_name, "hmac(sha256)") == 0 && a->alg_trunc_len == 128)
			sa->alg = CFG_ALG_AES128_CBC_SHA256;
		else
			return fail(why, len, "integrity %.64s/%u is not supported (hmac(sha1)/96, "
				    "hmac(sha256)/128 are)", a->alg_name, a->alg_trunc_len);
		if (!key_of(a->alg_key, a->alg_key_len, sa->auth_key, CFG_AUTH_KEY_MAX,
			    &sa->auth_key_len))
			return fail(why, len, "integrity key too long");
		return 0;
	}
	if (x->auth != NULL && strcmp(x->auth->alg_name, "hmac(sha1)") == 0) {
		/* the old attribute: HMAC-SHA1 truncated to 96 bits (RFC 2404) */
		sa->alg = CFG_ALG_AES128_CBC_SHA1;
		if (!key_of(x->auth->alg_key, x->auth->alg_key_len, sa->auth_key,
			    CFG_AUTH_KEY_MAX, &sa->auth_key_len))
			return fail(why, len, "integrity key too long");
		return 0;
	}
	return fail(why, len, "AES-CBC without a supported integrity algorithm");
}

/* ------------------------------------------------------------------ messages */

static int
parse_sa_info(const struct xfrm_usersa_info *i, const struct algs *x, struct cp_xfrm_sa *out,
	      bool need_keys, char *why, size_t len)
{
	memset(out, 0, sizeof(*out));
	out->sa.spi = ntohl(i->id.spi);
	addr_of(&out->src, &i->saddr, i->family);
	addr_of(&out->dst, &i->id.daddr, i->family);
	sel_of(&out->sel, &i->sel);
	out->reqid = i->reqid;
	out->tunnel = i->mode == XFRM_MODE_TUNNEL;
	if (i->mode != XFRM_MODE_TUNNEL && i->mode != XFRM_MODE_TRANSPORT)
		return fail(why, len, "SA 0x%x: mode %u is not supported (transport, tunnel are)",
			    out->sa.spi, i->mode);
	out->add_soft_s = i->lft.soft_add_expires_seconds;
	out->add_hard_s = i->lft.hard_add_expires_seconds;
	out->byte_soft = i->lft.soft_byte_limit;
	out->byte_hard = i->lft.hard_byte_limit;
	out->packet_soft = i->lft.soft_packet_limit;
	out->packet_hard = i->lft.hard_packet_limit;
	out->sa.replay_window = i->replay_window;
	out->sa.esn = (i->flags & XFRM_STATE_ESN) != 0;
	if (x->esn != NULL)
		out->sa.replay_window = x->esn->replay_window;
	if (out->sa.replay_window > 4096)
		out->sa.replay_window = 4096;   /* rte_ipsec's window is what the config allows */
	if (x->encap != NULL) {
		out->encap = true;
		out->encap_sport = ntohs(x->encap->encap_sport);
		out->encap_dport = ntohs(x->encap->encap_dport);
	}
	if (!need_keys)
		return 0;
	if (algorithm(x, &out->sa, why, len) != 0) {
		char what[160];

		snprintf(what, sizeof(what), "SA 0x%x: %s", out->sa.spi, why);
		snprintf(why, len, "%s", what);
		return -1;
	}
	return 0;
}

static void
parse_pol_info(const struct xfrm_userpolicy_info *p, const struct algs *x,
	       struct cp_xfrm_pol *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	sel_of(&out->sel, &p->sel);
	out->dir = p->dir;
	out->index = p->index;
	for (i = 0; i < x->n_tmpl; i++) {
		struct xfrm_user_tmpl t;

		memcpy(&t, &x->tmpl[i], sizeof(t));
		if (t.id.proto == PROTO_ESP) {
			out->reqid = t.reqid;
			out->tunnel = t.mode == XFRM_MODE_TUNNEL;
			break;
		}
	}
}

size_t
cp_xfrm_msg_len(const void *buf, size_t left)
{
	struct nlmsghdr h;
	size_t len;

	if (left < sizeof(h))
		return 0;
	memcpy(&h, buf, sizeof(h));
	len = h.nlmsg_len;
	if (len < sizeof(h) || len > left)
		return 0;
	len = (len + 3) & ~(size_t)3;
	return len < left ? len : left;
}

int
cp_xfrm_parse(const void *buf, size_t len, struct cp_xfrm_event *ev, char *why,
	      size_t why_len)
{
	const struct nlmsghdr *nlh = buf;
	struct algs x;
	size_t fixed;

	memset(ev, 0, sizeof(*ev));
	memset(&x, 0, sizeof(x));
	if (cp_xfrm_msg_len(buf, len) == 0)
		return fail(why, why_len, "truncated netlink message (%zu bytes)", len);
	switch (nlh->nlmsg_type) {
	case XFRM_MSG_NEWSA:
	case XFRM_MSG_UPDSA:
		fixed = sizeof(struct xfrm_usersa_info);
		break;
	case XFRM_MSG_DELSA:
		fixed = sizeof(struct xfrm_usersa_id);
		break;
	case XFRM_MSG_EXPIRE:
		fixed = sizeof(struct xfrm_user_expire);
		break;
	case XFRM_MSG_NEWPOLICY:
	case XFRM_MSG_UPDPOLICY:
		fixed = sizeof(struct xfrm_userpolicy_info);
		break;
	case XFRM_MSG_DELPOLICY:
		fixed = sizeof(struct xfrm_userpolicy_id);
		break;
	case XFRM_MSG_FLUSHSA:
		ev->kind = CP_XFRM_FLUSH_SA;
		return 0;
	case XFRM_MSG_FLUSHPOLICY:
		ev->kind = CP_XFRM_FLUSH_POL;
		return 0;
	default:
		return 0;   /* acquire, report, mapping, ...: not the mirror's */
	}
	if (mnl_nlmsg_get_payload_len(nlh) < fixed)
		return fail(why, why_len, "XFRM message %u: %zu bytes, its header needs %zu",
			    nlh->nlmsg_type, mnl_nlmsg_get_payload_len(nlh), fixed);
	if (mnl_attr_parse(nlh, (unsigned int)MNL_ALIGN(fixed), attr_cb, &x) < 0 || x.bad)
		return fail(why, why_len, "XFRM message %u: malformed attributes",
			    nlh->nlmsg_type);

	switch (nlh->nlmsg_type) {
	case XFRM_MSG_NEWSA:
	case XFRM_MSG_UPDSA: {
		struct xfrm_usersa_info i;

		memcpy(&i, mnl_nlmsg_get_payload(nlh), sizeof(i));
		if (i.id.proto != PROTO_ESP)
			return 0;
		ev->kind = nlh->nlmsg_type == XFRM_MSG_NEWSA ? CP_XFRM_SA_NEW : CP_XFRM_SA_UPDATE;
		return parse_sa_info(&i, &x, &ev->sa, true, why, why_len);
	}
	case XFRM_MSG_DELSA: {
		struct xfrm_usersa_id id;

		memcpy(&id, mnl_nlmsg_get_payload(nlh), sizeof(id));
		if (id.proto != PROTO_ESP)
			return 0;
		ev->kind = CP_XFRM_SA_DEL;
		if (x.sa != NULL) {
			struct xfrm_usersa_info i;

			memcpy(&i, x.sa, sizeof(i));
			if (parse_sa_info(&i, &x, &ev->sa, false, why, why_len) != 0)
				return -1;
		}
		ev->sa.sa.spi = ntohl(id.spi);
		addr_of(&ev->sa.dst, &id.daddr, id.family);
		return 0;
	}
	case XFRM_MSG_EXPIRE: {
		struct xfrm_user_expire e;

		memcpy(&e, mnl_nlmsg_get_payload(nlh), sizeof(e));
		if (e.state.id.proto != PROTO_ESP)
			return 0;
		ev->kind = CP_XFRM_SA_EXPIRE;
		if (parse_sa_info(&e.state, &x, &ev->sa, false, why, why_len) != 0)
			return -1;
		ev->sa.hard = e.hard != 0;
		return 0;
	}
	case XFRM_MSG_NEWPOLICY:
	case XFRM_MSG_UPDPOLICY: {
		struct xfrm_userpolicy_info p;

		memcpy(&p, mnl_nlmsg_get_payload(nlh), sizeof(p));
		ev->kind = CP_XFRM_POL_NEW;
		parse_pol_info(&p, &x, &ev->pol);
		return 0;
	}
	default: {   /* XFRM_MSG_DELPOLICY */
		struct xfrm_userpolicy_id id;

		memcpy(&id, mnl_nlmsg_get_payload(nlh), sizeof(id));
		ev->kind = CP_XFRM_POL_DEL;
		if (x.pol != NULL) {
			struct xfrm_userpolicy_info p;

			memcpy(&p, x.pol, sizeof(p));
			parse_pol_info(&p, &x, &ev->pol);
		} else {
			sel_of(&ev->pol.sel, &id.sel);
			ev->pol.dir = id.dir;
			ev->pol.index = id.index;
		}
		return 0;
	}
	}
}
