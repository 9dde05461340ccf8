/* SPDX-License-Identifier: BSD-3-Clause */
/* The state store's record formats, and reading them from any thread (the pair's writer,
 * its standby's apply): see cp_store.h. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>
#include <rte_common.h>

#include "cp_store_internal.h"

/* ------------------------------------------------------------------ records */

size_t
cp_store_rec_from(uint8_t *buf, const struct cp_mn *m, const struct cp_bind *b,
		  uint64_t now_ms, uint64_t wall_ms)
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

int
cp_store_rec_to(const uint8_t *v, size_t len, struct cp_bind *b, struct cp_mn_prefixes *mnp,
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

/* ------------------------------------------------------------------ readers (any thread) */

int
cp_store_scan(struct cp_store *s, cp_store_scan_fn fn, void *arg)
{
	MDB_cursor *c;
	MDB_txn *t = NULL;
	MDB_val k, v;
	int rc;

	rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &t);
	if (rc == 0)
		rc = mdb_cursor_open(t, s->dbi, &c);
	if (rc != 0) {
		if (t != NULL)
			mdb_txn_abort(t);
		return -EIO;
	}
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size < 2 || ((const char *)k.mv_data)[1] != '/')
			continue;   /* the format record */
		if (fn(arg, k.mv_data, k.mv_size, v.mv_data, v.mv_size) != 0)
			break;
	}
	mdb_cursor_close(c);
	mdb_txn_abort(t);
	return 0;
}

struct cp_store_reader {
	MDB_txn *t;
	MDB_dbi dbi;
};

struct cp_store_reader *
cp_store_read_begin(struct cp_store *s)
{
	struct cp_store_reader *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	if (mdb_txn_begin(s->env, NULL, MDB_RDONLY, &r->t) != 0) {
		free(r);
		return NULL;
	}
	r->dbi = s->dbi;
	return r;
}

int
cp_store_read_get(struct cp_store_reader *r, const void *key, size_t klen, const void **v,
		  size_t *vlen)
{
	MDB_val k = { klen, (void *)key }, val;
	int rc = mdb_get(r->t, r->dbi, &k, &val);

	if (rc == MDB_NOTFOUND)
		return -ENOENT;
	if (rc != 0)
		return -EIO;
	*v = val.mv_data;
	*vlen = val.mv_size;
	return 0;
}

void
cp_store_read_end(struct cp_store_reader *r)
{
	if (r == NULL)
		return;
	mdb_txn_abort(r->t);
	free(r);
}

int
cp_store_binding_decode(const void *v, size_t len, uint64_t now_ms, uint64_t wall_ms,
			struct cp_bind *b, struct cp_mn_prefixes *mnp, struct in6_addr *hoa6)
{
	struct bind_rec rec;

	if (cp_store_rec_to(v, len, b, mnp, now_ms, wall_ms) != 0)
		return -EINVAL;
	memcpy(&rec, v, sizeof(rec));
	*hoa6 = rec.hoa6;
	return 0;
}

int
cp_store_key_parse(const void *key, size_t len, struct cp_store_key *out)
{
	const char *k = key;

	memset(out, 0, sizeof(*out));
	if (len < 3 || k[1] != '/')
		return -EINVAL;
	out->kind = k[0];
	if (k[0] == 's') {
		if (len != 7)
			return -EINVAL;
		memcpy(&out->spi, k + 2, 4);
		out->dir = (uint8_t)k[6];
		return 0;
	}
	if ((k[0] != 'b' && k[0] != 'n') || len - 2 >= CFG_NAME_MAX)
		return -EINVAL;
	memcpy(out->id, k + 2, len - 2);
	out->id[len - 2] = '\0';
	return 0;
}

uint64_t
cp_store_sa_value(const void *v, size_t len, uint64_t *ahead)
{
	struct sa_rec r;

	if (len != sizeof(r))
		return 0;
	memcpy(&r, v, sizeof(r));
	if (ahead != NULL)
		*ahead = r.ahead;
	return r.mark;
}
