/* wipe.c: non-elidable wiping and constant-time comparison of secrets. */
#define _DEFAULT_SOURCE
#include <string.h>

#include "wipe.h"

void
isa_wipe(void *p, size_t len)
{
	if (p != NULL && len > 0)
		explicit_bzero(p, len);
}

bool
isa_ct_equal(const void *a, const void *b, size_t len)
{
	const volatile unsigned char *x = a, *y = b;
	unsigned char d = 0;

	for (size_t i = 0; i < len; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}
