/* test_directory.c: `isa directory` against a real isad (issue 17 item 5, issue 18): the same for every enrolled user, as policy.conf and isad.conf say (principals, caveats, descriptors, accredited classifications), audited without names; ls --json's new fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "docs_util.h"
#include "harness.h"
#include "proto/sha256.h"
#include "raw.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* The enabled users, in id order (setup enrols them out of order). */
static const char *const enabled[] = { "admin", "auditor", "council-lead",
    "ctp-analyst", "police-lead" };
#define NENABLED (sizeof(enabled) / sizeof(enabled[0]))

/* Requests sent at once, unread: within what isad queues for one
 * connection (64 messages each way, docs/security.md), past which a ROUTER
 * drops replies by design. */
#define PIPELINED 48

/* The principals every one of them is told: policy.conf's agencies
 * (harness.c), groups and enabled users, each sorted by id, "gone"
 * (disabled) left out. */
#define WANT_PRINCIPALS \
    "agency\tctpse\tCounter Terrorism Policing South East\n" \
    "agency\thcc\tHampshire County Council\n" \
    "agency\tpolice\tHampshire Constabulary\n" \
    "agency\tuow\tUniversity of Winchester\n" \
    "group\tboard-members\n" \
    "group\tppb-panel\n" \
    "user\tadmin\tTest user admin\thcc\n" \
    "user\tauditor\tTest user auditor\thcc\n" \
    "user\tcouncil-lead\tTest user council-lead\thcc\n" \
    "user\tctp-analyst\tTest user ctp-analyst\tctpse\n" \
    "user\tpolice-lead\tTest user police-lead\tpolice\n"

/* The markings: policy.conf's caveats (harness.c: PERSONAL-DATA needs
 * safeguarding, UK-EYES-ONLY uk-national and SECRET) and the descriptors. */
#define WANT_MARKINGS \
    "descriptor\tPERSONAL\n" \
    "descriptor\tCOMMERCIAL\n" \
    "descriptor\tLOCSEN\n" \
    "caveat\tPERSONAL-DATA\tsafeguarding\tOFFICIAL\n" \
    "caveat\tUK-EYES-ONLY\tuk-national\tSECRET\n"

/* setup's minimum_clearance, not the defaults (NONE, BPSS, SC), so the
 * reply is seen to come from policy.conf; the default accreditation
 * (SECRET) holds all three. */
static const char want_plain[] = WANT_PRINCIPALS
    "classification\tOFFICIAL\tBPSS\n"
    "classification\tOFFICIAL-SENSITIVE\tBPSS\n"
    "classification\tSECRET\tDV\n"
    WANT_MARKINGS;

/* A deployment accredited only for OFFICIAL-SENSITIVE (isad.conf) offers
 * no SECRET, with the policy's own defaults. */
static const char want_os_plain[] =
    "agency\tctpse\tCounter Terrorism Policing South East\n"
    "agency\thcc\tHampshire County Council\n"
    "agency\tpolice\tHampshire Constabulary\n"
    "agency\tuow\tUniversity of Winchester\n"
    "user\tcouncil-lead\tTest user council-lead\thcc\n"
    "classification\tOFFICIAL\tNONE\n"
    "classification\tOFFICIAL-SENSITIVE\tBPSS\n"
    WANT_MARKINGS;

static int
setup(void **state)
{
	harness_t *h = h_new();

	h_user(h, "police-lead", "police", "SC", NULL);
	h_user(h, "council-lead", "hcc", "BPSS", NULL);
	h_user(h, "gone", "police", "SC", "enabled = false;");
	h_user(h, "admin", "hcc", "SC", "roles = [\"admin\"];");
	h_user(h, "ctp-analyst", "ctpse", "SC", "roles = [\"approver\"];");
	h_user(h, "auditor", "hcc", "BPSS", "roles = [\"auditor\"];");
	h_policy_extra(h, "groups = (\n"
	    "  { id = \"ppb-panel\"; members = [ \"agency:hcc\", \"user:police-lead\" ]; },\n"
	    "  { id = \"board-members\"; members = [ \"group:ppb-panel\", \"agency:ctpse\" ]; }\n"
	    ");\n"
	    "minimum_clearance = { official = \"BPSS\"; official_sensitive = "
	    "\"BPSS\"; secret = \"DV\"; };");
	h_start(h);
	*state = h;
	return 0;
}

static int
teardown(void **state)
{
	h_free(*state);
	return 0;
}

static h_result_t
isa(harness_t *h, const char *user, const char *const *args, int want)
{
	h_result_t r = h_isa(h, user, args);

	if (r.status != want)
		fail_msg("isa %s as %s: exit %d, not %d: %s", args[0],
		    user ? user : "-", r.status, want, r.err);
	return r;
}

/* Lines of s holding a (and b, when not NULL). */
static size_t
count_lines(const char *s, const char *a, const char *b)
{
	size_t n = 0;

	for (const char *p = s; p != NULL && *p != '\0';) {
		const char *e = strchr(p, '\n');
		size_t len = e != NULL ? (size_t)(e - p) : strlen(p);
		char *line = strndup(p, len);

		assert_non_null(line);
		n += strstr(line, a) != NULL && (b == NULL ||
		    strstr(line, b) != NULL);
		free(line);
		p = e != NULL ? e + 1 : NULL;
	}
	return n;
}

/* The auditor's view of the directory records, as JSON lines. */
static h_result_t
audit_directory(harness_t *h)
{
	return isa(h, "auditor", ARGS("audit", "--action", "directory",
	    "--json"), 0);
}

/* Every enabled user, whatever their agency, clearance or role, gets the
 * same directory: policy.conf's, sorted, without the disabled user. */
static void
test_same_for_everyone(void **state)
{
	harness_t *h = *state;

	for (size_t i = 0; i < NENABLED; i++) {
		h_result_t r = isa(h, enabled[i], ARGS("directory"), 0);

		assert_string_equal(r.out, want_plain);
		assert_string_equal(r.err, "");
		h_result_free(&r);
	}
}

/* Each request is one audit record, action directory, decision permit,
 * naming the actor and nothing of what it was told: no agency or user
 * name, no other user's id. */
static void
test_audited_without_names(void **state)
{
	harness_t *h = *state;
	h_result_t r = audit_directory(h);

	assert_int_equal(count_lines(r.out, "\"action\":\"directory\"", NULL), 0);
	h_result_free(&r);
	for (size_t i = 0; i < NENABLED; i++) {
		r = isa(h, enabled[i], ARGS("directory", "--json"), 0);
		h_result_free(&r);
	}
	r = audit_directory(h);
	assert_int_equal(count_lines(r.out, "\"action\":\"directory\"", NULL),
	    NENABLED);
	assert_int_equal(count_lines(r.out, "\"action\":\"directory\"",
	    "\"decision\":\"permit\""), NENABLED);
	for (size_t i = 0; i < NENABLED; i++) {
		char actor[64];

		snprintf(actor, sizeof(actor), "\"actor\":\"%s\"", enabled[i]);
		assert_int_equal(count_lines(r.out, actor, NULL), 1);
	}
	assert_null(strstr(r.out, "Test user"));
	assert_null(strstr(r.out, "Hampshire"));
	assert_null(strstr(r.out, "Winchester"));
	assert_null(strstr(r.out, "ppb-panel"));
	assert_null(strstr(r.out, "\"target\""));
	h_result_free(&r);
	/* the table (audit's plain form) too */
	r = isa(h, "auditor", ARGS("audit", "--action", "directory"), 0);
	assert_int_equal(count_lines(r.out, "directory", "permit"), NENABLED);
	assert_null(strstr(r.out, "Hampshire"));
	h_result_free(&r);
}

/* A key nobody enrolled gets nothing: the handshake is refused, as for
 * every request, and no directory record is written; a disabled user's
 * key likewise. */
static void
test_unknown_key_gets_nothing(void **state)
{
	harness_t *h = *state;
	char dir[600], conf[700], text[512];
	h_result_t r;

	snprintf(dir, sizeof(dir), "%s/stranger", h_dir(h));
	r = h_run(ARGS(getenv("ISA_BIN"), "keygen", "--out", dir));
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	snprintf(conf, sizeof(conf), "%s/client.conf", dir);
	snprintf(text, sizeof(text), "server = \"%s\";\nserver_key = \"%s\";\n"
	    "key_file = \"user.key\";\ntimeout_ms = 3000;\n", h_endpoint(h),
	    h_server_key(h));
	h_write_file(conf, text, 0644);
	r = h_run(ARGS(getenv("ISA_BIN"), "directory", "--config", conf));
	assert_int_equal(r.status, 5);
	assert_string_equal(r.out, "");
	assert_non_null(strstr(r.err, "isad refused your key"));
	h_result_free(&r);
	r = isa(h, "gone", ARGS("directory", "--json"), 5);
	assert_string_equal(r.out, "");
	assert_non_null(strstr(r.err, "isad refused your key"));
	h_result_free(&r);

	r = audit_directory(h);
	assert_int_equal(count_lines(r.out, "\"action\":\"directory\"", NULL), 0);
	h_result_free(&r);
	r = isa(h, "auditor", ARGS("audit", "--action", "handshake", "--json"),
	    0);
	assert_true(count_lines(r.out, "\"action\":\"handshake\"", NULL) >= 1);
	h_result_free(&r);
}

static const char *
jget(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		fail_msg("JSON member \"%s\" is not a string", key);
	return json_string_value(v);
}

/* --json: one object a line, parsed by jansson, the same entries as the
 * plain form in the same order, each with its kind and only its members. */
static void
test_json(void **state)
{
	harness_t *h = *state;
	h_result_t r = isa(h, "council-lead", ARGS("directory", "--json"), 0);
	char *rebuilt = calloc(1, sizeof(want_plain) + 64), *p = rebuilt;

	assert_non_null(rebuilt);
	for (const char *l = r.out; *l != '\0';) {
		const char *nl = strchr(l, '\n');
		json_error_t e;
		json_t *v;
		const char *kind;

		assert_non_null(nl);
		v = json_loadb(l, (size_t)(nl - l), 0, &e);
		if (!json_is_object(v))
			fail_msg("not a JSON object (%s): %.*s", e.text,
			    (int)(nl - l), l);
		kind = jget(v, "kind");
		if (strcmp(kind, "agency") == 0) {
			assert_int_equal(json_object_size(v), 3);
			p += sprintf(p, "agency\t%s\t%s\n", jget(v, "id"),
			    jget(v, "name"));
		} else if (strcmp(kind, "group") == 0) {
			assert_int_equal(json_object_size(v), 2);
			p += sprintf(p, "group\t%s\n", jget(v, "id"));
		} else if (strcmp(kind, "user") == 0) {
			assert_int_equal(json_object_size(v), 4);
			p += sprintf(p, "user\t%s\t%s\t%s\n", jget(v, "id"),
			    jget(v, "name"), jget(v, "agency"));
		} else if (strcmp(kind, "classification") == 0) {
			assert_int_equal(json_object_size(v), 3);
			p += sprintf(p, "classification\t%s\t%s\n",
			    jget(v, "name"), jget(v, "minimum_clearance"));
		} else if (strcmp(kind, "descriptor") == 0) {
			assert_int_equal(json_object_size(v), 2);
			p += sprintf(p, "descriptor\t%s\n", jget(v, "name"));
		} else if (strcmp(kind, "caveat") == 0) {
			assert_int_equal(json_object_size(v), 4);
			p += sprintf(p, "caveat\t%s\t%s\t%s\n", jget(v, "name"),
			    jget(v, "requires"),
			    jget(v, "minimum_classification"));
		} else
			fail_msg("unknown kind \"%s\"", kind);
		assert_true((size_t)(p - rebuilt) < sizeof(want_plain) + 64);
		json_decref(v);
		l = nl + 1;
	}
	assert_string_equal(rebuilt, want_plain);
	free(rebuilt);
	h_result_free(&r);
}

/* The directory is the policy in force: a reload that enrols a user and
 * disables another shows at the next request. */
static void
test_follows_reload(void **state)
{
	harness_t *h = *state;
	h_result_t r;

	h_user(h, "chair", "uow", "SC", "roles = [\"chair\"];");
	h_user_update(h, "police-lead", "police", "SC", "enabled = false;");
	h_write_policy(h);
	h_reload(h);
	r = isa(h, "chair", ARGS("directory"), 0);
	assert_int_equal(count_lines(r.out, "user\tchair\tTest user chair\tuow",
	    NULL), 1);
	assert_int_equal(count_lines(r.out, "police-lead", NULL), 0);
	assert_int_equal(count_lines(r.out, "user\t", NULL), NENABLED);
	h_result_free(&r);
}

/* ls --json carries classification, originator and created, the values
 * info gives; plain ls keeps its three columns. */
static void
test_ls_json_new_fields(void **state)
{
	harness_t *h = *state;
	char file[512], id[32];
	h_result_t r;
	json_t *info = NULL;
	bool found = false;

	snprintf(file, sizeof(file), "%s/ctlp.txt", h_dir(h));
	du_make_file(file, 100, 3);
	assert_int_equal(du_put(h, "admin", file, "CTLP 2026",
	    "OFFICIAL-SENSITIVE", "agency:hcc", ARGS("--originator", "ctpse"),
	    id, NULL), 0);
	r = isa(h, "council-lead", ARGS("info", id, "--json"), 0);
	info = json_loads(r.out, 0, NULL);
	assert_non_null(info);
	h_result_free(&r);

	r = isa(h, "council-lead", ARGS("ls", "--json"), 0);
	for (const char *l = r.out; *l != '\0';) {
		const char *nl = strchr(l, '\n');
		json_t *v;

		assert_non_null(nl);
		v = json_loadb(l, (size_t)(nl - l), 0, NULL);
		assert_true(json_is_object(v));
		if (strcmp(jget(v, "id"), id) == 0) {
			static const char *const same[] = { "marking", "title",
			    "classification", "originator", "created" };

			for (size_t i = 0; i < 5; i++)
				assert_string_equal(jget(v, same[i]),
				    jget(info, same[i]));
			assert_string_equal(jget(v, "classification"),
			    "OFFICIAL-SENSITIVE");
			assert_string_equal(jget(v, "originator"), "ctpse");
			assert_int_equal(strlen(jget(v, "created")), 20);
			found = true;
		}
		json_decref(v);
		l = nl + 1;
	}
	assert_true(found);
	json_decref(info);
	h_result_free(&r);

	r = isa(h, "council-lead", ARGS("ls"), 0);
	assert_int_equal(count_lines(r.out, id, NULL), 1);
	for (const char *l = r.out; *l != '\0'; l = strchr(l, '\n') + 1) {
		size_t tabs = 0;

		for (const char *c = l; *c != '\n'; c++)
			tabs += *c == '\t';
		assert_int_equal(tabs, 2);
	}
	h_result_free(&r);
}

static Isa__Envelope *
directory_req(Isa__Envelope *req, Isa__DirectoryRequest *body, uint64_t rid)
{
	isa__envelope__init(req);
	isa__directory_request__init(body);
	req->request_id = rid;
	req->body_case = ISA__ENVELOPE__BODY_DIRECTORY;
	req->directory = body;
	return req;
}

static void
assert_directory(const Isa__Envelope *e, uint64_t rid)
{
	assert_non_null(e);
	if (e->status != ISA__STATUS__OK)
		fail_msg("directory: status %d \"%s\"", e->status, e->message);
	assert_int_equal(e->request_id, rid);
	assert_int_equal(e->body_case, ISA__ENVELOPE__BODY_DIRECTORY_REPLY);
	assert_int_equal(e->directory_reply->n_agencies, 4);
	assert_int_equal(e->directory_reply->n_groups, 2);
	assert_int_equal(e->directory_reply->n_users, NENABLED);
	assert_int_equal(e->directory_reply->n_caveats, 2);
	assert_int_equal(e->directory_reply->n_descriptors, 3);
	assert_int_equal(e->directory_reply->n_classifications, 3);
}

/* A raw client: Directory in odd places (first, in the middle of an upload
 * and of a download, PIPELINED unread, with a content frame, a reply
 * sent as a request) is answered, or refused in one sentence, and the
 * transfers around it go on. */
static void
test_raw_odd_orders(void **state)
{
	harness_t *h = *state;
	raw_t r = raw_open(h, "ctp-analyst");
	Isa__Envelope req, *e;
	Isa__DirectoryRequest body;
	Isa__DirectoryReply dr = ISA__DIRECTORY_REPLY__INIT;
	Isa__TransferEnd te = ISA__TRANSFER_END__INIT;
	uint8_t transfer[16], sha[32], data[100] = { 1 }, got[200];
	char doc[32];
	size_t glen;
	bool seen[PIPELINED] = { false };

	/* first thing on the connection */
	e = raw_call(&r, directory_req(&req, &body, 1), NULL, 0);
	assert_directory(e, 1);
	isa__envelope__free_unpacked(e, NULL);

	/* between an upload's begin, its chunk and its end */
	raw_upload_begin(&r, sizeof(data), transfer);
	e = raw_call(&r, directory_req(&req, &body, 2), NULL, 0);
	assert_directory(e, 2);
	isa__envelope__free_unpacked(e, NULL);
	assert_int_equal(raw_upload_chunk(&r, transfer, 0, data, sizeof(data)),
	    ISA__STATUS__OK);
	e = raw_call(&r, directory_req(&req, &body, 3), NULL, 0);
	assert_directory(e, 3);
	isa__envelope__free_unpacked(e, NULL);
	sha256(data, sizeof(data), sha);
	e = raw_upload_end(&r, transfer, sha);
	assert_int_equal(e->status, ISA__STATUS__OK);
	snprintf(doc, sizeof(doc), "%s", e->put_end_reply->meta->id);
	isa__envelope__free_unpacked(e, NULL);

	/* between a download's begin and its end */
	raw_send_get_begin(&r, doc);
	e = raw_recv_content(&r, 20000, got, sizeof(got), &glen);
	assert_non_null(e);
	assert_int_equal(e->status, ISA__STATUS__OK);
	assert_int_equal(e->body_case, ISA__ENVELOPE__BODY_GET_BEGIN_REPLY);
	assert_int_equal(glen, sizeof(data));
	assert_memory_equal(got, data, sizeof(data));
	memcpy(transfer, e->get_begin_reply->transfer.data, 16);
	isa__envelope__free_unpacked(e, NULL);
	e = raw_call(&r, directory_req(&req, &body, 7), NULL, 0);
	assert_directory(e, 7);
	isa__envelope__free_unpacked(e, NULL);
	isa__envelope__init(&req);
	req.request_id = 8;
	req.body_case = ISA__ENVELOPE__BODY_TRANSFER_END;
	req.transfer_end = &te;
	te.transfer.data = transfer;
	te.transfer.len = 16;
	e = raw_call(&r, &req, NULL, 0);
	assert_int_equal(e->status, ISA__STATUS__OK);
	isa__envelope__free_unpacked(e, NULL);

	/* PIPELINED at once, none read until all are sent: each answered
	 * once, in whatever order the workers finish */
	for (uint64_t i = 0; i < PIPELINED; i++)
		raw_send(&r, directory_req(&req, &body, 1000 + i), NULL, 0);
	for (size_t i = 0; i < PIPELINED; i++) {
		e = raw_recv(&r, 20000);
		assert_non_null(e);
		assert_true(e->request_id >= 1000 &&
		    e->request_id < 1000 + PIPELINED);
		assert_false(seen[e->request_id - 1000]);
		seen[e->request_id - 1000] = true;
		assert_directory(e, e->request_id);
		isa__envelope__free_unpacked(e, NULL);
	}

	/* with a content frame: refused, and the connection still serves */
	e = raw_call(&r, directory_req(&req, &body, 4), "x", 1);
	assert_int_equal(e->status, ISA__STATUS__BAD_REQUEST);
	assert_string_equal(e->message, "only an upload chunk carries a "
	    "content frame");
	isa__envelope__free_unpacked(e, NULL);

	/* a reply sent as a request: not one a client may send */
	isa__envelope__init(&req);
	req.request_id = 5;
	req.body_case = ISA__ENVELOPE__BODY_DIRECTORY_REPLY;
	req.directory_reply = &dr;
	e = raw_call(&r, &req, NULL, 0);
	assert_int_equal(e->status, ISA__STATUS__BAD_REQUEST);
	assert_string_equal(e->message, "this request is not one a client may "
	    "send");
	isa__envelope__free_unpacked(e, NULL);

	e = raw_call(&r, directory_req(&req, &body, 6), NULL, 0);
	assert_directory(e, 6);
	isa__envelope__free_unpacked(e, NULL);
	raw_close(&r);
}

/* isad.conf accreditation = "OFFICIAL-SENSITIVE": the directory offers
 * OFFICIAL and OFFICIAL-SENSITIVE only, and a SECRET upload is refused as
 * the chooser would have said; the caveats stay the policy's
 * (UK-EYES-ONLY then fits no classification on offer). */
static void
test_accreditation(void **state)
{
	harness_t *h = h_new_conf("accreditation = \"OFFICIAL-SENSITIVE\";\n"
	    "limits = { max_message = 1048576; chunk = 262144; };");
	char file[512], id[32];
	h_result_t r;

	(void)state;
	h_user(h, "council-lead", "hcc", "SC", "attributes = "
	    "[\"uk-national\"];");
	h_start(h);
	r = isa(h, "council-lead", ARGS("directory"), 0);
	assert_string_equal(r.out, want_os_plain);
	assert_null(strstr(r.out, "SECRET\t"));
	h_result_free(&r);
	r = isa(h, "council-lead", ARGS("directory", "--json"), 0);
	assert_null(strstr(r.out, "\"name\":\"SECRET\""));
	assert_non_null(strstr(r.out, "{\"name\":\"OFFICIAL-SENSITIVE\","
	    "\"minimum_clearance\":\"BPSS\",\"kind\":\"classification\"}"));
	h_result_free(&r);
	snprintf(file, sizeof(file), "%s/s.txt", h_dir(h));
	du_make_file(file, 10, 1);
	assert_int_equal(du_put(h, "council-lead", file, "S", "SECRET",
	    "agency:hcc", ARGS("--handling", "Keep locked."), id, &r), 1);
	assert_non_null(strstr(r.err, "may not hold SECRET"));
	h_result_free(&r);
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_same_for_everyone, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_audited_without_names,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_key_gets_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_follows_reload, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ls_json_new_fields, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_raw_odd_orders, setup,
		    teardown),
		cmocka_unit_test(test_accreditation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
