/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The only mbuf <-> struct dp_pkt adapters. Pure functions work on struct dp_pkt, a view of
 * one contiguous buffer, so that unit tests run them over a stack buffer without EAL.
 */
#ifndef DP_PKT_H
#define DP_PKT_H

#include <stdint.h>

#include <rte_mbuf.h>

struct dp_pkt {
	uint8_t *data;                /**< first byte of the packet */
	uint16_t len;
	uint16_t headroom;            /**< bytes that may be prepended */
};

static inline void
dp_pkt_from_mbuf(struct dp_pkt *p, struct rte_mbuf *m)
{
	p->data = rte_pktmbuf_mtod(m, uint8_t *);
	p->len = rte_pktmbuf_data_len(m);
	p->headroom = rte_pktmbuf_headroom(m);
}

/* Write back where the packet starts and how long it is (single segment). */
static inline void
dp_pkt_to_mbuf(const struct dp_pkt *p, struct rte_mbuf *m)
{
	m->data_off = (uint16_t)(p->data - (uint8_t *)m->buf_addr);
	m->data_len = p->len;
	m->pkt_len = p->len;
}

#endif /* DP_PKT_H */
