/* SPDX-License-Identifier: BSD-3-Clause */
/* dsmip-ha command line: EAL arguments before "--", application options after. */
#include <criterion/criterion.h>

#include "ha_opts.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

Test(opts, splits_eal_and_application_options)
{
	char *argv[] = { "dsmip-ha", "-l", "0-1", "--no-huge", "--", "-c", "ha.conf" };
	struct ha_opts o;
	char err[128];

	cr_assert_eq(ha_opts_parse(ARGC(argv), argv, &o, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(o.eal_argc, 4);
	cr_assert_str_eq(o.config, "ha.conf");
	cr_assert_not(o.check_config);
}

Test(opts, check_config_and_long_form)
{
	char *argv[] = { "dsmip-ha", "--", "--config=x.conf", "--check-config" };
	struct ha_opts o;
	char err[128];

	cr_assert_eq(ha_opts_parse(ARGC(argv), argv, &o, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(o.eal_argc, 1);
	cr_assert_str_eq(o.config, "x.conf");
	cr_assert(o.check_config);
}

Test(opts, check_config_file_works_without_separator)
{
	char *argv[] = { "dsmip-ha", "--check-config", "/etc/dsmip-ha/dsmip-ha.conf" };
	char *bare[] = { "dsmip-ha", "--check-config" };
	struct ha_opts o;
	char err[128];

	cr_assert_eq(ha_opts_parse(ARGC(argv), argv, &o, err, sizeof(err)), 0, "%s", err);
	cr_assert(o.check_config);
	cr_assert_str_eq(o.config, "/etc/dsmip-ha/dsmip-ha.conf");
	cr_assert_eq(ha_opts_parse(ARGC(bare), bare, &o, err, sizeof(err)), -1);
}

Test(opts, help_and_version_work_without_separator)
{
	char *h[] = { "dsmip-ha", "--help" }, *v[] = { "dsmip-ha", "--version" };
	struct ha_opts o;
	char err[128];

	cr_assert_eq(ha_opts_parse(ARGC(h), h, &o, err, sizeof(err)), 0);
	cr_assert(o.help);
	cr_assert_eq(ha_opts_parse(ARGC(v), v, &o, err, sizeof(err)), 0);
	cr_assert(o.version);
}

Test(opts, missing_config_is_an_error)
{
	char *argv[] = { "dsmip-ha", "--no-huge", "--" };
	struct ha_opts o;
	char err[128];

	cr_assert_eq(ha_opts_parse(ARGC(argv), argv, &o, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "missing -c FILE");
}

Test(opts, missing_separator_is_an_error)
{
	char *argv[] = { "dsmip-ha", "-c", "ha.conf" };
	struct ha_opts o;
	char err[128];

	cr_assert_eq(ha_opts_parse(ARGC(argv), argv, &o, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "missing \"--\" before the application options "
			 "(usage: EAL options -- -c FILE)");
}

Test(opts, unknown_option_and_missing_argument)
{
	char *a[] = { "dsmip-ha", "--", "-c", "x", "--frobnicate" };
	char *b[] = { "dsmip-ha", "--", "-c" };
	struct ha_opts o;
	char err[128];

	cr_assert_eq(ha_opts_parse(ARGC(a), a, &o, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "unknown option \"--frobnicate\"");
	cr_assert_eq(ha_opts_parse(ARGC(b), b, &o, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "-c needs a file name");
}

Test(opts, state_store_options)
{
	char *argv[] = { "dsmip-ha", "--", "-c", "ha.conf", "--state", "/tmp/s.mdb",
			 "--discard-state" };
	char *bare[] = { "dsmip-ha", "--", "-c", "ha.conf", "--state" };
	struct ha_opts o;
	char err[128];

	cr_assert_eq(ha_opts_parse(ARGC(argv), argv, &o, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(o.state, "/tmp/s.mdb");
	cr_assert(o.discard_state);
	cr_assert_eq(ha_opts_parse(ARGC(bare), bare, &o, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "--state needs a file name (\"\" for none)");
}
