/* verify.c: POST /api/audit/verify: an uploaded export verified here, as `isa audit verify` does; nothing is sent to isad. */
#define _GNU_SOURCE	/* O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/err.h"
#include "common/fdio.h"
#include "common/utf8.h"
#include "proto/checkpoint.h"
#include "ui/reply.h"
#include "ui/verify.h"
#include "verify/auditverify.h"

/* A kept checkpoint, at most (as `isa audit verify --since` reads it). */
#define UI_VERIFY_CHECKPOINT_MAX	(1 << 17)
/* The post processor's own buffer (for a part's headers). */
#define UI_VERIFY_PP_BUFFER		(16 * 1024)
/* A file's name, as it is put in a sentence. */
#define UI_VERIFY_NAME_MAX		128

/* One of the form's files. */
typedef struct {
	bool seen;			/* the part came */
	char name[UI_VERIFY_NAME_MAX];	/* its file name, printable */
	uint64_t len;			/* bytes received (all of them) */
} vf_part_t;

typedef struct {
	struct MHD_PostProcessor *pp;
	vf_part_t key, cp, ex;
	/* The key, and a byte more to tell one too large. */
	char keybuf[CHECKPOINT_KEY_FILE_MAX + 1];
	char *cpbuf;			/* UI_VERIFY_CHECKPOINT_MAX bytes */
	int fd;				/* the export, unlinked, or -1 */
	const vf_part_t *cur;		/* the part the last bytes were of */
	ui_err_t e;			/* the answer once failed */
	bool failed;
} vf_t;

/* An unlinked 0600 file in $TMPDIR (or /tmp), read-write: fd or -1. */
static int
tmp_file(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	if (dir == NULL || dir[0] != '/')
		dir = "/tmp";
	if ((fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) >= 0)
		return fd;
	/* A file system without O_TMPFILE: a name, unlinked at once. */
	if (snprintf(path, sizeof(path), "%s/isa-ui-verify-XXXXXX", dir) >=
	    (int)sizeof(path) || (fd = mkostemp(path, O_CLOEXEC)) < 0)
		return -1;
	(void)unlink(path);
	return fd;
}

/* Fail (the first failure is the answer) with a sentence: kind "bad" for
 * 400, else "error".  MHD_NO, to stop the post processor. */
static enum MHD_Result
vf_fail(vf_t *v, unsigned http, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static enum MHD_Result
vf_fail(vf_t *v, unsigned http, const char *fmt, ...)
{
	char msg[CLI_REPLY_LEN];
	va_list ap;

	if (v->failed)
		return MHD_NO;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ui_err_set(&v->e, http, http == MHD_HTTP_BAD_REQUEST ? "bad" :
	    "error", EXIT_ERROR, "%s", msg);
	v->failed = true;
	return MHD_NO;
}

/* The name of the file the browser sent, each control byte a '?'. */
static void
part_name(vf_part_t *p, const char *filename)
{
	size_t n = 0;

	for (const char *s = filename ? filename : ""; *s != '\0' &&
	    n + 1 < sizeof(p->name); s++)
		p->name[n++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' :
		    *s;
	p->name[n] = '\0';
}

/* The post processor's callback: one more piece of a part (off its
 * offset in the part, 0 for the first). */
static enum MHD_Result
vf_piece(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *type, const char *encoding,
    const char *data, uint64_t off, size_t size)
{
	vf_t *v = cls;
	vf_part_t *p;

	(void)kind;
	(void)type;
	(void)encoding;
	if (strcmp(key, "export") == 0)
		p = &v->ex;
	else if (strcmp(key, "key") == 0)
		p = &v->key;
	else if (strcmp(key, "checkpoint") == 0)
		p = &v->cp;
	else
		return vf_fail(v, MHD_HTTP_BAD_REQUEST, "the form has a part "
		    "named \"%.64s\": only export, key and checkpoint are "
		    "verified", key);
	/* A new part begins at offset 0 (a part's first call may hold
	 * nothing): the same name twice is refused, not merged. */
	if (off == 0 && p->seen && (v->cur != p || p->len > 0))
		return vf_fail(v, MHD_HTTP_BAD_REQUEST, "the form gives the "
		    "%s twice", p == &v->key ? "key" : p == &v->cp ?
		    "checkpoint" : "export");
	if (!p->seen)
		part_name(p, filename);
	p->seen = true;
	v->cur = p;
	if (size == 0)
		return MHD_YES;
	if (p == &v->ex) {
		if (fdio_write_all(v->fd, data, size) != 0)
			return vf_fail(v, MHD_HTTP_INTERNAL_SERVER_ERROR,
			    "cannot keep the export to verify it: %s",
			    strerror(errno));
	} else if (p == &v->key) {
		/* One byte past a key file's size is enough to refuse it. */
		if (p->len < sizeof(v->keybuf)) {
			size_t n = sizeof(v->keybuf) - (size_t)p->len;

			memcpy(v->keybuf + p->len, data, size < n ? size : n);
		}
	} else if (p->len + size <= UI_VERIFY_CHECKPOINT_MAX)
		memcpy(v->cpbuf + p->len, data, size);
	p->len += size;
	return MHD_YES;
}

static int
vf_begin(ui_server_t *s, struct MHD_Connection *c, const ui_route_t *r,
    void **st, ui_err_t *e)
{
	const char *type;
	vf_t *v;

	(void)s;
	(void)r;
	*st = NULL;
	if ((v = calloc(1, sizeof(*v))) == NULL ||
	    (v->cpbuf = malloc(UI_VERIFY_CHECKPOINT_MAX)) == NULL) {
		free(v);
		ui_err_set(e, MHD_HTTP_INTERNAL_SERVER_ERROR, "error",
		    EXIT_ERROR, "out of memory");
		return -1;
	}
	v->fd = -1;
	/* A form of files (urlencoded cannot carry one); the post processor
	 * reads its boundary from the same header. */
	if ((type = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE)) == NULL || strncasecmp(type,
	    MHD_HTTP_POST_ENCODING_MULTIPART_FORMDATA,
	    strlen(MHD_HTTP_POST_ENCODING_MULTIPART_FORMDATA)) != 0 ||
	    (v->pp = MHD_create_post_processor(c, UI_VERIFY_PP_BUFFER,
	    vf_piece, v)) == NULL) {
		ui_err_set(e, MHD_HTTP_BAD_REQUEST, "bad", EXIT_USAGE,
		    "the export, key and checkpoint come as a form "
		    "(multipart/form-data)");
		goto fail;
	}
	if ((v->fd = tmp_file()) < 0) {
		ui_err_set(e, MHD_HTTP_INTERNAL_SERVER_ERROR, "error",
		    EXIT_ERROR, "cannot keep the export to verify it: %s",
		    strerror(errno));
		goto fail;
	}
	*st = v;
	return 0;
fail:
	if (v->pp != NULL)
		(void)MHD_destroy_post_processor(v->pp);
	free(v->cpbuf);
	free(v);
	return -1;
}

static int
vf_data(void *st, const char *buf, size_t len, ui_err_t *e)
{
	vf_t *v = st;

	if (MHD_post_process(v->pp, buf, len) == MHD_YES && !v->failed)
		return 0;
	if (!v->failed)
		(void)vf_fail(v, MHD_HTTP_BAD_REQUEST, "the form is "
		    "malformed: choose the files again and verify");
	*e = v->e;
	return -1;
}

/* Whether the form chose a file for p: a file input left empty still sends
 * its part, with no name and no bytes. */
static bool
chosen(const vf_part_t *p)
{
	return p->seen && (p->len > 0 || p->name[0] != '\0');
}

/* The verdict, as `isa audit verify` gives it. */
static enum MHD_Result
vf_verdict(vf_t *v, struct MHD_Connection *c, EVP_PKEY *key)
{
	char err[1024], msg[CLI_REPLY_LEN];
	uint64_t n, m;
	FILE *f;
	json_t *j;
	int rc, fd;

	if (lseek(v->fd, 0, SEEK_SET) != 0 || (fd = dup(v->fd)) < 0)
		return vf_fail(v, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot "
		    "read the export back: %s", strerror(errno));
	if ((f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return vf_fail(v, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot "
		    "read the export back: %s", strerror(errno));
	}
	rc = auditverify_export(f, key, chosen(&v->cp) ? v->cpbuf : NULL,
	    (size_t)v->cp.len, &n, &m, err, sizeof(err));
	fclose(f);
	if (rc != 0 && rc != ISA_ERR_CRYPTO && rc != ISA_ERR_PARSE)
		return vf_fail(v, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "verification failed: %s", err);
	if (rc != 0) {
		/* As `isa audit verify` prints it: the export's own bytes in
		 * err (a seq, a field) escaped as its terminal output escapes
		 * them (not UTF-8, they had made no JSON at all). */
		char *say = utf8_escape(err);

		if (say == NULL)
			return vf_fail(v, MHD_HTTP_INTERNAL_SERVER_ERROR,
			    "out of memory");
		snprintf(msg, sizeof(msg), "verification failed: %s", say);
		free(say);
	} else if (!chosen(&v->cp))
		snprintf(msg, sizeof(msg), "verified: %llu records, signed "
		    "checkpoint and tree root match", (unsigned long long)n);
	else
		snprintf(msg, sizeof(msg), "verified: %llu records, signed "
		    "checkpoint and tree root match; the log only grew since "
		    "your checkpoint of %llu records", (unsigned long long)n,
		    (unsigned long long)m);
	j = json_pack("{s:b,s:s,s:I,s:o}", "verified", rc == 0, "message",
	    msg, "records", (json_int_t)(rc == 0 ? n : 0),
	    "checkpoint_records", chosen(&v->cp) && rc == 0 ?
	    json_integer((json_int_t)m) : json_null());
	return ui_reply_json(c, MHD_HTTP_OK, j);
}

static enum MHD_Result
vf_end(void *st, struct MHD_Connection *c)
{
	vf_t *v = st;
	EVP_PKEY *key = NULL;
	char err[512];
	enum MHD_Result ret;

	/* The post processor hands out a part's last bytes once it has seen
	 * the boundary after them: done with it, everything is in. */
	if (MHD_destroy_post_processor(v->pp) != MHD_YES)
		(void)vf_fail(v, MHD_HTTP_BAD_REQUEST, "the form is "
		    "malformed: choose the files again and verify");
	v->pp = NULL;
	if (v->failed)
		return ui_reply_error(c, &v->e);
	if (!chosen(&v->ex))
		(void)vf_fail(v, MHD_HTTP_BAD_REQUEST, "choose the export to "
		    "verify (the file isa audit export wrote)");
	else if (!chosen(&v->key))
		(void)vf_fail(v, MHD_HTTP_BAD_REQUEST, "choose the audit "
		    "log's public key (audit.pub.pem, from your operator)");
	else if (v->cp.len > UI_VERIFY_CHECKPOINT_MAX)
		(void)vf_fail(v, MHD_HTTP_BAD_REQUEST, "cannot read the "
		    "checkpoint %s: %s", v->cp.name, strerror(EFBIG));
	else if (checkpoint_key_parse_public(v->keybuf,
	    v->key.len < sizeof(v->keybuf) ? (size_t)v->key.len :
	    sizeof(v->keybuf), v->key.name[0] != '\0' ? v->key.name : "key",
	    &key, err, sizeof(err)) != 0)
		(void)vf_fail(v, MHD_HTTP_BAD_REQUEST, "%s", err);
	if (v->failed)
		return ui_reply_error(c, &v->e);
	ret = vf_verdict(v, c, key);
	checkpoint_key_free(key);
	return v->failed ? ui_reply_error(c, &v->e) : ret;
}

static void
vf_drop(void *st)
{
	vf_t *v = st;

	if (v == NULL)
		return;
	if (v->pp != NULL)
		(void)MHD_destroy_post_processor(v->pp);
	if (v->fd >= 0)
		close(v->fd);	/* unlinked: its blocks go with it */
	free(v->cpbuf);
	free(v);
}

const ui_stream_ops_t ui_verify_ops = {
	.begin = vf_begin,
	.data = vf_data,
	.end = vf_end,
	.drop = vf_drop,
};
