/* SPDX-License-Identifier: BSD-3-Clause */
/* The active/standby pair: roles, the standby's apply, the takeover (see cp_pair.h). */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_tun.h>

#include "cp_pair.h"
#include "dp_sa.h"
#include "ha_app.h"
#include "ha_log.h"

#define APPLY_BUDGET 8192             /* records per control-loop pass */

struct ha_pair {
	enum ha_role role;
	struct cp_repl *repl;
	int tap_fd;
	struct cp_repl_rec **retry;   /* bindings waiting for another node's record first */
	uint32_t n_retry;
	uint32_t cap_retry;
	struct ha_pair_info info;
};

const char *
ha_role_name(enum ha_role r)
{
	switch (r) {
	case HA_ROLE_STANDBY: return "standby";
	case HA_ROLE_ACTIVE: return "active";
	default: return "standalone";
	}
}

/* ------------------------------------------------------------------ liveness */

/* A TAP named name, up, that exists exactly as long as this process (not persistent). */
static int
liveness_open(const char *name)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC), s;

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s >= 0) {
		if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
			ifr.ifr_flags |= IFF_UP;
			ioctl(s, SIOCSIFFLAGS, &ifr);
		}
		close(s);
	}
	return fd;
}

/* ------------------------------------------------------------------ standby: apply */

static void
retry_add(struct ha_pair *p, struct cp_repl_rec *rec)
{
	if (p->n_retry == p->cap_retry) {
		uint32_t cap = p->cap_retry != 0 ? 2 * p->cap_retry : 64;
		struct cp_repl_rec **r = realloc(p->retry, sizeof(*r) * cap);

		if (r == NULL) {
			p->info.refused++;
			cp_repl_rec_free(rec);
			return;
		}
		p->retry = r;
		p->cap_retry = cap;
	}
	p->retry[p->n_retry++] = rec;
}

/* Every binding and run-time node goes: a resync brings the active's state. */
static void
apply_clear(struct ha_app *a, uint64_t now)
{
	struct cp_mndb *db = cp_mndb(a->cp);
	uint32_t i;

	while (a->pair->n_retry > 0)
		cp_repl_rec_free(a->pair->retry[--a->pair->n_retry]);
	for (i = 0; i < cp_mndb_capacity(db); i++) {
		if (cp_mndb_get(db, i) == NULL)
			continue;
		if (cp_mn_rt_cfg(a->cp, i) != NULL)
			cp_mn_del(a->cp, i, now);
		else
			cp_binding_drop(a->cp, i, "resync from the active", now);
	}
}

/* A binding record: the node's binding becomes the active's. @return 0, -EEXIST (an
 * address another node still holds here: try again later) or another error. */
static int
apply_binding(struct ha_app *a, const struct cp_store_key *k, const struct cp_repl_rec *rec,
	      uint64_t now)
{
	struct cp_mn *m = cp_mndb_find_id(cp_mndb(a->cp), k->id);
	struct cp_mn_prefixes mnp;
	struct in6_addr hoa6;
	struct cp_bind b;

	if (m == NULL) {
		a->pair->info.unknown++;
		return 0;
	}
	if (rec->op == CP_REPL_DEL)
		return cp_binding_drop(a->cp, m->idx, "ended on the active", now);
	if (cp_store_binding_decode(rec->v, rec->vlen, now, ha_app_wall_ms(a, now), &b, &mnp,
				    &hoa6) != 0 || memcmp(&hoa6, &m->hoa6, 16) != 0) {
		a->pair->info.refused++;
		return 0;
	}
	cp_binding_drop(a->cp, m->idx, "replaced by the active's", now);
	/* into this one's own store too (a restart of the standby, a takeover) */
	cp_changes_mark(a->cp, m->idx);
	if ((b.state == CP_BIND_ACTIVE && b.expires_ms <= now) ||
	    (b.state == CP_BIND_HOLD && b.hold_until_ms <= now))
		return 0;
	return cp_binding_restore(a->cp, m->idx, &b, now);
}

/* A run-time node added or removed on the active. */
static void
apply_node(struct ha_app *a, const struct cp_store_key *k, const struct cp_repl_rec *rec,
	   uint64_t now)
{
	struct cp_mn *m = cp_mndb_find_id(cp_mndb(a->cp), k->id);
	struct cfg_mn mn;

	if (m != NULL && cp_mn_rt_cfg(a->cp, m->idx) == NULL)
		return;   /* a node of this file: the file wins */
	if (m != NULL)
		cp_mn_del(a->cp, m->idx, now);
	if (rec->op == CP_REPL_DEL)
		return;
	if (rec->vlen != sizeof(mn)) {
		a->pair->info.refused++;
		return;
	}
	memcpy(&mn, rec->v, sizeof(mn));
	cp_store_sa_starts_mn(a->store, &mn);
	if (cp_mn_add_rt(a->cp, &mn, NULL) != 0)
		a->pair->info.refused++;
}

static void
apply_one(struct ha_app *a, struct cp_repl_rec *rec, uint64_t now, bool may_retry)
{
	struct cp_store_key k;
	uint64_t mark, ahead = 0;
	int rc = 0;

	if (rec->op == CP_REPL_CLEAR) {
		apply_clear(a, now);
		cp_repl_rec_free(rec);
		return;
	}
	if (cp_store_key_parse(rec->key, rec->klen, &k) != 0) {
		a->pair->info.refused++;
		cp_repl_rec_free(rec);
		return;
	}
	switch (k.kind) {
	case 'b':
		rc = apply_binding(a, &k, rec, now);
		break;
	case 'n':
		apply_node(a, &k, rec, now);
		break;
	case 's':
		mark = rec->op == CP_REPL_PUT ? cp_store_sa_value(rec->v, rec->vlen, &ahead) : 0;
		if (mark != 0)
			cp_store_sa_mark(a->store, k.spi, k.dir, mark, ahead);
		break;
	}
	if (rec->t_ms != 0) {
		uint64_t wall = ha_app_wall_ms(a, now);

		a->pair->info.lag_ms = wall > rec->t_ms ? wall - rec->t_ms : 0;
	}
	if (rc == -EEXIST && may_retry) {
		retry_add(a->pair, rec);
		return;
	}
	if (rc != 0)
		a->pair->info.refused++;
	else
		a->pair->info.applied++;
	cp_repl_rec_free(rec);
}

/* Up to budget records (0: all of them), then the bindings that waited. */
static void
apply(struct ha_app *a, uint32_t budget)
{
	struct ha_pair *p = a->pair;
	uint64_t now = ha_app_now_ms(a);
	struct cp_repl_rec *rec;
	uint32_t n = 0, i, waiting;
	int level = rte_log_get_level(ha_logtype_cp);

	/* the active writes the audit lines of these bindings: the standby only applies them */
	rte_log_set_level(ha_logtype_cp, RTE_LOG_NOTICE);
	while ((budget == 0 || n < budget) && (rec = cp_repl_next(p->repl)) != NULL) {
		apply_one(a, rec, now, true);
		n++;
	}
	waiting = p->n_retry;
	if (n > 0 && waiting > 0) {
		struct cp_repl_rec **again = p->retry;

		p->retry = NULL;
		p->n_retry = p->cap_retry = 0;
		for (i = 0; i < waiting; i++)
			apply_one(a, again[i], now, budget != 0);
		free(again);
	}
	p->info.pending_retry = p->n_retry;
	rte_log_set_level(ha_logtype_cp, (uint32_t)level);
}

/* ------------------------------------------------------------------ switches */

/*
 * Every SA continues past the old active: inbound at its edge, outbound above its last
 * reservation by the step it was taken with, once for the renewal that may have been in
 * flight and once more per 5 s this standby was out of touch with Redis (stale_ms): a
 * reservation is renewed when half of its step is used, and a step is at least 10 s of the
 * SA's measured rate, so each renewal the standby missed covers at least 5 s of traffic.
 */
static uint64_t
sa_step(uint64_t ahead, uint64_t stale_ms)
{
	uint64_t step = ahead != 0 ? ahead : UINT64_C(1) << 22;

	return step * (1 + (stale_ms + 4999) / 5000);
}

static uint64_t
sa_jump(struct ha_app *a, uint64_t stale_ms)
{
	struct cp_store_reader *rd = cp_store_read_begin(a->store);
	uint64_t n = 0;
	uint32_t slot;

	if (rd == NULL || a->sadb == NULL) {
		cp_store_read_end(rd);
		return 0;
	}
	for (slot = 0; slot < a->sadb->cap; slot++) {
		const struct dp_sa *sa = dp_sa_get(a->sadb, slot);
		char key[7] = { 's', '/' };
		uint64_t mark, ahead = 0;
		const void *v;
		size_t len;

		if (sa == NULL)
			continue;
		memcpy(key + 2, &sa->spi, 4);
		key[6] = (char)sa->dir;
		if (cp_store_read_get(rd, key, sizeof(key), &v, &len) != 0)
			continue;
		mark = cp_store_sa_value(v, len, &ahead);
		if (mark == 0)
			continue;
		if (sa->dir == CFG_SA_OUT)
			mark += sa_step(ahead, stale_ms);
		if (dp_sa_resume(a->sadb, slot, mark) == 0)
			n++;
	}
	cp_store_read_end(rd);
	return n;
}

static void
takeover(struct ha_app *a)
{
	struct ha_pair *p = a->pair;
	uint64_t t0 = ha_app_now_ms(a), now, wall;
	struct cp_repl_stats st;
	uint32_t announced;

	/* what the active sent until it went, all of it */
	cp_repl_stop(p->repl, 0);
	cp_repl_stats_get(p->repl, &st);
	wall = cp_repl_wall_ms();
	/* out of touch since the last complete read (never: since this process started) */
	p->info.stale_ms = st.synced_ms != 0 && wall > st.synced_ms ? wall - st.synced_ms :
			   st.synced_ms != 0 ? 0 : ha_app_now_ms(a) - HA_CLOCK_BASE_MS;
	apply(a, 0);
	ha_app_store_sync(a, false);            /* the marks it sent, into the store */
	p->info.sas_jumped = sa_jump(a, p->info.stale_ms);
	cp_store_sa_reset(a->store_sa);         /* the jumped SAs reserve again from there */
	ha_app_store_sync(a, true);
	now = ha_app_now_ms(a);
	cp_bindings_fresh(a->cp, now);
	/* from here on this one answers */
	cp_io_set_silent(a->io, false);
	__atomic_store_n(&a->dps.ctx.standby, 0, __ATOMIC_RELEASE);
	cp_io_announce_self(a->io);
	announced = cp_announce_all(a->cp);
	cp_io_tx_flush(a->io);
	cp_store_set_tap(a->store, cp_repl_tap, p->repl);
	cp_repl_start(p->repl, true);
	p->role = HA_ROLE_ACTIVE;
	p->info.takeovers++;
	p->info.announced = announced;
	p->info.takeover_ms = ha_app_now_ms(a) - t0;
	CP_LOG(NOTICE, "pair: active (took over in %lu ms: %u bindings announced, %lu SAs "
	       "continued past the old active's; state %lu ms old)",
	       (unsigned long)p->info.takeover_ms, announced, (unsigned long)p->info.sas_jumped,
	       (unsigned long)p->info.stale_ms);
	if (p->info.stale_ms > 1000)
		CP_LOG(WARNING, "pair: took over with state %lu ms old (Redis was out of reach): "
		       "bindings made or moved since are back as they were, until each node's "
		       "next BU", (unsigned long)p->info.stale_ms);
}

static void
to_standby(struct ha_app *a)
{
	struct ha_pair *p = a->pair;

	cp_store_set_tap(a->store, NULL, NULL);
	cp_repl_stop(p->repl, 1000);            /* what is queued goes first */
	__atomic_store_n(&a->dps.ctx.standby, 1, __ATOMIC_RELEASE);
	cp_io_set_silent(a->io, true);
	cp_repl_start(p->repl, false);
	p->role = HA_ROLE_STANDBY;
	CP_LOG(NOTICE, "pair: standby (reading the active's state from Redis)");
}

int
ha_pair_set_role(struct ha_app *a, const char *role, char *msg, size_t len)
{
	struct ha_pair *p = a->pair;
	enum ha_role want;

	if (strcmp(role, "active") == 0) {
		want = HA_ROLE_ACTIVE;
	} else if (strcmp(role, "standby") == 0) {
		want = HA_ROLE_STANDBY;
	} else {
		snprintf(msg, len, "role is active or standby, not \"%s\"", role);
		return -1;
	}
	if (p == NULL || p->role == HA_ROLE_STANDALONE) {
		snprintf(msg, len, "no pair configured (pair.redis)");
		return -1;
	}
	if (p->role == want) {
		snprintf(msg, len, "already %s", ha_role_name(want));
		return 0;
	}
	if (want == HA_ROLE_ACTIVE) {
		takeover(a);
		snprintf(msg, len, "active (took over in %lu ms)",
			 (unsigned long)p->info.takeover_ms);
	} else {
		to_standby(a);
		snprintf(msg, len, "standby");
	}
	return 0;
}

/* ------------------------------------------------------------------ lifecycle */

void
ha_pair_prestart(struct ha_app *a)
{
	if (a->cfg->pair.redis[0] == '\0' ||
	    (a->opts.role != NULL && strcmp(a->opts.role, "active") == 0))
		return;
	/* a standby from the first frame: the store's restore announces its bindings (NA,
	 * gratuitous ARP), which would pull the links' traffic away from the active */
	__atomic_store_n(&a->dps.ctx.standby, 1, __ATOMIC_RELEASE);
	cp_io_set_silent(a->io, true);
}

int
ha_pair_init(struct ha_app *a)
{
	const struct cfg_pair *c = &a->cfg->pair;
	struct ha_pair *p;

	if (c->redis[0] == '\0')
		return 0;
	if (a->store == NULL) {
		CP_LOG(ERR, "pair: needs the state store (store.path, --state)");
		return -EINVAL;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	p->tap_fd = -1;
	p->repl = cp_repl_create(c, a->store);
	if (p->repl == NULL) {
		free(p);
		return -ENOMEM;
	}
	if (c->liveness[0] != '\0') {
		p->tap_fd = liveness_open(c->liveness);
		if (p->tap_fd < 0) {
			CP_LOG(ERR, "pair: liveness interface %s: %s", c->liveness,
			       strerror(-p->tap_fd));
			cp_repl_free(p->repl);
			free(p);
			return -EIO;
		}
	}
	a->pair = p;
	p->info.configured = true;
	if (a->opts.role != NULL && strcmp(a->opts.role, "active") == 0) {
		/* told so at start: its own state (the store) is the pair's */
		p->role = HA_ROLE_ACTIVE;
		cp_store_set_tap(a->store, cp_repl_tap, p->repl);
		if (cp_repl_start(p->repl, true) != 0)
			return -EAGAIN;
	} else {
		/* silent until keepalived says otherwise */
		__atomic_store_n(&a->dps.ctx.standby, 1, __ATOMIC_RELEASE);
		cp_io_set_silent(a->io, true);
		p->role = HA_ROLE_STANDBY;
		if (cp_repl_start(p->repl, false) != 0)
			return -EAGAIN;
	}
	CP_LOG(NOTICE, "pair: %s, replication through %s (prefix %s)%s%s", ha_role_name(p->role),
	       c->redis, c->prefix, c->liveness[0] != '\0' ? ", liveness interface " : "",
	       c->liveness);
	return 0;
}

void
ha_pair_fini(struct ha_app *a)
{
	struct ha_pair *p = a->pair;

	if (p == NULL)
		return;
	cp_store_set_tap(a->store, NULL, NULL);
	cp_repl_stop(p->repl, p->role == HA_ROLE_ACTIVE ? 1000 : 0);
	while (p->n_retry > 0)
		cp_repl_rec_free(p->retry[--p->n_retry]);
	free(p->retry);
	cp_repl_free(p->repl);
	if (p->tap_fd >= 0)
		close(p->tap_fd);
	free(p);
	a->pair = NULL;
}

void
ha_pair_poll(struct ha_app *a)
{
	if (a->pair != NULL && a->pair->role == HA_ROLE_STANDBY)
		apply(a, APPLY_BUDGET);
}

bool
ha_pair_is_standby(const struct ha_app *a)
{
	return a->pair != NULL && a->pair->role == HA_ROLE_STANDBY;
}

void
ha_pair_info_get(const struct ha_app *a, struct ha_pair_info *i)
{
	memset(i, 0, sizeof(*i));
	if (a->pair == NULL)
		return;
	*i = a->pair->info;
	i->role = a->pair->role;
	cp_repl_stats_get(a->pair->repl, &i->repl);
}
