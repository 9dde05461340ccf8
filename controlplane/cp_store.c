/* SPDX-License-Identifier: BSD-3-Clause */
/* The local state store on LMDB (see cp_store.h). */
#include <errno.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lmdb.h>
#include <rte_common.h>

#include "cp_store.h"
#include "ha_addr.h"
#include "ha_log.h"

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
};

struct sa_pending {
	uint32_t spi;
	uint8_t dir;
	uint64_t mark;
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
};

static uint64_t
wall_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* ------------------------------------------------------------------ keys */

static MDB_val
key_of(char *buf, char kind, const char *id)
{
	int n = snprintf(buf, KEY_MAX, "%c/%s", kind, id);

	return (MDB_val){ .mv_size = (size_t)n, .mv_data = buf };
}

static MDB_val
sa_key(char *buf, uint32_t spi, uint8_t dir)
{
	buf[0] = 's';
	buf[1] = '/';
	memcpy(buf + 2, &spi, 4);
	buf[6] = (char)dir;
	return (MDB_val){ .mv_size = 7, .mv_data = buf };
}

/* ------------------------------------------------------------------ open */

/* Write the disk copy up to date every sync_ms: commits only reach the page cache. */
static void *
syncer_main(void *arg)
{
	struct cp_store *s = arg;

	while (!s->stop) {
		usleep(s->sync_ms * 1000u);
		if (mdb_env_sync(s->env, 1) == 0)
			s->last_sync_wall_ms = wall_now_ms();
	}
	return NULL;
}

/*
 * A file (and its -lock) rather than a directory; no thread-local reader slots (one thread
 * reads). sync_ms > 0: a commit goes to the page cache only (a crash of the process loses
 * nothing), the syncer writes it out every sync_ms; 0: every commit is on disk when it
 * returns (one fsync per control-loop pass that changed something).
 */
static unsigned int
env_flags(uint32_t sync_ms)
{
	return MDB_NOSUBDIR | MDB_NOTLS | MDB_WRITEMAP | (sync_ms > 0 ? MDB_NOSYNC : 0);
}

/* What LMDB answers about a file it cannot trust. */
static bool
lmdb_damage(int rc)
{
	return rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH || rc == MDB_CORRUPTED ||
	       rc == MDB_PAGE_NOTFOUND;
}

static int
env_open(struct cp_store *s, uint32_t map_mb, uint32_t sync_ms)
{
	int rc = mdb_env_create(&s->env);

	if (rc == 0)
		rc = mdb_env_set_mapsize(s->env, (size_t)map_mb << 20);
	if (rc == 0)
		rc = mdb_env_open(s->env, s->path, env_flags(sync_ms), 0600);
	s->env_open = rc == 0;
	return rc;
}

static int
meta_check(struct cp_store *s, bool discard, char *err, size_t errlen)
{
	struct meta_rec m = { .magic = STORE_MAGIC, .format = CP_STORE_FORMAT,
			      .created_wall_ms = wall_now_ms() };
	struct meta_rec found;
	MDB_val k = { 4, (void *)"meta" }, v;
	MDB_txn *t;
	int rc;

	rc = mdb_txn_begin(s->env, NULL, 0, &t);
	if (rc != 0)
		goto fail;
	rc = mdb_dbi_open(t, NULL, 0, &s->dbi);
	if (rc == 0)
		rc = mdb_get(t, s->dbi, &k, &v);
	memset(&found, 0, sizeof(found));
	if (rc == 0 && v.mv_size == sizeof(found))
		memcpy(&found, v.mv_data, sizeof(found));   /* values carry no alignment */
	if (rc == 0 && (v.mv_size != sizeof(found) || found.magic != STORE_MAGIC ||
			found.format != CP_STORE_FORMAT)) {
		if (!discard) {
			snprintf(err, errlen, "%s: a state store of another format (%u; this home "
				 "agent writes %u): start with --discard-state to begin empty", s->path,
				 found.format, CP_STORE_FORMAT);
			mdb_txn_abort(t);
			return -EINVAL;
		}
		CP_AUDIT("state store %s: another format, discarded (--discard-state)", s->path);
		rc = mdb_drop(t, s->dbi, 0);
		if (rc == 0)
			rc = MDB_NOTFOUND;
	} else if (rc == 0 && discard) {
		CP_AUDIT("state store %s: discarded (--discard-state)", s->path);
		rc = mdb_drop(t, s->dbi, 0);
		if (rc == 0)
			rc = MDB_NOTFOUND;
	}
	if (rc == MDB_NOTFOUND)
		rc = mdb_put(t, s->dbi, &k, &(MDB_val){ sizeof(m), &m }, 0);
	if (rc != 0) {
		mdb_txn_abort(t);
		goto fail;
	}
	rc = mdb_txn_commit(t);
	if (rc == 0)
		return 0;
fail:
	snprintf(err, errlen, "%s: %s%s", s->path, mdb_strerror(rc), discard ? "" :
		 " (a damaged state store: start with --discard-state to begin empty)");
	return lmdb_damage(rc) ? -EBADMSG : -EIO;
}

/*
 * A file shorter than the pages its own meta page counts (cut by a full disk, a copy that
 * stopped, a damaged filesystem) would be read through the map past its end: SIGBUS. It is
 * refused as damaged before anything is read.
 */
static int
length_check(struct cp_store *s, char *err, size_t errlen)
{
	MDB_envinfo ei;
	MDB_stat ms;
	struct stat st;
	uint64_t need;

	if (mdb_env_info(s->env, &ei) != 0 || mdb_env_stat(s->env, &ms) != 0 ||
	    stat(s->path, &st) != 0)
		return 0;   /* nothing to compare: LMDB's own checks stand */
	need = ((uint64_t)ei.me_last_pgno + 1) * ms.ms_psize;
	if ((uint64_t)st.st_size >= need)
		return 0;
	snprintf(err, errlen, "%s: damaged: %jd bytes, its index needs %ju (start with "
		 "--discard-state to begin empty)", s->path, (intmax_t)st.st_size, (uintmax_t)need);
	return -EIO;
}

struct cp_store *
cp_store_open(const char *path, uint32_t map_mb, uint32_t sync_ms, bool discard, char *err,
	      size_t errlen)
{
	struct cp_store *s = calloc(1, sizeof(*s));
	char lock[4200];
	unsigned int attempt;
	bool damaged;
	int rc;

	if (s == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	snprintf(s->path, sizeof(s->path), "%s", path);
	s->sync_ms = sync_ms;
	s->slots = malloc(sizeof(*s->slots) * FLUSH_MAX);
	s->gone = malloc(sizeof(*s->gone) * FLUSH_MAX);
	if (s->slots == NULL || s->gone == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	/* at most twice: a damaged file, when the operator asked to start empty, goes */
	for (attempt = 0;; attempt++) {
		rc = env_open(s, map_mb, sync_ms);
		damaged = lmdb_damage(rc) || (rc == 0 && length_check(s, err, errlen) != 0);
		if (rc != 0 && !damaged) {
			snprintf(err, errlen, "%s: %s", path, mdb_strerror(rc));
			goto fail;
		}
		if (!damaged) {
			rc = meta_check(s, discard, err, errlen);
			if (rc == 0)
				break;
			if (rc != -EBADMSG)
				goto fail;   /* another format, or I/O: err says */
			damaged = true;
		}
		if (rc != 0 && lmdb_damage(rc))
			snprintf(err, errlen, "%s: %s (damaged, or not a state store: start with "
				 "--discard-state to begin empty)", path, mdb_strerror(rc));
		if (!discard || attempt > 0)
			goto fail;
		/* the operator asked to start empty */
		mdb_env_close(s->env);
		s->env = NULL;
		s->env_open = false;
		snprintf(lock, sizeof(lock), "%s-lock", path);
		unlink(path);
		unlink(lock);
		CP_AUDIT("state store %s: damaged, discarded (--discard-state)", path);
	}
	snprintf(s->info.path, sizeof(s->info.path), "%s", path);
	return s;
fail:
	cp_store_close(s);
	return NULL;
}

int
cp_store_syncer_start(struct cp_store *s)
{
	if (s == NULL || s->sync_ms == 0 || s->syncer_on)
		return 0;
	if (pthread_create(&s->syncer, NULL, syncer_main, s) != 0)
		return -EAGAIN;
	s->syncer_on = true;
	return 0;
}

void
cp_store_close(struct cp_store *s)
{
	if (s == NULL)
		return;
	if (s->syncer_on) {
		s->stop = true;
		pthread_join(s->syncer, NULL);
	}
	if (s->env != NULL) {
		if (s->env_open)
			mdb_env_sync(s->env, 1);   /* a clean stop leaves everything on disk */
		mdb_env_close(s->env);
	}
	free(s->slots);
	free(s->gone);
	free(s->sa);
	free(s);
}

/* ------------------------------------------------------------------ records */

/* The record of binding b into buf (BIND_REC_MAX bytes). @return its length. */
static size_t
rec_from(uint8_t *buf, const struct cp_mn *m, const struct cp_bind *b, uint64_t now_ms,
	 uint64_t wall_ms)
{
	struct bind_rec *r = (struct bind_rec *)buf;
	uint64_t off = wall_ms - now_ms;
	size_t len = sizeof(*r);

	memset(r, 0, sizeof(*r));
	r->state = b->state;
	r->fmt = b->fmt;
	r->flags = (uint8_t)((b->seq_valid ? BR_SEQ_VALID : 0) | (b->nat ? BR_NAT : 0) |
			     (b->forced_udp ? BR_FORCED_UDP : 0) | (b->tlv ? BR_TLV : 0) |
			     (b->mr ? BR_MR : 0) | (b->has_hoa4 ? BR_HOA4 : 0) |
			     (b->hoa4_dynamic ? BR_HOA4_DYN : 0) | (b->has_v4pfx ? BR_V4PFX : 0));
	r->hoa4_plen = b->hoa4_plen;
	r->v4pfx_len = b->v4pfx_len;
	r->last_seq = b->last_seq;
	r->port = b->port;
	r->esp_port = b->esp_port;
	r->lifetime = b->lifetime;
	r->coa4 = b->coa4;
	r->hoa4 = b->hoa4;
	r->v4pfx = b->v4pfx;
	r->coa6 = b->coa6;
	r->hoa6 = m->hoa6;
	r->created_wall_ms = b->created_ms + off;
	r->last_bu_wall_ms = b->last_bu_ms + off;
	r->expires_wall_ms = b->expires_ms + off;
	r->hold_until_wall_ms = b->hold_until_ms + off;
	if (b->mnp != NULL) {
		r->n6 = (uint8_t)RTE_MIN(b->mnp->n6, CFG_MN_MAX_PREFIXES);
		r->n4 = (uint8_t)RTE_MIN(b->mnp->n4, CFG_MN_MAX_PREFIXES);
		memcpy(buf + len, b->mnp->p6, r->n6 * sizeof(struct ha_prefix6));
		len += r->n6 * sizeof(struct ha_prefix6);
		memcpy(buf + len, b->mnp->p4, r->n4 * sizeof(struct ha_prefix4));
		len += r->n4 * sizeof(struct ha_prefix4);
	}
	return len;
}

/*
 * The binding of the record in v (len bytes) as the control plane holds it, at its clock
 * now_ms; mnp points at *mnp. @return -EINVAL for a record of the wrong length.
 */
static int
rec_to(const uint8_t *v, size_t len, struct cp_bind *b, struct cp_mn_prefixes *mnp,
       uint64_t now_ms, uint64_t wall_ms)
{
	struct bind_rec rec, *r = &rec;
	int64_t off = (int64_t)now_ms - (int64_t)wall_ms;

	if (len < sizeof(rec))
		return -EINVAL;
	memcpy(&rec, v, sizeof(rec));
	if (rec.n6 > CFG_MN_MAX_PREFIXES || rec.n4 > CFG_MN_MAX_PREFIXES ||
	    len != sizeof(rec) + rec.n6 * sizeof(struct ha_prefix6) +
		   rec.n4 * sizeof(struct ha_prefix4))
		return -EINVAL;

	memset(b, 0, sizeof(*b));
	b->state = r->state;
	b->fmt = r->fmt;
	b->seq_valid = r->flags & BR_SEQ_VALID;
	b->nat = r->flags & BR_NAT;
	b->forced_udp = r->flags & BR_FORCED_UDP;
	b->tlv = r->flags & BR_TLV;
	b->mr = r->flags & BR_MR;
	b->has_hoa4 = r->flags & BR_HOA4;
	b->hoa4_dynamic = r->flags & BR_HOA4_DYN;
	b->has_v4pfx = r->flags & BR_V4PFX;
	b->v4pfx_dynamic = b->has_v4pfx;   /* a delegated prefix comes from the pool */
	b->hoa4_plen = r->hoa4_plen;
	b->v4pfx_len = r->v4pfx_len;
	b->last_seq = r->last_seq;
	b->port = r->port;
	b->esp_port = r->esp_port;
	b->lifetime = r->lifetime;
	b->coa4 = r->coa4;
	b->hoa4 = r->hoa4;
	b->v4pfx = r->v4pfx;
	b->coa6 = r->coa6;
	b->created_ms = (uint64_t)RTE_MAX((int64_t)r->created_wall_ms + off, 0);
	b->last_bu_ms = (uint64_t)RTE_MAX((int64_t)r->last_bu_wall_ms + off, 0);
	b->expires_ms = (uint64_t)RTE_MAX((int64_t)r->expires_wall_ms + off, 0);
	b->hold_until_ms = (uint64_t)RTE_MAX((int64_t)r->hold_until_wall_ms + off, 0);
	b->keepalive_ms = now_ms;     /* freshness starts again: the NAT had no news of us */
	if (r->n6 > 0 || r->n4 > 0) {
		memset(mnp, 0, sizeof(*mnp));
		mnp->n6 = r->n6;
		mnp->n4 = r->n4;
		memcpy(mnp->p6, v + sizeof(rec), r->n6 * sizeof(struct ha_prefix6));
		memcpy(mnp->p4, v + sizeof(rec) + r->n6 * sizeof(struct ha_prefix6),
		       r->n4 * sizeof(struct ha_prefix4));
		b->mnp = mnp;
	}
	return 0;
}

/* ------------------------------------------------------------------ flush */

static int
put_or_del(struct cp_store *s, MDB_txn *t, MDB_val *k, const void *v, size_t len)
{
	int rc = v != NULL ? mdb_put(t, s->dbi, k, &(MDB_val){ len, (void *)v }, 0) :
			     mdb_del(t, s->dbi, k, NULL);

	if (rc == MDB_NOTFOUND)
		rc = 0;
	if (rc == 0)
		s->info.written++;
	return rc;
}

/* The records of node slot i as they are now: its binding, its description if run-time. */
static int
write_node(struct cp_store *s, MDB_txn *t, struct cp *cp, uint32_t i, uint64_t now_ms,
	   uint64_t wall_ms)
{
	struct cp_mn *m = cp_mndb_get(cp_mndb(cp), i);
	const struct cp_bind *b = cp_bind_get(cp, i);
	const struct cfg_mn *rt = cp_mn_rt_cfg(cp, i);
	char kb[KEY_MAX];
	MDB_val k;
	int rc;

	if (m == NULL)
		return 0;   /* gone since: its id was in the gone list */
	k = key_of(kb, 'n', m->id);
	rc = put_or_del(s, t, &k, rt, sizeof(*rt));
	k = key_of(kb, 'b', m->id);
	if (rc == 0 && (b->state == CP_BIND_ACTIVE ||
			(b->state == CP_BIND_HOLD && b->seq_valid))) {
		uint8_t r[BIND_REC_MAX] __rte_aligned(8);

		rc = put_or_del(s, t, &k, r, rec_from(r, m, b, now_ms, wall_ms));
	} else if (rc == 0) {
		rc = put_or_del(s, t, &k, NULL, 0);
	}
	return rc;
}

int
cp_store_flush(struct cp_store *s, struct cp *cp, uint64_t now_ms, uint64_t wall_ms)
{
	uint32_t n_gone, n, i;
	char kb[KEY_MAX];
	MDB_txn *t;
	MDB_val k;
	int rc, written = 0;

	if (s == NULL)
		return 0;
	n_gone = cp != NULL ? cp_gone_take(cp, s->gone, FLUSH_MAX) : 0;
	n = cp != NULL ? cp_changes_take(cp, s->slots, FLUSH_MAX) : 0;
	if (n_gone == 0 && n == 0 && s->n_sa == 0)
		return 0;
	rc = mdb_txn_begin(s->env, NULL, 0, &t);
	/* nodes gone first: a slot may hold a new node of the same id by now */
	for (i = 0; rc == 0 && i < n_gone; i++) {
		k = key_of(kb, 'n', s->gone[i]);
		rc = put_or_del(s, t, &k, NULL, 0);
		k = key_of(kb, 'b', s->gone[i]);
		if (rc == 0)
			rc = put_or_del(s, t, &k, NULL, 0);
	}
	for (i = 0; rc == 0 && i < n; i++)
		rc = write_node(s, t, cp, s->slots[i], now_ms, wall_ms);
	for (i = 0; rc == 0 && i < s->n_sa; i++) {
		struct sa_rec r = { s->sa[i].mark };

		k = sa_key(kb, s->sa[i].spi, s->sa[i].dir);
		rc = put_or_del(s, t, &k, &r, sizeof(r));
	}
	written = (int)(n_gone + n + s->n_sa);
	s->n_sa = 0;
	if (rc == 0)
		rc = mdb_txn_commit(t);
	else
		mdb_txn_abort(t);
	if (rc != 0) {
		s->info.errors++;
		CP_LOG(ERR, "state store %s: %s: %d changes not stored", s->path, mdb_strerror(rc),
		       written);
		return -EIO;
	}
	s->info.commits++;
	s->info.last_commit_ms = now_ms;
	return written;
}

void
cp_store_sa_mark(struct cp_store *s, uint32_t spi, uint8_t dir, uint64_t mark)
{
	if (s == NULL)
		return;
	if (s->n_sa == s->cap_sa) {
		uint32_t cap = s->cap_sa != 0 ? 2 * s->cap_sa : 256;
		struct sa_pending *p = realloc(s->sa, sizeof(*p) * cap);

		if (p == NULL)
			return;   /* the next sweep marks it again */
		s->sa = p;
		s->cap_sa = cap;
	}
	s->sa[s->n_sa++] = (struct sa_pending){ spi, dir, mark };
}

/* ------------------------------------------------------------------ start */

/* The highest mark of spi/dir: waiting for the next flush, or stored. 0: none. */
static uint64_t
sa_mark_read(struct cp_store *s, MDB_txn *t, uint32_t spi, uint8_t dir)
{
	char kb[KEY_MAX];
	MDB_val key = sa_key(kb, spi, dir), v;
	uint64_t mark = 0;
	uint32_t i;

	/* LMDB values carry no alignment: copied, never read in place */
	if (mdb_get(t, s->dbi, &key, &v) == 0 && v.mv_size == sizeof(struct sa_rec))
		memcpy(&mark, (const uint8_t *)v.mv_data + offsetof(struct sa_rec, mark),
		       sizeof(mark));
	for (i = 0; i < s->n_sa; i++)
		if (s->sa[i].spi == spi && s->sa[i].dir == dir && s->sa[i].mark > mark)
			mark = s->sa[i].mark;
	return mark;
}

/* @return how many marks were found */
static uint32_t
sa_starts_mn(struct cp_store *s, MDB_txn *t, struct cfg_mn *m)
{
	uint32_t i, k, found = 0;

	/* a block's SAs are SPI + k: each node of the block has its own record, the block
	 * starts from the highest (a reservation is an upper bound) */
	for (i = 0; i < m->n_sas; i++) {
		for (k = 0; k < m->count; k++) {
			uint64_t mark = sa_mark_read(s, t, m->sas[i].spi + k, (uint8_t)m->sas[i].dir);

			if (mark > m->sas[i].seq_start)
				m->sas[i].seq_start = mark;
			found += mark != 0;
			if (m->count > 64)
				break;   /* large blocks: the first node's mark stands */
		}
	}
	return found;
}

void
cp_store_sa_starts(struct cp_store *s, struct ha_cfg *cfg)
{
	MDB_txn *t;
	uint32_t e;

	if (s == NULL || mdb_txn_begin(s->env, NULL, MDB_RDONLY, &t) != 0)
		return;
	for (e = 0; e < cfg->n_mns; e++)
		s->info.restored.sas += sa_starts_mn(s, t, &cfg->mns[e]);
	mdb_txn_abort(t);
}

void
cp_store_sa_starts_mn(struct cp_store *s, struct cfg_mn *m)
{
	MDB_txn *t;

	if (s == NULL || mdb_txn_begin(s->env, NULL, MDB_RDONLY, &t) != 0)
		return;
	(void)sa_starts_mn(s, t, m);
	mdb_txn_abort(t);
}

/* Run-time nodes of the store, added again unless the file names their id now. */
static void
restore_rt(struct cp_store *s, MDB_txn *t, MDB_cursor *c, struct cp *cp,
	   struct cp_store_restored *r)
{
	MDB_val k = { 2, (void *)"n/" }, v;
	int rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);

	for (; rc == 0 && k.mv_size > 2 && memcmp(k.mv_data, "n/", 2) == 0;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		struct cfg_mn mn;
		int e;

		if (v.mv_size != sizeof(mn))
			continue;
		memcpy(&mn, v.mv_data, sizeof(mn));
		if (cp_mndb_find_id(cp_mndb(cp), mn.id) != NULL)
			continue;   /* the file has it now: the file wins */
		r->sas += sa_starts_mn(s, t, &mn);
		e = cp_mn_add_rt(cp, &mn, NULL);
		if (e == 0) {
			r->runtime_nodes++;
			CP_AUDIT("mobile node %s (added at run time) restored", mn.id);
		} else {
			CP_LOG(ERR, "state store: run-time node %s not added again: %s", mn.id,
			       strerror(-e));
		}
	}
}

int
cp_store_restore(struct cp_store *s, struct cp *cp, uint64_t now_ms, uint64_t wall_ms,
		 struct cp_store_restored *r)
{
	uint64_t t0 = wall_now_ms();
	char kb[KEY_MAX], a[HA_ADDR_STRLEN];
	MDB_cursor *c;
	MDB_txn *t;
	MDB_val k, v;
	int rc;

	memset(r, 0, sizeof(*r));
	if (s == NULL)
		return 0;
	r->sas = s->info.restored.sas;
	rc = mdb_txn_begin(s->env, NULL, 0, &t);
	if (rc == 0)
		rc = mdb_cursor_open(t, s->dbi, &c);
	if (rc != 0) {
		CP_LOG(ERR, "state store %s: %s", s->path, mdb_strerror(rc));
		return -EIO;
	}
	restore_rt(s, t, c, cp, r);
	k = (MDB_val){ 2, (void *)"b/" };
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	     rc == 0 && k.mv_size > 2 && memcmp(k.mv_data, "b/", 2) == 0;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		char id[CFG_NAME_MAX];
		struct cp_mn_prefixes mnp;
		struct bind_rec rec;
		struct cp_bind b;
		struct cp_mn *m;
		bool drop = false;

		snprintf(id, sizeof(id), "%.*s", (int)(k.mv_size - 2), (const char *)k.mv_data + 2);
		m = cp_mndb_find_id(cp_mndb(cp), id);
		if (rec_to(v.mv_data, v.mv_size, &b, &mnp, now_ms, wall_ms) != 0) {
			CP_LOG(WARNING, "state store: record b/%s damaged, dropped", id);
			drop = true;
		} else {
			memcpy(&rec, v.mv_data, sizeof(rec));
			if (m == NULL || memcmp(&m->hoa6, &rec.hoa6, 16) != 0) {
				CP_AUDIT("binding of %s hoa %s dropped: %s", id,
					 ha_addr6_str(&rec.hoa6, a, sizeof(a)), m == NULL ?
					 "the node is no longer configured" :
					 "the node's home address changed");
				r->gone++;
				drop = true;
			} else {
				if ((b.state == CP_BIND_ACTIVE && b.expires_ms <= now_ms) ||
				    (b.state == CP_BIND_HOLD && b.hold_until_ms <= now_ms)) {
					r->expired++;
					drop = true;
				} else if (cp_binding_restore(cp, m->idx, &b, now_ms) != 0) {
					CP_AUDIT("binding of %s not restored: an address or prefix "
						 "it held is another node's now", id);
					r->refused++;
					drop = true;
				} else if (b.state == CP_BIND_HOLD) {
					r->held++;
				} else {
					r->bindings++;
				}
			}
		}
		if (drop && mdb_cursor_del(c, 0) != 0)
			CP_LOG(WARNING, "state store: record b/%s not deleted", id);
	}
	mdb_cursor_close(c);
	/* what was put back was read from here: nothing to write again (restored run-time
	 * nodes were marked: their records are rewritten as they are) */
	rc = mdb_txn_commit(t);
	(void)kb;
	r->ms = wall_now_ms() - t0;
	s->info.restored = *r;
	return rc == 0 ? 0 : -EIO;
}

void
cp_store_info_get(struct cp_store *s, struct cp_store_info *i)
{
	struct stat st;
	MDB_stat ms;
	MDB_txn *t;

	*i = s->info;
	i->last_sync_ms = s->last_sync_wall_ms;
	i->bytes = stat(s->path, &st) == 0 ? (uint64_t)st.st_blocks * 512 : 0;
	if (mdb_txn_begin(s->env, NULL, MDB_RDONLY, &t) == 0) {
		if (mdb_stat(t, s->dbi, &ms) == 0)
			i->records = ms.ms_entries;
		mdb_txn_abort(t);
	}
}
