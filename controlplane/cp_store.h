/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The local state store: what the control plane must not forget across a restart (a crash,
 * an upgrade, systemctl restart), in an LMDB file beside no server.
 *
 *   b/<id>   a node's binding: care-of address, NAT port, format and flags, lifetime as wall
 *            clock, IPv4 lease and delegated prefix, mobile network prefixes, the last
 *            accepted sequence number (also while a deregistration is held);
 *   n/<id>   a node added at run time (dsmip-ctl mn-add): its description, SAs included;
 *   s/<spi><dir>  an SA's sequence-number reservation (outbound) or replay edge (inbound);
 *   meta     format version.
 *
 * The control plane marks what changes (cp_changes_*); the store writes it once per control
 * loop in one transaction (cp_store_flush), never per Binding Update. The file is opened
 * without synchronous commits: a commit is in the page cache at once (a process crash loses
 * nothing committed) and a thread of the store writes it to disk every store.sync_ms (a
 * power loss loses at most that). At start it is read before the ports come up.
 * Control lcore only (the sync thread only calls mdb_env_sync).
 */
#ifndef CP_STORE_H
#define CP_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "cp.h"

#define CP_STORE_FORMAT 1

struct cp_store;

/** What a restore did. */
struct cp_store_restored {
	uint32_t bindings;            /**< put back, with their time left */
	uint32_t held;                /**< deregistrations whose sequence number is kept */
	uint32_t expired;             /**< records whose lifetime ended while stopped */
	uint32_t gone;                /**< of nodes no longer configured (audit line each) */
	uint32_t refused;             /**< could not be put back (an address now another's) */
	uint32_t runtime_nodes;       /**< nodes added at run time, added again */
	uint32_t sas;                 /**< SA marks read */
	uint64_t ms;
};

/** Figures for telemetry. */
struct cp_store_info {
	char path[4096];
	uint64_t bytes;               /**< the file's size on disk */
	uint64_t records;
	uint64_t commits;
	uint64_t written;             /**< records written (put or deleted) */
	uint64_t last_commit_ms;      /**< control-plane clock of the last commit */
	uint64_t last_sync_ms;
	uint64_t errors;
	struct cp_store_restored restored;
};

/**
 * Open (or create) the store at path. A store of another format, or one LMDB cannot read,
 * is refused with the reason in err, unless discard: then it is emptied.
 * @return the store, or NULL.
 */
struct cp_store *cp_store_open(const char *path, uint32_t map_mb, uint32_t sync_ms,
			       bool discard, char *err, size_t errlen);
void cp_store_close(struct cp_store *s);

/**
 * Start the thread that writes commits to disk every sync_ms (none when sync_ms is 0).
 * Called from the control lcore after EAL: the thread inherits its CPU set, never a
 * worker's. @return 0 or -EAGAIN.
 */
int cp_store_syncer_start(struct cp_store *s);

/**
 * Before the nodes are created: the sequence-number reservations of their SAs go into each
 * SA's seq_start (outbound: the first number to use; inbound: the replay window's edge).
 */
void cp_store_sa_starts(struct cp_store *s, struct ha_cfg *cfg);

/** The same for one node (dsmip-ctl mn-add, sa-add: an SPI used before resumes). */
void cp_store_sa_starts_mn(struct cp_store *s, struct cfg_mn *m);

/**
 * After the nodes of the configuration are created and before the ports start: nodes added
 * at run time (unless the file names them now) and every binding with time left, as it was.
 * Bindings of nodes no longer configured are dropped with an audit line. wall_ms: the wall
 * clock (ms since the epoch) at the control plane's time now_ms.
 */
int cp_store_restore(struct cp_store *s, struct cp *cp, uint64_t now_ms, uint64_t wall_ms,
		     struct cp_store_restored *r);

/** Write what changed since the last flush, in one transaction (cp NULL: the SA marks
 *  only). @return records written. */
int cp_store_flush(struct cp_store *s, struct cp *cp, uint64_t now_ms, uint64_t wall_ms);

/**
 * Told, after each commit, every key it wrote (a put or a delete: its current value is in
 * the store); key NULL: more changed than could be listed (read everything again).
 */
typedef void (*cp_store_tap_fn)(void *arg, const void *key, size_t len);
void cp_store_set_tap(struct cp_store *s, cp_store_tap_fn fn, void *arg);

/** Record an SA's mark (outbound: the reservation, and how far it runs ahead of use;
 *  inbound: the replay edge) in the next flush. */
void cp_store_sa_mark(struct cp_store *s, uint32_t spi, uint8_t dir, uint64_t mark,
		      uint64_t ahead);

void cp_store_info_get(struct cp_store *s, struct cp_store_info *i);

/* Reading the store from any thread (the pair's replication), each in its own read
 * transaction: what the last commit left. */

/** Every record (key, value) in key order; fn returns non-zero to stop. */
typedef int (*cp_store_scan_fn)(void *arg, const void *k, size_t klen, const void *v,
				size_t vlen);
int cp_store_scan(struct cp_store *s, cp_store_scan_fn fn, void *arg);

struct cp_store_reader;
struct cp_store_reader *cp_store_read_begin(struct cp_store *s);
/** The value of key (valid until cp_store_read_end). @return 0, -ENOENT or -EIO. */
int cp_store_read_get(struct cp_store_reader *r, const void *key, size_t klen,
		      const void **v, size_t *vlen);
void cp_store_read_end(struct cp_store_reader *r);

/** A key of the store: b/<id> (binding), n/<id> (run-time node), s/<spi><dir> (SA mark). */
struct cp_store_key {
	char kind;                    /**< 'b', 'n' or 's' */
	char id[CFG_NAME_MAX];
	uint32_t spi;
	uint8_t dir;
};
int cp_store_key_parse(const void *key, size_t len, struct cp_store_key *out);

/** A binding record as the control plane holds it at its clock now_ms (mnp: its prefixes),
 *  and the home address it was stored for. @return 0 or -EINVAL (damaged). */
int cp_store_binding_decode(const void *v, size_t len, uint64_t now_ms, uint64_t wall_ms,
			    struct cp_bind *b, struct cp_mn_prefixes *mnp,
			    struct in6_addr *hoa6);

/** An SA record's mark (0: damaged), and its ahead (may be NULL). */
uint64_t cp_store_sa_value(const void *v, size_t len, uint64_t *ahead);

/* cp_store_sa.c: ESP sequence numbers across restarts */
struct cp_store_sa;
struct dp_sadb;

/** Sweep state for cap SA slots counted by n_lcores lcores. @return NULL without memory. */
struct cp_store_sa *cp_store_sa_create(uint32_t cap, uint16_t n_lcores);
void cp_store_sa_free(struct cp_store_sa *w);
/** Forget what was stored per slot: every SA's next visit stores its mark again (after SAs
 *  were moved by dp_sa_resume). */
void cp_store_sa_reset(struct cp_store_sa *w);

/**
 * Visit up to budget SA slots (0: the paced share, every slot once per 20 ms) at control-plane
 * time now_ms: an outbound SA whose use nears its stored reservation gets a new one, an
 * inbound SA whose window moved gets its edge stored; both go into the next flush.
 */
void cp_store_sa_sweep(struct cp_store_sa *w, struct cp_store *s, const struct dp_sadb *db,
		       uint32_t budget, uint64_t now_ms);

#endif /* CP_STORE_H */
