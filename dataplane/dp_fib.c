/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The forwarding table over rte_lpm (IPv4) and rte_fib6's trie (IPv6). rte_fib6 rather than
 * rte_lpm6: a bulk of 32 destinations under the bench's routes (connected /64s inside
 * 2001:db8::/32, a default route) costs ~6 TSC cycles each against rte_lpm6's ~10 (the
 * two side by side, same addresses, 2026-12-07); for IPv4 rte_lpm stays (1.6 against
 * rte_fib's 1.9).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_lpm.h>
#include <rte_fib6.h>
#include <rte_malloc.h>

#include "cfg.h"
#include "dp_adj.h"
#include "dp_fib.h"
#include "ha_log.h"

/* rte_lpm takes depths from 1: default routes are kept beside the tables (both families,
 * alike). */
#define NO_DEFAULT UINT32_MAX
/* rte_fib6's answer for "no route": its largest next hop with 2-byte entries (a table of
 * 2^24 of them is 32 MiB, half of 4-byte ones); next hop indexes stay below it */
#define NO_ROUTE6 ((1u << 15) - 1)

struct dp_fib {
	struct rte_lpm *l4;
	struct rte_fib6 *l6;
	uint32_t default4;
	uint32_t default6;
	uint32_t n_nh;
	struct dp_nh nh[];
};

static int
add4(struct dp_fib *f, const struct ha_prefix4 *p, const struct dp_nh *nh)
{
	uint32_t idx = f->n_nh++;

	f->nh[idx] = *nh;
	f->nh[idx].family = 4;
	if (p->len == 0) {
		f->default4 = idx;
		return 0;
	}
	return rte_lpm_add(f->l4, rte_be_to_cpu_32(p->addr & ha_mask4(p->len)), p->len, idx);
}

static int
add6(struct dp_fib *f, const struct ha_prefix6 *p, const struct dp_nh *nh)
{
	uint32_t idx = f->n_nh++;

	f->nh[idx] = *nh;
	f->nh[idx].family = 6;
	if (p->len == 0) {
		f->default6 = idx;
		return 0;
	}
	return rte_fib6_add(f->l6, p->addr.s6_addr, p->len, idx);
}

struct dp_fib *
dp_fib_create(const struct ha_cfg *cfg, const char *name, int socket)
{
	uint32_t n = cfg->n_routes + 2 * cfg->n_ports + 1, i;
	char nm[RTE_LPM_NAMESIZE];
	struct dp_fib *f;
	int rc = 0;

	if (n >= NO_ROUTE6) {
		DP_LOG(ERR, "forwarding table: %u next hops, at most %u", n, NO_ROUTE6 - 1);
		rte_errno = EINVAL;
		return NULL;
	}
	f = rte_zmalloc_socket("dp_fib", sizeof(*f) + n * sizeof(struct dp_nh), 0, socket);
	if (f == NULL)
		return NULL;
	f->default4 = f->default6 = NO_DEFAULT;
	snprintf(nm, sizeof(nm), "%s_4", name);
	f->l4 = rte_lpm_create(nm, socket, &(struct rte_lpm_config){
		.max_rules = n, .number_tbl8s = 256 });
	snprintf(nm, sizeof(nm), "%s_6", name);
	f->l6 = rte_fib6_create(nm, socket, &(struct rte_fib6_conf){
		.type = RTE_FIB6_TRIE, .default_nh = NO_ROUTE6, .max_routes = (int)n,
		.trie = { .nh_sz = RTE_FIB6_TRIE_2B, .num_tbl8 = 1024 } });
	if (f->l4 == NULL || f->l6 == NULL)
		goto fail;
	/* connected subnets first; a static route of the same prefix replaces them */
	for (i = 0; i < cfg->n_ports && rc == 0; i++) {
		const struct cfg_port *p = &cfg->ports[i];
		struct dp_nh nh = { .port = (uint16_t)i, .connected = true };

		if (p->has_ip4)
			rc = add4(f, &p->ip4, &nh);
		if (rc == 0 && p->has_ip6) {
			struct ha_prefix6 c = p->ip6;
			unsigned int b;

			for (b = c.len; b < 128; b++)
				c.addr.s6_addr[b / 8] &= (uint8_t)~(0x80 >> (b % 8));
			rc = add6(f, &c, &nh);
		}
	}
	for (i = 0; i < cfg->n_routes && rc == 0; i++) {
		const struct cfg_route *r = &cfg->routes[i];
		struct dp_nh nh = { .port = r->port, .gw4 = r->via4, .gw6 = r->via6 };

		rc = r->family == AF_INET ? add4(f, &r->dst4, &nh) : add6(f, &r->dst6, &nh);
	}
	if (rc != 0) {
		DP_LOG(ERR, "forwarding table: %s", strerror(-rc));
		goto fail;
	}
	return f;
fail:
	dp_fib_free(f);
	rte_errno = ENOMEM;
	return NULL;
}

void
dp_fib_free(struct dp_fib *f)
{
	if (f == NULL)
		return;
	rte_lpm_free(f->l4);
	rte_fib6_free(f->l6);
	rte_free(f);
}

int
dp_fib_lookup4(const struct dp_fib *f, uint32_t dst, uint16_t *port, uint32_t *nh)
{
	const struct dp_nh *h = dp_fib_nh4(f, dst);

	if (h == NULL)
		return -ENOENT;
	*port = h->port;
	*nh = h->connected ? dst : h->gw4;
	return 0;
}

int
dp_fib_lookup6(const struct dp_fib *f, const struct in6_addr *dst, uint16_t *port,
	       struct in6_addr *nh)
{
	/* dst may point into a packet (2 mod 4 after Ethernet): read as bytes */
	const struct dp_nh *h = dp_fib_nh6(f, (const uint8_t *)dst);

	if (h == NULL)
		return -ENOENT;
	*port = h->port;
	memcpy(nh, h->connected ? (const void *)dst : (const void *)&h->gw6, sizeof(*nh));
	return 0;
}

void
dp_fib_lookup4_bulk(const struct dp_fib *f, const uint32_t *dst4, unsigned int n,
		    const struct dp_nh **nh)
{
	uint32_t ips[64], hop[64];
	unsigned int i;

	for (i = 0; i < n; i++)
		ips[i] = rte_be_to_cpu_32(dst4[i]);
	rte_lpm_lookup_bulk(f->l4, ips, hop, n);
	for (i = 0; i < n; i++) {
		if (hop[i] & RTE_LPM_LOOKUP_SUCCESS)
			nh[i] = &f->nh[hop[i] & 0x00ffffff];
		else
			nh[i] = f->default4 != NO_DEFAULT ? &f->nh[f->default4] : NULL;
	}
}

void
dp_fib_lookup6_bulk(const struct dp_fib *f, const uint8_t (*dst6)[16], unsigned int n,
		    const struct dp_nh **nh)
{
	uint64_t hop[64];
	unsigned int i;

	rte_fib6_lookup_bulk(f->l6, (uint8_t (*)[16])(uintptr_t)dst6, hop, (int)n);
	for (i = 0; i < n; i++) {
		if (hop[i] != NO_ROUTE6)
			nh[i] = &f->nh[hop[i]];
		else
			nh[i] = f->default6 != NO_DEFAULT ? &f->nh[f->default6] : NULL;
	}
}

void
dp_fib_attach_adj(struct dp_fib *f, struct dp_adj_table *t, const struct dp_ctx *c)
{
	uint32_t i, id;

	for (i = 0; i < f->n_nh; i++) {
		struct dp_nh *h = &f->nh[i];

		if (h->connected)
			continue;
		id = h->family == 4 ? dp_adj_ref(t, c, 4, &h->gw4) : dp_adj_ref(t, c, 6, &h->gw6);
		h->adj = id == DP_ADJ_NONE ? 0 : id + 1;
	}
}

const struct dp_nh *
dp_fib_nh4(const struct dp_fib *f, uint32_t dst)
{
	uint32_t idx;

	if (rte_lpm_lookup(f->l4, rte_be_to_cpu_32(dst), &idx) == 0)
		return &f->nh[idx];
	return f->default4 != NO_DEFAULT ? &f->nh[f->default4] : NULL;
}

const struct dp_nh *
dp_fib_nh6(const struct dp_fib *f, const uint8_t *dst)
{
	uint8_t ip[1][16];
	uint64_t idx;

	memcpy(ip[0], dst, 16);
	rte_fib6_lookup_bulk(f->l6, ip, &idx, 1);
	if (idx != NO_ROUTE6)
		return &f->nh[idx];
	return f->default6 != NO_DEFAULT ? &f->nh[f->default6] : NULL;
}
