/* SPDX-License-Identifier: BSD-3-Clause */
/* Mobility Header parse, validate and build (RFC 6275 §6.1-§6.2, RFC 3963, RFC 5555) (pure). */
#include <string.h>

#include "wire_csum.h"
#include "wire_ip.h"
#include "wire_mh.h"

/* Fixed part (options start here) and minimum Header Len of each type (RFC 6275 §6.1). */
static const struct {
	uint8_t fixed;
	uint8_t min_hlen;
} mh_types[WIRE_MH_TYPE_MAX + 1] = {
	[WIRE_MH_BRR] = { 8, 0 },
	[WIRE_MH_HOTI] = { 16, 1 },
	[WIRE_MH_COTI] = { 16, 1 },
	[WIRE_MH_HOT] = { 24, 2 },
	[WIRE_MH_COT] = { 24, 2 },
	[WIRE_MH_BU] = { 12, 1 },
	[WIRE_MH_BA] = { 12, 1 },
	[WIRE_MH_BE] = { 24, 2 },
	/* B.R. Type, Trigger or Status, Sequence, flags, Reserved (RFC 5846 §6.1-§6.2) */
	[WIRE_MH_BR] = { 12, 1 },
};

/* Option rules: exact data length (-1: variable), alignment xn+y, may repeat. */
struct opt_rule {
	int8_t len;
	uint8_t align_x;
	uint8_t align_y;
	uint8_t max;   /* occurrences allowed */
};

static const struct opt_rule *
opt_rule(uint8_t type)
{
	static const struct opt_rule bra = { 2, 2, 0, 1 }, altcoa = { 16, 8, 6, 1 },
		nonce = { 4, 2, 0, 1 }, auth = { -1, 8, 2, 1 }, mnp = { 18, 8, 4, WIRE_MH_MAX_MNP },
		v4hoa = { 6, 4, 0, WIRE_MH_MAX_V4HOA }, v4ack = { 6, 4, 0, WIRE_MH_MAX_V4HOA },
		v4 = { 6, 4, 0, 1 };

	switch (type) {
	case WIRE_MHOPT_BRA: return &bra;
	case WIRE_MHOPT_ALTCOA: return &altcoa;
	case WIRE_MHOPT_NONCE: return &nonce;
	case WIRE_MHOPT_AUTH: return &auth;
	case WIRE_MHOPT_MNP: return &mnp;
	case WIRE_MHOPT_V4HOA: return &v4hoa;
	case WIRE_MHOPT_V4ACK: return &v4ack;
	case WIRE_MHOPT_NATD:
	case WIRE_MHOPT_V4COA: return &v4;
	default: return NULL;
	}
}

uint16_t
wire_mh_fixed_len(uint8_t type)
{
	return type <= WIRE_MH_TYPE_MAX ? mh_types[type].fixed : 0;
}

/* Store one known option whose length and bounds were checked. d points at its data. */
static enum wire_err
opt_store(struct wire_mh_opts *o, uint8_t type, const uint8_t *d, uint8_t len, uint16_t off)
{
	uint16_t w;

	switch (type) {
	case WIRE_MHOPT_BRA:
		o->bra = wire_rd16(d);
		break;
	case WIRE_MHOPT_ALTCOA:
		memcpy(&o->altcoa, d, 16);
		break;
	case WIRE_MHOPT_NONCE:
		o->nonce_home = wire_rd16(d);
		o->nonce_coa = wire_rd16(d + 2);
		break;
	case WIRE_MHOPT_AUTH:
		o->auth_off = (uint16_t)(off + 2);
		o->auth_len = len;
		break;
	case WIRE_MHOPT_MNP:
		o->mnp[o->n_mnp].plen = d[1];
		memcpy(&o->mnp[o->n_mnp].prefix, d + 2, 16);
		o->n_mnp++;
		break;
	case WIRE_MHOPT_V4HOA:
		w = wire_rd16(d);
		o->v4hoa[o->n_v4hoa].plen = (uint8_t)(w >> 10);
		o->v4hoa[o->n_v4hoa].p = (w & 0x0200) != 0;
		memcpy(&o->v4hoa[o->n_v4hoa].addr, d + 2, 4);
		o->n_v4hoa++;
		break;
	case WIRE_MHOPT_V4ACK:
		o->v4ack[o->n_v4ack].status = d[0];
		o->v4ack[o->n_v4ack].plen = d[1] >> 2;
		memcpy(&o->v4ack[o->n_v4ack].addr, d + 2, 4);
		o->n_v4ack++;
		break;
	case WIRE_MHOPT_NATD:
		o->natd.f = (wire_rd16(d) & 0x8000) != 0;
		o->natd.refresh = wire_rd32(d + 2);
		break;
	case WIRE_MHOPT_V4COA:
		memcpy(&o->v4coa, d + 2, 4);
		break;
	}
	return WIRE_E_OK;
}

/* The option walker: [off, end) of mh is the option area. */
static enum wire_err
opts_walk(const uint8_t *mh, uint16_t off, uint16_t end, unsigned int flags,
	  struct wire_mh_opts *o)
{
	unsigned int pad_run = 0;
	uint8_t count[64] = { 0 };

	while (off < end) {
		uint8_t type = mh[off], len;
		const struct opt_rule *r;

		/* RFC 6275 §6.2: nothing, not even padding, may follow Authorization Data. */
		if (o->present & WIRE_MHOPT_BIT(WIRE_MHOPT_AUTH))
			return WIRE_E_OPT_AUTH_NOT_LAST;
		if (type == WIRE_MHOPT_PAD1) {
			if (++pad_run > 7)
				return WIRE_E_PAD_RUN;
			off++;
			continue;
		}
		if (off + 2 > end)
			return WIRE_E_OPT_OVERRUN;
		len = mh[off + 1];
		if (off + 2 + len > end)
			return WIRE_E_OPT_OVERRUN;
		if (type == WIRE_MHOPT_PADN) {
			/* No alignment needs more than 7 bytes of padding (8n+y). */
			pad_run += 2u + len;
			if (pad_run > 7)
				return WIRE_E_PAD_RUN;
			off = (uint16_t)(off + 2 + len);
			continue;
		}
		pad_run = 0;
		r = opt_rule(type);
		if (r == NULL) {
			o->n_unknown++;  /* RFC 6275 §6.2.1: skipped silently */
		} else {
			if (r->len >= 0 && len != r->len)
				return WIRE_E_OPT_BAD_LEN;
			if (type == WIRE_MHOPT_AUTH && len == 0)
				return WIRE_E_OPT_BAD_LEN;
			if ((flags & WIRE_MH_F_STRICT_ALIGN) && off % r->align_x != r->align_y)
				return WIRE_E_OPT_ALIGN;
			if (count[type] >= r->max)
				return r->max == 1 ? WIRE_E_OPT_DUPLICATE : WIRE_E_OPT_TOO_MANY;
			count[type]++;
			o->present |= WIRE_MHOPT_BIT(type);
			opt_store(o, type, mh + off + 2, len, off);
		}
		off = (uint16_t)(off + 2 + len);
	}
	return WIRE_E_OK;
}

/* One's-complement checksum of an MH over the IPv6 pseudo-header (RFC 6275 §6.1.1). */
static uint16_t
mh_csum(const uint8_t *mh, size_t len, const struct in6_addr *src, const struct in6_addr *dst)
{
	uint32_t s = wire_csum_pseudo6(src, dst, (uint32_t)len, WIRE_PROTO_MH);

	return wire_csum_fold(wire_csum_add(s, mh, len));
}

enum wire_err
wire_mh_parse(const uint8_t *mh, size_t len, const struct in6_addr *src,
	      const struct in6_addr *dst, unsigned int flags, struct wire_mh *out)
{
	uint16_t total;

	memset(out, 0, sizeof(*out));
	if (len < 8)
		return WIRE_E_TRUNCATED;
	total = (uint16_t)((mh[1] + 1) * 8);
	out->payload_proto = mh[0];
	out->type = mh[2];
	out->len = total;
	out->csum = wire_rd16(mh + 4);
	if (total > len)
		return WIRE_E_TRUNCATED;
	if (total != len)
		return WIRE_E_BAD_LENGTH;   /* the IPv6 payload must be exactly the MH */
	if (src != NULL && dst != NULL && mh_csum(mh, total, src, dst) != 0)
		return WIRE_E_BAD_CSUM;
	if (out->type > WIRE_MH_TYPE_MAX || mh_types[out->type].fixed == 0)
		return WIRE_E_UNKNOWN_MH_TYPE;
	if (out->payload_proto != WIRE_PROTO_NONE)
		return WIRE_E_BAD_PROTO;
	if (mh[1] < mh_types[out->type].min_hlen)
		return WIRE_E_SHORT_FOR_TYPE;

	switch (out->type) {
	case WIRE_MH_BU:
		out->bu.seq = wire_rd16(mh + 6);
		out->bu.flags = wire_rd16(mh + 8);
		out->bu.lifetime = wire_rd16(mh + 10);
		break;
	case WIRE_MH_BA:
		out->ba.status = mh[6];
		out->ba.flags = mh[7];
		out->ba.seq = wire_rd16(mh + 8);
		out->ba.lifetime = wire_rd16(mh + 10);
		break;
	case WIRE_MH_BE:
		out->be.status = mh[6];
		memcpy(&out->be.hoa, mh + 8, 16);
		break;
	case WIRE_MH_BR:
		out->br.type = mh[6];
		out->br.code = mh[7];
		out->br.seq = wire_rd16(mh + 8);
		out->br.flags = mh[10] & (WIRE_BR_P | WIRE_BR_G | WIRE_BR_V);
		break;
	default:
		break;
	}
	return opts_walk(mh, mh_types[out->type].fixed, total, flags, &out->opts);
}

/* ---------------------------------------------------------------- builders */

struct mh_writer {
	uint8_t *buf;
	size_t cap;
	uint16_t off;
	bool overflow;
};

/* Pad with Pad1 or PadN until off % x == y (RFC 6275 §6.2.2-§6.2.3). */
static void
w_pad_to(struct mh_writer *w, uint8_t x, uint8_t y)
{
	unsigned int n = (unsigned int)(y - w->off % x + x) % x;

	if (w->off + n > w->cap) {
		w->overflow = true;
		return;
	}
	if (n == 1) {
		w->buf[w->off] = WIRE_MHOPT_PAD1;
	} else if (n > 1) {
		w->buf[w->off] = WIRE_MHOPT_PADN;
		w->buf[w->off + 1] = (uint8_t)(n - 2);
		memset(w->buf + w->off + 2, 0, n - 2);
	}
	w->off = (uint16_t)(w->off + n);
}

/* Reserve an option of data length len at alignment xn+y; returns its data or NULL. */
static uint8_t *
w_opt(struct mh_writer *w, uint8_t type, uint8_t len, uint8_t x, uint8_t y)
{
	uint8_t *d;

	w_pad_to(w, x, y);
	if (w->overflow || w->off + 2u + len > w->cap) {
		w->overflow = true;
		return NULL;
	}
	w->buf[w->off] = type;
	w->buf[w->off + 1] = len;
	d = w->buf + w->off + 2;
	memset(d, 0, len);
	w->off = (uint16_t)(w->off + 2 + len);
	return d;
}

static bool
w_start(struct mh_writer *w, uint8_t *buf, size_t cap, uint8_t type)
{
	uint16_t fixed = mh_types[type].fixed;

	w->buf = buf;
	w->cap = cap > WIRE_MH_MAX_LEN ? WIRE_MH_MAX_LEN : cap;
	w->off = fixed;
	w->overflow = fixed > w->cap;
	if (w->overflow)
		return false;
	memset(buf, 0, fixed);
	buf[0] = WIRE_PROTO_NONE;
	buf[2] = type;
	return true;
}

/* Pad to 8, fill Header Len and the checksum. */
static int
w_finish(struct mh_writer *w, const struct in6_addr *src, const struct in6_addr *dst)
{
	w_pad_to(w, 8, 0);
	if (w->overflow)
		return -WIRE_E_NOSPACE;
	w->buf[1] = (uint8_t)(w->off / 8 - 1);
	wire_wr16(w->buf + 4, 0);
	wire_wr16(w->buf + 4, mh_csum(w->buf, w->off, src, dst));
	return w->off;
}

int
wire_mh_ba_build(uint8_t *buf, size_t cap, const struct wire_ba_args *a,
		 const struct in6_addr *src, const struct in6_addr *dst)
{
	struct mh_writer w;
	unsigned int i;
	uint8_t *d;

	if (!w_start(&w, buf, cap, WIRE_MH_BA) || a->n_v4ack > WIRE_MH_MAX_V4HOA)
		return -WIRE_E_NOSPACE;
	buf[6] = a->status;
	buf[7] = a->flags;
	wire_wr16(buf + 8, a->seq);
	wire_wr16(buf + 10, a->lifetime);
	/* DSMIPv6 options are 4n (RFC 5555 §3.2); the fixed part ends at 12, so no padding. */
	for (i = 0; i < a->n_v4ack; i++) {
		d = w_opt(&w, WIRE_MHOPT_V4ACK, 6, 4, 0);
		if (d == NULL)
			break;
		d[0] = a->v4ack[i].status;
		d[1] = (uint8_t)((a->v4ack[i].plen & 0x3f) << 2);
		memcpy(d + 2, &a->v4ack[i].addr, 4);
	}
	if (a->has_natd && (d = w_opt(&w, WIRE_MHOPT_NATD, 6, 4, 0)) != NULL) {
		wire_wr16(d, a->natd.f ? 0x8000 : 0);
		wire_wr32(d + 2, a->natd.refresh);
	}
	if (a->has_bra && (d = w_opt(&w, WIRE_MHOPT_BRA, 2, 2, 0)) != NULL)
		wire_wr16(d, a->bra);
	return w_finish(&w, src, dst);
}

int
wire_mh_bu_build(uint8_t *buf, size_t cap, const struct wire_bu_args *a,
		 const struct in6_addr *src, const struct in6_addr *dst)
{
	struct mh_writer w;
	unsigned int i;
	uint8_t *d;

	if (!w_start(&w, buf, cap, WIRE_MH_BU) || a->n_mnp > WIRE_MH_MAX_MNP ||
	    a->n_v4hoa > WIRE_MH_MAX_V4HOA)
		return -WIRE_E_NOSPACE;
	wire_wr16(buf + 6, a->seq);
	wire_wr16(buf + 8, a->flags);
	wire_wr16(buf + 10, a->lifetime);
	if (a->has_altcoa && (d = w_opt(&w, WIRE_MHOPT_ALTCOA, 16, 8, 6)) != NULL)
		memcpy(d, &a->altcoa, 16);
	if (a->has_nonce && (d = w_opt(&w, WIRE_MHOPT_NONCE, 4, 2, 0)) != NULL) {
		wire_wr16(d, a->nonce_home);
		wire_wr16(d + 2, a->nonce_coa);
	}
	for (i = 0; i < a->n_mnp; i++) {
		d = w_opt(&w, WIRE_MHOPT_MNP, 18, 8, 4);
		if (d == NULL)
			break;
		d[1] = a->mnp[i].plen;
		memcpy(d + 2, &a->mnp[i].prefix, 16);
	}
	for (i = 0; i < a->n_v4hoa; i++) {
		d = w_opt(&w, WIRE_MHOPT_V4HOA, 6, 4, 0);
		if (d == NULL)
			break;
		wire_wr16(d, (uint16_t)((a->v4hoa[i].plen & 0x3f) << 10 |
					(a->v4hoa[i].p ? 0x0200 : 0)));
		memcpy(d + 2, &a->v4hoa[i].addr, 4);
	}
	if (a->has_v4coa && (d = w_opt(&w, WIRE_MHOPT_V4COA, 6, 4, 0)) != NULL)
		memcpy(d + 2, &a->v4coa, 4);
	return w_finish(&w, src, dst);
}

int
wire_mh_be_build(uint8_t *buf, size_t cap, uint8_t status, const struct in6_addr *hoa,
		 const struct in6_addr *src, const struct in6_addr *dst)
{
	struct mh_writer w;

	if (!w_start(&w, buf, cap, WIRE_MH_BE))
		return -WIRE_E_NOSPACE;
	buf[6] = status;
	if (hoa != NULL)
		memcpy(buf + 8, hoa, 16);
	return w_finish(&w, src, dst);
}

int
wire_mh_brr_build(uint8_t *buf, size_t cap, const struct in6_addr *src,
		  const struct in6_addr *dst)
{
	struct mh_writer w;

	if (!w_start(&w, buf, cap, WIRE_MH_BRR))
		return -WIRE_E_NOSPACE;
	return w_finish(&w, src, dst);
}

uint16_t
wire_carriage_hlen(const struct wire_mh_carriage *c)
{
	return (uint16_t)((c->udp4 ? WIRE_IP4_HLEN + WIRE_UDP_HLEN : 0) +
			  (c->tun6 ? WIRE_IP6_HLEN : 0) + WIRE_IP6_HLEN +
			  (c->rh2 ? WIRE_RH2_LEN : 0));
}

/* Lay out [IPv4/UDP | IPv6] / IPv6 / [RH2] in buf; returns the MH offset or -1 when short. */
static int
carriage_head(size_t cap, const struct wire_mh_carriage *c)
{
	size_t off = wire_carriage_hlen(c);

	return off + 8 <= cap ? (int)off : -1;
}

/* UDP length and checksum of the IPv4/UDP carriage at buf (total bytes in all). */
static void
udp4_seal(uint8_t *buf, int total)
{
	uint16_t ulen = (uint16_t)(total - WIRE_IP4_HLEN);
	uint8_t *udp = buf + WIRE_IP4_HLEN;
	uint32_t src, dst;

	memcpy(&src, buf + 12, 4);
	memcpy(&dst, buf + 16, 4);
	wire_wr16(buf + 2, (uint16_t)total);
	wire_wr16(buf + 10, 0);
	wire_wr16(buf + 10, wire_csum_ip4(buf, WIRE_IP4_HLEN));
	wire_wr16(udp + 4, ulen);
	wire_wr16(udp + 6, 0);
	/* Signalling is rare: give it a real UDP checksum (0 would be legal on IPv4). */
	wire_wr16(udp + 6, wire_ip4_l4_csum(src, dst, WIRE_PROTO_UDP, udp, ulen));
	if (wire_rd16(udp + 6) == 0)
		wire_wr16(udp + 6, 0xffff);
}

/* Fill the headers in front of an MH of mh_len bytes at offset mh_off. */
static int
carriage_fill(uint8_t *buf, const struct wire_mh_carriage *c, int mh_off, int mh_len)
{
	uint8_t *ip6 = buf + (c->udp4 ? WIRE_IP4_HLEN + WIRE_UDP_HLEN : 0) +
		       (c->tun6 ? WIRE_IP6_HLEN : 0);
	uint16_t plen6 = (uint16_t)(mh_len + (c->rh2 ? WIRE_RH2_LEN : 0));
	int total = mh_off + mh_len;

	wire_ip6_hdr_build(ip6, &c->src6, &c->dst6, c->rh2 ? WIRE_PROTO_ROUTING : WIRE_PROTO_MH,
			   plen6, c->hop_limit != 0 ? c->hop_limit : 64);
	if (c->rh2)
		wire_rh2_build(ip6 + WIRE_IP6_HLEN, WIRE_PROTO_MH, &c->hoa);
	if (c->tun6)
		/* mirrors the tunnel the BU came in (RFC 2473 outer header) */
		wire_ip6_hdr_build(buf, &c->src6, &c->outer_dst6, WIRE_PROTO_IPV6,
				   (uint16_t)(total - WIRE_IP6_HLEN), 64);
	if (c->udp4) {
		wire_ip4_hdr_build(buf, c->src4, c->dst4, WIRE_PROTO_UDP, (uint16_t)total, 64, 0,
				   false);
		wire_udp_hdr_build(buf + WIRE_IP4_HLEN, c->sport, c->dport, 0, 0);
		udp4_seal(buf, total);
	}
	return total;
}

int
wire_carriage_reseal(uint8_t *pkt, uint16_t len, uint16_t payload_off, uint8_t next)
{
	uint16_t off = 0;
	bool udp4 = false;
	uint8_t *ip6, *nh;

	if (payload_off > len || len < WIRE_IP6_HLEN)
		return -1;
	if ((pkt[0] >> 4) == 4) {
		if (len < WIRE_IP4_HLEN + WIRE_UDP_HLEN + WIRE_IP6_HLEN || pkt[9] != WIRE_PROTO_UDP)
			return -1;
		udp4 = true;
		off = WIRE_IP4_HLEN + WIRE_UDP_HLEN;
	} else if ((pkt[0] >> 4) == 6 && pkt[6] == WIRE_PROTO_IPV6) {
		/* IPv6-in-IPv6 carriage: the outer header's length first */
		wire_wr16(pkt + 4, (uint16_t)(len - WIRE_IP6_HLEN));
		off = WIRE_IP6_HLEN;
	}
	if (off + WIRE_IP6_HLEN > payload_off)
		return -1;
	ip6 = pkt + off;
	if ((ip6[0] >> 4) != 6)
		return -1;
	wire_wr16(ip6 + 4, (uint16_t)(len - off - WIRE_IP6_HLEN));
	nh = ip6 + 6;
	if (*nh == WIRE_PROTO_ROUTING) {
		if (off + WIRE_IP6_HLEN + WIRE_RH2_LEN != payload_off)
			return -1;
		nh = ip6 + WIRE_IP6_HLEN;
	} else if (off + WIRE_IP6_HLEN != payload_off) {
		return -1;
	}
	*nh = next;
	if (udp4)
		udp4_seal(pkt, len);
	return 0;
}

int
wire_ba_pkt_build(uint8_t *buf, size_t cap, const struct wire_mh_carriage *c,
		  const struct wire_ba_args *a)
{
	int off = carriage_head(cap, c), n;

	if (off < 0)
		return -WIRE_E_NOSPACE;
	/* RFC 6275 §6.1.1 / RFC 8200 §8.1: with an RH2 the final destination is the HoA. */
	n = wire_mh_ba_build(buf + off, cap - (size_t)off, a, &c->src6,
			     c->rh2 ? &c->hoa : &c->dst6);
	if (n < 0)
		return n;
	return carriage_fill(buf, c, off, n);
}

int
wire_be_pkt_build(uint8_t *buf, size_t cap, const struct wire_mh_carriage *c, uint8_t status,
		  const struct in6_addr *hoa)
{
	int off = carriage_head(cap, c), n;

	if (off < 0)
		return -WIRE_E_NOSPACE;
	n = wire_mh_be_build(buf + off, cap - (size_t)off, status, hoa, &c->src6,
			     c->rh2 ? &c->hoa : &c->dst6);
	if (n < 0)
		return n;
	return carriage_fill(buf, c, off, n);
}

/* ---------------------------------------------------------------- HA Switch, BRI */

/* The 6-byte MH header of type over len bytes at buf (len a multiple of 8), checksummed. */
static int
mh_seal(uint8_t *buf, uint16_t len, uint8_t type, const struct in6_addr *src,
	const struct in6_addr *dst)
{
	buf[0] = WIRE_PROTO_NONE;
	buf[1] = (uint8_t)(len / 8 - 1);
	buf[2] = type;
	buf[3] = 0;
	wire_wr16(buf + 4, 0);
	wire_wr16(buf + 4, mh_csum(buf, len, src, dst));
	return len;
}

int
wire_mh_has_build(uint8_t *buf, size_t cap, const struct in6_addr *ha, unsigned int n,
		  const struct in6_addr *src, const struct in6_addr *dst)
{
	uint16_t len = (uint16_t)(8 + 16 * n);   /* 6 + number + reserved: a multiple of 8 */
	unsigned int i;

	if (n == 0 || n > WIRE_HA_SWITCH_MAX || len > cap)
		return -WIRE_E_NOSPACE;
	buf[6] = (uint8_t)n;
	buf[7] = 0;
	for (i = 0; i < n; i++)
		memcpy(buf + 8 + 16 * i, &ha[i], 16);
	return mh_seal(buf, len, WIRE_MH_HA_SWITCH, src, dst);
}

static int
br_build(uint8_t *buf, size_t cap, uint8_t type, uint8_t code, uint16_t seq, uint8_t flags,
	 const struct in6_addr *src, const struct in6_addr *dst)
{
	if (cap < 16)
		return -WIRE_E_NOSPACE;
	buf[6] = type;
	buf[7] = code;
	wire_wr16(buf + 8, seq);
	buf[10] = flags & (WIRE_BR_P | WIRE_BR_G | WIRE_BR_V);
	buf[11] = 0;
	/* 12 bytes, padded to 16 with a PadN of two zero bytes */
	buf[12] = WIRE_MHOPT_PADN;
	buf[13] = 2;
	buf[14] = buf[15] = 0;
	return mh_seal(buf, 16, WIRE_MH_BR, src, dst);
}

int
wire_mh_bri_build(uint8_t *buf, size_t cap, const struct wire_bri_args *a,
		  const struct in6_addr *src, const struct in6_addr *dst)
{
	return br_build(buf, cap, WIRE_BR_INDICATION, a->trigger, a->seq, a->flags, src, dst);
}

int
wire_mh_bra_build(uint8_t *buf, size_t cap, uint8_t status, uint16_t seq, uint8_t flags,
		  const struct in6_addr *src, const struct in6_addr *dst)
{
	return br_build(buf, cap, WIRE_BR_ACK, status, seq, flags, src, dst);
}

int
wire_carriage_pkt_build(uint8_t *buf, size_t cap, const struct wire_mh_carriage *c,
			const uint8_t *payload, uint16_t len, uint8_t next)
{
	int off = carriage_head(cap, c), total;

	if (off < 0 || (size_t)off + len > cap)
		return -WIRE_E_NOSPACE;
	memcpy(buf + off, payload, len);
	total = carriage_fill(buf, c, off, len);
	if (wire_carriage_reseal(buf, (uint16_t)total, (uint16_t)off, next) != 0)
		return -WIRE_E_NOSPACE;
	return total;
}

int
wire_has_pkt_build(uint8_t *buf, size_t cap, const struct wire_mh_carriage *c,
		   const struct in6_addr *ha, unsigned int n)
{
	int off = carriage_head(cap, c), len;

	if (off < 0)
		return -WIRE_E_NOSPACE;
	len = wire_mh_has_build(buf + off, cap - (size_t)off, ha, n, &c->src6,
				c->rh2 ? &c->hoa : &c->dst6);
	return len < 0 ? len : carriage_fill(buf, c, off, len);
}

int
wire_bri_pkt_build(uint8_t *buf, size_t cap, const struct wire_mh_carriage *c,
		   const struct wire_bri_args *a)
{
	int off = carriage_head(cap, c), len;

	if (off < 0)
		return -WIRE_E_NOSPACE;
	len = wire_mh_bri_build(buf + off, cap - (size_t)off, a, &c->src6,
				c->rh2 ? &c->hoa : &c->dst6);
	return len < 0 ? len : carriage_fill(buf, c, off, len);
}
