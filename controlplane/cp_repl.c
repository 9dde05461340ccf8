/* SPDX-License-Identifier: BSD-3-Clause */
/* The pair's replication through Redis (see cp_repl.h). */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>
#include <rte_lcore.h>

#include "cp_repl.h"
#include "ha_log.h"

#define BATCH 512                     /* keys per pipeline */
#define SCAN_BATCH 1000               /* fields per pipeline in a resync */
#define RECQ_SIZE 65536               /* records waiting for the standby's control loop */
#define READ_BLOCK_MS 100             /* XREAD BLOCK: how soon a stop is seen */
#define CONNECT_MS 500
#define RETRY_US 200000

struct qkey {
	uint8_t len;
	char b[47];
	uint64_t t_ms;
};

struct cp_repl {
	char host[CFG_NAME_MAX + 64];
	int port;                     /* 0: host is a unix socket path */
	char k_state[CFG_NAME_MAX + 16];
	char k_log[CFG_NAME_MAX + 16];
	char k_gen[CFG_NAME_MAX + 16];
	char k_format[CFG_NAME_MAX + 16];
	uint32_t stream_max;
	struct cp_store *store;
	/* keys, control loop -> writer */
	struct qkey *kq;
	uint32_t kq_mask;
	uint32_t kq_head;             /* producer */
	uint32_t kq_tail;             /* consumer */
	volatile bool resync;         /* keys were lost: the writer sends everything again */
	/* records, reader -> control loop */
	struct cp_repl_rec **rq;
	uint32_t rq_head;
	uint32_t rq_tail;
	/* the thread */
	pthread_t th;
	bool running;
	bool writer;
	volatile bool stop;
	volatile uint64_t stop_by_ms; /* writer: drain the queue until then */
	redisContext *ctx;
	struct cp_repl_stats st;
};

uint64_t
cp_repl_wall_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static void
set_error(struct cp_repl *r, const char *what, const char *detail)
{
	snprintf(r->st.last_error, sizeof(r->st.last_error), "%s: %s", what,
		 detail != NULL ? detail : "?");
	__atomic_fetch_add(&r->st.errors, 1, __ATOMIC_RELAXED);
}

struct cp_repl *
cp_repl_create(const struct cfg_pair *c, struct cp_store *store)
{
	struct cp_repl *r = calloc(1, sizeof(*r));
	uint32_t size = 1024;
	const char *colon;

	if (r == NULL)
		return NULL;
	while (size < c->queue)
		size <<= 1;
	r->kq = calloc(size, sizeof(*r->kq));
	r->rq = calloc(RECQ_SIZE, sizeof(*r->rq));
	if (r->kq == NULL || r->rq == NULL) {
		cp_repl_free(r);
		return NULL;
	}
	r->kq_mask = size - 1;
	r->store = store;
	r->stream_max = c->stream_max;
	colon = strrchr(c->redis, ':');
	if (c->redis[0] == '/' || colon == NULL) {
		snprintf(r->host, sizeof(r->host), "%s", c->redis);
	} else {
		snprintf(r->host, sizeof(r->host), "%.*s", (int)(colon - c->redis), c->redis);
		r->port = atoi(colon + 1);
	}
	snprintf(r->k_state, sizeof(r->k_state), "%s:state", c->prefix);
	snprintf(r->k_log, sizeof(r->k_log), "%s:log", c->prefix);
	snprintf(r->k_gen, sizeof(r->k_gen), "%s:gen", c->prefix);
	snprintf(r->k_format, sizeof(r->k_format), "%s:format", c->prefix);
	return r;
}

void
cp_repl_free(struct cp_repl *r)
{
	struct cp_repl_rec *rec;

	if (r == NULL)
		return;
	cp_repl_stop(r, 0);
	while ((rec = cp_repl_next(r)) != NULL)
		cp_repl_rec_free(rec);
	free(r->kq);
	free(r->rq);
	free(r);
}

/* ------------------------------------------------------------------ queues */

void
cp_repl_tap(void *arg, const void *key, size_t len)
{
	struct cp_repl *r = arg;
	uint32_t head = r->kq_head, tail = __atomic_load_n(&r->kq_tail, __ATOMIC_ACQUIRE);
	struct qkey *q;

	if (key == NULL || len > sizeof(q->b) || head - tail > r->kq_mask) {
		/* lost: the writer sends the whole state again */
		if (key != NULL)
			__atomic_fetch_add(&r->st.dropped, 1, __ATOMIC_RELAXED);
		r->resync = true;
		return;
	}
	q = &r->kq[head & r->kq_mask];
	q->len = (uint8_t)len;
	memcpy(q->b, key, len);
	q->t_ms = cp_repl_wall_ms();
	__atomic_store_n(&r->kq_head, head + 1, __ATOMIC_RELEASE);
}

static bool
rec_push(struct cp_repl *r, struct cp_repl_rec *rec)
{
	/* the control loop applies at its pace: wait for room, unless stopping */
	while (__atomic_load_n(&r->rq_head, __ATOMIC_RELAXED) -
	       __atomic_load_n(&r->rq_tail, __ATOMIC_ACQUIRE) >= RECQ_SIZE) {
		if (r->stop) {
			cp_repl_rec_free(rec);
			return false;
		}
		usleep(200);
	}
	r->rq[r->rq_head & (RECQ_SIZE - 1)] = rec;
	__atomic_store_n(&r->rq_head, r->rq_head + 1, __ATOMIC_RELEASE);
	__atomic_fetch_add(&r->st.received, 1, __ATOMIC_RELAXED);
	return true;
}

struct cp_repl_rec *
cp_repl_next(struct cp_repl *r)
{
	uint32_t tail = r->rq_tail;
	struct cp_repl_rec *rec;

	if (tail == __atomic_load_n(&r->rq_head, __ATOMIC_ACQUIRE))
		return NULL;
	rec = r->rq[tail & (RECQ_SIZE - 1)];
	__atomic_store_n(&r->rq_tail, tail + 1, __ATOMIC_RELEASE);
	return rec;
}

void
cp_repl_rec_free(struct cp_repl_rec *rec)
{
	free(rec);
}

static struct cp_repl_rec *
rec_new(uint8_t op, const void *k, size_t klen, const void *v, size_t vlen, uint64_t t_ms)
{
	struct cp_repl_rec *rec;

	if (klen >= sizeof(rec->key))
		return NULL;
	rec = malloc(sizeof(*rec) + vlen);
	if (rec == NULL)
		return NULL;
	rec->op = op;
	rec->klen = (uint8_t)klen;
	memcpy(rec->key, k, klen);
	rec->key[klen] = '\0';
	rec->t_ms = t_ms;
	rec->vlen = (uint32_t)vlen;
	if (vlen > 0)
		memcpy(rec->v, v, vlen);
	return rec;
}

/* ------------------------------------------------------------------ Redis */

static void
disconnect(struct cp_repl *r)
{
	if (r->ctx != NULL)
		redisFree(r->ctx);
	r->ctx = NULL;
	r->st.link_up = false;
}

/* Pending replies of n pipelined commands; false on an error (logged). */
static bool
replies(struct cp_repl *r, unsigned int n, const char *what)
{
	bool ok = true;

	while (n-- > 0) {
		redisReply *x = NULL;

		if (redisGetReply(r->ctx, (void **)&x) != REDIS_OK) {
			set_error(r, what, r->ctx->errstr);
			return false;
		}
		if (x->type == REDIS_REPLY_ERROR) {
			set_error(r, what, x->str);
			ok = false;
		}
		freeReplyObject(x);
	}
	return ok;
}

static redisReply *
command(struct cp_repl *r, const char *what, const char *fmt, ...)
{
	redisReply *x;
	va_list ap;

	va_start(ap, fmt);
	x = redisvCommand(r->ctx, fmt, ap);
	va_end(ap);
	if (x == NULL) {
		set_error(r, what, r->ctx->errstr);
		return NULL;
	}
	if (x->type == REDIS_REPLY_ERROR) {
		set_error(r, what, x->str);
		freeReplyObject(x);
		return NULL;
	}
	return x;
}

/* Connected, and the pair's records are of this build's format. */
static bool
connect_redis(struct cp_repl *r)
{
	struct timeval tv = { 0, CONNECT_MS * 1000 };
	redisReply *x;
	char fmt[16];
	bool ok;

	r->ctx = r->port != 0 ? redisConnectWithTimeout(r->host, r->port, tv) :
				redisConnectUnixWithTimeout(r->host, tv);
	if (r->ctx == NULL || r->ctx->err) {
		set_error(r, "connect", r->ctx != NULL ? r->ctx->errstr : "out of memory");
		disconnect(r);
		return false;
	}
	/* replies within a second, or the link is taken for down */
	tv = (struct timeval){ 1, 0 };
	redisSetTimeout(r->ctx, tv);
	snprintf(fmt, sizeof(fmt), "%u", CP_STORE_FORMAT);
	x = command(r, "format", "SET %s %s NX", r->k_format, fmt);
	freeReplyObject(x);
	x = x != NULL ? command(r, "format", "GET %s", r->k_format) : NULL;
	ok = x != NULL && x->type == REDIS_REPLY_STRING && strcmp(x->str, fmt) == 0;
	if (x != NULL && !ok)
		set_error(r, "format", "the pair's records are of another format");
	freeReplyObject(x);
	if (!ok) {
		disconnect(r);
		return false;
	}
	r->st.link_up = true;
	return true;
}

/* ------------------------------------------------------------------ writer */

struct snap {
	struct cp_repl *r;
	unsigned int pending;
	bool ok;
};

static int
snap_one(void *arg, const void *k, size_t klen, const void *v, size_t vlen)
{
	struct snap *s = arg;

	redisAppendCommand(s->r->ctx, "HSET %s %b %b", s->r->k_state, k, klen, v, vlen);
	if (++s->pending == SCAN_BATCH) {
		s->ok = replies(s->r, s->pending, "resync");
		s->pending = 0;
	}
	return s->ok ? 0 : 1;
}

/*
 * The whole state again: the hash rewritten, then a new generation and its "R" entry (a
 * reader that read the hash while it was being rewritten sees a generation it does not know
 * and reads it again).
 */
static bool
writer_resync(struct cp_repl *r)
{
	struct snap s = { .r = r, .ok = true };
	redisReply *x;
	long long gen;

	r->resync = false;
	x = command(r, "resync", "DEL %s", r->k_state);
	if (x == NULL)
		return false;
	freeReplyObject(x);
	cp_store_scan(r->store, snap_one, &s);
	if (s.ok && s.pending > 0)
		s.ok = replies(r, s.pending, "resync");
	if (!s.ok)
		return false;
	x = command(r, "resync", "INCR %s", r->k_gen);
	if (x == NULL)
		return false;
	gen = x->integer;
	freeReplyObject(x);
	x = command(r, "resync", "XADD %s MAXLEN ~ %u * R %lld t %" PRIu64, r->k_log,
		    r->stream_max, gen, cp_repl_wall_ms());
	if (x == NULL)
		return false;
	freeReplyObject(x);
	__atomic_fetch_add(&r->st.resyncs, 1, __ATOMIC_RELAXED);
	return true;
}

/* Send up to BATCH queued keys with their committed values. @return keys sent, -1 error. */
static int
writer_batch(struct cp_repl *r)
{
	uint32_t tail = r->kq_tail, head = __atomic_load_n(&r->kq_head, __ATOMIC_ACQUIRE);
	struct cp_store_reader *rd;
	unsigned int n = 0;

	if (tail == head)
		return 0;
	rd = cp_store_read_begin(r->store);
	if (rd == NULL) {
		set_error(r, "store", "no read transaction");
		return -1;
	}
	for (; tail != head && n < BATCH; tail++, n++) {
		const struct qkey *q = &r->kq[tail & r->kq_mask];
		const void *v;
		size_t vlen;

		if (cp_store_read_get(rd, q->b, q->len, &v, &vlen) == 0) {
			redisAppendCommand(r->ctx, "HSET %s %b %b", r->k_state, q->b,
					   (size_t)q->len, v, vlen);
			redisAppendCommand(r->ctx, "XADD %s MAXLEN ~ %u * k %b t %" PRIu64 " v %b",
					   r->k_log, r->stream_max, q->b, (size_t)q->len, q->t_ms,
					   v, vlen);
		} else {
			redisAppendCommand(r->ctx, "HDEL %s %b", r->k_state, q->b, (size_t)q->len);
			redisAppendCommand(r->ctx, "XADD %s MAXLEN ~ %u * k %b t %" PRIu64,
					   r->k_log, r->stream_max, q->b, (size_t)q->len, q->t_ms);
		}
	}
	cp_store_read_end(rd);
	if (!replies(r, 2 * n, "send"))
		return -1;
	__atomic_store_n(&r->kq_tail, tail, __ATOMIC_RELEASE);
	__atomic_fetch_add(&r->st.sent, n, __ATOMIC_RELAXED);
	return (int)n;
}

static void
writer_main(struct cp_repl *r)
{
	uint64_t quiet_since = cp_repl_wall_ms();

	for (;;) {
		int n;

		if (r->stop && (cp_repl_wall_ms() >= r->stop_by_ms ||
				__atomic_load_n(&r->kq_head, __ATOMIC_ACQUIRE) == r->kq_tail))
			return;
		if (r->ctx == NULL) {
			if (!connect_redis(r)) {
				usleep(RETRY_US);
				continue;
			}
			r->resync = true;   /* what Redis has may be anything by now */
		}
		if (r->resync && !writer_resync(r)) {
			disconnect(r);
			r->resync = true;
			continue;
		}
		n = writer_batch(r);
		if (n < 0) {
			disconnect(r);   /* which of it arrived is unknown: a resync follows */
			continue;
		}
		if (n > 0) {
			quiet_since = cp_repl_wall_ms();
			continue;
		}
		if (cp_repl_wall_ms() - quiet_since >= 250) {
			/* nothing to send: is Redis still there? (the link flag, and a resync
			 * as soon as it is back) */
			redisReply *x = command(r, "ping", "PING");

			freeReplyObject(x);
			if (x == NULL) {
				disconnect(r);
				continue;
			}
			quiet_since = cp_repl_wall_ms();
		}
		usleep(500);
	}
}

/* ------------------------------------------------------------------ reader */

/* The writer's generation: 0 until a writer has written the whole state once (a new or
 * restarted Redis), -1 on an error. */
static long long
reader_gen(struct cp_repl *r)
{
	redisReply *x = command(r, "gen", "GET %s", r->k_gen);
	long long g = x == NULL ? -1 : x->type == REDIS_REPLY_STRING ? atoll(x->str) : 0;

	freeReplyObject(x);
	return g;
}

/*
 * CLEAR, every field of the state, and where the stream continues (last). Not before an
 * active has written its whole state to this Redis (a restarted, empty Redis): until then
 * the standby keeps what it has. @return 1 done, 0 not yet, -1 error.
 */
static int
reader_resync(struct cp_repl *r, char *last, size_t lastlen, long long *gen)
{
	redisReply *x;
	char cursor[32] = "0";
	size_t i;

	*gen = reader_gen(r);
	if (*gen <= 0)
		return *gen < 0 ? -1 : 0;
	x = command(r, "resync", "XREVRANGE %s + - COUNT 1", r->k_log);
	if (x == NULL)
		return -1;
	snprintf(last, lastlen, "0-0");
	if (x->type == REDIS_REPLY_ARRAY && x->elements == 1 &&
	    x->element[0]->type == REDIS_REPLY_ARRAY && x->element[0]->elements >= 1)
		snprintf(last, lastlen, "%s", x->element[0]->element[0]->str);
	freeReplyObject(x);
	if (!rec_push(r, rec_new(CP_REPL_CLEAR, "", 0, NULL, 0, 0)))
		return -1;
	do {
		x = command(r, "resync", "HSCAN %s %s COUNT %u", r->k_state, cursor, SCAN_BATCH);
		if (x == NULL || x->type != REDIS_REPLY_ARRAY || x->elements != 2) {
			freeReplyObject(x);
			return -1;
		}
		snprintf(cursor, sizeof(cursor), "%s", x->element[0]->str);
		for (i = 0; i + 1 < x->element[1]->elements; i += 2) {
			const redisReply *k = x->element[1]->element[i];
			const redisReply *v = x->element[1]->element[i + 1];
			struct cp_repl_rec *rec = rec_new(CP_REPL_PUT, k->str, k->len, v->str,
							  v->len, 0);

			if (rec == NULL || !rec_push(r, rec)) {
				freeReplyObject(x);
				return -1;
			}
		}
		freeReplyObject(x);
	} while (strcmp(cursor, "0") != 0 && !r->stop);
	__atomic_fetch_add(&r->st.resyncs, 1, __ATOMIC_RELAXED);
	return 1;
}

/* One stream entry: a change, or "R" (a resync of the writer). @return 1: resync needed. */
static int
reader_entry(struct cp_repl *r, const redisReply *fields, long long gen)
{
	const redisReply *k = NULL, *v = NULL;
	uint64_t t = 0;
	size_t i;

	for (i = 0; i + 1 < fields->elements; i += 2) {
		const redisReply *f = fields->element[i], *x = fields->element[i + 1];

		if (f->len == 1 && f->str[0] == 'R')
			return atoll(x->str) != gen;
		if (f->len == 1 && f->str[0] == 'k')
			k = x;
		else if (f->len == 1 && f->str[0] == 'v')
			v = x;
		else if (f->len == 1 && f->str[0] == 't')
			t = strtoull(x->str, NULL, 10);
	}
	if (k == NULL)
		return 0;
	return rec_push(r, rec_new(v != NULL ? CP_REPL_PUT : CP_REPL_DEL, k->str, k->len,
				   v != NULL ? v->str : NULL, v != NULL ? v->len : 0, t)) ? 0 : -1;
}

/* Stream ids "ms-seq": a < b? */
static bool
id_before(const char *a, const char *b)
{
	unsigned long long am = strtoull(a, NULL, 10), bm = strtoull(b, NULL, 10);
	const char *ad = strchr(a, '-'), *bd = strchr(b, '-');

	if (am != bm)
		return am < bm;
	return strtoull(ad != NULL ? ad + 1 : "0", NULL, 10) <
	       strtoull(bd != NULL ? bd + 1 : "0", NULL, 10);
}

/* Did the stream lose (MAXLEN) entries this reader has not read? Then it reads it all. */
static bool
reader_fell_behind(struct cp_repl *r, const char *last)
{
	redisReply *x = command(r, "read", "XRANGE %s - + COUNT 1", r->k_log);
	bool behind = false;
	char want[64];
	const char *dash = strchr(last, '-');

	if (x != NULL && x->type == REDIS_REPLY_ARRAY && x->elements == 1 &&
	    strcmp(last, "0-0") != 0) {
		/* the first entry kept must not come after the one following last */
		snprintf(want, sizeof(want), "%llu-%llu", strtoull(last, NULL, 10),
			 strtoull(dash != NULL ? dash + 1 : "0", NULL, 10) + 1);
		behind = id_before(want, x->element[0]->element[0]->str);
	}
	freeReplyObject(x);
	return behind;
}

static void
reader_main(struct cp_repl *r)
{
	char last[64] = "0-0";
	long long gen = 0;
	bool synced = false;
	uint64_t checked = 0;

	while (!r->stop) {
		redisReply *x;
		size_t i;
		int need = 0;

		if (r->ctx == NULL) {
			if (!connect_redis(r)) {
				usleep(RETRY_US);
				continue;
			}
			synced = false;
		}
		if (!synced) {
			int rc = reader_resync(r, last, sizeof(last), &gen);

			if (rc < 0) {
				disconnect(r);
				continue;
			}
			if (rc == 0) {
				usleep(RETRY_US);   /* no active has filled this Redis yet */
				continue;
			}
			synced = true;
		}
		if (cp_repl_wall_ms() - checked >= 1000) {
			checked = cp_repl_wall_ms();
			if (reader_fell_behind(r, last)) {
				set_error(r, "read", "the stream was trimmed past this standby");
				synced = false;
				continue;
			}
		}
		x = command(r, "read", "XREAD COUNT %u BLOCK %u STREAMS %s %s", BATCH,
			    READ_BLOCK_MS, r->k_log, last);
		if (x == NULL) {
			disconnect(r);
			continue;
		}
		/* everything the active wrote until now is read (or in this reply) */
		__atomic_store_n(&r->st.synced_ms, cp_repl_wall_ms(), __ATOMIC_RELEASE);
		if (x->type == REDIS_REPLY_ARRAY && x->elements == 1 &&
		    x->element[0]->elements == 2) {
			const redisReply *entries = x->element[0]->element[1];

			for (i = 0; i < entries->elements && need == 0; i++) {
				const redisReply *e = entries->element[i];

				snprintf(last, sizeof(last), "%s", e->element[0]->str);
				need = reader_entry(r, e->element[1], gen);
			}
		}
		freeReplyObject(x);
		if (need != 0)
			synced = false;   /* the writer started over (or the queue was stopped) */
	}
}

/* ------------------------------------------------------------------ thread */

static void *
thread_main(void *arg)
{
	struct cp_repl *r = arg;

	if (r->writer)
		writer_main(r);
	else
		reader_main(r);
	disconnect(r);
	return NULL;
}

int
cp_repl_start(struct cp_repl *r, bool writer)
{
	cp_repl_stop(r, 0);
	r->writer = writer;
	r->stop = false;
	r->st.writer = writer;
	if (writer) {
		/* what is queued from before belongs to an older state: start with a resync */
		r->kq_tail = __atomic_load_n(&r->kq_head, __ATOMIC_ACQUIRE);
		r->resync = true;
	}
	/* a DPDK control thread: on the cores no lcore polls (EAL's control cpuset), named
	 * dsmip-repl in top and gdb, never beside the control loop when a core is free */
	if (rte_ctrl_thread_create(&r->th, "dsmip-repl", NULL, thread_main, r) != 0)
		return -EAGAIN;
	r->running = true;
	r->st.running = true;
	return 0;
}

void
cp_repl_stop(struct cp_repl *r, uint32_t wait_ms)
{
	if (r == NULL || !r->running)
		return;
	r->stop_by_ms = cp_repl_wall_ms() + wait_ms;
	r->stop = true;
	pthread_join(r->th, NULL);
	r->running = false;
	r->st.running = false;
	r->st.link_up = false;
}

void
cp_repl_stats_get(const struct cp_repl *r, struct cp_repl_stats *st)
{
	uint32_t kh = __atomic_load_n(&r->kq_head, __ATOMIC_ACQUIRE);
	uint32_t kt = __atomic_load_n(&r->kq_tail, __ATOMIC_ACQUIRE);

	*st = r->st;
	if (r->writer) {
		st->queued = kh - kt;
		st->oldest_ms = kh != kt ? r->kq[kt & r->kq_mask].t_ms : 0;
	} else {
		st->queued = __atomic_load_n(&r->rq_head, __ATOMIC_ACQUIRE) -
			     __atomic_load_n(&r->rq_tail, __ATOMIC_ACQUIRE);
		st->oldest_ms = 0;
	}
}
