/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tunnel and ESP header views: UDP 4191 vanilla and TLV (RFC 5555 §4.1, RFC 5845 §7.2),
 * UDP 4500 demultiplexing (RFC 3948 §2), the ESP header (RFC 4303 §2) (pure).
 */
#ifndef WIRE_TUN_H
#define WIRE_TUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire_err.h"

#define WIRE_PORT_IKE 500
#define WIRE_PORT_NATT 4500           /* UDP-encapsulated ESP and IKE (RFC 3948) */
#define WIRE_PORT_DSMIP 4191          /* DSMIPv6 NAT traversal (RFC 5555 §2.3.2.2) */
#define WIRE_TLV_HLEN 4
#define WIRE_ESP_HLEN 8
#define WIRE_NATT_KEEPALIVE 0xff

/** What follows a UDP 4191 header. */
struct wire_udp4191 {
	bool tlv;                     /**< a TLV header (RFC 5845 §7.2) precedes the payload */
	uint8_t next;                 /**< IP protocol of the payload: 4, 41, or (TLV only) any */
	uint8_t inner_off;            /**< 0, or WIRE_TLV_HLEN */
};

/**
 * Classify a UDP 4191 payload by its first nibble: 4 IPv4, 6 IPv6, 0 the TLV header of
 * RFC 5845 §7.2 (Type 0, Reserved, Next Header, Length of what follows). A TLV Length
 * different from the UDP payload length is an error (RFC 5845 §7.1: MUST discard).
 */
enum wire_err wire_udp4191_parse(const uint8_t *p, size_t len, struct wire_udp4191 *out);

/** Write a TLV header for len bytes of payload of protocol next. */
void wire_tlv_build(uint8_t *p, uint8_t next, uint16_t len);

enum wire_natt_kind {
	WIRE_NATT_KEEPALIVE_PKT,      /**< exactly one byte 0xff: ignore, count */
	WIRE_NATT_IKE,                /**< non-ESP marker (four zero bytes) */
	WIRE_NATT_ESP,
};

/** Demultiplex a UDP 4500 payload in the order of RFC 3948 §2.1-§2.3. */
enum wire_err wire_udp4500_classify(const uint8_t *p, size_t len, enum wire_natt_kind *kind);

/** ESP header fields, host order. */
struct wire_esp {
	uint32_t spi;
	uint32_t seq;
};

/** Read an ESP header; SPI 0-255 are reserved (RFC 4303 §2.1) and refused. */
enum wire_err wire_esp_parse(const uint8_t *p, size_t len, struct wire_esp *out);

#endif /* WIRE_TUN_H */
