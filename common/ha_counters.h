/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Drop and event reasons as one X-macro list that generates the enum and the names
 * (VPP's foreach_*_error). Names are telemetry/Prometheus labels: lower case, no spaces.
 */
#ifndef HA_COUNTERS_H
#define HA_COUNTERS_H

/* _(ENUM, "label", "description") */
#define HA_DROP_LIST(_)                                                          \
	_(UNCLASSIFIED, "unclassified", "no handler for this packet class yet")  \
	_(NOT_FOR_US, "not_for_us", "destination MAC is not ours")              \
	_(TX_FULL, "tx_full", "TX queue full")

enum ha_drop {
#define HA_DROP_ENUM(e, s, d) HA_DROP_ ## e,
	HA_DROP_LIST(HA_DROP_ENUM)
#undef HA_DROP_ENUM
	HA_DROP_MAX
};

extern const char *const ha_drop_names[HA_DROP_MAX];
extern const char *const ha_drop_descr[HA_DROP_MAX];

#endif /* HA_COUNTERS_H */
