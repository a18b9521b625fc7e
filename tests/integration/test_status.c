/* test_status.c: isad status: beside a running isad and without one, its memory, its thresholds, an empty dir, a newer schema; never a request or an audit record. */
#include <dirent.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness.h"
#include "store_util.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static h_result_t
status(harness_t *h, bool json)
{
	if (json)
		return h_run(ARGS(getenv("ISAD_BIN"), "status", "--config",
		    h_isad_conf(h), "--json"));
	return h_run(ARGS(getenv("ISAD_BIN"), "status", "--config",
	    h_isad_conf(h)));
}

/* isad status --json, parsed (exit status into *st). */
static json_t *
status_json(harness_t *h, int *st)
{
	h_result_t r = status(h, true);
	json_error_t e;
	json_t *o = json_loads(r.out, 0, &e);

	if (o == NULL)
		fail_msg("status --json is not JSON (%s): %s %s", e.text, r.out,
		    r.err);
	*st = r.status;
	h_result_free(&r);
	return o;
}

static int64_t
jget(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(o, a);

	if (b != NULL)
		v = json_object_get(v, b);
	if (!json_is_integer(v))
		fail_msg("%s.%s is not an integer", a, b != NULL ? b : "");
	return json_integer_value(v);
}

static size_t
entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* Beside a running isad, then with it stopped: the same store, healthy,
 * and no audit record from asking. */
static void
test_status_running_and_not(void **state)
{
	harness_t *h = *state;
	char id[32], pid[64];
	h_result_t r;
	json_t *o;
	int64_t records;
	int st;

	su_put_ok(h, 3000, 1, id);
	su_put_ok(h, 3000, 2, id);
	r = h_isa(h, "ctp-analyst", ARGS("recall", id, "--reason", "wrong"));
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	r = status(h, false);
	assert_int_equal(r.status, 0);
	snprintf(pid, sizeof(pid), "isad is running (pid %ld)",
	    (long)h_isad_pid(h));
	assert_non_null(strstr(r.out, pid));
	assert_non_null(strstr(r.out, "documents: 1 active, 1 recalled"));
	assert_non_null(strstr(r.out, "status: ok"));
	h_result_free(&r);
	o = status_json(h, &st);
	assert_int_equal(st, 0);
	assert_true(json_is_true(json_object_get(o, "running")));
	assert_true(json_is_true(json_object_get(o, "healthy")));
	assert_int_equal(jget(o, "pid", NULL), h_isad_pid(h));
	assert_int_equal(jget(o, "documents", "active"), 1);
	assert_int_equal(jget(o, "documents", "recalled"), 1);
	assert_int_equal(jget(o, "schema", NULL), STORE_SCHEMA_VERSION);
	assert_true(jget(o, "map", "used") > 0);
	assert_int_equal(jget(o, "map", "used") + jget(o, "map", "free"),
	    jget(o, "map", "bytes"));
	records = jget(o, "audit", "records");
	assert_true(records >= 4);	/* start, two puts, a recall */
	json_decref(o);
	/* Asking wrote nothing: the log has not grown. */
	o = status_json(h, &st);
	assert_int_equal(jget(o, "audit", "records"), records);
	json_decref(o);

	assert_int_equal(h_stop(h), 0);
	o = status_json(h, &st);
	assert_int_equal(st, 0);
	assert_false(json_is_true(json_object_get(o, "running")));
	assert_true(json_is_null(json_object_get(o, "pid")) ||
	    json_object_get(o, "pid") == NULL);
	assert_int_equal(jget(o, "documents", "active"), 1);
	json_decref(o);
	r = status(h, false);
	assert_non_null(strstr(r.out, "isad is not running"));
	h_result_free(&r);
	/* As anyone but the data dir's owner: refused (a lock.mdb it made
	 * would lock isad out).  Root can give the dir away to see it. */
	if (geteuid() == 0) {
		assert_int_equal(chown(h_data_dir(h), 65534, 65534), 0);
		r = status(h, false);
		assert_int_equal(chown(h_data_dir(h), 0, 0), 0);
		assert_int_equal(r.status, 1);
		assert_non_null(strstr(r.err, "run this as"));
		h_result_free(&r);
	}
}

/* Past status.full_percent, and audit records older than
 * status.checkpoint_age_ms that no checkpoint covers: exit 1, said. */
static void
test_status_thresholds(void **state)
{
	harness_t *h = *state;
	char id[32], when[32];
	h_result_t r;
	json_t *o;
	int st;

	assert_int_equal(h_stop(h), 0);
	h_set_conf(h, "limits = { max_message = 1048576; chunk = 262144; };\n"
	    "map_size = 4194304;\nstatus = { full_percent = 1; };");
	h_start(h);
	su_put_ok(h, 200000, 3, id);
	r = status(h, false);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.out, "status: PROBLEM: the store is"));
	assert_non_null(strstr(r.out, "raise map_size"));
	h_result_free(&r);
	o = status_json(h, &st);
	assert_int_equal(st, 1);
	assert_false(json_is_true(json_object_get(o, "healthy")));
	assert_int_equal(json_array_size(json_object_get(o, "problems")), 1);
	json_decref(o);

	/* isad stopped: its stop record waits for a checkpoint that will not
	 * come; an hour on (the test clock), that is a problem. */
	h_need_test_build("ISAD_TEST_NOW");
	assert_int_equal(h_stop(h), 0);
	h_set_conf(h, "limits = { max_message = 1048576; chunk = 262144; };");
	r = status(h, false);
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	snprintf(when, sizeof(when), "%lld", (long long)time(NULL) + 3600);
	setenv("ISAD_TEST_NOW", when, 1);
	r = status(h, false);
	unsetenv("ISAD_TEST_NOW");
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.out, "not in a signed checkpoint"));
	assert_non_null(strstr(r.out, "isad is not running"));
	h_result_free(&r);
}

/* An empty data dir: refused, and left empty (no lock file made). */
static void
test_status_empty_dir(void **state)
{
	harness_t *h = *state;
	char cmd[1024];
	h_result_t r;

	assert_int_equal(h_stop(h), 0);
	snprintf(cmd, sizeof(cmd), "mv %s %s.old && mkdir -m 0700 %s",
	    h_data_dir(h), h_data_dir(h), h_data_dir(h));
	assert_int_equal(system(cmd), 0);
	r = status(h, false);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "no store here"));
	assert_null(strchr(strchr(r.err, '\n') + 1, '\n'));	/* one line */
	h_result_free(&r);
	assert_int_equal(entries(h_data_dir(h)), 0);
	snprintf(cmd, sizeof(cmd), "rmdir %s && mv %s.old %s", h_data_dir(h),
	    h_data_dir(h), h_data_dir(h));
	assert_int_equal(system(cmd), 0);
}

/* A store a newer isad wrote: refused, saying so. */
static void
test_status_newer_schema(void **state)
{
	harness_t *h = *state;
	uint8_t v[4] = { 0, 0, 0, STORE_SCHEMA_VERSION + 1 };
	store_txn_t *t;
	store_t *s;
	h_result_t r;

	assert_int_equal(h_stop(h), 0);
	s = su_store_open(h);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(store_put(t, STORE_META, "schema", 6, v, 4), 0);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);
	r = h_run(ARGS(getenv("ISAD_BIN"), "status", "--config",
	    h_isad_conf(h), "--out", "x"));
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "status does not take --out"));
	h_result_free(&r);
	r = status(h, true);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "written by a newer isad"));
	assert_string_equal(r.out, "");
	h_result_free(&r);
}

/* The memory figures of status --json, checked to add up: anonymous and
 * mapped make up the resident set (VmRSS), to a page. */
static void
memory_of(json_t *o, int64_t *anon, int64_t *mapped)
{
	int64_t rss = jget(o, "memory", "rss_bytes");

	*anon = jget(o, "memory", "anonymous_bytes");
	*mapped = jget(o, "memory", "mapped_bytes");
	assert_true(*anon > 0 && *mapped > 0);
	assert_true(*anon + *mapped <= rss + 4096 &&
	    *anon + *mapped + 4096 >= rss);
}

/*
 * isad's memory, anonymous and mapped apart: a get of a 48 MiB document
 * maps the store's pages it reads (mapped grows by most of it), and both
 * are told, in text and JSON; with isad stopped, "cannot tell".
 */
static void
test_status_memory(void **state)
{
	harness_t *h = *state;
	int64_t anon, mapped, anon2, mapped2;
	char id[32];
	h_result_t r;
	json_t *o;
	int st;

	su_put_ok(h, 48 << 20, 7, id);
	o = status_json(h, &st);
	memory_of(o, &anon, &mapped);
	json_decref(o);
	su_get_ok(h, id, 7);
	o = status_json(h, &st);
	memory_of(o, &anon2, &mapped2);
	json_decref(o);
	assert_true(mapped2 - mapped >= 32 << 20);
	r = status(h, false);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "MiB anonymous (what isad allocated: "
	    "alert on this), "));
	assert_non_null(strstr(r.out, "MiB mapped from files (mostly the store's pages"));
	h_result_free(&r);

	assert_int_equal(h_stop(h), 0);
	o = status_json(h, &st);
	assert_true(json_is_null(json_object_get(o, "memory")));
	json_decref(o);
	r = status(h, false);
	assert_non_null(strstr(r.out, "memory: cannot tell (isad is not "
	    "running)"));
	h_result_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_status_running_and_not,
		    su_setup, su_teardown),
		cmocka_unit_test_setup_teardown(test_status_memory,
		    su_setup, su_teardown),
		cmocka_unit_test_setup_teardown(test_status_thresholds,
		    su_setup, su_teardown),
		cmocka_unit_test_setup_teardown(test_status_empty_dir,
		    su_setup, su_teardown),
		cmocka_unit_test_setup_teardown(test_status_newer_schema,
		    su_setup, su_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
