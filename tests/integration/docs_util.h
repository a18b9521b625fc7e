/* docs_util.h: helpers the document tests share: files of known content, put and get through the real isa. */
#ifndef ISA_TESTS_DOCS_UTIL_H
#define ISA_TESTS_DOCS_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "harness.h"

/* Write size bytes of a pattern seeded by seed to path. */
void du_make_file(const char *path, uint64_t size, unsigned seed);

/* Whether two files have the same bytes. */
int du_same_file(const char *a, const char *b);

/* `isa put FILE --title T --class C --to TO` as user (plus extra args, a
 * NULL-terminated list or NULL); returns the exit status and the id (the
 * last line of stdout) in id (27 bytes). */
int du_put(harness_t *h, const char *user, const char *file,
    const char *title, const char *cls, const char *to,
    const char *const *extra, char *id, h_result_t *out);

/* `isa get ID -o FILE --force` as user; the result (free it). */
h_result_t du_get(harness_t *h, const char *user, const char *id,
    const char *file);

/* Whether needle occurs in any file under dir. */
int du_dir_contains(const char *dir, const void *needle, size_t len);

/* The "id" line of the deployment's master.key (its key check value) into
 * out (cap bytes). */
void du_master_key_id(harness_t *h, char *out, size_t cap);

#endif
