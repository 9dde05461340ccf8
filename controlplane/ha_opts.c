/* SPDX-License-Identifier: BSD-3-Clause */
/* Command line of dsmip-ha: EAL arguments, "--", then the application's own options (pure). */
#include <stdio.h>
#include <string.h>

#include "ha_opts.h"

int
ha_opts_parse(int argc, char *const argv[], struct ha_opts *o, char *err, size_t errlen)
{
	int i, sep = -1;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			sep = i;
			break;
		}
	if (sep < 0) {
		o->eal_argc = argc;
		if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			o->help = true;
			return 0;
		}
		if (argc == 2 && strcmp(argv[1], "--version") == 0) {
			o->version = true;
			return 0;
		}
		/* no EAL is started to check a file: "--check-config FILE" needs no "--" */
		if (argc == 3 && strcmp(argv[1], "--check-config") == 0 && argv[2][0] != '\0') {
			o->check_config = true;
			o->config = argv[2];
			return 0;
		}
		snprintf(err, errlen, "missing \"--\" before the application options "
			 "(usage: EAL options -- -c FILE)");
		return -1;
	}
	o->eal_argc = sep;
	for (i = sep + 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) {
			if (i + 1 >= argc) {
				snprintf(err, errlen, "%s needs a file name", a);
				return -1;
			}
			o->config = argv[++i];
		} else if (strncmp(a, "--config=", 9) == 0) {
			o->config = a + 9;
		} else if (strcmp(a, "--preload") == 0 || strcmp(a, "--preload-port") == 0) {
			if (i + 1 >= argc) {
				snprintf(err, errlen, "%s needs %s", a,
					 a[9] == '\0' ? "a pcap file" : "a port name");
				return -1;
			}
			if (a[9] == '\0')
				o->preload = argv[++i];
			else
				o->preload_port = argv[++i];
		} else if (strcmp(a, "--state") == 0) {
			if (i + 1 >= argc) {
				snprintf(err, errlen, "--state needs a file name (\"\" for none)");
				return -1;
			}
			o->state = argv[++i];
		} else if (strcmp(a, "--discard-state") == 0) {
			o->discard_state = true;
		} else if (strcmp(a, "--role") == 0) {
			if (i + 1 >= argc || (strcmp(argv[i + 1], "active") != 0 &&
					      strcmp(argv[i + 1], "standby") != 0)) {
				snprintf(err, errlen, "--role needs active or standby");
				return -1;
			}
			o->role = argv[++i];
		} else if (strcmp(a, "--check-config") == 0) {
			o->check_config = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			o->help = true;
		} else if (strcmp(a, "--version") == 0) {
			o->version = true;
		} else {
			snprintf(err, errlen, "unknown option \"%s\"", a);
			return -1;
		}
	}
	if (!o->help && !o->version && (o->config == NULL || o->config[0] == '\0')) {
		snprintf(err, errlen, "missing -c FILE");
		return -1;
	}
	return 0;
}

void
ha_opts_usage(const char *prog, FILE *stream)
{
	fprintf(stream,
		"Usage: %s [EAL options] -- -c FILE [--check-config]\n"
		"       %s --check-config FILE\n"
		"       %s --help | --version\n"
		"\n"
		"Dual-Stack Mobile IPv6 home agent (RFC 6275, RFC 5555, RFC 3963) on DPDK.\n"
		"\n"
		"Application options (after \"--\"):\n"
		"  -c, --config FILE   configuration file (reference: dsmip-ha.conf.example)\n"
		"  --check-config      validate the configuration and exit (0 valid, 1 invalid)\n"
		"  --preload FILE      before forwarding, take the Binding Updates of a pcap file\n"
		"                      through the normal receive path (bulk provisioning, tests,\n"
		"                      benchmarks); prints a PRELOAD line with the BU rate\n"
		"  --preload-port NAME the port they are taken as received on (default: the first\n"
		"                      access port)\n"
		"  --state FILE        the state store (bindings kept across restarts) instead of\n"
		"                      store.path; \"\" for none\n"
		"  --discard-state     start empty when the store is damaged or of another version\n"
		"  --role ROLE         a pair member's first role: standby (default: keepalived's\n"
		"                      notify scripts switch it) or active (its own state is the\n"
		"                      pair's: a manual start, tests)\n"
		"  -h, --help          this text\n"
		"  --version           print the version and exit\n"
		"\n"
		"The main lcore runs the control plane; every other lcore of -l/--lcores runs a\n"
		"data-plane worker (at least one). Example:\n"
		"  %s -l 0-2 -a 0000:3b:00.0 -a 0000:3b:00.1 -- -c /etc/dsmip-ha/dsmip-ha.conf\n"
		"\n"
		"Exit status: 0 clean stop (SIGINT/SIGTERM), 1 bad configuration, 2 bad command\n"
		"line, 3 initialisation failure, 4 state store refused (see --discard-state).\n",
		prog, prog, prog, prog);
}
