/* indexcheck.c: what `isad check --deep` found comparing each index with the records it mirrors. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "daemon/store/indexcheck.h"

void
indexcheck_begin(indexcheck_t *ic, const char *name)
{
	memset(ic, 0, sizeof(*ic));
	ic->index = name;
}

static void report(indexcheck_t *, uint64_t *, const char *, const char *,
    va_list) __attribute__((format(printf, 4, 0)));

static void
report(indexcheck_t *ic, uint64_t *count, const char *kind, const char *fmt,
    va_list ap)
{
	(*count)++;
	if (ic->shown >= INDEXCHECK_SHOWN)
		return;
	ic->shown++;
	printf("index %s: %s: ", ic->index, kind);
	vprintf(fmt, ap);
	putchar('\n');
}

void
indexcheck_missing(indexcheck_t *ic, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(ic, &ic->missing, "missing", fmt, ap);
	va_end(ap);
}

void
indexcheck_stray(indexcheck_t *ic, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(ic, &ic->stray, "stray", fmt, ap);
	va_end(ap);
}

void
indexcheck_wrong(indexcheck_t *ic, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(ic, &ic->wrong, "wrong", fmt, ap);
	va_end(ap);
}

void
indexcheck_text(const void *p, size_t len, char *out, size_t outlen)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < len && s[i] != '\0' && i + 1 < outlen; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
	out[i] = '\0';
	if (i < len && s[i] != '\0' && outlen >= 4)
		memcpy(out + outlen - 4, "...", 4);
}

uint64_t
indexcheck_end(indexcheck_t *ic)
{
	uint64_t bad = ic->missing + ic->stray + ic->wrong;

	if (bad == 0)
		printf("index %s: ok, %llu entries\n", ic->index,
		    (unsigned long long)ic->entries);
	else
		printf("index %s: %llu missing, %llu stray, %llu wrong, of "
		    "%llu entries\n", ic->index,
		    (unsigned long long)ic->missing,
		    (unsigned long long)ic->stray,
		    (unsigned long long)ic->wrong,
		    (unsigned long long)ic->entries);
	return bad;
}
