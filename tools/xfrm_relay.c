/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dsmip-xfrm-relay: runs where charon runs (its kernel's XFRM database: another VM; in this
 * project's lab, the User-Mode Linux that has ESP), and streams that kernel's XFRM messages,
 * byte for byte, to the home agent's relay (config ike.relay): a dump of the SAs and
 * policies first, then every notification. When the home agent goes away it starts again
 * (connect, dump) until stopped.
 *   dsmip-xfrm-relay OUT      OUT: the home agent's unix socket, or file:PATH, a file it
 *                             truncates and appends to (a kernel that shares only a
 *                             filesystem with the home agent: UML through hostfs)
 * Exit status: 0 on SIGINT/SIGTERM, 1 on an error of its own netlink socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* The home agent's end: file:PATH truncated (the home agent starts reading again), or its
 * unix socket connected. */
static int
out_open(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strncmp(path, "file:", 5) == 0)
		return open(path + 5, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A dump request of type (GETSA, GETPOLICY) on nl. */
static int
dump(struct mnl_socket *nl, uint16_t type, unsigned int seq)
{
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	mnl_nlmsg_put_extra_header(nlh, type == XFRM_MSG_GETSA ?
				   sizeof(struct xfrm_usersa_info) :
				   sizeof(struct xfrm_userpolicy_info));
	return mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0 ? -1 : 0;
}

int
main(int argc, char **argv)
{
	static char buf[65536];
	struct sigaction sa = { .sa_handler = on_signal };

	if (argc != 2) {
		fprintf(stderr, "usage: %s OUT   (the home agent's ike.relay socket, or file:PATH)\n",
			argv[0]);
		return 2;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	while (!stop) {
		struct mnl_socket *nl = mnl_socket_open(NETLINK_XFRM);
		int out = out_open(argv[1]);
		unsigned int seq = (unsigned int)time(NULL);
		int phase = 0;   /* 0: the SA dump, 1: the policy dump, 2: notifications */

		if (nl == NULL || mnl_socket_bind(nl, XFRMGRP_SA | XFRMGRP_POLICY |
						  XFRMGRP_EXPIRE, MNL_SOCKET_AUTOPID) != 0) {
			perror("dsmip-xfrm-relay: XFRM netlink");
			return 1;
		}
		if (out < 0) {
			mnl_socket_close(nl);
			sleep(1);   /* the home agent is not there yet */
			continue;
		}
		fprintf(stderr, "dsmip-xfrm-relay: streaming to %s\n", argv[1]);
		if (dump(nl, XFRM_MSG_GETSA, seq) != 0) {
			perror("dsmip-xfrm-relay: dump");
			return 1;
		}
		while (!stop) {
			ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
			const struct nlmsghdr *h;
			size_t off;

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && errno == ENOBUFS)
				break;   /* notifications lost: start again with a dump */
			if (n <= 0) {
				perror("dsmip-xfrm-relay: recv");
				return 1;
			}
			if (write_all(out, buf, (size_t)n) != 0)
				break;   /* the home agent went: connect again */
			/* the end of a dump starts the next one */
			for (off = 0; phase < 2 && off + sizeof(*h) <= (size_t)n;) {
				h = (const struct nlmsghdr *)(buf + off);
				if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > (size_t)n - off)
					break;
				if (h->nlmsg_type == NLMSG_DONE && ++phase == 1 &&
				    dump(nl, XFRM_MSG_GETPOLICY, seq + 1) != 0)
					return 1;
				off += (h->nlmsg_len + 3) & ~3u;
			}
		}
		close(out);
		mnl_socket_close(nl);
	}
	return 0;
}
