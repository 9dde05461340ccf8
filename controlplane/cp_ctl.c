/* SPDX-License-Identifier: BSD-3-Clause */
/* The control socket and the run-time writes of dsmip-ctl (see cp_ctl.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cp_ctl.h"
#include "cp_esp.h"
#include "cp_pair.h"
#include "cp_query.h"
#include "ha_app.h"
#include "ha_log.h"

#define REQ_MAX 8192
#define CONN_DEADLINE_MS 2000         /* to send its line and take the answer */
#define CONNS 8                       /* clients served at once */

/* ------------------------------------------------------------------ replies */

struct reply {
	char buf[4096];
	size_t len;
};

/*
 * One client: it sends its line, gets its answer, and is closed. Nothing here waits: each
 * pass of the control loop reads what has arrived and writes what the socket takes, so a
 * client that trickles bytes or never reads holds only its own slot, until its deadline.
 */
enum conn_state { CONN_FREE, CONN_READING, CONN_WRITING };

struct conn {
	int fd;
	uint8_t state;                /* enum conn_state */
	uint64_t deadline_ms;
	size_t len;                   /* request bytes read */
	size_t sent;                  /* answer bytes written */
	char *req;                    /* REQ_MAX bytes */
	struct reply *r;
};

struct cp_ctl {
	int fd;
	char path[108];
	struct conn conn[CONNS];
	uint64_t timeouts;            /* clients closed at their deadline */
};

static void
conn_close(struct conn *k)
{
	close(k->fd);
	free(k->req);
	free(k->r);
	memset(k, 0, sizeof(*k));
	k->fd = -1;
}

struct cp_ctl *
cp_ctl_create(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct cp_ctl *c;
	unsigned int i;

	if (strlen(path) >= sizeof(a.sun_path)) {
		CP_LOG(ERR, "control socket %s: path too long", path);
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	for (i = 0; i < CONNS; i++)
		c->conn[i].fd = -1;
	snprintf(c->path, sizeof(c->path), "%s", path);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	unlink(path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	/* root only: writes change what the home agent forwards */
	if (c->fd < 0 || bind(c->fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    chmod(path, 0600) != 0 || listen(c->fd, 8) != 0) {
		CP_LOG(ERR, "control socket %s: %s", path, strerror(errno));
		cp_ctl_free(c);
		return NULL;
	}
	CP_LOG(INFO, "control socket %s", path);
	return c;
}

void
cp_ctl_free(struct cp_ctl *c)
{
	unsigned int i;

	if (c == NULL)
		return;
	for (i = 0; i < CONNS; i++)
		if (c->conn[i].state != CONN_FREE)
			conn_close(&c->conn[i]);
	if (c->fd >= 0) {
		close(c->fd);
		unlink(c->path);
	}
	free(c);
}

static void __attribute__((format(printf, 2, 3)))
say(struct reply *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->len >= sizeof(r->buf))
		return;
	va_start(ap, fmt);
	n = vsnprintf(r->buf + r->len, sizeof(r->buf) - r->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		r->len += (size_t)n;
	if (r->len > sizeof(r->buf))
		r->len = sizeof(r->buf);
}

static void
say_oom(int fd)
{
	static const char msg[] = "ERR out of memory\n";

	if (write(fd, msg, sizeof(msg) - 1) < 0)
		CP_LOG(DEBUG, "control socket: reply not sent: %s", strerror(errno));
}

static void
say_status(struct reply *r, const struct cfg_status *st)
{
	unsigned int i;

	say(r, "ERR %s\n", st->errors[0]);
	for (i = 1; i < st->n_errors && i < CFG_ERR_MAX; i++)
		say(r, "%s\n", st->errors[i]);
}

/* ------------------------------------------------------------------ commands */

static void
cmd_mn_add(struct ha_app *app, const char *arg, struct reply *r)
{
	struct cfg_status *st = calloc(1, sizeof(*st));
	char buf[HA_ADDR_STRLEN];
	struct cp_mn *m;
	struct cfg_mn mn;
	uint32_t idx;
	int rc;

	if (st == NULL) {
		say(r, "ERR out of memory\n");
		return;
	}
	if (cfg_parse_mn_text(cp_cfg(app->cp), arg, &mn, st) != 0) {
		say_status(r, st);
	} else if (mn.count > 1) {
		say(r, "ERR one mobile node per request (count is for the config file)\n");
	} else if ((m = cp_mndb_find_id(cp_mndb(app->cp), mn.id)) != NULL) {
		say(r, "ERR mobile node %s exists (mn-del it first, or reload)\n", mn.id);
	} else if ((m = cp_mndb_find6(cp_mndb(app->cp), &mn.hoa6)) != NULL) {
		say(r, "ERR home address %s belongs to mobile node %s\n",
		    ha_addr6_str(&mn.hoa6, buf, sizeof(buf)), m->id);
	} else if (mn.hoa4_mode == CFG_HOA4_STATIC &&
		   (m = cp_mndb_find4(cp_mndb(app->cp), mn.hoa4)) != NULL) {
		say(r, "ERR IPv4 home address %s belongs to mobile node %s\n",
		    ha_addr4_str(mn.hoa4, buf, sizeof(buf)), m->id);
	} else if ((m = cp_mndb_prefix_clash(cp_mndb(app->cp), &mn)) != NULL) {
		say(r, "ERR a mobile network prefix of %s overlaps one of mobile node %s\n", mn.id,
		    m->id);
	} else if (cp_store_sa_starts_mn(app->store, &mn),
		   (rc = cp_mn_add_rt(app->cp, &mn, &idx)) != 0) {
		say(r, "ERR mobile node %s: %s\n", mn.id, rc == -EEXIST ?
		    "an address, prefix or SPI of it is already in use" : rc == -ENOSPC ?
		    "capacity.bindings reached" : strerror(-rc));
	} else {
		cp_query_mn_counters_reset(app, idx);
		ha_app_store_sync(app, true);
		CP_AUDIT("mobile node %s added at run time", mn.id);
		say(r, "OK mobile node %s added\n", mn.id);
	}
	free(st);
}

static void
cmd_mn_del(struct ha_app *app, const char *arg, struct reply *r)
{
	struct cp_mn *m = cp_query_node(app, arg);
	char id[CFG_NAME_MAX];

	if (m == NULL) {
		say(r, "ERR no mobile node %s\n", arg);
		return;
	}
	snprintf(id, sizeof(id), "%s", m->id);
	/* policy.revocation: the node hears of it (RFC 5846); its record goes after that */
	if (cp_cfg(app->cp)->policy.revocation && !cp_revoking(app->cp, m->idx) &&
	    cp_revoke(app->cp, m->idx, true, ha_app_now_ms(app)) == 0) {
		CP_AUDIT("mobile node %s removed at run time (binding revoked)", id);
		say(r, "OK mobile node %s removed (binding revoked: the node record goes with its "
		    "acknowledgement)\n", id);
		return;
	}
	cp_mn_del(app->cp, m->idx, ha_app_now_ms(app));
	CP_AUDIT("mobile node %s removed at run time", id);
	say(r, "OK mobile node %s removed\n", id);
}

/* An SPI used before (before a restart, or by a node since removed) resumes its numbers. */
static void
sa_resume(struct ha_app *app, struct cfg_sa *sa)
{
	struct cfg_mn one;

	memset(&one, 0, sizeof(one));
	one.count = 1;
	one.n_sas = 1;
	one.sas[0] = *sa;
	cp_store_sa_starts_mn(app->store, &one);
	sa->seq_start = one.sas[0].seq_start;
}

static void
cmd_sa_add(struct ha_app *app, const char *arg, struct reply *r)
{
	struct cfg_status *st = calloc(1, sizeof(*st));
	char key[64];
	const char *text = arg;
	struct cp_mn *m;
	struct cfg_sa sa;
	size_t n = strcspn(arg, " \t");
	int rc;

	if (st == NULL) {
		say(r, "ERR out of memory\n");
		return;
	}
	snprintf(key, sizeof(key), "%.*s", (int)(n < sizeof(key) ? n : sizeof(key) - 1), arg);
	text += n;
	m = cp_query_node(app, key);
	if (m == NULL) {
		say(r, "ERR no mobile node %s (usage: sa-add NODE { spi = ...; ... })\n", key);
	} else if (cfg_parse_sa_text(cp_cfg(app->cp), text, &sa, st) != 0) {
		say_status(r, st);
	} else if (sa.origin = CFG_SA_FROM_CTL, sa_resume(app, &sa),
		   (rc = cp_esp_sa_add(cp_io_esp_mut(app->io), m, &sa)) != 0) {
		say(r, "ERR SA 0x%x: %s\n", sa.spi, rc == -EEXIST ?
		    "the node already has an SA of that role and direction, or the SPI is in use" :
		    strerror(-rc));
	} else {
		cp_mn_rt_sa(app->cp, m->idx, &sa, true);
		cp_mn_republish(app->cp, m->idx);
		ha_app_store_sync(app, true);
		CP_AUDIT("SA 0x%x added to mobile node %s at run time", sa.spi, m->id);
		if (sa.alg == CFG_ALG_AES128_GCM || sa.alg == CFG_ALG_AES256_GCM)
			CP_LOG(WARNING, "SA 0x%x: AES-GCM with a manual key (policy.allow_manual_gcm, "
			       "labs only)", sa.spi);
		say(r, "OK SA 0x%x added to %s\n", sa.spi, m->id);
	}
	free(st);
}

static void
cmd_sa_del(struct ha_app *app, const char *arg, struct reply *r)
{
	struct cp_mndb *db = cp_mndb(app->cp);
	uint32_t spi = (uint32_t)strtoul(arg, NULL, 0), i;

	for (i = 0; i < cp_mndb_capacity(db); i++) {
		struct cp_mn *m = cp_mndb_get(db, i);
		struct cfg_sa gone;

		if (m != NULL && cp_esp_sa_del(cp_io_esp_mut(app->io), m, spi, &gone) == 0) {
			cp_mn_rt_sa(app->cp, m->idx, &gone, false);
			cp_mn_republish(app->cp, m->idx);
			CP_AUDIT("SA 0x%x of mobile node %s removed at run time", spi, m->id);
			say(r, "OK SA 0x%x of %s removed\n", spi, m->id);
			return;
		}
	}
	say(r, "ERR no SA 0x%x\n", spi);
}

/* End one binding: revoked (a BRI to the node) or flushed (nothing sent; also one still in
 * DAD, whose node was never told it is accepted). */
static int
end_binding(struct ha_app *app, uint32_t idx, bool revoke, uint64_t now)
{
	if (revoke && cp_revoke(app->cp, idx, false, now) == 0)
		return 0;
	return cp_binding_flush(app->cp, idx, now);
}

/* flush ends bindings silently unless policy.revocation; revoke always tells the node. */
static void
cmd_end(struct ha_app *app, const char *arg, bool revoke, struct reply *r)
{
	uint64_t now = ha_app_now_ms(app);
	struct cp_mndb *db = cp_mndb(app->cp);
	uint32_t i, n = 0;
	const char *what;

	revoke = revoke || cp_cfg(app->cp)->policy.revocation;
	what = revoke ? "revoked" : "flushed";
	if (strcmp(arg, "all") == 0) {
		for (i = 0; i < cp_mndb_capacity(db); i++)
			if (cp_mndb_get(db, i) != NULL && end_binding(app, i, revoke, now) == 0)
				n++;
		say(r, "OK %u bindings %s\n", n, what);
		return;
	}
	{
		struct cp_mn *m = cp_query_node(app, arg);

		if (m == NULL)
			say(r, "ERR no mobile node %s\n", arg);
		else if (end_binding(app, m->idx, revoke, now) != 0)
			say(r, "ERR mobile node %s has no binding\n", m->id);
		else
			say(r, "OK binding of %s %s\n", m->id, what);
	}
}

/* switch NODE|all HA-ADDRESS...: RFC 5142 Home Agent Switch to each registered node. */
static void
cmd_switch(struct ha_app *app, char *arg, struct reply *r)
{
	struct in6_addr ha[WIRE_HA_SWITCH_MAX];
	struct cp_mndb *db = cp_mndb(app->cp);
	char *who = strtok(arg, " \t"), *a;
	unsigned int n = 0;
	uint32_t i, sent = 0;

	while ((a = strtok(NULL, " \t")) != NULL) {
		if (n == WIRE_HA_SWITCH_MAX) {
			say(r, "ERR at most %u home agent addresses\n", WIRE_HA_SWITCH_MAX);
			return;
		}
		if (inet_pton(AF_INET6, a, &ha[n]) != 1) {
			say(r, "ERR %s is not an IPv6 address\n", a);
			return;
		}
		n++;
	}
	if (who == NULL || n == 0) {
		say(r, "ERR usage: switch ID|ADDRESS|all HA-ADDRESS...\n");
		return;
	}
	if (strcmp(who, "all") == 0) {
		for (i = 0; i < cp_mndb_capacity(db); i++)
			if (cp_mndb_get(db, i) != NULL && cp_ha_switch(app->cp, i, ha, n) == 0)
				sent++;
		CP_AUDIT("Home Agent Switch sent to %u nodes", sent);
		say(r, "OK Home Agent Switch sent to %u nodes\n", sent);
		return;
	}
	{
		struct cp_mn *m = cp_query_node(app, who);

		if (m == NULL) {
			say(r, "ERR no mobile node %s\n", who);
		} else if (cp_ha_switch(app->cp, m->idx, ha, n) != 0) {
			say(r, "ERR mobile node %s has no binding\n", m->id);
		} else {
			CP_AUDIT("Home Agent Switch sent to %s", m->id);
			say(r, "OK Home Agent Switch sent to %s\n", m->id);
		}
	}
}

static void
cmd_reload(struct ha_app *app, struct reply *r)
{
	char err[2048];

	if (cp_ctl_reload(app, err, sizeof(err)) == 0)
		say(r, "OK %s\n", err);
	else
		say(r, "ERR %s\n", err);
}

static void
cmd_role(struct ha_app *app, const char *arg, struct reply *r)
{
	char msg[256];

	if (ha_pair_set_role(app, arg, msg, sizeof(msg)) == 0)
		say(r, "OK %s\n", msg);
	else
		say(r, "ERR %s\n", msg);
}

static void
dispatch(struct ha_app *app, char *req, struct reply *r)
{
	char *arg = req + strcspn(req, " \t");

	if (*arg != '\0')
		*arg++ = '\0';
	arg += strspn(arg, " \t");
	if (strcmp(req, "role") == 0) {
		cmd_role(app, arg, r);
	} else if (ha_pair_is_standby(app) && strcmp(req, "reload") != 0) {
		/* the standby follows the active's state: changes are made there */
		say(r, "ERR this home agent is the standby of a pair: %s on the active\n", req);
	} else if (strcmp(req, "mn-add") == 0) {
		cmd_mn_add(app, arg, r);
	} else if (strcmp(req, "mn-del") == 0) {
		cmd_mn_del(app, arg, r);
	} else if (strcmp(req, "sa-add") == 0) {
		cmd_sa_add(app, arg, r);
	} else if (strcmp(req, "sa-del") == 0) {
		cmd_sa_del(app, arg, r);
	} else if (strcmp(req, "flush") == 0) {
		cmd_end(app, arg, false, r);
	} else if (strcmp(req, "revoke") == 0) {
		cmd_end(app, arg, true, r);
	} else if (strcmp(req, "switch") == 0) {
		cmd_switch(app, arg, r);
	} else if (strcmp(req, "reload") == 0) {
		cmd_reload(app, r);
	} else {
		say(r, "ERR unknown command \"%s\" (mn-add, mn-del, sa-add, sa-del, flush, revoke, "
		    "switch, reload, role)\n", req);
	}
}

static void
conn_accept(struct cp_ctl *c, uint64_t now)
{
	unsigned int i;

	for (i = 0; i < CONNS; i++) {
		struct conn *k = &c->conn[i];
		int fd;

		if (k->state != CONN_FREE)
			continue;
		fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;             /* nobody waiting: the usual case, nothing allocated */
		k->fd = fd;
		k->req = malloc(REQ_MAX);
		k->r = calloc(1, sizeof(*k->r));
		if (k->req == NULL || k->r == NULL) {
			say_oom(fd);
			conn_close(k);
			continue;
		}
		k->state = CONN_READING;
		k->deadline_ms = now + CONN_DEADLINE_MS;
	}
}

/* Read what has arrived; a whole line (or the client's end of sending) is a request. */
static void
conn_read(struct conn *k, struct ha_app *app)
{
	bool done = false;

	for (;;) {
		ssize_t n = read(k->fd, k->req + k->len, REQ_MAX - 1 - k->len);

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			done = true;        /* end of the request (or an error) */
			break;
		}
		k->len += (size_t)n;
		if (memchr(k->req, '\n', k->len) != NULL || k->len + 1 >= REQ_MAX) {
			done = true;
			break;
		}
	}
	if (!done)
		return;
	k->req[k->len] = '\0';
	k->req[strcspn(k->req, "\r\n")] = '\0';
	if (k->req[0] != '\0')
		dispatch(app, k->req, k->r);
	else
		say(k->r, "ERR no request line\n");
	k->state = CONN_WRITING;
}

/* Write what the socket takes; closed when all is out. */
static bool
conn_write(struct conn *k)
{
	while (k->sent < k->r->len) {
		ssize_t n = write(k->fd, k->r->buf + k->sent, k->r->len - k->sent);

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return false;
		if (n <= 0)
			return true;        /* gone: nothing more to do */
		k->sent += (size_t)n;
	}
	return true;
}

uint64_t
cp_ctl_timeouts(const struct cp_ctl *c)
{
	return c != NULL ? c->timeouts : 0;
}

void
cp_ctl_poll(struct cp_ctl *c, struct ha_app *app)
{
	uint64_t now;
	unsigned int i;

	if (c == NULL)
		return;
	now = ha_app_now_ms(app);
	conn_accept(c, now);
	for (i = 0; i < CONNS; i++) {
		struct conn *k = &c->conn[i];

		if (k->state == CONN_READING)
			conn_read(k, app);
		if (k->state == CONN_WRITING && conn_write(k)) {
			conn_close(k);
			continue;
		}
		if (k->state != CONN_FREE && now >= k->deadline_ms) {
			/* a client that does not send its line, or does not read its answer */
			if (k->state == CONN_READING && write(k->fd, "ERR timeout\n", 12) < 0)
				CP_LOG(DEBUG, "control socket: client gone at its deadline");
			c->timeouts++;
			conn_close(k);
		}
	}
}
