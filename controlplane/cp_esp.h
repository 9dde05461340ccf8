/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane's ESP: it creates every node's SAs (manual keys from the config or at
 * run time) and registers the inbound ones in the SPI table, owns the signalling SAs
 * (decrypts BUs the workers punt with their outer addresses, encrypts BAs), and leaves the
 * payload SAs to the workers.
 */
#ifndef CP_ESP_H
#define CP_ESP_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "bc.h"
#include "cp.h"
#include "cp_mn.h"
#include "dp_punt.h"
#include "dp_sa.h"

struct cp_esp {
	struct dp_sadb *db;           /**< NULL: no ESP */
	struct bc *bc;
	unsigned int n_workers;
	struct dp_esp_lcore lc;       /**< the control lcore's crypto queue pair */
	struct dp_sa_ctr *ctr;        /**< the control lcore's per-SA counters */
	/* SAs a rekey replaced that still decrypt (cp_esp_sa_install): few, briefly */
	struct { uint32_t mn, slot; } *retired;
	uint32_t n_retired, cap_retired;
};

/** @return 0. db may be NULL (then nodes with SAs are refused). */
int cp_esp_init(struct cp_esp *e, struct dp_sadb *db, struct bc *bc, unsigned int n_workers);
void cp_esp_fini(struct cp_esp *e);

/** ops.sa_attach / ops.sa_detach (arg: struct cp_esp). */
int cp_esp_attach(struct cp_esp *e, struct cp_mn *m, const struct cfg_mn *c);
void cp_esp_detach(struct cp_esp *e, struct cp_mn *m);

/** One SA for node m at run time (its slot for that role and direction must be free).
 *  @return 0, -EEXIST (slot taken or SPI in use), -ENOSPC, -EINVAL, -ENOTSUP. */
int cp_esp_sa_add(struct cp_esp *e, struct cp_mn *m, const struct cfg_sa *sa);
/** Remove node m's SA with this SPI; gone (may be NULL) gets its SPI, direction and role.
 *  @return 0 or -ENOENT. */
int cp_esp_sa_del(struct cp_esp *e, struct cp_mn *m, uint32_t spi, struct cfg_sa *gone);

/**
 * Make-before-break (an IKE rekey): sa becomes node m's current SA of its role and
 * direction; the one it replaces stays installed (an inbound one keeps decrypting, its SPI
 * still found) and its slot comes back in *prev (CP_SA_NONE: there was none). The caller
 * republishes the node's binding so that outbound traffic takes the new SA.
 * @return 0 with *slot set, or as cp_esp_sa_add (then nothing changed).
 */
int cp_esp_sa_install(struct cp_esp *e, struct cp_mn *m, const struct cfg_sa *sa,
		      uint32_t *slot, uint32_t *prev);
/** Remove the SA in slot with this SPI (node m's current one, or one cp_esp_sa_install
 *  replaced); nothing when the slot no longer holds it (the node went meanwhile). */
void cp_esp_sa_remove(struct cp_esp *e, struct cp_mn *m, uint32_t slot, uint32_t spi);

/**
 * Decrypt a punted signalling ESP packet m (meta describes it) into the Mobility Header (or
 * ICMPv6: Mobile Prefix Discovery, RFC 6275 §5.3) it carries, *next says which; ctx gets the
 * SA's identity. @return the payload's length with *mh pointing into m, or -1 (counted on
 * the SA: unknown SPI, authentication, replay, neither MH nor ICMPv6).
 */
int cp_esp_rx(struct cp_esp *e, struct rte_mbuf *m, const struct dp_punt *meta,
	      struct cp_rx_ctx *ctx, const uint8_t **mh, uint8_t *next);

/**
 * Build the packet pkt[0..len) (carriage headers, then the payload of protocol next, an MH
 * or ICMPv6, at payload_off) protected by the node's outbound signalling SA.
 * @return an mbuf with the IP packet, or NULL.
 */
struct rte_mbuf *cp_esp_tx(struct cp_esp *e, struct rte_mempool *pool, const struct cp_mn *m,
			   const uint8_t *pkt, uint16_t len, uint16_t payload_off, uint8_t next);

#endif /* CP_ESP_H */
