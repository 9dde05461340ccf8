/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers for binding cache tests: deterministic addresses per mobile node and version. */
#ifndef BC_UTIL_H
#define BC_UTIL_H

#include <arpa/inet.h>
#include <string.h>

#include "bc.h"
#include "wire_csum.h"
#include "wire_ip.h"

/* 2001:db8:1::<mn> and 100.64.0.0 + mn (keys only, nothing goes on a wire) */
static inline void
t_hoa6(uint32_t mn, struct in6_addr *a)
{
	inet_pton(AF_INET6, "2001:db8:1::", a);
	a->s6_addr32[3] = htonl(mn);
}

static inline uint32_t
t_hoa4(uint32_t mn)
{
	return htonl(0x64400000u + mn);
}

/* The CoA encodes (mn, version) so that a reader can check what it sees. */
static inline void
t_coa6(uint32_t mn, uint32_t ver, struct in6_addr *a)
{
	inet_pton(AF_INET6, "2001:db8:b::", a);
	a->s6_addr32[2] = htonl(mn);
	a->s6_addr32[3] = htonl(ver);
}

static inline uint32_t
t_coa4(uint32_t ver)
{
	return htonl(0xcb007100u | (ver & 0xff));   /* 203.0.113.x */
}

/* Fill e for mobile node mn at version ver: odd versions IPv6 CoA, even IPv4/UDP (NAT). */
static inline void
t_fill(struct bc_entry *e, uint32_t mn, uint32_t ver, bool with4)
{
	struct bc_tmpl_src src = { .hop_limit = 64 };

	inet_pton(AF_INET6, "2001:db8:1::1", &src.ha6);
	src.ha4 = htonl(0xc6336401);  /* 198.51.100.1 */
	e->mn = mn;
	t_hoa6(mn, &e->hoa6);
	e->flags = with4 ? BC_F_HOA4 : 0;
	e->hoa4 = with4 ? t_hoa4(mn) : 0;
	e->hoa4_plen = 32;
	if (ver % 2) {
		e->fmt = BC_FMT_IP6;
		t_coa6(mn, ver, &e->coa6);
		e->coa4 = 0;
		e->nat_port = 0;
	} else {
		e->fmt = BC_FMT_UDP;
		e->flags |= BC_F_NAT;
		memset(&e->coa6, 0, 16);
		e->coa4 = t_coa4(ver);
		e->nat_port = htons((uint16_t)(1024 + (ver % 60000)));
	}
	e->expire = ver;   /* the version, for readers to compare with the CoA */
	bc_tmpl_build(e, &src);
}

/*
 * Is e internally consistent for mobile node mn? CoA, template and checksum must agree.
 * Returns 0 or a small code saying what disagreed.
 */
static inline int
t_check(const struct bc_entry *e, uint32_t mn)
{
	struct in6_addr h;
	uint32_t ver = e->expire;
	uint8_t hdr[20];

	if (e->mn != mn)
		return 1;
	t_hoa6(mn, &h);
	if (memcmp(&e->hoa6, &h, 16) != 0)
		return 2;
	if (e->fmt == BC_FMT_IP6) {
		struct in6_addr c;

		t_coa6(mn, ver, &c);
		if (memcmp(&e->coa6, &c, 16) != 0 || memcmp(e->tmpl + 24, &c, 16) != 0 ||
		    e->tmpl_len != 40 || (e->tmpl[0] >> 4) != 6)
			return 3;
	} else if (e->fmt == BC_FMT_UDP) {
		if (e->coa4 != t_coa4(ver) || memcmp(e->tmpl + 16, &e->coa4, 4) != 0 ||
		    e->tmpl_len != 28 || memcmp(e->tmpl + 22, &e->nat_port, 2) != 0 ||
		    e->nat_port != htons((uint16_t)(1024 + (ver % 60000))))
			return 4;
		/* the template checksum completes to a valid IPv4 header */
		memcpy(hdr, e->tmpl, 20);
		wire_wr16(hdr + 2, 100);
		hdr[9] = 17;
		wire_wr16(hdr + 10, bc_tmpl_ip4_csum(e, 100, 17));
		if (wire_csum_ip4(hdr, 20) != 0)
			return 5;
	} else {
		return 6;
	}
	return 0;
}

#endif /* BC_UTIL_H */
