/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the packet parser entry, an Ethernet frame in. Whatever it reports
 * (offsets, lengths, tunnel layer) must stay inside the frame, and the headers it points at
 * are parsed again as the data plane would (inner IP, Mobility Header).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire_ip.h"
#include "wire_mh.h"
#include "wire_pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_ip4_info i4;
	struct wire_ip6_info i6;
	struct wire_pkt p;
	struct wire_mh m;
	uint8_t *f;

	f = malloc(size ? size : 1);
	if (f == NULL)
		return 0;
	memcpy(f, data, size);
	if (wire_pkt_parse(f, size, size > 0 ? f[size - 1] & 1 : 0, &p) == WIRE_E_OK &&
	    (p.l3 == WIRE_L3_IP4 || p.l3 == WIRE_L3_IP6)) {
		size_t end = (size_t)p.l3_off + p.ip_len;

		if (end > size || p.l4_off > end || (size_t)p.l4_off + p.l4_len > end)
			abort();
		if (!p.frag && p.tun != WIRE_TUN_NONE && p.inner_off > end)
			abort();
		if (!p.frag && (p.tun == WIRE_TUN_IPIP || p.tun == WIRE_TUN_UDP ||
				p.tun == WIRE_TUN_UDP_TLV)) {
			if (p.inner_proto == 4)
				(void)wire_ip4_parse(f + p.inner_off, end - p.inner_off, true, &i4);
			else if (p.inner_proto == 41)
				(void)wire_ip6_parse(f + p.inner_off, end - p.inner_off, &i6);
		}
		if (!p.frag && p.l4_proto == WIRE_PROTO_MH)
			(void)wire_mh_parse(f + p.l4_off, p.l4_len, NULL, NULL, 0, &m);
	}
	free(f);
	return 0;
}
