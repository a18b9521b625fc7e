/* bench_policy.c: decisions per second on one core for 500 users, 50 agencies, 100 groups nested 4 deep (not a test). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy/decide.h"
#include "policy/policy.h"
#include "policy/z85.h"

#define N_AGENCIES	50
#define N_USERS		500
#define N_GROUPS	100
#define N_DOCS		1024
#define MAX_ACCESS	8
#define N_DECISIONS	20000000L
#define NOW		INT64_C(1700000000)

/* Groups by level: 40 leaves, then 30, 20 and 10, each holding two groups of
 * the level below: a path four deep from every top group to a user. */
static const int level_start[] = { 0, 40, 70, 90, 100 };

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Append to a growing buffer; exits on failure (a benchmark, not a server). */
__attribute__((format(printf, 3, 4)))
static void
put(char **buf, size_t *n, const char *fmt, ...)
{
	static size_t cap;
	va_list ap;
	int k;

	for (;;) {
		va_start(ap, fmt);
		k = vsnprintf(*buf ? *buf + *n : NULL, *buf ? cap - *n : 0, fmt, ap);
		va_end(ap);
		if (k < 0)
			exit(1);
		if (*buf != NULL && *n + (size_t)k < cap)
			break;
		cap = cap ? cap * 2 : 1 << 16;
		if ((*buf = realloc(*buf, cap)) == NULL)
			exit(1);
	}
	*n += (size_t)k;
}

static char *
make_policy(void)
{
	static const char *const attrs[] = { "safeguarding", "uk-national",
	    "channel", "prevent" };
	static const char *const clr[] = { "NONE", "BPSS", "CTC", "SC", "DV" };
	char *t = NULL, key[41];
	uint8_t raw[POLICY_KEY_LEN];
	size_t n = 0;
	int i, j, k;

	put(&t, &n, "caveats = ( { name = \"PERSONAL-DATA\"; requires = \"safeguarding\"; },\n"
	    "  { name = \"UK-EYES-ONLY\"; requires = \"uk-national\"; },\n"
	    "  { name = \"CHANNEL\"; requires = \"channel\"; },\n"
	    "  { name = \"PREVENT-CASE\"; requires = \"prevent\"; } );\nagencies = (\n");
	for (i = 0; i < N_AGENCIES; i++)
		put(&t, &n, "%s  { id = \"agency-%02d\"; name = \"Agency %d\"; }",
		    i ? ",\n" : "", i, i);
	put(&t, &n, "\n);\nusers = (\n");
	for (i = 0; i < N_USERS; i++) {
		for (j = 0; j < POLICY_KEY_LEN; j++)
			raw[j] = (uint8_t)next();
		if (policy_z85_encode(raw, sizeof(raw), key, sizeof(key)) != 0)
			exit(1);
		put(&t, &n, "%s  { id = \"user-%03d\"; name = \"User %d\"; agency = "
		    "\"agency-%02d\"; clearance = \"%s\"; key = \"%s\"; roles = [ %s ];"
		    " attributes = [", i ? ",\n" : "", i, i, i % N_AGENCIES,
		    clr[next() % 5], key, i % 10 == 0 ? "\"approver\"" : "");
		for (j = 0, k = 0; j < 4; j++)
			if (next() % 2)
				put(&t, &n, "%s\"%s\"", k++ ? ", " : " ", attrs[j]);
		put(&t, &n, " ]; %s}", i % 97 == 0 ? "enabled = false; " : "");
	}
	put(&t, &n, "\n);\ngroups = (\n");
	for (i = 0; i < N_GROUPS; i++) {
		put(&t, &n, "%s  { id = \"group-%03d\"; members = [", i ? ",\n" : "", i);
		if (i < level_start[1]) {
			/* A leaf: five users and one agency. */
			for (j = 0; j < 5; j++)
				put(&t, &n, " \"user:user-%03d\",", (int)(next() % N_USERS));
			put(&t, &n, " \"agency:agency-%02d\"", (int)(next() % N_AGENCIES));
		} else {
			int lv = i < level_start[2] ? 1 : i < level_start[3] ? 2 : 3;
			int below = level_start[lv] - level_start[lv - 1];

			put(&t, &n, " \"group:group-%03d\", \"group:group-%03d\", "
			    "\"user:user-%03d\"",
			    level_start[lv - 1] + (int)(next() % (uint64_t)below),
			    level_start[lv - 1] + (int)(next() % (uint64_t)below),
			    (int)(next() % N_USERS));
		}
		put(&t, &n, " ]; }");
	}
	put(&t, &n, "\n);\n");
	return t;
}

struct bdoc {
	policy_doc_t doc;
	policy_principal_t access[MAX_ACCESS];
	char id[27];
};

static void
make_docs(const policy_t *p, struct bdoc *docs)
{
	int i, j;

	for (i = 0; i < N_DOCS; i++) {
		struct bdoc *b = &docs[i];
		policy_doc_t *d = &b->doc;

		memset(b, 0, sizeof(*b));
		snprintf(b->id, sizeof(b->id), "DOC%023d", i);
		d->id = b->id;
		d->marking.classification = (classification_t)(next() % 3);
		d->marking.caveats = next() % 4 == 0 ? (next() % 16) : 0;
		d->marking.onward = (onward_t)(next() % 2);
		d->originator = (int32_t)(next() % N_AGENCIES);
		d->author = policy_user_at(p, next() % N_USERS);
		d->ingested_by = d->author;
		d->n_access = 1 + next() % MAX_ACCESS;
		for (j = 0; j < (int)d->n_access; j++) {
			switch (next() % 4) {
			case 0:
				b->access[j].kind = PRINCIPAL_USER;
				b->access[j].index = (uint32_t)(next() % N_USERS);
				break;
			case 1:
				b->access[j].kind = PRINCIPAL_AGENCY;
				b->access[j].index = (uint32_t)(next() % N_AGENCIES);
				break;
			default:
				b->access[j].kind = PRINCIPAL_GROUP;
				b->access[j].index = (uint32_t)(next() % N_GROUPS);
				break;
			}
		}
		if (i % 64 == 0)
			b->access[0].kind = PRINCIPAL_ALL;
		d->access = b->access;
	}
}

/* The ceiling: the same loop and call, touching the same subject and
 * document, deciding nothing. */
__attribute__((noinline))
static int
ceiling_call(const policy_user_t *u, const policy_doc_t *d)
{
	__asm__ volatile("" : : "r"(u), "r"(d) : "memory");
	return (int)d->n_access & 1;
}

/* A baseline a string-comparing engine could not beat: one 26-byte compare
 * of the document id per decision. */
__attribute__((noinline))
static int
memcmp_call(const policy_user_t *u, const policy_doc_t *d, const char *id)
{
	__asm__ volatile("" : : "r"(u) : "memory");
	return memcmp(d->id, id, 26) == 0;
}

int
main(void)
{
	static struct bdoc docs[N_DOCS];
	static const policy_action_t actions[4] = { POLICY_ACTION_GET,
	    POLICY_ACTION_LIST, POLICY_ACTION_INFO, POLICY_ACTION_SHARE };
	const policy_user_t *users[N_USERS];
	policy_args_t args;
	policy_decision_t d;
	policy_t *p;
	char *text, err[512], sentence[256];
	long counts[8] = { 0 }, i, sink = 0;
	double t0, t_load, t_dec, t_ceil, t_cmp, t_exp;
	size_t len;

	text = make_policy();
	len = strlen(text);
	t0 = seconds();
	if (policy_load_string(text, "bench.conf", &p, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench_policy: %s\n", err);
		return 1;
	}
	t_load = seconds() - t0;
	free(text);
	for (i = 0; i < N_USERS; i++)
		users[i] = policy_user_at(p, (size_t)i);
	make_docs(p, docs);
	memset(&args, 0, sizeof(args));
	args.target.kind = PRINCIPAL_AGENCY;
	args.accreditation = CLASSIFICATION_SECRET;

	/* Warm up, then measure. */
	for (i = 0; i < N_DECISIONS / 10; i++)
		sink += policy_decide(p, users[i % N_USERS], POLICY_ACTION_GET,
		    &docs[(i * 7) & (N_DOCS - 1)].doc, &args, NOW, &d);
	t0 = seconds();
	for (i = 0; i < N_DECISIONS; i++) {
		policy_outcome_t o = policy_decide(p, users[i % N_USERS],
		    actions[i & 3], &docs[(i * 7) & (N_DOCS - 1)].doc, &args, NOW,
		    &d);

		counts[o]++;
	}
	t_dec = seconds() - t0;

	t0 = seconds();
	for (i = 0; i < N_DECISIONS; i++)
		sink += ceiling_call(users[i % N_USERS],
		    &docs[(i * 7) & (N_DOCS - 1)].doc);
	t_ceil = seconds() - t0;

	t0 = seconds();
	for (i = 0; i < N_DECISIONS; i++)
		sink += memcmp_call(users[i % N_USERS],
		    &docs[(i * 7) & (N_DOCS - 1)].doc, docs[i & (N_DOCS - 1)].id);
	t_cmp = seconds() - t0;

	/* The sentence is written only when a refusal is reported. */
	t0 = seconds();
	for (i = 0; i < N_DECISIONS / 10; i++) {
		sink += policy_decide(p, users[i % N_USERS], POLICY_ACTION_GET,
		    &docs[(i * 7) & (N_DOCS - 1)].doc, &args, NOW, &d);
		sink += policy_decision_explain(p, &d, sentence, sizeof(sentence));
	}
	t_exp = seconds() - t0;

	printf("policy: %zu bytes, %zu users, %zu agencies, %zu groups (4 deep), "
	    "loaded in %.2f ms\n", len, policy_user_count(p),
	    policy_agency_count(p), policy_group_count(p), t_load * 1e3);
	printf("documents: %d, access lists of 1-%d principals (users, agencies, "
	    "groups, all)\n", N_DOCS, MAX_ACCESS);
	printf("outcomes: permit %ld, deny %ld, not_found %ld, other %ld\n",
	    counts[POLICY_PERMIT], counts[POLICY_DENY], counts[POLICY_NOT_FOUND],
	    N_DECISIONS - counts[POLICY_PERMIT] - counts[POLICY_DENY] -
	    counts[POLICY_NOT_FOUND]);
	printf("decisions:          %12.0f /s  (%.1f ns each, get/list/info/share)\n",
	    N_DECISIONS / t_dec, t_dec / N_DECISIONS * 1e9);
	printf("decide + sentence:  %12.0f /s\n", N_DECISIONS / 10 / t_exp);
	printf("ceiling (empty call): %10.0f /s  (%.1f ns each)\n",
	    N_DECISIONS / t_ceil, t_ceil / N_DECISIONS * 1e9);
	printf("baseline (memcmp of the id): %.0f /s\n", N_DECISIONS / t_cmp);
	printf("ratio decisions/ceiling: %.2f; target 1000000 /s: %s\n",
	    t_ceil / t_dec, N_DECISIONS / t_dec >= 1e6 ? "met" : "NOT met");
	policy_unref(p);
	return sink == 42 ? 2 : 0;
}
