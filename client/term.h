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

#endif
