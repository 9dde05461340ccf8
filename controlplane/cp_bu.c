/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Binding Update decision (pure): RFC 6275 §9.5.1 and §10.3.1-§10.3.2, RFC 3963 §6.2,
 * RFC 5555 §4.2/§4.5 and the project decisions of protocol facts §19. No EAL, no globals,
 * no side effects: the caller applies the decision.
 */
#include <string.h>

#include "bc_entry.h"
#include "cp.h"
#include "ha_addr.h"

const char *const cp_discard_names[CP_DISCARD_MAX] = {
#define CP_DISCARD_NAME(e, s, d) [CP_DISCARD_ ## e] = s,
	CP_DISCARD_LIST(CP_DISCARD_NAME)
#undef CP_DISCARD_NAME
};

const struct in6_addr *
cp_bu_hoa(const struct cp_rx_ctx *ctx)
{
	/* RFC 6275 §9.5.1; over UDP/IPv4 the inner source is the HoA (RFC 5555 §4.2) */
	return ctx->has_hao ? &ctx->hao : &ctx->src6;
}

static void
discard(struct cp_bu_decision *d, enum cp_discard why, const char *reason)
{
	d->verdict = CP_DISCARD;
	d->discard = (uint8_t)why;
	d->reason = reason;
}

static void
reject(struct cp_bu_decision *d, uint8_t status, const char *reason)
{
	d->verdict = CP_REJECT;
	d->status = status;
	d->reason = reason;
	d->lifetime = 0;
	d->ba_flags = 0;
}

/* RFC 6275 §9.5.1: seq is "greater" than last when it lies in (last, last + 32768). */
static bool
seq_newer(uint16_t seq, uint16_t last)
{
	uint16_t diff = (uint16_t)(seq - last);

	return diff != 0 && diff < 0x8000;
}

static bool
in_home_subnet(const struct ha_cfg *cfg, const struct in6_addr *hoa)
{
	unsigned int i;

	for (i = 0; i < cfg->ha.n_prefixes6; i++)
		if (ha_prefix6_contains(&cfg->ha.prefixes6[i], hoa))
			return true;
	return false;
}

/* RFC 3963 §6.2: the prefix must be one the node may claim (configured, or inside one). */
static bool
mnp_authorised(const struct cp_mn *mn, const struct ha_prefix6 *p)
{
	unsigned int i;

	if (mn->pfx == NULL)
		return false;
	for (i = 0; i < mn->pfx->n6; i++)
		if (p->len >= mn->pfx->p6[i].len && ha_prefix6_contains(&mn->pfx->p6[i], &p->addr))
			return true;
	return false;
}

/* NEMO (RFC 3963 §6.2): fills d->mnp; returns false after rejecting. */
static bool
check_nemo(const struct wire_mh *bu, const struct ha_cfg *cfg, const struct cp_mn *mn,
	   const struct cp_bind *cur, struct cp_bu_decision *d)
{
	bool r = (bu->bu.flags & WIRE_BU_R) != 0;
	bool active = cur != NULL && cur->state >= CP_BIND_DAD && cur->state <= CP_BIND_ACTIVE;
	unsigned int i;

	if (!r) {
		if (active && cur->mr) {
			reject(d, WIRE_BA_REG_TYPE_CHANGE, "R flag cleared on a mobile router binding");
			return false;
		}
		return true;
	}
	if (!cfg->policy.mobile_routers || !mn->mobile_router) {
		reject(d, WIRE_BA_MR_NOT_PERMITTED, "mobile router operation not permitted");
		return false;
	}
	if (active && !cur->mr) {
		reject(d, WIRE_BA_REG_TYPE_CHANGE, "R flag set on a mobile host binding");
		return false;
	}
	d->mr = true;
	if (bu->opts.n_mnp > 0) {
		d->explicit_mnp = true;
		for (i = 0; i < bu->opts.n_mnp; i++) {
			struct ha_prefix6 p = { bu->opts.mnp[i].prefix, bu->opts.mnp[i].plen };

			if (p.len == 0 || p.len > 128 || !ha_prefix6_is_canonical(&p)) {
				reject(d, WIRE_BA_INVALID_PREFIX, "invalid mobile network prefix");
				return false;
			}
			if (!mnp_authorised(mn, &p)) {
				reject(d, WIRE_BA_PREFIX_NOT_AUTHORIZED,
				       "prefix not in the node's prefix table");
				return false;
			}
			d->mnp.p6[d->mnp.n6++] = p;
		}
		/* IPv4 mobile network prefixes are always implicit (RFC 5555 has no MNP4 option) */
		if (mn->pfx != NULL) {
			d->mnp.n4 = mn->pfx->n4;
			memcpy(d->mnp.p4, mn->pfx->p4, sizeof(d->mnp.p4));
		}
		return true;
	}
	if (mn->pfx == NULL || (mn->pfx->n6 == 0 && mn->pfx->n4 == 0)) {
		reject(d, WIRE_BA_FWD_SETUP_FAILED, "implicit mode and no configured prefix");
		return false;
	}
	d->mnp = *mn->pfx;
	return true;
}

/* IPv4 Home Address options (RFC 5555 §3.1.1, §4.5; protocol facts §19.5). */
static void
plan_v4(const struct wire_mh *bu, const struct cp_mn *mn, const struct cp_bind *cur,
	struct cp_bu_decision *d)
{
	bool active = cur != NULL && cur->state >= CP_BIND_DAD && cur->state <= CP_BIND_ACTIVE;
	bool seen_addr = false, seen_pfx = false;
	unsigned int i;

	d->n_v4 = bu->opts.n_v4hoa;
	for (i = 0; i < bu->opts.n_v4hoa; i++) {
		const struct wire_v4hoa *o = &bu->opts.v4hoa[i];
		struct cp_v4_plan *v = &d->v4[i];

		v->prefix = o->p;
		v->plen = o->plen;
		v->addr = o->addr;
		v->action = CP_V4_FAIL;
		if (o->plen == 0 || o->plen > 32 ||
		    (o->addr != 0 && !ha_addr4_is_unicast(o->addr))) {
			v->status = WIRE_V4ACK_INVALID_ADDR;
			continue;
		}
		/*
		 * A binding has one IPv4 home address and one delegated prefix (RFC 5555 §3.1.1:
		 * the option carries "the" address or prefix): a second option of the same kind
		 * is refused (protocol facts §19.5, "any other policy refusal": 129) and the
		 * first one stands.
		 */
		if (o->p ? seen_pfx : seen_addr) {
			v->status = WIRE_V4ACK_PROHIBITED;
			continue;
		}
		if (o->p)
			seen_pfx = true;
		else
			seen_addr = true;
		if (o->p) {
			/* a mobile network prefix for a mobile router (RFC 5555 §3.1.1) */
			if (!mn->ipv4_prefix) {
				v->status = WIRE_V4ACK_PREFIX_UNAUTHORIZED;
			} else if (active && cur->has_v4pfx &&
				   (o->addr == 0 || (o->addr == cur->v4pfx &&
						     o->plen == cur->v4pfx_len))) {
				v->action = CP_V4_KEEP;
				v->addr = cur->v4pfx;
				v->plen = cur->v4pfx_len;
			} else if (o->addr == 0) {
				v->action = CP_V4_ALLOC_PREFIX;
			} else {
				v->status = WIRE_V4ACK_INCORRECT_HOA;
			}
			continue;
		}
		switch (mn->hoa4_mode) {
		case CFG_HOA4_STATIC:
			if (o->addr == 0 || o->addr == mn->hoa4) {
				v->action = CP_V4_STATIC;
				v->addr = mn->hoa4;
				v->plen = 32;
			} else {
				v->status = WIRE_V4ACK_INCORRECT_HOA;
			}
			break;
		case CFG_HOA4_DYNAMIC:
			if (active && cur->has_hoa4 && cur->hoa4_dynamic &&
			    (o->addr == 0 || o->addr == cur->hoa4)) {
				v->action = CP_V4_KEEP;
				v->addr = cur->hoa4;
				v->plen = 32;
			} else if (o->addr == 0) {
				v->action = CP_V4_ALLOC_ADDR;
				v->plen = 32;
			} else {
				v->status = WIRE_V4ACK_INCORRECT_HOA;
			}
			break;
		default:
			v->status = WIRE_V4ACK_PROHIBITED;  /* no IPv4 home address for this node */
			break;
		}
	}
}

/* Granted lifetime in 4 s units: BU lifetime, policy, and the IPv4 lease (RFC 5555 §2.5). */
static uint16_t
grant_lifetime(uint16_t req, const struct ha_cfg *cfg, const struct cp_bu_decision *d)
{
	uint32_t units = req, lim = cfg->policy.max_lifetime / 4;
	unsigned int i;

	if (units > lim)
		units = lim;
	for (i = 0; i < d->n_v4; i++)
		if (d->v4[i].action == CP_V4_ALLOC_ADDR || d->v4[i].action == CP_V4_ALLOC_PREFIX ||
		    d->v4[i].action == CP_V4_KEEP)
			if (units > cfg->ha.ipv4_lease / 4)
				units = cfg->ha.ipv4_lease / 4;
	return (uint16_t)(units == 0 ? 1 : units);
}

void
cp_bu_check(const struct wire_mh *bu, const struct cp_rx_ctx *ctx, const struct ha_cfg *cfg,
	    const struct cp_mn *mn, const struct cp_bind *cur, struct cp_bu_decision *d)
{
	const struct cfg_policy *pol = &cfg->policy;
	const struct in6_addr *hoa = cp_bu_hoa(ctx);
	uint16_t flags = bu->bu.flags;
	bool active, f = (flags & WIRE_BU_F) != 0, dereg;
	unsigned int i;

	memset(d, 0, sizeof(*d));
	d->seq = bu->bu.seq;
	d->hoa = *hoa;
	active = cur != NULL && (cur->state == CP_BIND_ACTIVE || cur->state == CP_BIND_DAD);

	/* B.1: a unicast routable home address */
	if (!ha_addr6_is_routable_unicast(hoa))
		return discard(d, CP_DISCARD_BAD_HOA, "home address not unicast routable");
	/*
	 * §19.7 and R6275 §5.1: the BU must come on the signalling SA bound to its HoA. The
	 * lab-only require_ipsec = false admits clear BUs of nodes without a signalling SA;
	 * a node that has one is always protected (else anyone could move its binding).
	 */
	if (!ctx->protected_ && (pol->require_ipsec || (mn != NULL && mn->spi_sig_in != 0)))
		return discard(d, CP_DISCARD_UNPROTECTED, "BU without IPsec");
	if (ctx->protected_ && !ctx->sa_signalling)
		return discard(d, CP_DISCARD_NOT_SIGNALLING_SA, "BU on a payload SA");
	/* R5555 §4.2: BA over UDP carries NAT Detection, also when rejected (refined below) */
	if (ctx->udp4) {
		d->has_natd = true;
		d->natd.refresh = WIRE_NATD_NO_REFRESH;
	}
	if (ctx->protected_ && memcmp(&ctx->sa_hoa, hoa, 16) != 0)
		return reject(d, WIRE_BA_NOT_HA_FOR_MN, "home address is not the SA's");
	/* C.3 (relaxed by R3963 §6.2): the HoA must be in a prefix this home agent serves */
	if (!in_home_subnet(cfg, hoa))
		return reject(d, WIRE_BA_NOT_HOME_SUBNET, "home address outside the home prefixes");
	if (mn == NULL)
		return reject(d, WIRE_BA_NOT_HA_FOR_MN, "unknown mobile node");
	if (!(flags & WIRE_BU_H)) {
		if (flags & WIRE_BU_R)  /* R3963 §6.2: R needs H */
			return reject(d, WIRE_BA_MR_NOT_PERMITTED, "R flag without H flag");
		/* no route optimisation here: a correspondent registration is refused */
		return reject(d, WIRE_BA_PROHIBITED, "correspondent registration (H=0)");
	}
	/* B.4/B.5: Nonce Indices in a home registration invalidates the BU: silent discard */
	if (bu->opts.present & WIRE_MHOPT_BIT(WIRE_MHOPT_NONCE))
		return discard(d, CP_DISCARD_NONCE, "Nonce Indices in a home registration");
	/* B.2: sequence window, also against a binding kept after deregistration (D.4) */
	if (cur != NULL && cur->seq_valid && !seq_newer(bu->bu.seq, cur->last_seq)) {
		reject(d, WIRE_BA_SEQ_OUT_OF_WINDOW, "sequence number out of window");
		d->seq = cur->last_seq;
		return;
	}

	/* B.8 / F.1: the care-of address */
	if (ctx->udp4) {
		if (ctx->outer_known) {
			d->coa4 = ctx->outer_src4;
			d->port = ctx->outer_sport;
		} else if (active && cur->coa4 != 0) {
			/* heuristic mode: the outer address equals the one recorded */
			d->coa4 = cur->coa4;
			d->port = cur->port;
		} else {
			return discard(d, CP_DISCARD_NO_OUTER, "outer IPv4 address not recorded");
		}
		if (!ha_addr4_is_unicast(d->coa4))
			return discard(d, CP_DISCARD_BAD_COA, "IPv4 care-of address not unicast");
	} else {
		/* R6275 §9.5.1: the Alternate CoA, else the source; in IPv6-in-IPv6 the inner
		 * source is the home address and the outer one is the care-of address */
		d->coa6 = (bu->opts.present & WIRE_MHOPT_BIT(WIRE_MHOPT_ALTCOA)) ?
			  bu->opts.altcoa : ctx->tun6 ? ctx->outer_src6 : ctx->src6;
		if (!ha_addr6_is_routable_unicast(&d->coa6) && memcmp(&d->coa6, hoa, 16) != 0)
			return discard(d, CP_DISCARD_BAD_COA, "care-of address not unicast routable");
	}

	/* D: deregistration: lifetime 0, or CoA = HoA (RFC 3775 §9.5.1, RFC 3963 §6.2) */
	dereg = bu->bu.lifetime == 0 || (!ctx->udp4 && memcmp(&d->coa6, hoa, 16) == 0);
	if (dereg) {
		if (!active)
			return reject(d, WIRE_BA_NOT_HA_FOR_MN, "deregistration without a binding");
		d->verdict = CP_DEREGISTER;
		d->status = WIRE_BA_ACCEPTED;
		d->reason = "deregistration";
		d->lifetime = 0;
		d->n_v4 = bu->opts.n_v4hoa;
		for (i = 0; i < d->n_v4; i++) {
			d->v4[i].action = CP_V4_KEEP;
			d->v4[i].addr = bu->opts.v4hoa[i].addr;
			d->v4[i].plen = bu->opts.v4hoa[i].plen;
		}
		if (ctx->udp4)
			d->natd.refresh = WIRE_NATD_NO_REFRESH;
		return;
	}

	/* RFC 5555 carries the IPv4 CoA option over IPv4 only; 174 is RFC 6275's "invalid CoA" */
	if (!ctx->udp4 && (bu->opts.present & WIRE_MHOPT_BIT(WIRE_MHOPT_V4COA)))
		return reject(d, WIRE_BA_INVALID_COA, "IPv4 care-of address option on an IPv6 path");
	/* R5555 §4.4.1: UDP must not be used on an IPv6 link */
	if (ctx->udp6 || (!ctx->udp4 && f))
		return reject(d, pol->forced_udp_refuse_status, "UDP on an IPv6 link");

	if (!check_nemo(bu, cfg, mn, cur, d))
		return;

	if (ctx->udp4) {
		/* F.4: forced UDP, accepted or refused with the configured status (§19.3) */
		if (f && !pol->allow_forced_udp)
			return reject(d, pol->forced_udp_refuse_status, "forced UDP not allowed");
		/* F.2: NAT when the IPv4 CoA option differs from the outer source; without the
		 * option nothing proves the path is clean, so assume a NAT */
		if (bu->opts.present & WIRE_MHOPT_BIT(WIRE_MHOPT_V4COA))
			d->nat = bu->opts.v4coa != d->coa4;
		else
			d->nat = true;
		d->forced_udp = f;
		/* §19.2: TLV only when asked for and allowed, then in both directions */
		d->tlv = (flags & WIRE_BU_T) && pol->allow_tlv;
		d->fmt = d->nat || f ? (d->tlv ? BC_FMT_UDP_TLV : BC_FMT_UDP) : BC_FMT_IP4;
		/* §19.4 */
		d->natd.f = f;
		d->natd.refresh = d->nat ? pol->nat_refresh : WIRE_NATD_NO_REFRESH;
		if (d->tlv)
			d->ba_flags |= WIRE_BA_T;
	} else {
		d->fmt = BC_FMT_IP6;
	}

	plan_v4(bu, mn, cur, d);
	d->lifetime = grant_lifetime(bu->bu.lifetime, cfg, d);
	/* C.9: K only with dynamically keyed SAs the home agent can move: manual keys here */
	if (d->mr)
		d->ba_flags |= WIRE_BA_R;
	/* C.6: DAD for a new home address on the home link */
	d->dad = pol->dad && !active;
	d->verdict = CP_REGISTER;
	d->status = WIRE_BA_ACCEPTED;
	d->reason = active ? "refresh" : "new binding";
}
