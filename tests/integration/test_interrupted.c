/* test_interrupted.c: a transfer cut off after isad took its begin (isad stopped or killed and started again, or the transfer idle too long) is told as an interruption, exit 5, nothing stored or written, and the same transfer run again succeeds; an upload whose end went out unanswered is told as perhaps stored, exit 5; a missing document is still exit 3. */
#define _GNU_SOURCE	/* pipe2, F_SETPIPE_SZ */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "client/cli.h"
#include "client/fetch.h"
#include "client/upload.h"
#include "conn_util.h"
#include "docs_util.h"
#include "harness.h"
#include "proto/docid.h"
#include "raw.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define CHUNK 262144

#define LIMITS "max_message = 1048576; chunk = 262144;"
#define PUT_CUT "the upload was interrupted and nothing was stored: "
#define GET_CUT "the download was interrupted and must start again: "
#define NOT_HELD "isad no longer holds it (isad was restarted, or the "
#define LOST "the connection to isad at "

typedef struct {
	harness_t *h;
	char id[32];		/* alice's document, 32 chunks */
	char file[512];		/* its content */
} fixture_t;

static harness_t *
deploy(const char *limits)
{
	char conf[512];
	harness_t *h;

	snprintf(conf, sizeof(conf), "limits = { %s };", limits);
	h = h_new_conf(conf);
	h_user(h, "alice", "ctpse", "SC", NULL);
	h_user(h, "eve", "ctpse", "SC", NULL);
	h_start(h);
	return h;
}

static int
setup(void **state)
{
	fixture_t *f = calloc(1, sizeof(*f));
	h_result_t r;

	assert_non_null(f);
	f->h = deploy(LIMITS);
	snprintf(f->file, sizeof(f->file), "%s/doc", h_dir(f->h));
	du_make_file(f->file, 32 * CHUNK + 5, 1);
	if (du_put(f->h, "alice", f->file, "long", "OFFICIAL", "agency:ctpse",
	    NULL, f->id, &r) != 0)
		fail_msg("put: %s", r.err);
	h_result_free(&r);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fixture_t *f = *state;

	if (f != NULL)
		h_free(f->h);
	free(f);
	return 0;
}

/* How many documents user's `isa ls --json` lists. */
static size_t
ls_count(harness_t *h, const char *user)
{
	h_result_t r = h_isa(h, user, ARGS("ls", "--json"));
	size_t n = 0;

	if (r.status != 0)
		fail_msg("ls: %s", r.err);
	for (const char *p = r.out; (p = strstr(p, "\"id\"")) != NULL; p++)
		n++;
	h_result_free(&r);
	return n;
}

/* An `isa` run in the background, its stderr a pipe read at the end. */
typedef struct {
	pid_t pid;
	int err;		/* the read end */
	size_t filler;		/* bytes in it before isa started */
} bg_t;

/*
 * Start `isa ARGS --config USER's` (user NULL: ARGS alone) with stdout to
 * /dev/null.  hold: its
 * stderr is a pipe already full, so the first line isa writes there stops
 * it until the pipe is read (bg_finish): `isa get` writes the marking once
 * isad took the download's begin, before it asks for a second chunk or
 * makes its temporary file.
 */
static bg_t
bg_isa(harness_t *h, const char *user, const char *const *args, bool hold)
{
	static char pad[4096];
	const char *argv[32];
	bg_t b = { 0 };
	int p[2], n = 0, fl;
	ssize_t w;

	argv[n++] = getenv("ISA_BIN") != NULL ? getenv("ISA_BIN") : "isa";
	for (; *args != NULL && n < 28; args++)
		argv[n++] = *args;
	if (user != NULL) {
		argv[n++] = "--config";
		argv[n++] = h_client_conf(h, user);
	}
	argv[n] = NULL;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	if (hold) {
		assert_true(fcntl(p[1], F_SETPIPE_SZ, 4096) >= 4096);
		fl = fcntl(p[1], F_GETFL);
		assert_int_equal(fcntl(p[1], F_SETFL, fl | O_NONBLOCK), 0);
		while ((w = write(p[1], pad, sizeof(pad))) > 0)
			b.filler += (size_t)w;
		while ((w = write(p[1], pad, 1)) > 0)
			b.filler += (size_t)w;
		assert_int_equal(errno, EAGAIN);
		assert_int_equal(fcntl(p[1], F_SETFL, fl), 0);
	}
	b.pid = fork();
	assert_true(b.pid >= 0);
	if (b.pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(p[1], 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	b.err = p[0];
	return b;
}

/* Wait (up to 30 s) until b's isa is stopped writing to its stderr. */
static void
bg_wait_held(const bg_t *b)
{
	char path[64], line[256];
	char want[32];

	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)b->pid);
	snprintf(want, sizeof(want), "%d 0x2 ", SYS_write);
	for (int i = 0; i < 3000; i++) {
		FILE *fp = fopen(path, "r");
		bool held = false;

		if (fp != NULL) {
			held = fgets(line, sizeof(line), fp) != NULL &&
			    strncmp(line, want, strlen(want)) == 0;
			fclose(fp);
		}
		if (held)
			return;
		if (waitpid(b->pid, NULL, WNOHANG) != 0)
			fail_msg("isa ended before it wrote to its stderr");
		/* No signal says a process blocked: look again shortly. */
		poll(NULL, 0, 10);
	}
	fail_msg("isa did not stop on its stderr within 30 s");
}

/* Read b's stderr to its end (what isa wrote, into *text, malloc'd) and
 * wait for it; its exit status. */
static int
bg_finish(bg_t *b, char **text)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap + 1);
	ssize_t n;
	int st;

	assert_non_null(buf);
	while ((n = read(b->err, buf + len, cap - len)) > 0 ||
	    (n < 0 && errno == EINTR)) {
		if (n > 0 && (len += (size_t)n) == cap) {
			assert_non_null(buf = realloc(buf, (cap *= 2) + 1));
		}
	}
	close(b->err);
	buf[len] = '\0';
	assert_true(len >= b->filler);
	memmove(buf, buf + b->filler, len - b->filler + 1);
	*text = buf;
	while (waitpid(b->pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* isad gone and back: stopped (SIGTERM) or killed (SIGKILL), then
 * started again. */
static void
restart(harness_t *h, bool kill9)
{
	if (kill9)
		h_kill9(h);
	else
		assert_int_equal(h_stop(h), 0);
	h_start(h);
}

/* The offset of pid's descriptor open on path (-1: none yet). */
static long long
read_offset(pid_t pid, const char *path)
{
	char dir[64], link[600], p[600], line[128];
	long long pos = -1;
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	if ((d = opendir(dir)) == NULL)
		return -1;
	while (pos < 0 && (de = readdir(d)) != NULL) {
		ssize_t n;
		FILE *fp;

		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if ((n = readlink(p, link, sizeof(link) - 1)) <= 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, path) != 0)
			continue;
		snprintf(p, sizeof(p), "/proc/%d/fdinfo/%s", (int)pid,
		    de->d_name);
		if ((fp = fopen(p, "r")) == NULL)
			continue;
		while (fgets(line, sizeof(line), fp) != NULL)
			if (sscanf(line, "pos: %lld", &pos) == 1)
				break;
		fclose(fp);
	}
	closedir(d);
	return pos;
}

/*
 * `isa put FILE` (size bytes; conf: a client.conf, NULL: user's) started
 * and stopped (SIGSTOP) mid-way: isa reads the file only once isad took
 * the begin, and stopped before reading all of it, it has not sent the
 * end.
 */
static bg_t
put_stopped(harness_t *h, const char *in, long long size, const char *conf)
{
	long long pos = -1;
	bg_t put;

	if (conf != NULL)
		put = bg_isa(h, NULL, ARGS("put", in, "--title", "cut", "--class",
		    "OFFICIAL", "--to", "agency:ctpse", "--config", conf), false);
	else
		put = bg_isa(h, "alice", ARGS("put", in, "--title", "cut",
		    "--class", "OFFICIAL", "--to", "agency:ctpse"), false);
	for (int i = 0; i < 30000 && pos <= 0; i++) {
		if ((pos = read_offset(put.pid, in)) <= 0) {
			if (waitpid(put.pid, NULL, WNOHANG) != 0)
				fail_msg("isa put ended before it read %s", in);
			/* No signal says a read: look again shortly. */
			poll(NULL, 0, 1);
		}
	}
	assert_int_equal(kill(put.pid, SIGSTOP), 0);
	pos = read_offset(put.pid, in);
	if (pos <= 0 || pos >= size)
		fail_msg("isa put was not stopped mid-way (%lld of %lld bytes "
		    "read)", pos, size);
	return put;
}

/*
 * `isa put` stopped mid-way when isad goes and comes back, then let go
 * on: exit 5 (not 3) with the interruption's sentence, no document more,
 * and the same put again stores it.
 */
static void
put_cut(fixture_t *f, bool kill9, unsigned seed)
{
	harness_t *h = f->h;
	const long long size = 128LL * CHUNK;
	char in[512], id[32], *err;
	size_t before = ls_count(h, "alice");
	h_result_t r;
	bg_t put;

	snprintf(in, sizeof(in), "%s/put-%u", h_dir(h), seed);
	du_make_file(in, (uint64_t)size, seed);
	put = put_stopped(h, in, size, NULL);
	restart(h, kill9);
	assert_int_equal(kill(put.pid, SIGCONT), 0);
	assert_int_equal(bg_finish(&put, &err), EXIT_UNREACHABLE);
	if (strstr(err, PUT_CUT) == NULL || strstr(err, "not found") != NULL)
		fail_msg("isa put said: %s", err);
	free(err);
	assert_int_equal(ls_count(h, "alice"), before);
	if (du_put(h, "alice", in, "cut", "OFFICIAL", "agency:ctpse", NULL, id,
	    &r) != 0)
		fail_msg("the same put again: %s", r.err);
	h_result_free(&r);
	assert_int_equal(ls_count(h, "alice"), before + 1);
}

static void
test_put_isad_restarted(void **state)
{
	put_cut(*state, false, 2);
}

static void
test_put_isad_killed(void **state)
{
	put_cut(*state, true, 3);
}

/* Whether dir holds a name starting with prefix. */
static bool
dir_has(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool found = false;

	assert_non_null(d);
	while (!found && (de = readdir(d)) != NULL)
		found = strncmp(de->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return found;
}

/*
 * `isa get -o FILE` held once isad took the download's begin, isad gone
 * and back: exit 5 (not 3) with the interruption's sentence, neither FILE
 * nor its temporary file left, and the same get again writes it whole.
 */
static void
get_cut(fixture_t *f, bool kill9, const char *name)
{
	harness_t *h = f->h;
	char out[512], *err;
	struct stat st;
	h_result_t r;
	bg_t get;

	snprintf(out, sizeof(out), "%s/%s", h_dir(h), name);
	get = bg_isa(h, "alice", ARGS("get", f->id, "-o", out), true);
	bg_wait_held(&get);
	restart(h, kill9);
	assert_int_equal(bg_finish(&get, &err), EXIT_UNREACHABLE);
	assert_non_null(strstr(err, GET_CUT));
	assert_non_null(strstr(err, "; nothing was written"));
	assert_null(strstr(err, "not found"));
	free(err);
	assert_int_not_equal(lstat(out, &st), 0);
	assert_false(dir_has(h_dir(h), name));	/* nor NAME.isa-XXXXXX */
	r = du_get(h, "alice", f->id, out);
	if (r.status != 0)
		fail_msg("the same get again: %s", r.err);
	h_result_free(&r);
	assert_int_equal(du_same_file(f->file, out), 1);
}

static void
test_get_isad_restarted(void **state)
{
	get_cut(*state, false, "out-restarted");
}

static void
test_get_isad_killed(void **state)
{
	get_cut(*state, true, "out-killed");
}

/* The whole of a small text file (malloc'd). */
static char *
read_text(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = calloc(1, 4097);

	assert_non_null(fp);
	assert_non_null(buf);
	assert_true(fread(buf, 1, 4096, fp) < 4096);
	fclose(fp);
	return buf;
}

/* Wait (up to 30 s) until isad's log has text after mark. */
static void
wait_log_after(harness_t *h, size_t mark, const char *text)
{
	for (int i = 0; i < 3000; i++) {
		if (h_log_count(h, mark, text, NULL) > 0)
			return;
		/* The log has no readiness signal of its own. */
		poll(NULL, 0, 10);
	}
	fail_msg("isad's log did not say \"%s\" within 30 s", text);
}

/* A DocMeta as `isa put --title T --class OFFICIAL --to agency:ctpse`. */
typedef struct {
	Isa__DocMeta m;
	char *to[1];
} tmeta_t;

static void
t_meta(tmeta_t *t, const char *title)
{
	isa__doc_meta__init(&t->m);
	t->to[0] = "agency:ctpse";
	t->m.title = (char *)title;
	t->m.classification = "OFFICIAL";
	t->m.to = t->to;
	t->m.n_to = 1;
	t->m.filename = "idle.bin";
}

/* Connect as user with a timeout longer than any test: only noticing the
 * connection lost ends a wait for a reply that cannot come. */
static void
connect_patient(harness_t *h, const char *user, tconn_t *t)
{
	char err[512];

	t_connect(h, user, t);
	isa_conn_close(t->c);
	t->conf.timeout_ms = 600000;
	if (isa_conn_open(&t->conf, &t->c, err, sizeof(err)) != 0)
		fail_msg("%s", err);
}

/*
 * isad killed mid-upload and mid-download and not started again, the
 * client's timeout ten minutes: the transfers end at once (no reply can
 * come: only the connection seen lost ends the wait), interrupted, with
 * the lost connection's sentence.  Last: isad is started again.
 */
static void
test_lost_not_waited(void **state)
{
	fixture_t *f = *state;
	static uint8_t data[32 * CHUNK];
	char err[ISA_UPLOAD_ERRLEN];
	const Isa__DocMeta *m;
	const void *p;
	size_t n;
	bool done;
	isa_upload_t *u;
	isa_fetch_t *fe;
	tconn_t cu, cg;
	tmeta_t t;
	int code;

	connect_patient(f->h, "alice", &cu);
	connect_patient(f->h, "alice", &cg);
	t_meta(&t, "lost");
	assert_int_equal(isa_upload_begin(cu.c, &t.m, sizeof(data), "lost", &u,
	    err, sizeof(err)), EXIT_OK);
	assert_int_equal(isa_upload_write(u, data, 2 * CHUNK, err,
	    sizeof(err)), EXIT_OK);
	assert_int_equal(isa_fetch_open(cg.c, f->id, &fe, err, sizeof(err)),
	    EXIT_OK);
	assert_int_equal(isa_fetch_next(fe, &p, &n, &done, err, sizeof(err)),
	    EXIT_OK);
	h_kill9(f->h);

	/* More than the window: this waits for acknowledgements. */
	code = isa_upload_write(u, data + 2 * CHUNK, sizeof(data) - 2 * CHUNK,
	    err, sizeof(err));
	if (code == EXIT_OK)
		code = isa_upload_end(u, &m, err, sizeof(err));
	assert_int_equal(code, EXIT_UNREACHABLE);
	if (strstr(err, PUT_CUT LOST) == NULL)
		fail_msg("upload: %s", err);
	isa_upload_close(u);
	do
		code = isa_fetch_next(fe, &p, &n, &done, err, sizeof(err));
	while (code == EXIT_OK && !done);
	assert_int_equal(code, EXIT_UNREACHABLE);
	if (strstr(err, GET_CUT LOST) == NULL)
		fail_msg("download: %s", err);
	isa_fetch_close(fe);
	t_close(&cu);
	t_close(&cg);
	h_start(f->h);
}

/* A document that does not exist, named in a transfer's first request:
 * still not found, exit 3, in isad's words. */
static void
test_missing_still_not_found(void **state)
{
	fixture_t *f = *state;
	uint8_t raw[DOCID_LEN];
	char out[512], id[DOCID_TEXT_LEN + 1];
	h_result_t r;

	memset(raw, 0x5a, sizeof(raw));
	docid_format(raw, id);
	snprintf(out, sizeof(out), "%s/missing", h_dir(f->h));
	r = h_isa(f->h, "alice", ARGS("get", id, "-o", out));
	assert_int_equal(r.status, EXIT_NOTFOUND);
	assert_non_null(strstr(r.err, "isa: not found: no document "));
	assert_null(strstr(r.err, "interrupted"));
	h_result_free(&r);
}

/*
 * Transfers idle past limits.transfer_timeout_ms, as isa put, isa get and
 * isa ui drive them (client/upload.c, client/fetch.c): each told as
 * interrupted (isad no longer holds it), EXIT_UNREACHABLE, nothing stored;
 * the same transfers again succeed.  One table of transfers (workers = 0),
 * so once the upload, touched last, was dropped as idle (its log line),
 * the download was too.
 */
static void
test_idle_too_long(void **state)
{
	static uint8_t data[4 * CHUNK];
	char path[512], id[32], err[ISA_UPLOAD_ERRLEN], conf[600];
	char *ctext, *at, *perr;
	const Isa__DocMeta *m;
	const void *p;
	size_t n, before, mark;
	bg_t put;
	bool done;
	isa_upload_t *u;
	isa_fetch_t *fe;
	tconn_t cu, cg;
	h_result_t r;
	harness_t *h;
	tmeta_t t;
	int code;

	(void)state;
	setenv("ISA_TEST_WORKERS", "0", 1);
	h = deploy("max_message = 1048576; chunk = 262144; "
	    "transfer_timeout_ms = 1000;");
	unsetenv("ISA_TEST_WORKERS");
	snprintf(path, sizeof(path), "%s/idle", h_dir(h));
	du_make_file(path, 4 * CHUNK, 4);
	if (du_put(h, "alice", path, "idle", "OFFICIAL", "agency:ctpse", NULL,
	    id, &r) != 0)
		fail_msg("put: %s", r.err);
	h_result_free(&r);
	before = ls_count(h, "alice");

	t_connect(h, "alice", &cg);
	assert_int_equal(isa_fetch_open(cg.c, id, &fe, err, sizeof(err)),
	    EXIT_OK);
	assert_int_equal(isa_fetch_next(fe, &p, &n, &done, err, sizeof(err)),
	    EXIT_OK);
	t_connect(h, "alice", &cu);
	t_meta(&t, "idle");
	assert_int_equal(isa_upload_begin(cu.c, &t.m, sizeof(data), "idle",
	    &u, err, sizeof(err)), EXIT_OK);
	assert_int_equal(isa_upload_write(u, data, CHUNK, err, sizeof(err)),
	    EXIT_OK);
	assert_true(h_wait_log(h, "abandoned: its chunks are deleted "
	    "(expired)"));

	code = isa_upload_write(u, data + CHUNK, sizeof(data) - CHUNK, err,
	    sizeof(err));
	if (code == EXIT_OK)
		code = isa_upload_end(u, &m, err, sizeof(err));
	assert_int_equal(code, EXIT_UNREACHABLE);
	assert_true(isa_upload_interrupted(u));
	if (strstr(err, PUT_CUT NOT_HELD "upload was idle too long)") == NULL)
		fail_msg("upload: %s", err);
	isa_upload_close(u);
	t_close(&cu);

	do
		code = isa_fetch_next(fe, &p, &n, &done, err, sizeof(err));
	while (code == EXIT_OK && !done);
	assert_int_equal(code, EXIT_UNREACHABLE);
	assert_true(isa_fetch_interrupted(fe));
	if (strstr(err, GET_CUT NOT_HELD "download was idle too long)") ==
	    NULL)
		fail_msg("download: %s", err);
	isa_fetch_close(fe);
	t_close(&cg);

	assert_int_equal(ls_count(h, "alice"), before);
	snprintf(path, sizeof(path), "%s/again", h_dir(h));
	r = du_get(h, "alice", id, path);
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	t_connect(h, "alice", &cu);
	assert_int_equal(isa_upload_begin(cu.c, &t.m, sizeof(data), "idle",
	    &u, err, sizeof(err)), EXIT_OK);
	assert_int_equal(isa_upload_write(u, data, sizeof(data), err,
	    sizeof(err)), EXIT_OK);
	assert_int_equal(isa_upload_end(u, &m, err, sizeof(err)), EXIT_OK);
	isa_upload_close(u);
	t_close(&cu);
	assert_int_equal(ls_count(h, "alice"), before + 1);

	/* `isa put` itself, stopped mid-way until isad dropped the upload as
	 * idle (its client.conf's timeout longer than that wait), then let go
	 * on: exit 5, isad no longer holds it; nothing stored. */
	snprintf(path, sizeof(path), "%s/idle-put", h_dir(h));
	du_make_file(path, 128 * CHUNK, 5);
	snprintf(conf, sizeof(conf), "%s/patient.conf", h_user_dir(h, "alice"));
	ctext = read_text(h_client_conf(h, "alice"));
	assert_non_null(at = strstr(ctext, "timeout_ms = 3000;"));
	memcpy(at, "timeout_ms = 60000", 18);
	h_write_file(conf, ctext, 0600);
	free(ctext);
	mark = h_log_mark(h);
	put = put_stopped(h, path, 128LL * CHUNK, conf);
	wait_log_after(h, mark, "abandoned: its chunks are deleted (expired)");
	assert_int_equal(kill(put.pid, SIGCONT), 0);
	assert_int_equal(bg_finish(&put, &perr), EXIT_UNREACHABLE);
	if (strstr(perr, PUT_CUT NOT_HELD "upload was idle too long)") == NULL)
		fail_msg("isa put said: %s", perr);
	free(perr);
	assert_int_equal(ls_count(h, "alice"), before + 1);
	h_free(h);
}

/*
 * `isa put` whose PutEnd went out and got no answer (isad stopped once
 * every chunk was acknowledged, before PutEnd: isa stops itself there in
 * a test build while $ISA_TEST_PUT_END_STOP's file exists): exit 5, and
 * not "nothing was stored" but "may or may not be stored", with where to
 * look before sending it again.
 */
static void
test_put_end_unanswered(void **state)
{
	fixture_t *f = *state;
	harness_t *h = f->h;
	pid_t isad = h_isad_pid(h);
	char in[512], stop[512], *err;
	bg_t put;
	int st;

	h_need_test_build("ISA_TEST_PUT_END_STOP");
	snprintf(in, sizeof(in), "%s/unanswered", h_dir(h));
	snprintf(stop, sizeof(stop), "%s/put-end-stop", h_dir(h));
	du_make_file(in, 3 * CHUNK + 7, 9);
	h_write_file(stop, "", 0600);
	assert_int_equal(setenv("ISA_TEST_PUT_END_STOP", stop, 1), 0);
	put = bg_isa(h, "alice", ARGS("put", in, "--title", "unanswered",
	    "--class", "OFFICIAL", "--to", "agency:ctpse"), false);
	assert_int_equal(unsetenv("ISA_TEST_PUT_END_STOP"), 0);
	/* Stopped with every chunk acknowledged, PutEnd not yet sent. */
	while (waitpid(put.pid, &st, WUNTRACED) < 0 && errno == EINTR)
		;
	if (!WIFSTOPPED(st))
		fail_msg("isa put ended before it sent the upload's end");
	assert_int_equal(unlink(stop), 0);
	assert_int_equal(kill(isad, SIGSTOP), 0);
	assert_int_equal(kill(put.pid, SIGCONT), 0);
	st = bg_finish(&put, &err);
	assert_int_equal(kill(isad, SIGCONT), 0);
	assert_int_equal(st, EXIT_UNREACHABLE);
	if (strstr(err, "isad did not confirm the upload, so it may or may "
	    "not be stored: ") == NULL || strstr(err, "; look for it with "
	    "`isa ls` before you send it again\n") == NULL ||
	    strstr(err, "nothing was stored") != NULL)
		fail_msg("isa put said: %s", err);
	free(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_isad_restarted),
		cmocka_unit_test(test_put_isad_killed),
		cmocka_unit_test(test_get_isad_restarted),
		cmocka_unit_test(test_get_isad_killed),
		cmocka_unit_test(test_lost_not_waited),
		cmocka_unit_test(test_missing_still_not_found),
		cmocka_unit_test(test_put_end_unanswered),
	};
	const struct CMUnitTest alone[] = {
		cmocka_unit_test(test_idle_too_long),
	};
	int failed = cmocka_run_group_tests(tests, setup, teardown);

	return failed + cmocka_run_group_tests(alone, NULL, NULL);
}
