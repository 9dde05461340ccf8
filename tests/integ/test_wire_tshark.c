/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tshark as an independent decoder: every BA and BE our builders can produce (option
 * combinations, flags, both carriages) goes into a pcap; tshark decodes it and every field is
 * compared with what was built. A malformed packet in tshark's eyes fails the test. tshark
 * does not verify MH checksums (protocol facts §13), so those are checked with our parser.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "wire_csum.h"
#include "wire_mh.h"

#define MAX_PKTS 1024
#define NFIELDS 21

struct expect {
	char f[NFIELDS][48];
};

static struct expect exp_rows[MAX_PKTS];
static unsigned int n_pkts;
static FILE *pcap;

static const char *const fields[NFIELDS] = {
	"mip6.mhtype", "mip6.ba.status", "mip6.ba.k_flag", "mip6.nemo.ba.r_flag",
	"mip6.ba.t_flag", "mip6.ba.seqnr", "mip6.ba.lifetime", "mip6.ipv4aa.sts",
	"mip6.ipv4ha.preflen", "mip6.ipv4ha.ha", "mip6.natd.f_flag", "mip6.natd.refresh_t",
	"mip6.bra.interval", "mip6.be.status", "mip6.be.haddr", "ipv6.routing.type",
	"ipv6.routing.mipv6.home_address", "udp.srcport", "udp.dstport", "ipv6.dst", "ip.dst",
};

static void
pcap_open(const char *path)
{
	uint8_t h[24] = { 0 };

	pcap = fopen(path, "wb");
	cr_assert_not_null(pcap);
	/* Little-endian pcap header, version 2.4, snaplen 65535, Ethernet. */
	h[0] = 0xd4; h[1] = 0xc3; h[2] = 0xb2; h[3] = 0xa1;
	h[4] = 2; h[6] = 4;
	h[16] = 0xff; h[17] = 0xff;
	h[20] = 1;
	fwrite(h, 1, sizeof(h), pcap);
}

static void
pcap_write(const uint8_t *ip, int len, bool v4)
{
	uint8_t rec[16] = { 0 }, eth[14] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };
	uint32_t caplen = (uint32_t)len + 14;

	eth[12] = v4 ? 0x08 : 0x86;
	eth[13] = v4 ? 0x00 : 0xdd;
	rec[0] = (uint8_t)n_pkts;
	memcpy(rec + 8, &caplen, 4);
	memcpy(rec + 12, &caplen, 4);
	fwrite(rec, 1, sizeof(rec), pcap);
	fwrite(eth, 1, sizeof(eth), pcap);
	fwrite(ip, 1, (size_t)len, pcap);
}

static void
set(struct expect *e, int i, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->f[i], sizeof(e->f[i]), fmt, ap);
	va_end(ap);
}

static struct wire_mh_carriage
carriage(bool udp4)
{
	struct wire_mh_carriage c = { .udp4 = udp4, .sport = 4191, .dport = 40001 };

	inet_pton(AF_INET6, "2001:db8:1::1", &c.src6);
	inet_pton(AF_INET6, "2001:db8:1::100", &c.hoa);
	if (udp4) {
		c.dst6 = c.hoa;          /* RFC 5555 §4.2: no RH2, inner destination is the HoA */
		inet_pton(AF_INET, "198.51.100.1", &c.src4);
		inet_pton(AF_INET, "203.0.113.9", &c.dst4);
	} else {
		inet_pton(AF_INET6, "2001:db8:b::5", &c.dst6);
		c.rh2 = true;
	}
	return c;
}

/* The carriage columns of the expectation. */
static void
expect_carriage(struct expect *e, const struct wire_mh_carriage *c)
{
	set(e, 15, c->rh2 ? "2" : "");
	set(e, 16, c->rh2 ? "2001:db8:1::100" : "");
	set(e, 17, c->udp4 ? "4191" : "");
	set(e, 18, c->udp4 ? "40001" : "");
	set(e, 19, c->udp4 ? "2001:db8:1::100" : "2001:db8:b::5");
	set(e, 20, c->udp4 ? "203.0.113.9" : "");
}

/* Check the checksum of the MH inside a built packet with our own parser. */
static void
check_mh_csum(const uint8_t *pkt, int len, bool v4, const struct wire_mh_carriage *c)
{
	const uint8_t *ip6 = pkt + (v4 ? 28 : 0);
	size_t off = 40 + (c->rh2 ? 24 : 0), ip6_len = (size_t)len - (v4 ? 28 : 0);
	struct wire_mh m;

	cr_assert_eq(wire_mh_parse(ip6 + off, ip6_len - off, &c->src6, c->rh2 ? &c->hoa : &c->dst6,
				   WIRE_MH_F_STRICT_ALIGN, &m), WIRE_E_OK);
}

static void
add_ba(bool udp4, const struct wire_ba_args *a)
{
	struct wire_mh_carriage c = carriage(udp4);
	struct expect *e = &exp_rows[n_pkts];
	char buf[INET_ADDRSTRLEN];
	uint8_t pkt[512];
	int n = wire_ba_pkt_build(pkt, sizeof(pkt), &c, a);

	cr_assert_gt(n, 0);
	cr_assert_lt(n_pkts, MAX_PKTS);
	check_mh_csum(pkt, n, udp4, &c);
	pcap_write(pkt, n, udp4);
	memset(e, 0, sizeof(*e));
	set(e, 0, "6");
	set(e, 1, "%u", a->status);
	set(e, 2, "%u", (a->flags & WIRE_BA_K) != 0);
	set(e, 3, "%u", (a->flags & WIRE_BA_R) != 0);
	set(e, 4, "%u", (a->flags & WIRE_BA_T) != 0);
	set(e, 5, "%u", a->seq);
	set(e, 6, "%u", a->lifetime);
	/* -E occurrence=l: tshark prints the last IPv4 Ack of a frame */
	if (a->n_v4ack > 0) {
		const struct wire_v4ack *k = &a->v4ack[a->n_v4ack - 1];

		set(e, 7, "%u", k->status);
		set(e, 8, "%u", k->plen);
		set(e, 9, "%s", inet_ntop(AF_INET, &k->addr, buf, sizeof(buf)));
	}
	if (a->has_natd) {
		set(e, 10, "%u", a->natd.f);
		set(e, 11, "%u", a->natd.refresh);
	}
	if (a->has_bra)
		set(e, 12, "%u", a->bra);
	expect_carriage(e, &c);
	n_pkts++;
}

static void
add_be(bool udp4, uint8_t status, bool with_hoa)
{
	struct wire_mh_carriage c = carriage(udp4);
	struct expect *e = &exp_rows[n_pkts];
	uint8_t pkt[512];
	int n;

	c.rh2 = false;  /* a BE carries no RH2 (RFC 6275 §9.5.4) */
	n = wire_be_pkt_build(pkt, sizeof(pkt), &c, status, with_hoa ? &c.hoa : NULL);
	cr_assert_gt(n, 0);
	check_mh_csum(pkt, n, udp4, &c);
	pcap_write(pkt, n, udp4);
	memset(e, 0, sizeof(*e));
	set(e, 0, "7");
	set(e, 13, "%u", status);
	set(e, 14, with_hoa ? "2001:db8:1::100" : "::");
	expect_carriage(e, &c);
	n_pkts++;
}

static void
build_all(void)
{
	static const uint8_t statuses[] = { 0, 1, 128, 129, 130, 131, 132, 133, 134, 135, 139,
					    140, 141, 142, 143, 144, 174 };
	static const uint8_t flag_sets[] = { 0, WIRE_BA_K, WIRE_BA_R, WIRE_BA_T,
					     WIRE_BA_K | WIRE_BA_R | WIRE_BA_T };
	static const uint8_t ack_statuses[] = { 0, 128, 129, 130, 131, 132, 133 };
	static const struct wire_natd natds[] = {
		{ false, WIRE_NATD_NO_REFRESH }, { false, 110 }, { true, 110 }, { true, 20 },
		{ true, 0 },
	};
	unsigned int v, s, f, k, nd;

	for (v = 0; v < 2; v++) {
		for (s = 0; s < sizeof(statuses); s++) {
			struct wire_ba_args a = { .status = statuses[s], .seq = (uint16_t)(s * 4099),
						  .lifetime = statuses[s] < 128 ? 900 : 0 };
			add_ba(v, &a);
		}
		for (f = 0; f < sizeof(flag_sets); f++) {
			struct wire_ba_args a = { .flags = flag_sets[f], .seq = 65535,
						  .lifetime = 65535, .has_bra = f % 2, .bra = 800 };
			add_ba(v, &a);
		}
		/* without and with IPv4 Ack (each status), times each NAT Detection variant */
		for (k = 0; k <= sizeof(ack_statuses); k++) {
			for (nd = 0; nd <= sizeof(natds) / sizeof(natds[0]); nd++) {
				struct wire_ba_args a = { .status = 0, .flags = WIRE_BA_K,
							  .seq = (uint16_t)(k * 10 + nd),
							  .lifetime = 100 };

				if (k > 0) {
					struct wire_v4ack *ack = &a.v4ack[0];

					a.n_v4ack = 1;
					ack->status = ack_statuses[k - 1];
					ack->plen = ack->status == 0 ? 24 + k % 9 : 0;
					inet_pton(AF_INET, ack->status == 0 ? "192.0.2.130" :
						  "0.0.0.0", &ack->addr);
					/* with a second Ack for a delegated prefix */
					if (nd % 2 == 1) {
						a.n_v4ack = 2;
						a.v4ack[1] = *ack;
						a.v4ack[0].status = 0;
						a.v4ack[0].plen = 32;
						inet_pton(AF_INET, "192.0.2.131",
							  &a.v4ack[0].addr);
					}
				}
				if (nd > 0) {
					a.has_natd = true;
					a.natd = natds[nd - 1];
				}
				add_ba(v, &a);
			}
		}
		add_be(v, WIRE_BE_UNKNOWN_BINDING, true);
		add_be(v, WIRE_BE_UNKNOWN_MH_TYPE, false);
	}
}

Test(wire_tshark, every_ba_and_be_decodes_as_built)
{
	char dir[] = "/tmp/ha_tshark_XXXXXX", path[64], cmd[2048], line[4096];
	unsigned int i, row = 0;
	size_t off;
	FILE *out;

	cr_assert_eq(system("command -v tshark >/dev/null"), 0,
		     "tshark missing: run tools/bootstrap.sh");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ba.pcap", dir);
	pcap_open(path);
	build_all();
	fclose(pcap);

	/* tshark does not decode UDP 4191 by default (protocol facts §13). */
	off = (size_t)snprintf(cmd, sizeof(cmd),
			       "tshark -n -r %s -d udp.port==4191,ip -T fields -E separator=/t "
			       "-E occurrence=l -e _ws.malformed -e _ws.expert.severity", path);
	for (i = 0; i < NFIELDS; i++)
		off += (size_t)snprintf(cmd + off, sizeof(cmd) - off, " -e %s", fields[i]);
	/* stderr apart: tshark warns when run as root */
	snprintf(cmd + off, sizeof(cmd) - off, " 2>%s/tshark.err", dir);
	out = popen(cmd, "r");
	cr_assert_not_null(out);
	while (fgets(line, sizeof(line), out) != NULL) {
		char *tok, *p = line;
		char cols[NFIELDS + 2][64];
		int c = 0;

		line[strcspn(line, "\n")] = '\0';
		cr_assert_lt(row, n_pkts, "extra tshark output: %s", line);
		memset(cols, 0, sizeof(cols));
		/* strsep keeps empty fields */
		while ((tok = strsep(&p, "\t")) != NULL && c < NFIELDS + 2)
			snprintf(cols[c++], sizeof(cols[0]), "%s", tok);
		cr_assert_eq(c, NFIELDS + 2, "frame %u: %d columns: %s", row + 1, c, line);
		cr_assert_str_empty(cols[0], "frame %u is malformed for tshark", row + 1);
		/* 0x00800000 is PI_ERROR */
		cr_assert(strstr(cols[1], "8388608") == NULL, "frame %u: tshark error", row + 1);
		for (i = 0; i < NFIELDS; i++)
			cr_assert_str_eq(cols[i + 2], exp_rows[row].f[i], "frame %u field %s",
					 row + 1, fields[i]);
		row++;
	}
	cr_assert_eq(pclose(out), 0, "tshark failed");
	cr_assert_eq(row, n_pkts, "tshark decoded %u of %u frames", row, n_pkts);
	cr_log_info("tshark agreed on %u frames", n_pkts);
	unlink(path);
	snprintf(path, sizeof(path), "%s/tshark.err", dir);
	unlink(path);
	rmdir(dir);
}
