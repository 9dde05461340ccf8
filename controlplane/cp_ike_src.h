/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Where the IKE daemon's SAs come from (config section ike): its XFRM database read over
 * netlink (libmnl) in its network namespace, a dump at start and then the notifications;
 * or, when charon runs on another kernel (a VM; the lab's User-Mode Linux, since this
 * host's kernel has no ESP), a relay that streams that kernel's XFRM messages, byte for
 * byte, to a unix socket the home agent listens on. Either way each message goes through
 * cp_xfrm_parse into the mirror (cp_ike), whose installs are node SAs of the data plane
 * (cp_esp_sa_install, origin "ike"). All on the control lcore, never blocking.
 */
#ifndef CP_IKE_SRC_H
#define CP_IKE_SRC_H

#include <stdint.h>

#include "cp_ike.h"
#include "cp_ike_tap.h"

struct ha_app;

struct ha_ike_info {
	bool enabled;
	const char *source;           /**< "netlink", "netlink in <ns>", "relay <path>" */
	bool connected;               /**< relay: a relay is connected */
	uint64_t messages;
	uint64_t redumps;             /**< netlink: charon's SAs read again */
	uint64_t refused;             /**< malformed, or SAs the data plane cannot run */
	char last_refused[200];
	struct cp_ike_stats mirror;
	bool has_tap;
	struct ha_ike_tap_stats tap;  /**< the exception path */
};

/** After the control plane and the store, before the workers. @return 0 or -errno. */
int ha_ike_init(struct ha_app *a);
/** Control loop: what arrived since the last pass. */
void ha_ike_poll(struct ha_app *a);
void ha_ike_fini(struct ha_app *a);
void ha_ike_info_get(const struct ha_app *a, struct ha_ike_info *i);

/** Feed one buffer of netlink messages (tests; the relay and netlink paths use it). */
void ha_ike_feed(struct ha_app *a, const uint8_t *buf, size_t len);

#endif /* CP_IKE_SRC_H */
