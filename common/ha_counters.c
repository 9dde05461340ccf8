/* SPDX-License-Identifier: BSD-3-Clause */
/* Names of the drop reasons, generated from HA_DROP_LIST. */
#include "ha_counters.h"

const char *const ha_drop_names[HA_DROP_MAX] = {
#define HA_DROP_NAME(e, s, d) [HA_DROP_ ## e] = s,
	HA_DROP_LIST(HA_DROP_NAME)
#undef HA_DROP_NAME
};

const char *const ha_drop_descr[HA_DROP_MAX] = {
#define HA_DROP_DESCR(e, s, d) [HA_DROP_ ## e] = d,
	HA_DROP_LIST(HA_DROP_DESCR)
#undef HA_DROP_DESCR
};

const char *const ha_event_names[HA_EV_MAX] = {
#define HA_EVENT_NAME(e, s, d) [HA_EV_ ## e] = s,
	HA_EVENT_LIST(HA_EVENT_NAME)
#undef HA_EVENT_NAME
};
