/* test_attack_print.c: isa escapes what it prints from a server (issue 14 finding 11): a crafted isad, or an old store, cannot forge the marking line. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include <zmq.h>

#include "harness.h"
#include "proto/envelope.h"
#include "proto/sha256.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* What an attacker wrote: erase the line above, print a false marking. */
#define EVIL "\r\x1b[1A\x1b[2KOFFICIAL FOR PUBLIC RELEASE\t\x07\xc2\x9b" "2K" \
    "\xe2\x80\xae" "bad\xff"
static const char id[] = "7QK3MZ2XW4ABCDEFGHJKLMNPQA";

/* A server that speaks isa.proto over CURVE and answers with EVIL. */
typedef struct {
	void *ctx, *router;
	char pub[41], endpoint[64];
	pthread_t thread;
	atomic_int stop;
} fake_t;

static void
reply(fake_t *f, zmq_msg_t *rid, Isa__Envelope *resp, const void *content,
    size_t clen)
{
	uint8_t *buf;
	size_t len;

	assert_int_equal(envelope_encode(resp, &buf, &len), 0);
	zmq_send(f->router, zmq_msg_data(rid), zmq_msg_size(rid), ZMQ_SNDMORE);
	zmq_send(f->router, buf, len, content != NULL ? ZMQ_SNDMORE : 0);
	if (content != NULL)
		zmq_send(f->router, content, clen, 0);
	free(buf);
}

static void
answer(fake_t *f, zmq_msg_t *rid, const Isa__Envelope *req)
{
	static char *to[] = { "agency:hcc" EVIL };
	Isa__Envelope resp = ISA__ENVELOPE__INIT;
	Isa__DocMeta m = ISA__DOC_META__INIT;
	Isa__DocSummary ds = ISA__DOC_SUMMARY__INIT, *dsp = &ds;
	Isa__ListReply lr = ISA__LIST_REPLY__INIT;
	Isa__InfoReply ir = ISA__INFO_REPLY__INIT;
	Isa__GetBeginReply gb = ISA__GET_BEGIN_REPLY__INIT;
	Isa__TransferEndReply te = ISA__TRANSFER_END_REPLY__INIT;
	Isa__InboxEntry ie = ISA__INBOX_ENTRY__INIT, *iep = &ie;
	Isa__InboxReply ib = ISA__INBOX_REPLY__INIT;
	Isa__RequestInfo ri = ISA__REQUEST_INFO__INIT, *rip = &ri;
	Isa__RequestsReply rr = ISA__REQUESTS_REPLY__INIT;
	Isa__DirAgency da = ISA__DIR_AGENCY__INIT, *dap = &da;
	Isa__DirGroup dg = ISA__DIR_GROUP__INIT, *dgp = &dg;
	Isa__DirUser du = ISA__DIR_USER__INIT, *dup = &du;
	Isa__DirCaveat dc = ISA__DIR_CAVEAT__INIT, *dcp = &dc;
	Isa__DirClass dk = ISA__DIR_CLASS__INIT, *dkp = &dk;
	static char *dd[] = { "PERSONAL" EVIL };
	Isa__DirectoryReply dr = ISA__DIRECTORY_REPLY__INIT;
	static uint8_t transfer[16], sha[SHA256_LEN];
	const void *content = NULL;

	resp.version = 1;
	resp.request_id = req->request_id;
	resp.status = ISA__STATUS__OK;
	m.id = (char *)id;
	m.title = EVIL;
	m.classification = "SECRET";
	m.marking = "SECRET" EVIL;
	m.handling = EVIL;
	m.originator = "ctpse";
	m.state = "active";
	m.filename = "a" EVIL ".txt";
	m.to = to;
	m.n_to = 1;
	m.size = 5;
	sha256("hello", 5, sha);
	m.sha256.data = sha;
	m.sha256.len = SHA256_LEN;
	switch (req->body_case) {
	case ISA__ENVELOPE__BODY_LIST:
		ds.id = (char *)id;
		ds.marking = "SECRET" EVIL;
		ds.title = EVIL;
		ds.classification = "SECRET" EVIL;
		ds.originator = "ctpse" EVIL;
		ds.created = "2026" EVIL;
		lr.docs = &dsp;
		lr.n_docs = 1;
		resp.body_case = ISA__ENVELOPE__BODY_LIST_REPLY;
		resp.list_reply = &lr;
		break;
	case ISA__ENVELOPE__BODY_INFO:
		ir.meta = &m;
		resp.body_case = ISA__ENVELOPE__BODY_INFO_REPLY;
		resp.info_reply = &ir;
		break;
	case ISA__ENVELOPE__BODY_GET_BEGIN:
		gb.transfer.data = transfer;
		gb.transfer.len = sizeof(transfer);
		gb.meta = &m;
		gb.chunks = 1;
		resp.body_case = ISA__ENVELOPE__BODY_GET_BEGIN_REPLY;
		resp.get_begin_reply = &gb;
		content = "hello";
		break;
	case ISA__ENVELOPE__BODY_TRANSFER_END:
		resp.body_case = ISA__ENVELOPE__BODY_TRANSFER_END_REPLY;
		resp.transfer_end_reply = &te;
		break;
	case ISA__ENVELOPE__BODY_INBOX:
		ie.id = (char *)id;
		ie.seq = 1;
		ie.time = "2026-12-03T06:00:00Z";
		ie.kind = "new";
		ie.title = EVIL;
		ie.text = EVIL;
		ib.entries = &iep;
		ib.n_entries = req->inbox->after == 0 ? 1 : 0;
		ib.next = 1;
		resp.body_case = ISA__ENVELOPE__BODY_INBOX_REPLY;
		resp.inbox_reply = &ib;
		break;
	case ISA__ENVELOPE__BODY_REQUESTS:
		ri.id = (char *)id;
		ri.doc = (char *)id;
		ri.state = "pending";
		ri.marking = "SECRET";
		ri.requester = "user:x" EVIL;
		ri.target = "agency:hcc";
		ri.reason = EVIL;
		rr.requests = &rip;
		rr.n_requests = 1;
		resp.body_case = ISA__ENVELOPE__BODY_REQUESTS_REPLY;
		resp.requests_reply = &rr;
		break;
	case ISA__ENVELOPE__BODY_DIRECTORY:
		da.id = "hcc" EVIL;
		da.name = EVIL;
		dg.id = "ppb" EVIL;
		du.id = "x" EVIL;
		du.name = EVIL;
		du.agency = "hcc" EVIL;
		dr.agencies = &dap;
		dr.n_agencies = 1;
		dr.groups = &dgp;
		dr.n_groups = 1;
		dr.users = &dup;
		dr.n_users = 1;
		dc.name = "PD" EVIL;
		dc.requires = EVIL;
		dc.minimum_classification = "OFFICIAL" EVIL;
		dr.caveats = &dcp;
		dr.n_caveats = 1;
		dr.descriptors = dd;
		dr.n_descriptors = 1;
		dk.name = "SECRET" EVIL;
		dk.minimum_clearance = "SC" EVIL;
		dr.classifications = &dkp;
		dr.n_classifications = 1;
		resp.body_case = ISA__ENVELOPE__BODY_DIRECTORY_REPLY;
		resp.directory_reply = &dr;
		break;
	default:
		resp.status = ISA__STATUS__BAD_REQUEST;
		resp.message = "no such thing " EVIL;
		break;
	}
	reply(f, rid, &resp, content, 5);
}

static void *
fake_main(void *arg)
{
	fake_t *f = arg;

	while (!atomic_load(&f->stop)) {
		zmq_pollitem_t it = { f->router, 0, ZMQ_POLLIN, 0 };
		zmq_msg_t fr[3];
		int n = 0, more = 1;
		Isa__Envelope *req;

		if (zmq_poll(&it, 1, 100) <= 0)
			continue;
		while (more) {
			size_t ml = sizeof(more);

			zmq_msg_init(&fr[n < 3 ? n : 2]);
			zmq_msg_recv(&fr[n < 3 ? n : 2], f->router, 0);
			zmq_getsockopt(f->router, ZMQ_RCVMORE, &more, &ml);
			n++;
		}
		if (n >= 2 && (req = isa__envelope__unpack(NULL,
		    zmq_msg_size(&fr[1]), zmq_msg_data(&fr[1]))) != NULL) {
			answer(f, &fr[0], req);
			isa__envelope__free_unpacked(req, NULL);
		}
		for (int i = 0; i < (n < 3 ? n : 3); i++)
			zmq_msg_close(&fr[i]);
	}
	return NULL;
}

static void
fake_start(fake_t *f)
{
	char sec[41];
	int one = 1, linger = 0;
	size_t len = sizeof(f->endpoint);

	memset(f, 0, sizeof(*f));
	assert_int_equal(zmq_curve_keypair(f->pub, sec), 0);
	f->ctx = zmq_ctx_new();
	f->router = zmq_socket(f->ctx, ZMQ_ROUTER);
	assert_int_equal(zmq_setsockopt(f->router, ZMQ_CURVE_SERVER, &one,
	    sizeof(one)), 0);
	assert_int_equal(zmq_setsockopt(f->router, ZMQ_CURVE_SECRETKEY, sec,
	    40), 0);
	zmq_setsockopt(f->router, ZMQ_LINGER, &linger, sizeof(linger));
	assert_int_equal(zmq_bind(f->router, "tcp://127.0.0.1:*"), 0);
	assert_int_equal(zmq_getsockopt(f->router, ZMQ_LAST_ENDPOINT,
	    f->endpoint, &len), 0);
	assert_int_equal(pthread_create(&f->thread, NULL, fake_main, f), 0);
}

static void
fake_stop(fake_t *f)
{
	atomic_store(&f->stop, 1);
	pthread_join(f->thread, NULL);
	zmq_close(f->router);
	zmq_ctx_term(f->ctx);
}

/* Nothing a terminal acts on: no byte below 0x20 but newline and the
 * columns' tabs, no DEL, no C1, no bidi override, no invalid UTF-8. */
static void
assert_inert(const char *what, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) ||
		    (p[0] == 0xe2 && p[1] == 0x80 && p[2] == 0xae) ||
		    *p == 0xff)
			fail_msg("%s: raw byte 0x%02x at %zu", what, *p,
			    (size_t)(p - (const unsigned char *)s));
}

static h_result_t
run(const char *conf, const char *cmd, const char *arg, const char *opt)
{
	const char *argv[8];
	int n = 0;

	argv[n++] = getenv("ISA_BIN");
	argv[n++] = cmd;
	if (arg != NULL)
		argv[n++] = arg;
	if (opt != NULL)
		argv[n++] = opt;
	argv[n++] = "--config";
	argv[n++] = conf;
	argv[n] = NULL;
	return h_run(argv);
}

static void
test_client_escapes_server_text(void **state)
{
	static const struct {
		const char *cmd, *arg, *opt;
		int status;
		const char *want;	/* in stdout or stderr */
	} cases[] = {
		/* the marking line and handling on a read, first */
		{ "get", id, NULL, 0, "SECRET\\x0d\\x1b[1A\\x1b[2KOFFICIAL" },
		{ "ls", NULL, NULL, 0, "\\x0d\\x1b[1A\\x1b[2KOFFICIAL FOR PUBLIC "
		    "RELEASE\\x09\\x07\\u009b2K\\u202ebad\\xff" },
		/* --json: jansson's escapes (JSON_ENSURE_ASCII) */
		{ "ls", NULL, "--json", 0, "\\r\\u001B[1A" },
		{ "info", id, NULL, 0, "handling:     \\x0d\\x1b[1A" },
		{ "info", id, "--json", 0, "\\u009B2K\\u202Ebad\\uFFFD" },
		{ "inbox", NULL, NULL, 0, "\\x0d\\x1b[1A" },
		{ "inbox", NULL, "--json", 0, "\\u0007" },
		{ "requests", NULL, NULL, 0, "user:x\\x0d\\x1b" },
		{ "directory", NULL, NULL, 0, "agency\thcc\\x0d\\x1b[1A\\x1b[2K"
		    "OFFICIAL FOR PUBLIC RELEASE\\x09\\x07\\u009b2K\\u202ebad"
		    "\\xff\t\\x0d" },
		{ "directory", NULL, "--json", 0, "\"name\":\"\\r\\u001B[1A" },
		{ "directory", NULL, NULL, 0, "caveat\tPD\\x0d\\x1b[1A" },
		{ "directory", NULL, "--json", 0, "\"requires\":\"\\r\\u001B[1A" },
		{ "ls", NULL, "--json", 0, "\"originator\":\"ctpse\\r\\u001B" },
		{ "whoami", NULL, NULL, 1, "no such thing \\x0d\\x1b[1A" },
	};
	harness_t *h = *state;
	fake_t f;
	char conf[512], text[512];

	fake_start(&f);
	snprintf(conf, sizeof(conf), "%s/fake.conf", h_user_dir(h,
	    "council-lead"));
	snprintf(text, sizeof(text), "server = \"%s\";\nserver_key = \"%s\";\n"
	    "key_file = \"user.key\";\ntimeout_ms = 3000;\n", f.endpoint,
	    f.pub);
	h_write_file(conf, text, 0644);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		h_result_t r = run(conf, cases[i].cmd, cases[i].arg,
		    cases[i].opt);

		if (r.status != cases[i].status)
			fail_msg("%s %s: %d %s", cases[i].cmd, cases[i].opt ?
			    cases[i].opt : "", r.status, r.err);
		assert_inert(cases[i].cmd, r.out);
		assert_inert(cases[i].cmd, r.err);
		if (strstr(r.out, cases[i].want) == NULL &&
		    strstr(r.err, cases[i].want) == NULL)
			fail_msg("%s %s: \"%s\" not in \"%s\" / \"%s\"",
			    cases[i].cmd, cases[i].opt ? cases[i].opt : "",
			    cases[i].want, r.out, r.err);
		/* --json: valid JSON a line whatever isad sent (invalid
		 * UTF-8 in a title too), parsed by jansson */
		if (cases[i].opt != NULL && strcmp(cases[i].opt, "--json") == 0)
			for (char *p = r.out; *p != '\0';) {
				char *nl = strchr(p, '\n');
				json_t *v;

				assert_non_null(nl);
				v = json_loadb(p, (size_t)(nl - p), 0, NULL);
				if (!json_is_object(v))
					fail_msg("%s --json: not JSON: %s",
					    cases[i].cmd, p);
				json_decref(v);
				p = nl + 1;
			}
		/* ls keeps its three columns; directory its kind and two,
		 * one and three (agency, group, user), two, one and three
		 * (classification, descriptor, caveat) */
		if (strcmp(cases[i].cmd, "ls") == 0 && cases[i].opt == NULL) {
			size_t tabs = 0;

			for (const char *p = r.out; *p; p++)
				tabs += *p == '\t';
			assert_int_equal(tabs, 2);
		}
		if (strcmp(cases[i].cmd, "directory") == 0 &&
		    cases[i].opt == NULL) {
			size_t tabs = 0, lines = 0;

			for (const char *p = r.out; *p; p++) {
				tabs += *p == '\t';
				lines += *p == '\n';
			}
			assert_int_equal(lines, 6);
			assert_int_equal(tabs, 2 + 1 + 3 + 2 + 1 + 3);
		}
		h_result_free(&r);
	}
	fake_stop(&f);
}

static int
setup(void **state)
{
	harness_t *h = h_new();

	h_user(h, "council-lead", "hcc", "BPSS", NULL);
	*state = h;
	return 0;
}

static int
teardown(void **state)
{
	h_free(*state);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_client_escapes_server_text,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
