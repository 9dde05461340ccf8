/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tshark as the independent judge of what our builders write: frames go into a pcap, tshark
 * decodes chosen fields (-T fields), and every field is compared with the row the test
 * expected. A frame tshark calls malformed, or an expert error, fails the test.
 */
#ifndef TSHARK_LIB_H
#define TSHARK_LIB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define TSK_FIELDS_MAX 24
#define TSK_ROWS_MAX 1024

/** One frame's expected field values, in the order of the fields given to tsk_compare. */
struct tsk_row {
	char f[TSK_FIELDS_MAX][48];
};

struct tsk_pcap {
	char dir[32];
	char path[64];
	FILE *f;
	unsigned int n;                       /**< frames written */
	struct tsk_row rows[TSK_ROWS_MAX];
};

/** A pcap (Ethernet) in a new temporary directory. */
void tsk_open(struct tsk_pcap *t);

/** Write an IP packet behind an Ethernet header. @return its expectation row, cleared. */
struct tsk_row *tsk_write(struct tsk_pcap *t, const uint8_t *ip, int len, bool v4);

/** printf into field i of a row. */
void tsk_set(struct tsk_row *r, int i, const char *fmt, ...);

/**
 * Close the pcap, run tshark with extra options (e.g. "-d udp.port==4191,ip") over it for
 * fields[0..nf-1] (-E occurrence=l: the last of repeated fields), assert every frame's
 * fields equal its row, and remove the files.
 */
void tsk_compare(struct tsk_pcap *t, const char *extra, const char *const *fields,
		 unsigned int nf);

#endif /* TSHARK_LIB_H */
