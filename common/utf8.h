/* utf8.h: decoding UTF-8 one scalar value at a time, and what counts as a control character. */
#ifndef ISA_COMMON_UTF8_H
#define ISA_COMMON_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Decode the UTF-8 sequence at s (n > 0 bytes left) into *c.  Returns its
 * length (1 to 4), or -1 when it is not the shortest form of a Unicode
 * scalar value (overlong forms, surrogates, past U+10FFFF, a cut sequence).
 */
__attribute__((warn_unused_result))
int utf8_next(const unsigned char *s, size_t n, uint32_t *c);

/* Whether c is a control character a terminal may act on: C0 (U+0000 to
 * U+001F), DEL (U+007F) or C1 (U+0080 to U+009F). */
bool utf8_is_control(uint32_t c);

/* Whether a terminal could be made to act on c (utf8_is_control), or to
 * show text out of order (a bidirectional override or isolate: U+061C,
 * U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069). */
bool utf8_is_unsafe(uint32_t c);

/*
 * A copy of s (a NUL-terminated string, maybe not UTF-8) that a terminal
 * shows as it is and cannot act on: each control character (utf8_is_control)
 * and each bidirectional override or isolate (U+061C, U+200E, U+200F,
 * U+202A to U+202E, U+2066 to U+2069) is written as an escape, \xNN below
 * U+0080, \uNNNN from there; each byte that is not part of valid UTF-8 as
 * \xNN; the rest unchanged.  Returns it (malloc'd: the caller frees it),
 * or NULL when out of memory.
 */
char *utf8_escape(const char *s);

#endif
