/* SPDX-License-Identifier: BSD-3-Clause */
/* Registration of the home agent's rte_log types. */
#include "ha_log.h"

RTE_LOG_REGISTER(ha_logtype_cfg, user.ha.cfg, INFO);
RTE_LOG_REGISTER(ha_logtype_cp, user.ha.cp, INFO);
RTE_LOG_REGISTER(ha_logtype_dp, user.ha.dp, INFO);
