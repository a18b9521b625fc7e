/* indexcheck.h: what `isad check --deep` found comparing each index with the records it mirrors. */
#ifndef ISA_DAEMON_INDEXCHECK_H
#define ISA_DAEMON_INDEXCHECK_H

#include <stddef.h>
#include <stdint.h>

/*
 * Each index's check (docindex_check, reqindex_check, auditindex_check,
 * dateindex_check) rebuilds in a read transaction what the index should
 * hold from the records, compares, and reports every difference here: an
 * entry the records call for that the index lacks (missing), an entry no
 * record accounts for, or one whose value is not what the records say
 * (wrong).  The first INDEXCHECK_SHOWN differences of each index are
 * printed, one line each, naming the index, the key (ids as isa prints
 * them, never a title or any content) and what is wrong; all are counted.
 */
#define INDEXCHECK_SHOWN 20

typedef struct {
	const char *index;	/* the index being checked ("access", ...) */
	uint64_t entries;	/* entries compared, for the summary */
	uint64_t missing;
	uint64_t stray;
	uint64_t wrong;
	uint64_t shown;		/* lines printed for this index */
} indexcheck_t;

/* Start checking the index named name (a constant). */
void indexcheck_begin(indexcheck_t *ic, const char *name);

/* A difference: kind "missing", "stray" or "wrong", and printf-style what
 * (the key, readable).  Counted; printed to stdout while fewer than
 * INDEXCHECK_SHOWN have been for this index. */
void indexcheck_missing(indexcheck_t *ic, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void indexcheck_stray(indexcheck_t *ic, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void indexcheck_wrong(indexcheck_t *ic, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* len bytes at p (up to a NUL) as a report may print them: printable
 * ASCII, anything else as '?' (a damaged key may hold anything, and a
 * terminal must not be driven by it), cut with "..." to fit outlen
 * (at least 4). */
void indexcheck_text(const void *p, size_t len, char *out, size_t outlen);

/* Print the index's summary line ("index access: ok, N entries" or
 * "index access: N missing, N stray, N wrong"); returns the number of
 * differences. */
uint64_t indexcheck_end(indexcheck_t *ic);

#endif
