/* SPDX-License-Identifier: BSD-3-Clause */
/* Names of the wire parsers' errors. */
#include "wire_err.h"

static const char *const wire_err_names[WIRE_E_MAX] = {
#define WIRE_ERR_NAME(e, s) [WIRE_E_ ## e] = s,
	WIRE_ERR_LIST(WIRE_ERR_NAME)
#undef WIRE_ERR_NAME
};

const char *
wire_strerror(enum wire_err e)
{
	return (unsigned int)e < WIRE_E_MAX ? wire_err_names[e] : "unknown error";
}
