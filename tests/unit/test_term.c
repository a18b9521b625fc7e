/* test_term.c: what isa prints is escaped (client/term.c, common/utf8.c): golden strings. */
#define _GNU_SOURCE	/* open_memstream */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "client/term.h"
#include "common/utf8.h"

static void
test_escape_golden(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "plain text", "plain text" },
		{ "Caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x93\x84", "Caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x93\x84" },
		{ "\r\x1b[1A\x1b[2KOFFICIAL", "\\x0d\\x1b[1A\\x1b[2KOFFICIAL" },
		{ "tab\there\nnl", "tab\\x09here\\x0anl" },
		{ "del\x7f", "del\\x7f" },
		{ "c1 \xc2\x9b" "31m", "c1 \\u009b31m" },
		{ "raw \x9b", "raw \\x9b" },
		{ "rlo \xe2\x80\xae" "abc \xe2\x81\xa6", "rlo \\u202eabc \\u2066" },
		{ "overlong \xc0\xaf cut \xe2\x80", "overlong \\xc0\\xaf cut \\xe2\\x80" },
		{ "", "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *e = utf8_escape(cases[i].in);

		assert_non_null(e);
		assert_string_equal(e, cases[i].out);
		free(e);
	}
}

static void
test_printf_escapes_only_arguments(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	term_printf(f, "%s\t%-6s|%5s|%.3s|%llu %d %zu %c %%\n", "a\x1b",
	    "b", "c\r", "abcdef", 18446744073709551615ULL, -42, (size_t)7, 'x');
	fclose(f);
	assert_string_equal(buf, "a\\x1b\tb     |c\\x0d|abc|"
	    "18446744073709551615 -42 7 x %\n");
	free(buf);
}

/* Escape the pieces of cases[i] one after another, then the end. */
static char *
text_pieces(const char *const *pieces, size_t n)
{
	term_text_t t = { .n = 0 };
	char *all = calloc(1, 1), *e;
	size_t len = 0, elen;

	assert_non_null(all);
	for (size_t i = 0; i <= n; i++) {
		const char *p = i < n ? pieces[i] : "";

		assert_int_equal(term_text_escape(&t, p, strlen(p), i == n, &e,
		    &elen), 0);
		all = realloc(all, len + elen + 1);
		assert_non_null(all);
		memcpy(all + len, e, elen);
		len += elen;
		all[len] = '\0';
		free(e);
	}
	assert_int_equal(t.n, 0);
	return all;
}

/* Document content on a terminal: text and its line ends pass, whatever
 * could act on the terminal is escaped, wherever the pieces are cut. */
static void
test_text_stream(void **state)
{
	static const struct { const char *pieces[3]; size_t n; const char *out; }
	    cases[] = {
		{ { "line one\r\nline\ttwo\n" }, 1,
		    "line one\r\nline\ttwo\n" },
		{ { "SECRET\r\x1b[1A\x1b[2KOFFICIAL FOR PUBLIC RELEASE" }, 1,
		    "SECRET\\x0d\\x1b[1A\\x1b[2KOFFICIAL FOR PUBLIC RELEASE" },
		{ { "caf\xc3", "\xa9 ok" }, 2, "caf\xc3\xa9 ok" },
		{ { "dash \xe2\x80", "\x94." }, 2, "dash \xe2\x80\x94." },
		{ { "crlf\r", "\nnext" }, 2, "crlf\r\nnext" },
		{ { "cr\r", "overwrite" }, 2, "cr\\x0doverwrite" },
		{ { "cut at the end \xe2\x80" }, 1, "cut at the end \\xe2\\x80" },
		{ { "bell\x07 c1 \xc2\x9b rlo \xe2\x80\xae", "\x9b" }, 2,
		    "bell\\x07 c1 \\u009b rlo \\u202e\\x9b" },
		{ { "" }, 1, "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = text_pieces(cases[i].pieces, cases[i].n);

		if (strcmp(out, cases[i].out) != 0)
			fail_msg("case %zu: \"%s\"", i, out);
		free(out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_golden),
		cmocka_unit_test(test_text_stream),
		cmocka_unit_test(test_printf_escapes_only_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
