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

#include "cp_store_internal.h"
#include "ha_log.h"

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
 * MDB_WRITEMAP (the map written in place) only with sync_ms > 0: measured with cp-bench,
 * 1M BUs, 2026-12-06, it takes 163k BU/s to 115k without it; but its commit-time sync is an
 * msync of the whole map, so with sync_ms = 0 it drops to 16k BU/s against 45k without.
 */
static unsigned int
env_flags(uint32_t sync_ms)
{
	return MDB_NOSUBDIR | MDB_NOTLS | (sync_ms > 0 ? MDB_NOSYNC | MDB_WRITEMAP : 0);
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
	free(s->tapped);
	free(s);
}

/* ------------------------------------------------------------------ flush */

static int
put_or_del(struct cp_store *s, MDB_txn *t, MDB_val *k, const void *v, size_t len)
{
	int rc = v != NULL ? mdb_put(t, s->dbi, k, &(MDB_val){ len, (void *)v }, 0) :
			     mdb_del(t, s->dbi, k, NULL);

	if (rc == MDB_NOTFOUND)
		return 0;         /* nothing there, nothing changed */
	if (rc != 0)
		return rc;
	s->info.written++;
	if (s->tap != NULL && s->n_tapped < s->cap_tapped) {
		struct store_key *x = &s->tapped[s->n_tapped++];

		x->len = (uint8_t)k->mv_size;
		memcpy(x->b, k->mv_data, k->mv_size);
	} else if (s->tap != NULL) {
		s->tap_lost = true;   /* more than a flush holds: the tap is told to resync */
	}
	return 0;
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

		rc = put_or_del(s, t, &k, r, cp_store_rec_from(r, m, b, now_ms, wall_ms));
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
	s->n_tapped = 0;
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
		struct sa_rec r = { s->sa[i].mark, s->sa[i].ahead };

		k = sa_key(kb, s->sa[i].spi, s->sa[i].dir);
		rc = put_or_del(s, t, &k, &r, sizeof(r));
	}
	written = (int)(n_gone + n + s->n_sa);
	if (rc == 0)
		rc = mdb_txn_commit(t);
	else
		mdb_txn_abort(t);
	if (rc != 0) {
		/* nothing of it was written: all of it again with the next flush */
		s->info.errors++;
		CP_LOG(ERR, "state store %s: %s: %d changes not stored yet", s->path,
		       mdb_strerror(rc), written);
		for (i = 0; i < n_gone; i++)
			cp_gone_add(cp, s->gone[i]);
		for (i = 0; i < n; i++)
			cp_changes_mark(cp, s->slots[i]);
		return -EIO;
	}
	s->n_sa = 0;
	s->info.commits++;
	s->info.last_commit_ms = now_ms;
	if (s->tap != NULL) {
		/* committed: what was written, for the pair's replication */
		for (i = 0; i < s->n_tapped; i++)
			s->tap(s->tap_arg, s->tapped[i].b, s->tapped[i].len);
		if (s->tap_lost)
			s->tap(s->tap_arg, NULL, 0);
		s->tap_lost = false;
	}
	return written;
}

void
cp_store_set_tap(struct cp_store *s, cp_store_tap_fn fn, void *arg)
{
	if (s == NULL)
		return;
	if (fn != NULL && s->tapped == NULL) {
		s->cap_tapped = 2 * FLUSH_MAX + 65536;
		s->tapped = malloc(sizeof(*s->tapped) * s->cap_tapped);
		if (s->tapped == NULL) {
			s->cap_tapped = 0;
			s->tap_lost = true;
		}
	}
	s->tap = fn;
	s->tap_arg = arg;
}

void
cp_store_sa_mark(struct cp_store *s, uint32_t spi, uint8_t dir, uint64_t mark,
		 uint64_t ahead)
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
	s->sa[s->n_sa++] = (struct sa_pending){ spi, dir, mark, ahead };
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
	if (mdb_get(t, s->dbi, &key, &v) == 0)
		mark = cp_store_sa_value(v.mv_data, v.mv_size, NULL);
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
		if (cp_store_rec_to(v.mv_data, v.mv_size, &b, &mnp, now_ms, wall_ms) != 0) {
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
