/* SPDX-License-Identifier: BSD-3-Clause */
/* The home link's protocol, pure (see cp_hl.h). */
#include <string.h>

#include "cp_hl.h"
#include "ha_addr.h"

/* RFC 4861 §6.2.1 AdvValidLifetime / AdvPreferredLifetime defaults */
#define PIO_VALID_S 2592000
#define PIO_PREFERRED_S 604800

uint8_t
cp_hl_pios(const struct ha_cfg *cfg, struct wire_pio *pio)
{
	uint8_t n = 0;
	unsigned int i;

	for (i = 0; i < cfg->ha.n_prefixes6 && n < WIRE_RA_PIO_MAX; i++) {
		const struct ha_prefix6 *p = &cfg->ha.prefixes6[i];
		struct wire_pio *pi = &pio[n++];

		/* on-link only: whether hosts autoconfigure on the home link is not ours */
		pi->plen = p->len;
		pi->flags = WIRE_PIO_L;
		pi->valid = PIO_VALID_S;
		pi->preferred = PIO_PREFERRED_S;
		pi->prefix = p->addr;
		if (ha_prefix6_contains(p, &cfg->ha.addr6)) {
			/* R6275 §7.2: R set, the prefix field is the home agent's address */
			pi->flags |= WIRE_PIO_R;
			pi->prefix = cfg->ha.addr6;
		}
	}
	return n;
}

void
cp_hl_ra(const struct ha_cfg *cfg, const uint8_t mac[6], uint16_t mtu, struct wire_ra *ra)
{
	const struct cfg_home_link *hl = &cfg->home_link;

	memset(ra, 0, sizeof(*ra));
	ra->cur_hop_limit = 64;
	ra->flags = WIRE_RA_H;
	ra->router_lifetime = hl->router_lifetime;
	ra->has_slla = true;
	memcpy(ra->slla, mac, 6);
	ra->mtu = mtu;
	ra->n_pio = cp_hl_pios(cfg, ra->pio);
	/* R6275 §7.3: how often to expect RAs, for movement detection */
	ra->has_interval = true;
	ra->interval_ms = hl->interval_ms;
	ra->has_ha_info = true;
	ra->ha_pref = hl->ha_preference;
	ra->ha_lifetime = hl->ha_lifetime;
}

static struct cp_hl_agent *
find(struct cp_hl *hl, const struct in6_addr *addr)
{
	unsigned int i;

	for (i = 0; i < hl->n; i++)
		if (memcmp(&hl->agents[i].addr, addr, 16) == 0)
			return &hl->agents[i];
	return NULL;
}

static void
drop_at(struct cp_hl *hl, unsigned int i)
{
	/* keep the order heard: DHAAD lists equal preferences in it */
	memmove(&hl->agents[i], &hl->agents[i + 1], (hl->n - i - 1) * sizeof(hl->agents[0]));
	hl->n--;
}

bool
cp_hl_learn(struct cp_hl *hl, const struct wire_ra *ra, const struct in6_addr *src,
	    uint16_t port, uint64_t now_ms)
{
	const struct wire_pio *r = NULL;
	struct cp_hl_agent *a;
	uint16_t lifetime;
	unsigned int i;

	if (!(ra->flags & WIRE_RA_H))
		return false;
	for (i = 0; i < ra->n_pio && i < WIRE_RA_PIO_MAX; i++)
		if (ra->pio[i].flags & WIRE_PIO_R) {
			r = &ra->pio[i];
			break;
		}
	/* R6275 §10.5.1: without a global address (R) it cannot be listed */
	if (r == NULL)
		return true;
	lifetime = ra->has_ha_info ? ra->ha_lifetime : ra->router_lifetime;
	a = find(hl, &r->prefix);
	if (lifetime == 0) {
		if (a != NULL)
			drop_at(hl, (unsigned int)(a - hl->agents));
		return true;
	}
	if (a == NULL) {
		if (hl->n == CP_HL_AGENTS_MAX) {
			hl->stats.list_full++;
			return true;
		}
		a = &hl->agents[hl->n++];
		a->addr = r->prefix;
	}
	a->ll = *src;
	a->port = port;
	a->pref = ra->has_ha_info ? ra->ha_pref : 0;
	a->expiry_ms = now_ms + (uint64_t)lifetime * 1000;
	return true;
}

void
cp_hl_expire(struct cp_hl *hl, uint64_t now_ms)
{
	unsigned int i = 0;

	while (i < hl->n) {
		if (hl->agents[i].expiry_ms <= now_ms)
			drop_at(hl, i);
		else
			i++;
	}
}

unsigned int
cp_hl_dhaad(struct cp_hl *hl, const struct in6_addr *self, int16_t self_pref,
	    const struct ha_prefix6 *pfx, uint64_t now_ms, struct in6_addr *out, unsigned int max)
{
	struct in6_addr addr[CP_HL_AGENTS_MAX + 1];
	int16_t pref[CP_HL_AGENTS_MAX + 1];
	unsigned int n = 0, i, j;

	addr[n] = *self;
	pref[n++] = self_pref;
	for (i = 0; i < hl->n; i++) {
		const struct cp_hl_agent *a = &hl->agents[i];

		if (a->expiry_ms <= now_ms || !ha_prefix6_contains(pfx, &a->addr) ||
		    memcmp(&a->addr, self, 16) == 0)
			continue;
		addr[n] = a->addr;
		pref[n++] = a->pref;
	}
	/* insertion sort, stable: higher preference first */
	for (i = 1; i < n; i++) {
		struct in6_addr x = addr[i];
		int16_t p = pref[i];

		for (j = i; j > 0 && pref[j - 1] < p; j--) {
			addr[j] = addr[j - 1];
			pref[j] = pref[j - 1];
		}
		addr[j] = x;
		pref[j] = p;
	}
	/* each run of equal preferences shuffled (Fisher-Yates) */
	for (i = 0; i < n; i = j) {
		unsigned int k;

		for (j = i + 1; j < n && pref[j] == pref[i]; j++)
			;
		for (k = j - 1; k > i; k--) {
			unsigned int r = i + (unsigned int)(cp_hl_rand(hl) % (k - i + 1));
			struct in6_addr t = addr[k];

			addr[k] = addr[r];
			addr[r] = t;
		}
	}
	if (n > max)
		n = max;
	memcpy(out, addr, n * sizeof(addr[0]));
	return n;
}

int16_t
cp_hl_preference(const struct ha_cfg *cfg, uint64_t bindings)
{
	int32_t p = cfg->home_link.ha_preference;

	if (cfg->home_link.load_following && cfg->cap.bindings > 0) {
		if (bindings > cfg->cap.bindings)
			bindings = cfg->cap.bindings;
		p -= (int32_t)(bindings * 1000 / cfg->cap.bindings);
	}
	return (int16_t)(p < INT16_MIN ? INT16_MIN : p);
}

uint64_t
cp_hl_rand(struct cp_hl *hl)
{
	uint64_t x = hl->rnd != 0 ? hl->rnd : 0x9e3779b97f4a7c15ull;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	hl->rnd = x;
	return x;
}

uint64_t
cp_hl_next_delay(struct cp_hl *hl, uint32_t interval_ms)
{
	return interval_ms - (cp_hl_rand(hl) % (interval_ms / 4 + 1));
}
