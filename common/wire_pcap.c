/* SPDX-License-Identifier: BSD-3-Clause */
/* Classic pcap reading and writing (see wire_pcap.h). */
#include <string.h>

#include "wire_pcap.h"

#define MAGIC_US 0xa1b2c3d4u          /* microsecond timestamps */
#define MAGIC_NS 0xa1b23c4du          /* nanosecond timestamps */
#define LINKTYPE_ETHERNET 1

static uint32_t
swap32(uint32_t v)
{
	return __builtin_bswap32(v);
}

int
wire_pcap_open(struct wire_pcap *p, const char *path, char *err, size_t errlen)
{
	uint32_t h[6];

	memset(p, 0, sizeof(*p));
	p->f = fopen(path, "rb");
	if (p->f == NULL) {
		snprintf(err, errlen, "%s: cannot open", path);
		return -1;
	}
	if (fread(h, sizeof(h), 1, p->f) != 1) {
		snprintf(err, errlen, "%s: shorter than a pcap header", path);
		goto fail;
	}
	if (h[0] == swap32(MAGIC_US) || h[0] == swap32(MAGIC_NS)) {
		p->swap = true;
	} else if (h[0] != MAGIC_US && h[0] != MAGIC_NS) {
		snprintf(err, errlen, "%s: not a pcap file (pcapng is not read: save as pcap)",
			 path);
		goto fail;
	}
	p->snaplen = p->swap ? swap32(h[4]) : h[4];
	if ((p->swap ? swap32(h[5]) : h[5]) != LINKTYPE_ETHERNET) {
		snprintf(err, errlen, "%s: link type is not Ethernet", path);
		goto fail;
	}
	return 0;
fail:
	fclose(p->f);
	p->f = NULL;
	return -1;
}

int
wire_pcap_next(struct wire_pcap *p, uint8_t *buf, uint32_t cap)
{
	uint32_t r[4], incl, keep;

	if (fread(r, sizeof(r), 1, p->f) != 1)
		return feof(p->f) ? 0 : -1;
	incl = p->swap ? swap32(r[2]) : r[2];
	if (incl > 262144)
		return -1;
	keep = incl < cap ? incl : cap;
	if (fread(buf, 1, keep, p->f) != keep)
		return -1;
	if (incl > keep && fseek(p->f, (long)(incl - keep), SEEK_CUR) != 0)
		return -1;
	return (int)keep;
}

int
wire_pcap_create(struct wire_pcap *p, const char *path)
{
	const uint32_t h[6] = { MAGIC_US, 0x00040002u, 0, 0, 65535, LINKTYPE_ETHERNET };

	memset(p, 0, sizeof(*p));
	p->f = fopen(path, "wb");
	if (p->f == NULL)
		return -1;
	p->snaplen = 65535;
	return fwrite(h, sizeof(h), 1, p->f) == 1 ? 0 : -1;
}

int
wire_pcap_write(struct wire_pcap *p, const uint8_t *frame, uint32_t len)
{
	const uint32_t r[4] = { 0, 0, len, len };

	if (fwrite(r, sizeof(r), 1, p->f) != 1 || fwrite(frame, 1, len, p->f) != len)
		return -1;
	return 0;
}

void
wire_pcap_close(struct wire_pcap *p)
{
	if (p->f != NULL)
		fclose(p->f);
	p->f = NULL;
}
