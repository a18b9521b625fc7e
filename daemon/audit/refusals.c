/* refusals.c: refused handshakes tallied per peer address and window, under a ceiling of audit records (DESIGN §4). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "common/be64.h"
#include "daemon/audit/refusals.h"
#include "proto/sha256.h"

#define KEY_SLOTS (1u << 16)	/* fingerprints, filled to 3/4 at most */
#define OVERFLOW_BUCKET UINT32_MAX	/* its keys' bucket */
#define ADDR_DOMAIN (UINT32_MAX - 1)	/* addresses' fingerprints */

_Static_assert(REFUSALS_KEY_PAIRS == KEY_SLOTS / 4 * 3,
    "the key table's fill limit");

/* What one address did in the window after its first refusal. */
struct tally {
	char addr[64];		/* "" when the slot is free */
	uint8_t key[32];	/* of the last attempt counted */
	bool has_key;
	char user[128];		/* of the last attempt counted */
	const char *reason;	/* of the attempts counted, while one */
	bool mixed;		/* more than one reason */
	uint64_t count, keys;
};

struct refusals {
	unsigned max_addrs;	/* tallied a window: (ceiling - 1) / 2 */
	unsigned naddrs;
	unsigned cap;		/* slots in addrs: a power of two */
	struct tally *addrs;	/* open addressing on the address */
	struct tally overflow;	/* every address past max_addrs */
	uint64_t *fps;		/* (address, key) fingerprints; 0 free */
	unsigned nfps;
	int64_t window_ms, since_ms;
	bool open;
};

refusals_t *
refusals_new(unsigned ceiling, int64_t window_ms)
{
	refusals_t *t = calloc(1, sizeof(*t));

	if (t == NULL || ceiling < 3)
		goto fail;
	t->max_addrs = (ceiling - 1) / 2;
	for (t->cap = 4; t->cap < 2 * t->max_addrs; t->cap *= 2)
		;
	t->window_ms = window_ms;
	t->addrs = calloc(t->cap, sizeof(*t->addrs));
	t->fps = calloc(KEY_SLOTS, sizeof(*t->fps));
	if (t->addrs == NULL || t->fps == NULL)
		goto fail;
	snprintf(t->overflow.addr, sizeof(t->overflow.addr), "%s",
	    REFUSALS_OVERFLOW);
	return t;
fail:
	refusals_free(t);
	return NULL;
}

void
refusals_free(refusals_t *t)
{
	if (t == NULL)
		return;
	free(t->addrs);
	free(t->fps);
	free(t);
}

/* 64 bits of SHA-256 over bucket and data: an attacker picks keys and
 * addresses, so the tables take a hash they cannot aim. */
static uint64_t
fingerprint(uint32_t bucket, const void *data, size_t len)
{
	uint8_t buf[4 + 64], d[SHA256_LEN];
	uint64_t v = 0;

	memcpy(buf, &bucket, 4);
	memcpy(buf + 4, data, len < 64 ? len : 64);
	sha256(buf, 4 + (len < 64 ? len : 64), d);
	v = be64_get(d);
	return v != 0 ? v : 1;
}

/* Whether key is new among those counted for bucket this window (past
 * the table's fill limit, every key not found counts as new). */
static bool
key_new(refusals_t *t, uint32_t bucket, const uint8_t *key)
{
	uint64_t fp = fingerprint(bucket, key, 32);
	unsigned i = (unsigned)fp & (KEY_SLOTS - 1);

	for (; t->fps[i] != 0; i = (i + 1) & (KEY_SLOTS - 1))
		if (t->fps[i] == fp)
			return false;
	if (t->nfps < REFUSALS_KEY_PAIRS) {
		t->fps[i] = fp;
		t->nfps++;
	}
	return true;
}

/* Count one attempt after the first into a. */
static void
tally_count(refusals_t *t, struct tally *a, uint32_t bucket,
    const uint8_t *key, const char *user, const char *reason)
{
	if (a->count > 0 && a->reason != reason &&
	    strcmp(a->reason, reason) != 0)
		a->mixed = true;
	a->reason = reason;
	a->count++;
	if (key != NULL) {
		if (key_new(t, bucket, key))
			a->keys++;
		memcpy(a->key, key, 32);
		a->has_key = true;
		snprintf(a->user, sizeof(a->user), "%s", user);
	}
}

/* The record of what a counted. */
static void
tally_record(const struct tally *a, refusal_record_t *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->addr, sizeof(r->addr), "%s", a->addr);
	if (a->keys == 1 && a->has_key) {
		zmq_z85_encode(r->key, a->key, 32);
		snprintf(r->user, sizeof(r->user), "%s", a->user);
	}
	r->reason = a->mixed ? "mixed" : a->reason;
	r->count = a->count;
	r->keys = a->keys;
}

bool
refusals_add(refusals_t *t, int64_t now_ms, const char *addr,
    const uint8_t *key, const char *user, const char *reason,
    refusal_record_t *out)
{
	char a[64];
	unsigned i;

	/* "" marks a free slot: a peer without an address (ipc) is "-" */
	snprintf(a, sizeof(a), "%s", addr[0] != '\0' ? addr : "-");
	if (!t->open) {
		t->open = true;
		t->since_ms = now_ms;
	}
	i = (unsigned)fingerprint(ADDR_DOMAIN, a, strlen(a)) &
	    (t->cap - 1);
	for (; t->addrs[i].addr[0] != '\0'; i = (i + 1) & (t->cap - 1))
		if (strcmp(t->addrs[i].addr, a) == 0) {
			tally_count(t, &t->addrs[i], i, key, user, reason);
			return false;
		}
	if (t->naddrs == t->max_addrs) {
		tally_count(t, &t->overflow, OVERFLOW_BUCKET, key, user,
		    reason);
		return false;
	}
	/* The first from addr: a record now, and a tally for the rest. */
	t->naddrs++;
	memcpy(t->addrs[i].addr, a, sizeof(a));
	memset(out, 0, sizeof(*out));
	memcpy(out->addr, a, sizeof(a));
	if (key != NULL)
		zmq_z85_encode(out->key, key, 32);
	snprintf(out->user, sizeof(out->user), "%s", user);
	out->reason = reason;
	out->count = 1;
	return true;
}

void
refusals_flush(refusals_t *t, int64_t now_ms, bool all,
    void (*emit)(void *arg, const refusal_record_t *rec), void *arg)
{
	refusal_record_t r;

	if (!t->open || (!all && now_ms - t->since_ms < t->window_ms))
		return;
	for (unsigned i = 0; i < t->cap; i++)
		if (t->addrs[i].count > 0) {
			tally_record(&t->addrs[i], &r);
			emit(arg, &r);
		}
	if (t->overflow.count > 0) {
		tally_record(&t->overflow, &r);
		emit(arg, &r);
	}
	memset(t->addrs, 0, t->cap * sizeof(*t->addrs));
	memset(&t->overflow, 0, sizeof(t->overflow));
	snprintf(t->overflow.addr, sizeof(t->overflow.addr), "%s",
	    REFUSALS_OVERFLOW);
	if (t->nfps > 0)
		memset(t->fps, 0, KEY_SLOTS * sizeof(*t->fps));
	t->nfps = 0;
	t->naddrs = 0;
	t->open = false;
}
