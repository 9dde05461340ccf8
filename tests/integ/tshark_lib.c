/* SPDX-License-Identifier: BSD-3-Clause */
/* tshark comparisons for the wire tests (see tshark_lib.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "tshark_lib.h"

void
tsk_open(struct tsk_pcap *t)
{
	uint8_t h[24] = { 0 };

	cr_assert_eq(system("command -v tshark >/dev/null"), 0,
		     "tshark missing: run tools/bootstrap.sh");
	snprintf(t->dir, sizeof(t->dir), "/tmp/ha_tshark_XXXXXX");
	cr_assert_not_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/frames.pcap", t->dir);
	t->f = fopen(t->path, "wb");
	cr_assert_not_null(t->f);
	t->n = 0;
	/* little-endian pcap header, version 2.4, snaplen 65535, Ethernet */
	h[0] = 0xd4; h[1] = 0xc3; h[2] = 0xb2; h[3] = 0xa1;
	h[4] = 2; h[6] = 4;
	h[16] = 0xff; h[17] = 0xff;
	h[20] = 1;
	fwrite(h, 1, sizeof(h), t->f);
}

struct tsk_row *
tsk_write(struct tsk_pcap *t, const uint8_t *ip, int len, bool v4)
{
	uint8_t rec[16] = { 0 }, eth[14] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };
	uint32_t caplen = (uint32_t)len + 14;
	struct tsk_row *r;

	cr_assert_lt(t->n, TSK_ROWS_MAX);
	eth[12] = v4 ? 0x08 : 0x86;
	eth[13] = v4 ? 0x00 : 0xdd;
	rec[0] = (uint8_t)t->n;
	memcpy(rec + 8, &caplen, 4);
	memcpy(rec + 12, &caplen, 4);
	fwrite(rec, 1, sizeof(rec), t->f);
	fwrite(eth, 1, sizeof(eth), t->f);
	fwrite(ip, 1, (size_t)len, t->f);
	r = &t->rows[t->n++];
	memset(r, 0, sizeof(*r));
	return r;
}

void
tsk_set(struct tsk_row *r, int i, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->f[i], sizeof(r->f[i]), fmt, ap);
	va_end(ap);
}

void
tsk_compare(struct tsk_pcap *t, const char *extra, const char *const *fields, unsigned int nf)
{
	char cmd[2048], line[4096], err[80];
	unsigned int i, row = 0;
	size_t off;
	FILE *out;

	cr_assert_leq(nf, TSK_FIELDS_MAX);
	fclose(t->f);
	off = (size_t)snprintf(cmd, sizeof(cmd),
			       "tshark -n -r %s %s -T fields -E separator=/t -E occurrence=l "
			       "-e _ws.malformed -e _ws.expert.severity", t->path, extra);
	for (i = 0; i < nf; i++)
		off += (size_t)snprintf(cmd + off, sizeof(cmd) - off, " -e %s", fields[i]);
	/* stderr apart: tshark warns when run as root */
	snprintf(err, sizeof(err), "%s/tshark.err", t->dir);
	snprintf(cmd + off, sizeof(cmd) - off, " 2>%s", err);
	out = popen(cmd, "r");
	cr_assert_not_null(out);
	while (fgets(line, sizeof(line), out) != NULL) {
		char cols[TSK_FIELDS_MAX + 2][64], *tok, *p = line;
		unsigned int c = 0;

		line[strcspn(line, "\n")] = '\0';
		cr_assert_lt(row, t->n, "extra tshark output: %s", line);
		memset(cols, 0, sizeof(cols));
		/* strsep keeps empty fields */
		while ((tok = strsep(&p, "\t")) != NULL && c < nf + 2)
			snprintf(cols[c++], sizeof(cols[0]), "%s", tok);
		cr_assert_eq(c, nf + 2, "frame %u: %u columns: %s", row + 1, c, line);
		cr_assert_str_empty(cols[0], "frame %u is malformed for tshark", row + 1);
		/* 0x00800000 is PI_ERROR */
		cr_assert(strstr(cols[1], "8388608") == NULL, "frame %u: tshark error", row + 1);
		for (i = 0; i < nf; i++)
			cr_assert_str_eq(cols[i + 2], t->rows[row].f[i], "frame %u field %s",
					 row + 1, fields[i]);
		row++;
	}
	cr_assert_eq(pclose(out), 0, "tshark failed");
	cr_assert_eq(row, t->n, "tshark decoded %u of %u frames", row, t->n);
	cr_log_info("tshark agreed on %u frames", t->n);
	unlink(t->path);
	unlink(err);
	rmdir(t->dir);
}
