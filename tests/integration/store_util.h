/* store_util.h: what the store, upload, rekey and master-key suites share: their deployment, seeded round trips, a look into a stopped isad's store. */
#ifndef ISA_TESTS_STORE_UTIL_H
#define ISA_TESTS_STORE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/store/store.h"
#include "harness.h"

#define SU_CHUNK 262144	/* the chunk size of the harness's default limits */

/* A started deployment with extra isad.conf settings (NULL: the harness's
 * defaults): ctp-analyst (ctpse, SC, approver) and council-lead (hcc,
 * BPSS).  Free it with h_free. */
harness_t *su_deploy(const char *conf);

/* cmocka fixtures: su_deploy(NULL) into *state, and h_free of it. */
int su_setup(void **state);
int su_teardown(void **state);

/* ctp-analyst puts size bytes of pattern seed (the file DIR/f-SEED) as
 * OFFICIAL-SENSITIVE to agency:ctpse; its id into id (32 bytes).  Fails
 * the test unless isa exits 0. */
void su_put_ok(harness_t *h, uint64_t size, unsigned seed, char *id);

/* ctp-analyst gets id into DIR/g-SEED; fails the test unless isa exits 0
 * and the bytes are those of DIR/f-SEED. */
void su_get_ok(harness_t *h, const char *id, unsigned seed);

/* The stopped isad's store, opened (close it with store_close).  Fails
 * the test when it cannot be opened. */
store_t *su_store_open(harness_t *h);

/* How many entries db of the stopped isad's store holds. */
size_t su_count(harness_t *h, store_db_t db);

/*
 * Move the data dir of h (isad stopped) onto a tmpfs of its own of bytes
 * bytes, which the test mounts.  Returns false, having printed why, when
 * this process cannot mount one (not root, or no mount namespace of its
 * own): the caller skips.  su_small_disk_release unmounts it (before
 * h_free).
 */
bool su_small_disk(harness_t *h, size_t bytes);
void su_small_disk_release(harness_t *h);

/* Fill the small disk with DATA_DIR/filler, leaving leave bytes free;
 * su_unfill removes it. */
void su_fill(harness_t *h, size_t leave);
void su_unfill(harness_t *h);

#endif
