/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Drop and event reasons as one X-macro list that generates the enum and the names
 * (VPP's foreach_*_error). Names are telemetry/Prometheus labels: lower case, no spaces.
 */
#ifndef HA_COUNTERS_H
#define HA_COUNTERS_H

/* _(ENUM, "label", "description") */
#define HA_DROP_LIST(_)                                                                  \
	_(STANDBY, "standby", "received while the standby of a pair (it forwards nothing)") \
	_(TRUNCATED, "truncated", "packet shorter than its headers")                    \
	_(MALFORMED, "malformed", "malformed header")                                   \
	_(BAD_CSUM, "bad_checksum", "IPv4 header checksum wrong")                       \
	_(BAD_UDP_CSUM, "bad_udp_checksum", "UDP 4191/4500 to the home agent: checksum wrong") \
	_(NOT_FOR_US, "not_for_us", "destination MAC is not ours")                      \
	_(ETHERTYPE, "ethertype", "EtherType not handled")                              \
	_(MULTI_SEGMENT, "multi_segment", "multi-segment mbuf")                         \
	_(FRAGMENT, "fragment_to_us", "fragment addressed to the home agent (no reassembly)") \
	_(IP6_EXT, "ipv6_ext_header", "an extension header the home agent, as destination, refuses") \
	_(LOCAL_UNHANDLED, "local_unhandled", "protocol to the home agent not served")  \
	_(MULTICAST, "multicast", "multicast or broadcast not served")                   \
	_(LINK_LOCAL, "link_local_dst", "link-local destination is never forwarded")     \
	_(ARP_OTHER, "arp_other", "ARP for another host")                               \
	_(ND_OTHER, "nd_other", "neighbor discovery for another host")                  \
	_(TTL, "ttl_exceeded", "TTL or hop limit exhausted")                            \
	_(NO_ROUTE, "no_route", "no route to the destination")                          \
	_(TOO_BIG, "too_big", "bigger than the egress MTU (ICMP sent)")                  \
	_(NO_HEADROOM, "no_headroom", "not enough headroom to encapsulate")              \
	_(UNKNOWN_SOURCE, "unknown_inner_source", "decapsulated source has no binding")  \
	_(COA_MISMATCH, "coa_mismatch", "outer source is not the binding's care-of address") \
	_(PORT_MISMATCH, "nat_port_mismatch", "UDP source port is not the binding's")    \
	_(INNER_MALFORMED, "inner_malformed", "malformed inner packet")                  \
	_(TLV_NEXT, "tlv_next_header", "TLV next header is not IPv4 or IPv6")            \
	_(ESP, "esp_unknown_spi", "ESP with an SPI the home agent does not have")        \
	_(ESP_CARRIAGE, "esp_carriage", "ESP of an SA in a carriage its role does not use") \
	_(ESP_FAILED, "esp_failed", "refused by rte_ipsec: authentication, replay, length (per SA)") \
	_(ESP_INNER, "esp_inner_source", "decrypted source is not a home address of the SA's node") \
	_(ESP_REQUIRED, "esp_required", "clear tunnel traffic from a node whose payload is protected") \
	_(ESP_NO_SA, "esp_no_sa", "the binding's payload SA is gone")                  \
	_(ESP_NATT_UNMAPPED, "esp_natt_unmapped", "NATed node has not shown its UDP 4500 mapping yet") \
	_(ESP_RING_FULL, "esp_ring_full", "the SA's lcore is busy: its ESP ring is full")  \
	_(IKE, "ike", "IKE (no key-management daemon behind the data path)")             \
	_(HAO, "hao", "traffic with a Home Address option")                             \
	_(NEIGH_MISS, "neighbor_unresolved", "next hop unresolved and the hold queue full") \
	_(PUNT_FULL, "punt_ring_full", "control plane busy: punt ring full")             \
	_(PUNT_LIMITED, "punt_ratelimited", "punt kind over its rate (signalling is exempt)") \
	_(TX_FULL, "tx_full", "TX queue full")                                          \
	_(NO_MBUF, "no_mbuf", "mbuf pool empty")

/* Events counted by the workers (not drops). */
#define HA_EVENT_LIST(_)                                                                 \
	_(ENCAP_IP6, "encap_ip6", "tunnelled to an IPv6 care-of address")                \
	_(ENCAP_IP4, "encap_ip4", "tunnelled to an IPv4 care-of address (IP-in-IP)")     \
	_(ENCAP_UDP, "encap_udp", "tunnelled in UDP 4191")                               \
	_(ENCAP_UDP_TLV, "encap_udp_tlv", "tunnelled in UDP 4191 with a TLV header")     \
	_(DECAP_IP6, "decap_ip6", "decapsulated from an IPv6 tunnel")                    \
	_(DECAP_IP4, "decap_ip4", "decapsulated from an IPv4 tunnel")                    \
	_(DECAP_UDP, "decap_udp", "decapsulated from UDP 4191")                          \
	_(ENCAP_ESP, "encap_esp", "tunnelled through the node's payload SA")          \
	_(DECAP_ESP, "decap_esp", "decrypted from the node's payload SA")             \
	_(ESP_STEERED, "esp_steered", "ESP handed to the lcore that owns its SA")     \
	_(ESP_OP_BURST, "esp_op_bursts", "ESP bursts of many SAs through one crypto enqueue") \
	_(PUNT_ESP, "punt_esp", "ESP of a signalling SA to the control plane")        \
	_(FORWARDED, "forwarded", "routed by the FIB")                                  \
	_(PUNT_MH, "punt_mh", "Mobility Header to the control plane")                   \
	_(PUNT_OTHER, "punt_other", "ARP/ND/neighbor work to the control plane")        \
	_(PUNT_IKE, "punt_ike", "IKE (UDP 500, 4500 non-ESP) to the exception path")     \
	_(PROXY_ARP, "proxy_arp", "ARP answered for a home address")                    \
	_(PROXY_NA, "proxy_na", "NS answered for a home address")                       \
	_(LOCAL_ARP, "local_arp", "ARP answered for the home agent")                    \
	_(LOCAL_NA, "local_na", "NS answered for the home agent")                       \
	_(ECHO, "echo_reply", "echo requests answered")                                 \
	_(ICMP_SENT, "icmp_error_sent", "ICMP errors sent")                             \
	_(FRAGMENTED, "fragmented", "IPv4 fragments made before encapsulation (no DF)")  \
	_(ICMP_LIMITED, "icmp_error_ratelimited", "ICMP errors suppressed by the rate limit") \
	_(NAT_KEEPALIVE, "nat_keepalive", "UDP 4500 NAT keepalives")                    \
	_(NAT_PORT_CHANGE, "nat_port_change", "NAT source port changes reported")        \
	_(ESP_NATT_CHANGE, "esp_natt_change", "new UDP 4500 mapping of a node reported") \
	_(CTL_TX, "control_tx", "control plane packets sent for it")

enum ha_event {
#define HA_EVENT_ENUM(e, s, d) HA_EV_ ## e,
	HA_EVENT_LIST(HA_EVENT_ENUM)
#undef HA_EVENT_ENUM
	HA_EV_MAX
};

extern const char *const ha_event_names[HA_EV_MAX];

enum ha_drop {
#define HA_DROP_ENUM(e, s, d) HA_DROP_ ## e,
	HA_DROP_LIST(HA_DROP_ENUM)
#undef HA_DROP_ENUM
	HA_DROP_MAX
};

extern const char *const ha_drop_names[HA_DROP_MAX];
extern const char *const ha_drop_descr[HA_DROP_MAX];

#endif /* HA_COUNTERS_H */
