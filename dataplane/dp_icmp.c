/* SPDX-License-Identifier: BSD-3-Clause */
/* When the home agent may answer a packet with an ICMP error (see dp_icmp.h). */
#include "dp_icmp.h"
#include "wire_csum.h"
#include "wire_ip.h"
#include "wire_nd.h"

/* 0/8 "this network", 127/8 loopback, 224/4 multicast, 240/4 class E and broadcast */
static bool
one_host4(const uint8_t *a)
{
	return a[0] != 0 && a[0] != 127 && a[0] < 224;
}

bool
dp_icmp_error_allowed(const uint8_t *ip, uint16_t len, uint8_t type, uint8_t code)
{
	if ((ip[0] >> 4) == 4) {
		uint16_t hl = (uint16_t)((ip[0] & 0x0f) * 4);

		if ((wire_rd16(ip + 6) & 0x1fff) != 0)
			return false;                        /* not the first fragment */
		if (!one_host4(ip + 12) || ip[16] >= 224)
			return false;                        /* source, destination */
		return !(ip[9] == WIRE_PROTO_ICMP && len > hl && ip[hl] != WIRE_ICMP_ECHO &&
			 ip[hl] != WIRE_ICMP_ECHO_REPLY);
	}
	if (ip[8] == 0xff)
		return false;                                /* multicast source */
	if (wire_rd32(ip + 8) == 0 && wire_rd32(ip + 12) == 0 && wire_rd32(ip + 16) == 0 &&
	    wire_rd32(ip + 20) == 0)
		return false;                                /* unspecified source */
	if (ip[24] == 0xff && type != WIRE_ICMP6_TOO_BIG &&
	    !(type == WIRE_ICMP6_PARAM_PROB && code == 2))
		return false;
	/* ICMPv6 errors are the types below 128 */
	return !(ip[6] == WIRE_PROTO_ICMPV6 && len > WIRE_IP6_HLEN && ip[40] < 128);
}
