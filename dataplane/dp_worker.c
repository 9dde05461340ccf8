/* SPDX-License-Identifier: BSD-3-Clause */
/* The worker lcore loop: RX burst on its queue of every port, process, TX. */
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "dp_lcore.h"
#include "ha_log.h"

#define DP_BURST_MAX 64

int
dp_worker_main(void *arg)
{
	struct dp_lcore *lc = arg;
	struct dp_stats *st = &lc->stats;
	struct rte_mbuf *pkts[DP_BURST_MAX];
	struct rte_rcu_qsbr *qsv = lc->bc != NULL ? bc_rcu(lc->bc) : NULL;
	uint16_t i, j, n;

	if (qsv != NULL && bc_reader_register(lc->bc, lc->rcu_tid) != 0) {
		DP_LOG(ERR, "worker %u: cannot register as RCU reader %u", lc->worker, lc->rcu_tid);
		return -1;
	}
	DP_LOG(INFO, "worker %u on lcore %u: queue %u on %u ports", lc->worker, lc->lcore_id,
	       lc->queue, lc->n_ports);
	while (!__atomic_load_n(lc->quit, __ATOMIC_RELAXED)) {
		bool busy = false;

		for (i = 0; i < lc->n_ports; i++) {
			n = rte_eth_rx_burst(lc->port_ids[i], lc->queue, pkts, lc->burst);
			if (n == 0)
				continue;
			busy = true;
			st->rx_pkts[i] += n;
			for (j = 0; j < n; j++)
				st->rx_bytes[i] += rte_pktmbuf_pkt_len(pkts[j]);
			/* Classification and forwarding arrive with the data-plane issue. */
			st->drops[HA_DROP_UNCLASSIFIED] += n;
			rte_pktmbuf_free_bulk(pkts, n);
		}
		st->loops++;
		st->busy_loops += busy;
		/* loop boundary: no table pointer is held here (rcu_lib.rst) */
		if (qsv != NULL)
			bc_quiescent(qsv, lc->rcu_tid);
	}
	if (qsv != NULL)
		bc_reader_unregister(lc->bc, lc->rcu_tid);
	DP_LOG(INFO, "worker %u on lcore %u: stopped", lc->worker, lc->lcore_id);
	return 0;
}
