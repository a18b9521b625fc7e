/* auditbatch.h: the record lines of an audit export read a batch at a time and checked on every core. */
#ifndef ISA_VERIFY_AUDITBATCH_H
#define ISA_VERIFY_AUDITBATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "proto/merkle.h"

#define AUDITBATCH_LINES 16384	/* a power of two: batches start aligned */

typedef struct auditbatch auditbatch_t;

/* A batch checked by threads threads (the caller's among them, at most
 * 8; 0 for one a core), or NULL when out of memory. */
auditbatch_t *auditbatch_new(unsigned threads);

/* Check lines as format (AUDITFMT_V1 or AUDITFMT_V2) writes them; set it
 * before the first auditbatch_run. */
void auditbatch_set_format(auditbatch_t *b, int format);
void auditbatch_free(auditbatch_t *b);

/*
 * Read up to AUDITBATCH_LINES lines from f, the first being record seq,
 * and check each (auditrecord_check) on every thread, each chunk of lines
 * as soon as it is read.  *n says how many lines (0 at the end of f); a
 * last line without its newline is not counted: *cut says there was one.
 * What b held before is gone.  Returns 0, ISA_ERR_IO or ISA_ERR_NOMEM.
 */
__attribute__((warn_unused_result))
int auditbatch_run(auditbatch_t *b, FILE *f, uint64_t seq, size_t *n,
    bool *cut);

/*
 * The number of lines before the first bad one (all of them when none is
 * bad); then *rc and err say what is wrong with that one.
 */
size_t auditbatch_good(const auditbatch_t *b, int *rc, char *err,
    size_t errlen);

/*
 * Append the leaves of every line to range (whose size must be the seq the
 * batch was read at), as merkle_compact_append of each in turn would, but
 * from subtrees the threads hashed: only when auditbatch_good found every
 * line good (auditbatch_good).  On error range is unchanged.  Returns 0, or what
 * merkle_compact_merge returns.
 */
__attribute__((warn_unused_result))
int auditbatch_merge(const auditbatch_t *b, merkle_compact_t *range);

/* The leaf hash of line i, one of those auditbatch_good found good. */
const uint8_t *auditbatch_leaf(const auditbatch_t *b, size_t i);

#endif
