/* timefmt.c: UTC times as RFC 3339 text and Unix milliseconds. */
#define _DEFAULT_SOURCE	/* timegm */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/err.h"
#include "common/timefmt.h"

static void
put_digits(char *p, int v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

void
timefmt_format_ms(int64_t ms, char *out)
{
	/* The offline verifier formats a million times, mostly in runs of
	 * the same second: the last second's text is kept, a thread each. */
	static _Thread_local time_t last_t = -1;
	static _Thread_local char last[TIMEFMT_LEN];
	time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	int frac = (int)(ms - (int64_t)t * 1000);
	struct tm tm;

	if (t == last_t && t >= 0) {	/* (last_t starts at -1) */
		memcpy(out, last, 20);
		put_digits(out + 20, frac, 3);
		memcpy(out + 23, "Z", 2);
		return;
	}
	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(out, TIMEFMT_LEN, "%lld ms", (long long)ms);
		return;
	}
	if (tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999) {
		snprintf(out, TIMEFMT_LEN, "%04d-%02d-%02dT%02d:%02d:%02d."
		    "%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		    tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
		return;
	}
	/* By hand, not snprintf: the offline verifier formats one a record. */
	put_digits(out, tm.tm_year + 1900, 4);
	out[4] = '-';
	put_digits(out + 5, tm.tm_mon + 1, 2);
	out[7] = '-';
	put_digits(out + 8, tm.tm_mday, 2);
	out[10] = 'T';
	put_digits(out + 11, tm.tm_hour, 2);
	out[13] = ':';
	put_digits(out + 14, tm.tm_min, 2);
	out[16] = ':';
	put_digits(out + 17, tm.tm_sec, 2);
	out[19] = '.';
	put_digits(out + 20, frac, 3);
	memcpy(out + 23, "Z", 2);
	memcpy(last, out, 20);
	last_t = t;
}

static int
digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* Days in month mo (1 to 12) of year y, Gregorian. */
static int
month_days(int y, int mo)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return mo == 2 && leap ? 29 : days[mo - 1];
}

int
timefmt_parse_ms(const char *s, int64_t *ms)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, fdig = 0, off = 0;
	const char *p;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (strlen(s) < 10 || digits(s, 4, &y) || s[4] != '-' ||
	    digits(s + 5, 2, &mo) || s[7] != '-' || digits(s + 8, 2, &d))
		return ISA_ERR_PARSE;
	p = s + 10;
	if (*p == 'T' || *p == 't') {
		if (digits(p + 1, 2, &h) || p[3] != ':' ||
		    digits(p + 4, 2, &mi) || p[6] != ':' ||
		    digits(p + 7, 2, &sec))
			return ISA_ERR_PARSE;
		p += 9;
		if (*p == '.') {
			for (p++; *p >= '0' && *p <= '9'; p++, fdig++)
				if (fdig < 3)
					frac = frac * 10 + (*p - '0');
			if (fdig == 0)
				return ISA_ERR_PARSE;
			for (int k = fdig; k < 3; k++)
				frac *= 10;
		}
		if (*p == 'Z' || *p == 'z')
			p++;
		else if (*p == '+' || *p == '-') {
			int oh, om;

			if (digits(p + 1, 2, &oh) || p[3] != ':' ||
			    digits(p + 4, 2, &om) || oh > 23 || om > 59)
				return ISA_ERR_PARSE;
			off = (oh * 60 + om) * (*p == '+' ? 1 : -1);
			p += 6;
		} else
			return ISA_ERR_PARSE;
	}
	/* A leap second is 23:59:60 and nothing else; offsets within a day. */
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 ||
	    d > month_days(y, mo) || h > 23 || mi > 59 || sec > 60 ||
	    (sec == 60 && (h != 23 || mi != 59)) || off <= -24 * 60 ||
	    off >= 24 * 60)
		return ISA_ERR_PARSE;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	*ms = ((int64_t)t - (int64_t)off * 60) * 1000 + frac;
	return 0;
}

int
timefmt_parse_date(const char *s, int64_t *ms)
{
	if (strlen(s) != 10)
		return ISA_ERR_PARSE;
	return timefmt_parse_ms(s, ms);
}

int
timefmt_parse_time(const char *s, int64_t *ms)
{
	if (strlen(s) <= 10)
		return ISA_ERR_PARSE;
	return timefmt_parse_ms(s, ms);
}
