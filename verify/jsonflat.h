/* jsonflat.h: the flat JSON objects of an audit export's lines, parsed to say what is wrong with one. */
#ifndef ISA_VERIFY_JSONFLAT_H
#define ISA_VERIFY_JSONFLAT_H

#include <stddef.h>

#define JSONFLAT_MAX 24

/* One member of a flat JSON object: a string (unescaped) or a number. */
typedef struct {
	char key[32];
	char *val;
} jsonflat_field_t;

/*
 * Parse a whole line as one flat object of at most JSONFLAT_MAX members,
 * strings (escapes as auditfmt writes them) or unsigned integers, into f
 * (*n members, each val malloc'd).  Returns 0 or ISA_ERR_PARSE (f holds
 * nothing then).
 */
__attribute__((warn_unused_result))
int jsonflat_parse(const char *line, jsonflat_field_t *f, size_t *n);

/* The value of key in f, or NULL. */
const char *jsonflat_get(const jsonflat_field_t *f, size_t n, const char *key);

/* Free the n members' values. */
void jsonflat_free(jsonflat_field_t *f, size_t n);

#endif
