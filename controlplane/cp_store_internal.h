/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inside the state store (cp_store.c: open, flush, start; cp_store_rec.c: the record
 * formats and the readers of any thread): the records as LMDB holds them, and the store.
 */
#ifndef CP_STORE_INTERNAL_H
#define CP_STORE_INTERNAL_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <lmdb.h>

#include "cp_store.h"
#include "ha_addr.h"

#define STORE_MAGIC 0x44534d4950484131ull   /* "DSMIPHA1" */
#define FLUSH_MAX 65536                       /* records per transaction */
#define KEY_MAX (2 + CFG_NAME_MAX)

/* The format version is checked at open: a change of these layouts changes it. */
struct meta_rec {
	uint64_t magic;
	uint32_t format;
	uint32_t pad;
	uint64_t created_wall_ms;
};

/* A binding, times as wall clock (ms since the epoch); followed by n6 struct ha_prefix6 and
 * n4 struct ha_prefix4 (most nodes have none: 96 bytes). */
struct bind_rec {
	uint8_t state;                /* ACTIVE or HOLD */
	uint8_t fmt;
	uint8_t flags;                /* BR_* */
	uint8_t hoa4_plen;
	uint8_t v4pfx_len;
	uint8_t n6;
	uint8_t n4;
	uint8_t pad;
	uint16_t last_seq;
	uint16_t port;
	uint16_t esp_port;
	uint16_t lifetime;
	uint32_t coa4;
	uint32_t hoa4;
	uint32_t v4pfx;
	struct in6_addr coa6;
	struct in6_addr hoa6;         /* the node's, to tell a changed node from the same one */
	uint64_t created_wall_ms;
	uint64_t last_bu_wall_ms;
	uint64_t expires_wall_ms;
	uint64_t hold_until_wall_ms;
};

#define BIND_REC_MAX (sizeof(struct bind_rec) + CFG_MN_MAX_PREFIXES * \
		      (sizeof(struct ha_prefix6) + sizeof(struct ha_prefix4)))

enum {
	BR_SEQ_VALID = 1, BR_NAT = 2, BR_FORCED_UDP = 4, BR_TLV = 8, BR_MR = 16, BR_HOA4 = 32,
	BR_HOA4_DYN = 64, BR_V4PFX = 128,
};

struct sa_rec {
	uint64_t mark;
	uint64_t ahead;               /* outbound: how far the reservation runs ahead of use */
};

struct sa_pending {
	uint32_t spi;
	uint8_t dir;
	uint64_t mark;
	uint64_t ahead;
};

struct store_key {
	uint8_t len;
	char b[KEY_MAX];
};

struct cp_store {
	MDB_env *env;
	bool env_open;
	MDB_dbi dbi;
	char path[4096];
	uint32_t sync_ms;
	pthread_t syncer;
	bool syncer_on;
	volatile bool stop;
	uint32_t *slots;              /* scratch for cp_changes_take */
	char (*gone)[CFG_NAME_MAX];
	struct sa_pending *sa;        /* SA marks waiting for the next flush */
	uint32_t n_sa;
	uint32_t cap_sa;
	struct cp_store_info info;
	volatile uint64_t last_sync_wall_ms;
	cp_store_tap_fn tap;          /* told every key a commit wrote (the pair) */
	void *tap_arg;
	struct store_key *tapped;
	uint32_t n_tapped;
	uint32_t cap_tapped;
	bool tap_lost;
};

static inline uint64_t
wall_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* ------------------------------------------------------------------ keys */

static inline MDB_val
key_of(char *buf, char kind, const char *id)
{
	int n = snprintf(buf, KEY_MAX, "%c/%s", kind, id);

	return (MDB_val){ .mv_size = (size_t)n, .mv_data = buf };
}

static inline MDB_val
sa_key(char *buf, uint32_t spi, uint8_t dir)
{
	buf[0] = 's';
	buf[1] = '/';
	memcpy(buf + 2, &spi, 4);
	buf[6] = (char)dir;
	return (MDB_val){ .mv_size = 7, .mv_data = buf };
}

/* The record of binding b into buf (BIND_REC_MAX bytes). @return its length. */
size_t cp_store_rec_from(uint8_t *buf, const struct cp_mn *m, const struct cp_bind *b,
			 uint64_t now_ms, uint64_t wall_ms);
/* The binding of the record in v (len bytes) as the control plane holds it, at its clock
 * now_ms; mnp points at *mnp. @return -EINVAL for a record of the wrong length. */
int cp_store_rec_to(const uint8_t *v, size_t len, struct cp_bind *b,
		    struct cp_mn_prefixes *mnp, uint64_t now_ms, uint64_t wall_ms);

#endif /* CP_STORE_INTERNAL_H */
