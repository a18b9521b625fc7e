/* docid.h: ids of documents, requests and inbox entries: 128 bits as 26 base32 characters. */
#ifndef ISA_PROTO_DOCID_H
#define ISA_PROTO_DOCID_H

#include <stddef.h>
#include <stdint.h>

#define DOCID_LEN 16		/* raw bytes */
#define DOCID_TEXT_LEN 26	/* RFC 4648 base32, no padding */

/* Write id as 26 upper-case base32 characters and a NUL into out
 * (DOCID_TEXT_LEN + 1 bytes). */
void docid_format(const uint8_t id[DOCID_LEN], char *out);

/*
 * Read text (case-insensitive, exactly 26 characters of A-Z and 2-7, whose
 * unused final bits are zero) into id.  Returns 0, or ISA_ERR_PARSE.
 */
__attribute__((warn_unused_result))
int docid_parse(const char *text, uint8_t id[DOCID_LEN]);

#endif
