/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket: run-time writes from dsmip-ctl (add or remove a mobile node or an SA,
 * flush bindings, reload the configuration). A Unix stream socket beside the telemetry one
 * (<EAL runtime dir>/dsmip-ctl.sock), mode 0600, served by the control lcore between two
 * passes of its loop: requests change the control plane's state on its own thread, through
 * the same functions the config loader uses.
 *
 * Protocol: one request line "<command> [arguments]\n"; one answer: "OK[ text]\n" or
 * "ERR <reason>\n", possibly followed by more lines, then the connection closes.
 */
#ifndef CP_CTL_H
#define CP_CTL_H

#include <stdint.h>

struct ha_app;
struct cp_ctl;

/** Listen on path. @return NULL (logged) when the socket cannot be made. */
struct cp_ctl *cp_ctl_create(const char *path);
void cp_ctl_free(struct cp_ctl *c);

/** Clients closed at their deadline (a line not sent, an answer not read, in 2 s). */
uint64_t cp_ctl_timeouts(const struct cp_ctl *c);

/** Serve the pending requests (non-blocking accept; each request is bounded). */
void cp_ctl_poll(struct cp_ctl *c, struct ha_app *app);

/**
 * Re-read the configuration file, validate it completely, and apply the difference: mobile
 * nodes and their SAs added, removed or changed, policy and pool. A bad file changes nothing.
 * @return 0, or -1 with the reason (file:line errors) in err.
 */
int cp_ctl_reload(struct ha_app *app, char *err, size_t errlen);

#endif /* CP_CTL_H */
