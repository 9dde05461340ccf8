/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The pair's replication through Redis (hiredis), on a thread of its own so that Redis
 * never holds the control loop:
 *   writer (the active): the state store's tap queues every key a commit wrote; the thread
 *     reads their committed values from the store and sends them, pipelined, as HSET/HDEL of
 *     <prefix>:state (the whole state, field = store key) and XADD to <prefix>:log (the
 *     change stream, bounded by MAXLEN ~ pair.stream_max). After a (re)connection, or keys
 *     lost to a full queue, it writes the whole state again (a resync: INCR <prefix>:gen,
 *     the hash rewritten, then an "R" entry with the new generation).
 *   reader (the standby): a resync (CLEAR, then every field of <prefix>:state), then the
 *     stream from the entry the resync started at (XREAD BLOCK); an "R" entry of another
 *     generation, or a reconnection, starts a resync again. Records go to the control loop
 *     through a queue (cp_repl_next); the thread waits when it is full.
 * The key queue and the record queue are single-producer single-consumer rings; the
 * control loop is the other end of both.
 */
#ifndef CP_REPL_H
#define CP_REPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "cp_store.h"

struct cp_repl;

enum cp_repl_op { CP_REPL_PUT, CP_REPL_DEL, CP_REPL_CLEAR };

/** One record for the standby's control loop (free with cp_repl_rec_free). */
struct cp_repl_rec {
	uint8_t op;                   /**< enum cp_repl_op */
	uint8_t klen;
	char key[48];                 /**< a state store key (cp_store_key_parse) */
	uint64_t t_ms;                /**< the active's wall clock when it sent it (0: resync) */
	uint32_t vlen;
	uint8_t v[];                  /**< the record (PUT) */
};

struct cp_repl_stats {
	bool writer;                  /**< the active's side (else the standby's, or stopped) */
	bool running;
	bool link_up;
	uint64_t queued;              /**< writer: keys waiting; reader: records waiting */
	uint64_t oldest_ms;           /**< writer: wall clock of the oldest key waiting (0) */
	uint64_t sent;
	uint64_t received;
	uint64_t resyncs;
	uint64_t errors;
	uint64_t dropped;             /**< writer: keys lost to a full queue (then a resync) */
	uint64_t synced_ms;           /**< reader: wall clock of its last read of Redis that
				       *   left it complete (0: never) */
	char last_error[128];
};

/** @return NULL without memory. store: read by the writer thread (cp_store_read_*). */
struct cp_repl *cp_repl_create(const struct cfg_pair *c, struct cp_store *store);
void cp_repl_free(struct cp_repl *r);

/** Start the thread as the writer or the reader (any running one is stopped first). */
int cp_repl_start(struct cp_repl *r, bool writer);
/** Stop the thread (the writer sends what is queued first, for at most wait_ms). */
void cp_repl_stop(struct cp_repl *r, uint32_t wait_ms);

/** cp_store tap (control loop): queue key for the writer (NULL: everything again). */
void cp_repl_tap(void *arg, const void *key, size_t len);

/** The next record for the control loop, or NULL. */
struct cp_repl_rec *cp_repl_next(struct cp_repl *r);
void cp_repl_rec_free(struct cp_repl_rec *rec);

void cp_repl_stats_get(const struct cp_repl *r, struct cp_repl_stats *st);

/** Wall clock, ms since the epoch. */
uint64_t cp_repl_wall_ms(void);

#endif /* CP_REPL_H */
