/* config.c: isad.conf, read with libconfig (DESIGN §11). */
#define _GNU_SOURCE	/* strchrnul */
#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/conferr.h"
#include "common/err.h"
#include "common/paths.h"
#include "daemon/ctx/config.h"
#include "proto/checkpoint.h"

struct int_setting {
	const char *group;	/* NULL: top level */
	const char *name;
	size_t offset;
	int64_t min, max;
};

static const struct int_setting int_settings[] = {
	{ "limits", "chunk", offsetof(isad_config_t, chunk), 4096, 16 << 20 },
	{ "limits", "max_message", offsetof(isad_config_t, max_message),
	    8192, 256 << 20 },
	{ "limits", "max_document", offsetof(isad_config_t, max_document),
	    1, INT64_C(1) << 40 },
	{ "audit", "checkpoint_ms", offsetof(isad_config_t, checkpoint_ms),
	    10, 3600 * 1000 },
	{ "audit", "checkpoint_records",
	    offsetof(isad_config_t, checkpoint_records), 1, 1 << 30 },
	{ NULL, "map_size", offsetof(isad_config_t, map_size), 1 << 20,
	    INT64_C(1) << 46 },
	{ NULL, "handshake_ms", offsetof(isad_config_t, handshake_ms), 100,
	    600000 },
	{ "limits", "transfer_timeout_ms",
	    offsetof(isad_config_t, transfer_timeout_ms), 100, 3600000 },
	{ NULL, "workers", offsetof(isad_config_t, workers), 0, 64 },
	{ "limits", "handshake_records",
	    offsetof(isad_config_t, handshake_records), 3, 10000 },
	{ "limits", "max_title", offsetof(isad_config_t, max_title), 16,
	    65536 },
	{ "limits", "max_handling", offsetof(isad_config_t, max_handling), 16,
	    65536 },
	{ "limits", "max_reason", offsetof(isad_config_t, max_reason), 16,
	    65536 },
	{ "limits", "max_principal", offsetof(isad_config_t, max_principal),
	    16, 1024 },
	{ "limits", "max_filename", offsetof(isad_config_t, max_filename), 16,
	    4096 },
	{ "limits", "max_recipients", offsetof(isad_config_t, max_recipients),
	    1, 10000 },
	{ "limits", "transfers_per_user",
	    offsetof(isad_config_t, transfers_per_user), 1, 4096 },
	{ "limits", "transfers", offsetof(isad_config_t, transfers), 1, 4096 },
	{ "limits", "content_queued", offsetof(isad_config_t, content_queued),
	    1 << 20, INT64_C(1) << 32 },
	{ "limits", "content_queued_per_user",
	    offsetof(isad_config_t, content_queued_per_user), 4096,
	    INT64_C(1) << 32 },
	{ "status", "full_percent", offsetof(isad_config_t,
	    status_full_percent), 1, 100 },
	{ "status", "checkpoint_age_ms", offsetof(isad_config_t,
	    status_checkpoint_age_ms), 1000, INT64_C(7) * 86400 * 1000 },
};

static const char *const top_names[] = { "listen", "data_dir", "policy",
    "origin", "limits", "audit", "accreditation", "map_size", "master_key",
    "handshake_ms", "workers", "master_passphrase_file", "status",
    "public_endpoint", NULL };
static const char *const limits_names[] = { "chunk", "max_message",
    "max_document", "transfer_timeout_ms", "handshake_records",
    "max_title", "max_handling", "max_reason", "max_principal",
    "max_filename", "max_recipients", "transfers_per_user", "transfers",
    "content_queued", "content_queued_per_user", NULL };
static const char *const audit_names[] = { "checkpoint_ms",
    "checkpoint_records", NULL };
static const char *const status_names[] = { "full_percent",
    "checkpoint_age_ms", NULL };

__attribute__((format(printf, 5, 6)))
static int
fail(char *err, size_t errlen, const char *file, int line, const char *fmt,
    ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s:%d: %s", file, line, what);
	return ISA_ERR_CONFIG;
}

static int
known(const char *name, const char *const *names)
{
	for (; *names != NULL; names++)
		if (strcmp(name, *names) == 0)
			return 1;
	return 0;
}

/* Every child of s must be one of names. */
static int
check_names(const config_setting_t *s, const char *const *names,
    const char *path, char *err, size_t errlen)
{
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *c = config_setting_get_elem(s, (unsigned)i);
		const char *n = config_setting_name(c);

		if (n == NULL || !known(n, names))
			return fail(err, errlen, path,
			    config_setting_source_line(c),
			    "unknown setting \"%s\"", n != NULL ? n : "?");
	}
	return 0;
}

static int
get_string(config_t *cf, const char *name, int required, const char *dflt,
    char **out, const char *path, char *err, size_t errlen)
{
	config_setting_t *s = config_lookup(cf, name);

	if (s == NULL) {
		if (required)
			return fail(err, errlen, path, 1,
			    "missing required setting \"%s\"", name);
		*out = strdup(dflt);
		return *out != NULL ? 0 : ISA_ERR_NOMEM;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING ||
	    config_setting_get_string(s)[0] == '\0')
		return fail(err, errlen, path, config_setting_source_line(s),
		    "\"%s\" must be a non-empty string", name);
	*out = strdup(config_setting_get_string(s));
	return *out != NULL ? 0 : ISA_ERR_NOMEM;
}

/*
 * libconfig 1.5 (Debian 12) reads an integer literal beyond 32 bits without
 * an L suffix as the literal truncated to int, silently: 17179869184 becomes
 * 0.  DESIGN's isad.conf writes map_size that way, so read the literal of
 * such a setting back from its source line; where it is a plain decimal
 * integer that libconfig truncated, the literal's value holds.
 */
static int64_t
untruncated(const char *text, int line, const char *name, int64_t v)
{
	const char *p = text, *q;
	size_t nl = strlen(name);
	long long lit;
	char *end;

	for (int l = 1; l < line && p != NULL; l++)
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	if (p == NULL)
		return v;
	for (q = strstr(p, name); q != NULL && q < strchrnul(p, '\n');
	    q = strstr(q + 1, name)) {
		const char *r = q + nl;

		if ((q > text && (isalnum((unsigned char)q[-1]) ||
		    q[-1] == '_')) || isalnum((unsigned char)*r) || *r == '_')
			continue;
		while (*r == ' ' || *r == '\t')
			r++;
		if (*r != '=' && *r != ':')
			continue;
		r++;
		while (*r == ' ' || *r == '\t')
			r++;
		errno = 0;
		lit = strtoll(r, &end, 10);
		if (errno == 0 && end != r && (int32_t)lit == (int32_t)v &&
		    lit != v)
			return lit;
		return v;
	}
	return v;
}

static int
get_ints(config_t *cf, isad_config_t *cfg, const char *path,
    const char *text, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(int_settings) / sizeof(int_settings[0]);
	    i++) {
		const struct int_setting *is = &int_settings[i];
		config_setting_t *g = is->group != NULL ?
		    config_lookup(cf, is->group) : config_root_setting(cf);
		config_setting_t *s = g != NULL ?
		    config_setting_get_member(g, is->name) : NULL;
		int64_t *dst = (int64_t *)(void *)((char *)cfg + is->offset);
		char range[128];

		if (s == NULL)
			continue;
		if (config_setting_type(s) != CONFIG_TYPE_INT &&
		    config_setting_type(s) != CONFIG_TYPE_INT64)
			return fail(err, errlen, path,
			    config_setting_source_line(s),
			    "\"%s\" must be an integer", is->name);
		*dst = config_setting_get_int64(s);
		if (config_setting_type(s) == CONFIG_TYPE_INT)
			*dst = untruncated(text, config_setting_source_line(s),
			    is->name, *dst);
		if (*dst < is->min || *dst > is->max) {
			snprintf(range, sizeof(range), "\"%s\" must be between "
			    "%lld and %lld", is->name, (long long)is->min,
			    (long long)is->max);
			return fail(err, errlen, path,
			    config_setting_source_line(s), "%s", range);
		}
	}
	return 0;
}

static int
check_groups(config_t *cf, const char *path, char *err, size_t errlen)
{
	static const struct { const char *name; const char *const *names; }
	    groups[] = { { "limits", limits_names }, { "audit", audit_names },
	    { "status", status_names } };
	int rc;

	if ((rc = check_names(config_root_setting(cf), top_names, path, err,
	    errlen)) != 0)
		return rc;
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		config_setting_t *g = config_lookup(cf, groups[i].name);

		if (g == NULL)
			continue;
		if (!config_setting_is_group(g))
			return fail(err, errlen, path,
			    config_setting_source_line(g),
			    "\"%s\" must be a group: { ... }", groups[i].name);
		if ((rc = check_names(g, groups[i].names, path, err,
		    errlen)) != 0)
			return rc;
	}
	return 0;
}

int
isad_config_load(const char *path, isad_config_t *cfg, char *err,
    size_t errlen)
{
	config_t cf;
	char *tmp = NULL, *text = NULL;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	cfg->chunk = 1048576;
	cfg->max_message = 4194304;
	cfg->max_document = 1073741824;
	cfg->checkpoint_ms = 1000;
	cfg->checkpoint_records = 1000;
	cfg->map_size = INT64_C(17179869184);
	cfg->handshake_ms = 10000;
	cfg->transfer_timeout_ms = 60000;
	cfg->status_full_percent = 90;
	cfg->status_checkpoint_age_ms = 600000;
	cfg->workers = 4;
	cfg->handshake_records = 100;
	cfg->max_title = 256;
	cfg->max_handling = 4096;
	cfg->max_reason = 1024;
	cfg->max_principal = 128;
	cfg->max_filename = 255;
	cfg->max_recipients = 500;
	cfg->transfers_per_user = 8;
	cfg->transfers = 256;
	cfg->content_queued = 64 << 20;
	cfg->content_queued_per_user = 0;	/* unset: content_queued / 4 */

	if ((rc = paths_read_file(path, 1 << 20, &text)) != 0) {
		snprintf(err, errlen, "%s: cannot read: %s", path,
		    rc == ISA_ERR_RANGE ? "larger than 1 MiB" : strerror(errno));
		return rc;
	}
	config_init(&cf);
	if (config_read_string(&cf, text) != CONFIG_TRUE) {
		conferr_format(err, errlen, path, config_error_line(&cf),
		    config_error_text(&cf));
		config_destroy(&cf);
		free(text);
		return ISA_ERR_CONFIG;
	}
	if ((rc = check_groups(&cf, path, err, errlen)) != 0 ||
	    (rc = get_string(&cf, "listen", 1, NULL, &cfg->listen, path, err,
	    errlen)) != 0 ||
	    (rc = get_string(&cf, "data_dir", 1, NULL, &tmp, path, err,
	    errlen)) != 0 ||
	    (rc = paths_resolve(path, tmp, &cfg->data_dir)) != 0)
		goto fail;
	free(tmp);
	tmp = NULL;
	if ((rc = get_string(&cf, "policy", 1, NULL, &tmp, path, err,
	    errlen)) != 0 ||
	    (rc = paths_resolve(path, tmp, &cfg->policy)) != 0)
		goto fail;
	free(tmp);
	tmp = NULL;
	if ((rc = get_string(&cf, "origin", 1, NULL, &cfg->origin, path, err,
	    errlen)) != 0 ||
	    (rc = get_string(&cf, "accreditation", 0, "SECRET",
	    &cfg->accreditation, path, err, errlen)) != 0 ||
	    (rc = get_string(&cf, "master_key", 0, "master.key", &tmp, path,
	    err, errlen)) != 0 ||
	    (rc = paths_join(cfg->data_dir, tmp, &cfg->master_key)) != 0 ||
	    (rc = get_ints(&cf, cfg, path, text, err, errlen)) != 0)
		goto fail;
	free(tmp);
	tmp = NULL;
	if (config_lookup(&cf, "public_endpoint") != NULL &&
	    (rc = get_string(&cf, "public_endpoint", 1, NULL,
	    &cfg->public_endpoint, path, err, errlen)) != 0)
		goto fail;
	if (config_lookup(&cf, "master_passphrase_file") != NULL &&
	    ((rc = get_string(&cf, "master_passphrase_file", 1, NULL, &tmp,
	    path, err, errlen)) != 0 ||
	    (rc = paths_resolve(path, tmp, &cfg->passphrase_file)) != 0))
		goto fail;
	free(tmp);
	tmp = NULL;
	if (!checkpoint_name_valid(cfg->origin)) {
		config_setting_t *o = config_lookup(&cf, "origin");

		rc = fail(err, errlen, path, config_setting_source_line(o),
		    "origin \"%s\" cannot name a checkpoint signer: no spaces, "
		    "no '+', no control characters", cfg->origin);
		goto fail;
	}
	if (strcmp(cfg->accreditation, "OFFICIAL") != 0 &&
	    strcmp(cfg->accreditation, "OFFICIAL-SENSITIVE") != 0 &&
	    strcmp(cfg->accreditation, "SECRET") != 0) {
		config_setting_t *s = config_lookup(&cf, "accreditation");

		rc = fail(err, errlen, path, config_setting_source_line(s),
		    "accreditation \"%s\" is not OFFICIAL, OFFICIAL-SENSITIVE "
		    "or SECRET (this system never holds TOP SECRET)",
		    cfg->accreditation);
		goto fail;
	}
	if (cfg->chunk > cfg->max_message - 4096) {
		config_setting_t *s = config_lookup(&cf, "limits");

		rc = fail(err, errlen, path, config_setting_source_line(s),
		    "%s", "limits.chunk must be at least 4096 bytes below "
		    "limits.max_message, to leave room for the envelope");
		goto fail;
	}
	if (cfg->content_queued < cfg->chunk) {
		config_setting_t *s = config_lookup(&cf, "limits");

		rc = fail(err, errlen, path, config_setting_source_line(s),
		    "%s", "limits.content_queued must be at least limits.chunk, "
		    "or no download could go on past its first chunk");
		goto fail;
	}
	if (cfg->content_queued_per_user == 0)
		cfg->content_queued_per_user = cfg->content_queued / 4 >
		    cfg->chunk ? cfg->content_queued / 4 : cfg->chunk;
	if (cfg->content_queued_per_user < cfg->chunk ||
	    cfg->content_queued_per_user > cfg->content_queued) {
		config_setting_t *s = config_lookup(&cf, "limits");

		rc = fail(err, errlen, path, config_setting_source_line(s),
		    "%s", "limits.content_queued_per_user must be at least "
		    "limits.chunk and at most limits.content_queued");
		goto fail;
	}
	config_destroy(&cf);
	free(text);
	cfg->path = strdup(path);
	if (cfg->path == NULL) {
		isad_config_free(cfg);
		return ISA_ERR_NOMEM;
	}
	return 0;
fail:
	if (rc == ISA_ERR_NOMEM)
		snprintf(err, errlen, "%s: out of memory", path);
	free(tmp);
	free(text);
	config_destroy(&cf);
	isad_config_free(cfg);
	return rc;
}

void
isad_config_free(isad_config_t *cfg)
{
	free(cfg->path);
	free(cfg->listen);
	free(cfg->public_endpoint);
	free(cfg->data_dir);
	free(cfg->policy);
	free(cfg->origin);
	free(cfg->accreditation);
	free(cfg->master_key);
	free(cfg->passphrase_file);
	memset(cfg, 0, sizeof(*cfg));
}
