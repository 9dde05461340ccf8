/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dsmip-ctl's side of the home agent's sockets: DPDK telemetry commands (their replies
 * parsed by jansson) and the control socket, both under /var/run/dpdk/<file prefix>/.
 */
#ifndef CTL_TEL_H
#define CTL_TEL_H

#include <stddef.h>

#include <jansson.h>

/** The EAL --file-prefix of the home agent (default "rte"). */
extern const char *ctl_prefix;

/** Connect to socket name under the home agent's runtime directory; -1 (said on stderr). */
int ctl_connect(const char *name, int type);

/**
 * Run telemetry command cmd ("/dsmip/x" or "/dsmip/x,PARAM"). @return the parsed reply
 * (caller json_decref()s it) with *body set to the command's own object, or NULL with the
 * reason on stderr. With text non-NULL the reply's text is kept there (caller frees).
 */
json_t *ctl_tel(const char *cmd, json_t **body, char **text);

/** Member key of object o as a number; 0 when o or the member is absent or not a number. */
double ctl_num(const json_t *o, const char *key);

/** A scalar as text into buf (strings as they are, numbers, true/false); "-" otherwise. */
const char *ctl_scalar(const json_t *v, char *buf, size_t len);

/**
 * Member key of o as text, "-" when absent. The text lives in one of 16 rotating static
 * buffers, so one printf can take several (dsmip-ctl is one thread; see ctl_tel.c).
 */
const char *ctl_str(const json_t *o, const char *key);

#endif /* CTL_TEL_H */
