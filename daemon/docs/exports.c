/* exports.c: the audit exports isad has recorded, so that no export page leaves before its audit.export record (DESIGN §7). */
#include <pthread.h>
#include <string.h>

#include "daemon/docs/exports.h"
#include "daemon/ctx/job.h"

typedef struct {
	char user[128];
	uint8_t rid[JOB_RID_MAX];
	size_t rid_len;		/* 0: a free slot */
	uint64_t size;
	uint64_t stamp;		/* when recorded, in recording order */
} export_t;

/* Workers read and the main loop writes: one small table, one lock. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static export_t table[EXPORTS_MAX];
static uint64_t stamps;

static bool
same(const export_t *e, const char *user, const void *rid, size_t rid_len)
{
	return e->rid_len == rid_len && memcmp(e->rid, rid, rid_len) == 0 &&
	    strcmp(e->user, user) == 0;
}

void
exports_record(const char *user, const void *rid, size_t rid_len,
    uint64_t size)
{
	export_t *slot = NULL;

	if (rid_len == 0 || rid_len > JOB_RID_MAX ||
	    strlen(user) >= sizeof(table[0].user))
		return;		/* not a peer isad serves: nothing to allow */
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < EXPORTS_MAX && slot == NULL; i++)
		if (same(&table[i], user, rid, rid_len))
			slot = &table[i];
	for (size_t i = 0; i < EXPORTS_MAX && slot == NULL; i++)
		if (table[i].rid_len == 0)
			slot = &table[i];
	if (slot == NULL) {
		slot = &table[0];
		for (size_t i = 1; i < EXPORTS_MAX; i++)
			if (table[i].stamp < slot->stamp)
				slot = &table[i];
	}
	strcpy(slot->user, user);
	memcpy(slot->rid, rid, rid_len);
	slot->rid_len = rid_len;
	slot->size = size;
	slot->stamp = ++stamps;
	pthread_mutex_unlock(&lock);
}

bool
exports_allowed(const char *user, const void *rid, size_t rid_len,
    uint64_t upto)
{
	bool ok = false;

	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < EXPORTS_MAX && !ok; i++)
		ok = rid_len > 0 && same(&table[i], user, rid, rid_len) &&
		    table[i].size == upto;
	pthread_mutex_unlock(&lock);
	return ok;
}

void
exports_clear(void)
{
	pthread_mutex_lock(&lock);
	memset(table, 0, sizeof(table));
	pthread_mutex_unlock(&lock);
}
