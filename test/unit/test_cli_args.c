// SPDX-License-Identifier: MIT
/*
 * test_cli_args.c - omnictl's argument helpers (cli/args.c): flag removal
 * anywhere in argv, path-segment safety of user-given names, bounded copies,
 * string members with defaults, and the usage-error exit code.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "cmd.h"

Test(args, take_flag)
{
	char *argv[] = {"routes", "--json", "add", "p", "--json", "via", "b", NULL};
	int argc = 7;

	cr_assert(cli_take_flag(&argc, argv, "--json"));
	cr_assert_eq(argc, 5);
	cr_assert_str_eq(argv[0], "routes");
	cr_assert_str_eq(argv[1], "add");
	cr_assert_str_eq(argv[4], "b");
	cr_assert_null(argv[5]);
	cr_assert_not(cli_take_flag(&argc, argv, "--json"));
	cr_assert_eq(argc, 5);
	/* argv[0] is the command, never a flag. */
	{
		char *a2[] = {"--json", NULL};
		int c2 = 1;

		cr_assert_not(cli_take_flag(&c2, a2, "--json"));
		cr_assert_eq(c2, 1);
	}
}

Test(args, segment_ok)
{
	char long_name[130];

	cr_assert(cli_segment_ok("beta"));
	cr_assert(cli_segment_ok("2001:db8:77::_48"));
	cr_assert(cli_segment_ok("a-b.c~d"));
	cr_assert_not(cli_segment_ok(""));
	cr_assert_not(cli_segment_ok("."));
	cr_assert_not(cli_segment_ok(".."));
	cr_assert_not(cli_segment_ok("a/b"));
	cr_assert_not(cli_segment_ok("a b"));
	cr_assert_not(cli_segment_ok("a?x=1"));
	cr_assert_not(cli_segment_ok("a#b"));
	cr_assert_not(cli_segment_ok("%2e%2e"));
	cr_assert_not(cli_segment_ok("a\nb"));
	memset(long_name, 'a', sizeof(long_name));
	long_name[128] = '\0';
	cr_assert(cli_segment_ok(long_name));
	long_name[128] = 'a';
	long_name[129] = '\0';
	cr_assert_not(cli_segment_ok(long_name));
}

Test(args, copy_bounded)
{
	char b[5];

	cr_assert(cli_copy(b, sizeof(b), "abcd"));
	cr_assert_str_eq(b, "abcd");
	cr_assert_not(cli_copy(b, sizeof(b), "abcde"));
	cr_assert_str_eq(b, "abcd");
	cr_assert(cli_copy(b, sizeof(b), ""));
	cr_assert_str_eq(b, "");
}

Test(args, jstr)
{
	json_t *o = json_pack("{s:s, s:i}", "a", "x", "n", 1);

	cr_assert_str_eq(cli_jstr(o, "a", "d"), "x");
	cr_assert_str_eq(cli_jstr(o, "n", "d"), "d");
	cr_assert_str_eq(cli_jstr(o, "missing", "d"), "d");
	cr_assert_str_eq(cli_jstr(NULL, "a", "d"), "d");
	json_decref(o);
}

Test(args, usage_err_exit_code)
{
	cr_assert_eq(cli_usage_err("routes", "bad '%s'", "x"), CLI_EXIT_FAIL);
}
