/* SPDX-License-Identifier: BSD-3-Clause */
/* Text <-> binary IPv4/IPv6 addresses and prefixes, and prefix arithmetic (pure). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ha_addr.h"

int
ha_addr4_parse(const char *s, uint32_t *addr)
{
	struct in_addr a;

	if (s == NULL || inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*addr = a.s_addr;
	return 0;
}

int
ha_addr6_parse(const char *s, struct in6_addr *addr)
{
	if (s == NULL || inet_pton(AF_INET6, s, addr) != 1)
		return -1;
	return 0;
}

/* Split "addr/len" into a bounded copy of addr and a length; -1 on bad syntax. */
static int
prefix_split(const char *s, char *abuf, size_t alen, long *len, bool *has_len)
{
	const char *slash;
	char *end;
	size_t n;

	if (s == NULL)
		return -1;
	slash = strchr(s, '/');
	n = slash == NULL ? strlen(s) : (size_t)(slash - s);
	if (n == 0 || n >= alen)
		return -1;
	memcpy(abuf, s, n);
	abuf[n] = '\0';
	*has_len = slash != NULL;
	if (slash == NULL)
		return 0;
	if (slash[1] < '0' || slash[1] > '9')
		return -1;
	errno = 0;
	*len = strtol(slash + 1, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	return 0;
}

int
ha_prefix4_parse(const char *s, bool allow_host, struct ha_prefix4 *p)
{
	char abuf[INET_ADDRSTRLEN];
	bool has_len;
	long len = 32;

	if (prefix_split(s, abuf, sizeof(abuf), &len, &has_len) < 0)
		return -1;
	if (!has_len && !allow_host)
		return -1;
	if (len < 0 || len > 32 || ha_addr4_parse(abuf, &p->addr) < 0)
		return -1;
	p->len = (uint8_t)len;
	return 0;
}

int
ha_prefix6_parse(const char *s, bool allow_host, struct ha_prefix6 *p)
{
	char abuf[INET6_ADDRSTRLEN];
	bool has_len;
	long len = 128;

	if (prefix_split(s, abuf, sizeof(abuf), &len, &has_len) < 0)
		return -1;
	if (!has_len && !allow_host)
		return -1;
	if (len < 0 || len > 128 || ha_addr6_parse(abuf, &p->addr) < 0)
		return -1;
	p->len = (uint8_t)len;
	return 0;
}

uint32_t
ha_mask4(uint8_t len)
{
	if (len == 0)
		return 0;
	if (len >= 32)
		return 0xffffffffu;
	return htonl(~((1u << (32 - len)) - 1));
}

bool
ha_prefix4_is_canonical(const struct ha_prefix4 *p)
{
	return (p->addr & ~ha_mask4(p->len)) == 0;
}

/* Compare the first len bits of two IPv6 addresses. */
static bool
bits6_equal(const struct in6_addr *a, const struct in6_addr *b, unsigned int len)
{
	unsigned int bytes = len / 8, rem = len % 8;
	uint8_t m;

	if (memcmp(a->s6_addr, b->s6_addr, bytes) != 0)
		return false;
	if (rem == 0)
		return true;
	m = (uint8_t)(0xff << (8 - rem));
	return (a->s6_addr[bytes] & m) == (b->s6_addr[bytes] & m);
}

bool
ha_prefix6_is_canonical(const struct ha_prefix6 *p)
{
	unsigned int i;

	if (p->len < 128 && (p->addr.s6_addr[p->len / 8] & (0xff >> (p->len % 8))) != 0)
		return false;
	for (i = p->len / 8 + 1; i < 16; i++)
		if (p->addr.s6_addr[i] != 0)
			return false;
	return true;
}

bool
ha_prefix4_contains(const struct ha_prefix4 *p, uint32_t addr)
{
	uint32_t m = ha_mask4(p->len);

	return (addr & m) == (p->addr & m);
}

bool
ha_prefix6_contains(const struct ha_prefix6 *p, const struct in6_addr *addr)
{
	return bits6_equal(&p->addr, addr, p->len);
}

bool
ha_prefix4_overlaps(const struct ha_prefix4 *a, const struct ha_prefix4 *b)
{
	uint32_t m = ha_mask4(a->len < b->len ? a->len : b->len);

	return (a->addr & m) == (b->addr & m);
}

bool
ha_prefix6_overlaps(const struct ha_prefix6 *a, const struct ha_prefix6 *b)
{
	return bits6_equal(&a->addr, &b->addr, a->len < b->len ? a->len : b->len);
}

bool
ha_addr4_is_unicast(uint32_t addr)
{
	uint32_t h = ntohl(addr);

	if ((h >> 24) == 0 || (h >> 24) == 127)
		return false;
	if ((h >> 28) >= 0xe) /* 224/4 multicast, 240/4 reserved and broadcast */
		return false;
	return true;
}

bool
ha_addr6_is_routable_unicast(const struct in6_addr *a)
{
	if (IN6_IS_ADDR_UNSPECIFIED(a) || IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_MULTICAST(a) ||
	    IN6_IS_ADDR_LINKLOCAL(a) || IN6_IS_ADDR_V4MAPPED(a))
		return false;
	return true;
}

const char *
ha_addr4_str(uint32_t addr, char *buf, size_t len)
{
	struct in_addr a = { .s_addr = addr };

	if (inet_ntop(AF_INET, &a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

const char *
ha_addr6_str(const struct in6_addr *a, char *buf, size_t len)
{
	if (inet_ntop(AF_INET6, a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

const char *
ha_prefix4_str(const struct ha_prefix4 *p, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN];

	snprintf(buf, len, "%s/%u", ha_addr4_str(p->addr, a, sizeof(a)), p->len);
	return buf;
}

const char *
ha_prefix6_str(const struct ha_prefix6 *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	snprintf(buf, len, "%s/%u", ha_addr6_str(&p->addr, a, sizeof(a)), p->len);
	return buf;
}

bool
ha_addr6_add(const struct in6_addr *a, uint64_t k, struct in6_addr *out)
{
	uint64_t carry = k;
	int i;

	*out = *a;
	/* from the last byte up, as one big-endian number */
	for (i = 15; i >= 0 && carry != 0; i--) {
		uint64_t v = out->s6_addr[i] + (carry & 0xff);

		out->s6_addr[i] = (uint8_t)v;
		carry = (carry >> 8) + (v >> 8);
	}
	return carry == 0;
}
