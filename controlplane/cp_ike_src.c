/* SPDX-License-Identifier: BSD-3-Clause */
/* The IKE daemon's XFRM database into the mirror: netlink or a relay (see cp_ike_src.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/xfrm.h>
#include <rte_common.h>

#include "cp_esp.h"
#include "cp_ike_src.h"
#include "cp_ike_tap.h"
#include "cp_io.h"
#include "cp_store.h"
#include "cp_xfrm.h"
#include "ha_app.h"
#include "ha_log.h"

/* a relay file is looked at this often (an fstat and a read), and whenever charon sends:
 * the file's writer runs beside charon, not before its answers, so the data plane may lag
 * charon by this much (netlink has no such lag) */
#define RELAY_FILE_LOOK_MS 10
#define RELAY_BUF (1 << 20)           /* a relay's stream: whole messages are taken out */
#define NL_BUF 65536                  /* one recv of XFRM messages (the kernel's are < 8 KiB) */

struct ha_ike {
	struct cp_ike *mirror;
	struct ha_ike_tap *tap;
	struct mnl_socket *nl;
	int listen_fd;
	int relay_fd;
	uint8_t *rbuf;
	size_t rlen;
	char source[CFG_NAME_MAX + 96];
	uint64_t messages;
	uint64_t refused;
	char last_refused[200];
	bool redump;                  /* read charon's SAs again (netlink) */
	bool file;                    /* the relay appends to a file (ike.relay "file:...") */
	off_t foff;                   /* how far it is read */
	uint64_t next_look_ms;        /* next look at the file (RELAY_FILE_LOOK_MS) */
	uint64_t file_restarts;
	uint64_t redumps;
};

/* ------------------------------------------------------------------ the mirror's ops */

/* ::ffff:a.b.c.d (cp_xfrm's form of an IPv4 address) */
static bool
v4mapped(const struct in6_addr *a, uint32_t *v4)
{
	static const uint8_t pfx[12] = { [10] = 0xff, [11] = 0xff };

	if (memcmp(a->s6_addr, pfx, sizeof(pfx)) != 0)
		return false;
	memcpy(v4, &a->s6_addr[12], 4);
	return true;
}

static uint32_t
node_of(void *arg, const struct in6_addr *a)
{
	struct ha_app *app = arg;
	struct cp_mn *m;
	uint32_t v4;

	if (v4mapped(a, &v4)) {
		m = cp_mndb_find4(cp_mndb(app->cp), v4);
	} else {
		m = cp_mndb_find6(cp_mndb(app->cp), a);
	}
	return m != NULL ? m->idx : CP_IKE_NONE;
}

static bool
is_ha(void *arg, const struct in6_addr *a)
{
	const struct ha_app *app = arg;
	unsigned int i;
	uint32_t v4;

	if (v4mapped(a, &v4)) {
		if (app->cfg->ha.has_addr4 && v4 == app->cfg->ha.addr4)
			return true;
		for (i = 0; i < app->dps.ctx.n_ports; i++)
			if (app->dps.ctx.port[i].has4 && app->dps.ctx.port[i].ip4 == v4)
				return true;
		return false;
	}
	if (memcmp(a, &app->cfg->ha.addr6, 16) == 0)
		return true;
	for (i = 0; i < app->dps.ctx.n_ports; i++)
		if (app->dps.ctx.port[i].has6 && memcmp(a, &app->dps.ctx.port[i].ip6, 16) == 0)
			return true;
	return false;
}

static int
install(void *arg, uint32_t mn, const struct cfg_sa *sa, uint32_t *handle, uint32_t *prev)
{
	struct ha_app *app = arg;
	struct cp_mn *m = cp_mndb_get(cp_mndb(app->cp), mn);
	struct cfg_sa c = *sa;
	int rc;

	if (m == NULL)
		return -ENOENT;
	c.origin = CFG_SA_FROM_IKE;
	/* an SA this home agent ran before a restart (charon kept it; the dump brings it back)
	 * resumes above its stored reservation: the GCM nonce never repeats */
	{
		struct cfg_mn one = { .count = 1, .n_sas = 1 };

		one.sas[0] = c;
		cp_store_sa_starts_mn(app->store, &one);
		c.seq_start = one.sas[0].seq_start;
		memset(&one, 0, sizeof(one));
	}
	rc = cp_esp_sa_install(cp_io_esp_mut(app->io), m, &c, handle, prev);
	memset(c.key, 0, sizeof(c.key));
	memset(c.auth_key, 0, sizeof(c.auth_key));
	if (rc != 0) {
		CP_LOG(ERR, "IKE SA 0x%x of mobile node %s not installed: %s", sa->spi, m->id,
		       rc == -EEXIST ? "its SPI is in use" : strerror(-rc));
		return rc;
	}
	/* its reservation stored before it carries a packet; outbound traffic takes it now */
	ha_app_store_sync(app, true);
	cp_mn_republish(app->cp, mn);
	CP_AUDIT("IKE SA 0x%x (%s %s) installed for mobile node %s%s", sa->spi,
		 sa->dir == CFG_SA_IN ? "in" : "out",
		 sa->role == CFG_SA_SIGNALLING ? "signalling" : "payload", m->id,
		 *prev != CP_SA_NONE ? " (rekey)" : "");
	if (*prev == CP_SA_NONE)
		*prev = CP_IKE_NONE;
	return 0;
}

static void
remove_sa(void *arg, uint32_t mn, uint32_t handle, const struct cfg_sa *sa)
{
	struct ha_app *app = arg;
	struct cp_mn *m = cp_mndb_get(cp_mndb(app->cp), mn);

	if (m == NULL)
		return;
	cp_esp_sa_remove(cp_io_esp_mut(app->io), m, handle, sa->spi);
	cp_mn_republish(app->cp, mn);
	CP_AUDIT("IKE SA 0x%x of mobile node %s removed", sa->spi, m->id);
}

/* ------------------------------------------------------------------ messages */

void
ha_ike_feed(struct ha_app *a, const uint8_t *buf, size_t len)
{
	struct ha_ike *k = a->ike;
	size_t off = 0, n;

	if (k == NULL)
		return;
	for (; (n = cp_xfrm_msg_len(buf + off, len - off)) != 0; off += n) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)(buf + off);
		struct cp_xfrm_event ev;
		char why[200];

		if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_NOOP ||
		    nlh->nlmsg_type == NLMSG_ERROR)
			continue;
		k->messages++;
		if (cp_xfrm_parse(nlh, nlh->nlmsg_len, &ev, why, sizeof(why)) != 0) {
			k->refused++;
			snprintf(k->last_refused, sizeof(k->last_refused), "%s", why);
			CP_LOG(WARNING, "IKE: %s", why);
			continue;
		}
		cp_ike_event(k->mirror, &ev);
		memset(&ev, 0, sizeof(ev));   /* keys */
	}
}

/* ------------------------------------------------------------------ netlink */

/* A netlink socket for XFRM in namespace ns ("": this one), subscribed to SAs, policies and
 * expiries. */
static struct mnl_socket *
nl_open(const char *ns)
{
	int self = -1, there = -1;
	struct mnl_socket *nl = NULL;
	char path[CFG_NAME_MAX + 32];

	if (ns[0] != '\0') {
		snprintf(path, sizeof(path), "/var/run/netns/%s", ns);
		self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		there = open(path, O_RDONLY | O_CLOEXEC);
		if (self < 0 || there < 0 || setns(there, CLONE_NEWNET) != 0)
			goto out;
	}
	/* the socket belongs to the namespace it was made in, whatever this thread does next */
	nl = mnl_socket_open(NETLINK_XFRM);
	if (nl != NULL && mnl_socket_bind(nl, XFRMGRP_SA | XFRMGRP_POLICY | XFRMGRP_EXPIRE,
					  MNL_SOCKET_AUTOPID) != 0) {
		mnl_socket_close(nl);
		nl = NULL;
	}
	if (ns[0] != '\0' && setns(self, CLONE_NEWNET) != 0)
		CP_LOG(ERR, "IKE: back to our network namespace: %s", strerror(errno));
out:
	if (self >= 0)
		close(self);
	if (there >= 0)
		close(there);
	return nl;
}

/* What is installed already: a dump of type (GETSA, GETPOLICY), read to its end. */
static int
nl_dump(struct ha_app *a, uint16_t type)
{
	struct ha_ike *k = a->ike;
	static char buf[NL_BUF];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	unsigned int seq = (unsigned int)time(NULL);
	ssize_t n;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	if (type == XFRM_MSG_GETSA)
		mnl_nlmsg_put_extra_header(nlh, sizeof(struct xfrm_usersa_info));
	else
		mnl_nlmsg_put_extra_header(nlh, sizeof(struct xfrm_userpolicy_info));
	if (mnl_socket_sendto(k->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		size_t off, len;

		n = mnl_socket_recvfrom(k->nl, buf, sizeof(buf));
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		ha_ike_feed(a, (const uint8_t *)buf, (size_t)n);
		for (off = 0; (len = cp_xfrm_msg_len(buf + off, (size_t)n - off)) != 0;
		     off += len) {
			const struct nlmsghdr *h = (const struct nlmsghdr *)(buf + off);

			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
				return 0;
		}
	}
}

/* ------------------------------------------------------------------ relay */

static int
relay_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || chmod(path, 0600) != 0 ||
	    listen(fd, 1) != 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

/* Whole messages out of the relay's stream; a message longer than the buffer or shorter
 * than a header ends the connection (the relay starts again with a dump). */
static void
relay_read(struct ha_app *a)
{
	struct ha_ike *k = a->ike;
	ssize_t n;

	while ((n = read(k->relay_fd, k->rbuf + k->rlen, RELAY_BUF - k->rlen)) > 0) {
		size_t off = 0;

		k->rlen += (size_t)n;
		k->foff += n;
		while (k->rlen - off >= sizeof(struct nlmsghdr)) {
			const struct nlmsghdr *h = (const struct nlmsghdr *)(k->rbuf + off);
			size_t len = h->nlmsg_len;   /* aligned below, once it is known to fit */

			if (len < sizeof(*h) || len > RELAY_BUF - 4) {
				CP_LOG(WARNING, "IKE relay: a message of %u bytes: disconnected",
				       h->nlmsg_len);
				close(k->relay_fd);
				k->relay_fd = -1;
				k->rlen = 0;
				return;
			}
			if (k->rlen - off < len)
				break;
			ha_ike_feed(a, k->rbuf + off, len);
			off += RTE_MIN((len + 3) & ~(size_t)3, k->rlen - off);
		}
		memmove(k->rbuf, k->rbuf + off, k->rlen - off);
		k->rlen -= off;
	}
	if (k->file)
		return;   /* the end of what is written so far: more comes */
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
		CP_LOG(NOTICE, "IKE relay disconnected");
		close(k->relay_fd);
		k->relay_fd = -1;
		k->rlen = 0;
	}
}

/* A node went (removed, or replaced by a reload): its IKE SAs went with it; read charon's
 * again so that the node that comes back gets them (netlink; a relay sends what changes). */
static void
node_gone(void *arg, uint32_t mn)
{
	struct ha_app *a = arg;

	cp_ike_node_gone(a->ike->mirror, mn);
	a->ike->redump = a->ike->nl != NULL;
}

/* ------------------------------------------------------------------ lifecycle */

int
ha_ike_init(struct ha_app *a)
{
	const struct cfg_ike *c = &a->cfg->ike;
	struct cp_ike_ops ops = { .arg = a, .node_of = node_of, .is_ha = is_ha,
				  .install = install, .remove = remove_sa };
	struct ha_ike *k;
	int rc;

	if (!c->enabled)
		return 0;
	k = calloc(1, sizeof(*k));
	if (k == NULL)
		return -ENOMEM;
	k->listen_fd = k->relay_fd = -1;
	k->mirror = cp_ike_create(&ops, a->cfg->cap.sas);
	if (k->mirror == NULL) {
		free(k);
		return -ENOMEM;
	}
	a->ike = k;
	if (strncmp(c->relay, "file:", 5) == 0) {
		/* a file the relay appends to: what a kernel that shares only a filesystem
		 * with us can write (the lab's User-Mode Linux, through hostfs) */
		k->rbuf = malloc(RELAY_BUF);
		if (k->rbuf == NULL) {
			ha_ike_fini(a);
			return -ENOMEM;
		}
		k->file = true;
		snprintf(k->source, sizeof(k->source), "relay file %s", c->relay + 5);
	} else if (c->relay[0] != '\0') {
		k->rbuf = malloc(RELAY_BUF);
		k->listen_fd = k->rbuf != NULL ? relay_listen(c->relay) : -ENOMEM;
		if (k->listen_fd < 0) {
			CP_LOG(ERR, "IKE relay socket %s: %s", c->relay, strerror(-k->listen_fd));
			ha_ike_fini(a);
			return -EIO;
		}
		snprintf(k->source, sizeof(k->source), "relay %s", c->relay);
	} else {
		k->nl = nl_open(c->netns);
		if (k->nl == NULL) {
			CP_LOG(ERR, "IKE: XFRM netlink%s%s: %s", c->netns[0] != '\0' ? " in " : "",
			       c->netns, strerror(errno));
			ha_ike_fini(a);
			return -EIO;
		}
		/* SAs first, as charon installs them; then the policies that name their nodes */
		rc = nl_dump(a, XFRM_MSG_GETSA);
		if (rc == 0)
			rc = nl_dump(a, XFRM_MSG_GETPOLICY);
		if (rc != 0)
			CP_LOG(WARNING, "IKE: XFRM dump: %s", strerror(-rc));
		fcntl(mnl_socket_get_fd(k->nl), F_SETFL, O_NONBLOCK);
		snprintf(k->source, sizeof(k->source), "netlink%s%s",
			 c->netns[0] != '\0' ? " in " : "", c->netns);
	}
	if (c->tap[0] != '\0') {
		k->tap = ha_ike_tap_create(a, c->tap, c->relay[0] == '\0' ? c->netns : "");
		if (k->tap == NULL) {
			ha_ike_fini(a);
			return -EIO;
		}
	}
	cp_io_set_node_gone(a->io, node_gone, a);
	CP_LOG(NOTICE, "IKE: SAs from %s", k->source);
	return 0;
}

/* What charon installed, into the mirror: netlink, a relay socket, a relay file (looked at
 * every RELAY_FILE_LOOK_MS, or now). */
static void
source_read(struct ha_app *a, bool now)
{
	struct ha_ike *k = a->ike;
	static char buf[NL_BUF];
	ssize_t n;
	int budget = 64;

	if (k->nl != NULL && k->redump) {
		int fd = mnl_socket_get_fd(k->nl);

		/* what is installed, read again (notifications lost, or nodes replaced) */
		k->redump = false;
		k->redumps++;
		fcntl(fd, F_SETFL, 0);
		if (nl_dump(a, XFRM_MSG_GETSA) != 0 || nl_dump(a, XFRM_MSG_GETPOLICY) != 0)
			CP_LOG(WARNING, "IKE: XFRM dump again: %s", strerror(errno));
		fcntl(fd, F_SETFL, O_NONBLOCK);
	}
	if (k->nl != NULL) {
		while (budget-- > 0 && (n = mnl_socket_recvfrom(k->nl, buf, sizeof(buf))) > 0)
			ha_ike_feed(a, (const uint8_t *)buf, (size_t)n);
		if (budget >= 0 && errno == ENOBUFS) {
			/* the kernel dropped notifications: counted, said, read all again */
			k->redump = true;
			k->refused++;
			snprintf(k->last_refused, sizeof(k->last_refused),
				 "XFRM notifications lost (ENOBUFS)");
			CP_LOG(WARNING, "IKE: XFRM notifications lost (ENOBUFS)");
		}
		return;
	}
	if (k->file) {
		struct stat st;
		uint64_t t = ha_app_now_ms(a);

		if (t < k->next_look_ms && !now)
			return;
		k->next_look_ms = t + RELAY_FILE_LOOK_MS;
		if (k->relay_fd < 0) {
			k->relay_fd = open(a->cfg->ike.relay + 5, O_RDONLY | O_CLOEXEC);
			k->foff = 0;
			k->rlen = 0;
		}
		/* a relay that starts again truncates the file and writes a dump first */
		if (k->relay_fd >= 0 && fstat(k->relay_fd, &st) == 0 && st.st_size < k->foff) {
			lseek(k->relay_fd, 0, SEEK_SET);
			k->foff = 0;
			k->rlen = 0;
			k->file_restarts++;
		}
	} else if (k->relay_fd < 0 && k->listen_fd >= 0) {
		k->relay_fd = accept4(k->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (k->relay_fd >= 0)
			CP_LOG(NOTICE, "IKE relay connected");
	}
	if (k->relay_fd >= 0)
		relay_read(a);
}

void
ha_ike_poll(struct ha_app *a)
{
	struct ha_ike *k = a->ike;
	struct rte_mbuf *m[HA_IKE_TAP_BURST];
	uint16_t n;

	if (k == NULL)
		return;
	cp_ike_tick(k->mirror, ha_app_now_ms(a));
	/* charon's packets are taken in before its SAs are read and sent after: an SA it
	 * installed before it answered (the new inbound SA of a rekey it answers) is in the
	 * data plane before the answer reaches the peer, which may use it at once (netlink
	 * delivers the notification before charon's send returns; a relay file is looked at
	 * now) */
	n = ha_ike_tap_rx(k->tap, m);
	source_read(a, n > 0);
	ha_ike_tap_forward(k->tap, m, n);
}

void
ha_ike_fini(struct ha_app *a)
{
	struct ha_ike *k = a->ike;

	if (k == NULL)
		return;
	cp_io_set_node_gone(a->io, NULL, NULL);
	ha_ike_tap_free(k->tap);
	if (k->nl != NULL)
		mnl_socket_close(k->nl);
	if (k->relay_fd >= 0)
		close(k->relay_fd);
	if (k->listen_fd >= 0) {
		close(k->listen_fd);
		unlink(a->cfg->ike.relay);   /* the socket is ours; a relay's file is not */
	}
	free(k->rbuf);
	cp_ike_free(k->mirror);
	free(k);
	a->ike = NULL;
}

void
ha_ike_info_get(const struct ha_app *a, struct ha_ike_info *i)
{
	const struct ha_ike *k = a->ike;

	memset(i, 0, sizeof(*i));
	if (k == NULL) {
		i->source = "";
		return;
	}
	i->enabled = true;
	i->source = k->source;
	i->connected = k->nl != NULL || k->relay_fd >= 0;
	i->redumps += k->file_restarts;
	i->messages = k->messages;
	i->redumps = k->redumps;
	i->refused = k->refused;
	snprintf(i->last_refused, sizeof(i->last_refused), "%s", k->last_refused);
	cp_ike_stats_get(k->mirror, &i->mirror);
	ha_ike_tap_stats_get(k->tap, &i->tap);
	i->has_tap = k->tap != NULL;
}
