/* test_refusals.c: refused handshakes tallied per address and window, under a ceiling of records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/err.h"
#include "daemon/ctx/config.h"
#include "daemon/audit/refusals.h"

#define MAX_EMITTED 64

typedef struct {
	refusal_record_t r[MAX_EMITTED];
	int n;
} emitted_t;

static void
collect(void *arg, const refusal_record_t *rec)
{
	emitted_t *e = arg;

	assert_true(e->n < MAX_EMITTED);
	e->r[e->n++] = *rec;
}

static void
key_of(uint32_t i, uint8_t key[32])
{
	memset(key, 0, 32);
	memcpy(key, &i, sizeof(i));
}

static const refusal_record_t *
find(const emitted_t *e, const char *addr)
{
	for (int i = 0; i < e->n; i++)
		if (strcmp(e->r[i].addr, addr) == 0)
			return &e->r[i];
	return NULL;
}

/* One address, fresh keys: the first is a record; the rest one more when
 * the window ends, and not before. */
static void
test_first_then_one_tally_a_window(void **state)
{
	refusals_t *t = refusals_new(100, 1000);
	refusal_record_t first;
	emitted_t e = { .n = 0 };
	uint8_t key[32];

	(void)state;
	assert_non_null(t);
	for (uint32_t i = 0; i < 500; i++) {
		key_of(i, key);
		refusals_flush(t, 10 + i, false, collect, &e);
		assert_int_equal(refusals_add(t, 10 + i, "10.0.0.1", key, "",
		    "not_enrolled", &first), i == 0);
		if (i == 0) {
			assert_string_equal(first.addr, "10.0.0.1");
			assert_int_equal(first.count, 1);
			assert_int_equal(strlen(first.key), 40);
		}
	}
	assert_int_equal(e.n, 0);
	refusals_flush(t, 1009, false, collect, &e);
	assert_int_equal(e.n, 0);
	refusals_flush(t, 1010, false, collect, &e);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.r[0].addr, "10.0.0.1");
	assert_int_equal(e.r[0].count, 499);
	assert_int_equal(e.r[0].keys, 499);
	assert_string_equal(e.r[0].key, "");
	assert_string_equal(e.r[0].reason, "not_enrolled");
	/* a new window: a first record again */
	key_of(0, key);
	assert_true(refusals_add(t, 2000, "10.0.0.1", key, "", "not_enrolled",
	    &first));
	refusals_flush(t, 0, true, collect, &e);
	assert_int_equal(e.n, 1);
	refusals_free(t);
}

/* One key retried: its tally names the key and its user; reasons that
 * differ are "mixed"; no key (another mechanism) counts no key. */
static void
test_one_key_named_reasons_mixed(void **state)
{
	refusals_t *t = refusals_new(100, 60000);
	refusal_record_t first;
	emitted_t e = { .n = 0 };
	const refusal_record_t *a, *b;
	uint8_t key[32];

	(void)state;
	key_of(7, key);
	for (int i = 0; i < 4; i++)
		(void)refusals_add(t, 1, "10.0.0.1", key, "left-agency",
		    "disabled", &first);
	(void)refusals_add(t, 1, "10.0.0.2", NULL, "", "mechanism", &first);
	(void)refusals_add(t, 1, "10.0.0.2", NULL, "", "mechanism", &first);
	(void)refusals_add(t, 1, "10.0.0.2", key, "left-agency", "disabled",
	    &first);
	/* no address: one tally like any other */
	assert_true(refusals_add(t, 1, "", key, "", "not_enrolled", &first));
	assert_string_equal(first.addr, "-");
	assert_false(refusals_add(t, 1, "", key, "", "not_enrolled", &first));
	refusals_flush(t, 0, true, collect, &e);
	assert_int_equal(e.n, 3);
	assert_non_null(find(&e, "-"));
	assert_non_null(a = find(&e, "10.0.0.1"));
	assert_int_equal(a->count, 3);
	assert_int_equal(a->keys, 1);
	assert_string_equal(a->user, "left-agency");
	assert_int_equal(strlen(a->key), 40);
	assert_string_equal(a->reason, "disabled");
	assert_non_null(b = find(&e, "10.0.0.2"));
	assert_int_equal(b->count, 2);
	assert_int_equal(b->keys, 1);
	assert_string_equal(b->reason, "mixed");
	refusals_free(t);
}

/* A ceiling of 7: three addresses get a first record and a tally; the
 * 10,000 others are only counted, into one record; at most 7 records,
 * and every attempt counted. */
static void
test_ceiling_and_overflow(void **state)
{
	refusals_t *t = refusals_new(7, 60000);
	refusal_record_t first;
	emitted_t e = { .n = 0 };
	uint64_t firsts = 0, sum = 0;
	const refusal_record_t *o;
	uint8_t key[32];

	(void)state;
	for (uint32_t i = 0; i < 10003; i++) {
		char addr[32];

		snprintf(addr, sizeof(addr), "10.%u.%u.%u", i >> 16,
		    (i >> 8) & 255, i & 255);
		for (uint32_t k = 0; k < 2; k++) {
			key_of(i * 2 + k, key);
			firsts += refusals_add(t, 5, addr, key, "",
			    "not_enrolled", &first);
		}
	}
	refusals_flush(t, 0, true, collect, &e);
	assert_int_equal(firsts, 3);
	assert_int_equal(e.n, 4);
	for (int i = 0; i < e.n; i++)
		sum += e.r[i].count;
	assert_int_equal(firsts + sum, 2 * 10003);
	assert_non_null(o = find(&e, REFUSALS_OVERFLOW));
	assert_int_equal(o->count, 2 * 10000);
	assert_int_equal(o->keys, 2 * 10000);
	refusals_free(t);
}

/* Past the key table's fill limit, keys not seen count as new: the count
 * stays an upper bound and the memory fixed. */
static void
test_key_table_full(void **state)
{
	refusals_t *t = refusals_new(3, 60000);
	refusal_record_t first;
	emitted_t e = { .n = 0 };
	uint8_t key[32];
	uint32_t n = REFUSALS_KEY_PAIRS + 1000;

	(void)state;
	for (uint32_t i = 0; i <= n; i++) {
		key_of(i, key);
		(void)refusals_add(t, 1, "10.0.0.1", key, "", "not_enrolled",
		    &first);
	}
	/* a key seen before the table filled is not new */
	key_of(5, key);
	(void)refusals_add(t, 1, "10.0.0.1", key, "", "not_enrolled", &first);
	refusals_flush(t, 0, true, collect, &e);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.r[0].count, (uint64_t)n + 1);
	assert_int_equal(e.r[0].keys, (uint64_t)n);
	refusals_free(t);
}

static void
test_bad_ceiling(void **state)
{
	(void)state;
	assert_null(refusals_new(2, 60000));
	refusals_free(NULL);
}

/* isad.conf limits.handshake_records: 100 by default, 3 to 10000. */
static void
test_ceiling_setting(void **state)
{
	static const struct { const char *limits; int rc; int64_t want; }
	    cases[] = {
		{ "", 0, 100 },
		{ "limits = { handshake_records = 3; };", 0, 3 },
		{ "limits = { handshake_records = 10000; };", 0, 10000 },
		{ "limits = { handshake_records = 2; };", ISA_ERR_CONFIG, 0 },
		{ "limits = { handshake_records = 10001; };", ISA_ERR_CONFIG,
		    0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[] = "/tmp/isa-conf-XXXXXX", text[512], err[256];
		isad_config_t cfg;
		int fd = mkstemp(path);

		assert_true(fd >= 0);
		snprintf(text, sizeof(text), "listen = "
		    "\"tcp://127.0.0.1:7450\";\ndata_dir = \"data\";\npolicy = \"policy.conf\";\n"
		    "origin = \"hppb.example.org/isa\";\n%s\n",
		    cases[i].limits);
		assert_int_equal(write(fd, text, strlen(text)),
		    (ssize_t)strlen(text));
		close(fd);
		assert_int_equal(isad_config_load(path, &cfg, err, sizeof(err)),
		    cases[i].rc);
		unlink(path);
		if (cases[i].rc == 0) {
			assert_int_equal(cfg.handshake_records, cases[i].want);
			isad_config_free(&cfg);
		} else
			assert_non_null(strstr(err, "handshake_records"));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_then_one_tally_a_window),
		cmocka_unit_test(test_one_key_named_reasons_mixed),
		cmocka_unit_test(test_ceiling_and_overflow),
		cmocka_unit_test(test_key_table_full),
		cmocka_unit_test(test_bad_ceiling),
		cmocka_unit_test(test_ceiling_setting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
