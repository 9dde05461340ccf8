/* SPDX-License-Identifier: BSD-3-Clause */
/* Config parser: the example loads with the documented values; bad files give exact messages. */
#include <arpa/inet.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "cfg.h"

/* Line 1-4: two ports; line 5: home agent. Cases append from line 6 or replace parts. */
#define PORTS \
	"ports = (\n" \
	"  { name = \"access\"; device = \"net_null0\"; role = \"access\"; ipv4 = \"198.51.100.1/24\"; ipv6 = \"2001:db8:a::1/64\"; },\n" \
	"  { name = \"home\"; device = \"net_null1\"; role = \"home\"; ipv4 = \"192.0.2.1/24\"; ipv6 = \"2001:db8:1::1/64\"; }\n" \
	");\n"
#define HA \
	"home_agent = { address6 = \"2001:db8:1::1\"; address4 = \"198.51.100.1\"; home_prefixes = [ \"2001:db8:1::/64\" ]; ipv4_pool = \"192.0.2.128/26\"; };\n"
#define MN_OPEN "mobile_nodes = ( { id = \"mn1\"; hoa6 = \"2001:db8:1::100\"; "
#define SA_SIG(spi, dir) \
	"{ spi = " #spi "; direction = \"" dir "\"; role = \"signalling\"; algorithm = \"aes-128-cbc-hmac-sha256\"; key = \"0x000102030405060708090a0b0c0d0e0f\"; auth_key = \"0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\"; }"
#define SA_GCM(spi, dir) \
	"{ spi = " #spi "; direction = \"" dir "\"; role = \"signalling\"; algorithm = \"aes-128-gcm\"; key = \"0x000102030405060708090a0b0c0d0e0f10111213\"; }"
#define LAB_GCM "policy = { allow_manual_gcm = true; };\n"

static struct ha_cfg *
load(const char *text, struct cfg_status *st)
{
	return cfg_load_string(text, "t.conf", st);
}

Test(cfg, minimal_config_gets_documented_defaults)
{
	struct cfg_status st;
	struct ha_cfg *c = load(PORTS HA, &st);

	cr_assert_not_null(c, "%s", st.errors[0]);
	cr_assert_eq(c->n_ports, 2);
	cr_assert_eq(c->ports[0].role, CFG_ROLE_ACCESS);
	cr_assert_eq(c->ports[0].mtu, 1500);
	cr_assert_eq(c->ports[1].ip4.len, 24);
	cr_assert(c->policy.require_ipsec);
	cr_assert_eq(c->policy.forced_udp_refuse_status, 144);
	cr_assert_eq(c->policy.nat_refresh, 110);
	cr_assert_eq(c->policy.nat_detection, CFG_NATD_SPI);
	cr_assert_eq(c->policy.max_lifetime, 3600);
	cr_assert_eq(c->cap.bindings, 1000000);
	cr_assert_eq(c->dp.burst, 32);
	cr_assert_eq(c->ha.n_pools, 1);
	cr_assert_eq(c->ha.pools[0].len, 26);
	cr_assert(c->ha.has_addr4);
	cr_assert_str_eq(c->store.path, "/var/lib/dsmip-ha/state.mdb");
	cr_assert_eq(c->store.sync_ms, 100);
	cr_assert_str_eq(c->pair.redis, "");   /* no pair unless asked for */
	cr_assert_str_eq(c->pair.prefix, "dsmip");
	cr_assert_eq(c->pair.stream_max, 1000000);
	cfg_free(c);
}

Test(cfg, example_file_is_valid)
{
	struct cfg_status st;
	struct ha_cfg *c = cfg_load_file(HA_SRC_DIR "/config/dsmip-ha.conf.example", &st);
	const struct cfg_mn *mn;

	cr_assert_not_null(c, "%s", st.errors[0]);
	cr_assert_eq(c->n_ports, 2);
	cr_assert_eq(c->n_routes, 2);
	cr_assert_eq(c->routes[0].family, AF_INET);
	cr_assert_eq(c->routes[0].port, 0);
	cr_assert_eq(c->routes[1].family, AF_INET6);
	cr_assert_eq(c->n_mns, 2);
	mn = &c->mns[0];
	cr_assert_str_eq(mn->id, "mn1");
	cr_assert_eq(mn->hoa4_mode, CFG_HOA4_STATIC);
	cr_assert_eq(mn->n_sas, 4);
	cr_assert_eq(mn->sas[0].spi, 0x1001);
	cr_assert_eq(mn->sas[0].alg, CFG_ALG_AES128_CBC_SHA256);   /* no manual GCM */
	cr_assert_eq(mn->sas[0].key_len, 16);
	cr_assert_eq(mn->sas[0].key[15], 0x0f);
	cr_assert_eq(mn->sas[0].auth_key[31], 0x2f);
	cr_assert_eq(mn->sas[2].alg, CFG_ALG_AES128_CBC_SHA256);
	cr_assert_eq(mn->sas[2].auth_key_len, 32);
	mn = &c->mns[1];
	cr_assert_eq(mn->hoa4_mode, CFG_HOA4_DYNAMIC);
	cr_assert(mn->mobile_router);
	cr_assert_eq(mn->n_prefixes6, 1);
	cr_assert_eq(mn->n_prefixes4, 1);
	cr_assert_eq(mn->prefixes6[0].len, 48);
	cr_assert_eq(mn->sas[0].alg, CFG_ALG_AES128_CBC_SHA1);
	cr_assert_eq(mn->sas[0].auth_key_len, 20);
	cr_assert(!c->policy.allow_manual_gcm);
	cfg_free(c);
}

/* provisioning by the block: node k is the first plus k in every number */
Test(cfg, block_of_nodes_expands)
{
	struct cfg_status st;
	struct ha_cfg *c = load(PORTS HA "capacity = { bindings = 2000000; sas = 4000000; };\n"
		"mobile_nodes = ( { id = \"sub\"; hoa6 = \"2001:db8:1::1:fffe\"; count = 1000000; "
		"hoa4 = \"dynamic\"; sas = ( " SA_SIG(0x10000, "in") ", " SA_SIG(0x10000, "out")
		" ); } );\n", &st);
	struct cfg_mn one;
	char buf[64];

	cr_assert_not_null(c, "%s", st.errors[0]);
	cr_assert_eq(c->n_mns, 1);
	cr_assert_eq(cfg_mn_total(c), 1000000);
	cfg_mn_instance(&c->mns[0], 0, &one);
	cr_assert_str_eq(one.id, "sub0");
	cfg_mn_instance(&c->mns[0], 999999, &one);
	cr_assert_str_eq(one.id, "sub999999");
	cr_assert_eq(one.count, 1);
	cr_assert_str_eq(inet_ntop(AF_INET6, &one.hoa6, buf, sizeof(buf)), "2001:db8:1::11:423d");
	cr_assert_eq(one.sas[0].spi, 0x10000 + 999999);
	cr_assert_eq(one.sas[1].spi, 0x10000 + 999999);
	cr_assert_eq(one.hoa4_mode, CFG_HOA4_DYNAMIC);
	cfg_free(c);
}

Test(cfg, route_port_defaults_to_subnet_of_next_hop)
{
	struct cfg_status st;
	struct ha_cfg *c = load(PORTS HA "routes = ( { prefix = \"2001:db8:f00::/40\"; "
				"via = \"2001:db8:1::fe\"; } );\n", &st);

	cr_assert_not_null(c, "%s", st.errors[0]);
	cr_assert_eq(c->n_routes, 1);
	cr_assert_eq(c->routes[0].port, 1);
	cr_assert_eq(c->routes[0].dst6.len, 40);
	cfg_free(c);
}

Test(cfg, all_errors_are_reported_in_one_run)
{
	struct cfg_status st;
	struct ha_cfg *c = load(PORTS HA "policy = { max_lifetime = 1; dad_timeout_ms = 1; };\n"
				"capacity = { bindings = 1; };\n", &st);

	cr_assert_null(c);
	cr_assert_eq(st.n_errors, 3);
}

/*
 * Criterion re-executes the test binary for each parameter and copies the parameter by
 * value: with PIE and ASLR a pointer into .rodata would dangle, so the text lives in the struct.
 */
struct bad_case {
	char name[32];
	char text[2048];
	char msg[256];     /* the exact first error */
};

static struct bad_case bad_cases[] = {
	{ "syntax", PORTS "home_agent = { address6 = ; };\n",
	  "t.conf:5: syntax error" },
	{ "no_ports", HA, "t.conf: ports: missing required list of ports" },
	{ "ports_not_list", "ports = 3;\n" HA, "t.conf:1: ports: must be a list ( { ... }, ... )" },
	{ "bad_role", "ports = ( { name = \"a\"; device = \"net_null0\"; role = \"hom\"; } );\n" HA,
	  "t.conf:1: ports[0].role: \"hom\" is not one of access, home, both" },
	{ "ipv4_prefix_33",
	  "ports = ( { name = \"a\"; device = \"x\"; role = \"both\"; ipv4 = \"192.0.2.1/33\"; } );\n",
	  "t.conf:1: ports[0].ipv4: \"192.0.2.1/33\" is not an IPv4 address with prefix length "
	  "(a.b.c.d/len)" },
	{ "ipv6_not_address",
	  "ports = ( { name = \"a\"; device = \"x\"; role = \"both\"; ipv6 = \"2001:db8::g/64\"; } );\n",
	  "t.conf:1: ports[0].ipv6: \"2001:db8::g/64\" is not an IPv6 address with prefix length "
	  "(addr/len)" },
	{ "mtu_range",
	  "ports = ( { name = \"a\"; device = \"x\"; role = \"both\"; mtu = 576; } );\n",
	  "t.conf:1: ports[0].mtu: 576 is out of range [1280, 9600]" },
	{ "mtu_type",
	  "ports = ( { name = \"a\"; device = \"x\"; role = \"both\"; mtu = \"1500\"; } );\n",
	  "t.conf:1: ports[0].mtu: must be an integer" },
	{ "duplicate_port",
	  "ports = ( { name = \"a\"; device = \"x\"; role = \"access\"; },\n"
	  "          { name = \"a\"; device = \"y\"; role = \"home\"; } );\n",
	  "t.conf:2: ports[1].name: duplicate port name \"a\" (first at line 1)" },
	{ "missing_home_role",
	  "ports = ( { name = \"a\"; device = \"x\"; role = \"access\"; } );\n",
	  "t.conf:1: ports: no port has role home (or both)" },
	{ "unknown_port_key",
	  "ports = ( { name = \"a\"; device = \"x\"; role = \"both\"; speed = 10; } );\n",
	  "t.conf:1: ports[0].speed: unknown setting" },
	{ "route_next_hop_off_link", PORTS HA
	  "routes = ( { prefix = \"0.0.0.0/0\"; via = \"203.0.113.1\"; } );\n",
	  "t.conf:6: routes[0].via: next hop 203.0.113.1 is not on a connected subnet of any port" },
	{ "route_host_bits", PORTS HA
	  "routes = ( { prefix = \"203.0.113.1/24\"; via = \"198.51.100.254\"; } );\n",
	  "t.conf:6: routes[0].prefix: \"203.0.113.1/24\" has host bits set" },
	{ "route_family_mismatch", PORTS HA
	  "routes = ( { prefix = \"::/0\"; via = \"198.51.100.254\"; } );\n",
	  "t.conf:6: routes[0].via: \"198.51.100.254\" is not an IPv6 address (prefix is IPv6)" },
	{ "route_unknown_port", PORTS HA
	  "routes = ( { prefix = \"::/0\"; via = \"2001:db8:a::fe\"; port = \"wan\"; } );\n",
	  "t.conf:6: routes[0].port: no port named \"wan\"" },
	{ "pool_prefix_33", PORTS
	  "home_agent = {\n"
	  "  address6 = \"2001:db8:1::1\";\n"
	  "  home_prefixes = [ \"2001:db8:1::/64\" ];\n"
	  "  ipv4_pool = \"203.0.113.0/33\";\n"
	  "};\n",
	  "t.conf:8: home_agent.ipv4_pool: \"203.0.113.0/33\" is not a valid IPv4 prefix" },
	{ "ha_address_not_on_port", PORTS
	  "home_agent = { address6 = \"2001:db8:1::2\"; home_prefixes = [ \"2001:db8:1::/64\" ]; };\n",
	  "t.conf:5: home_agent.address6: 2001:db8:1::2 is not the ipv6 address of any port" },
	{ "no_home_prefix", PORTS "home_agent = { address6 = \"2001:db8:1::1\"; };\n",
	  "t.conf:5: home_agent.home_prefixes: at least one IPv6 home prefix is required" },
	{ "missing_home_agent", PORTS, "t.conf: home_agent: missing required group" },
	{ "nat_detection_value", PORTS HA "policy = { nat_detection = \"magic\"; };\n",
	  "t.conf:6: policy.nat_detection: \"magic\" is not one of spi, heuristic" },
	{ "refuse_status", PORTS HA "policy = { forced_udp_refuse_status = 152; };\n",
	  "t.conf:6: policy.forced_udp_refuse_status: 152 is not 144 (RFC 5555 text) or 129 "
	  "(administratively prohibited)" },
	{ "max_lifetime_range", PORTS HA "policy = { max_lifetime = 262141; };\n",
	  "t.conf:6: policy.max_lifetime: 262141 is out of range [4, 262140]" },
	{ "bool_type", PORTS HA "policy = { require_ipsec = \"no\"; };\n",
	  "t.conf:6: policy.require_ipsec: must be true or false" },
	{ "punt_ring_pow2", PORTS HA "dataplane = { punt_ring = 1000; };\n",
	  "t.conf:6: dataplane.punt_ring: 1000 is not a power of two" },
	{ "unknown_section", PORTS HA "polcy = { dad = false; };\n",
	  "t.conf:6: polcy: unknown setting" },
	{ "hoa_outside_home", PORTS HA
	  "mobile_nodes = ( { id = \"mn1\"; hoa6 = \"2001:db8:2::1\"; } );\n",
	  "t.conf:6: mobile_nodes[0].hoa6: 2001:db8:2::1 is not inside any "
	  "home_agent.home_prefixes" },
	{ "static_hoa4_in_pool", PORTS HA MN_OPEN "hoa4 = \"192.0.2.130\"; } );\n",
	  "t.conf:6: mobile_nodes[0].hoa4: 192.0.2.130 is inside home_agent.ipv4_pool; static "
	  "addresses must be outside the dynamic pool" },
	{ "duplicate_hoa6", PORTS HA MN_OPEN "},\n"
	  "  { id = \"mn2\"; hoa6 = \"2001:db8:1::100\"; } );\n",
	  "t.conf:7: mobile_nodes[1]: duplicate hoa6: already used by mobile node \"mn1\" "
	  "(line 6)" },
	{ "duplicate_inbound_spi", PORTS HA MN_OPEN "sas = ( " SA_SIG(0x1001, "in") " ); },\n"
	  "  { id = \"mn2\"; hoa6 = \"2001:db8:1::101\"; sas = ( " SA_SIG(0x1001, "in") " ); } );\n",
	  "t.conf:7: mobile_nodes[1]: inbound SPI 0x00001001 is already used by mobile node "
	  "\"mn1\"" },
	{ "crypto_device_not_ipsec_mb", PORTS HA
	  "dataplane = { crypto_device = \"crypto_openssl0\"; };\n",
	  "t.conf:6: dataplane.crypto_device: \"crypto_openssl0\" is not a crypto_aesni_mb or "
	  "crypto_aesni_gcm vdev" },
	{ "esp_ring_not_power_of_two", PORTS HA "dataplane = { esp_ring = 1000; };\n",
	  "t.conf:6: dataplane.esp_ring: 1000 is not a power of two" },
	{ "block_leaves_home_prefix", PORTS HA
	  "mobile_nodes = ( { id = \"b\"; hoa6 = \"2001:db8:1:0:ffff:ffff:ffff:fff0\"; count = 100; } );\n",
	  "t.conf:6: mobile_nodes[0].count: the block's last hoa6 2001:db8:1:1::53 is not in the home "
	  "prefix of its first" },
	{ "block_overlaps_node", PORTS HA
	  "mobile_nodes = ( { id = \"b\"; hoa6 = \"2001:db8:1::1000\"; count = 100; },\n"
	  "  { id = \"x\"; hoa6 = \"2001:db8:1::1010\"; } );\n",
	  "t.conf:7: mobile_nodes[1]: overlaps the block \"b\" of 100 nodes (line 6): home "
	  "addresses, ids or SPIs" },
	{ "block_id_clash", PORTS HA
	  "mobile_nodes = ( { id = \"b\"; hoa6 = \"2001:db8:1::1000\"; count = 100; },\n"
	  "  { id = \"b42\"; hoa6 = \"2001:db8:1::9\"; } );\n",
	  "t.conf:7: mobile_nodes[1]: overlaps the block \"b\" of 100 nodes (line 6): home "
	  "addresses, ids or SPIs" },
	{ "block_spis_overlap", PORTS HA
	  "mobile_nodes = ( { id = \"b\"; hoa6 = \"2001:db8:1::1000\"; count = 100; sas = ( "
	  SA_SIG(0x1000, "in") " ); },\n"
	  "  { id = \"x\"; hoa6 = \"2001:db8:1::9\"; sas = ( " SA_SIG(0x1050, "in") " ); } );\n",
	  "t.conf:7: mobile_nodes[1]: overlaps the block \"b\" of 100 nodes (line 6): home "
	  "addresses, ids or SPIs" },
	{ "blocks_exceed_capacity", PORTS HA "capacity = { bindings = 50; };\n"
	  "mobile_nodes = ( { id = \"b\"; hoa6 = \"2001:db8:1::1000\"; count = 100; } );\n",
	  "t.conf:7: mobile_nodes: 100 mobile nodes exceed capacity.bindings 50" },
	{ "route_mac_multicast", PORTS HA
	  "routes = ( { prefix = \"0.0.0.0/0\"; via = \"198.51.100.254\"; mac = \"01:00:5e:00:00:01\"; } );\n",
	  "t.conf:6: routes[0].mac: \"01:00:5e:00:00:01\" is not a unicast MAC address "
	  "(xx:xx:xx:xx:xx:xx)" },
	{ "reserved_spi", PORTS HA MN_OPEN "sas = ( " SA_SIG(255, "in") " ); } );\n",
	  "t.conf:6: mobile_nodes[0].sas[0].spi: 255 is out of range [256, 4294967295]" },
	{ "gcm_key_length", PORTS HA LAB_GCM MN_OPEN "sas = ( { spi = 0x1001; direction = \"in\"; "
	  "role = \"signalling\"; algorithm = \"aes-128-gcm\"; key = \"0x0011\"; } ); } );\n",
	  "t.conf:7: mobile_nodes[0].sas[0].key: must be 20 bytes of hex for aes-128-gcm (key then "
	  "4-byte salt, RFC 4106)" },
	/* R4106 §8.1: a manual GCM key repeats nonces when the SA starts again */
	{ "manual_gcm_refused", PORTS HA MN_OPEN "sas = ( " SA_GCM(0x1001, "in") " ); } );\n",
	  "t.conf:6: mobile_nodes[0].sas[0].algorithm: AES-GCM with a manual key repeats nonces "
	  "when the SA starts again (RFC 4106 §8.1): key it by IKE, use aes-128-cbc-hmac-sha256, "
	  "or set policy.allow_manual_gcm = true (labs only)" },
	{ "unknown_algorithm", PORTS HA MN_OPEN "sas = ( { spi = 0x1001; direction = \"in\"; "
	  "role = \"payload\"; algorithm = \"des\"; } ); } );\n",
	  "t.conf:6: mobile_nodes[0].sas[0].algorithm: \"des\" is not one of null, aes-128-gcm, "
	  "aes-256-gcm, aes-128-cbc-hmac-sha1, aes-128-cbc-hmac-sha256" },
	{ "missing_auth_key", PORTS HA MN_OPEN "sas = ( { spi = 0x1001; direction = \"in\"; "
	  "role = \"payload\"; algorithm = \"aes-128-cbc-hmac-sha1\"; "
	  "key = \"000102030405060708090a0b0c0d0e0f\"; } ); } );\n",
	  "t.conf:6: mobile_nodes[0].sas[0].auth_key: missing required setting" },
	{ "second_signalling_in_sa", PORTS HA MN_OPEN "sas = ( " SA_SIG(0x1001, "in") ",\n"
	  SA_SIG(0x1002, "in") " ); } );\n",
	  "t.conf:7: mobile_nodes[0].sas[1]: a second signalling inbound SA (first at line 6)" },
	{ "null_signalling_sa", PORTS HA MN_OPEN "sas = ( { spi = 0x1001; direction = \"in\"; "
	  "role = \"signalling\"; algorithm = \"null\"; } ); } );\n",
	  "t.conf:6: mobile_nodes[0].sas[0].algorithm: a signalling SA needs authentication "
	  "(RFC 6275 §5.1); \"null\" is for payload SAs in tests" },
	{ "mnp_inside_home_prefix", PORTS HA MN_OPEN "mobile_router = true; "
	  "prefixes = [ \"2001:db8:1:0:8000::/65\" ]; } );\n",
	  "t.conf:6: mobile_nodes[0].prefixes: 2001:db8:1:0:8000::/65 overlaps the home prefix "
	  "2001:db8:1::/64" },
	{ "mnp_overlaps_another_router", PORTS HA
	  "mobile_nodes = ( { id = \"r1\"; hoa6 = \"2001:db8:1::10\"; mobile_router = true; "
	  "prefixes = [ \"2001:db8:100::/48\" ]; },\n"
	  "  { id = \"r2\"; hoa6 = \"2001:db8:1::11\"; mobile_router = true; "
	  "prefixes = [ \"2001:db8:100:5::/64\" ]; } );\n",
	  "t.conf:7: mobile_nodes[1]: mobile network prefix 2001:db8:100:5::/64 overlaps "
	  "2001:db8:100::/48 of mobile node \"r1\" (line 6)" },
	{ "ipv4_mnp_overlaps_another_router", PORTS HA
	  "mobile_nodes = ( { id = \"r1\"; hoa6 = \"2001:db8:1::10\"; mobile_router = true; "
	  "prefixes = [ \"192.0.2.64/28\" ]; },\n"
	  "  { id = \"r2\"; hoa6 = \"2001:db8:1::11\"; mobile_router = true; "
	  "prefixes = [ \"192.0.2.64/26\" ]; } );\n",
	  "t.conf:7: mobile_nodes[1]: mobile network prefix 192.0.2.64/26 overlaps "
	  "192.0.2.64/28 of mobile node \"r1\" (line 6)" },
	{ "prefixes_need_router", PORTS HA MN_OPEN "prefixes = [ \"2001:db8:100::/48\" ]; } );\n",
	  "t.conf:6: mobile_nodes[0].prefixes: mobile network prefixes need mobile_router = true" },
	{ "dynamic_without_pool", PORTS
	  "home_agent = { address6 = \"2001:db8:1::1\"; home_prefixes = [ \"2001:db8:1::/64\" ]; };\n"
	  MN_OPEN "hoa4 = \"dynamic\"; } );\n",
	  "t.conf:6: mobile_nodes[0].hoa4: \"dynamic\" needs home_agent.ipv4_pool" },
	{ "capacity_exceeded", PORTS HA "capacity = { bindings = 16; };\n"
	  "mobile_nodes = ( "
	  "{id=\"a\";hoa6=\"2001:db8:1::1:1\";},{id=\"b\";hoa6=\"2001:db8:1::1:2\";},"
	  "{id=\"c\";hoa6=\"2001:db8:1::1:3\";},{id=\"d\";hoa6=\"2001:db8:1::1:4\";},"
	  "{id=\"e\";hoa6=\"2001:db8:1::1:5\";},{id=\"f\";hoa6=\"2001:db8:1::1:6\";},"
	  "{id=\"g\";hoa6=\"2001:db8:1::1:7\";},{id=\"h\";hoa6=\"2001:db8:1::1:8\";},"
	  "{id=\"i\";hoa6=\"2001:db8:1::1:9\";},{id=\"j\";hoa6=\"2001:db8:1::1:a\";},"
	  "{id=\"k\";hoa6=\"2001:db8:1::1:b\";},{id=\"l\";hoa6=\"2001:db8:1::1:c\";},"
	  "{id=\"m\";hoa6=\"2001:db8:1::1:d\";},{id=\"n\";hoa6=\"2001:db8:1::1:e\";},"
	  "{id=\"o\";hoa6=\"2001:db8:1::1:f\";},{id=\"p\";hoa6=\"2001:db8:1::1:10\";},"
	  "{id=\"q\";hoa6=\"2001:db8:1::1:11\";} );\n",
	  "t.conf:7: mobile_nodes: 17 mobile nodes exceed capacity.bindings 16" },
	{ "store_relative_path", PORTS HA "store = { path = \"state.mdb\"; };\n",
	  "t.conf:6: store.path: \"state.mdb\" is not an absolute path (\"\" turns the store off)" },
	{ "store_map_too_small", PORTS HA "store = { map_mb = 1; };\n",
	  "t.conf:6: store.map_mb: 1 is out of range [16, 1048576]" },
	{ "store_unknown_key", PORTS HA "store = { fsync = true; };\n",
	  "t.conf:6: store.fsync: unknown setting" },
	{ "pair_without_store", PORTS HA "store = { path = \"\"; };\npair = { redis = \"203.0.113.225:6379\"; };\n",
	  "t.conf:7: pair.redis: a pair replicates the state store: store.path may not be \"\"" },
	{ "pair_redis_no_port", PORTS HA "pair = { redis = \"203.0.113.225\"; };\n",
	  "t.conf:6: pair.redis: \"203.0.113.225\" is neither host:port nor a unix socket path" },
	{ "pair_stream_too_short", PORTS HA "pair = { redis = \"/run/redis.sock\"; stream_max = 10; };\n",
	  "t.conf:6: pair.stream_max: 10 is out of range [1000, 100000000]" },
	{ "ike_netns_path", PORTS HA "ike = { enabled = true; netns = \"/run/netns/x\"; };\n",
	  "t.conf:6: ike.netns: \"/run/netns/x\" is not a network namespace name (ip netns)" },
	{ "ike_relay_relative", PORTS HA "ike = { enabled = true; relay = \"x.sock\"; };\n",
	  "t.conf:6: ike.relay: \"x.sock\" is neither the absolute path of a unix socket nor "
	  "file:/path" },
	{ "ike_both_sources", PORTS HA "ike = { netns = \"a\"; relay = \"/run/x.sock\"; };\n",
	  "t.conf:6: ike.relay: either netns (netlink there) or relay (a relay of another "
	  "kernel), not both" },
	{ "ike_tap_name", PORTS HA "ike = { enabled = true; tap = \"much-too-long-name\"; };\n",
	  "t.conf:6: ike.tap: \"much-too-long-name\" is not an interface name (1..15 characters)" },
	{ "pair_unknown_key", PORTS HA "pair = { redis = \"/run/redis.sock\"; password = \"x\"; };\n",
	  "t.conf:6: pair.password: unknown setting" },
};

ParameterizedTestParameters(cfg, rejects_bad_config)
{
	return cr_make_param_array(struct bad_case, bad_cases,
				   sizeof(bad_cases) / sizeof(bad_cases[0]));
}

ParameterizedTest(struct bad_case *bc, cfg, rejects_bad_config)
{
	struct cfg_status st;
	struct ha_cfg *c = load(bc->text, &st);

	cr_assert_null(c, "case %s: accepted", bc->name);
	cr_assert_geq(st.n_errors, 1);
	cr_assert_str_eq(st.errors[0], bc->msg, "case %s: got \"%s\"", bc->name, st.errors[0]);
}

Test(cfg, unreadable_file_names_the_file)
{
	struct cfg_status st;
	struct ha_cfg *c = cfg_load_file("/nonexistent/ha.conf", &st);

	cr_assert_null(c);
	cr_assert_eq(st.n_errors, 1);
	cr_assert_str_eq(st.errors[0], "/nonexistent/ha.conf: cannot read file: "
			 "No such file or directory");
}

Test(cfg, error_in_included_file_names_that_file)
{
	char dir[] = "/tmp/ha_cfg_XXXXXX", main_path[64], inc_path[64];
	struct cfg_status st;
	struct ha_cfg *c;
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(main_path, sizeof(main_path), "%s/ha.conf", dir);
	snprintf(inc_path, sizeof(inc_path), "%s/policy.conf", dir);
	f = fopen(inc_path, "w");
	cr_assert_not_null(f);
	fputs("\npolicy = { nat_refresh = 0; };\n", f);
	fclose(f);
	f = fopen(main_path, "w");
	cr_assert_not_null(f);
	fprintf(f, PORTS HA "@include \"%s\"\n", inc_path);
	fclose(f);
	c = cfg_load_file(main_path, &st);
	cr_assert_null(c);
	char want[256];
	snprintf(want, sizeof(want), "%s:2: policy.nat_refresh: 0 is out of range [1, 4294967294]",
		 inc_path);
	cr_assert_str_eq(st.errors[0], want);
	unlink(inc_path);
	unlink(main_path);
	rmdir(dir);
}

/* ---- run-time additions (dsmip-ctl mn-add / sa-add): the list-element syntax alone */

Test(cfg_text, node_text_parses_against_the_running_config)
{
	struct cfg_status st;
	struct ha_cfg *c = load(PORTS HA, &st);
	struct cfg_mn mn;

	cr_assert_not_null(c, "%s", st.errors[0]);
	cr_assert_eq(cfg_parse_mn_text(c, "{ id = \"mn7\"; hoa6 = \"2001:db8:1::700\"; "
				       "hoa4 = \"192.0.2.107\"; }", &mn, &st), 0, "%s",
		     st.errors[0]);
	cr_assert_str_eq(mn.id, "mn7");
	cr_assert_eq(mn.hoa4, inet_addr("192.0.2.107"));
	cfg_free(c);
}

static void
expect_node_refused(const char *text, const char *msg)
{
	struct cfg_status st;
	struct ha_cfg *c = load(PORTS HA, &st);
	struct cfg_mn mn;

	cr_assert_not_null(c, "%s", st.errors[0]);
	cr_assert_eq(cfg_parse_mn_text(c, text, &mn, &st), -1);
	cr_assert_eq(st.n_errors, 1);
	cr_assert_str_eq(st.errors[0], msg);
	cfg_free(c);
}

Test(cfg_text, node_text_errors_name_line_and_reason)
{
	expect_node_refused("{ id = \"mn9\";\n hoa6 = ", "mobile node:2: syntax error");
	expect_node_refused("\"mn9\"", "mobile node:1: mobile node: must be a group { ... }");
	expect_node_refused("{ id = \"mn9\"; hoa6 = \"2001:db8:77::1\"; }",
			    "mobile node:1: mobile node.hoa6: 2001:db8:77::1 is not inside any "
			    "home_agent.home_prefixes");
	expect_node_refused("{ id = \"mn9\"; hoa6 = \"2001:db8:1::9\"; hoa4 = \"192.0.2.130\"; }",
			    "mobile node:1: mobile node.hoa4: 192.0.2.130 is inside "
			    "home_agent.ipv4_pool; static addresses must be outside the dynamic "
			    "pool");
}

Test(cfg_text, sa_text_checks_key_length)
{
	struct cfg_status st;
	struct cfg_sa sa;

	struct ha_cfg lab, prod;

	cfg_defaults(&prod);
	cfg_defaults(&lab);
	lab.policy.allow_manual_gcm = true;
	cr_assert_eq(cfg_parse_sa_text(&prod, SA_SIG(0x3001, "in"), &sa, &st), 0, "%s",
		     st.errors[0]);
	cr_assert_eq(sa.spi, 0x3001);
	/* dsmip-ctl sa-add: the same rule as the file */
	cr_assert_eq(cfg_parse_sa_text(&prod, SA_GCM(0x3003, "in"), &sa, &st), -1);
	cr_assert(strstr(st.errors[0], "sa.algorithm: AES-GCM with a manual key") != NULL, "%s",
		  st.errors[0]);
	cr_assert_eq(cfg_parse_sa_text(&lab, SA_GCM(0x3003, "in"), &sa, &st), 0, "%s",
		     st.errors[0]);
	cr_assert_eq(cfg_parse_sa_text(&lab, "{ spi = 0x3002; direction = \"in\"; role = "
				       "\"signalling\"; algorithm = \"aes-128-gcm\"; key = "
				       "\"0x0102\"; }", &sa, &st), -1);
	cr_assert_str_eq(st.errors[0], "sa:1: sa.key: must be 20 bytes of hex for aes-128-gcm "
			 "(key then 4-byte salt, RFC 4106)");
}
