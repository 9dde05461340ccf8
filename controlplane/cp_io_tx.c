/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frames the control plane sends: on its own TX queue of a port, or through worker 0 where
 * the device has none to spare; IP packets it builds (BAs, BEs) routed and resolved like any
 * other; ARP, NS and NA for DAD, resolution and proxy announcements.
 */
#include <errno.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "cp_io_internal.h"
#include "dp_fib.h"
#include "dp_neigh.h"
#include "wire_csum.h"
#include "wire_nd.h"
#include "wire_pkt.h"

static const struct in6_addr all_nodes = { .s6_addr = { 0xff, 0x02, [15] = 1 } };

/* Frames n of port: the control queue, or worker 0 through the port's ring. */
static void
send_run(struct cp_io *io, struct rte_mbuf **m, uint16_t n, uint16_t port)
{
	const struct dp_port *p = &io->ports[port];
	struct rte_ring *r = io->ctx->port[port].ctl_tx;
	uint16_t ok = 0;

	if (p->ctl_txq != DP_NO_CTL_TXQ)
		ok = rte_eth_tx_burst(p->port_id, p->ctl_txq, m, n);
	else if (r != NULL)
		ok = (uint16_t)rte_ring_sp_enqueue_burst(r, (void **)m, n, NULL);
	io->stats.tx += ok;
	if (ok < n) {
		io->stats.tx_errors += n - ok;
		rte_pktmbuf_free_bulk(m + ok, n - ok);
	}
}

void
cp_io_tx_flush(struct cp_io *io)
{
	uint32_t i, j;

	if (io->n_defer == 0)
		return;
	if (io->silent) {
		rte_pktmbuf_free_bulk(io->defer, io->n_defer);
		io->stats.tx_silenced += io->n_defer;
		io->n_defer = 0;
		return;
	}
	if (io->commit != NULL)
		io->commit(io->commit_arg);
	/* in order, a burst per run of one port */
	for (i = 0; i < io->n_defer; i = j) {
		for (j = i + 1; j < io->n_defer && io->defer_port[j] == io->defer_port[i]; j++)
			;
		send_run(io, &io->defer[i], (uint16_t)(j - i), io->defer_port[i]);
	}
	io->n_defer = 0;
}

void
cp_io_set_silent(struct cp_io *io, bool silent)
{
	/* a standby taking over tells the home link at once (cp_io_hl_timers) */
	if (io->silent && !silent)
		memset(io->hl.next_ra_ms, 0, sizeof(io->hl.next_ra_ms));
	io->silent = silent;
}

void
cp_io_announce_self(struct cp_io *io)
{
	uint16_t i;

	for (i = 0; i < io->ctx->n_ports; i++) {
		const struct dp_port_info *pi = &io->ctx->port[i];
		struct wire_nd na = { .type = WIRE_ND_NA, .has_lla = true,
				      .na_flags = WIRE_NA_O | WIRE_NA_R };

		memcpy(na.lla, pi->mac, 6);
		if (pi->has4)
			cp_io_send_arp(io, i, WIRE_ARP_REQUEST, pi->ip4, pi->ip4, NULL);
		if (pi->has6) {
			na.target = pi->ip6;
			cp_io_send_nd(io, i, &pi->ip6, &all_nodes, &na, NULL);
		}
		na.target = pi->ll6;
		cp_io_send_nd(io, i, &pi->ll6, &all_nodes, &na, NULL);
	}
}

void
cp_io_set_commit(struct cp_io *io, void (*commit)(void *), void *arg)
{
	io->commit = commit;
	io->commit_arg = arg;
}

/* Queue a whole frame for port until the pass's flush (cp_io_tx_flush). */
void
cp_io_send_frame(struct cp_io *io, struct rte_mbuf *m, uint16_t port)
{
	if (io->n_defer == CP_IO_DEFER_MAX)
		cp_io_tx_flush(io);
	io->defer[io->n_defer] = m;
	io->defer_port[io->n_defer++] = port;
}

int
cp_io_push_l2(struct rte_mbuf *m, const uint8_t *src, const uint8_t *dst, uint16_t type)
{
	uint8_t *eth = (uint8_t *)rte_pktmbuf_prepend(m, WIRE_ETH_HLEN);

	if (eth == NULL)
		return -ENOSPC;
	memcpy(eth, dst, 6);
	memcpy(eth + 6, src, 6);
	wire_wr16(eth + 12, type);
	return 0;
}

struct rte_mbuf *
cp_io_mbuf(struct cp_io *io, const uint8_t *pkt, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(io->ctx->pool);
	char *d;

	if (m == NULL)
		return NULL;
	d = rte_pktmbuf_append(m, len);
	if (d == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	if (pkt != NULL)
		memcpy(d, pkt, len);
	return m;
}

void
cp_io_send_arp(struct cp_io *io, uint16_t port, uint16_t op, uint32_t spa, uint32_t tpa,
	 const uint8_t *tha)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	const struct dp_port_info *pi = &io->ctx->port[port];
	struct wire_arp a = { .op = op, .spa = spa, .tpa = tpa };
	struct rte_mbuf *m = cp_io_mbuf(io, NULL, WIRE_ARP_LEN);

	if (m == NULL)
		return;
	memcpy(a.sha, pi->mac, 6);
	if (tha != NULL)
		memcpy(a.tha, tha, 6);
	wire_arp_build(rte_pktmbuf_mtod(m, uint8_t *), &a);
	if (cp_io_push_l2(m, pi->mac, tha != NULL ? tha : bcast, WIRE_ETHERTYPE_ARP) != 0) {
		rte_pktmbuf_free(m);
		return;
	}
	io->stats.arp_sent++;
	cp_io_send_frame(io, m, port);
}

void
cp_io_send_nd(struct cp_io *io, uint16_t port, const struct in6_addr *src,
	      const struct in6_addr *dst, const struct wire_nd *nd, const uint8_t *dst_mac)
{
	uint8_t pkt[128], mac[6];
	struct rte_mbuf *m;
	int n = wire_nd_build(pkt, sizeof(pkt), src, dst, nd);

	if (n < 0 || (m = cp_io_mbuf(io, pkt, (uint16_t)n)) == NULL)
		return;
	if (dst_mac == NULL) {
		wire_nd_mcast_mac(dst, mac);
		dst_mac = mac;
	}
	if (cp_io_push_l2(m, io->ctx->port[port].mac, dst_mac, WIRE_ETHERTYPE_IPV6) != 0) {
		rte_pktmbuf_free(m);
		return;
	}
	if (nd->type == WIRE_ND_NS)
		io->stats.ns_sent++;
	else
		io->stats.na_sent++;
	cp_io_send_frame(io, m, port);
}

/* An IP packet built by the control plane: route, resolve, send. */
int
cp_io_tx(void *arg, const uint8_t *pkt, uint16_t len, const struct cp_tx_meta *meta)
{
	struct cp_io *io = arg;
	struct rte_mbuf *m;
	struct dp_punt hold;
	uint8_t mac[6];
	uint16_t port;
	int rc;

	if (meta->spi_out != 0) {
		/* the node's outbound signalling SA (seed 001 §4.2: MH rules first) */
		const struct cp_mn *mn = cp_mndb_get(cp_mndb(io->cp), meta->mn);

		m = mn != NULL ? cp_esp_tx(&io->esp, io->ctx->pool, mn, pkt, len,
					    meta->payload_off, meta->payload_proto != 0 ?
					    meta->payload_proto : WIRE_PROTO_MH) : NULL;
		if (m == NULL)
			return -EIO;
		pkt = rte_pktmbuf_mtod(m, const uint8_t *);
		len = rte_pktmbuf_data_len(m);
	} else {
		m = cp_io_mbuf(io, pkt, len);
	}
	if (m == NULL)
		return -ENOMEM;
	memset(&hold, 0, sizeof(hold));
	if (meta->ipv4) {
		uint32_t dst, nh;

		memcpy(&dst, pkt + 16, 4);
		rc = dp_fib_lookup4(io->ctx->fib, dst, &port, &nh);
		if (rc == 0 && dp_neigh_lookup4(io->ctx->neigh, port, nh, mac) != 0) {
			hold.family = 4;
			memcpy(hold.nh, &nh, 4);
		}
	} else {
		struct in6_addr dst, nh;

		memcpy(&dst, pkt + 24, 16);
		rc = dp_fib_lookup6(io->ctx->fib, &dst, &port, &nh);
		if (rc == 0 && dp_neigh_lookup6(io->ctx->neigh, port, &nh, mac) != 0) {
			hold.family = 6;
			memcpy(hold.nh, &nh, 16);
		}
	}
	if (rc != 0) {
		rte_pktmbuf_free(m);
		return -ENETUNREACH;
	}
	if (hold.family != 0) {
		hold.port = port;
		cp_nb_hold(io, m, &hold);
		return 0;
	}
	if (cp_io_push_l2(m, io->ctx->port[port].mac, mac, meta->ipv4 ? WIRE_ETHERTYPE_IPV4 :
		    WIRE_ETHERTYPE_IPV6) != 0) {
		rte_pktmbuf_free(m);
		return -ENOSPC;
	}
	cp_io_send_frame(io, m, port);
	return 0;
}

/* RFC 4862 §5.4.2: NS from the unspecified address to the solicited-node group. */
void
cp_io_dad_start(void *arg, const struct in6_addr *hoa, bool link_local)
{
	struct cp_io *io = arg;
	struct wire_nd ns = { .type = WIRE_ND_NS, .target = *hoa };
	struct in6_addr dst;
	uint16_t i;

	(void)link_local;
	wire_nd_solicited_node(hoa, &dst);
	for (i = 0; i < io->ctx->n_ports; i++)
		if (io->ctx->port[i].role & CFG_ROLE_HOME)
			cp_io_send_nd(io, i, &in6addr_any, &dst, &ns, NULL);
}

/* R6275 §10.4.1: unsolicited NA for the home address; gratuitous ARP for the IPv4 one. */
void
cp_io_announce(void *arg, const struct cp_mn *mn, const struct cp_bind *b)
{
	struct cp_io *io = arg;
	uint16_t i;

	for (i = 0; i < io->ctx->n_ports; i++) {
		const struct dp_port_info *pi = &io->ctx->port[i];
		struct wire_nd na = { .type = WIRE_ND_NA, .target = mn->hoa6, .has_lla = true,
				      .na_flags = (uint8_t)(WIRE_NA_O | (b->mr ? WIRE_NA_R : 0)) };

		if (!(pi->role & CFG_ROLE_HOME))
			continue;
		memcpy(na.lla, pi->mac, 6);
		cp_io_send_nd(io, i, pi->has6 ? &pi->ip6 : &pi->ll6, &all_nodes, &na, NULL);
		if (b->has_hoa4)
			cp_io_send_arp(io, i, WIRE_ARP_REQUEST, b->hoa4, b->hoa4, NULL);
	}
}
