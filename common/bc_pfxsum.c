/* SPDX-License-Identifier: BSD-3-Clause */
/* The summary of the registered mobile network prefixes (see bc_pfxsum.h). */
#include <arpa/inet.h>

#include "bc_pfxsum.h"

/* ------------------------------------------------------------------ IPv6 */

/* Ranges as (net, len) in host order, 128 bits as two words: simpler to compare and widen. */
struct r6 {
	uint64_t hi, lo;
	uint8_t len;
};

static uint64_t
mask64(unsigned int bits)
{
	return bits == 0 ? 0 : bits >= 64 ? ~0ull : ~0ull << (64 - bits);
}

static struct r6
r6_make(uint64_t hi, uint64_t lo, unsigned int len)
{
	struct r6 r = { .hi = hi & mask64(len), .lo = lo & mask64(len > 64 ? len - 64 : 0),
			.len = (uint8_t)len };

	return r;
}

static struct r6
r6_get(const struct bc_pfxsum *s, uint32_t i)
{
	uint64_t n[2], m[2];

	memcpy(n, s->r6[i].net, 16);
	memcpy(m, s->r6[i].mask, 16);
	return r6_make(be64toh(n[0]), be64toh(n[1]),
		       (unsigned int)(__builtin_popcountll(m[0]) + __builtin_popcountll(m[1])));
}

static void
r6_put(struct bc_pfxsum *s, uint32_t i, struct r6 r)
{
	uint64_t w[2] = { htobe64(r.hi), htobe64(r.lo) };

	s->r6[i] = bc_range6_of(w, r.len);
}

/* Does a cover b? */
static bool
r6_covers(struct r6 a, struct r6 b)
{
	return a.len <= b.len && r6_make(b.hi, b.lo, a.len).hi == a.hi &&
	       r6_make(b.hi, b.lo, a.len).lo == a.lo;
}

/* The leading bits a and b share, at most the shorter length. */
static unsigned int
r6_common(struct r6 a, struct r6 b)
{
	unsigned int c = a.hi != b.hi ? (unsigned int)__builtin_clzll(a.hi ^ b.hi) :
			 a.lo != b.lo ? 64u + (unsigned int)__builtin_clzll(a.lo ^ b.lo) : 128u;

	c = c < a.len ? c : a.len;
	return c < b.len ? c : b.len;
}

/* Drop every range but keep that r covers. */
static void
r6_drop_covered(struct bc_pfxsum *s, struct r6 r, uint32_t keep)
{
	uint32_t i = 0;

	while (i < s->n6) {
		if (i != keep && r6_covers(r, r6_get(s, i))) {
			s->r6[i] = s->r6[s->n6 - 1];
			if (keep == s->n6 - 1)
				keep = i;
			s->n6--;
			continue;
		}
		i++;
	}
}

bool
bc_pfxsum_add6(struct bc_pfxsum *s, const struct in6_addr *prefix, uint8_t len)
{
	uint64_t w[2];
	struct r6 p;
	uint32_t i, best = 0;
	unsigned int c, best_c = 0;

	if (len > 128)
		return false;
	memcpy(w, prefix, 16);
	p = r6_make(be64toh(w[0]), be64toh(w[1]), len);
	for (i = 0; i < s->n6; i++)
		if (r6_covers(r6_get(s, i), p))
			return false;
	r6_drop_covered(s, p, UINT32_MAX);
	if (s->n6 < BC_PFXSUM_MAX) {
		r6_put(s, s->n6++, p);
		return true;
	}
	for (i = 0; i < s->n6; i++) {
		c = r6_common(r6_get(s, i), p);
		if (i == 0 || c > best_c) {
			best = i;
			best_c = c;
		}
	}
	p = r6_make(p.hi, p.lo, best_c);
	r6_put(s, best, p);
	r6_drop_covered(s, p, best);
	return true;
}

/* ------------------------------------------------------------------ IPv4 */

static uint32_t
mask32(unsigned int bits)
{
	return bits == 0 ? 0 : ~0u << (32 - bits);
}

/* Does range i of s (host order below) cover net/len? */
static bool
r4_covers(uint32_t anet, unsigned int alen, uint32_t bnet, unsigned int blen)
{
	return alen <= blen && (bnet & mask32(alen)) == anet;
}

static void
r4_get(const struct bc_pfxsum *s, uint32_t i, uint32_t *net, unsigned int *len)
{
	*net = ntohl(s->r4[i].net);
	*len = (unsigned int)__builtin_popcount(s->r4[i].mask);
}

static void
r4_put(struct bc_pfxsum *s, uint32_t i, uint32_t net, unsigned int len)
{
	s->r4[i] = bc_range4_of(htonl(net), len);
}

static void
r4_drop_covered(struct bc_pfxsum *s, uint32_t net, unsigned int len, uint32_t keep)
{
	uint32_t i = 0, n;
	unsigned int l;

	while (i < s->n4) {
		r4_get(s, i, &n, &l);
		if (i != keep && r4_covers(net, len, n, l)) {
			s->r4[i] = s->r4[s->n4 - 1];
			if (keep == s->n4 - 1)
				keep = i;
			s->n4--;
			continue;
		}
		i++;
	}
}

bool
bc_pfxsum_add4(struct bc_pfxsum *s, uint32_t prefix, uint8_t len)
{
	uint32_t p, i, n, best = 0;
	unsigned int l, c, best_c = 0;

	if (len > 32)
		return false;
	p = ntohl(prefix) & mask32(len);
	for (i = 0; i < s->n4; i++) {
		r4_get(s, i, &n, &l);
		if (r4_covers(n, l, p, len))
			return false;
	}
	r4_drop_covered(s, p, len, UINT32_MAX);
	if (s->n4 < BC_PFXSUM_MAX) {
		r4_put(s, s->n4++, p, len);
		return true;
	}
	for (i = 0; i < s->n4; i++) {
		r4_get(s, i, &n, &l);
		c = n == p ? 32u : (unsigned int)__builtin_clz(n ^ p);
		c = c < l ? c : l;
		c = c < len ? c : len;
		if (i == 0 || c > best_c) {
			best = i;
			best_c = c;
		}
	}
	r4_put(s, best, p, best_c);
	r4_drop_covered(s, p & mask32(best_c), best_c, best);
	return true;
}
