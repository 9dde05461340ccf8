/* SPDX-License-Identifier: BSD-3-Clause */
/* Preload of Binding Updates from a pcap file (see cp_preload.h). */
#include <string.h>
#include <time.h>

#include <rte_mbuf.h>

#include "cp_preload.h"
#include "dp_esp_in.h"
#include "dp_out.h"
#include "ha_log.h"
#include "wire_pcap.h"

#define BURST 32

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ESP that worker 0 steered to its owner (itself included), processed by the owner. */
static void
drain_steered(struct dp_lcore *workers, unsigned int n_workers)
{
	unsigned int w;

	for (w = 0; w < n_workers; w++)
		if (workers[w].ctx != NULL) {
			dp_esp_rx_steered(&workers[w]);
			dp_out_flush(&workers[w]);
		}
}

int
cp_preload(const char *path, struct dp_lcore *workers, unsigned int n_workers,
	   uint16_t port, struct cp_io *io, struct rte_mempool *pool,
	   uint64_t (*clock_ms)(void *), void *clock_arg, struct cp_preload_stats *st)
{
	struct dp_lcore *lc = &workers[0];
	struct rte_mbuf *m[BURST];
	struct wire_pcap pc;
	char err[256];
	uint64_t t0 = mono_ns();
	uint64_t before;
	uint16_t n = 0;
	bool end = false;

	memset(st, 0, sizeof(*st));
	if (wire_pcap_open(&pc, path, err, sizeof(err)) != 0) {
		CP_LOG(ERR, "preload: %s", err);
		return -1;
	}
	while (!end) {
		struct rte_mbuf *b = rte_pktmbuf_alloc(pool);
		int len = -1;

		if (b != NULL) {
			len = wire_pcap_next(&pc, rte_pktmbuf_mtod(b, uint8_t *),
					     rte_pktmbuf_tailroom(b));
			if (len > 0)
				rte_pktmbuf_append(b, (uint16_t)len);
		}
		if (len <= 0) {
			rte_pktmbuf_free(b);
			if (len < 0)
				CP_LOG(ERR, "preload: %s: damaged after %" PRIu64 " frames", path,
				       st->frames);
			end = true;
		} else {
			m[n++] = b;
			st->frames++;
		}
		if (n == BURST || (end && n > 0)) {
			/* the worker's path, then the control plane drains what it punted */
			dp_worker_rx(lc, port, m, n);
			dp_out_flush(lc);
			drain_steered(workers, n_workers);
			/* until nothing is left: a burst can punt more than one poll takes (an ESP
			 * packet reports both its NAT mapping and the node's freshness) */
			do {
				before = cp_io_stats(io)->punted;
				cp_io_poll(io, clock_ms(clock_arg));
			} while (cp_io_stats(io)->punted != before);
			n = 0;
		}
	}
	wire_pcap_close(&pc);
	st->seconds_ns = mono_ns() - t0;
	return 0;
}
