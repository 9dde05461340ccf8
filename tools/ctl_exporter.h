/* SPDX-License-Identifier: BSD-3-Clause */
/* dsmip-ctl serve-metrics: the Prometheus exporter on libmicrohttpd. */
#ifndef CTL_EXPORTER_H
#define CTL_EXPORTER_H

#include <stdio.h>

/**
 * Serve GET /metrics on addr:port (an IPv4 or IPv6 literal) with what metrics() writes,
 * until SIGINT/SIGTERM or max_s seconds (0: no limit). One polling thread, non-blocking
 * sockets: a client that never sends its request or never reads the answer holds only its
 * own connection, and loses it after 10 s without progress. @return 0, or 1 (cannot
 * listen).
 */
int ctl_serve_metrics(const char *addr, int port, long max_s, int (*metrics)(FILE *f));

#endif /* CTL_EXPORTER_H */
