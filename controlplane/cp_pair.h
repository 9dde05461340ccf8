/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The active/standby pair (config section pair): roles and what a switch does.
 *   standalone  no pair configured.
 *   standby     the workers drop every frame, the control plane sends nothing and runs no
 *               timers; the replication reader applies the active's records into the
 *               binding cache (warm: it could forward at once) and the local store.
 *   active      as a home agent alone, and every commit of the store is streamed to Redis.
 * A pair member starts as standby; keepalived's notify scripts call dsmip-ctl role
 * active|standby. Taking over: the records still queued are applied, every outbound SA
 * jumps past the old active's last reservation plus its step, inbound windows resume at
 * the old active's edges, the home agent's addresses and every binding's home addresses
 * are announced (gratuitous ARP, unsolicited NA), the workers forward, the writer starts
 * with a full resync. liveness_interface: a TAP the process holds open (the kernel removes
 * it when the process dies), for keepalived's track_interface.
 */
#ifndef CP_PAIR_H
#define CP_PAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cp_repl.h"

struct ha_app;

enum ha_role { HA_ROLE_STANDALONE, HA_ROLE_STANDBY, HA_ROLE_ACTIVE };

struct ha_pair_info {
	enum ha_role role;
	bool configured;
	struct cp_repl_stats repl;
	uint64_t applied;             /**< standby: records applied */
	uint64_t refused;             /**< standby: records that could not be applied */
	uint64_t unknown;             /**< standby: records of nodes this config lacks */
	uint64_t pending_retry;       /**< standby: waiting for another record first */
	uint64_t lag_ms;              /**< standby: age of the last record applied when it was */
	uint64_t takeovers;
	uint64_t takeover_ms;         /**< how long the last switch to active took */
	uint64_t sas_jumped;
	uint64_t announced;           /**< bindings announced at the last takeover */
	uint64_t stale_ms;            /**< at the last takeover: how long the standby had been
				       *   out of touch with Redis (its SAs jumped further) */
};

const char *ha_role_name(enum ha_role r);

/** Before the store is restored: a pair member that starts as the standby is silent from
 *  the start (nothing it restores is announced). */
void ha_pair_prestart(struct ha_app *a);
/** After the store is restored, before the workers run. @return 0 or -errno. */
int ha_pair_init(struct ha_app *a);
void ha_pair_fini(struct ha_app *a);

/** Each control-loop pass: the standby applies what the active sent. */
void ha_pair_poll(struct ha_app *a);

/** dsmip-ctl role: "active" or "standby". @return 0 (msg: what happened) or -1 (msg: why). */
int ha_pair_set_role(struct ha_app *a, const char *role, char *msg, size_t len);

bool ha_pair_is_standby(const struct ha_app *a);
void ha_pair_info_get(const struct ha_app *a, struct ha_pair_info *i);

#endif /* CP_PAIR_H */
