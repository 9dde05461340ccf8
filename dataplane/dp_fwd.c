/* SPDX-License-Identifier: BSD-3-Clause */
/* The forwarding stage (see dp_fwd.h). */
#include <rte_mbuf.h>

#include "dp_bind.h"
#include "dp_encap.h"
#include "dp_encap_stage.h"
#include "dp_esp_out.h"
#include "dp_fwd.h"
#include "dp_out.h"
#include "wire_ip.h"
#include "wire_nd.h"

/*
 * Forward: bindings first (exact home addresses in bulk, then prefixes), then the FIB.
 * Every packet's data is at its IP header. SPD outbound (seed 001 §4.2), after the
 * Mobility Header rules of the control plane: "destination is a home address" of a node
 * with a payload SA selects that SA; other bindings are tunnelled in the clear.
 */
void
dp_fwd_burst(struct dp_lcore *lc, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	const struct bc_entry *ent[DP_BURST_MAX], *esp_e[DP_BURST_MAX], *enc_e[DP_BURST_MAX];
	struct rte_mbuf *esp_m[DP_BURST_MAX], *enc_m[DP_BURST_MAX], *rt_m[DP_BURST_MAX];
	struct rte_mbuf *go[DP_BURST_MAX];
	struct dp_bind_keys keys;
	uint16_t i, ng = 0, ne = 0, nenc = 0, nrt = 0;

	/* what a router checks first, while the header is at hand; then the packets that go
	 * on give their destinations to the lookup (one pass over the burst, not two) */
	dp_bind_begin(lc, &keys);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint8_t *ip = rte_pktmbuf_mtod(m, uint8_t *);
		bool v6 = (ip[0] >> 4) == 6;

		if (v6 && ip[24] == 0xfe && (ip[25] & 0xc0) == 0x80) {
			/* R6275 §10.4.2: never tunnel to a link-local address */
			dp_drop(lc, m, HA_DROP_LINK_LOCAL);
			continue;
		}
		if (!dp_ttl_dec(ip)) {
			/* RFC 1812 §5.3.1 / RFC 4443 §3.3 */
			if (v6)
				dp_out_icmp_error(lc, ip, rte_pktmbuf_data_len(m), port,
						  WIRE_ICMP6_TIME_EXCEEDED, 0, 0);
			else
				dp_out_icmp_error(lc, ip, rte_pktmbuf_data_len(m), port,
						  WIRE_ICMP_TIME_EXCEEDED, 0, 0);
			dp_drop(lc, m, HA_DROP_TTL);
			continue;
		}
		ent[ng] = NULL;
		if (v6)
			dp_bind_add(&keys, ng, 6, ip + 24);
		else
			dp_bind_add(&keys, ng, 4, ip + 16);
		go[ng++] = m;
	}
	dp_bind_lookup(lc, &keys, ent);
	dp_stage_end(lc, DP_ST_BIND, n);

	for (i = 0; i < ng; i++) {
		if (ent[i] != NULL && ent[i]->sa_out != BC_NO_SA) {
			esp_m[ne] = go[i];
			esp_e[ne++] = ent[i];
		} else if (ent[i] != NULL) {
			enc_m[nenc] = go[i];
			enc_e[nenc++] = ent[i];
		} else {
			rt_m[nrt++] = go[i];
		}
	}
	/* an empty route stage takes no timestamp: its few cycles of sorting are the next
	 * stage's (a TSC read is ~25 cycles here, a burst's worth of sorting fewer) */
	if (nrt > 0) {
		lc->stats.events[HA_EV_FORWARDED] += nrt;
		dp_out_route_burst(lc, rt_m, nrt, port);
		dp_stage_end(lc, DP_ST_ROUTE, nrt);
	}
	if (nenc > 0) {
		dp_encap_burst(lc, port, enc_m, enc_e, nenc);
		dp_stage_end(lc, DP_ST_ENCAP, nenc);
	}
	if (ne > 0) {
		dp_esp_tx(lc, port, esp_m, esp_e, ne);
		dp_stage_end(lc, DP_ST_ESP_OUT, ne);
	}
}
