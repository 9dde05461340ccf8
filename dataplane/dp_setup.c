/* SPDX-License-Identifier: BSD-3-Clause */
/* Data-plane wiring before the workers are launched. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "bc.h"
#include "dp_fib.h"
#include "dp_adj.h"
#include "dp_neigh.h"
#include "dp_setup.h"
#include "ha_log.h"
#include "wire_ha.h"
#include "wire_nd.h"

#define NEIGH_CAPACITY 16384
/* adjacencies: one per next hop (bindings behind routers share one); on-link care-of
 * addresses are each their own, up to this many, the rest route per packet */
#define ADJ_CAPACITY_MAX 65536

/* DHAAD requests come to the home-agents anycast address (R6275 §10.5) */
void
dp_setup_anycast(struct dp_ctx *c, const struct ha_cfg *cfg, void (*sync)(void *), void *arg)
{
	uint8_t i, n = 0;

	__atomic_store_n(&c->n_anycast6, 0, __ATOMIC_RELEASE);
	if (sync != NULL)
		sync(arg);
	for (i = 0; i < cfg->ha.n_prefixes6 && i < CFG_MAX_HOME_PREFIXES; i++)
		wire_ha_anycast(&cfg->ha.prefixes6[i].addr, cfg->ha.prefixes6[i].len,
				&c->anycast6[n++]);
	__atomic_store_n(&c->n_anycast6, n, __ATOMIC_RELEASE);
}

int
dp_setup_init(struct dp_setup *s, const struct ha_cfg *cfg, const struct dp_port *ports,
	      unsigned int n_ports, struct bc *bc, struct dp_sadb *sadb,
	      struct rte_mempool *pool, struct dp_lcore *workers, unsigned int n_workers)
{
	struct dp_ctx *c = &s->ctx;
	int socket = (int)rte_socket_id();
	char name[RTE_RING_NAMESIZE];
	unsigned int i, w;

	memset(s, 0, sizeof(*s));
	s->n_workers = n_workers;
	c->n_ports = (uint16_t)n_ports;
	c->bc = bc;
	c->sadb = sadb;
	c->n_workers = (uint16_t)n_workers;
	c->pool = pool;
	if (n_workers > DP_MAX_WORKERS) {
		DP_LOG(ERR, "%u workers: at most %u", n_workers, DP_MAX_WORKERS);
		return -EINVAL;
	}
	c->icmp_rate = cfg->policy.icmp_error_rate;
	c->punt_rate = cfg->dp.punt_rate;
	c->ike_punt = cfg->ike.enabled && cfg->ike.tap[0] != '\0';
	c->ha6 = cfg->ha.addr6;
	c->has_ha4 = cfg->ha.has_addr4;
	c->ha4 = cfg->ha.addr4;
	dp_ctx_add_local6(c, &cfg->ha.addr6);
	dp_setup_anycast(c, cfg, NULL, NULL);
	if (cfg->ha.has_addr4)
		dp_ctx_add_local4(c, cfg->ha.addr4);
	for (i = 0; i < n_ports; i++) {
		struct dp_port_info *pi = &c->port[i];
		const struct cfg_port *cp = ports[i].cfg;

		pi->port_id = ports[i].port_id;
		pi->mtu = ports[i].mtu;
		pi->role = (uint8_t)cp->role;
		memcpy(pi->mac, ports[i].mac.addr_bytes, 6);
		wire_nd_link_local(pi->mac, &pi->ll6);
		pi->has4 = cp->has_ip4;
		pi->ip4 = cp->ip4.addr;
		pi->has6 = cp->has_ip6;
		pi->ip6 = cp->ip6.addr;
		if (pi->has4)
			dp_ctx_add_local4(c, pi->ip4);
		if (pi->has6)
			dp_ctx_add_local6(c, &pi->ip6);
		if (ports[i].ctl_txq == DP_NO_CTL_TXQ) {
			snprintf(name, sizeof(name), "ctltx%u", i);
			pi->ctl_tx = rte_ring_create(name, DP_CTL_TX_RING, socket,
						     RING_F_SP_ENQ | RING_F_SC_DEQ);
			if (pi->ctl_tx == NULL)
				goto nomem;
		}
	}
	c->fib = dp_fib_create(cfg, "ha_fib", socket);
	c->neigh = dp_neigh_create("ha", NEIGH_CAPACITY, bc_rcu(bc), socket);
	c->adjt = dp_adj_create(RTE_MIN(cfg->cap.bindings + 64, (uint32_t)ADJ_CAPACITY_MAX),
				bc_rcu(bc), socket);
	c->adj = c->adjt != NULL ? dp_adj_array(c->adjt) : NULL;
	if (c->fib == NULL || c->neigh == NULL || c->adjt == NULL)
		goto nomem;
	/* routes through a gateway: stacked on its adjacency (resolved with the neighbour) */
	dp_fib_attach_adj(c->fib, c->adjt, c);
	for (w = 0; w < n_workers; w++) {
		struct dp_lcore *lc = &workers[w];

		/* each worker polls its queue on every port */
		lc->n_ports = (uint16_t)n_ports;
		for (i = 0; i < n_ports; i++)
			lc->port_ids[i] = ports[i].port_id;
		lc->bc = bc;
		snprintf(name, sizeof(name), "punt%u", w);
		s->punt[w] = rte_ring_create(name, cfg->dp.punt_ring, socket,
					     RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "sig%u", w);
		s->sig[w] = rte_ring_create(name, cfg->dp.punt_ring, socket,
					    RING_F_SP_ENQ | RING_F_SC_DEQ);
		lc->ctx = c;
		lc->punt = s->punt[w];
		lc->sig = s->sig[w];
		lc->seen_cap = cfg->cap.bindings;
		lc->seen_s = rte_zmalloc_socket("dp_seen", sizeof(uint32_t) * lc->seen_cap, 0,
						socket);
		lc->natt_s = rte_zmalloc_socket("dp_natt", sizeof(uint32_t) * lc->seen_cap, 0,
						socket);
		lc->mn_ctr = rte_zmalloc_socket("dp_mn_ctr", sizeof(lc->mn_ctr[0]) * lc->seen_cap,
						RTE_CACHE_LINE_SIZE, socket);
		if (s->punt[w] == NULL || s->sig[w] == NULL || lc->seen_s == NULL || lc->natt_s == NULL ||
		    lc->mn_ctr == NULL ||
		    dp_lcore_init_tx(lc, socket) != 0)
			goto nomem;
		if (sadb != NULL) {
			snprintf(name, sizeof(name), "esp%u", w);
			/* any worker may steer to this one: multi-producer */
			c->esp_ring[w] = rte_ring_create(name, cfg->dp.esp_ring, socket,
							 RING_F_SC_DEQ);
			lc->sa_ctr = dp_sadb_counters(sadb, (uint16_t)w);
			lc->esp = dp_sadb_lcore(sadb, (uint16_t)w);
			if (c->esp_ring[w] == NULL || lc->sa_ctr == NULL)
				goto nomem;
		}
	}
	return 0;
nomem:
	DP_LOG(ERR, "data plane set-up: out of memory (rings, tables, TX buffers)");
	dp_setup_fini(s, workers);
	return -ENOMEM;
}

void
dp_setup_fini(struct dp_setup *s, struct dp_lcore *workers)
{
	struct rte_mbuf *m;
	unsigned int i;

	for (i = 0; i < s->n_workers; i++) {
		struct rte_ring **rings[] = { &s->punt[i], &s->sig[i] };
		unsigned int k;

		for (k = 0; k < RTE_DIM(rings); k++) {
			if (*rings[k] == NULL)
				continue;
			while (rte_ring_dequeue(*rings[k], (void **)&m) == 0)
				rte_pktmbuf_free(m);
			rte_ring_free(*rings[k]);
			*rings[k] = NULL;
		}
		if (s->ctx.esp_ring[i] != NULL) {
			while (rte_ring_dequeue(s->ctx.esp_ring[i], (void **)&m) == 0)
				rte_pktmbuf_free(m);
			rte_ring_free(s->ctx.esp_ring[i]);
			s->ctx.esp_ring[i] = NULL;
		}
		if (workers != NULL)
			dp_lcore_fini(&workers[i]);
	}
	for (i = 0; i < s->ctx.n_ports; i++) {
		struct rte_ring *r = s->ctx.port[i].ctl_tx;

		if (r == NULL)
			continue;
		while (rte_ring_dequeue(r, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(r);
		s->ctx.port[i].ctl_tx = NULL;
	}
	dp_neigh_free(s->ctx.neigh);
	dp_adj_free(s->ctx.adjt);
	s->ctx.adjt = NULL;
	s->ctx.adj = NULL;
	dp_fib_free(s->ctx.fib);
	s->ctx.neigh = NULL;
	s->ctx.fib = NULL;
}
