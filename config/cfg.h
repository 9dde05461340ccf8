/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration of the home agent: libconfig text -> plain struct ha_cfg (pure, no EAL).
 *
 * Steps (style guide §9): defaults, parse, validate. A reload builds a new struct and never
 * edits the live one; the data plane never reads this struct.
 */
#ifndef HA_CFG_H
#define HA_CFG_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

#include "ha_addr.h"

#define CFG_MAX_PORTS 16
#define CFG_NAME_MAX 32
#define CFG_DEVICE_MAX 256
#define CFG_MAX_HOME_PREFIXES 16
#define CFG_MAX_POOLS 16
#define CFG_MN_MAX_PREFIXES 8
#define CFG_MN_MAX_SAS 4           /* signalling in/out, payload in/out */
#define CFG_KEY_MAX 36             /* AES-256 key + 4-byte GCM salt (RFC 4106) */
#define CFG_AUTH_KEY_MAX 32        /* HMAC-SHA-256 */
#define CFG_ERR_MAX 64             /* errors kept; later ones are counted only */
#define CFG_MSG_MAX 320

/* Lifetimes are carried in 4-second units in a 16-bit field (RFC 6275 §6.1.7). */
#define CFG_MAX_LIFETIME_LIMIT (65535u * 4u)

/** Port roles; a bit mask so "both" is access|home. */
enum cfg_role {
	CFG_ROLE_ACCESS = 1, /**< faces the mobile nodes' care-of addresses */
	CFG_ROLE_HOME = 2,   /**< the home link: correspondents, proxy ARP/ND */
	CFG_ROLE_BOTH = 3,
};

struct cfg_port {
	char name[CFG_NAME_MAX];
	char device[CFG_DEVICE_MAX]; /**< PCI address or vdev spec "net_xxx0,k=v" */
	unsigned int role;           /**< enum cfg_role bits */
	bool has_ip4;
	bool has_ip6;
	struct ha_prefix4 ip4;       /**< interface address and on-link prefix length */
	struct ha_prefix6 ip6;
	uint16_t mtu;
	bool has_mac;                 /**< set this MAC on the port (virtual PMDs, tests) */
	uint8_t mac[6];
	int line;
};

struct cfg_route {
	int family;                  /**< AF_INET or AF_INET6 */
	struct ha_prefix4 dst4;
	struct ha_prefix6 dst6;
	uint32_t via4;               /**< network order */
	struct in6_addr via6;
	uint16_t port;               /**< index into ha_cfg.ports */
	bool has_mac;                /**< the next hop's MAC is given: a static neighbor */
	uint8_t mac[6];
	int line;
};

enum cfg_nat_detect {
	CFG_NATD_SPI,       /**< outer source recorded per signalling SPI before decryption */
	CFG_NATD_HEURISTIC, /**< outer source differs from the recorded care-of address */
};

struct cfg_policy {
	bool require_ipsec;               /**< false is lab-only: unprotected BUs accepted */
	bool allow_forced_udp;
	uint8_t forced_udp_refuse_status; /**< 144 (RFC 5555 text) or 129 */
	bool allow_tlv;
	uint32_t nat_refresh;             /**< seconds, sent in the NAT Detection option */
	uint32_t nat_grace;               /**< seconds after refresh before "stale" */
	enum cfg_nat_detect nat_detection;
	uint32_t max_lifetime;            /**< seconds */
	bool dad;                         /**< Duplicate Address Detection before first BA */
	uint32_t dad_timeout_ms;
	bool mobile_routers;              /**< NEMO (RFC 3963) support */
	uint32_t binding_error_rate;      /**< Binding Errors per second, at most */
	uint32_t icmp_error_rate;         /**< ICMP errors per second per lcore, at most */
	bool allow_manual_gcm;            /**< lab only: AES-GCM SAs with keys from the file */
	bool revocation;                  /**< mn-del and flush send a BRI (RFC 5846) */
	uint8_t revocation_retries;       /**< BRI retransmissions without a BRA */
};

struct cfg_capacity {
	uint32_t bindings;
	uint32_t sas;
	uint32_t prefixes;
};

struct cfg_dataplane {
	uint16_t burst;
	uint32_t mbufs;     /**< 0: sized from ports, queues and descriptors */
	uint16_t rx_desc;
	uint16_t tx_desc;
	uint32_t punt_ring; /**< entries of each worker -> control plane ring (two: signalling
			     *   and the rest) */
	uint32_t punt_rate; /**< non-signalling punts per second, per kind and worker */
	uint32_t esp_ring;  /**< entries of each worker's ring of ESP steered to it by SPI */
	char crypto_device[CFG_DEVICE_MAX]; /**< cryptodev for rte_ipsec (CPU crypto) */
};

/** The local state store (restarts keep bindings): LMDB, written once per control loop. */
struct cfg_store {
	char path[PATH_MAX];          /**< "" when off */
	uint32_t map_mb;              /**< the most it may grow to (a sparse file) */
	uint32_t sync_ms;             /**< written to disk this often; a process crash loses
				       *   nothing, a power loss at most this much (0: every
				       *   commit synchronous) */
};

/**
 * An active/standby pair (enabled when redis is set): the active streams the state store's
 * changes to Redis, the standby applies them and stays silent; keepalived switches roles
 * through dsmip-ctl.
 */
/** Keying by an IKE daemon: where its XFRM database is read (cp_ike_src.c). */
struct cfg_ike {
	bool enabled;
	char netns[CFG_NAME_MAX];     /**< the IKE daemon's network namespace ("": ours) */
	char relay[CFG_NAME_MAX + 64]; /**< a unix socket where a relay streams the XFRM
				       *   messages of another kernel ("": netlink here) */
	char tap[16];                 /**< the exception interface (DPDK net_tap) IKE goes
				       *   through to charon ("": IKE to us is dropped) */
};

/** The home link's own protocol (R6275 §7, §10.5): router advertisements as a home agent. */
struct cfg_home_link {
	bool advertise;               /**< RAs with the H bit from the home ports */
	uint32_t interval_ms;         /**< MaxRtrAdvInterval; RAs go every 75-100 % of it */
	uint16_t router_lifetime;     /**< seconds; 0: not a default router */
	int16_t ha_preference;        /**< Home Agent Information option, and DHAAD's order */
	uint16_t ha_lifetime;         /**< seconds */
	bool load_following;          /**< the preference falls with the binding cache's
				       *   occupancy (cp_hl_preference) */
};

struct cfg_pair {
	char redis[CFG_NAME_MAX + 64]; /**< "host:port" or a unix socket path; "" when off */
	char prefix[CFG_NAME_MAX];    /**< Redis key prefix shared by the pair */
	char liveness[16];            /**< a TAP interface held while the process lives ("")*/
	uint32_t stream_max;          /**< change stream entries Redis keeps (then a resync) */
	uint32_t queue;               /**< changes waiting for Redis (beyond: a resync) */
};

enum cfg_sa_dir { CFG_SA_IN, CFG_SA_OUT };
/** Where an SA came from (telemetry). */
enum cfg_sa_origin { CFG_SA_FROM_CONFIG, CFG_SA_FROM_CTL, CFG_SA_FROM_IKE };
enum cfg_sa_role { CFG_SA_SIGNALLING, CFG_SA_PAYLOAD };

enum cfg_sa_alg {
	CFG_ALG_NULL,                 /**< NULL cipher, NULL auth: tests only */
	CFG_ALG_AES128_GCM,           /**< RFC 4106, 16-byte ICV */
	CFG_ALG_AES256_GCM,
	CFG_ALG_AES128_CBC_SHA1,      /**< HMAC-SHA1-96 */
	CFG_ALG_AES128_CBC_SHA256,    /**< HMAC-SHA-256-128 */
};

struct cfg_sa {
	uint32_t spi;                 /**< host order */
	enum cfg_sa_dir dir;
	enum cfg_sa_role role;
	enum cfg_sa_alg alg;
	uint8_t key_len;
	uint8_t auth_key_len;
	uint8_t key[CFG_KEY_MAX];     /**< cipher key, then the 4-byte salt for GCM */
	uint8_t auth_key[CFG_AUTH_KEY_MAX];
	uint32_t replay_window;       /**< packets; 0 disables anti-replay */
	bool esn;
	int line;
	uint8_t origin;               /**< enum cfg_sa_origin */
	uint32_t ike_lifetime_s;      /**< IKE: the kernel's hard lifetime from installation
				       *   (charon rekeys before it; 0: none or not IKE) */
	uint64_t seq_start;           /**< not from the file: where a restart resumes (0: fresh);
				       *   outbound the first sequence number, inbound the
				       *   replay window's edge (cp_store.h) */
};

enum cfg_hoa4_mode {
	CFG_HOA4_NONE,    /**< the mobile node has no IPv4 home address */
	CFG_HOA4_STATIC,
	CFG_HOA4_DYNAMIC, /**< allocated from home_agent.ipv4_pool on request */
};

struct cfg_mn {
	char id[CFG_NAME_MAX];
	uint32_t count;               /**< a block of count nodes: id0.., hoa6 + k, ... (1: one) */
	struct in6_addr hoa6;
	enum cfg_hoa4_mode hoa4_mode;
	uint32_t hoa4;                /**< network order, CFG_HOA4_STATIC only */
	bool mobile_router;
	bool ipv4_prefix;             /**< may request an IPv4 prefix (IPv4 HoA option P flag) */
	uint8_t n_prefixes6;
	uint8_t n_prefixes4;
	uint8_t n_sas;
	struct ha_prefix6 prefixes6[CFG_MN_MAX_PREFIXES]; /**< NEMO prefixes (implicit mode) */
	struct ha_prefix4 prefixes4[CFG_MN_MAX_PREFIXES];
	struct cfg_sa sas[CFG_MN_MAX_SAS];
	int line;
};

struct cfg_home_agent {
	bool has_addr4;
	uint32_t addr4;               /**< network order */
	struct in6_addr addr6;
	uint8_t n_prefixes6;
	uint8_t n_prefixes4;
	uint8_t n_pools;
	struct ha_prefix6 prefixes6[CFG_MAX_HOME_PREFIXES]; /**< home subnet prefixes */
	struct ha_prefix4 prefixes4[CFG_MAX_HOME_PREFIXES]; /**< IPv4 home prefixes */
	struct ha_prefix4 pools[CFG_MAX_POOLS];             /**< dynamic IPv4 HoA pool */
	uint32_t ipv4_lease;          /**< seconds */
};

struct ha_cfg {
	char path[PATH_MAX];
	unsigned int n_ports;
	struct cfg_port ports[CFG_MAX_PORTS];
	unsigned int n_routes;
	struct cfg_route *routes;
	struct cfg_home_agent ha;
	struct cfg_policy policy;
	struct cfg_capacity cap;
	struct cfg_dataplane dp;
	struct cfg_store store;
	struct cfg_pair pair;
	struct cfg_ike ike;
	struct cfg_home_link home_link;
	unsigned int n_mns;
	struct cfg_mn *mns;
};

/** Errors of one load, each "file:line: setting: reason". */
struct cfg_status {
	unsigned int n_errors;        /**< may exceed CFG_ERR_MAX; only the first are kept */
	unsigned int n_warnings;
	char errors[CFG_ERR_MAX][CFG_MSG_MAX];
};

/** Fill every setting with its documented default. */
void cfg_defaults(struct ha_cfg *cfg);

/**
 * Load and validate a config file.
 * @return a new struct ha_cfg, or NULL with st->n_errors > 0.
 */
struct ha_cfg *cfg_load_file(const char *path, struct cfg_status *st);

/** As cfg_load_file, from text; name stands in for the file name in messages. */
struct ha_cfg *cfg_load_string(const char *text, const char *name, struct cfg_status *st);

void cfg_free(struct ha_cfg *cfg);

/** Print every error kept in st, one per line. */
void cfg_status_print(const struct cfg_status *st, FILE *f);

/** @return index of the port with that name, or -1. */
int cfg_port_find(const struct ha_cfg *cfg, const char *name);

const char *cfg_role_name(unsigned int role);
const char *cfg_alg_name(enum cfg_sa_alg alg);

/**
 * Node k (0 <= k < count) of the block m: id followed by k, home addresses and SPIs plus k
 * (a block of one is m itself). The loader checked that the whole block is valid.
 */
void cfg_mn_instance(const struct cfg_mn *m, uint32_t k, struct cfg_mn *out);

/**
 * One mobile node, or one SA, written as in the config file's lists ("{ id = ...; }"),
 * checked against cfg as the loader checks a file (run-time additions by dsmip-ctl).
 * @return 0, or -1 with the reasons in st.
 */
int cfg_parse_mn_text(const struct ha_cfg *cfg, const char *text, struct cfg_mn *out,
		      struct cfg_status *st);
int cfg_parse_sa_text(const struct ha_cfg *cfg, const char *text, struct cfg_sa *out,
		      struct cfg_status *st);

/** Manually keyed AES-GCM SAs of cfg (blocks counted per node): only with
 *  policy.allow_manual_gcm, which logs a warning naming this number. */
uint64_t cfg_manual_gcm_sas(const struct ha_cfg *cfg);

/** Mobile nodes in all blocks of cfg. */
uint64_t cfg_mn_total(const struct ha_cfg *cfg);
const char *cfg_natd_name(enum cfg_nat_detect m);

#endif /* HA_CFG_H */
