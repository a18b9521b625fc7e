/* be64.h: 64-bit unsigned integers as 8 big-endian bytes (store keys, sequence numbers, nonces). */
#ifndef ISA_COMMON_BE64_H
#define ISA_COMMON_BE64_H

#include <stdint.h>

/* Write v into p[0..7], most significant byte first. */
static inline void
be64_put(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* The value of p[0..7], most significant byte first. */
static inline uint64_t
be64_get(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

#endif
