/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dsmip-ha: the home agent process. EAL options, "--", application options; the main lcore
 * runs the control plane and every other lcore a data-plane worker.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_pdump.h>
#include <rte_version.h>

#include "cfg.h"
#include "cp_ctl.h"
#include "cp_ike_src.h"
#include "cp_pair.h"
#include "cp_preload.h"
#include "cp_query.h"
#include "cp_store.h"
#include "cp_telemetry.h"
#include "dp_lcore.h"
#include "dp_port.h"
#include "dp_punt.h"
#include "ha_app.h"
#include "ha_log.h"
#include "ha_opts.h"
#include "ha_rundir.h"
#include "ha_version.h"

#define HA_MBUF_CACHE 256
#define HA_MBUF_PRIV DP_MBUF_PRIV  /* a punted packet's arrival context */
#define HA_CTL_POLL_US 200

static struct ha_app app;

static void
on_signal(int sig)
{
	/* Only an async-signal-safe store here; every loop polls the flag. */
	if (sig == SIGHUP)
		__atomic_store_n(&app.reload, true, __ATOMIC_RELAXED);
	else
		__atomic_store_n(&app.quit, true, __ATOMIC_RELAXED);
}

static int
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0 ||
	    sigaction(SIGHUP, &sa, NULL) != 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/*
 * Enough mbufs for everything that can hold one at the same time: every RX and TX ring, the
 * per-lcore caches and bursts, both punt rings of every worker, the ESP steering rings, the
 * control plane's TX rings (ports without a queue of their own) and its neighbor hold queue.
 */
static unsigned int
mbuf_count(const struct ha_cfg *cfg, unsigned int n_workers)
{
	uint64_t n;

	if (cfg->dp.mbufs != 0)
		return cfg->dp.mbufs;
	n = (uint64_t)cfg->n_ports * (n_workers * cfg->dp.rx_desc +
				      (n_workers + 1) * cfg->dp.tx_desc);
	n += (n_workers + 1) * (HA_MBUF_CACHE + 2 * cfg->dp.burst * CFG_MAX_PORTS);
	n += 2ull * cfg->dp.punt_ring * n_workers;
	n += (uint64_t)cfg->dp.esp_ring * n_workers;
	n += (uint64_t)cfg->n_ports * DP_CTL_TX_RING;
	n += CP_IO_HELD_MAX + CP_IO_DEFER_MAX;
	return (unsigned int)RTE_MIN(RTE_MAX(n, 8192u), (uint64_t)UINT32_MAX);
}

static int
workers_init(struct ha_app *a)
{
	unsigned int lcore, w = 0;

	a->main_lcore = rte_get_main_lcore();
	a->n_workers = rte_lcore_count() - 1;
	if (a->n_workers == 0) {
		DP_LOG(ERR, "no worker lcore: give at least two lcores (for example -l 0-1); "
		       "the main lcore runs the control plane");
		return -EINVAL;
	}
	a->workers = rte_zmalloc("ha_workers", sizeof(*a->workers) * a->n_workers,
				 RTE_CACHE_LINE_SIZE);
	if (a->workers == NULL)
		return -ENOMEM;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		struct dp_lcore *lc = &a->workers[w];

		lc->lcore_id = lcore;
		lc->worker = (uint16_t)w;
		lc->queue = (uint16_t)w;
		lc->burst = a->cfg->dp.burst;
		lc->quit = &a->quit;
		lc->rcu_tid = w;
		w++;
	}
	return 0;
}

static int
ports_init(struct ha_app *a)
{
	unsigned int i;
	int rc;

	for (i = 0; i < a->cfg->n_ports; i++) {
		rc = dp_port_open(&a->ports[i], &a->cfg->ports[i]);
		if (rc != 0)
			return rc;
		a->n_ports++;
	}
	for (i = 0; i < a->n_ports; i++) {
		rc = dp_port_start(&a->ports[i], (uint16_t)a->n_workers, a->cfg->dp.rx_desc,
				   a->cfg->dp.tx_desc, a->pool);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static void
ports_fini(struct ha_app *a)
{
	unsigned int i;

	for (i = a->n_ports; i > 0; i--)
		dp_port_close(&a->ports[i - 1]);
	a->n_ports = 0;
}

/* The control plane's clock (ha_app_now_ms). */
static uint64_t
cp_now_ms(const struct ha_app *a)
{
	return ha_app_now_ms(a);
}

static int
cp_init(struct ha_app *a)
{
	struct cp_ops ops = { 0 };

	a->io = cp_io_create(&a->dps.ctx, a->ports, a->dps.punt, a->dps.sig, a->n_workers);
	if (a->io == NULL)
		return -ENOMEM;
	cp_bcw_init(&a->bcw, a->bc, a->cfg, &ops);
	cp_bcw_set_adj(&a->bcw, &a->dps.ctx);
	cp_io_ops(a->io, &ops);
	a->cp = cp_create(a->cfg, &ops);
	if (a->cp == NULL)
		return -ENOMEM;
	cp_io_attach(a->io, a->cp);
	return 0;
}

/*
 * rte_log writes to an unbuffered stderr: one system call per line, which at a million
 * registrations (one audit line each) costs the control plane most of its time. Its lines
 * go through a buffer instead, written out once per control-loop pass (every millisecond
 * or so) and at exit: just as timely for the journal, a write per batch.
 */
static FILE *log_stream;
static char log_buf[1 << 16];

static void
log_buffered(void)
{
	int fd = dup(STDERR_FILENO);

	log_stream = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (log_stream == NULL)
		return;
	setvbuf(log_stream, log_buf, _IOFBF, sizeof(log_buf));
	rte_openlog_stream(log_stream);
}

static void
log_flush(void)
{
	if (log_stream != NULL)
		fflush(log_stream);
}

/*
 * The control plane's loop on the main lcore: what the workers punted (signalling, neighbor
 * work, events), then timers. It sleeps briefly when idle: signalling is not line rate.
 */
static void
control_loop(struct ha_app *a)
{
	while (!__atomic_load_n(&a->quit, __ATOMIC_RELAXED)) {
		uint64_t now = cp_now_ms(a), t0 = rte_rdtsc(), us;
		uint64_t before = cp_io_stats(a->io)->punted;

		/* BUs in, committed to the store, BAs out (cp_io_tx_flush) */
		cp_io_poll(a->io, now);
		/* a standby runs no timers: the active's records say what ends */
		if (!ha_pair_is_standby(a))
			cp_tick(a->cp, now);
		ha_pair_poll(a);
		ha_ike_poll(a);
		/* what else changed this pass, in one transaction: never a write per BU */
		ha_app_store_sync(a, false);
		bc_reclaim(a->bc);
		cp_query_serve(a);
		cp_ctl_poll(a->ctl, a);
		if (__atomic_exchange_n(&a->reload, false, __ATOMIC_RELAXED)) {
			char msg[2048];

			if (cp_ctl_reload(a, msg, sizeof(msg)) == 0)
				CP_LOG(NOTICE, "SIGHUP: %s", msg);
		}
		/* what timers, dsmip-ctl and reloads sent (NS, NA, BEs) */
		cp_io_tx_flush(a->io);
		log_flush();
		us = (rte_rdtsc() - t0) * 1000000 / a->tsc_hz;
		if (us > a->loop_max_us)
			a->loop_max_us = us;
		a->loop_slow += us > HA_LOOP_SLOW_US;
		if (cp_io_stats(a->io)->punted == before)
			rte_delay_us_sleep(HA_CTL_POLL_US);
	}
}

/* Operations: per-node counter baselines, the control socket, captures by dpdk-dumpcap. */
static int
ops_init(struct ha_app *a)
{
	char path[PATH_MAX];

	a->mn_base = rte_zmalloc("ha_mn_base", sizeof(a->mn_base[0]) * a->cfg->cap.bindings, 0);
	if (a->mn_base == NULL) {
		CP_LOG(ERR, "per-node counters for %u nodes: out of memory", a->cfg->cap.bindings);
		return -ENOMEM;
	}
	a->cfg_loaded_ms = ha_app_now_ms(a);
	snprintf(path, sizeof(path), "%s/dsmip-ctl.sock", rte_eal_get_runtime_dir());
	a->ctl = cp_ctl_create(path);
	if (a->ctl == NULL)
		CP_LOG(WARNING, "no control socket: dsmip-ctl can read but not write");
	/* primary side of rte_pdump: dpdk-dumpcap --file-prefix ... -i PORT */
	if (rte_pdump_init() != 0)
		CP_LOG(WARNING, "pdump not available: dpdk-dumpcap cannot capture (%s)",
		       rte_strerror(rte_errno));
	return 0;
}

static void
ops_fini(struct ha_app *a)
{
	rte_pdump_uninit();
	cp_ctl_free(a->ctl);
	a->ctl = NULL;
	rte_free(a->mn_base);
	a->mn_base = NULL;
}

static uint64_t
preload_clock(void *arg)
{
	return cp_now_ms(arg);
}

/* --preload: the BUs of a pcap file, before the workers start (cp_preload.h). */
static int
preload(struct ha_app *a)
{
	const struct cp_stats *cs = cp_stats(a->cp);
	uint64_t ba0 = cs->ba_tx, reg0 = cs->registered;
	struct cp_preload_stats st;
	unsigned int i, port = a->n_ports;
	double secs;

	for (i = 0; i < a->n_ports; i++) {
		const struct cfg_port *c = a->ports[i].cfg;

		if (a->opts.preload_port != NULL ? strcmp(c->name, a->opts.preload_port) == 0 :
						   (c->role & CFG_ROLE_ACCESS) != 0) {
			port = i;
			break;
		}
	}
	if (port == a->n_ports) {
		CP_LOG(ERR, "preload: no port %s", a->opts.preload_port != NULL ?
		       a->opts.preload_port : "with role access");
		return -1;
	}
	if (cp_preload(a->opts.preload, a->workers, a->n_workers, (uint16_t)port, a->io,
		       a->pool, preload_clock, a, &st) != 0)
		return -1;
	secs = (double)st.seconds_ns / 1e9;
	/* one line for scripts (tools/bench), and the log */
	printf("PRELOAD frames=%" PRIu64 " registered=%" PRIu64 " ba_sent=%" PRIu64
	       " bindings=%u seconds=%.3f bu_per_s=%.0f\n", st.frames, cs->registered - reg0,
	       cs->ba_tx - ba0, cp_bindings(a->cp), secs, secs > 0 ? st.frames / secs : 0.0);
	fflush(stdout);
	CP_LOG(INFO, "preload of %s: %" PRIu64 " frames, %u bindings, %.3f s", a->opts.preload,
	       st.frames, cp_bindings(a->cp), secs);
	log_flush();
	return 0;
}

/*
 * The state store: opened (or created, its directory too) before EAL, so that a store this
 * home agent must refuse costs no hugepages; the SAs' restart points go into the
 * configuration before the nodes are created.
 */
static int
store_open(struct ha_app *a)
{
	const char *path = a->opts.state != NULL ? a->opts.state : a->cfg->store.path;
	char err[600], dir[PATH_MAX], *slash;

	if (a->opts.state != NULL)
		snprintf(a->cfg->store.path, sizeof(a->cfg->store.path), "%s", path);
	if (path[0] == '\0')
		return 0;
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			fprintf(stderr, "state store %s: %s: %s\n", path, dir, strerror(errno));
			return -EIO;
		}
	}
	a->store = cp_store_open(path, a->cfg->store.map_mb, a->cfg->store.sync_ms,
				 a->opts.discard_state, err, sizeof(err));
	if (a->store == NULL) {
		fprintf(stderr, "state store refused: %s\n", err);
		return -EINVAL;
	}
	cp_store_sa_starts(a->store, a->cfg);
	return 0;
}

/* Before the BAs of a pass are sent: the bindings they acknowledge, committed. */
static void
store_commit(void *arg)
{
	struct ha_app *a = arg;
	uint64_t now = ha_app_now_ms(a);

	cp_store_flush(a->store, a->cp, now, ha_app_wall_ms(a, now));
}

/* After the nodes of the file are created: what the store holds, before the workers run. */
static int
store_restore(struct ha_app *a)
{
	struct cp_store_restored r;
	uint64_t now = ha_app_now_ms(a);

	if (a->store == NULL)
		return 0;
	if (cp_changes_enable(a->cp) != 0 || cp_store_syncer_start(a->store) != 0)
		return -ENOMEM;
	cp_io_set_commit(a->io, store_commit, a);
	a->store_sa = cp_store_sa_create(a->cfg->cap.sas, (uint16_t)(a->n_workers + 1));
	if (a->store_sa == NULL || cp_store_restore(a->store, a->cp, now,
						    ha_app_wall_ms(a, now), &r) != 0)
		return -EIO;
	CP_LOG(NOTICE, "state store %s: %u bindings restored, %u deregistrations held, %u "
	       "run-time nodes, %u SA marks; %u expired, %u of nodes gone, %u refused; %lu ms",
	       a->cfg->store.path, r.bindings, r.held, r.runtime_nodes, r.sas, r.expired,
	       r.gone, r.refused, (unsigned long)r.ms);
	/* every SA gets its reservation (or edge) stored before it carries a packet */
	ha_app_store_sync(a, true);
	return 0;
}

static int
load_config(struct ha_app *a)
{
	struct cfg_status *st = calloc(1, sizeof(*st));

	if (st == NULL)
		return -ENOMEM;
	a->cfg = cfg_load_file(a->opts.config, st);
	if (a->cfg == NULL) {
		cfg_status_print(st, stderr);
		fprintf(stderr, "%s: %u error%s, not started\n", a->opts.config, st->n_errors,
			st->n_errors == 1 ? "" : "s");
		free(st);
		return -EINVAL;
	}
	free(st);
	if (cfg_manual_gcm_sas(a->cfg) > 0)
		fprintf(stderr, "%s: warning: %lu AES-GCM SAs with manual keys "
			"(policy.allow_manual_gcm, labs only: nonces repeat when an SA starts "
			"again)\n", a->opts.config, (unsigned long)cfg_manual_gcm_sas(a->cfg));
	return 0;
}

/*
 * The ranges every home address lies in (common/bc_home.h): the workers hash only the
 * destinations inside them. Before the first binding, restored ones included.
 */
static void
bc_home_ranges(struct bc *bc, const struct ha_cfg *cfg)
{
	struct bc_stats st;
	unsigned int i;

	for (i = 0; i < cfg->ha.n_prefixes6; i++)
		bc_home_prefix6_add(bc, &cfg->ha.prefixes6[i].addr, cfg->ha.prefixes6[i].len);
	for (i = 0; i < cfg->ha.n_prefixes4; i++)
		bc_home_prefix4_add(bc, cfg->ha.prefixes4[i].addr, cfg->ha.prefixes4[i].len);
	for (i = 0; i < cfg->ha.n_pools; i++)
		bc_home_prefix4_add(bc, cfg->ha.pools[i].addr, cfg->ha.pools[i].len);
	bc_stats_get(bc, &st);
	CP_LOG(INFO, "binding lookups only for destinations in %u IPv6 and %u IPv4 home ranges "
	       "(0: every destination)", st.home_ranges6, st.home_ranges4);
}

/*
 * A stop, or a start that failed: what outlives the process is closed in order — IKE's
 * interface and sockets, the pair's replication (what is queued goes first), the control
 * socket, what the control plane still had to send, the ports, the crypto device, the state
 * store (synced). The tables are not freed: the exit gives their memory back at once, while
 * freeing them one by one faults in every page a table never used (DPDK zeroes what it frees,
 * so that rte_zmalloc need not) — 0.6-0.9 s of a stop with lab.conf's capacities on
 * --no-huge (perf: memset under rte_lpm6_free, rte_lpm_free, rte_hash_free), seconds with a
 * million bindings, when a stop must be quick for a standby to take over. The eal suite
 * frees every table under ASan.
 */
static void
close_what_outlives_us(struct ha_app *a)
{
	ha_ike_fini(a);
	ha_pair_fini(a);
	ops_fini(a);
	cp_io_free(a->io);
	a->io = NULL;
	ports_fini(a);
	dp_sadb_stop(a->sadb);
	cp_store_close(a->store);
	a->store = NULL;
}

int
main(int argc, char **argv)
{
	char err[256];
	unsigned int w;
	int rc, ret = HA_EXIT_INIT;

	if (ha_opts_parse(argc, argv, &app.opts, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", argv[0], err);
		ha_opts_usage(argv[0], stderr);
		return HA_EXIT_USAGE;
	}
	if (app.opts.help) {
		ha_opts_usage(argv[0], stdout);
		return HA_EXIT_OK;
	}
	if (app.opts.version) {
		printf("dsmip-ha %s (%s)\n", HA_VERSION, rte_version());
		return HA_EXIT_OK;
	}
	/* The configuration is checked before EAL so that a bad file costs no hugepages. */
	if (load_config(&app) < 0)
		return HA_EXIT_CONFIG;
	if (!app.opts.check_config) {
		rc = store_open(&app);
		if (rc != 0) {
			cfg_free(app.cfg);
			return rc == -EINVAL ? HA_EXIT_STATE : HA_EXIT_INIT;
		}
	}
	if (app.opts.check_config) {
		printf("%s: OK (%u ports, %u routes, %u mobile nodes)\n", app.cfg->path,
		       app.cfg->n_ports, app.cfg->n_routes, (unsigned int)cfg_mn_total(app.cfg));
		cfg_free(app.cfg);
		return HA_EXIT_OK;
	}

	rc = rte_eal_init(app.opts.eal_argc, argv);
	if (rc < 0) {
		fprintf(stderr, "%s: EAL initialisation failed: %s\n", argv[0],
			rte_strerror(rte_errno));
		cfg_free(app.cfg);
		return HA_EXIT_INIT;
	}
	log_buffered();
	app.start_time = (uint64_t)time(NULL);
	app.tsc_hz = rte_get_timer_hz();
	app.start_tsc = rte_get_timer_cycles();
	{
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		app.start_wall_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	}
	if (install_signals() != 0)
		goto out;
	if (workers_init(&app) != 0)
		goto out;
	app.pool = rte_pktmbuf_pool_create("ha_mbuf", mbuf_count(app.cfg, app.n_workers),
					   HA_MBUF_CACHE, HA_MBUF_PRIV,
					   RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (app.pool == NULL) {
		DP_LOG(ERR, "mbuf pool of %u: %s (more memory: -m or --socket-mem)",
		       mbuf_count(app.cfg, app.n_workers), rte_strerror(rte_errno));
		goto out;
	}
	app.bc = bc_create(&(struct bc_params){
		.name = "ha",
		.capacity = app.cfg->cap.bindings,
		.prefixes = app.cfg->cap.prefixes,
		.spis = app.cfg->cap.sas,
		/* every worker, the telemetry thread and one spare */
		.max_readers = app.n_workers + 2,
		.socket = (int)rte_socket_id(),
	});
	if (app.bc == NULL) {
		CP_LOG(ERR, "binding cache for %u bindings, %u prefixes, %u SAs: %s "
		       "(more memory: -m or --socket-mem)", app.cfg->cap.bindings,
		       app.cfg->cap.prefixes, app.cfg->cap.sas, rte_strerror(rte_errno));
		goto out;
	}
	bc_home_ranges(app.bc, app.cfg);
	/* ESP: one crypto queue pair per worker and one for the control plane */
	app.sadb = dp_sadb_create(&(struct dp_sadb_params){
		.crypto_dev = app.cfg->dp.crypto_device,
		.capacity = app.cfg->cap.sas,
		.n_lcores = (uint16_t)(app.n_workers + 1),
		.socket = (int)rte_socket_id(),
		.qsv = bc_rcu(app.bc),
	});
	if (app.sadb == NULL) {
		CP_LOG(ERR, "ESP with %s for %u SAs not available (more memory: -m or "
		       "--socket-mem; fewer SAs: capacity.sas)", app.cfg->dp.crypto_device,
		       app.cfg->cap.sas);
		goto out;
	}
	if (ports_init(&app) != 0)
		goto out;
	if (dp_setup_init(&app.dps, app.cfg, app.ports, app.n_ports, app.bc, app.sadb, app.pool,
			  app.workers, app.n_workers) != 0)
		goto out;
	if (cp_init(&app) != 0) {
		CP_LOG(ERR, "control plane: out of memory");
		goto out;
	}
	ha_pair_prestart(&app);
	if (store_restore(&app) != 0) {
		CP_LOG(ERR, "state store %s: not restored", app.cfg->store.path);
		goto out;
	}
	if (ops_init(&app) != 0)
		goto out;
	if (ha_pair_init(&app) != 0) {
		CP_LOG(ERR, "pair: not started");
		goto out;
	}
	if (ha_ike_init(&app) != 0) {
		CP_LOG(ERR, "IKE: not started");
		goto out;
	}
	if (cp_telemetry_init(&app) != 0)
		DP_LOG(WARNING, "telemetry commands not registered (telemetry disabled?)");
	rc = ha_rundir_share(rte_eal_get_runtime_dir(), HA_READ_GROUP);
	if (rc > 0)
		CP_LOG(INFO, "telemetry readable by group %s", HA_READ_GROUP);
	else if (rc < 0)
		CP_LOG(WARNING, "telemetry for group %s: %s (only root can read it)",
		       HA_READ_GROUP, strerror(-rc));
	if (app.opts.preload != NULL && preload(&app) != 0)
		goto out;

	for (w = 0; w < app.n_workers; w++) {
		rc = rte_eal_remote_launch(dp_worker_main, &app.workers[w],
					   app.workers[w].lcore_id);
		if (rc != 0) {
			DP_LOG(ERR, "launch worker on lcore %u: %s", app.workers[w].lcore_id,
			       strerror(-rc));
			__atomic_store_n(&app.quit, true, __ATOMIC_RELAXED);
			break;
		}
	}
	CP_LOG(INFO, "dsmip-ha %s running: %u ports, %u workers, %u mobile nodes, config %s",
	       HA_VERSION, app.n_ports, app.n_workers, cp_mndb_count(cp_mndb(app.cp)),
	       app.cfg->path);
	control_loop(&app);
	CP_LOG(INFO, "stopping");
	rte_eal_mp_wait_lcore();
	ret = HA_EXIT_OK;

	cp_telemetry_fini();
	ha_app_store_sync(&app, true);
out:
	close_what_outlives_us(&app);
	log_flush();
	rte_eal_cleanup();
	if (log_stream != NULL) {
		rte_openlog_stream(NULL);
		fclose(log_stream);
	}
	if (ret == HA_EXIT_OK)
		printf("dsmip-ha: stopped\n");
	return ret;
}
