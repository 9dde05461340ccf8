/* SPDX-License-Identifier: BSD-3-Clause */
/* Addresses from text for Criterion tests: a bad literal fails the test, not later. */
#ifndef T_ADDR_H
#define T_ADDR_H

#include <arpa/inet.h>
#include <stdint.h>

#include <criterion/criterion.h>

static inline struct in6_addr
a6(const char *s)
{
	struct in6_addr a;

	cr_assert_eq(inet_pton(AF_INET6, s, &a), 1, "bad IPv6 %s", s);
	return a;
}

/** @return the address in network order. */
static inline uint32_t
a4(const char *s)
{
	uint32_t a;

	cr_assert_eq(inet_pton(AF_INET, s, &a), 1, "bad IPv4 %s", s);
	return a;
}

#endif /* T_ADDR_H */
