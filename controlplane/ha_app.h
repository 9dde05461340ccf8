/* SPDX-License-Identifier: BSD-3-Clause */
/* The running home agent: configuration, ports, workers; owned by the main (control) lcore. */
#ifndef HA_APP_H
#define HA_APP_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_cycles.h>

#include "bc.h"
#include "cp.h"
#include "cp_bcw.h"
#include "cfg.h"
#include "dp_lcore.h"
#include "dp_port.h"
#include "dp_sa.h"
#include "dp_setup.h"
#include "cp_io.h"
#include "cp_store.h"
#include "ha_opts.h"

struct rte_mempool;
struct cp_ctl;

struct ha_app {
	struct ha_opts opts;
	struct ha_cfg *cfg;
	struct rte_mempool *pool;
	struct bc *bc;                /**< binding cache, prefix and SPI tables */
	struct dp_sadb *sadb;         /**< security associations (rte_ipsec) */
	struct cp *cp;                /**< the control plane (this lcore is its only writer) */
	struct cp_bcw bcw;            /**< its writer side of bc */
	struct cp_io *io;             /**< its packet I/O */
	struct dp_setup dps;          /**< the data plane's context and rings */
	uint64_t tsc_hz;
	uint64_t start_tsc;
	unsigned int n_ports;
	struct dp_port ports[CFG_MAX_PORTS];
	unsigned int main_lcore;
	unsigned int n_workers;
	struct dp_lcore *workers;     /**< n_workers entries, cache aligned */
	uint64_t start_time;          /**< seconds since the epoch */
	struct dp_mn_ctr *mn_base;    /**< per node: worker counters when it was (re)added */
	uint64_t cfg_loaded_ms;       /**< control-plane clock of the last (re)load */
	uint64_t reloads;
	uint64_t reloads_refused;     /**< files that did not validate: nothing changed */
	struct cp_ctl *ctl;           /**< the control socket (dsmip-ctl) */
	struct cp_store *store;       /**< the local state store (NULL: off) */
	struct cp_store_sa *store_sa; /**< its ESP sequence-number sweep */
	struct ha_pair *pair;         /**< the active/standby pair (NULL: standalone) */
	struct ha_ike *ike;           /**< SAs from an IKE daemon (NULL: config keys only) */
	uint64_t start_wall_ms;       /**< wall clock (ms since the epoch) at start_tsc */
	uint64_t loop_max_us;         /**< the control loop's longest pass (what held it) */
	uint64_t loop_slow;           /**< its passes longer than HA_LOOP_SLOW_US */
	volatile bool quit;           /**< set by SIGINT/SIGTERM */
	volatile bool reload;         /**< set by SIGHUP */
};

/*
 * The control plane's clock starts at HA_CLOCK_BASE_MS rather than 0, so that times from
 * before this start (a binding's creation and last BU, restored from the store or received
 * from the pair's active) are representable: 2^40 ms is 35 years.
 */
#define HA_CLOCK_BASE_MS (UINT64_C(1) << 40)

/** A control-loop pass longer than this is counted (BAs, telemetry and dsmip-ctl wait for it;
 *  keepalived's check of a pair member times out at 2 s). */
#define HA_LOOP_SLOW_US 100000

/** The control plane's clock: milliseconds from the TSC, HA_CLOCK_BASE_MS at start. */
static inline uint64_t
ha_app_now_ms(const struct ha_app *a)
{
	return HA_CLOCK_BASE_MS + (rte_get_timer_cycles() - a->start_tsc) * 1000 / a->tsc_hz;
}

/** The wall clock (ms since the epoch) at the control plane's time now_ms (the store keeps
 *  lifetimes as wall clock: the TSC starts again at every start). */
static inline uint64_t
ha_app_wall_ms(const struct ha_app *a, uint64_t now_ms)
{
	return a->start_wall_ms + (now_ms - HA_CLOCK_BASE_MS);
}

/**
 * Write what changed to the state store now. all: every SA's sequence number is visited
 * first (after a node or an SA was added: its reservation is stored before it can carry a
 * packet); otherwise the control loop's share.
 */
static inline void
ha_app_store_sync(struct ha_app *a, bool all)
{
	uint64_t now = ha_app_now_ms(a);

	if (a->store == NULL)
		return;
	cp_store_sa_sweep(a->store_sa, a->store, a->sadb, all ? a->cfg->cap.sas : 0, now);
	cp_store_flush(a->store, a->cp, now, ha_app_wall_ms(a, now));
}

#endif /* HA_APP_H */
