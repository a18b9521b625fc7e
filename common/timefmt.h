/* timefmt.h: UTC times as RFC 3339 text and Unix milliseconds. */
#ifndef ISA_COMMON_TIMEFMT_H
#define ISA_COMMON_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

#define TIMEFMT_LEN 64	/* "2026-11-23T09:55:01.123Z" and its NUL, with room */

/* ms as "YYYY-MM-DDTHH:MM:SS.mmmZ" into out (TIMEFMT_LEN bytes). */
void timefmt_format_ms(int64_t ms, char *out);

/*
 * The one date and time parser (DESIGN §10), for isa and isad alike:
 * "YYYY-MM-DD" (midnight UTC) or RFC 3339 "YYYY-MM-DDTHH:MM:SS[.f]Z" or
 * with a "+HH:MM"/"-HH:MM" offset into Unix milliseconds.  A date that
 * does not exist (2026-02-30, 2025-02-29) is refused, as is a leap second
 * anywhere but 23:59:60.  Returns 0, or ISA_ERR_PARSE.
 */
__attribute__((warn_unused_result))
int timefmt_parse_ms(const char *s, int64_t *ms);

/* As timefmt_parse_ms, but a DATE only ("YYYY-MM-DD": --review-by,
 * --destroy-after), or a TIME only (RFC 3339 with its time: --embargo-until). */
__attribute__((warn_unused_result))
int timefmt_parse_date(const char *s, int64_t *ms);
__attribute__((warn_unused_result))
int timefmt_parse_time(const char *s, int64_t *ms);

#endif
