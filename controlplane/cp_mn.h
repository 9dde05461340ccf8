/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mobile-node database of the control plane: who may register, with which home addresses,
 * prefixes and SPIs. Pure C (no EAL); the slot index of a node is its index in the binding
 * cache. CP writer only.
 */
#ifndef CP_MN_H
#define CP_MN_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "cfg.h"

/** Prefixes of a mobile router (implicit mode list, and the set an explicit BU may claim). */
struct cp_mn_prefixes {
	uint8_t n6;
	uint8_t n4;
	struct ha_prefix6 p6[CFG_MN_MAX_PREFIXES];
	struct ha_prefix4 p4[CFG_MN_MAX_PREFIXES];
};

#define CP_SA_NONE UINT32_MAX

struct cp_mn {
	uint32_t idx;                 /**< slot; the binding cache's mobile node index */
	bool used;
	bool mobile_router;
	bool ipv4_prefix;             /**< may request an IPv4 prefix (P flag) */
	uint8_t hoa4_mode;            /**< enum cfg_hoa4_mode */
	uint32_t hoa4;                /**< static IPv4 home address, network order */
	struct in6_addr hoa6;
	uint32_t spi_sig_in;          /**< 0: none */
	uint32_t spi_sig_out;
	uint32_t spi_pay_in;
	uint32_t spi_pay_out;
	uint32_t sa_sig_in;           /**< SA slots (CP_SA_NONE: none), set by ops.sa_attach */
	uint32_t sa_sig_out;
	uint32_t sa_pay_in;
	uint32_t sa_pay_out;
	struct cp_mn_prefixes *pfx;   /**< NULL when the node has none */
	char id[CFG_NAME_MAX];
};

struct cp_mndb;

/** @return a database for up to capacity nodes, or NULL. */
struct cp_mndb *cp_mndb_create(uint32_t capacity);
void cp_mndb_free(struct cp_mndb *db);

/**
 * Add a node from its configuration. The slot is the lowest free one.
 * @return 0 with *idx set, -EEXIST (same hoa6, id or static hoa4), -ENOSPC, -ENOMEM.
 */
int cp_mndb_add(struct cp_mndb *db, const struct cfg_mn *c, uint32_t *idx);

/** Remove node idx. @return 0 or -ENOENT. */
int cp_mndb_del(struct cp_mndb *db, uint32_t idx);

struct cp_mn *cp_mndb_get(struct cp_mndb *db, uint32_t idx);
struct cp_mn *cp_mndb_find6(struct cp_mndb *db, const struct in6_addr *hoa6);
/** The node whose static IPv4 home address is hoa4 (network order), or NULL. */
struct cp_mn *cp_mndb_find4(struct cp_mndb *db, uint32_t hoa4);
struct cp_mn *cp_mndb_find_id(struct cp_mndb *db, const char *id);
/** A node other than c's id whose mobile network prefixes overlap c's, or NULL (a scan of
 *  every node: run-time additions only). */
struct cp_mn *cp_mndb_prefix_clash(struct cp_mndb *db, const struct cfg_mn *c);
uint32_t cp_mndb_count(const struct cp_mndb *db);
uint32_t cp_mndb_capacity(const struct cp_mndb *db);

#endif /* CP_MN_H */
