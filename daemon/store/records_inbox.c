/* records_inbox.c: inbox entries at rest: STORE_INBOX, user NUL seq (BE) -> StoredInbox, each user numbered on their own; the one codec, the kind as records_inbox_kind_t. */
#include <stdio.h>
#include <string.h>

#include "common/be64.h"
#include "common/err.h"
#include "daemon/store/records_names.h"

/* The names of records_inbox_kind_t at rest. */
static const char *const inbox_kinds[] = {
	[RECORDS_INBOX_NEW] = "new",
	[RECORDS_INBOX_REQUEST] = "request",
	[RECORDS_INBOX_DECIDED] = "decided",
	[RECORDS_INBOX_NOTICE] = "notice",
	[RECORDS_INBOX_REVIEW] = "review",
	[RECORDS_INBOX_RECALLED] = "recalled",
};

#define INBOX_SEQ	"inbox_seq"	/* meta "inbox_seq/USER" */

int
records_inbox_decode(const void *val, size_t len, Isad__StoredInbox **out)
{
	Isad__StoredInbox *s = isad__stored_inbox__unpack(NULL, len, val);

	*out = NULL;
	if (s == NULL)
		return ISA_ERR_PARSE;
	if (records_name_index(inbox_kinds, RECORDS_NAMES(inbox_kinds), s->kind) < 0) {
		isad__stored_inbox__free_unpacked(s, NULL);
		return ISA_ERR_PARSE;
	}
	*out = s;
	return 0;
}

size_t
records_inbox_key(uint8_t key[RECORDS_INBOX_KEY_MAX], const char *user,
    uint64_t seq)
{
	size_t n = strlen(user);

	if (n >= RECORDS_INBOX_USER_MAX)
		return 0;
	memcpy(key, user, n);
	key[n] = '\0';
	be64_put(key + n + 1, seq);
	return n + 9;
}

int
records_inbox_key_parse(const void *key, size_t klen, const char *user,
    uint64_t *seq)
{
	size_t n = strlen(user);

	if (klen != n + 9 || memcmp(key, user, n + 1) != 0)
		return ISA_ERR_NOTFOUND;
	*seq = be64_get((const uint8_t *)key + n + 1);
	return 0;
}

/* The meta name of user's last seq into name (RECORDS_INBOX_USER_MAX +
 * sizeof(INBOX_SEQ) bytes). */
static size_t
inbox_seq_name(char *name, size_t size, const char *user)
{
	snprintf(name, size, "%s/%s", INBOX_SEQ, user);
	return strlen(name);
}

int
records_inbox_append(store_txn_t *t, const char *user,
    const Isad__StoredInbox *s)
{
	char name[RECORDS_INBOX_USER_MAX + sizeof(INBOX_SEQ)];
	uint8_t key[RECORDS_INBOX_KEY_MAX], buf[RECORDS_INBOX_VALUE_MAX];
	uint8_t seqb[8];
	const void *v;
	size_t klen, nlen, len, vl;
	uint64_t seq = 0;
	int rc;

	if (strlen(user) >= RECORDS_INBOX_USER_MAX ||
	    records_name_index(inbox_kinds, RECORDS_NAMES(inbox_kinds), s->kind) < 0)
		return ISA_ERR_INVAL;
	nlen = inbox_seq_name(name, sizeof(name), user);
	/* A missing or malformed number counts as none yet. */
	if (store_get(t, STORE_META, name, nlen, &v, &vl) == 0 && vl == 8)
		seq = be64_get(v);
	seq++;
	if ((len = isad__stored_inbox__get_packed_size(s)) > sizeof(buf))
		return ISA_ERR_RANGE;
	isad__stored_inbox__pack(s, buf);
	klen = records_inbox_key(key, user, seq);
	be64_put(seqb, seq);
	if ((rc = store_put(t, STORE_INBOX, key, klen, buf, len)) != 0)
		return rc;
	return store_put(t, STORE_META, name, nlen, seqb, sizeof(seqb));
}

typedef struct {
	const char *user;
	records_inbox_fn fn;
	void *arg;
	bool past;		/* stopped at a key not the user's */
} inbox_walk_t;

static int
inbox_one(void *arg, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	inbox_walk_t *w = arg;
	uint64_t seq;

	if (records_inbox_key_parse(key, klen, w->user, &seq) != 0) {
		w->past = true;
		return 1;
	}
	return w->fn(w->arg, seq, val, vlen);
}

int
records_inbox_each(store_txn_t *t, const char *user, uint64_t from,
    records_inbox_fn fn, void *arg)
{
	inbox_walk_t w = { user, fn, arg, false };
	uint8_t start[RECORDS_INBOX_KEY_MAX];
	size_t slen = records_inbox_key(start, user, from);
	int rc;

	if (slen == 0)
		return ISA_ERR_INVAL;
	rc = store_iter(t, STORE_INBOX, start, slen, inbox_one, &w);
	return w.past ? 0 : rc;
}

void
records_inbox_free(Isad__StoredInbox *s)
{
	if (s != NULL)
		isad__stored_inbox__free_unpacked(s, NULL);
}

records_inbox_kind_t
records_inbox_kind(const Isad__StoredInbox *s)
{
	int i = records_name_index(inbox_kinds, RECORDS_NAMES(inbox_kinds), s->kind);

	/* Never other (decoding refused it). */
	return i < 0 ? RECORDS_INBOX_NEW : (records_inbox_kind_t)i;
}

void
records_inbox_set_kind(Isad__StoredInbox *s, records_inbox_kind_t k)
{
	s->kind = (char *)records_name_of(inbox_kinds, RECORDS_NAMES(inbox_kinds), k);
}

const char *
records_inbox_kind_name(records_inbox_kind_t k)
{
	return records_name_of(inbox_kinds, RECORDS_NAMES(inbox_kinds), k);
}
