/* docid.c: ids of documents, requests and inbox entries: 128 bits as 26 base32 characters. */
#include <string.h>

#include "common/err.h"
#include "proto/docid.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

void
docid_format(const uint8_t id[DOCID_LEN], char *out)
{
	unsigned bits = 0, acc = 0;
	size_t n = 0;

	for (size_t i = 0; i < DOCID_LEN; i++) {
		acc = (acc << 8) | id[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[n++] = alphabet[(acc >> bits) & 31];
		}
	}
	if (bits > 0)	/* 128 = 25 * 5 + 3: three bits left, padded with 0 */
		out[n++] = alphabet[(acc << (5 - bits)) & 31];
	out[n] = '\0';
}

int
docid_parse(const char *text, uint8_t id[DOCID_LEN])
{
	unsigned bits = 0, acc = 0;
	size_t n = 0;

	if (strlen(text) != DOCID_TEXT_LEN)
		return ISA_ERR_PARSE;
	for (size_t i = 0; i < DOCID_TEXT_LEN; i++) {
		char c = text[i];
		unsigned v;

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c >= 'A' && c <= 'Z')
			v = (unsigned)(c - 'A');
		else if (c >= '2' && c <= '7')
			v = (unsigned)(c - '2' + 26);
		else
			return ISA_ERR_PARSE;
		acc = (acc << 5) | v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			id[n++] = (uint8_t)(acc >> bits);
		}
	}
	/* 130 bits read: the last 2 must be zero, so each id has one text. */
	if ((acc & ((1u << bits) - 1)) != 0)
		return ISA_ERR_PARSE;
	return 0;
}
