/* wipe.h: non-elidable wiping and constant-time comparison of secrets. */
#ifndef ISA_COMMON_WIPE_H
#define ISA_COMMON_WIPE_H

#include <stdbool.h>
#include <stddef.h>

/* Overwrite len bytes at p with zeros; never optimised away.  p may be NULL
 * when len is 0. */
void isa_wipe(void *p, size_t len);

/* True when the len bytes at a and b are equal, in time that depends only on
 * len (for MACs, hashes and keys). */
__attribute__((warn_unused_result))
bool isa_ct_equal(const void *a, const void *b, size_t len);

#endif
