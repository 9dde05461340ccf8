/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Micro-benchmark of the wire library (prints numbers, asserts nothing): BU parse+validate
 * with checksum, BA build with options, and the Ethernet frame parser.
 *   wire-bench [iterations]
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

#include "wire_mh.h"
#include "wire_pkt.h"

static double
now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

#define MEASURE(label, iters, body) do {                                          \
	double t0 = now_ns();                                                     \
	uint64_t c0 = __rdtsc();                                                  \
	for (long i_ = 0; i_ < (iters); i_++) { body; }                           \
	uint64_t c1 = __rdtsc();                                                  \
	double t1 = now_ns();                                                     \
	printf("WIREBENCH op=%s ns_per_op=%.1f tsc_per_op=%.1f iterations=%ld\n", \
	       label, (t1 - t0) / (iters), (double)(c1 - c0) / (iters), (long)(iters)); \
} while (0)

int
main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 5000000;
	struct in6_addr hoa, ha;
	struct wire_bu_args bu = { .seq = 7, .flags = WIRE_BU_A | WIRE_BU_H | WIRE_BU_K,
				   .lifetime = 100, .n_v4hoa = 1, .has_v4coa = true };
	struct wire_ba_args ba = { .status = 0, .flags = WIRE_BA_K, .seq = 7, .lifetime = 100,
				   .n_v4ack = 1, .v4ack = { { 0, 24, 0 } }, .has_natd = true,
				   .natd = { false, 110 } };
	struct wire_mh_carriage c = { .udp4 = true, .sport = 4191, .dport = 40000 };
	uint8_t mh[256], frame[256] = { 0 };
	volatile unsigned int sink = 0;
	struct wire_mh m;
	struct wire_pkt p;
	int n, fn;

	inet_pton(AF_INET6, "2001:db8:1::100", &hoa);
	inet_pton(AF_INET6, "2001:db8:1::1", &ha);
	inet_pton(AF_INET, "192.0.2.100", &bu.v4hoa[0].addr);
	bu.v4hoa[0].plen = 32;
	inet_pton(AF_INET, "100.64.0.5", &bu.v4coa);
	n = wire_mh_bu_build(mh, sizeof(mh), &bu, &hoa, &ha);
	c.src6 = ha;
	c.dst6 = hoa;
	inet_pton(AF_INET, "198.51.100.1", &c.src4);
	inet_pton(AF_INET, "203.0.113.9", &c.dst4);
	frame[12] = 0x08;
	fn = wire_ba_pkt_build(frame + 14, sizeof(frame) - 14, &c, &ba) + 14;
	if (n < 0 || fn < 14)
		return 1;

	MEASURE("bu_parse_validate", iters, {
		sink += wire_mh_parse(mh, (size_t)n, &hoa, &ha, 0, &m);
		sink += m.bu.seq;
	});
	MEASURE("ba_build", iters, {
		ba.seq = (uint16_t)i_;
		sink += (unsigned int)wire_mh_ba_build(mh, sizeof(mh), &ba, &ha, &hoa);
	});
	MEASURE("frame_parse_udp4", iters, {
		sink += wire_pkt_parse(frame, (size_t)fn, 0, &p);
		sink += p.l4_off;
	});
	return sink == 0xdeadbeef;
}
