/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane as a table: each case is a sequence of steps (a BU as bytes with its
 * arrival context, or a clock tick, a DAD conflict, a keepalive), each with the expected BA
 * (decoded from the bytes sent, checksum verified), binding-cache state, prefixes and pool
 * use. Runs without EAL: cp_ops record what would reach the tables and the wire.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "cp_harness.h"

/* S() sets "not checked" defaults that each step then overrides: intended. */
#pragma GCC diagnostic ignored "-Woverride-init"

enum path {
	P6,                          /* IPv6 CoA: IPv6(CoA->HA)/HAO/MH with AltCoA */
	P6_HOME,                     /* from the home link: IPv6(HoA->HA)/MH, no HAO */
	P4,                          /* IPv4/UDP 4191, IPv4 CoA option = outer source */
	P4_NAT,                      /* IPv4/UDP 4191 through a NAT: option 100.64.0.9 */
	P4_NOOPT,                    /* IPv4/UDP 4191 without the IPv4 CoA option */
	P6_UDP,                      /* UDP 4191 over IPv6 */
	P6_TUN,                      /* IPv6(CoA->HA)/IPv6(HoA->HA)/MH, no AltCoA (R4877 §3) */
};

enum kind { K_BU, K_TICK, K_DAD_CONFLICT, K_NAT_SEEN, K_RAW, K_UNKNOWN_HAO };

enum pol { POL_LAB, POL_IPSEC, POL_NO_FORCE, POL_NO_FORCE_129, POL_NO_TLV, POL_DAD, POL_NO_MR };

#define NO -1
#define BC_NONE 0
#define BC_ANY 1

struct v4opt {
	char addr[16];
	uint8_t plen;
	bool p;
};

struct mnp {
	char prefix[40];
	uint8_t len;
};

struct step {
	uint8_t kind;
	uint32_t at;                 /* clock in seconds before the step */
	uint16_t at_ms;              /* plus milliseconds */
	/* the BU */
	char mn[8];                  /* mn1 ... mr2 (home address by name) */
	char hoa[40];                /* or an explicit home address */
	uint16_t seq;
	uint16_t flags;              /* default A|H when 0 and not noflags */
	bool noflags;
	uint16_t lifetime;           /* 4 s units; default 100 */
	bool dereg;                  /* lifetime 0 */
	uint8_t path;
	char coa[40];                /* IPv6 CoA, or the outer IPv4 source */
	uint16_t sport;              /* default 40000 */
	bool v4coa_opt_on_v6;        /* an IPv4 CoA option on the IPv6 path */
	char altcoa[40];             /* override the AltCoA */
	uint8_t n_v4;
	struct v4opt v4[2];
	uint8_t n_mnp;
	struct mnp mnp[3];
	bool nonce;
	bool protect;
	bool payload_sa;
	bool no_outer;               /* heuristic mode: the outer address was not recorded */
	bool publish_fails;          /* the binding cache refuses the publication (full) */
	char sa_hoa[40];
	uint8_t raw[32];             /* K_RAW: an MH as bytes */
	uint8_t raw_len;
	bool raw_corrupt;
	int repeat;                  /* K_RAW: send it this many times */
	/* expectations */
	int ba;                      /* BA status, or NO */
	int ba_seq;                  /* NO: the step's seq */
	int ba_life;                 /* NO: not checked */
	int ba_flags;                /* NO: not checked */
	int n_ack;                   /* NO: not checked */
	int ack_status;
	int ack_plen;
	char ack_addr[16];
	int ack2_status;
	int ack2_plen;
	int natd;                    /* 0: absent, 1: F=0, 2: F=1, NO: not checked */
	long long refresh;           /* NO: not checked */
	int bc;                      /* BC_NONE, BC_ANY, or NO */
	int bc_fmt;
	char bc_coa[40];
	int bc_port;
	char bc_hoa4[16];            /* "none" for no IPv4 home address */
	int prefixes;
	int pool;
	int discard;                 /* counter that must have grown */
	int be;                      /* Binding Errors sent (total), or NO */
	int stale;
	int spi_out;
	int txs;                     /* total packets sent so far, or NO */
};

struct cp_case {
	char name[48];
	uint8_t pol;
	uint8_t n;
	struct step s[6];
};

/* Defaults applied to every step: nothing checked unless given. */
#define S(...) { .ba = NO, .ba_seq = NO, .ba_life = NO, .ba_flags = NO, .n_ack = NO,          \
		 .ack_status = NO, .ack_plen = NO, .ack2_status = NO, .ack2_plen = NO,        \
		 .natd = NO, .refresh = NO, .bc = NO, .bc_fmt = NO, .bc_port = NO,            \
		 .prefixes = NO, .pool = NO, .discard = NO, .be = NO, .stale = NO,             \
		 .spi_out = NO, .txs = NO, __VA_ARGS__ }
#define CASE(nm, p, ...) { nm, p, sizeof((struct step[]){ __VA_ARGS__ }) / sizeof(struct step), \
			   { __VA_ARGS__ } }
#define NOREF 0xffffffffLL
#define A_H (WIRE_BU_A | WIRE_BU_H)

static struct cp_case cases[] = {
	/* ------------------------------------------------ Mobile IPv6, IPv6 care-of address */
	CASE("v6_new_binding", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .path = P6, .coa = "2001:db8:b::5", .ba = 0, .ba_life = 100,
	       .ba_flags = 0, .natd = 0, .n_ack = 0, .bc = BC_ANY, .bc_fmt = BC_FMT_IP6,
	       .bc_coa = "2001:db8:b::5", .bc_hoa4 = "none")),
	CASE("v6_lifetime_clamped_to_policy", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .lifetime = 2000, .path = P6, .coa = "2001:db8:b::5",
	       .ba = 0, .ba_life = 900)),
	CASE("v6_refresh_same_coa", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .path = P6, .coa = "2001:db8:b::5", .ba = 0),
	     S(.at = 60, .mn = "mn3", .seq = 2, .path = P6, .coa = "2001:db8:b::5", .ba = 0,
	       .bc = BC_ANY, .bc_coa = "2001:db8:b::5")),
	CASE("v6_move_to_new_coa", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .path = P6, .coa = "2001:db8:b::5", .ba = 0),
	     S(.at = 5, .mn = "mn3", .seq = 2, .path = P6, .coa = "2001:db8:c::9", .ba = 0,
	       .bc = BC_ANY, .bc_coa = "2001:db8:c::9")),
	CASE("seq_equal_gets_135_with_last", POL_LAB,
	     S(.mn = "mn3", .seq = 5, .path = P6, .coa = "2001:db8:b::5", .ba = 0),
	     S(.mn = "mn3", .seq = 5, .path = P6, .coa = "2001:db8:b::6", .ba = 135, .ba_seq = 5,
	       .ba_life = 0, .bc = BC_ANY, .bc_coa = "2001:db8:b::5"),
	     S(.mn = "mn3", .seq = 4, .path = P6, .coa = "2001:db8:b::6", .ba = 135, .ba_seq = 5)),
	CASE("seq_wraps_around_65535", POL_LAB,
	     S(.mn = "mn3", .seq = 65535, .path = P6, .coa = "2001:db8:b::5", .ba = 0),
	     S(.mn = "mn3", .seq = 0, .path = P6, .coa = "2001:db8:b::6", .ba = 0,
	       .bc_coa = "2001:db8:b::6"),
	     S(.mn = "mn3", .seq = 32768, .path = P6, .coa = "2001:db8:b::7", .ba = 135,
	       .ba_seq = 0)),
	CASE("seq_half_window_is_newer", POL_LAB,
	     S(.mn = "mn3", .seq = 100, .path = P6, .coa = "2001:db8:b::5", .ba = 0),
	     S(.mn = "mn3", .seq = 100 + 32767, .path = P6, .coa = "2001:db8:b::6", .ba = 0)),
	CASE("first_bu_any_seq", POL_LAB,
	     S(.mn = "mn3", .seq = 40000, .path = P6, .coa = "2001:db8:b::5", .ba = 0,
	       .ba_seq = 40000)),
	CASE("unknown_node_in_home_prefix_133", POL_LAB,
	     S(.hoa = "2001:db8:1::999", .seq = 1, .path = P6, .coa = "2001:db8:b::5", .ba = 133,
	       .ba_life = 0, .bc = NO)),
	CASE("hoa_outside_home_subnet_132", POL_LAB,
	     S(.hoa = "2001:db8:2::1", .seq = 1, .path = P6, .coa = "2001:db8:b::5", .ba = 132)),
	CASE("correspondent_registration_129", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .flags = WIRE_BU_A, .path = P6, .coa = "2001:db8:b::5",
	       .ba = 129, .bc = BC_NONE)),
	CASE("r_without_h_140", POL_LAB,
	     S(.mn = "mr1", .seq = 1, .flags = WIRE_BU_A | WIRE_BU_R, .path = P6,
	       .coa = "2001:db8:b::5", .ba = 140)),
	CASE("nonce_in_home_registration_discarded", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .path = P6, .coa = "2001:db8:b::5", .nonce = true,
	       .discard = CP_DISCARD_NONCE, .txs = 0, .bc = BC_NONE)),
	CASE("link_local_coa_discarded", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .path = P6, .coa = "2001:db8:b::5", .altcoa = "fe80::5",
	       .discard = CP_DISCARD_BAD_COA, .txs = 0)),
	CASE("multicast_hoa_discarded", POL_LAB,
	     S(.hoa = "ff0e::1", .seq = 1, .path = P6, .coa = "2001:db8:b::5",
	       .discard = CP_DISCARD_BAD_HOA, .txs = 0)),
	CASE("dereg_lifetime_0", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .path = P6, .coa = "2001:db8:b::5", .ba = 0, .bc = BC_ANY),
	     S(.at = 10, .mn = "mn3", .seq = 2, .dereg = true, .path = P6, .coa = "2001:db8:b::5",
	       .ba = 0, .ba_life = 0, .bc = BC_NONE)),
	CASE("dereg_from_home_coa_equals_hoa", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .path = P6, .coa = "2001:db8:b::5", .ba = 0),
	     S(.mn = "mn3", .seq = 2, .path = P6_HOME, .ba = 0, .ba_life = 0, .bc = BC_NONE)),
	CASE("dereg_without_binding_133", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .dereg = true, .path = P6, .coa = "2001:db8:b::5",
	       .ba = 133)),
	CASE("late_bu_after_dereg_135_then_hold_ends", POL_LAB,
	     S(.mn = "mn3", .seq = 10, .path = P6, .coa = "2001:db8:b::5", .ba = 0),
	     S(.at = 1, .mn = "mn3", .seq = 11, .dereg = true, .path = P6, .coa = "2001:db8:b::5",
	       .ba = 0),
	     S(.at = 5, .mn = "mn3", .seq = 10, .path = P6, .coa = "2001:db8:b::5", .ba = 135,
	       .ba_seq = 11, .bc = BC_NONE),
	     S(.at = 20, .mn = "mn3", .seq = 10, .path = P6, .coa = "2001:db8:b::5", .ba = 0,
	       .bc = BC_ANY)),
	CASE("v4coa_option_on_ipv6_path_174", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .path = P6, .coa = "2001:db8:b::5", .v4coa_opt_on_v6 = true,
	       .ba = 174, .bc = BC_NONE)),
	CASE("forced_udp_on_ipv6_path_144", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .flags = A_H | WIRE_BU_F, .path = P6, .coa = "2001:db8:b::5",
	       .ba = 144)),
	CASE("udp_over_ipv6_refused", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .path = P6_UDP, .coa = "2001:db8:b::5", .ba = 144)),

	/* ------------------------------------------------ DSMIPv6: IPv4 care-of addresses */
	CASE("udp_public_ipv4_no_nat", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .path = P4, .coa = "203.0.113.9", .ba = 0, .natd = 1,
	       .refresh = NOREF, .bc = BC_ANY, .bc_fmt = BC_FMT_IP4, .bc_coa = "203.0.113.9")),
	CASE("udp_behind_nat", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .path = P4_NAT, .coa = "203.0.113.9", .sport = 40001,
	       .ba = 0, .natd = 1, .refresh = 110, .bc = BC_ANY, .bc_fmt = BC_FMT_UDP,
	       .bc_coa = "203.0.113.9", .bc_port = 40001)),
	CASE("udp_without_v4coa_option_assumes_nat", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .path = P4_NOOPT, .coa = "203.0.113.9", .ba = 0, .natd = 1,
	       .refresh = 110, .bc_fmt = BC_FMT_UDP)),
	CASE("forced_udp_accepted", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .flags = A_H | WIRE_BU_F, .path = P4, .coa = "203.0.113.9",
	       .ba = 0, .natd = 2, .refresh = NOREF, .bc_fmt = BC_FMT_UDP)),
	CASE("forced_udp_refused_144", POL_NO_FORCE,
	     S(.mn = "mn3", .seq = 1, .flags = A_H | WIRE_BU_F, .path = P4, .coa = "203.0.113.9",
	       .ba = 144, .natd = 1, .refresh = NOREF, .bc = BC_NONE)),
	CASE("forced_udp_refused_129", POL_NO_FORCE_129,
	     S(.mn = "mn3", .seq = 1, .flags = A_H | WIRE_BU_F, .path = P4, .coa = "203.0.113.9",
	       .ba = 129, .bc = BC_NONE)),
	CASE("tlv_negotiated_behind_nat", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .flags = A_H | WIRE_BU_T, .path = P4_NAT,
	       .coa = "203.0.113.9", .ba = 0, .ba_flags = WIRE_BA_T, .bc_fmt = BC_FMT_UDP_TLV)),
	CASE("tlv_refused_by_policy", POL_NO_TLV,
	     S(.mn = "mn3", .seq = 1, .flags = A_H | WIRE_BU_T, .path = P4_NAT,
	       .coa = "203.0.113.9", .ba = 0, .ba_flags = 0, .bc_fmt = BC_FMT_UDP)),
	CASE("tlv_on_ipv6_path_ignored", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .flags = A_H | WIRE_BU_T, .path = P6, .coa = "2001:db8:b::5",
	       .ba = 0, .ba_flags = 0, .bc_fmt = BC_FMT_IP6)),
	CASE("handover_v6_to_nat_to_public_v4", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .path = P6, .coa = "2001:db8:b::5", .ba = 0,
	       .bc_fmt = BC_FMT_IP6),
	     S(.at = 30, .mn = "mn3", .seq = 2, .path = P4_NAT, .coa = "203.0.113.9",
	       .sport = 41000, .ba = 0, .bc_fmt = BC_FMT_UDP, .bc_port = 41000),
	     S(.at = 60, .mn = "mn3", .seq = 3, .path = P4, .coa = "203.0.113.20", .ba = 0,
	       .bc_fmt = BC_FMT_IP4, .bc_coa = "203.0.113.20"),
	     S(.at = 90, .mn = "mn3", .seq = 4, .path = P6, .coa = "2001:db8:c::1", .ba = 0,
	       .natd = 0, .bc_fmt = BC_FMT_IP6, .bc_coa = "2001:db8:c::1")),
	CASE("nat_rebinding_new_port_moves_downlink", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .path = P4_NAT, .coa = "203.0.113.9", .sport = 40000,
	       .ba = 0, .bc_port = 40000),
	     S(.at = 50, .mn = "mn3", .seq = 2, .path = P4_NAT, .coa = "203.0.113.9",
	       .sport = 40777, .ba = 0, .bc_port = 40777)),
	CASE("rejected_udp_bu_answered_to_its_source", POL_LAB,
	     S(.hoa = "2001:db8:1::999", .seq = 1, .path = P4_NAT, .coa = "203.0.113.9",
	       .sport = 40555, .ba = 133, .natd = 1, .refresh = NOREF)),

	/* ------------------------------------------------ IPv4 home addresses */
	CASE("v4_static_address", POL_LAB,
	     S(.mn = "mn1", .seq = 1, .path = P4_NAT, .coa = "203.0.113.9", .n_v4 = 1,
	       .protect = true, .sa_hoa = "2001:db8:1::101",
	       .v4 = { { "192.0.2.101", 32, false } }, .ba = 0, .n_ack = 1, .ack_status = 0,
	       .ack_plen = 32, .ack_addr = "192.0.2.101", .bc_hoa4 = "192.0.2.101")),
	CASE("v4_static_wrong_address_130", POL_LAB,
	     S(.mn = "mn1", .seq = 1, .path = P4_NAT, .coa = "203.0.113.9", .n_v4 = 1,
	       .protect = true, .sa_hoa = "2001:db8:1::101",
	       .v4 = { { "192.0.2.99", 32, false } }, .ba = 0, .ack_status = 130, .ack_plen = 0,
	       .ack_addr = "0.0.0.0", .bc = BC_ANY, .bc_hoa4 = "none")),
	CASE("v4_zero_gives_static_address", POL_LAB,
	     S(.mn = "mn1", .seq = 1, .path = P6, .coa = "2001:db8:b::5", .n_v4 = 1,
	       .protect = true, .sa_hoa = "2001:db8:1::101",
	       .v4 = { { "0.0.0.0", 32, false } }, .ba = 0, .ack_status = 0,
	       .ack_addr = "192.0.2.101", .bc_hoa4 = "192.0.2.101")),
	CASE("v4_dynamic_allocated_and_kept", POL_LAB,
	     S(.mn = "mn2", .seq = 1, .path = P4_NAT, .coa = "203.0.113.9", .n_v4 = 1,
	       .v4 = { { "0.0.0.0", 32, false } }, .ba = 0, .ack_status = 0, .ack_plen = 32,
	       .ack_addr = "192.0.2.128", .bc_hoa4 = "192.0.2.128", .pool = 1),
	     S(.at = 100, .mn = "mn2", .seq = 2, .path = P4_NAT, .coa = "203.0.113.9", .n_v4 = 1,
	       .v4 = { { "192.0.2.128", 32, false } }, .ba = 0, .ack_status = 0,
	       .ack_addr = "192.0.2.128", .pool = 1)),
	CASE("v4_dynamic_wrong_address_130", POL_LAB,
	     S(.mn = "mn2", .seq = 1, .path = P4_NAT, .coa = "203.0.113.9", .n_v4 = 1,
	       .v4 = { { "192.0.2.200", 32, false } }, .ba = 0, .ack_status = 130, .pool = 0)),
	CASE("v4_prefix_length_0_131", POL_LAB,
	     S(.mn = "mn2", .seq = 1, .path = P4_NAT, .coa = "203.0.113.9", .n_v4 = 1,
	       .v4 = { { "0.0.0.0", 0, false } }, .ba = 0, .ack_status = 131, .ack_plen = 0)),
	CASE("v4_multicast_address_131", POL_LAB,
	     S(.mn = "mn1", .seq = 1, .path = P4_NAT, .coa = "203.0.113.9", .n_v4 = 1,
	       .protect = true, .sa_hoa = "2001:db8:1::101", .v4 = { { "224.0.0.5", 32, false } }, .ba = 0, .ack_status = 131)),
	CASE("v4_for_ipv6_only_node_129", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .path = P4_NAT, .coa = "203.0.113.9", .n_v4 = 1,
	       .v4 = { { "0.0.0.0", 32, false } }, .ba = 0, .ack_status = 129,
	       .bc_hoa4 = "none")),
	CASE("v4_prefix_not_authorised_133", POL_LAB,
	     S(.mn = "mn2", .seq = 1, .path = P4_NAT, .coa = "203.0.113.9", .n_v4 = 1,
	       .v4 = { { "0.0.0.0", 30, true } }, .ba = 0, .ack_status = 133, .pool = 0)),
	CASE("v4_prefix_delegated_to_router", POL_LAB,
	     S(.mn = "mr1", .seq = 1, .flags = A_H | WIRE_BU_R, .path = P4_NAT,
	       .coa = "203.0.113.9", .n_v4 = 1, .v4 = { { "0.0.0.0", 30, true } }, .ba = 0,
	       .ba_flags = WIRE_BA_R, .ack_status = 0, .ack_plen = 30, .ack_addr = "192.0.2.128",
	       .pool = 4, .prefixes = 4)),
	CASE("v4_address_and_prefix_in_one_bu", POL_LAB,
	     S(.mn = "mr1", .seq = 1, .flags = A_H | WIRE_BU_R, .path = P4_NAT,
	       .coa = "203.0.113.9", .n_v4 = 2,
	       .v4 = { { "0.0.0.0", 32, false }, { "0.0.0.0", 30, true } }, .ba = 0, .n_ack = 2,
	       .ack_status = 0, .ack_addr = "192.0.2.128", .ack2_status = 0, .ack2_plen = 30,
	       .pool = 5)),
	CASE("pool_exhaustion_132_and_reuse", POL_LAB,
	     S(.mn = "mr1", .seq = 1, .flags = A_H | WIRE_BU_R, .path = P4_NAT,
	       .coa = "203.0.113.9", .n_v4 = 1, .v4 = { { "0.0.0.0", 29, true } }, .ba = 0,
	       .ack_status = 0, .ack_plen = 29, .pool = 8),
	     S(.mn = "mn2", .seq = 1, .path = P4_NAT, .coa = "203.0.113.10", .n_v4 = 1,
	       .v4 = { { "0.0.0.0", 32, false } }, .ba = 0, .ack_status = 132, .ack_plen = 0,
	       .bc = BC_ANY, .bc_hoa4 = "none"),
	     S(.mn = "mr1", .seq = 2, .flags = A_H | WIRE_BU_R, .dereg = true, .path = P4_NAT,
	       .coa = "203.0.113.9", .ba = 0, .pool = 0, .prefixes = 0),
	     S(.mn = "mn2", .seq = 2, .path = P4_NAT, .coa = "203.0.113.10", .n_v4 = 1,
	       .v4 = { { "0.0.0.0", 32, false } }, .ba = 0, .ack_status = 0,
	       .ack_addr = "192.0.2.128", .pool = 1)),
	CASE("v4_binding_dropped_without_option", POL_LAB,
	     S(.mn = "mn2", .seq = 1, .path = P4_NAT, .coa = "203.0.113.9", .n_v4 = 1,
	       .v4 = { { "0.0.0.0", 32, false } }, .ba = 0, .pool = 1),
	     S(.mn = "mn2", .seq = 2, .path = P4_NAT, .coa = "203.0.113.9", .ba = 0, .n_ack = 0,
	       .bc_hoa4 = "none", .pool = 0)),
	/* one address and one prefix per binding: a second option of a kind is refused (129)
	 * and holds nothing; register/deregister cycles leave the pool empty */
	CASE("v4_two_address_options_second_129", POL_LAB,
	     S(.mn = "mn2", .seq = 1, .path = P4_NAT, .coa = "203.0.113.9", .n_v4 = 2,
	       .v4 = { { "0.0.0.0", 32, false }, { "0.0.0.0", 32, false } }, .ba = 0, .n_ack = 2,
	       .ack_status = 0, .ack_addr = "192.0.2.128", .ack2_status = 129, .pool = 1,
	       .bc_hoa4 = "192.0.2.128"),
	     S(.mn = "mn2", .seq = 2, .dereg = true, .path = P4_NAT, .coa = "203.0.113.9",
	       .n_v4 = 2, .v4 = { { "0.0.0.0", 32, false }, { "0.0.0.0", 32, false } }, .ba = 0,
	       .pool = 0),
	     S(.mn = "mn2", .seq = 3, .path = P4_NAT, .coa = "203.0.113.9", .n_v4 = 2,
	       .v4 = { { "0.0.0.0", 32, false }, { "0.0.0.0", 32, false } }, .ba = 0,
	       .ack_addr = "192.0.2.128", .ack2_status = 129, .pool = 1),
	     S(.mn = "mn2", .seq = 4, .dereg = true, .path = P4_NAT, .coa = "203.0.113.9",
	       .ba = 0, .pool = 0)),
	CASE("v4_two_prefix_options_second_129", POL_LAB,
	     S(.mn = "mr1", .seq = 1, .flags = A_H | WIRE_BU_R, .path = P4_NAT,
	       .coa = "203.0.113.9", .n_v4 = 2,
	       .v4 = { { "0.0.0.0", 30, true }, { "0.0.0.0", 30, true } }, .ba = 0, .n_ack = 2,
	       .ack_status = 0, .ack_plen = 30, .ack2_status = 129, .pool = 4, .prefixes = 4),
	     S(.mn = "mr1", .seq = 2, .flags = A_H | WIRE_BU_R, .dereg = true, .path = P4_NAT,
	       .coa = "203.0.113.9", .ba = 0, .pool = 0, .prefixes = 0)),
	CASE("lease_clamps_lifetime", POL_LAB,
	     S(.mn = "mn2", .seq = 1, .lifetime = 1000, .path = P4_NAT, .coa = "203.0.113.9",
	       .n_v4 = 1, .v4 = { { "0.0.0.0", 32, false } }, .ba = 0, .ba_life = 150)),
	CASE("rejected_bu_acks_every_v4_option", POL_LAB,
	     S(.mn = "mn2", .seq = 1, .flags = A_H | WIRE_BU_F, .path = P6, .coa = "2001:db8:b::5",
	       .n_v4 = 1, .v4 = { { "0.0.0.0", 32, false } }, .ba = 144, .n_ack = 1,
	       .ack_status = 128)),

	/* ------------------------------------------------ NEMO */
	CASE("nemo_implicit_prefixes", POL_LAB,
	     S(.mn = "mr1", .seq = 1, .flags = A_H | WIRE_BU_R, .path = P6, .coa = "2001:db8:b::5",
	       .ba = 0, .ba_flags = WIRE_BA_R, .prefixes = 3, .bc = BC_ANY)),
	CASE("nemo_explicit_prefix", POL_LAB,
	     S(.mn = "mr1", .seq = 1, .flags = A_H | WIRE_BU_R, .path = P6, .coa = "2001:db8:b::5",
	       .n_mnp = 1, .mnp = { { "2001:db8:100::", 48 } }, .ba = 0, .ba_flags = WIRE_BA_R,
	       .prefixes = 2)),
	CASE("nemo_explicit_more_specific_prefix", POL_LAB,
	     S(.mn = "mr1", .seq = 1, .flags = A_H | WIRE_BU_R, .path = P6, .coa = "2001:db8:b::5",
	       .n_mnp = 1, .mnp = { { "2001:db8:100:5::", 64 } }, .ba = 0, .prefixes = 2)),
	CASE("nemo_unauthorised_prefix_142", POL_LAB,
	     S(.mn = "mr1", .seq = 1, .flags = A_H | WIRE_BU_R, .path = P6, .coa = "2001:db8:b::5",
	       .n_mnp = 1, .mnp = { { "2001:db8:300::", 48 } }, .ba = 142, .prefixes = 0,
	       .bc = BC_NONE)),
	CASE("nemo_invalid_prefix_141", POL_LAB,
	     S(.mn = "mr1", .seq = 1, .flags = A_H | WIRE_BU_R, .path = P6, .coa = "2001:db8:b::5",
	       .n_mnp = 1, .mnp = { { "2001:db8:100::1", 48 } }, .ba = 141)),
	CASE("nemo_prefix_length_0_141", POL_LAB,
	     S(.mn = "mr1", .seq = 1, .flags = A_H | WIRE_BU_R, .path = P6, .coa = "2001:db8:b::5",
	       .n_mnp = 1, .mnp = { { "::", 0 } }, .ba = 141)),
	CASE("nemo_implicit_nothing_configured_143", POL_LAB,
	     S(.mn = "mr2", .seq = 1, .flags = A_H | WIRE_BU_R, .path = P6, .coa = "2001:db8:b::5",
	       .ba = 143, .bc = BC_NONE)),
	CASE("nemo_host_not_a_router_140", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .flags = A_H | WIRE_BU_R, .path = P6, .coa = "2001:db8:b::5",
	       .ba = 140)),
	CASE("nemo_disabled_by_policy_140", POL_NO_MR,
	     S(.mn = "mr1", .seq = 1, .flags = A_H | WIRE_BU_R, .path = P6, .coa = "2001:db8:b::5",
	       .ba = 140)),
	CASE("nemo_r_flag_change_139", POL_LAB,
	     S(.mn = "mr1", .seq = 1, .flags = A_H | WIRE_BU_R, .path = P6, .coa = "2001:db8:b::5",
	       .ba = 0),
	     S(.mn = "mr1", .seq = 2, .path = P6, .coa = "2001:db8:b::5", .ba = 139, .prefixes = 3)),
	CASE("nemo_missing_prefix_loses_forwarding", POL_LAB,
	     S(.mn = "mr1", .seq = 1, .flags = A_H | WIRE_BU_R, .path = P6, .coa = "2001:db8:b::5",
	       .n_mnp = 2, .mnp = { { "2001:db8:100::", 48 }, { "2001:db8:200::", 48 } }, .ba = 0,
	       .prefixes = 3),
	     S(.mn = "mr1", .seq = 2, .flags = A_H | WIRE_BU_R, .path = P6, .coa = "2001:db8:b::5",
	       .n_mnp = 1, .mnp = { { "2001:db8:200::", 48 } }, .ba = 0, .prefixes = 2)),
	CASE("nemo_dereg_removes_prefixes", POL_LAB,
	     S(.mn = "mr1", .seq = 1, .flags = A_H | WIRE_BU_R, .path = P6, .coa = "2001:db8:b::5",
	       .ba = 0, .prefixes = 3),
	     S(.mn = "mr1", .seq = 2, .flags = A_H | WIRE_BU_R, .dereg = true, .path = P6,
	       .coa = "2001:db8:b::5", .n_mnp = 1, .mnp = { { "2001:db8:300::", 48 } }, .ba = 0,
	       .prefixes = 0, .bc = BC_NONE)),

	/* ------------------------------------------------ IPsec policy */
	CASE("ipsec_required_unprotected_dropped", POL_IPSEC,
	     S(.mn = "mn1", .seq = 1, .path = P6, .coa = "2001:db8:b::5",
	       .discard = CP_DISCARD_UNPROTECTED, .txs = 0, .bc = BC_NONE)),
	/* R6275 §5.1: a node that has a signalling SA is always protected, whatever the
	 * (lab-only) policy allows for nodes without one */
	CASE("sa_node_unprotected_bu_dropped_even_in_lab", POL_LAB,
	     S(.mn = "mn1", .seq = 1, .path = P6, .coa = "2001:db8:b::5",
	       .discard = CP_DISCARD_UNPROTECTED, .txs = 0, .bc = BC_NONE),
	     S(.mn = "mn1", .seq = 2, .path = P4_NAT, .coa = "203.0.113.9",
	       .discard = CP_DISCARD_UNPROTECTED, .txs = 0, .bc = BC_NONE)),
	CASE("ipsec_sa_of_another_hoa_133", POL_IPSEC,
	     S(.mn = "mn1", .seq = 1, .path = P6, .coa = "2001:db8:b::5", .protect = true,
	       .sa_hoa = "2001:db8:1::102", .ba = 133, .bc = BC_NONE)),
	CASE("ipsec_protected_bu_ba_through_sa", POL_IPSEC,
	     S(.mn = "mn1", .seq = 1, .path = P6, .coa = "2001:db8:b::5", .protect = true,
	       .sa_hoa = "2001:db8:1::101", .ba = 0, .spi_out = 0x2001, .bc = BC_ANY)),
	CASE("ipsec_other_node_on_my_sa_133_through_my_sa", POL_IPSEC,
	     S(.mn = "mn2", .seq = 1, .path = P6, .coa = "2001:db8:b::5", .protect = true,
	       .sa_hoa = "2001:db8:1::101", .ba = 133, .spi_out = 0x2001, .bc = BC_NONE)),
	CASE("ipsec_tunnelled_bu_coa_from_outer_source", POL_IPSEC,
	     S(.mn = "mn1", .seq = 1, .path = P6_TUN, .coa = "2001:db8:b::7", .protect = true,
	       .sa_hoa = "2001:db8:1::101", .ba = 0, .spi_out = 0x2001, .bc = BC_ANY,
	       .bc_coa = "2001:db8:b::7"),
	     S(.mn = "mn1", .seq = 2, .path = P6_TUN, .coa = "2001:db8:b::7",
	       .altcoa = "2001:db8:b::8", .protect = true, .sa_hoa = "2001:db8:1::101", .ba = 0,
	       .bc = BC_ANY, .bc_coa = "2001:db8:b::8")),
	CASE("ipsec_bu_on_payload_sa_dropped", POL_IPSEC,
	     S(.mn = "mn1", .seq = 1, .path = P6, .coa = "2001:db8:b::5", .protect = true,
	       .payload_sa = true, .sa_hoa = "2001:db8:1::101",
	       .discard = CP_DISCARD_NOT_SIGNALLING_SA, .txs = 0)),

	/* ------------------------------------------------ lifetimes */
	CASE("expiry_removes_binding_and_releases_lease", POL_LAB,
	     S(.mn = "mn2", .seq = 1, .lifetime = 25, .path = P4_NAT, .coa = "203.0.113.9",
	       .n_v4 = 1, .v4 = { { "0.0.0.0", 32, false } }, .ba = 0, .pool = 1),
	     S(.kind = K_TICK, .at = 99, .bc = BC_ANY, .pool = 1),
	     S(.kind = K_TICK, .at = 101, .bc = BC_NONE, .pool = 0)),
	CASE("refresh_extends_expiry", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .lifetime = 25, .path = P6, .coa = "2001:db8:b::5", .ba = 0),
	     S(.at = 90, .mn = "mn3", .seq = 2, .lifetime = 25, .path = P6, .coa = "2001:db8:b::5",
	       .ba = 0),
	     S(.kind = K_TICK, .at = 150, .bc = BC_ANY),
	     S(.kind = K_TICK, .at = 191, .bc = BC_NONE)),
	CASE("nat_keepalive_staleness", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .lifetime = 900, .path = P4_NAT, .coa = "203.0.113.9",
	       .ba = 0),
	     S(.kind = K_TICK, .at = 139, .stale = 0),
	     S(.kind = K_TICK, .at = 141, .stale = 1, .bc = BC_ANY),
	     S(.kind = K_NAT_SEEN, .at = 150, .mn = "mn3", .stale = 0),
	     S(.kind = K_TICK, .at = 291, .stale = 1)),
	CASE("no_staleness_without_nat", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .lifetime = 900, .path = P4, .coa = "203.0.113.9", .ba = 0),
	     S(.kind = K_TICK, .at = 500, .stale = 0, .bc = BC_ANY)),

	/* ------------------------------------------------ DAD */
	CASE("dad_delays_the_ba", POL_DAD,
	     S(.mn = "mn3", .seq = 1, .path = P6, .coa = "2001:db8:b::5", .txs = 0, .bc = BC_NONE),
	     S(.kind = K_TICK, .at = 0, .at_ms = 500, .txs = 0),
	     S(.kind = K_TICK, .at = 1, .at_ms = 1, .ba = 0, .txs = 1, .bc = BC_ANY)),
	CASE("dad_conflict_134", POL_DAD,
	     S(.mn = "mn2", .seq = 1, .path = P4_NAT, .coa = "203.0.113.9", .n_v4 = 1,
	       .v4 = { { "0.0.0.0", 32, false } }, .txs = 0),
	     S(.kind = K_DAD_CONFLICT, .at = 0, .at_ms = 300, .mn = "mn2", .ba = 134,
	       .ack_status = 128, .bc = BC_NONE, .pool = 0)),
	CASE("dad_not_repeated_on_refresh", POL_DAD,
	     S(.mn = "mn3", .seq = 1, .path = P6, .coa = "2001:db8:b::5", .txs = 0),
	     S(.kind = K_TICK, .at = 2, .ba = 0, .txs = 1),
	     S(.at = 30, .mn = "mn3", .seq = 2, .path = P6, .coa = "2001:db8:b::6", .ba = 0,
	       .txs = 2, .bc_coa = "2001:db8:b::6")),
	CASE("other_bu_not_held_up_by_dad", POL_DAD,
	     S(.mn = "mn3", .seq = 1, .path = P6, .coa = "2001:db8:b::5", .txs = 0),
	     S(.mn = "mn3", .seq = 2, .path = P6, .coa = "2001:db8:b::7", .txs = 0),
	     S(.kind = K_TICK, .at = 2, .ba = 0, .ba_seq = 2, .txs = 1, .bc_coa = "2001:db8:b::7")),

	/* ------------------------------------------------ Binding Errors and bad input */
	CASE("unknown_mh_type_binding_error_2", POL_LAB,
	     S(.kind = K_RAW, .raw = { 0x3b, 0, 42, 0, 0, 0, 0, 0 }, .raw_len = 8, .be = 1,
	       .txs = 1, .discard = CP_DISCARD_NOT_BU)),
	CASE("hao_without_binding_binding_error_1", POL_LAB,
	     S(.kind = K_UNKNOWN_HAO, .mn = "mn3", .be = 1, .txs = 1)),
	CASE("bad_checksum_discarded", POL_LAB,
	     S(.mn = "mn3", .seq = 1, .path = P6, .coa = "2001:db8:b::5", .raw_corrupt = true,
	       .discard = CP_DISCARD_CSUM, .txs = 0)),
	CASE("truncated_bu_discarded", POL_LAB,
	     S(.kind = K_RAW, .raw = { 0x3b, 0, 5, 0, 0, 0, 0, 0 }, .raw_len = 8,
	       .discard = CP_DISCARD_PARSE, .txs = 0)),
	CASE("heuristic_without_outer_address_discarded", POL_LAB,
	     S(.mn = "mn2", .seq = 1, .path = P4_NAT, .coa = "203.0.113.9", .no_outer = true,
	       .discard = CP_DISCARD_NO_OUTER, .txs = 0, .bc = BC_NONE)),
	/* R6275 §10.3.1 C.4: no room in the binding cache -> 130, nothing held */
	CASE("table_full_130_holds_nothing", POL_LAB,
	     S(.mn = "mn2", .seq = 1, .path = P4_NAT, .coa = "203.0.113.9", .n_v4 = 1,
	       .v4 = { { "0.0.0.0", 32, false } }, .publish_fails = true, .ba = 130,
	       .ba_life = 0, .bc = BC_NONE, .pool = 0)),
	/* a refused update leaves the binding as it was (R6275 §9.5.1): the old care-of
	 * address, IPv4 home address and prefixes keep working */
	CASE("refresh_refused_130_keeps_binding", POL_LAB,
	     S(.mn = "mr1", .seq = 1, .flags = A_H | WIRE_BU_R, .path = P4_NAT,
	       .coa = "203.0.113.9", .n_v4 = 2,
	       .v4 = { { "0.0.0.0", 32, false }, { "0.0.0.0", 30, true } }, .ba = 0, .pool = 5,
	       .prefixes = 4),
	     S(.at = 10, .mn = "mr1", .seq = 2, .flags = A_H | WIRE_BU_R, .path = P6,
	       .coa = "2001:db8:b::5", .publish_fails = true, .ba = 130, .bc = BC_ANY,
	       .bc_coa = "203.0.113.9", .bc_hoa4 = "192.0.2.128", .pool = 5, .prefixes = 4),
	     S(.at = 20, .mn = "mr1", .seq = 3, .flags = A_H | WIRE_BU_R, .path = P6,
	       .coa = "2001:db8:b::5", .ba = 0, .bc = BC_ANY, .bc_coa = "2001:db8:b::5",
	       .bc_hoa4 = "none", .pool = 0, .prefixes = 3)),
	CASE("binding_errors_are_rate_limited", POL_LAB,
	     S(.kind = K_RAW, .raw = { 0x3b, 0, 42, 0, 0, 0, 0, 0 }, .raw_len = 8, .repeat = 15,
	       .be = 10),
	     S(.kind = K_RAW, .at = 1, .raw = { 0x3b, 0, 42, 0, 0, 0, 0, 0 }, .raw_len = 8,
	       .repeat = 15, .be = 20)),
};

#undef S
#undef CASE

ParameterizedTestParameters(cp_table, bu)
{
	return cr_make_param_array(struct cp_case, cases, sizeof(cases) / sizeof(cases[0]));
}

/* ------------------------------------------------------------------ the runner */

static void
policy(struct ha_cfg *cfg, uint8_t p)
{
	switch (p) {
	case POL_IPSEC: cfg->policy.require_ipsec = true; break;
	case POL_NO_FORCE: cfg->policy.allow_forced_udp = false; break;
	case POL_NO_FORCE_129:
		cfg->policy.allow_forced_udp = false;
		cfg->policy.forced_udp_refuse_status = 129;
		break;
	case POL_NO_TLV: cfg->policy.allow_tlv = false; break;
	case POL_DAD: cfg->policy.dad = true; break;
	case POL_NO_MR: cfg->policy.mobile_routers = false; break;
	default: break;
	}
}

static struct in6_addr
step_hoa(struct cp *cp, const struct step *s)
{
	if (s->hoa[0] != '\0')
		return a6(s->hoa);
	cr_assert_not_null(cp_mndb_find_id(cp_mndb(cp), s->mn), "no node %s", s->mn);
	return cp_mndb_find_id(cp_mndb(cp), s->mn)->hoa6;
}

/* Build the BU of a step and its arrival context; returns the MH length. */
static int
build_bu(struct cp *cp, const struct step *s, uint8_t *mh, struct cp_rx_ctx *ctx)
{
	struct in6_addr hoa = step_hoa(cp, s), ha6 = a6(H_HA6);
	struct wire_bu_args a = { .seq = s->seq, .lifetime = s->dereg ? 0 :
						   (s->lifetime != 0 ? s->lifetime : 100) };
	bool v4path = s->path == P4 || s->path == P4_NAT || s->path == P4_NOOPT;
	unsigned int i;
	int n;

	a.flags = s->flags != 0 || s->noflags ? s->flags : A_H;
	memset(ctx, 0, sizeof(*ctx));
	ctx->dst6 = ha6;
	if (!v4path && s->path != P6_HOME && (s->path != P6_TUN || s->altcoa[0] != '\0')) {
		a.has_altcoa = true;
		a.altcoa = a6(s->altcoa[0] != '\0' ? s->altcoa : s->coa);
	}
	if (s->path == P6_HOME) {
		a.has_altcoa = true;       /* CoA = HoA: the return-home deregistration */
		a.altcoa = hoa;
	}
	a.has_nonce = s->nonce;
	if (s->v4coa_opt_on_v6 || s->path == P4 || s->path == P4_NAT) {
		a.has_v4coa = true;
		a.v4coa = s->path == P4 ? a4(s->coa) : a4("100.64.0.9");
	}
	a.n_v4hoa = s->n_v4;
	for (i = 0; i < s->n_v4; i++) {
		a.v4hoa[i].addr = a4(s->v4[i].addr);
		a.v4hoa[i].plen = s->v4[i].plen;
		a.v4hoa[i].p = s->v4[i].p;
	}
	a.n_mnp = s->n_mnp;
	for (i = 0; i < s->n_mnp; i++) {
		a.mnp[i].prefix = a6(s->mnp[i].prefix);
		a.mnp[i].plen = s->mnp[i].len;
	}
	n = wire_mh_bu_build(mh, 256, &a, &hoa, &ha6);
	cr_assert_gt(n, 0);
	if (s->raw_corrupt)
		mh[5] ^= 0x5a;
	if (v4path) {
		ctx->udp4 = true;
		ctx->outer_known = !s->no_outer;
		ctx->outer_src4 = a4(s->coa);
		ctx->outer_dst4 = a4(H_HA4);
		ctx->outer_sport = s->sport != 0 ? s->sport : 40000;
		ctx->src6 = hoa;
	} else if (s->path == P6_HOME) {
		ctx->src6 = hoa;
	} else if (s->path == P6_TUN) {
		ctx->src6 = hoa;
		ctx->tun6 = true;
		ctx->outer_src6 = a6(s->coa);
	} else {
		ctx->src6 = a6(s->coa);
		ctx->has_hao = true;
		ctx->hao = hoa;
		ctx->udp6 = s->path == P6_UDP;
	}
	if (s->protect) {
		ctx->protected_ = true;
		ctx->sa_signalling = !s->payload_sa;
		ctx->spi = 0x1001;
		ctx->sa_hoa = a6(s->sa_hoa);
	}
	return n;
}

static void
check_ba(const struct cp_case *c, int si, const struct step *s, int tx_before)
{
	struct h_reply r;
	char buf[64];
	int last = h_rec.n_tx - 1;

	cr_assert_gt(h_rec.n_tx, tx_before, "%s step %d: no BA sent", c->name, si);
	h_parse_reply(last, &r);
	cr_assert_eq(r.mh.type, WIRE_MH_BA, "%s step %d: not a BA", c->name, si);
	cr_assert_eq(r.mh.ba.status, s->ba, "%s step %d: status %u, want %d", c->name, si,
		     r.mh.ba.status, s->ba);
	if (s->kind == K_BU || s->ba_seq != NO)
		cr_assert_eq(r.mh.ba.seq, s->ba_seq != NO ? s->ba_seq : s->seq,
			     "%s step %d: BA seq %u", c->name, si, r.mh.ba.seq);
	if (s->ba_life != NO)
		cr_assert_eq(r.mh.ba.lifetime, s->ba_life, "%s step %d: lifetime %u", c->name, si,
			     r.mh.ba.lifetime);
	if (s->ba_flags != NO)
		cr_assert_eq(r.mh.ba.flags, s->ba_flags, "%s step %d: flags %#x", c->name, si,
			     r.mh.ba.flags);
	if (s->n_ack != NO)
		cr_assert_eq(r.mh.opts.n_v4ack, s->n_ack, "%s step %d: %u acks", c->name, si,
			     r.mh.opts.n_v4ack);
	if (s->ack_status != NO) {
		cr_assert_geq(r.mh.opts.n_v4ack, 1, "%s step %d: no IPv4 ack", c->name, si);
		cr_assert_eq(r.mh.opts.v4ack[0].status, s->ack_status, "%s step %d: ack status %u",
			     c->name, si, r.mh.opts.v4ack[0].status);
	}
	if (s->ack_plen != NO)
		cr_assert_eq(r.mh.opts.v4ack[0].plen, s->ack_plen, "%s step %d: ack plen %u",
			     c->name, si, r.mh.opts.v4ack[0].plen);
	if (s->ack_addr[0] != '\0')
		cr_assert_str_eq(inet_ntop(AF_INET, &r.mh.opts.v4ack[0].addr, buf, sizeof(buf)),
				 s->ack_addr, "%s step %d: ack address", c->name, si);
	if (s->ack2_status != NO) {
		cr_assert_eq(r.mh.opts.n_v4ack, 2);
		cr_assert_eq(r.mh.opts.v4ack[1].status, s->ack2_status);
	}
	if (s->ack2_plen != NO)
		cr_assert_eq(r.mh.opts.v4ack[1].plen, s->ack2_plen);
	if (s->natd != NO) {
		bool has = (r.mh.opts.present & WIRE_MHOPT_BIT(WIRE_MHOPT_NATD)) != 0;

		cr_assert_eq(has, s->natd != 0, "%s step %d: NAT Detection present %d", c->name,
			     si, has);
		if (has)
			cr_assert_eq(r.mh.opts.natd.f, s->natd == 2, "%s step %d: NATD F", c->name,
				     si);
	}
	if (s->refresh != NO)
		cr_assert_eq(r.mh.opts.natd.refresh, (uint32_t)s->refresh,
			     "%s step %d: refresh %u", c->name, si, r.mh.opts.natd.refresh);
	/* carriage: UDP BUs are answered to V4ADDR:Z, IPv6 ones to the CoA with an RH2 */
	if (s->kind == K_BU && (s->path == P4 || s->path == P4_NAT || s->path == P4_NOOPT)) {
		cr_assert(r.ipv4, "%s step %d: BA not over IPv4", c->name, si);
		cr_assert_eq(r.dst4, a4(s->coa));
		cr_assert_eq(r.dport, s->sport != 0 ? s->sport : 40000);
		cr_assert_not(r.rh2);
	} else if (s->kind == K_BU && s->path == P6) {
		struct in6_addr coa = a6(s->coa);

		cr_assert_not(r.ipv4);
		cr_assert_eq(memcmp(&r.dst6, &coa, 16), 0, "%s step %d: BA dst", c->name, si);
		cr_assert(r.rh2, "%s step %d: no RH2", c->name, si);
	} else if (s->kind == K_BU && s->path == P6_HOME) {
		cr_assert_not(r.rh2, "%s step %d: RH2 on a BA to the home address", c->name, si);
	} else if (s->kind == K_BU && s->path == P6_TUN) {
		struct in6_addr coa = a6(s->coa);

		cr_assert(r.tun6, "%s step %d: BA not tunnelled back", c->name, si);
		cr_assert_eq(memcmp(&r.outer6, &coa, 16), 0, "%s step %d: outer dst", c->name, si);
		cr_assert_not(r.rh2);
	}
	if (s->spi_out != NO)
		cr_assert_eq(h_rec.meta[last].spi_out, (uint32_t)s->spi_out);
}

static void
check_state(struct cp *cp, const struct cp_case *c, int si, const struct step *s,
	    const struct cp_stats *before)
{
	struct cp_pool_stats ps;
	char buf[64];
	uint32_t idx = UINT32_MAX;

	if (s->mn[0] != '\0')
		idx = cp_mndb_find_id(cp_mndb(cp), s->mn)->idx;
	else if (c->n > 0 && c->s[0].mn[0] != '\0')
		idx = cp_mndb_find_id(cp_mndb(cp), c->s[0].mn)->idx;
	if (s->bc != NO && idx != UINT32_MAX)
		cr_assert_eq(h_rec.published[idx], s->bc == BC_ANY, "%s step %d: published %d",
			     c->name, si, h_rec.published[idx]);
	if (idx != UINT32_MAX && h_rec.published[idx]) {
		const struct cp_bind *b = &h_rec.bc[idx];

		if (s->bc_fmt != NO)
			cr_assert_eq(b->fmt, s->bc_fmt, "%s step %d: fmt %u", c->name, si, b->fmt);
		if (s->bc_coa[0] != '\0')
			cr_assert_str_eq(b->fmt == BC_FMT_IP6 ?
					 inet_ntop(AF_INET6, &b->coa6, buf, sizeof(buf)) :
					 inet_ntop(AF_INET, &b->coa4, buf, sizeof(buf)), s->bc_coa,
					 "%s step %d: CoA", c->name, si);
		if (s->bc_port != NO)
			cr_assert_eq(b->port, s->bc_port, "%s step %d: port %u", c->name, si,
				     b->port);
		if (strcmp(s->bc_hoa4, "none") == 0)
			cr_assert_not(b->has_hoa4, "%s step %d: unexpected IPv4 HoA", c->name, si);
		else if (s->bc_hoa4[0] != '\0')
			cr_assert_str_eq(inet_ntop(AF_INET, &b->hoa4, buf, sizeof(buf)), s->bc_hoa4,
					 "%s step %d: IPv4 HoA", c->name, si);
	}
	if (s->prefixes != NO)
		cr_assert_eq(h_rec.n_prefixes, s->prefixes, "%s step %d: %d prefixes", c->name, si,
			     h_rec.n_prefixes);
	cp_pool_stats_get(cp_pool(cp), &ps);
	if (s->pool != NO)
		cr_assert_eq(ps.used, (uint32_t)s->pool, "%s step %d: pool used %u", c->name, si,
			     ps.used);
	if (s->discard != NO)
		cr_assert_eq(cp_stats(cp)->discards[s->discard], before->discards[s->discard] + 1,
			     "%s step %d: discard %s not counted", c->name, si,
			     cp_discard_names[s->discard]);
	if (s->be != NO)
		cr_assert_eq(cp_stats(cp)->be_tx, (uint64_t)s->be, "%s step %d: %lu BEs", c->name,
			     si, cp_stats(cp)->be_tx);
	if (s->stale != NO && idx != UINT32_MAX)
		cr_assert_eq(cp_bind_get(cp, idx)->stale, s->stale == 1, "%s step %d: stale",
			     c->name, si);
	if (s->txs != NO)
		cr_assert_eq(h_rec.n_tx, s->txs, "%s step %d: %d packets sent", c->name, si,
			     h_rec.n_tx);
}

/* Run case c; stats (when given) gets the control plane's counters at the end. */
static void
run_case(const struct cp_case *c, struct cp_stats *stats)
{
	struct cfg_status st;
	struct ha_cfg *cfg = cfg_load_string(h_conf, "h.conf", &st);
	char why[256];
	struct cp *cp;
	int i;

	cr_assert_not_null(cfg, "%s", st.errors[0]);
	policy(cfg, c->pol);
	memset(&h_rec, 0, sizeof(h_rec));
	cp = cp_create(cfg, &h_ops);
	cr_assert_not_null(cp);
	cp_tick(cp, 0);
	for (i = 0; i < c->n; i++) {
		const struct step *s = &c->s[i];
		uint64_t now = s->at * 1000ull + s->at_ms;
		struct cp_stats before = *cp_stats(cp);
		int tx_before = h_rec.n_tx, k;
		struct cp_rx_ctx ctx;
		uint8_t mh[256];
		int n;

		cp_tick(cp, now);
		h_rec.publish_fail = s->publish_fails;
		switch (s->kind) {
		case K_BU:
			n = build_bu(cp, s, mh, &ctx);
			cp_rx_mh(cp, mh, (uint16_t)n, &ctx, now);
			break;
		case K_RAW:
			memset(&ctx, 0, sizeof(ctx));
			ctx.src6 = a6("2001:db8:b::5");
			ctx.dst6 = a6(H_HA6);
			/* a valid checksum: the type check comes after it (RFC 6275 §9.2) */
			memcpy(mh, s->raw, s->raw_len);
			wire_wr16(mh + 4, 0);
			wire_wr16(mh + 4, wire_ip6_l4_csum(&ctx.src6, &ctx.dst6, WIRE_PROTO_MH, mh,
							   s->raw_len));
			for (k = 0; k < (s->repeat > 0 ? s->repeat : 1); k++)
				cp_rx_mh(cp, mh, s->raw_len, &ctx, now);
			break;
		case K_DAD_CONFLICT: {
			struct in6_addr h = step_hoa(cp, s);

			cp_dad_conflict(cp, &h, now);
			break;
		}
		case K_NAT_SEEN:
			cp_nat_seen(cp, cp_mndb_find_id(cp_mndb(cp), s->mn)->idx, now);
			break;
		case K_UNKNOWN_HAO: {
			struct h_reply r;

			memset(&ctx, 0, sizeof(ctx));
			ctx.src6 = a6("2001:db8:b::5");
			ctx.dst6 = a6("2001:db8:1::10");
			ctx.has_hao = true;
			ctx.hao = step_hoa(cp, s);
			cp_rx_unknown_hao(cp, &ctx, now);
			cr_assert_eq(h_rec.n_tx, tx_before + 1, "no Binding Error");
			h_parse_reply(h_rec.n_tx - 1, &r);
			cr_assert_eq(r.mh.type, WIRE_MH_BE);
			cr_assert_eq(r.mh.be.status, WIRE_BE_UNKNOWN_BINDING);
			cr_assert_eq(memcmp(&r.mh.be.hoa, &ctx.hao, 16), 0);
			cr_assert_eq(memcmp(&r.dst6, &ctx.src6, 16), 0);
			break;
		}
		default:
			break;
		}
		if (s->ba != NO)
			check_ba(c, i, s, tx_before);
		else if (s->kind == K_BU && s->txs == NO && s->discard == NO)
			cr_assert_eq(h_rec.n_tx, tx_before, "%s step %d: unexpected packet",
				     c->name, i);
		check_state(cp, c, i, s, &before);
		cr_assert_eq(cp_check_invariants(cp, why, sizeof(why)), 0, "%s step %d: %s",
			     c->name, i, why);
	}
	if (stats != NULL)
		*stats = *cp_stats(cp);
	cp_free(cp);
	cfg_free(cfg);
}

ParameterizedTest(struct cp_case *c, cp_table, bu)
{
	run_case(c, NULL);
}

/*
 * The table as a whole makes the control plane produce every BA status of protocol facts
 * §11/§19 and every discard reason at least once: a status no case reaches is a rule no
 * case tests.
 */
Test(cp_table, every_status_and_discard_is_produced)
{
	static const uint8_t statuses[] = { 0, 129, 130, 132, 133, 134, 135, 139, 140, 141, 142,
					    143, 144, 174 };
	uint64_t sent[256] = { 0 }, discards[CP_DISCARD_MAX] = { 0 };
	struct cp_stats st;
	unsigned int i, k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run_case(&cases[i], &st);
		for (k = 0; k < 256; k++)
			sent[k] += st.status[k];
		for (k = 0; k < CP_DISCARD_MAX; k++)
			discards[k] += st.discards[k];
	}
	for (k = 0; k < sizeof(statuses); k++)
		cr_expect_gt(sent[statuses[k]], 0, "no case made the home agent send status %u",
			     statuses[k]);
	for (k = 0; k < CP_DISCARD_MAX; k++)
		cr_expect_gt(discards[k], 0, "no case made the home agent discard for %s",
			     cp_discard_names[k]);
}

/* seed 001 §4.4.2: only an outer source that differs from the bound one is news */
Test(cp_natd, heuristic_records_only_a_new_outer_source)
{
	struct cp_bind b;

	memset(&b, 0, sizeof(b));
	cr_assert(cp_natd_heuristic(NULL, a4("203.0.113.9"), 40000));
	b.state = CP_BIND_ACTIVE;
	b.coa4 = a4("203.0.113.9");
	b.port = 40000;
	cr_assert_not(cp_natd_heuristic(&b, a4("203.0.113.9"), 40000));
	cr_assert(cp_natd_heuristic(&b, a4("203.0.113.9"), 40001));
	cr_assert(cp_natd_heuristic(&b, a4("203.0.113.10"), 40000));
	b.state = CP_BIND_HOLD;
	cr_assert(cp_natd_heuristic(&b, a4("203.0.113.9"), 40000));
}

/* RFC 5555 §5: an IPv4 home address maps to one IPv6 home address. A node added with another
 * node's static address is refused; once that node is gone the address can be given again. */
Test(cp_mndb, static_ipv4_home_address_belongs_to_one_node)
{
	struct cfg_status st;
	struct ha_cfg *cfg = cfg_load_string(h_conf, "h.conf", &st);
	struct cp *cp;
	struct cfg_mn c;
	uint32_t idx;

	cr_assert_not_null(cfg, "%s", st.errors[0]);
	memset(&h_rec, 0, sizeof(h_rec));
	cp = cp_create(cfg, &h_ops);
	cr_assert_not_null(cp);
	memset(&c, 0, sizeof(c));
	snprintf(c.id, sizeof(c.id), "intruder");
	c.count = 1;
	c.hoa6 = a6("2001:db8:1::150");
	c.hoa4_mode = CFG_HOA4_STATIC;
	c.hoa4 = a4("192.0.2.101");                 /* mn1's */
	cr_assert_eq(cp_mn_add(cp, &c, &idx), -EEXIST);
	cr_assert_null(cp_mndb_find_id(cp_mndb(cp), "intruder"));
	cr_assert_str_eq(cp_mndb_find4(cp_mndb(cp), c.hoa4)->id, "mn1");
	cr_assert_eq(cp_mn_del(cp, cp_mndb_find_id(cp_mndb(cp), "mn1")->idx, 0), 0);
	cr_assert_null(cp_mndb_find4(cp_mndb(cp), c.hoa4));
	cr_assert_eq(cp_mn_add(cp, &c, &idx), 0);
	cr_assert_str_eq(cp_mndb_find4(cp_mndb(cp), c.hoa4)->id, "intruder");
	cp_free(cp);
	cfg_free(cfg);
}
