/* term.h: everything isa prints goes through here, so nothing from isad (or a file name) can act on the terminal. */
#ifndef ISA_CLIENT_TERM_H
#define ISA_CLIENT_TERM_H

#include <stdarg.h>
#include <stdio.h>

/* Write s to f with every control character, bidirectional override and
 * invalid UTF-8 byte escaped (utf8_escape): titles, markings, handling,
 * ids, reasons, messages.  A tab or newline in s is escaped too, so a
 * tab-separated line keeps its columns. */
void term_puts(FILE *f, const char *s);

/*
 * printf to f, with every %s argument written as term_puts writes it (and
 * padded to its width after escaping); the format's own text is written
 * as it is.  Conversions: s, c, d, i, u, x, X, o, p and %%, with the
 * flags, a decimal width and precision, and the length modifiers hh, h, l,
 * ll, z, j, t ('*' is not supported: write the number into the format).
 */
void term_printf(FILE *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void term_vprintf(FILE *f, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/*
 * Document content shown on a terminal (isa get to standard output when it
 * is one): text passes as it is, newlines, tabs and CR LF line ends
 * included; everything else a terminal could act on (utf8_is_unsafe, a
 * lone carriage return) and every byte that is not UTF-8 is escaped as
 * term_puts does, so a document cannot forge the marking line printed
 * above it.  Content comes in pieces: a UTF-8 sequence or a CR LF cut
 * between two pieces is held in t for the next.
 */
typedef struct {
	unsigned char carry[4];
	size_t n;
} term_text_t;

/*
 * Escape the n bytes at p, after what t holds, into *out (malloc'd, the
 * caller frees it) of *outlen bytes; last: nothing follows, so nothing is
 * held.  Returns 0, or -1 when out of memory.
 */
int term_text_escape(term_text_t *t, const void *p, size_t n, int last,
    char **out, size_t *outlen);

#endif
