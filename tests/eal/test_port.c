/* SPDX-License-Identifier: BSD-3-Clause */
/* EAL tier: port bring-up on real virtual PMDs, and the worker loop's start and stop. */
#include <string.h>

#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "cfg.h"
#include "dp_lcore.h"
#include "dp_port.h"
#include "eal_fixture.h"

static struct rte_mempool *
make_pool(void)
{
	struct rte_mempool *mp = rte_pktmbuf_pool_create("t_pool", 8191, 64, 0,
							 RTE_MBUF_DEFAULT_BUF_SIZE, 0);

	cr_assert_not_null(mp);
	return mp;
}

static void
port_cfg(struct cfg_port *c, const char *device)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "p");
	snprintf(c->device, sizeof(c->device), "%s", device);
	c->role = CFG_ROLE_BOTH;
	c->mtu = 1500;
}

Test(eal_port, hotplugs_vdev_and_gives_control_plane_its_own_txq, .init = ha_eal_init,
     .fini = ha_eal_fini)
{
	struct rte_mempool *mp = make_pool();
	struct cfg_port c;
	struct dp_port p;

	port_cfg(&c, "net_null0,size=128");
	cr_assert_eq(dp_port_open(&p, &c), 0);
	cr_assert(p.probed_by_us);
	cr_assert_str_eq(p.driver, "net_null");
	cr_assert_eq(dp_port_start(&p, 1, 256, 256, mp), 0);
	cr_assert_eq(p.n_rxq, 1);
	cr_assert_eq(p.n_txq, 2);
	cr_assert_eq(p.ctl_txq, 1);
	dp_port_close(&p);
	cr_assert_not(rte_eth_dev_is_valid_port(p.port_id));
	rte_mempool_free(mp);
}

static const char *const with_vdev[] = { "--vdev=net_null7", NULL };

static void
init_with_vdev(void)
{
	ha_eal_init_with(with_vdev);
}

Test(eal_port, reuses_vdev_given_on_eal_command_line, .init = init_with_vdev,
     .fini = ha_eal_fini)
{
	struct cfg_port c;
	struct dp_port p;

	port_cfg(&c, "net_null7");
	cr_assert_eq(rte_eth_dev_count_avail(), 1);
	cr_assert_eq(dp_port_open(&p, &c), 0);
	cr_assert_not(p.probed_by_us);
	cr_assert_eq(rte_eth_dev_count_avail(), 1);
	dp_port_close(&p);
}

Test(eal_port, unknown_device_is_an_error, .init = ha_eal_init, .fini = ha_eal_fini)
{
	struct cfg_port c;
	struct dp_port p;

	port_cfg(&c, "net_nosuchpmd0,x=1");
	cr_assert_lt(dp_port_open(&p, &c), 0);
	port_cfg(&c, "0000:ff:1f.7");
	cr_assert_lt(dp_port_open(&p, &c), 0);
}

Test(eal_port, pci_address_forms)
{
	cr_assert(dp_port_is_pci_addr("0000:3b:00.0"));
	cr_assert(dp_port_is_pci_addr("3b:00.1"));
	cr_assert_not(dp_port_is_pci_addr("net_null0"));
	cr_assert_not(dp_port_is_pci_addr("3b:00.1x"));
}

Test(eal_worker, polls_every_port_and_stops_on_quit, .init = ha_eal_init, .fini = ha_eal_fini)
{
	struct rte_mempool *mp = make_pool();
	struct dp_lcore *lc = rte_zmalloc(NULL, sizeof(*lc), RTE_CACHE_LINE_SIZE);
	struct cfg_port c[2];
	struct dp_port p[2];
	volatile bool quit = false;
	unsigned int worker = rte_get_next_lcore(-1, 1, 0);
	int i;

	cr_assert_not_null(lc);
	cr_assert_lt(worker, RTE_MAX_LCORE, "no worker lcore");
	for (i = 0; i < 2; i++) {
		char dev[32];

		snprintf(dev, sizeof(dev), "net_null%d,size=64", i);
		port_cfg(&c[i], dev);
		cr_assert_eq(dp_port_open(&p[i], &c[i]), 0);
		cr_assert_eq(dp_port_start(&p[i], 1, 256, 256, mp), 0);
		lc->port_ids[i] = p[i].port_id;
	}
	lc->n_ports = 2;
	lc->burst = 32;
	lc->lcore_id = worker;
	lc->quit = &quit;
	cr_assert_eq(rte_eal_remote_launch(dp_worker_main, lc, worker), 0);
	rte_delay_us_sleep(20000);
	quit = true;
	cr_assert_eq(rte_eal_wait_lcore(worker), 0);
	/* net_null returns a full burst every call: both ports were polled. */
	cr_assert_gt(lc->stats.rx_pkts[0], 0);
	cr_assert_gt(lc->stats.rx_pkts[1], 0);
	cr_assert_eq(lc->stats.rx_bytes[0], lc->stats.rx_pkts[0] * 64);
	cr_assert_eq(lc->stats.drops[HA_DROP_LOCAL_UNHANDLED],
		     lc->stats.rx_pkts[0] + lc->stats.rx_pkts[1]);
	cr_assert_gt(lc->stats.loops, 0);
	for (i = 1; i >= 0; i--)
		dp_port_close(&p[i]);
	rte_free(lc);
	rte_mempool_free(mp);
}
