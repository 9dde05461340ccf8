/* SPDX-License-Identifier: BSD-3-Clause */
/* UDP 4191 vanilla/TLV, UDP 4500 demultiplexing and ESP header views (pure). */
#include "wire_csum.h"
#include "wire_ip.h"
#include "wire_tun.h"

enum wire_err
wire_udp4191_parse(const uint8_t *p, size_t len, struct wire_udp4191 *out)
{
	if (len < 1)
		return WIRE_E_TRUNCATED;
	switch (p[0] >> 4) {
	case 4:
		out->tlv = false;
		out->next = WIRE_PROTO_IPIP;
		out->inner_off = 0;
		return WIRE_E_OK;
	case 6:
		out->tlv = false;
		out->next = WIRE_PROTO_IPV6;
		out->inner_off = 0;
		return WIRE_E_OK;
	case 0:
		if (len < WIRE_TLV_HLEN)
			return WIRE_E_TRUNCATED;
		if (wire_rd16(p + 2) != len - WIRE_TLV_HLEN)
			return WIRE_E_BAD_TLV;
		out->tlv = true;
		out->next = p[1];
		out->inner_off = WIRE_TLV_HLEN;
		return WIRE_E_OK;
	default:
		return WIRE_E_BAD_VERSION;
	}
}

void
wire_tlv_build(uint8_t *p, uint8_t next, uint16_t len)
{
	p[0] = 0;  /* Type 0, Reserved 0 */
	p[1] = next;
	wire_wr16(p + 2, len);
}

enum wire_err
wire_udp4500_classify(const uint8_t *p, size_t len, enum wire_natt_kind *kind)
{
	if (len == 0)
		return WIRE_E_TRUNCATED;
	if (len == 1) {
		if (p[0] != WIRE_NATT_KEEPALIVE)
			return WIRE_E_BAD_LENGTH;
		*kind = WIRE_NATT_KEEPALIVE_PKT;
		return WIRE_E_OK;
	}
	if (len < 4)
		return WIRE_E_TRUNCATED;
	if (wire_rd32(p) == 0) {
		*kind = WIRE_NATT_IKE;
		return WIRE_E_OK;
	}
	if (len < WIRE_ESP_HLEN)
		return WIRE_E_TRUNCATED;
	*kind = WIRE_NATT_ESP;
	return WIRE_E_OK;
}

enum wire_err
wire_esp_parse(const uint8_t *p, size_t len, struct wire_esp *out)
{
	if (len < WIRE_ESP_HLEN)
		return WIRE_E_TRUNCATED;
	out->spi = wire_rd32(p);
	out->seq = wire_rd32(p + 4);
	if (out->spi < 256)
		return WIRE_E_BAD_ESP;
	return WIRE_E_OK;
}
