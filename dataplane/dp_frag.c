/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv4 fragmentation before encapsulation (see dp_frag.h). */
#include <string.h>

#include "dp_frag.h"
#include "wire_csum.h"
#include "wire_ip.h"

#define IP4_DF 0x4000
#define IP4_MF 0x2000
#define IP4_OFFMASK 0x1fff
#define IPOPT_COPIED 0x80
#define IPOPT_EOL 0
#define IPOPT_NOP 1

/* The options of a non-first fragment: those with the copied flag (RFC 791). */
static uint16_t
copied_options(const uint8_t *opt, uint16_t n, uint8_t *out)
{
	uint16_t i = 0, o = 0;

	while (i < n) {
		uint8_t t = opt[i], l;

		if (t == IPOPT_EOL)
			break;
		if (t == IPOPT_NOP) {
			i++;
			continue;
		}
		l = i + 1 < n ? opt[i + 1] : 0;
		if (l < 2 || i + l > n)
			break;                /* malformed: copy no further */
		if (t & IPOPT_COPIED) {
			memcpy(out + o, opt + i, l);
			o = (uint16_t)(o + l);
		}
		i = (uint16_t)(i + l);
	}
	while (o % 4 != 0)
		out[o++] = IPOPT_EOL;
	return o;
}

int
dp_frag4_next(const uint8_t *ip, uint16_t len, uint16_t mtu, uint16_t *off, uint8_t *out,
	      size_t cap)
{
	uint16_t hl = (uint16_t)((ip[0] & 0x0f) * 4), frag = wire_rd16(ip + 6);
	uint16_t payload = (uint16_t)(len - hl), ohl, chunk, base;
	bool last;

	if (*off >= payload)
		return 0;
	if (*off == 0) {
		ohl = hl;
		memcpy(out, ip, hl);
	} else {
		memcpy(out, ip, WIRE_IP4_HLEN);
		ohl = (uint16_t)(WIRE_IP4_HLEN + copied_options(ip + WIRE_IP4_HLEN,
								  (uint16_t)(hl - WIRE_IP4_HLEN),
								  out + WIRE_IP4_HLEN));
		out[0] = (uint8_t)(0x40 | ohl / 4);
	}
	if (mtu < ohl + 8)
		return -1;
	chunk = (uint16_t)((mtu - ohl) & ~7u);
	last = payload - *off <= chunk;
	if (last)
		chunk = (uint16_t)(payload - *off);
	if ((size_t)ohl + chunk > cap)
		return -1;
	memcpy(out + ohl, ip + hl + *off, chunk);
	/* offsets add to those of a packet that is itself a fragment; MF stays set unless
	 * this is the last piece of the last fragment */
	base = frag & IP4_OFFMASK;
	wire_wr16(out + 2, (uint16_t)(ohl + chunk));
	wire_wr16(out + 6, (uint16_t)((base + *off / 8) | (last ? frag & IP4_MF : IP4_MF)));
	out[10] = out[11] = 0;
	wire_wr16(out + 10, wire_csum_ip4(out, ohl));
	*off = (uint16_t)(*off + chunk);
	return ohl + chunk;
}
