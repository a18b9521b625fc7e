/* records_names.h: inside the record layer only: the names states and kinds have at rest, and walking records keyed by an id (records_names.c). */
#ifndef ISA_DAEMON_RECORDS_NAMES_H
#define ISA_DAEMON_RECORDS_NAMES_H

#include <stddef.h>

#include "daemon/store/records.h"

#define RECORDS_NAMES(a) (sizeof(a) / sizeof((a)[0]))

/* The index of s (NULL: none) among the n names, or -1 when it is none of
 * them: a name read from the store is checked here. */
int records_name_index(const char *const *names, size_t n, const char *s);

/* names[i], or "" past the end (never: the enums index the tables). */
const char *records_name_of(const char *const *names, size_t n, unsigned i);

/* Call fn with each record of db whose key is an id (RECORDS_ID_LEN bytes,
 * others skipped), from id from on (NULL: the first), as store_iter. */
int records_id_each(store_txn_t *t, store_db_t db, const uint8_t *from,
    records_each_fn fn, void *arg);

#endif
