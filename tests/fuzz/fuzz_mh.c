/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the Mobility Header parser. Any input must parse or fail with a typed
 * error without reading outside it; what parses must rebuild into something that parses.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire_mh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct in6_addr a = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
	static const struct in6_addr b = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } };
	uint8_t *copy, buf[WIRE_MH_MAX_LEN];
	struct wire_mh m, m2;
	enum wire_err e;
	int n;

	/* An exact-size heap copy lets ASan catch any read past the end. */
	copy = malloc(size ? size : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	(void)wire_mh_parse(copy, size, &a, &b, 0, &m);
	e = wire_mh_parse(copy, size, NULL, NULL, size > 0 ? copy[0] & 1 : 0, &m);
	if (e == WIRE_E_OK && m.type == WIRE_MH_BU) {
		struct wire_bu_args ba = {
			.seq = m.bu.seq, .flags = m.bu.flags, .lifetime = m.bu.lifetime,
			.has_altcoa = (m.opts.present & WIRE_MHOPT_BIT(WIRE_MHOPT_ALTCOA)) != 0,
			.altcoa = m.opts.altcoa, .n_mnp = m.opts.n_mnp, .n_v4hoa = m.opts.n_v4hoa,
			.has_v4coa = (m.opts.present & WIRE_MHOPT_BIT(WIRE_MHOPT_V4COA)) != 0,
			.v4coa = m.opts.v4coa,
		};

		memcpy(ba.mnp, m.opts.mnp, sizeof(ba.mnp));
		memcpy(ba.v4hoa, m.opts.v4hoa, sizeof(ba.v4hoa));
		n = wire_mh_bu_build(buf, sizeof(buf), &ba, &a, &b);
		if (n < 0 || wire_mh_parse(buf, (size_t)n, &a, &b, WIRE_MH_F_STRICT_ALIGN, &m2) !=
		    WIRE_E_OK || m2.bu.seq != m.bu.seq || m2.opts.n_mnp != m.opts.n_mnp)
			abort();
	} else if (e == WIRE_E_OK && m.type == WIRE_MH_BA) {
		struct wire_ba_args aa = {
			.status = m.ba.status, .flags = m.ba.flags, .seq = m.ba.seq,
			.lifetime = m.ba.lifetime,
			.n_v4ack = m.opts.n_v4ack,
			.has_natd = (m.opts.present & WIRE_MHOPT_BIT(WIRE_MHOPT_NATD)) != 0,
			.natd = m.opts.natd,
			.has_bra = (m.opts.present & WIRE_MHOPT_BIT(WIRE_MHOPT_BRA)) != 0,
			.bra = m.opts.bra,
		};

		memcpy(aa.v4ack, m.opts.v4ack, sizeof(aa.v4ack));
		n = wire_mh_ba_build(buf, sizeof(buf), &aa, &a, &b);
		if (n < 0 || wire_mh_parse(buf, (size_t)n, &a, &b, WIRE_MH_F_STRICT_ALIGN, &m2) !=
		    WIRE_E_OK || m2.ba.status != m.ba.status || m2.opts.natd.refresh !=
		    m.opts.natd.refresh)
			abort();
	}
	free(copy);
	return 0;
}
