/* test_input.c: the bounds of client-supplied strings (daemon/serve/input.c), field by field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/ctx/config.h"
#include "daemon/serve/input.h"

static const char good_id[] = "7QK3MZ2XW4ABCDEFGHJKLMNPQA";

static isad_config_t
limits(void)
{
	isad_config_t c = { 0 };

	c.max_title = 256;
	c.max_handling = 4096;
	c.max_reason = 1024;
	c.max_principal = 128;
	c.max_filename = 255;
	c.max_recipients = 500;
	return c;
}

static char *
filled(size_t n, char ch)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, ch, n);
	s[n] = '\0';
	return s;
}

/* A put_begin whose meta the test then spoils. */
typedef struct {
	Isa__Envelope env;
	Isa__PutBegin pb;
	Isa__DocMeta m;
	char *to[1];
} put_t;

static void
put_init(put_t *p)
{
	isa__envelope__init(&p->env);
	isa__put_begin__init(&p->pb);
	isa__doc_meta__init(&p->m);
	p->m.title = "Threat assessment";
	p->m.classification = "SECRET";
	p->m.handling = "Do not forward. Store in a locked cabinet.";
	p->m.filename = "brief.pdf";
	p->to[0] = "agency:hcc";
	p->m.to = p->to;
	p->m.n_to = 1;
	p->pb.meta = &p->m;
	p->env.body_case = ISA__ENVELOPE__BODY_PUT_BEGIN;
	p->env.put_begin = &p->pb;
}

static void
test_good_put_passes(void **state)
{
	isad_config_t c = limits();
	input_verdict_t v;
	put_t p;

	(void)state;
	put_init(&p);
	p.m.title = "Caf\xc3\xa9 r\xc3\xa9sum\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x93\x84";
	assert_true(input_check(&c, &p.env, &v));
}

static void
test_bounds_name_the_field(void **state)
{
	static const struct {
		size_t off, len;
		const char *want, *reason;
	} cases[] = {
		{ offsetof(Isa__DocMeta, title), 257, "the title is longer than "
		    "the 256 bytes", "malformed:title:257" },
		{ offsetof(Isa__DocMeta, handling), 4097, "the handling "
		    "text is longer than the 4096", "malformed:handling:4097" },
		{ offsetof(Isa__DocMeta, filename), 256, "the file name is "
		    "longer than the 255", "malformed:filename:256" },
		{ offsetof(Isa__DocMeta, originator), 129, "the originator is "
		    "longer than the 128", "malformed:originator:129" },
		{ offsetof(Isa__DocMeta, review_by), 65, "the review-by date is "
		    "longer than the 64", "malformed:review_by:65" },
		{ offsetof(Isa__DocMeta, derived_from), 27, "the --derived-from "
		    "id \"AAAAAAAAAAAAAAAAAAAAAAAAAAA\" is malformed",
		    "malformed:derived_from:27" },
	};
	isad_config_t c = limits();
	input_verdict_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		put_t p;
		char *s = filled(cases[i].len, 'A');

		put_init(&p);
		assert_true(input_check(&c, &p.env, &v));
		*(char **)(void *)((char *)&p.m + cases[i].off) = s;
		assert_false(input_check(&c, &p.env, &v));
		if (strstr(v.message, cases[i].want) == NULL)
			fail_msg("case %zu: \"%s\"", i, v.message);
		assert_string_equal(v.reason, cases[i].reason);
		assert_null(strstr(v.message, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
		/* exactly at the bound passes (an id or a date has a form
		 * of its own besides) */
		s[cases[i].len - 1] = '\0';
		if (cases[i].off != offsetof(Isa__DocMeta, derived_from) &&
		    cases[i].off != offsetof(Isa__DocMeta, review_by))
			assert_true(input_check(&c, &p.env, &v));
		free(s);
	}
}

/* A date that does not exist is refused before any handler, through the
 * one parser (common/timefmt); a real one passes. */
static void
test_impossible_dates_refused(void **state)
{
	static const struct {
		size_t off;
		const char *value, *want, *reason;
	} cases[] = {
		{ offsetof(Isa__DocMeta, review_by), "2026-02-30",
		    "the review-by date \"2026-02-30\" is not a real date",
		    "malformed:review_by:10" },
		{ offsetof(Isa__DocMeta, destroy_after), "2025-02-29",
		    "the destroy-after date \"2025-02-29\" is not a real date",
		    "malformed:destroy_after:10" },
		{ offsetof(Isa__DocMeta, review_by), "2026-02-28T09:00:00Z",
		    "is not a real date", "malformed:review_by:20" },
		{ offsetof(Isa__DocMeta, embargo_until), "2026-04-31T09:00:00Z",
		    "the embargo time \"2026-04-31T09:00:00Z\" is not a real "
		    "time", "malformed:embargo_until:20" },
	};
	isad_config_t c = limits();
	input_verdict_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		put_t p;

		put_init(&p);
		*(const char **)(void *)((char *)&p.m + cases[i].off) =
		    cases[i].value;
		assert_false(input_check(&c, &p.env, &v));
		if (strstr(v.message, cases[i].want) == NULL)
			fail_msg("case %zu: \"%s\"", i, v.message);
		assert_string_equal(v.reason, cases[i].reason);
	}
	{
		put_t p;

		put_init(&p);
		p.m.review_by = "2028-02-29";
		p.m.embargo_until = "2026-02-28T09:00:00+01:00";
		assert_true(input_check(&c, &p.env, &v));
	}
}

static void
test_control_characters_refused(void **state)
{
	static const char *const bad[] = {
		"\r\x1b[1A\x1b[2KOFFICIAL FOR PUBLIC RELEASE",
		"two\nlines", "tab\there", "del\x7f", "nul-free C1 \xc2\x9b" "31m",
		"raw C1 \x9b" "31m", "overlong \xc0\xaf", "cut \xe2\x80",
		"surrogate \xed\xa0\x80",
	};
	isad_config_t c = limits();
	input_verdict_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put_t p;

		put_init(&p);
		p.m.handling = (char *)bad[i];
		assert_false(input_check(&c, &p.env, &v));
		if (strncmp(v.message, "the handling text ", 18) != 0)
			fail_msg("case %zu: \"%s\"", i, v.message);
		assert_true(strstr(v.message, "control character") != NULL ||
		    strstr(v.message, "UTF-8") != NULL);
		put_init(&p);
		p.m.title = (char *)bad[i];
		assert_false(input_check(&c, &p.env, &v));
		assert_true(strncmp(v.message, "the title ", 10) == 0);
	}
}

static void
test_recipients_counted(void **state)
{
	isad_config_t c = limits();
	input_verdict_t v;
	char **to = calloc(501, sizeof(char *));
	put_t p;

	(void)state;
	for (size_t i = 0; i < 501; i++)
		to[i] = "user:council-lead";
	put_init(&p);
	p.m.to = to;
	p.m.n_to = 500;
	assert_true(input_check(&c, &p.env, &v));
	p.m.n_to = 501;
	assert_false(input_check(&c, &p.env, &v));
	assert_string_equal(v.message, "too many --to principals: isad accepts "
	    "at most 500");
	assert_string_equal(v.reason, "too_many:to:501");
	free(to);
}

static void
test_share_echoes_only_bounded_values(void **state)
{
	isad_config_t c = limits();
	Isa__Envelope env = ISA__ENVELOPE__INIT;
	Isa__ShareRequest sr = ISA__SHARE_REQUEST__INIT;
	input_verdict_t v;
	char *big = filled(2200000, 'A');

	(void)state;
	env.body_case = ISA__ENVELOPE__BODY_SHARE;
	env.share = &sr;
	sr.id = big;
	sr.to = "agency:hcc";
	sr.reason = "needed for the case conference";
	assert_false(input_check(&c, &env, &v));
	assert_string_equal(v.doc, "malformed:2200000");
	assert_string_equal(v.target, "agency:hcc");
	assert_string_equal(v.reason, "malformed:id:2200000");
	assert_string_equal(v.message, "the document id is malformed: ids are "
	    "26 characters of A-Z and 2-7");
	/* a well-formed id is echoed, a bad reason named */
	sr.id = (char *)good_id;
	sr.reason = "ok\x1b]0;pwned\x07";
	assert_false(input_check(&c, &env, &v));
	assert_string_equal(v.doc, good_id);
	assert_string_equal(v.reason, "malformed:reason:12");
	assert_string_equal(v.message, "the reason holds a control character; "
	    "remove it");
	/* a short clean non-id is named to its sender, not in the record */
	sr.id = "nope";
	sr.reason = "fine";
	assert_false(input_check(&c, &env, &v));
	assert_string_equal(v.doc, "malformed:4");
	assert_string_equal(v.message, "the document id \"nope\" is malformed: "
	    "ids are 26 characters of A-Z and 2-7");
	sr.id = (char *)good_id;
	sr.to = big;
	assert_false(input_check(&c, &env, &v));
	assert_string_equal(v.target, "malformed:2200000");
	free(big);
}

static void
test_every_body_walked(void **state)
{
	isad_config_t c = limits();
	Isa__Envelope env = ISA__ENVELOPE__INIT;
	Isa__DecideRequest dr = ISA__DECIDE_REQUEST__INIT;
	Isa__AuditQuery aq = ISA__AUDIT_QUERY__INIT;
	Isa__ListRequest lr = ISA__LIST_REQUEST__INIT;
	Isa__RecallRequest rr = ISA__RECALL_REQUEST__INIT;
	input_verdict_t v;
	char *long_reason = filled(1025, 'r');

	(void)state;
	env.body_case = ISA__ENVELOPE__BODY_DECIDE;
	env.decide = &dr;
	dr.id = (char *)good_id;
	assert_true(input_check(&c, &env, &v));
	dr.reason = long_reason;
	assert_false(input_check(&c, &env, &v));
	assert_string_equal(v.doc, "request:7QK3MZ2XW4ABCDEFGHJKLMNPQA");
	assert_string_equal(v.reason, "malformed:reason:1025");

	env.body_case = ISA__ENVELOPE__BODY_RECALL;
	env.recall = &rr;
	rr.id = "\x1b[2J";
	assert_false(input_check(&c, &env, &v));
	assert_string_equal(v.message, "the document id is malformed: ids are "
	    "26 characters of A-Z and 2-7");

	env.body_case = ISA__ENVELOPE__BODY_LIST;
	env.list = &lr;
	lr.after = "zz";
	assert_false(input_check(&c, &env, &v));
	assert_string_equal(v.reason, "malformed:after:2");

	env.body_case = ISA__ENVELOPE__BODY_AUDIT_QUERY;
	env.audit_query = &aq;
	aq.user = long_reason;
	assert_false(input_check(&c, &env, &v));
	assert_string_equal(v.reason, "malformed:user:1025");
	aq.user = "";
	aq.action = "get\n";
	assert_false(input_check(&c, &env, &v));
	assert_string_equal(v.message, "the action field holds a control character; "
	    "remove it");
	/* the envelope's own strings too */
	aq.action = "";
	env.message = long_reason;
	assert_false(input_check(&c, &env, &v));
	assert_string_equal(v.reason, "malformed:message:1025");
	free(long_reason);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_put_passes),
		cmocka_unit_test(test_bounds_name_the_field),
		cmocka_unit_test(test_impossible_dates_refused),
		cmocka_unit_test(test_control_characters_refused),
		cmocka_unit_test(test_recipients_counted),
		cmocka_unit_test(test_share_echoes_only_bounded_values),
		cmocka_unit_test(test_every_body_walked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
