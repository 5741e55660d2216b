// SPDX-License-Identifier: MIT
/*
 * test_cli_render.c - omnictl's table and document rendering (cli/render.c):
 * known output for every JSON type, truncation, control characters from the
 * daemon neutralised, column selection and order, missing members, empty
 * lists, non-object rows, nested documents.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

static json_t *J(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &e);

	cr_assert_not_null(j, "%s", e.text);
	return j;
}

static char *cell(const char *text)
{
	static char buf[RENDER_CELL_MAX];
	json_t *j = J(text);

	render_cell(j, buf, sizeof(buf));
	json_decref(j);
	return buf;
}

Test(render, cells)
{
	cr_assert_str_eq(cell("\"beta\""), "beta");
	cr_assert_str_eq(cell("42"), "42");
	cr_assert_str_eq(cell("-7"), "-7");
	cr_assert_str_eq(cell("1.5"), "1.5");
	cr_assert_str_eq(cell("true"), "yes");
	cr_assert_str_eq(cell("false"), "no");
	cr_assert_str_eq(cell("null"), "-");
	cr_assert_str_eq(cell("[]"), "-");
	cr_assert_str_eq(cell("[\"a\",1,true]"), "a,1,yes");
	cr_assert_str_eq(cell("{\"a\":1}"), "{\"a\":1}");
	cr_assert_str_eq(cell("[{\"a\":1}]"), "[{\"a\":1}]");
	/* A daemon-supplied escape sequence cannot reach the terminal. */
	cr_assert_str_eq(cell("\"a\\u001b[2Jb\\nc\\u007f\""), "a?[2Jb?c?");
	{
		char b[4];

		render_cell(NULL, b, sizeof(b));
		cr_assert_str_eq(b, "-");
	}
}

Test(render, cell_truncation_marked)
{
	char b[16];
	json_t *s = json_string("0123456789"), *a = J("[\"abcd\",\"efgh\"]");

	render_cell(s, b, 8);
	cr_assert_str_eq(b, "0123...");
	render_cell(a, b, 8);
	cr_assert_str_eq(b, "abcd...");
	render_cell(s, b, 11);
	cr_assert_eq(strlen(b), 10);
	json_decref(s);
	json_decref(a);
}

static char *table(const char *rows, const char *const *cols, const char *empty, int *ret)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_t *j = J(rows);

	*ret = render_table(f, j, cols, empty);
	fclose(f);
	json_decref(j);
	return buf;
}

Test(render, table_columns_given)
{
	static const char *const cols[] = {"id", "peer", "source", NULL};
	int ret;
	char *out = table("[{\"id\":\"2001:db8:77::_48\",\"peer\":\"gamma\",\"source\":\"api\","
			  "\"extra\":1},{\"id\":\"10.0.0.0_8\",\"peer\":\"b\"},7]",
			  cols, NULL, &ret);

	cr_assert_eq(ret, 2);
	cr_assert_str_eq(out, "ID                PEER   SOURCE\n"
			      "2001:db8:77::_48  gamma  api\n"
			      "10.0.0.0_8        b      -\n");
	free(out);
}

Test(render, table_columns_first_seen)
{
	int ret;
	char *out =
	    table("[{\"b\":1,\"a\":[\"x\",\"y\"]},{\"c\":false,\"a\":[]}]", NULL, NULL, &ret);

	cr_assert_eq(ret, 2);
	cr_assert_str_eq(out, "B  A    C\n"
			      "1  x,y  -\n"
			      "-  -    no\n");
	free(out);
}

Test(render, table_empty_and_not_array)
{
	int ret;
	char *out = table("[]", NULL, "no routes", &ret);

	cr_assert_eq(ret, 0);
	cr_assert_str_eq(out, "no routes\n");
	free(out);
	out = table("[]", NULL, NULL, &ret);
	cr_assert_eq(ret, 0);
	cr_assert_str_eq(out, "");
	free(out);
	out = table("[1,2]", NULL, "none", &ret);
	cr_assert_eq(ret, 0);
	cr_assert_str_eq(out, "none\n");
	free(out);
	out = table("{\"a\":1}", NULL, "none", &ret);
	cr_assert_eq(ret, 0);
	cr_assert_str_eq(out, "");
	free(out);
}

Test(render, doc_nested)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_t *j = J("{\"tun\":{\"name\":\"omni0\",\"mtu\":1280,\"offloads\":true},"
		      "\"underlays\":[{\"name\":\"eth0\",\"listen\":\"10.0.0.1:8060\"}],"
		      "\"level\":\"info\",\"debug\":[\"api\",\"peer\"],\"empty\":{},"
		      "\"deep\":{\"list\":[{\"k\":1}]}}");

	cr_assert_eq(render_doc(f, j), 0);
	fclose(f);
	cr_assert_str_eq(buf, "tun:\n"
			      "  name: omni0\n"
			      "  mtu: 1280\n"
			      "  offloads: yes\n"
			      "underlays:\n"
			      "NAME  LISTEN\n"
			      "eth0  10.0.0.1:8060\n"
			      "level: info\n"
			      "debug: api,peer\n"
			      "empty: {}\n"
			      "deep:\n"
			      "  list:\n"
			      "    - {\"k\":1}\n");
	free(buf);
	json_decref(j);
}

Test(render, doc_array_and_scalar)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_t *a = J("[]"), *s = json_integer(5);

	cr_assert_eq(render_doc(f, a), 0);
	cr_assert_eq(render_doc(f, s), 0);
	fclose(f);
	cr_assert_str_eq(buf, "(empty)\n5\n");
	free(buf);
	json_decref(a);
	json_decref(s);
}
