/* SPDX-License-Identifier: BSD-3-Clause */
/* Telemetry commands (/dsmip/...) readable with dpdk-telemetry.py. */
#ifndef CP_TELEMETRY_H
#define CP_TELEMETRY_H

struct ha_app;

/** Register the /dsmip/... commands; they read app until cp_telemetry_fini. */
int cp_telemetry_init(struct ha_app *app);

/** Detach the commands from app; waits for a command in progress to finish. */
void cp_telemetry_fini(void);

/** Hold off the telemetry readers of app (a reload swapping its configuration). */
void cp_telemetry_lock(void);
void cp_telemetry_unlock(void);

#endif /* CP_TELEMETRY_H */
