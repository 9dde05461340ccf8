/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The binding cache and its companions, shared by the control plane (the only writer) and
 * the data-plane workers (lock-free readers):
 *   - exact home addresses in two tables of our own (bc_tab.h: one bucket line and the
 *     entry per lookup, the key compared in the entry): IPv6 (16-byte keys) and IPv4
 *     (4-byte keys), each naming an immutable struct bc_entry; both keys of a mobile node
 *     lead to the same entry, and readers pass keys straight from headers;
 *   - one slot per mobile node holding its current entry (for the prefix path and walks);
 *   - prefix tables: rte_lpm (RCU-integrated) and two rte_lpm6 copies behind one pointer,
 *     mapping NEMO and IPv4 home prefixes to a mobile node (never used for exact HoAs);
 *   - the SPI table: inbound SPI -> {SA, role, home address, owner lcore}.
 * Replaced and deleted objects are retired through an rte_rcu_qsbr defer queue: readers
 * report a quiescent state once per loop and never see freed memory.
 * All memory is reserved by bc_create from the configured capacities.
 */
#ifndef BC_H
#define BC_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>

#include <rte_rcu_qsbr.h>

#include "bc_entry.h"
#include "bc_home.h"
#include "bc_pfxsum.h"

struct bc;

struct bc_params {
	const char *name;             /**< prefix of the rte object names (unique per process) */
	uint32_t capacity;            /**< mobile nodes with a binding (slots) */
	uint32_t prefixes;            /**< prefix slots, IPv4 and IPv6 together (< 2^21) */
	uint32_t spis;                /**< SPI table entries */
	uint32_t max_readers;         /**< RCU reader threads (workers, telemetry, ...) */
	int socket;
};

enum bc_spi_role {
	BC_SPI_SIGNALLING,            /**< transport mode, protects BU/BA */
	BC_SPI_PAYLOAD,               /**< tunnel mode, data */
};

/** What an inbound SPI is, known before decryption (seed 001 §4.3-§4.4). Immutable. */
struct bc_spi_val {
	void *sa;                     /**< the SA object (rte_ipsec session), opaque here */
	uint32_t spi;
	uint32_t mn;                  /**< mobile node index */
	uint16_t owner_lcore;         /**< the only lcore that processes this inbound SA */
	uint8_t role;                 /**< enum bc_spi_role */
	uint8_t pad;
	struct in6_addr hoa6;         /**< the home address this SA is bound to */
};

struct bc_stats {
	uint32_t bindings;            /**< published entries */
	uint32_t prefixes;
	uint32_t spis;
	uint32_t entries_free;        /**< entries ready for a new publication */
	uint32_t retire_pending;      /**< waiting for a grace period */
	uint64_t publishes;
	uint64_t retired;
	uint32_t home_ranges6;        /**< home ranges the IPv6 lookups filter by (0: off) */
	uint32_t home_ranges4;        /**< ... the IPv4 ones */
	uint32_t prefix_ranges6;      /**< ranges covering the IPv6 mobile network prefixes
				       *   registered (bc_pfxsum.h) */
	uint32_t prefix_ranges4;      /**< ... the IPv4 ones */
};

/* ------------------------------------------------------------------ lifecycle (CP) */

/** Reserve every table. @return NULL with rte_errno set on failure. */
struct bc *bc_create(const struct bc_params *p);

/** Free everything; no reader may be online. */
void bc_free(struct bc *bc);

/** The QSBR variable readers report to. */
struct rte_rcu_qsbr *bc_rcu(struct bc *bc);

/* ------------------------------------------------------------------ readers (DP) */

/** Register reader thread tid (< max_readers) and put it online. Any thread. */
int bc_reader_register(struct bc *bc, unsigned int tid);

/** Take reader tid offline and unregister it. */
void bc_reader_unregister(struct bc *bc, unsigned int tid);

/** Report a quiescent state: call once per loop iteration, holding no entry pointer. */
static inline void
bc_quiescent(struct rte_rcu_qsbr *v, unsigned int tid)
{
	rte_rcu_qsbr_quiescent(v, tid);
}

/** Exact lookup of a home address (addr4 network order). DP reader, RCU online. */
const struct bc_entry *bc_lookup6(const struct bc *bc, const struct in6_addr *a);
const struct bc_entry *bc_lookup4(const struct bc *bc, uint32_t a);

/**
 * Bulk exact lookups of n (<= RTE_HASH_LOOKUP_BULK_MAX) home addresses, given as pointers
 * (for example into packet headers; IPv4 in network order); out[i] is NULL on a miss.
 * DP reader, RCU online. @return the number of hits.
 */
unsigned int bc_lookup6_bulk(const struct bc *bc, const struct in6_addr **a, unsigned int n,
			     const struct bc_entry **out);
unsigned int bc_lookup4_bulk(const struct bc *bc, const uint32_t **a, unsigned int n,
			     const struct bc_entry **out);

/** Longest-prefix match among registered mobile network / IPv4 home prefixes. DP reader. */
const struct bc_entry *bc_lookup_prefix6(const struct bc *bc, const struct in6_addr *a);
const struct bc_entry *bc_lookup_prefix4(const struct bc *bc, uint32_t a);

/**
 * Bulk lookups as bc_lookup6_bulk / bc_lookup4_bulk, then the prefixes for the misses (only
 * when a prefix of that family is registered: one check per call, not one per miss).
 * Every entry found is prefetched, both its lines. DP reader, RCU online.
 * @return the number of entries found.
 */
unsigned int bc_find6_bulk(const struct bc *bc, const struct in6_addr **a, unsigned int n,
			   const struct bc_entry **out);
unsigned int bc_find4_bulk(const struct bc *bc, const uint32_t **a, unsigned int n,
			   const struct bc_entry **out);

/**
 * What can have a binding, for one burst's gathering of keys (DP reader, RCU online): taken
 * once per burst (bc_filter_get), asked per address inline (bc_filter_may6/4), and what
 * passed is looked up with bc_filtered6/4_bulk. A destination outside the home ranges, and
 * outside the ranges that cover the registered mobile network prefixes (bc_pfxsum.h), then
 * costs the range checks alone: no key, no call chain. Never hides a binding: every
 * prefix's addresses may, and with the ranges off every address may.
 */
struct bc_filter {
	const struct bc_home *home;
	const struct bc_pfxsum *pfx;  /**< what covers every registered prefix */
	uint32_t live6, live4;        /**< ranges in use (bc_home.h); 0: every address may */
	bool pfx6, pfx4;              /**< prefixes of the family registered: what pfx covers
				       *   may too */
};

void bc_filter_get(const struct bc *bc, struct bc_filter *f);

static inline bool
bc_filter_may6(const struct bc_filter *f, const void *a)
{
	return f->live6 == 0 || bc_home_covers6(f->home, f->live6, a) ||
	       (f->pfx6 && bc_pfxsum_covers6(f->pfx, a));
}

/** a: an IPv4 address in network order, any alignment (a packet's header). */
static inline bool
bc_filter_may4(const struct bc_filter *f, const void *a)
{
	uint32_t v;

	memcpy(&v, a, 4);
	return f->live4 == 0 || bc_home_covers4(f->home, f->live4, v) ||
	       (f->pfx4 && bc_pfxsum_covers4(f->pfx, v));
}

/**
 * bc_find6_bulk / bc_find4_bulk of addresses that f let through: when the ranges alone
 * decided (no prefixes), the exact table without checking the ranges again.
 */
unsigned int bc_filtered6_bulk(const struct bc *bc, const struct bc_filter *f,
			       const struct in6_addr **a, unsigned int n,
			       const struct bc_entry **out);
unsigned int bc_filtered4_bulk(const struct bc *bc, const struct bc_filter *f,
			       const uint32_t **a, unsigned int n, const struct bc_entry **out);

/** Exact home address first, then prefix fallback. DP reader. */
const struct bc_entry *bc_find6(const struct bc *bc, const struct in6_addr *a);
const struct bc_entry *bc_find4(const struct bc *bc, uint32_t a);

/** The current entry of mobile node mn, or NULL. DP reader, or the writer. */
const struct bc_entry *bc_get(const struct bc *bc, uint32_t mn);

/** The SPI table. DP reader, RCU online. @return NULL for an unknown SPI. */
const struct bc_spi_val *bc_spi_lookup(const struct bc *bc, uint32_t spi);

/** The SPI table for n (<= RTE_HASH_LOOKUP_BULK_MAX) SPIs at once (host order, given as
 *  pointers); out[i] is NULL for an unknown one. DP reader, RCU online. */
void bc_spi_lookup_bulk(const struct bc *bc, const uint32_t **spi, unsigned int n,
			const struct bc_spi_val **out);

/* ------------------------------------------------------------------ writer (CP only) */

/** A zeroed entry from the reserved array. CP writer only. @return NULL with rte_errno. */
struct bc_entry *bc_entry_new(struct bc *bc);

/** A copy of old to edit before publishing. CP writer only. */
struct bc_entry *bc_entry_clone(struct bc *bc, const struct bc_entry *old);

/** Give back an entry that was never published. CP writer only. */
void bc_entry_discard(struct bc *bc, struct bc_entry *e);

/**
 * Publish e as the binding of mobile node e->mn: its IPv6 home address key and, with
 * BC_F_HOA4, its IPv4 one now lead to e; a previous entry is replaced and retired, and an
 * IPv4 home address it had that e has not is removed. On failure nothing changed and e is
 * still the caller's. CP writer only; do not keep pointers to the previous entry.
 * @return 0, -ENOSPC (table full: BA status 130), -EEXIST (the IPv4 home address is
 * another node's key), -EINVAL.
 */
int bc_publish(struct bc *bc, struct bc_entry *e);

/** Remove the binding of mn (both keys) and retire its entry. @return 0 or -ENOENT. */
int bc_remove(struct bc *bc, uint32_t mn);

/** Map a prefix to mobile node mn. CP writer only. @return 0, -EEXIST, -ENOSPC, -EINVAL. */
int bc_prefix6_add(struct bc *bc, const struct in6_addr *prefix, uint8_t len, uint32_t mn);
int bc_prefix4_add(struct bc *bc, uint32_t prefix, uint8_t len, uint32_t mn);

/** The mobile node a prefix (exactly this one) maps to. CP writer only.
 *  @return 0 with *mn, or -ENOENT. */
int bc_prefix6_owner(const struct bc *bc, const struct in6_addr *prefix, uint8_t len,
		     uint32_t *mn);
int bc_prefix4_owner(const struct bc *bc, uint32_t prefix, uint8_t len, uint32_t *mn);

/** Remove a prefix. CP writer only. @return 0 or -ENOENT. */
int bc_prefix6_del(struct bc *bc, const struct in6_addr *prefix, uint8_t len);
int bc_prefix4_del(struct bc *bc, uint32_t prefix, uint8_t len);

/** Add an inbound SPI. CP writer only. @return 0, -EEXIST, -ENOSPC. */
int bc_spi_add(struct bc *bc, const struct bc_spi_val *v);

/** Remove an inbound SPI. CP writer only. @return 0 or -ENOENT. */
int bc_spi_del(struct bc *bc, uint32_t spi);

/**
 * Call fn for each binding from mobile node index *pos on, until fn returns non-zero or the
 * end; *pos is left at the next index to visit. The writer, or a registered reader online.
 * @return the number of entries visited.
 */
typedef int (*bc_walk_fn)(const struct bc_entry *e, void *arg);
uint32_t bc_walk(const struct bc *bc, uint32_t *pos, bc_walk_fn fn, void *arg);

/** Free what has passed its grace period. CP writer only. */
void bc_reclaim(struct bc *bc);

/** Wait until every registered reader has passed a quiescent state (a grace period).
 *  CP writer only. */
void bc_synchronize(struct bc *bc);

/** Counters and occupancy. CP writer only (or approximate from elsewhere). */
void bc_stats_get(const struct bc *bc, struct bc_stats *st);

/**
 * The home ranges every home address lies in (bc_home.h): the bulk lookups hash only the
 * addresses inside them. Add every IPv6 home prefix, every IPv4 one and every IPv4 pool
 * before the first binding; a reload's new prefixes may be added later (ranges are never
 * removed). A key published outside them, or ranges first given to a non-empty table,
 * switch the family's filter off for good (correct, only slower). CP writer only.
 * @return true while the family's filter is on.
 */
bool bc_home_prefix6_add(struct bc *bc, const struct in6_addr *prefix, uint8_t len);
bool bc_home_prefix4_add(struct bc *bc, uint32_t prefix, uint8_t len);

/** Keys in the IPv6 and IPv4 home-address tables, by a full walk (checks, not telemetry).
 *  CP writer only. */
void bc_keys_count(const struct bc *bc, uint32_t *keys6, uint32_t *keys4);

uint32_t bc_capacity(const struct bc *bc);

#endif /* BC_H */
