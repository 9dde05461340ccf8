/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Classic pcap files (the format of tcpdump, dumpcap -F pcap, net_pcap and scapy's wrpcap):
 * read Ethernet frames one by one, and write them. Used by the preload of Binding Updates
 * and the benchmark's traffic generator.
 */
#ifndef WIRE_PCAP_H
#define WIRE_PCAP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct wire_pcap {
	FILE *f;
	bool swap;                    /**< written on a host of the other byte order */
	uint32_t snaplen;
};

/** Open path for reading. @return 0, or -1 with err filled (not pcap, not Ethernet, ...). */
int wire_pcap_open(struct wire_pcap *p, const char *path, char *err, size_t errlen);

/**
 * The next frame into buf (cap bytes). @return its length (truncated to cap), 0 at the end
 * of the file, or -1 when the file is cut short or damaged.
 */
int wire_pcap_next(struct wire_pcap *p, uint8_t *buf, uint32_t cap);

/** Create path for writing Ethernet frames. @return 0 or -1. */
int wire_pcap_create(struct wire_pcap *p, const char *path);

/** Append one frame. @return 0 or -1. */
int wire_pcap_write(struct wire_pcap *p, const uint8_t *frame, uint32_t len);

void wire_pcap_close(struct wire_pcap *p);

#endif /* WIRE_PCAP_H */
