/* SPDX-License-Identifier: BSD-3-Clause */
/* Command line of dsmip-ha: EAL arguments, "--", then the application's own options (pure). */
#ifndef HA_OPTS_H
#define HA_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct ha_opts {
	const char *config;   /**< -c FILE */
	bool check_config;    /**< --check-config: validate and exit */
	bool help;
	bool version;
	const char *preload;  /**< --preload FILE: a pcap of BUs to take in before forwarding */
	const char *preload_port; /**< --preload-port NAME: as if they came on it (default:
				   *   the first access port) */
	const char *state;    /**< --state FILE: the store instead of store.path ("": none) */
	bool discard_state;   /**< --discard-state: start empty over a store refused */
	const char *role;     /**< --role active|standby: a pair member's first role */
	int eal_argc;         /**< arguments before "--" (argv[0] included) for rte_eal_init */
};

/** Exit codes, documented in the README. */
enum ha_exit {
	HA_EXIT_OK = 0,
	HA_EXIT_CONFIG = 1,   /**< configuration file invalid or unreadable */
	HA_EXIT_USAGE = 2,    /**< bad command line */
	HA_EXIT_INIT = 3,     /**< EAL, memory, port or table set-up failed */
	HA_EXIT_STATE = 4,    /**< the state store is damaged or of another version */
};

/**
 * Split argv at "--" and parse the application options after it. Without "--", a lone
 * --help/-h or --version is taken as an application option so that they work without EAL.
 * @return 0, or -1 with a message in err.
 */
int ha_opts_parse(int argc, char *const argv[], struct ha_opts *o, char *err, size_t errlen);

/** Print the usage text. */
void ha_opts_usage(const char *prog, FILE *stream);

#endif /* HA_OPTS_H */
