/* status.c: `isad status`: a data dir's health read from the store read-only, with no request to isad and no audit record. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "common/timefmt.h"
#include "daemon/audit/audit.h"
#include "daemon/serve/procmem.h"
#include "daemon/serve/status.h"
#include "daemon/store/datadir.h"
#include "daemon/store/records.h"
#include "daemon/store/store.h"

#define PROBLEMS_MAX 4

typedef struct {
	int running;			/* 1, 0, or < 0: cannot tell */
	long pid;
	uint32_t schema;
	store_space_t space;
	uint64_t docs[3];		/* by doc_state_t */
	uint64_t requests_pending;
	uint64_t records;		/* the audit tree's size */
	uint64_t cp_size;		/* the last checkpoint's */
	int64_t cp_ms;			/* when it was signed; 0: unknown */
	int64_t waiting_ms;		/* the oldest unsigned record's time */
	bool rekey_due;
	int mem_rc;			/* 0: mem read; else why not */
	procmem_t mem;			/* isad's, when running */
	int64_t now_ms;
	char problems[PROBLEMS_MAX][160];
	int nproblems;
} status_t;

static int
count_doc(void *arg, const uint8_t id[RECORDS_ID_LEN], const void *val,
    size_t len)
{
	status_t *st = arg;
	Isad__StoredDoc *d;
	int rc;

	(void)id;
	if ((rc = records_doc_decode(val, len, &d)) != 0)
		return rc;
	st->docs[records_doc_state(d)]++;
	records_doc_free(d);
	return 0;
}

static int
count_request(void *arg, const uint8_t id[RECORDS_ID_LEN], const void *val,
    size_t len)
{
	status_t *st = arg;
	Isad__StoredRequest *q;
	int rc;

	(void)id;
	if ((rc = records_request_decode(val, len, &q)) != 0)
		return rc;
	st->requests_pending += records_request_state(q) == REQUEST_PENDING;
	records_request_free(q);
	return 0;
}

/* Everything, in one read transaction: one snapshot. */
static int
gather(store_t *s, status_t *st)
{
	store_txn_t *t = NULL;
	const void *v;
	size_t vl;
	int rc;

	if ((rc = store_txn_begin(s, false, &t)) != 0)
		return rc;
	st->schema = store_schema(t);
	if ((rc = store_space(s, t, &st->space)) != 0 ||
	    (rc = records_doc_each(t, NULL, count_doc, st)) != 0 ||
	    (rc = records_request_each(t, count_request, st)) != 0 ||
	    (rc = audit_size(t, &st->records)) != 0)
		goto out;
	st->cp_size = audit_checkpoint_size(t);
	if ((rc = audit_checkpoint_time(t, &st->cp_ms)) == ISA_ERR_NOTFOUND)
		rc = 0;
	if (rc != 0)
		goto out;
	if (st->records > st->cp_size &&
	    (rc = audit_record_time(t, st->cp_size, &st->waiting_ms)) != 0)
		goto out;
	rc = records_meta_get(t, RECORDS_META_REKEY_DUE, &v, &vl);
	st->rekey_due = rc == 0;
	if (rc == ISA_ERR_NOTFOUND)
		rc = 0;
out:
	store_txn_abort(t);
	return rc;
}

static void
judge(const isad_config_t *cfg, status_t *st)
{
	uint64_t used = st->space.pages_used * st->space.page_size;
	int64_t age;

	if (st->space.map_bytes > 0 && used * 100 >
	    (uint64_t)cfg->status_full_percent * st->space.map_bytes)
		snprintf(st->problems[st->nproblems++], sizeof(st->problems[0]),
		    "the store is %.1f%% full (status.full_percent is %lld): "
		    "raise map_size in isad.conf", 100.0 * (double)used /
		    (double)st->space.map_bytes,
		    (long long)cfg->status_full_percent);
	age = st->records > st->cp_size ? st->now_ms - st->waiting_ms : 0;
	if (age > cfg->status_checkpoint_age_ms)
		snprintf(st->problems[st->nproblems++], sizeof(st->problems[0]),
		    "%llu audit records are not in a signed checkpoint, the "
		    "oldest for %lld s (status.checkpoint_age_ms is %lld)%s",
		    (unsigned long long)(st->records - st->cp_size),
		    (long long)(age / 1000),
		    (long long)cfg->status_checkpoint_age_ms,
		    st->running == 1 ? "" : ": isad is not running");
}

/* isad's memory, anonymous and mapped apart, or why it cannot be told. */
static void
print_memory(const status_t *st)
{
	if (st->mem_rc == 0) {
		printf("memory: %.1f MiB anonymous (what isad allocated: alert "
		    "on this), %.1f MiB mapped from files (mostly the store's "
		    "pages, which the kernel caches and reclaims), %.1f MiB "
		    "resident in all\n",
		    (double)st->mem.anonymous / 1048576.0,
		    (double)st->mem.mapped / 1048576.0,
		    (double)st->mem.rss / 1048576.0);
		return;
	}
	printf("memory: cannot tell (%s)\n", st->running == 0 ?
	    "isad is not running" : st->running < 0 ? "whether isad is "
	    "running cannot be told" : st->mem_rc == ISA_ERR_PERM ?
	    "/proc does not show isad's memory to this user" :
	    st->mem_rc == ISA_ERR_PARSE ? "this kernel's /proc gives no "
	    "RssAnon" : "cannot read isad's /proc/PID/status");
}

static void
print_text(const isad_config_t *cfg, const status_t *st)
{
	uint64_t used = st->space.pages_used * st->space.page_size;
	char when[TIMEFMT_LEN];

	printf("data dir %s: ", cfg->data_dir);
	if (st->running == 1)
		printf("isad is running (pid %ld)\n", st->pid);
	else
		printf("%s\n", st->running == 0 ? "isad is not running" :
		    "cannot tell whether isad is running");
	printf("store: schema %u; %.1f MiB used of a %.1f MiB map (%.1f%%), "
	    "%.1f MiB free\n", st->schema, (double)used / 1048576.0,
	    (double)st->space.map_bytes / 1048576.0, st->space.map_bytes ?
	    100.0 * (double)used / (double)st->space.map_bytes : 0.0,
	    (double)(st->space.map_bytes - used) / 1048576.0);
	printf("documents: %llu active, %llu recalled, %llu destroyed\n",
	    (unsigned long long)st->docs[DOC_ACTIVE],
	    (unsigned long long)st->docs[DOC_RECALLED],
	    (unsigned long long)st->docs[DOC_DESTROYED]);
	printf("share requests pending: %llu\n",
	    (unsigned long long)st->requests_pending);
	printf("audit: %llu records; ", (unsigned long long)st->records);
	if (st->cp_ms > 0) {
		timefmt_format_ms(st->cp_ms, when);
		printf("last checkpoint at size %llu, signed %s (%lld s ago)",
		    (unsigned long long)st->cp_size, when,
		    (long long)((st->now_ms - st->cp_ms) / 1000));
	} else if (st->cp_size > 0)
		printf("last checkpoint at size %llu",
		    (unsigned long long)st->cp_size);
	else
		printf("no checkpoint yet");
	if (st->records > st->cp_size)
		printf("; %llu records waiting, the oldest for %lld s",
		    (unsigned long long)(st->records - st->cp_size),
		    (long long)((st->now_ms - st->waiting_ms) / 1000));
	printf("\n");
	print_memory(st);
	printf("rekey due: %s\n", st->rekey_due ? "yes (isad does it "
	    "itself, unless the master key has a passphrase: then run "
	    "isad rekey)" : "no");
	if (st->nproblems == 0)
		printf("status: ok\n");
	for (int i = 0; i < st->nproblems; i++)
		printf("status: PROBLEM: %s\n", st->problems[i]);
}

static int
print_json(const isad_config_t *cfg, const status_t *st)
{
	uint64_t used = st->space.pages_used * st->space.page_size;
	json_t *o, *mem = NULL, *problems = json_array();
	char when[TIMEFMT_LEN] = "";
	char *text;

	for (int i = 0; problems != NULL && i < st->nproblems; i++)
		json_array_append_new(problems, json_string(st->problems[i]));
	if (st->cp_ms > 0)
		timefmt_format_ms(st->cp_ms, when);
	if (st->mem_rc == 0)
		mem = json_pack("{s:I,s:I,s:I}",
		    "anonymous_bytes", (json_int_t)st->mem.anonymous,
		    "mapped_bytes", (json_int_t)st->mem.mapped,
		    "rss_bytes", (json_int_t)st->mem.rss);
	o = json_pack("{s:s,s:b,s:o?,s:i,"
	    "s:{s:I,s:I,s:I,s:I},"
	    "s:{s:I,s:I,s:I},s:I,"
	    "s:{s:I,s:I,s:s?,s:o?,s:I,s:o?},"
	    "s:o?,s:b,s:b,s:o}",
	    "data_dir", cfg->data_dir,
	    "running", st->running == 1,
	    "pid", st->running == 1 ? json_integer(st->pid) : NULL,
	    "schema", (int)st->schema,
	    "map", "bytes", (json_int_t)st->space.map_bytes,
	    "used", (json_int_t)used,
	    "free", (json_int_t)(st->space.map_bytes - used),
	    "page_size", (json_int_t)st->space.page_size,
	    "documents", "active", (json_int_t)st->docs[DOC_ACTIVE],
	    "recalled", (json_int_t)st->docs[DOC_RECALLED],
	    "destroyed", (json_int_t)st->docs[DOC_DESTROYED],
	    "requests_pending", (json_int_t)st->requests_pending,
	    "audit", "records", (json_int_t)st->records,
	    "checkpoint_size", (json_int_t)st->cp_size,
	    "checkpoint_time", st->cp_ms > 0 ? when : NULL,
	    "checkpoint_age_ms", st->cp_ms > 0 ?
	    json_integer(st->now_ms - st->cp_ms) : NULL,
	    "waiting", (json_int_t)(st->records - st->cp_size),
	    "waiting_age_ms", st->records > st->cp_size ?
	    json_integer(st->now_ms - st->waiting_ms) : NULL,
	    "memory", mem,
	    "rekey_due", st->rekey_due,
	    "healthy", st->nproblems == 0,
	    "problems", problems);
	text = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (text == NULL) {
		log_warnx("out of memory");
		return -1;
	}
	printf("%s\n", text);
	free(text);
	return 0;
}

int
status_run(const isad_config_t *cfg, bool json)
{
	status_t st;
	store_t *s = NULL;
	char err[512];
	int rc;

	memset(&st, 0, sizeof(st));
	if (datadir_check_owner(cfg->data_dir, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return 1;
	}
	st.running = datadir_holder(cfg->data_dir, &st.pid);
	st.mem_rc = st.running == 1 ? procmem_read(st.pid, &st.mem) :
	    ISA_ERR_NOTFOUND;
	if ((rc = store_open_readonly(cfg->data_dir, cfg->map_size, false, &s,
	    err, sizeof(err))) != 0) {
		log_warnx("%s", err);
		return 1;
	}
	st.now_ms = clock_wall_ms();
	rc = gather(s, &st);
	store_close(s);
	if (rc != 0) {
		log_warnx("cannot read the store in %s: %s", cfg->data_dir,
		    isa_strerror(rc));
		return 1;
	}
	judge(cfg, &st);
	if (json ? print_json(cfg, &st) != 0 : (print_text(cfg, &st), 0))
		return 1;
	return st.nproblems == 0 ? 0 : 1;
}
