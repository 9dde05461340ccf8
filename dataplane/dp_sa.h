/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Security associations on DPDK's unmodified rte_ipsec with CPU crypto from intel-ipsec-mb
 * (seed 001; architecture.md "ESP without modifying IPsec").
 *
 * Every SA, signalling or payload, is an rte_ipsec *transport-mode* SA over a 20-byte IPv4
 * template header that the home agent puts in front of the ESP payload and takes off again
 * (dp_esp.h). Why not rte_ipsec's tunnel mode for the payload SAs: an rte_ipsec tunnel SA
 * writes (outbound) and demands (inbound) one fixed inner protocol in the ESP trailer, while
 * a DSMIPv6 payload SA carries IPv4 and IPv6 alike. Transport processing over the template
 * yields the same bytes on the wire as tunnel mode (ESP, then the inner IP packet, Next
 * Header 4 or 41), keeps one sequence space and one replay window per SA, and lets the
 * worker put the binding's current outer header on afterwards (seed 001 §4.1): the SA never
 * changes when the mobile node moves. SAs are found by SPI only.
 */
#ifndef DP_SA_H
#define DP_SA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include <rte_crypto.h>
#include <rte_ipsec.h>
#include <rte_rcu_qsbr.h>

#include "cfg.h"
#include "dp_replay.h"

#define DP_SA_NONE UINT32_MAX         /**< no SA (binding without a payload SA, ...) */
#define DP_SA_OWNER_CP UINT16_MAX     /**< processed by the control plane */
/* a crypto op's IV lives in its private area, right after the symmetric op */
#define DP_SA_IV_OFS (sizeof(struct rte_crypto_op) + sizeof(struct rte_crypto_sym_op))
#define DP_SA_IV_PRIV 16

/** Per-SA counters, kept per lcore and summed by telemetry. */
struct dp_sa_ctr {
	uint64_t pkts;
	uint64_t bytes;
	uint64_t auth_fail;           /**< ICV check failed */
	uint64_t replay;              /**< sequence number replayed or left of the window */
	uint64_t errors;              /**< inbound: too short or not whole blocks; outbound: no
				       *   room or sequence numbers exhausted */
};

/*
 * The first three cache lines are what a packet reads (dp_esp_prefetch_sas prefetches
 * them for the burst, with a million SAs each is a miss): the two sessions, then the
 * pointers and the fields ESP uses. Whatever only the control plane reads comes after.
 */
struct dp_sa {
	struct rte_ipsec_session ss;  /**< rte_ipsec's view: SA + cryptodev session */
	struct rte_ipsec_session ls;  /**< the same SA and crypto session through crypto ops
				       *   (many SAs in a burst, dp_esp_process_groups); .sa
				       *   NULL when the device cannot */
	struct rte_ipsec_sa *sa;
	void *crypto;                 /**< cryptodev session */
	uint32_t ses_lines;           /**< the session's cache lines the crypto reads (bit i:
				       *   line i), prefetched for a burst: dp_sa_session_lines */
	uint32_t spi;                 /**< host order */
	uint32_t mn;                  /**< mobile node index */
	uint32_t slot;
	uint32_t gen;                 /**< which SA this is of all its slot held (dp_sadb.gen
				       *   at add): an ESP packet steered on a ring carries it,
				       *   so a slot freed and reused meanwhile cannot take it */
	uint16_t owner;               /**< inbound: the worker that processes it, or CP */
	uint8_t dir;                  /**< enum cfg_sa_dir */
	uint8_t role;                 /**< enum cfg_sa_role */
	uint8_t alg;                  /**< enum cfg_sa_alg */
	uint8_t iv_len;
	uint8_t icv_len;
	uint8_t pad_align;            /**< the ESP payload + trailer is a multiple of this */
	bool esn;
	bool async;                   /**< outbound AES-CBC: lookaside crypto ops (dp_esp.c) */
	uint8_t ipsec_lines;          /**< rte_ipsec's SA: cache lines to prefetch (<= 4) */
	int seq_off;                  /**< mbuf dynamic field: a packet's full sequence number */
	struct dp_replay *rw;         /**< inbound: our own anti-replay window (dp_replay.h) */
	/* the control plane's */
	uint32_t replay_window;
	uint64_t seq_start;           /**< outbound: the first sequence number (after a restart,
				       *   the stored reservation); inbound: the window's edge */
	struct in6_addr hoa6;         /**< the home address the SA is bound to */
	struct cfg_sa cfg;            /**< as created (dp_sa_resume builds it again) */
};
/* the burst's prefetch covers the first three lines */
_Static_assert(offsetof(struct dp_sa, rw) + sizeof(struct dp_replay *) <= 3 * RTE_CACHE_LINE_SIZE,
	       "dp_sa: a field ESP reads left the three prefetched lines");

/** One lcore's share of the crypto device: its queue pair and the crypto op pool. */
struct dp_esp_lcore {
	uint8_t dev_id;
	uint16_t qp;
	struct rte_mempool *ops;
};

struct dp_sadb {
	struct dp_sa **sa;            /**< by slot; NULL when free */
	char driver[32];              /**< the crypto device's driver (dp_sa_session_lines) */
	uint32_t ses_priv;            /**< its private session size in bytes */
	uint32_t gen;                 /**< SAs added so far (dp_sa.gen) */
	uint32_t cap;
	uint32_t n;
	uint32_t *free;
	uint32_t n_free;
	uint8_t dev_id;
	int socket;
	struct rte_mempool *ses_pool;
	struct rte_mempool *op_pool;  /**< crypto ops of the asynchronous path */
	uint16_t n_qps;               /**< queue pairs: one per lcore that runs ESP */
	struct dp_sa_ctr **ctr;       /**< [lcore][slot]: each lcore counts its share */
	int seq_off;                  /**< the mbuf dynamic field of the sequence number */
	bool started;
	struct rte_rcu_qsbr *qsv;     /**< readers of the SAs (workers); NULL: none */
	char dev_name[64];
};

struct dp_sadb_params {
	const char *crypto_dev;       /**< vdev spec, created when not probed yet */
	uint32_t capacity;            /**< SAs of all directions */
	uint16_t n_lcores;            /**< lcores that run ESP (workers + control plane) */
	int socket;
	struct rte_rcu_qsbr *qsv;     /**< dp_sa_del waits for these readers */
};

/**
 * Create the crypto device (when needed), the session pool for capacity SAs and the table.
 * @return NULL on failure (logged: no such PMD, no CPU crypto, no memory).
 */
struct dp_sadb *dp_sadb_create(const struct dp_sadb_params *p);
void dp_sadb_free(struct dp_sadb *db);
/** Stop the crypto device (no lcore may use it any more); dp_sadb_free does it too. */
void dp_sadb_stop(struct dp_sadb *db);

/**
 * Create the SA described by c for mobile node mn with home address hoa6.
 * @return 0 and *slot, -ENOSPC (table or session pool full), -EINVAL (rejected by
 *         rte_ipsec or the PMD), -ENOMEM.
 */
int dp_sa_add(struct dp_sadb *db, const struct cfg_sa *c, uint32_t mn,
	      const struct in6_addr *hoa6, uint16_t owner, uint32_t *slot);

/** Destroy an SA once no reader can hold it (waits for an RCU grace period); its
 *  counters start again from zero for the next SA in the slot. */
int dp_sa_del(struct dp_sadb *db, uint32_t slot);

/** The crypto resources of lcore number idx (< n_lcores). */
static inline struct dp_esp_lcore
dp_sadb_lcore(const struct dp_sadb *db, uint16_t idx)
{
	struct dp_esp_lcore l = { .dev_id = db->dev_id, .qp = idx, .ops = db->op_pool };

	return l;
}

/** The per-SA counters lcore number idx writes. */
static inline struct dp_sa_ctr *
dp_sadb_counters(const struct dp_sadb *db, uint16_t idx)
{
	return db->ctr[idx];
}

/**
 * A standby taking over (the pair): an outbound SA starts again at sequence number seq (above
 * what the old active reserved), an inbound SA's window at edge seq. Only while no lcore
 * uses the SA (a standby's workers forward nothing). @return 0, -ENOENT or rte_ipsec's error.
 */
int dp_sa_resume(struct dp_sadb *db, uint32_t slot, uint64_t seq);

/** The counters of the SA in slot, summed over lcores. */
void dp_sa_counters(const struct dp_sadb *db, uint32_t slot, struct dp_sa_ctr *sum);

static inline struct dp_sa *
dp_sa_get(const struct dp_sadb *db, uint32_t slot)
{
	return slot < db->cap ? db->sa[slot] : NULL;
}

/**
 * Which cache lines of a crypto session (bit i: bytes 64i..64i+63) the crypto work on one
 * short packet reads, for a driver (rte_cryptodev_info.driver_name) whose private session
 * is priv_size bytes: the lines worth prefetching when every SA's session is a cache miss
 * (a million SAs). Lines 0 and 1 (the session header, the first private line) for a driver,
 * size or algorithm whose layout is not known here. Only speed depends on it.
 */
uint32_t dp_sa_session_lines(const char *driver, uint32_t priv_size, enum cfg_sa_alg alg);

/** Bytes ESP adds to a payload of len bytes with sa (header, IV, padding, trailer, ICV). */
static inline uint16_t
dp_sa_overhead(const struct dp_sa *sa, uint32_t len)
{
	uint32_t clen = (len + 2 + sa->pad_align - 1) & ~((uint32_t)sa->pad_align - 1);

	return (uint16_t)(8 + sa->iv_len + (clen - len) + sa->icv_len);
}

const char *dp_sa_alg_name(uint8_t alg);

/**
 * Fill the crypto transforms and rte_ipsec parameters of c (pure; xf[] must outlive prm).
 * @return 0, or -EINVAL for an unknown algorithm.
 */
int dp_sa_prm_fill(const struct cfg_sa *c, struct rte_crypto_sym_xform xf[2],
		   struct rte_ipsec_sa_prm *prm);

#endif /* DP_SA_H */
