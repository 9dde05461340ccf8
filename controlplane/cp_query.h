/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Questions to the control plane about its own state, asked from the telemetry thread and
 * answered on the control lcore (a mailbox; see cp_query.c), and per-node counters.
 */
#ifndef CP_QUERY_H
#define CP_QUERY_H

#include <stdint.h>

#include "dp_lcore.h"

struct ha_app;
struct cp_mn;
struct rte_tel_data;

/** An answer built on the control lcore into d. @return 0 or a negative errno. */
typedef int (*cp_query_fn)(struct ha_app *app, const char *params, struct rte_tel_data *d);

/** Telemetry thread: have the control plane run fn, wait for it (1 s at most). */
int cp_query_ask(cp_query_fn fn, const char *params, struct rte_tel_data *d);

/** Control lcore, once per loop pass: answer a pending question. */
void cp_query_serve(struct ha_app *app);

/** The mobile node of key: its IPv6 home address, its IPv4 home address (while bound), or its
 *  id; NULL when none. Control lcore only (telemetry answers and dsmip-ctl writes). */
struct cp_mn *cp_query_node(struct ha_app *app, const char *key);

/** /dsmip/binding,<IPv6 or IPv4 home address, or node id> */
int cp_query_binding(struct ha_app *app, const char *params, struct rte_tel_data *d);
/** /dsmip/pool */
int cp_query_pool(struct ha_app *app, const char *params, struct rte_tel_data *d);
/** /dsmip/config */
int cp_query_config(struct ha_app *app, const char *params, struct rte_tel_data *d);

/** /dsmip/state: the role, the state store, what the start restored. */
int cp_query_state(struct ha_app *app, const char *params, struct rte_tel_data *d);
/** /dsmip/ike: where SAs from the IKE daemon come from, what the mirror did with them. */
int cp_query_ike(struct ha_app *app, const char *params, struct rte_tel_data *d);

/** /dsmip/home_link: router advertisements, the home agents list, DHAAD. */
int cp_query_home_link(struct ha_app *app, const char *params, struct rte_tel_data *d);

/** Node idx's traffic through all workers since it was (re)added. */
void cp_query_mn_counters(const struct ha_app *app, uint32_t idx, struct dp_mn_ctr *sum);
/** Start node idx's counters from zero (a node added at run time reuses a slot). */
void cp_query_mn_counters_reset(struct ha_app *app, uint32_t idx);

#endif /* CP_QUERY_H */
