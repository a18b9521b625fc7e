/* term.c: everything isa prints goes through here, so nothing from isad (or a file name) can act on the terminal. */
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "client/term.h"
#include "common/utf8.h"

void
term_puts(FILE *f, const char *s)
{
	char *e = utf8_escape(s != NULL ? s : "");

	if (e == NULL) {	/* out of memory: show nothing rather than raw */
		fputs("?", f);
		return;
	}
	fputs(e, f);
	free(e);
}

/* One %s: escaped, cut to prec bytes of its escaped form (prec < 0: all),
 * padded to width. */
static void
put_string(FILE *f, const char *s, int width, int prec, int left)
{
	char *e = utf8_escape(s != NULL ? s : "(null)");
	size_t n;

	if (e == NULL) {
		fputs("?", f);
		return;
	}
	n = strlen(e);
	if (prec >= 0 && (size_t)prec < n)
		n = (size_t)prec;
	if (!left)
		for (size_t i = n; width > 0 && i < (size_t)width; i++)
			fputc(' ', f);
	fwrite(e, 1, n, f);
	if (left)
		for (size_t i = n; width > 0 && i < (size_t)width; i++)
			fputc(' ', f);
	free(e);
}

enum { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_J, LEN_T };

/* Any other conversion: printf itself, with the one argument it takes.
 * spec is one conversion cut from a format the compiler checked at the
 * call (term_printf's format attribute), hence the non-literal format. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void
put_other(FILE *f, const char *spec, char conv, int len, va_list *ap)
{
	switch (conv) {
	case 'd': case 'i':
		switch (len) {
		case LEN_L: fprintf(f, spec, va_arg(*ap, long)); break;
		case LEN_LL: fprintf(f, spec, va_arg(*ap, long long)); break;
		case LEN_Z: fprintf(f, spec, va_arg(*ap, ptrdiff_t)); break;
		case LEN_J: fprintf(f, spec, va_arg(*ap, intmax_t)); break;
		case LEN_T: fprintf(f, spec, va_arg(*ap, ptrdiff_t)); break;
		default: fprintf(f, spec, va_arg(*ap, int)); break;
		}
		break;
	case 'u': case 'x': case 'X': case 'o':
		switch (len) {
		case LEN_L: fprintf(f, spec, va_arg(*ap, unsigned long)); break;
		case LEN_LL:
			fprintf(f, spec, va_arg(*ap, unsigned long long));
			break;
		case LEN_Z: fprintf(f, spec, va_arg(*ap, size_t)); break;
		case LEN_J: fprintf(f, spec, va_arg(*ap, uintmax_t)); break;
		case LEN_T: fprintf(f, spec, va_arg(*ap, ptrdiff_t)); break;
		default: fprintf(f, spec, va_arg(*ap, unsigned)); break;
		}
		break;
	case 'c': {
		char one[2] = { (char)va_arg(*ap, int), '\0' };

		put_string(f, one, 0, -1, 0);
		break;
	}
	case 'p':
		fprintf(f, spec, va_arg(*ap, void *));
		break;
	default:		/* not a conversion we write: show it */
		fputs(spec, f);
		break;
	}
}
#pragma GCC diagnostic pop

void
term_vprintf(FILE *f, const char *fmt, va_list ap0)
{
	va_list ap;
	const char *p = fmt;

	va_copy(ap, ap0);
	while (*p != '\0') {
		const char *start = p;
		char spec[32];
		int width = 0, prec = -1, left = 0, len = LEN_NONE;

		if (*p != '%') {
			size_t n = strcspn(p, "%");

			fwrite(p, 1, n, f);
			p += n;
			continue;
		}
		if (p[1] == '%') {
			fputc('%', f);
			p += 2;
			continue;
		}
		for (p++; *p != '\0' && strchr("-+ #0", *p) != NULL; p++)
			left |= *p == '-';
		for (; *p >= '0' && *p <= '9'; p++)
			width = width < 100000 ? width * 10 + (*p - '0') : width;
		if (*p == '.')
			for (prec = 0, p++; *p >= '0' && *p <= '9'; p++)
				prec = prec < 100000 ? prec * 10 + (*p - '0') :
				    prec;
		if (*p == 'h')
			len = p[1] == 'h' ? (p++, LEN_HH) : LEN_H;
		else if (*p == 'l')
			len = p[1] == 'l' ? (p++, LEN_LL) : LEN_L;
		else if (*p == 'z')
			len = LEN_Z;
		else if (*p == 'j')
			len = LEN_J;
		else if (*p == 't')
			len = LEN_T;
		if (len != LEN_NONE)
			p++;
		if (*p == '\0')
			break;
		if (*p == 's') {
			put_string(f, va_arg(ap, const char *), width, prec,
			    left);
			p++;
			continue;
		}
		if ((size_t)(p + 1 - start) >= sizeof(spec))
			break;	/* no format of ours is this long */
		memcpy(spec, start, (size_t)(p + 1 - start));
		spec[p + 1 - start] = '\0';
		put_other(f, spec, *p, len, &ap);
		p++;
	}
	va_end(ap);
}

void
term_printf(FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	term_vprintf(f, fmt, ap);
	va_end(ap);
}

/* Whether the r bytes at s start a UTF-8 sequence that more bytes could
 * complete (its lead byte asks for more than r, and what is there fits). */
static int
utf8_cut(const unsigned char *s, size_t r)
{
	size_t want = (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 :
	    (s[0] & 0xf8) == 0xf0 ? 4 : 0;

	if (want <= r)
		return 0;
	for (size_t i = 1; i < r; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return 1;
}

int
term_text_escape(term_text_t *t, const void *p, size_t n, int last,
    char **out, size_t *outlen)
{
	size_t len = t->n + n, i = 0, o = 0;
	unsigned char *in;
	char *e;

	/* At most 6 bytes out for each in ("\uNNNN" for 2 or 3). */
	if (len > (SIZE_MAX - 1) / 6 || (in = malloc(len + 1)) == NULL)
		return -1;
	if ((e = malloc(6 * len + 1)) == NULL) {
		free(in);
		return -1;
	}
	memcpy(in, t->carry, t->n);
	if (n > 0)
		memcpy(in + t->n, p, n);
	t->n = 0;
	while (i < len) {
		uint32_t c;
		int k;

		if (in[i] == '\n' || in[i] == '\t') {
			e[o++] = (char)in[i++];
			continue;
		}
		if (in[i] == '\r') {
			if (i + 1 == len && !last)
				break;		/* CR LF, maybe: wait */
			if (i + 1 < len && in[i + 1] == '\n') {
				e[o++] = '\r';
				e[o++] = '\n';
				i += 2;
				continue;
			}
		}
		k = utf8_next(in + i, len - i, &c);
		if (k < 0 && !last && utf8_cut(in + i, len - i))
			break;		/* the rest comes with the next piece */
		if (k < 0 || (k == 1 && utf8_is_unsafe(c))) {
			o += (size_t)snprintf(e + o, 5, "\\x%02x", in[i]);
			i++;
		} else if (utf8_is_unsafe(c)) {
			o += (size_t)snprintf(e + o, 7, "\\u%04x", (unsigned)c);
			i += (size_t)k;
		} else {
			memcpy(e + o, in + i, (size_t)k);
			o += (size_t)k;
			i += (size_t)k;
		}
	}
	t->n = len - i;		/* at most 3 bytes, or one CR */
	memcpy(t->carry, in + i, t->n);
	free(in);
	*out = e;
	*outlen = o;
	return 0;
}
