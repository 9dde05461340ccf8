/* SPDX-License-Identifier: BSD-3-Clause */
/* dsmip-ctl metrics: the home agent's telemetry in the Prometheus text format. */
#ifndef CTL_METRICS_H
#define CTL_METRICS_H

#include <stdio.h>

/**
 * Every counter of the home agent (/dsmip/stats, info, sas, pool, state, ike) as Prometheus
 * text format 0.0.4 into f. @return 0, or 1 when the home agent does not answer (then only
 * dsmip_up 0 is written, so a scraper is told rather than left without an answer).
 */
int ctl_metrics(FILE *f);

#endif /* CTL_METRICS_H */
