/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mobility Header (RFC 6275 §6.1) with the NEMO (RFC 3963) and DSMIPv6 (RFC 5555) options:
 * parse and validate any MH, build BRR, BU, BA and BE byte-exact with option alignment,
 * 8-byte padding and checksum. Numbers: protocol facts §1-§6 and §19 (final RFC/IANA values).
 * Pure functions on (pointer, length); they never read outside [p, p + len).
 */
#ifndef WIRE_MH_H
#define WIRE_MH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "wire_err.h"

#define WIRE_MH_HLEN 6                /* Payload Proto, Header Len, MH Type, Reserved, Checksum */
#define WIRE_MH_MAX_LEN 2048          /* (255 + 1) * 8 */

/* MH types (RFC 6275 §6.1.2-§6.1.9). */
#define WIRE_MH_BRR 0
#define WIRE_MH_HOTI 1
#define WIRE_MH_COTI 2
#define WIRE_MH_HOT 3
#define WIRE_MH_COT 4
#define WIRE_MH_BU 5
#define WIRE_MH_BA 6
#define WIRE_MH_BE 7
/* Home Agent Switch, RFC 5142 §5.1: built by the home agent, never parsed by it (one that
 * arrives gets BE status 2, as types 8-11 and 13-15 do) */
#define WIRE_MH_HA_SWITCH 12
#define WIRE_MH_BR 16                 /* Binding Revocation (BRI/BRA), RFC 5846 §6 */
#define WIRE_MH_TYPE_MAX WIRE_MH_BR   /* higher types are not recognized (BE status 2) */
#define WIRE_BR_INDICATION 1          /* B.R. Type */
#define WIRE_BR_ACK 2
#define WIRE_BR_TRIGGER_ADMIN 1       /* Revocation Trigger: administrative reason */
#define WIRE_BRA_SUCCESS 0            /* BRA status (RFC 5846 §6.2) */
#define WIRE_BRA_PARTIAL 1
#define WIRE_BRA_NO_BINDING 128       /* Binding Does NOT Exist */
#define WIRE_BR_P 0x80                /* proxy binding (flags byte: P, V, G, reserved) */
#define WIRE_BR_V 0x40                /* the IPv4 home address binding only */
#define WIRE_BR_G 0x20                /* global: every binding of the peer */
#define WIRE_HA_SWITCH_MAX 16         /* home agent addresses in one Home Agent Switch */

/* BU flags: the 16-bit word at offset 8 (protocol facts §3; F and T per §19.1-2). */
#define WIRE_BU_A 0x8000
#define WIRE_BU_H 0x4000
#define WIRE_BU_L 0x2000
#define WIRE_BU_K 0x1000
#define WIRE_BU_M 0x0800
#define WIRE_BU_R 0x0400              /* RFC 3963 */
#define WIRE_BU_P 0x0200              /* RFC 5213, never set by us */
#define WIRE_BU_F 0x0100              /* RFC 5555 §3.1.3 (the draft had 0x0200) */
#define WIRE_BU_T 0x0080              /* RFC 5845 (the draft had 0x0100) */

/* BA flags: the byte at offset 7. */
#define WIRE_BA_K 0x80
#define WIRE_BA_R 0x40                /* RFC 3963 */
#define WIRE_BA_P 0x20                /* RFC 5213 */
#define WIRE_BA_T 0x10                /* RFC 5845 (the draft had 0x20) */

/* BA status (RFC 6275 §6.1.8, RFC 3963, protocol facts §4 and §19.3). */
#define WIRE_BA_ACCEPTED 0
#define WIRE_BA_PREFIX_DISCOVERY 1
#define WIRE_BA_UNSPECIFIED 128
#define WIRE_BA_PROHIBITED 129
#define WIRE_BA_NO_RESOURCES 130
#define WIRE_BA_HOME_REG_UNSUPPORTED 131
#define WIRE_BA_NOT_HOME_SUBNET 132
#define WIRE_BA_NOT_HA_FOR_MN 133
#define WIRE_BA_DAD_FAILED 134
#define WIRE_BA_SEQ_OUT_OF_WINDOW 135
#define WIRE_BA_REG_TYPE_CHANGE 139
#define WIRE_BA_MR_NOT_PERMITTED 140
#define WIRE_BA_INVALID_PREFIX 141
#define WIRE_BA_PREFIX_NOT_AUTHORIZED 142
#define WIRE_BA_FWD_SETUP_FAILED 143
#define WIRE_BA_CANNOT_FORCE_UDP 144  /* RFC 5555 §4.4.2 text; IANA gives 144 to RFC 4285 */
#define WIRE_BA_INVALID_COA 174

/* IPv4 Address Acknowledgement status (RFC 5555 §3.2.1). */
#define WIRE_V4ACK_SUCCESS 0
#define WIRE_V4ACK_UNSPECIFIED 128
#define WIRE_V4ACK_PROHIBITED 129
#define WIRE_V4ACK_INCORRECT_HOA 130
#define WIRE_V4ACK_INVALID_ADDR 131
#define WIRE_V4ACK_NO_DYNAMIC 132
#define WIRE_V4ACK_PREFIX_UNAUTHORIZED 133

/* Binding Error status (RFC 6275 §6.1.9). */
#define WIRE_BE_UNKNOWN_BINDING 1
#define WIRE_BE_UNKNOWN_MH_TYPE 2

/* Mobility option types (RFC 6275 §6.2, RFC 3963 §4.3, RFC 5555 §3 with IANA numbers). */
#define WIRE_MHOPT_PAD1 0
#define WIRE_MHOPT_PADN 1
#define WIRE_MHOPT_BRA 2
#define WIRE_MHOPT_ALTCOA 3
#define WIRE_MHOPT_NONCE 4
#define WIRE_MHOPT_AUTH 5
#define WIRE_MHOPT_MNP 6
#define WIRE_MHOPT_V4HOA 29
#define WIRE_MHOPT_V4ACK 30
#define WIRE_MHOPT_NATD 31
#define WIRE_MHOPT_V4COA 32

#define WIRE_MHOPT_BIT(t) (1ull << (t))

/* NAT Detection refresh time meaning "no NAT, no keepalives" (RFC 5555 §3.2.2). */
#define WIRE_NATD_NO_REFRESH 0xffffffffu

#define WIRE_MH_MAX_MNP 8
#define WIRE_MH_MAX_V4HOA 2

/** Mobile Network Prefix option (RFC 3963 §4.3). */
struct wire_mnp {
	uint8_t plen;
	struct in6_addr prefix;
};

/** IPv4 Home Address option (RFC 5555 §3.1.1); addr in network order. */
struct wire_v4hoa {
	uint8_t plen;                 /**< 6 bits: 0..63 on the wire; 0 is invalid */
	bool p;                       /**< a mobile network prefix is requested */
	uint32_t addr;                /**< 0.0.0.0 requests a dynamic address */
};

/** IPv4 Address Acknowledgement option (RFC 5555 §3.2.1); addr in network order. */
struct wire_v4ack {
	uint8_t status;
	uint8_t plen;                 /**< 6 bits; 0 on failure */
	uint32_t addr;
};

/** NAT Detection option (RFC 5555 §3.2.2). */
struct wire_natd {
	bool f;                       /**< UDP encapsulation forced */
	uint32_t refresh;             /**< seconds; WIRE_NATD_NO_REFRESH: no NAT */
};

/** Every option of one message, after the walk. */
struct wire_mh_opts {
	uint64_t present;             /**< WIRE_MHOPT_BIT(type) of each known option seen */
	uint16_t bra;                 /**< Binding Refresh Advice interval, 4 s units */
	uint16_t nonce_home;
	uint16_t nonce_coa;
	uint16_t auth_off;            /**< Binding Authorization Data: offset in the MH */
	uint8_t auth_len;
	uint8_t n_mnp;
	uint8_t n_v4hoa;
	uint8_t n_unknown;            /**< unknown options skipped */
	uint8_t n_v4ack;
	uint32_t v4coa;               /**< IPv4 Care-of Address, network order */
	struct in6_addr altcoa;
	struct wire_v4ack v4ack[WIRE_MH_MAX_V4HOA]; /**< one per IPv4 HoA option of the BU */
	struct wire_natd natd;
	struct wire_v4hoa v4hoa[WIRE_MH_MAX_V4HOA];
	struct wire_mnp mnp[WIRE_MH_MAX_MNP];
};

/** A parsed Mobility Header. Integer fields are host order, addresses network order. */
struct wire_mh {
	uint8_t type;
	uint8_t payload_proto;
	uint16_t len;                 /**< (Header Len + 1) * 8 */
	uint16_t csum;
	union {
		struct {
			uint16_t seq;
			uint16_t flags;       /**< WIRE_BU_* */
			uint16_t lifetime;    /**< 4 s units */
		} bu;
		struct {
			uint8_t status;
			uint8_t flags;        /**< WIRE_BA_* */
			uint16_t seq;
			uint16_t lifetime;    /**< 4 s units */
		} ba;
		struct {
			uint8_t status;
			struct in6_addr hoa;
		} be;
		struct {
			uint8_t type;         /**< WIRE_BR_INDICATION or WIRE_BR_ACK */
			uint8_t code;         /**< BRI: Revocation Trigger; BRA: Status */
			uint16_t seq;
			uint8_t flags;        /**< WIRE_BR_P, _V, _G */
		} br;
	};
	struct wire_mh_opts opts;
};

/** Parse flag: refuse options placed against their alignment rule (our own builders' test). */
#define WIRE_MH_F_STRICT_ALIGN 0x1

/**
 * Parse and validate one Mobility Header of exactly len bytes (the IPv6 payload after the
 * extension headers). Checks, in the order of RFC 6275 §9.2: length fields, checksum (when
 * src and dst are given: the HoA of a Home Address option as src, the RH2 address as dst,
 * the inner IPv6 addresses for UDP/IPv4 carriage), MH type (WIRE_E_UNKNOWN_MH_TYPE with
 * out->type set, so the caller can answer a Binding Error), payload proto 59, minimum
 * Header Len per type, then the options (walker: padding runs, overruns, lengths, duplicates,
 * Binding Authorization Data last; unknown options skipped, RFC 6275 §6.2.1).
 * @return WIRE_E_OK or the first error found.
 */
enum wire_err wire_mh_parse(const uint8_t *mh, size_t len, const struct in6_addr *src,
			    const struct in6_addr *dst, unsigned int flags, struct wire_mh *out);

/** Arguments of a Binding Acknowledgement. */
struct wire_ba_args {
	uint8_t status;
	uint8_t flags;                /**< WIRE_BA_* */
	uint16_t seq;
	uint16_t lifetime;            /**< 4 s units */
	uint8_t n_v4ack;              /**< one per IPv4 HoA option of the BU (RFC 5555 §4.5) */
	bool has_natd;
	bool has_bra;
	uint16_t bra;
	struct wire_v4ack v4ack[WIRE_MH_MAX_V4HOA];
	struct wire_natd natd;
};

/** Arguments of a Binding Update (for mobile-node simulators, tests and benchmarks). */
struct wire_bu_args {
	uint16_t seq;
	uint16_t flags;               /**< WIRE_BU_* */
	uint16_t lifetime;            /**< 4 s units */
	bool has_altcoa;
	bool has_v4coa;
	bool has_nonce;               /**< correspondent registrations only; tests use it too */
	uint16_t nonce_home;
	uint16_t nonce_coa;
	uint8_t n_mnp;
	uint8_t n_v4hoa;
	struct in6_addr altcoa;
	uint32_t v4coa;               /**< network order */
	struct wire_mnp mnp[WIRE_MH_MAX_MNP];
	struct wire_v4hoa v4hoa[WIRE_MH_MAX_V4HOA];
};

/**
 * Build a BA: options in the order IPv4 Address Ack(s), NAT Detection, Binding Refresh Advice,
 * each at its alignment, PadN to a multiple of 8, checksum over src/dst (dst: the HoA when an
 * RH2 carries it).
 * @return the MH length, or -WIRE_E_NOSPACE.
 */
int wire_mh_ba_build(uint8_t *buf, size_t cap, const struct wire_ba_args *a,
		     const struct in6_addr *src, const struct in6_addr *dst);

/** Build a BU: AltCoA, Nonce Indices, MNPs, IPv4 HoAs, IPv4 CoA.
 *  @return the MH length or -WIRE_E_NOSPACE. */
int wire_mh_bu_build(uint8_t *buf, size_t cap, const struct wire_bu_args *a,
		     const struct in6_addr *src, const struct in6_addr *dst);

/** Build a Binding Error (24 bytes). hoa NULL means "::". */
int wire_mh_be_build(uint8_t *buf, size_t cap, uint8_t status, const struct in6_addr *hoa,
		     const struct in6_addr *src, const struct in6_addr *dst);

/** Build a Binding Refresh Request (8 bytes). */
int wire_mh_brr_build(uint8_t *buf, size_t cap, const struct in6_addr *src,
		      const struct in6_addr *dst);

/** How a built MH is carried (protocol facts §8.1, §8.2). */
struct wire_mh_carriage {
	struct in6_addr src6;         /**< IPv6 source: the home agent address */
	struct in6_addr dst6;         /**< IPv6 destination: a CoA (IPv6 path) or the HoA */
	bool rh2;                     /**< add a type 2 routing header carrying hoa */
	struct in6_addr hoa;
	bool udp4;                    /**< IPv4/UDP carriage (RFC 5555 §4.2) around the IPv6 */
	uint32_t src4;                /**< network order */
	uint32_t dst4;                /**< network order: V4ADDR as observed */
	uint16_t sport;               /**< 4191 */
	uint16_t dport;               /**< Z, the observed source port */
	uint8_t hop_limit;
	bool tun6;                    /**< IPv6-in-IPv6 around the IPv6 (a BU that came so) */
	struct in6_addr outer_dst6;   /**< the outer destination: the care-of address */
};

/** Bytes of carriage headers in front of the MH ([IPv4/UDP] or [IPv6] / IPv6 / [RH2]). */
uint16_t wire_carriage_hlen(const struct wire_mh_carriage *c);

/**
 * Rewrite the carriage headers of the packet pkt[0..len), built by wire_ba_pkt_build or
 * wire_be_pkt_build, for a new payload from payload_off on (ESP instead of the MH): the
 * last Next Header becomes next, and every length (and the IPv4 and UDP checksums) is
 * recomputed. @return 0, or -1 when the headers are not such a carriage.
 */
int wire_carriage_reseal(uint8_t *pkt, uint16_t len, uint16_t payload_off, uint8_t next);

/**
 * Build a whole packet from the IP header on: the carriage c around len bytes of payload
 * whose protocol is next (ICMPv6 to a mobile node as its BAs go: the payload's own checksum
 * is the caller's, over c->src6 and the home address). @return the length, or
 * -WIRE_E_NOSPACE.
 */
int wire_carriage_pkt_build(uint8_t *buf, size_t cap, const struct wire_mh_carriage *c,
			    const uint8_t *payload, uint16_t len, uint8_t next);

/**
 * Build a whole packet from the IP header on: [IPv4/UDP] / IPv6 / [RH2] / BA.
 * The MH checksum uses the final destination (the RH2 address when present).
 * @return the packet length, or -WIRE_E_NOSPACE.
 */
int wire_ba_pkt_build(uint8_t *buf, size_t cap, const struct wire_mh_carriage *c,
		      const struct wire_ba_args *a);

/** As wire_ba_pkt_build for a Binding Error. */
int wire_be_pkt_build(uint8_t *buf, size_t cap, const struct wire_mh_carriage *c, uint8_t status,
		      const struct in6_addr *hoa);

/** Arguments of a Binding Revocation Indication (RFC 5846 §6.1). */
struct wire_bri_args {
	uint8_t trigger;              /**< WIRE_BR_TRIGGER_* */
	uint8_t flags;                /**< WIRE_BR_P, _G, _V */
	uint16_t seq;
};

/**
 * Build a Home Agent Switch message (RFC 5142 §5.1): the number of addresses, then the
 * home agents the node should register with (at most WIRE_HA_SWITCH_MAX), no options.
 * @return the MH length, or -WIRE_E_NOSPACE.
 */
int wire_mh_has_build(uint8_t *buf, size_t cap, const struct in6_addr *ha, unsigned int n,
		      const struct in6_addr *src, const struct in6_addr *dst);

/** Build a Binding Revocation Indication (16 bytes: the fixed part and a PadN). */
int wire_mh_bri_build(uint8_t *buf, size_t cap, const struct wire_bri_args *a,
		      const struct in6_addr *src, const struct in6_addr *dst);

/** Build a Binding Revocation Acknowledgement (what a mobile node answers a BRI with). */
int wire_mh_bra_build(uint8_t *buf, size_t cap, uint8_t status, uint16_t seq, uint8_t flags,
		      const struct in6_addr *src, const struct in6_addr *dst);

/** As wire_ba_pkt_build for a Home Agent Switch. */
int wire_has_pkt_build(uint8_t *buf, size_t cap, const struct wire_mh_carriage *c,
		       const struct in6_addr *ha, unsigned int n);

/** As wire_ba_pkt_build for a Binding Revocation Indication. */
int wire_bri_pkt_build(uint8_t *buf, size_t cap, const struct wire_mh_carriage *c,
		       const struct wire_bri_args *a);

/** Fixed part of each MH type (options start there); 0 for unknown types. */
uint16_t wire_mh_fixed_len(uint8_t type);

#endif /* WIRE_MH_H */
