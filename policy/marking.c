/* marking.c: document markings (DESIGN §5): parsing, the validity rules, the canonical line. */
#include "policy/marking.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/timefmt.h"
#include "policy/policy_impl.h"

static const char *const class_names[] = {
	[CLASSIFICATION_OFFICIAL] = "OFFICIAL",
	[CLASSIFICATION_OFFICIAL_SENSITIVE] = "OFFICIAL-SENSITIVE",
	[CLASSIFICATION_SECRET] = "SECRET",
	[CLASSIFICATION_TOP_SECRET] = "TOP SECRET",
};

static const char *const descriptor_names[] = { "PERSONAL", "COMMERCIAL",
    "LOCSEN" };
#define N_DESCRIPTORS	3

static const char *const onward_handling[] = {
	[ONWARD_APPROVAL] = "RECIPIENTS ONLY",
	[ONWARD_WITHIN_AGENCY] = "RECIPIENT AGENCY USE ONLY",
	[ONWARD_OPEN] = "FOR PUBLIC RELEASE",
};

static const char *const onward_names[] = {
	[ONWARD_APPROVAL] = "approval",
	[ONWARD_WITHIN_AGENCY] = "within-agency",
	[ONWARD_OPEN] = "open",
};

/* ASCII case-insensitive equality: no locale. */
static bool
word_eq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;

		if (x >= 'a' && x <= 'z')
			x = (unsigned char)(x - 'a' + 'A');
		if (y >= 'a' && y <= 'z')
			y = (unsigned char)(y - 'a' + 'A');
		if (x != y)
			return false;
	}
	return *a == *b;
}

const char *
policy_classification_name(classification_t c)
{
	if ((unsigned)c <= CLASSIFICATION_TOP_SECRET)
		return class_names[c];
	return "unknown";
}

int
policy_classification_parse(const char *name, classification_t *out)
{
	unsigned c;

	for (c = 0; c <= CLASSIFICATION_TOP_SECRET; c++) {
		if (word_eq(name, class_names[c])) {
			*out = (classification_t)c;
			return 0;
		}
	}
	if (word_eq(name, "TOP-SECRET")) {
		*out = CLASSIFICATION_TOP_SECRET;
		return 0;
	}
	return ISA_ERR_NOTFOUND;
}

clearance_t
policy_minimum_clearance(const policy_t *p, classification_t c)
{
	if ((unsigned)c < POLICY_N_CLASSES)
		return p->min_clearance[c];
	return CLEARANCE_DV;
}

size_t
policy_descriptor_count(void)
{
	return N_DESCRIPTORS;
}

const char *
policy_descriptor_name_at(size_t i)
{
	return i < N_DESCRIPTORS ? descriptor_names[i] : NULL;
}

classification_t
policy_caveat_minimum_classification(const policy_t *p, size_t i)
{
	return p->ukeo >= 0 && (size_t)p->ukeo == i ?
	    CLASSIFICATION_SECRET : CLASSIFICATION_OFFICIAL;
}

const char *
policy_onward_handling(onward_t o)
{
	return (unsigned)o <= ONWARD_OPEN ? onward_handling[o] : "unknown";
}

const char *
policy_onward_name(onward_t o)
{
	return (unsigned)o <= ONWARD_OPEN ? onward_names[o] : "unknown";
}

marking_fault_t
policy_marking_check(const policy_t *p, const marking_t *m,
    classification_t accreditation)
{
	uint64_t known = p->n_caveats >= 64 ? UINT64_MAX :
	    (UINT64_C(1) << p->n_caveats) - 1;

	if ((unsigned)m->classification > CLASSIFICATION_TOP_SECRET ||
	    (unsigned)m->onward > ONWARD_OPEN ||
	    (m->descriptors & ~(unsigned)((1u << N_DESCRIPTORS) - 1)) != 0 ||
	    (m->caveats & ~known) != 0)
		return MARKING_UNKNOWN;
	/* Never TOP SECRET, whatever the ceiling says. */
	if (m->classification == CLASSIFICATION_TOP_SECRET ||
	    m->classification > accreditation)
		return MARKING_NOT_ACCREDITED;
	if (m->onward == ONWARD_OPEN &&
	    m->classification != CLASSIFICATION_OFFICIAL)
		return MARKING_OPEN_NOT_OFFICIAL;
	if (m->onward == ONWARD_OPEN && m->caveats != 0)
		return MARKING_OPEN_WITH_CAVEAT;
	if (p->ukeo >= 0 && (m->caveats >> p->ukeo & 1) != 0 &&
	    m->classification != CLASSIFICATION_SECRET)
		return MARKING_UKEO_NOT_SECRET;
	if (m->classification == CLASSIFICATION_SECRET && !m->has_handling)
		return MARKING_SECRET_NO_HANDLING;
	if (m->embargo && m->embargo_until <= 0)
		return MARKING_EMBARGO_NO_TIME;
	return MARKING_VALID;
}

const char *
policy_marking_fault_text(marking_fault_t f)
{
	switch (f) {
	case MARKING_VALID:
		return "the marking is valid";
	case MARKING_NOT_ACCREDITED:
		return "not accredited: this system may not hold that "
		    "classification";
	case MARKING_OPEN_NOT_OFFICIAL:
		return "FOR PUBLIC RELEASE (onward rule open) is only for "
		    "OFFICIAL material";
	case MARKING_OPEN_WITH_CAVEAT:
		return "FOR PUBLIC RELEASE (onward rule open) is only for "
		    "material without caveats";
	case MARKING_UKEO_NOT_SECRET:
		return "the UK-EYES-ONLY caveat is only for SECRET material";
	case MARKING_SECRET_NO_HANDLING:
		return "SECRET material needs handling instructions";
	case MARKING_EMBARGO_NO_TIME:
		return "an embargo needs its time";
	case MARKING_UNKNOWN:
		break;
	}
	return "the marking holds a value this policy does not define";
}

/* RFC 3339 date-time (with Z or a numeric offset) into Unix seconds,
 * through the one parser (common/timefmt); false when malformed, not a
 * real time, or not after 1970. */
static bool
parse_time(const char *s, int64_t *out)
{
	int64_t ms;

	if (timefmt_parse_time(s, &ms) != 0 || ms <= 0)
		return false;
	*out = ms / 1000;
	return true;
}

/* Write a parse error sentence; returns rc. */
__attribute__((format(printf, 4, 5)))
static int
refuse(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;
	size_t i;

	if (err == NULL || errlen == 0)
		return rc;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	/* The words came from a client: keep the sentence on one line. */
	for (i = 0; err[i] != '\0'; i++)
		if ((unsigned char)err[i] < 0x20 || err[i] == 0x7f)
			err[i] = '?';
	return rc;
}

int
policy_marking_parse(const policy_t *p, const marking_spec_t *spec,
    classification_t accreditation, marking_t *out, char *err, size_t errlen)
{
	marking_t m;
	marking_fault_t f;
	size_t i, k;

	memset(out, 0, sizeof(*out));
	memset(&m, 0, sizeof(m));
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (spec->classification == NULL || spec->classification[0] == '\0')
		return refuse(err, errlen, ISA_ERR_PARSE, "a marking needs a "
		    "classification: OFFICIAL, OFFICIAL-SENSITIVE or SECRET");
	if (policy_classification_parse(spec->classification,
	    &m.classification) != 0)
		return refuse(err, errlen, ISA_ERR_PARSE, "unknown classification "
		    "\"%.64s\": OFFICIAL, OFFICIAL-SENSITIVE or SECRET",
		    spec->classification);
	for (i = 0; i < spec->n_descriptors; i++) {
		for (k = 0; k < N_DESCRIPTORS; k++)
			if (word_eq(spec->descriptors[i], descriptor_names[k]))
				break;
		if (k == N_DESCRIPTORS)
			return refuse(err, errlen, ISA_ERR_PARSE, "unknown descriptor "
			    "\"%.64s\": PERSONAL, COMMERCIAL or LOCSEN",
			    spec->descriptors[i]);
		if (m.descriptors & (1u << k))
			return refuse(err, errlen, ISA_ERR_PARSE, "descriptor %s "
			    "named twice", descriptor_names[k]);
		m.descriptors |= 1u << k;
	}
	for (i = 0; i < spec->n_caveats; i++) {
		for (k = 0; k < p->n_caveats; k++)
			if (word_eq(spec->caveats[i], p->caveats[k].name))
				break;
		if (k == p->n_caveats)
			return refuse(err, errlen, ISA_ERR_PARSE, "unknown caveat "
			    "\"%.64s\"", spec->caveats[i]);
		if (m.caveats >> k & 1)
			return refuse(err, errlen, ISA_ERR_PARSE, "caveat %s named "
			    "twice", p->caveats[k].name);
		m.caveats |= UINT64_C(1) << k;
	}
	if (spec->onward != NULL && spec->onward[0] != '\0') {
		for (k = 0; k <= ONWARD_OPEN; k++)
			if (word_eq(spec->onward, onward_names[k]))
				break;
		if (k > ONWARD_OPEN)
			return refuse(err, errlen, ISA_ERR_PARSE, "unknown onward rule "
			    "\"%.64s\": approval, within-agency or open",
			    spec->onward);
		m.onward = (onward_t)k;
	}
	m.has_handling = spec->handling != NULL && spec->handling[0] != '\0';
	if (spec->embargo_until != NULL) {
		m.embargo = true;
		if (spec->embargo_until[0] == '\0')
			return refuse(err, errlen, ISA_ERR_INVAL, "%s",
			    policy_marking_fault_text(MARKING_EMBARGO_NO_TIME));
		if (!parse_time(spec->embargo_until, &m.embargo_until))
			return refuse(err, errlen, ISA_ERR_PARSE, "malformed embargo "
			    "time \"%.64s\": RFC 3339, e.g. 2025-01-31T09:00:00Z",
			    spec->embargo_until);
	}
	f = policy_marking_check(p, &m, accreditation);
	if (f == MARKING_NOT_ACCREDITED)
		return refuse(err, errlen, ISA_ERR_RANGE, "not accredited: this "
		    "system may not hold %s", policy_classification_name(
		    m.classification));
	if (f != MARKING_VALID)
		return refuse(err, errlen, ISA_ERR_INVAL, "%s",
		    policy_marking_fault_text(f));
	*out = m;
	return 0;
}

/* Append word (and a space before it unless first) to buf at *n. */
static bool
put_word(char *buf, size_t len, size_t *n, const char *word)
{
	size_t w = strlen(word), sep = *n > 0 ? 1 : 0;

	if (*n + sep + w + 1 > len) {
		/* Truncate, but terminate. */
		if (len > 0) {
			size_t room = len - 1 - *n;

			if (sep && room > 0) {
				buf[(*n)++] = ' ';
				room--;
			}
			memcpy(buf + *n, word, room < w ? room : w);
			*n += room < w ? room : w;
			buf[*n] = '\0';
		}
		return false;
	}
	if (sep)
		buf[(*n)++] = ' ';
	memcpy(buf + *n, word, w);
	*n += w;
	buf[*n] = '\0';
	return true;
}

int
policy_marking_line(const policy_t *p, const marking_t *m, char *buf,
    size_t len)
{
	uint64_t known = p->n_caveats >= 64 ? UINT64_MAX :
	    (UINT64_C(1) << p->n_caveats) - 1;
	size_t n = 0, i;
	bool ok = true;

	if (len > 0)
		buf[0] = '\0';
	if ((unsigned)m->classification > CLASSIFICATION_TOP_SECRET ||
	    (unsigned)m->onward > ONWARD_OPEN || (m->caveats & ~known) != 0 ||
	    (m->descriptors & ~(unsigned)((1u << N_DESCRIPTORS) - 1)) != 0)
		return ISA_ERR_INVAL;
	ok = put_word(buf, len, &n, class_names[m->classification]);
	for (i = 0; ok && i < N_DESCRIPTORS; i++)
		if (m->descriptors & (1u << i))
			ok = put_word(buf, len, &n, descriptor_names[i]);
	for (i = 0; ok && i < p->n_caveats; i++) {
		size_t c = p->caveat_order[i];

		if (m->caveats >> c & 1)
			ok = put_word(buf, len, &n, p->caveats[c].name);
	}
	if (ok)
		ok = put_word(buf, len, &n, onward_handling[m->onward]);
	return ok ? 0 : ISA_ERR_RANGE;
}

/* If s starts with word followed by a space or the end, return what follows
 * (past the space); else NULL. */
static const char *
eat(const char *s, const char *word)
{
	size_t w = strlen(word);

	if (strncmp(s, word, w) != 0)
		return NULL;
	if (s[w] == ' ')
		return s + w + 1;
	return s[w] == '\0' ? s + w : NULL;
}

int
policy_marking_line_parse(const policy_t *p, const char *line, marking_t *out)
{
	const char *s = line, *t;
	marking_t m;
	int c, rc = 0, last = -1;
	size_t i, k;

	memset(out, 0, sizeof(*out));
	memset(&m, 0, sizeof(m));
	/* Longest name first: OFFICIAL is a prefix of OFFICIAL-SENSITIVE. */
	for (c = CLASSIFICATION_TOP_SECRET; c >= 0; c--)
		if ((t = eat(s, class_names[c])) != NULL)
			break;
	if (c < 0)
		return ISA_ERR_PARSE;
	m.classification = (classification_t)c;
	s = t;
	for (i = 0; i < N_DESCRIPTORS; i++) {
		if ((t = eat(s, descriptor_names[i])) != NULL) {
			m.descriptors |= 1u << i;
			s = t;
		}
	}
	/* Caveats until the handling instruction, in canonical order. */
	for (;;) {
		for (k = 0; k <= ONWARD_OPEN; k++)
			if (strcmp(s, onward_handling[k]) == 0)
				break;
		if (k <= ONWARD_OPEN) {
			m.onward = (onward_t)k;
			break;
		}
		t = strchr(s, ' ');
		if (t == NULL || t == s)
			return ISA_ERR_PARSE;
		for (k = 0; k < p->n_caveats; k++) {
			const char *name = p->caveats[p->caveat_order[k]].name;

			if (strlen(name) == (size_t)(t - s) &&
			    strncmp(s, name, (size_t)(t - s)) == 0)
				break;
		}
		if (k == p->n_caveats) {
			/* A descriptor here is out of order: no caveat has its name. */
			for (i = 0; i < N_DESCRIPTORS; i++)
				if (strlen(descriptor_names[i]) == (size_t)(t - s) &&
				    strncmp(s, descriptor_names[i], (size_t)(t - s)) == 0)
					return ISA_ERR_PARSE;
			rc = ISA_ERR_NOTFOUND;	/* keep going: the rest must parse */
		} else {
			if ((int)k <= last)
				return ISA_ERR_PARSE;	/* out of order, or twice */
			m.caveats |= UINT64_C(1) << p->caveat_order[k];
			last = (int)k;
		}
		s = t + 1;
	}
	*out = m;
	return rc;
}

int
policy_caveats_resolve(const policy_t *p, const char *const *names, size_t n,
    uint64_t *mask)
{
	size_t i;
	uint32_t idx;
	int rc = 0;

	*mask = 0;
	for (i = 0; i < n; i++) {
		if (policy_caveat_resolve(p, names[i], &idx) == 0)
			*mask |= UINT64_C(1) << idx;
		else
			rc = ISA_ERR_NOTFOUND;
	}
	return rc;
}
