/* SPDX-License-Identifier: BSD-3-Clause */
/* The exception path for IKE: a net_tap port toward charon's namespace (see cp_ike_tap.h). */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "cp_ike_tap.h"
#include "cp_io.h"
#include "ha_app.h"
#include "ha_log.h"

struct ha_ike_tap {
	struct ha_app *app;
	uint16_t port;
	bool started;
	char vdev[32];
	uint8_t mac[6];               /* the kernel interface's: frames to it carry it */
	struct ha_ike_tap_stats st;
};

/* The MAC of interface name in this namespace. */
static int
if_mac(const char *name, uint8_t mac[6])
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc;

	if (s < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	rc = ioctl(s, SIOCGIFHWADDR, &ifr) == 0 ? 0 : -errno;
	if (rc == 0)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(s);
	return rc;
}

/* Interface name into namespace netns (RTM_NEWLINK with IFLA_NET_NS_FD, libmnl). */
static int
if_to_netns(const char *name, const char *netns)
{
	char buf[512], path[CFG_NAME_MAX + 32];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	unsigned int idx = if_nametoindex(name), seq = 1;
	int fd, rc = 0;

	if (idx == 0)
		return -ENODEV;
	snprintf(path, sizeof(path), "/var/run/netns/%s", netns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	nl = mnl_socket_open(NETLINK_ROUTE);
	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) != 0) {
		rc = -errno;
		goto out;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)idx;
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)fd);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		rc = -errno;
		goto out;
	}
	rc = (int)mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (rc > 0)
		rc = mnl_cb_run(buf, (size_t)rc, seq, mnl_socket_get_portid(nl), NULL, NULL) < 0 ?
		     -errno : 0;
	else
		rc = -EIO;
out:
	if (nl != NULL)
		mnl_socket_close(nl);
	close(fd);
	return rc;
}

/* An IP packet charon's stack sends that is for the wire: not to a multicast or broadcast
 * address, not from a link-local one (its ND, MLD, router solicitations stay there). */
static bool
for_the_wire(const uint8_t *ip, uint16_t len)
{
	if ((ip[0] >> 4) == 6)
		return len >= 40 && ip[24] != 0xff && !(ip[8] == 0xfe && (ip[9] & 0xc0) == 0x80);
	return len >= 20 && (ip[16] & 0xf0) != 0xe0 &&
	       !(ip[16] == 0xff && ip[17] == 0xff && ip[18] == 0xff && ip[19] == 0xff);
}

/* A punted IKE frame (cp_io's sink): to charon, addressed to its interface. */
static void
to_charon(void *arg, struct rte_mbuf *m)
{
	struct ha_ike_tap *t = arg;

	memcpy(rte_pktmbuf_mtod(m, uint8_t *), t->mac, 6);
	if (rte_eth_tx_burst(t->port, 0, &m, 1) == 1) {
		t->st.to_charon++;
		return;
	}
	t->st.dropped++;
	rte_pktmbuf_free(m);
}

struct ha_ike_tap *
ha_ike_tap_create(struct ha_app *a, const char *ifname, const char *netns)
{
	struct rte_eth_conf conf;
	struct ha_ike_tap *t = calloc(1, sizeof(*t));
	char spec[96];
	int rc;

	if (t == NULL)
		return NULL;
	t->app = a;
	snprintf(t->vdev, sizeof(t->vdev), "net_tap_ike");
	snprintf(spec, sizeof(spec), "%s,iface=%s", t->vdev, ifname);
	rc = rte_dev_probe(spec);
	if (rc == 0)
		rc = rte_eth_dev_get_port_by_name(t->vdev, &t->port);
	if (rc != 0) {
		CP_LOG(ERR, "IKE exception interface %s (net_tap): %s", ifname, strerror(-rc));
		free(t);
		return NULL;
	}
	memset(&conf, 0, sizeof(conf));
	rc = rte_eth_dev_configure(t->port, 1, 1, &conf);
	if (rc == 0)
		rc = rte_eth_rx_queue_setup(t->port, 0, 256, (unsigned int)rte_socket_id(), NULL,
					    a->pool);
	if (rc == 0)
		rc = rte_eth_tx_queue_setup(t->port, 0, 256, (unsigned int)rte_socket_id(), NULL);
	if (rc == 0)
		rc = rte_eth_dev_start(t->port);
	if (rc == 0)
		rc = if_mac(ifname, t->mac);
	if (rc == 0 && netns[0] != '\0')
		rc = if_to_netns(ifname, netns);
	if (rc != 0) {
		CP_LOG(ERR, "IKE exception interface %s%s%s: %s", ifname,
		       netns[0] != '\0' ? " into namespace " : "", netns, strerror(-rc));
		ha_ike_tap_free(t);
		return NULL;
	}
	t->started = true;
	cp_io_set_ike_sink(a->io, to_charon, t);
	CP_LOG(NOTICE, "IKE exception interface %s (ethdev %u)%s%s", ifname, t->port,
	       netns[0] != '\0' ? " in namespace " : "", netns);
	return t;
}

void
ha_ike_tap_free(struct ha_ike_tap *t)
{
	if (t == NULL)
		return;
	cp_io_set_ike_sink(t->app->io, NULL, NULL);
	if (t->started)
		rte_eth_dev_stop(t->port);
	rte_eth_dev_close(t->port);
	rte_eal_hotplug_remove("vdev", t->vdev);
	free(t);
}

uint16_t
ha_ike_tap_rx(struct ha_ike_tap *t, struct rte_mbuf **m)
{
	return t != NULL ? rte_eth_rx_burst(t->port, 0, m, HA_IKE_TAP_BURST) : 0;
}

void
ha_ike_tap_forward(struct ha_ike_tap *t, struct rte_mbuf **m, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		const uint8_t *f = rte_pktmbuf_mtod(m[i], const uint8_t *);
		uint16_t len = rte_pktmbuf_data_len(m[i]);
		uint16_t type = len >= 14 ? (uint16_t)(f[12] << 8 | f[13]) : 0;

		/* IP from charon's stack out as ours; its ARP, ND and MLD stay there (its
		 * gateway is a static neighbor, README) */
		if ((type == 0x0800 || type == 0x86dd) && for_the_wire(f + 14, (uint16_t)(len - 14)) &&
		    cp_io_send_ip(t->app->io, f + 14, (uint16_t)(len - 14)) == 0)
			t->st.from_charon++;
		else
			t->st.dropped++;
		rte_pktmbuf_free(m[i]);
	}
}

void
ha_ike_tap_stats_get(const struct ha_ike_tap *t, struct ha_ike_tap_stats *st)
{
	if (t == NULL) {
		memset(st, 0, sizeof(*st));
		return;
	}
	*st = t->st;
}
