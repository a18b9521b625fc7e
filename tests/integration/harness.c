/* harness.c: a real deployment for integration tests: temp dir, free loopback port, real isad, real isa. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"

#define H_MAX_USERS 64
#define H_READY_MS 30000	/* a sanitizer build on a busy machine is slow */

struct h_user {
	char id[64];
	char pub[64];
	char entry[1024];
};

struct harness {
	char dir[256];
	char endpoint[64];
	char isad_conf[300];
	char policy_conf[300];
	char data_dir[300];
	char notify_path[300];
	char log_path[300];
	char server_key[64];
	int port;
	int notify_fd;
	char ready_msg[256];	/* the datagram that said READY=1 last */
	char notify_log[4096];	/* every datagram since the last h_start */
	pid_t isad;
	struct h_user users[H_MAX_USERS];
	int nusers;
	char *extra;
};

static harness_t *h_live[8];	/* for the atexit safety net */

__attribute__((format(printf, 1, 2)))
static void
h_fail(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fail_msg("harness: %s", msg);
}

/* Format into buf of cap bytes; a result that does not fit fails the test
 * (a truncated path or policy entry would test something else). */
__attribute__((format(printf, 3, 4)))
static void
h_fmt(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap)
		h_fail("%zu bytes are not enough for \"%s\"", cap, fmt);
}

void
h_write_file(const char *path, const char *text, int mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		h_fail("cannot write %s: %s", path, strerror(errno));
	fchmod(fd, (mode_t)mode);
	close(fd);
}

static char *
read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (f == NULL)
		return strdup("");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	if (buf != NULL && n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)
		buf[0] = '\0';
	fclose(f);
	return buf;
}

void
h_need_test_build(const char *knob)
{
#ifdef ISA_TEST_BUILD
	(void)knob;
#else
	print_message("[  SKIP    ] %s: only a test build of isad reads it "
	    "(cmake -DISA_SANITIZE=ON defines ISA_TEST_BUILD)\n", knob);
	skip();
#endif
}

const char *
h_last_line(const char *s)
{
	static char line[1024];
	const char *end = s + strlen(s), *start;

	while (end > s && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	start = end;
	while (start > s && start[-1] != '\n')
		start--;
	snprintf(line, sizeof(line), "%.*s", (int)(end - start), start);
	return line;
}

static int
free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
		h_fail("cannot find a free port: %s", strerror(errno));
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static const char *
env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : dflt;
}

h_result_t
h_run(const char *const *argv)
{
	char out[] = "/tmp/isa-h-out-XXXXXX", err[] = "/tmp/isa-h-err-XXXXXX";
	h_result_t r = { 0 };
	int fo = mkstemp(out), fe = mkstemp(err), st;
	pid_t pid;

	if (fo < 0 || fe < 0)
		h_fail("mkstemp: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		h_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		dup2(devnull, 0);
		dup2(fo, 1);
		dup2(fe, 2);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	close(fo);
	close(fe);
	r.out = read_all(out);
	r.err = read_all(err);
	unlink(out);
	unlink(err);
	return r;
}

void
h_result_free(h_result_t *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

static void
h_kill_all(void)
{
	for (size_t i = 0; i < sizeof(h_live) / sizeof(h_live[0]); i++)
		if (h_live[i] != NULL && h_live[i]->isad > 0)
			kill(h_live[i]->isad, SIGKILL);
}

/* $ISA_TEST_WORKERS, when set, is isad's worker count (0: requests run in
 * its main loop), so a suite can run in either mode. */
static void
h_write_conf(harness_t *h, const char *extra)
{
	char conf[2048];
	const char *workers = getenv("ISA_TEST_WORKERS");

	snprintf(conf, sizeof(conf),
	    "listen = \"%s\";\ndata_dir = \"data\";\npolicy = \"policy.conf\";\n"
	    "origin = \"test.example.org/isa\";\n"
	    "handshake_ms = 2000;\nworkers = %s;\n%s\n", h->endpoint,
	    workers != NULL ? workers : "4",
	    extra != NULL ? extra :
	    "limits = { max_message = 1048576; chunk = 262144; };");
	h_write_file(h->isad_conf, conf, 0644);
}

void
h_set_conf(harness_t *h, const char *extra)
{
	h_write_conf(h, extra);
}

harness_t *
h_new(void)
{
	return h_new_conf(NULL);
}

harness_t *
h_new_conf(const char *extra)
{
	static int registered;
	harness_t *h = calloc(1, sizeof(*h));
	const char *argv[5];
	h_result_t r;

	if (h == NULL)
		h_fail("out of memory");
	if (!registered++)
		atexit(h_kill_all);
	for (size_t i = 0; i < sizeof(h_live) / sizeof(h_live[0]); i++)
		if (h_live[i] == NULL) {
			h_live[i] = h;
			break;
		}
	h->notify_fd = -1;
	snprintf(h->dir, sizeof(h->dir), "%s/isa-test-XXXXXX",
	    env_or("TMPDIR", "/tmp"));
	if (mkdtemp(h->dir) == NULL)
		h_fail("mkdtemp: %s", strerror(errno));
	h->port = free_port();
	snprintf(h->endpoint, sizeof(h->endpoint), "tcp://127.0.0.1:%d",
	    h->port);
	snprintf(h->isad_conf, sizeof(h->isad_conf), "%s/isad.conf", h->dir);
	snprintf(h->policy_conf, sizeof(h->policy_conf), "%s/policy.conf",
	    h->dir);
	snprintf(h->data_dir, sizeof(h->data_dir), "%s/data", h->dir);
	snprintf(h->notify_path, sizeof(h->notify_path), "%s/notify", h->dir);
	snprintf(h->log_path, sizeof(h->log_path), "%s/isad.log", h->dir);
	h_write_conf(h, extra);
	argv[0] = env_or("ISAD_BIN", "isad");
	argv[1] = "init";
	argv[2] = "--config";
	argv[3] = h->isad_conf;
	argv[4] = NULL;
	r = h_run(argv);
	if (r.status != 0)
		h_fail("isad init failed (%d): %s", r.status, r.err);
	snprintf(h->server_key, sizeof(h->server_key), "%s",
	    h_last_line(r.out));
	h_result_free(&r);
	return h;
}

static struct h_user *
find_user(harness_t *h, const char *id)
{
	for (int i = 0; i < h->nusers; i++)
		if (strcmp(h->users[i].id, id) == 0)
			return &h->users[i];
	h_fail("no user %s in this deployment", id);
	return NULL;
}

const char *
h_user_dir(harness_t *h, const char *user)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/users/%s", h->dir, user);
	return path;
}

const char *
h_client_conf(harness_t *h, const char *user)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/users/%s/client.conf", h->dir, user);
	return path;
}

const char *
h_user_pub(harness_t *h, const char *user)
{
	return find_user(h, user)->pub;
}

static void
h_user_entry(struct h_user *u, const char *agency, const char *clearance,
    const char *extra)
{
	h_fmt(u->entry, sizeof(u->entry), "{ id = \"%s\"; name = \"Test "
	    "user %s\"; agency = \"%s\"; clearance = \"%s\"; key = \"%s\"; "
	    "%s }", u->id, u->id, agency, clearance, u->pub, extra ? extra : "");
}

void
h_user_update(harness_t *h, const char *id, const char *agency,
    const char *clearance, const char *extra)
{
	h_user_entry(find_user(h, id), agency, clearance, extra);
}

void
h_user(harness_t *h, const char *id, const char *agency,
    const char *clearance, const char *extra)
{
	struct h_user *u;
	char dir[512], conf[1024], users[512];
	const char *argv[5];
	h_result_t r;

	if (h->nusers == H_MAX_USERS)
		h_fail("too many users");
	u = &h->users[h->nusers++];
	h_fmt(u->id, sizeof(u->id), "%s", id);
	h_fmt(users, sizeof(users), "%s/users", h->dir);
	mkdir(users, 0700);
	h_fmt(dir, sizeof(dir), "%s/%s", users, id);
	argv[0] = env_or("ISA_BIN", "isa");
	argv[1] = "keygen";
	argv[2] = "--out";
	argv[3] = dir;
	argv[4] = NULL;
	r = h_run(argv);
	if (r.status != 0)
		h_fail("isa keygen failed (%d): %s", r.status, r.err);
	snprintf(u->pub, sizeof(u->pub), "%s", h_last_line(r.out));
	h_result_free(&r);
	h_fmt(conf, sizeof(conf), "server = \"%s\";\nserver_key = \"%s\";\n"
	    "key_file = \"user.key\";\ntimeout_ms = 3000;\n", h->endpoint,
	    h->server_key);
	h_fmt(dir, sizeof(dir), "%s/%s/client.conf", users, id);
	h_write_file(dir, conf, 0644);
	h_user_entry(u, agency, clearance, extra);
}

void
h_policy_extra(harness_t *h, const char *text)
{
	size_t old = h->extra ? strlen(h->extra) : 0;
	char *n = realloc(h->extra, old + strlen(text) + 2);

	if (n == NULL)
		h_fail("out of memory");
	h->extra = n;
	snprintf(h->extra + old, strlen(text) + 2, "%s\n", text);
}

void
h_write_policy(harness_t *h)
{
	size_t cap = 4096 + (size_t)h->nusers * 1100 +
	    (h->extra ? strlen(h->extra) : 0);
	char *text = malloc(cap), *p = text;

	if (text == NULL)
		h_fail("out of memory");
	p += sprintf(p, "caveats = (\n"
	    "  { name = \"PERSONAL-DATA\"; requires = \"safeguarding\"; },\n"
	    "  { name = \"UK-EYES-ONLY\"; requires = \"uk-national\"; }\n);\n");
	p += sprintf(p, "agencies = (\n"
	    "  { id = \"hcc\"; name = \"Hampshire County Council\"; },\n"
	    "  { id = \"ctpse\"; name = \"Counter Terrorism Policing South "
	    "East\"; },\n"
	    "  { id = \"police\"; name = \"Hampshire Constabulary\"; },\n"
	    "  { id = \"uow\"; name = \"University of Winchester\"; }\n);\n"
	    "users = (\n");
	for (int i = 0; i < h->nusers; i++)
		p += sprintf(p, "  %s%s\n", h->users[i].entry,
		    i + 1 < h->nusers ? "," : "");
	p += sprintf(p, ");\n%s", h->extra ? h->extra : "");
	h_write_file(h->policy_conf, text, 0644);
	free(text);
}

static void
h_open_notify(harness_t *h)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (h->notify_fd >= 0)
		return;
	unlink(h->notify_path);
	h_fmt(sa.sun_path, sizeof(sa.sun_path), "%s", h->notify_path);
	h->notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (h->notify_fd < 0 ||
	    bind(h->notify_fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		h_fail("notify socket: %s", strerror(errno));
	/* Writable by isad whatever user it runs as, as systemd's is. */
	if (chmod(h->notify_path, 0666) != 0)
		h_fail("notify socket: %s", strerror(errno));
}

pid_t
h_spawn_isad(harness_t *h, const char *subcmd)
{
	pid_t pid;

	h_open_notify(h);
	pid = fork();
	if (pid < 0)
		h_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		int log = open(h->log_path, O_WRONLY | O_CREAT | O_APPEND,
		    0600);
		int devnull = open("/dev/null", O_RDONLY);
		const char *bin = env_or("ISAD_BIN", "isad");

		/* If the test process dies, isad dies with it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(devnull, 0);
		dup2(log, 1);
		dup2(log, 2);
		setenv("NOTIFY_SOCKET", h->notify_path, 1);
		/* $ISAD_WRAP: a program isad runs under (test_unit_restrictions:
		 * the unit's restrictions applied by hand). */
		if (getenv("ISAD_WRAP") != NULL && subcmd == NULL)
			execl(getenv("ISAD_WRAP"), getenv("ISAD_WRAP"), bin,
			    "--config", h->isad_conf, (char *)NULL);
		if (subcmd != NULL)
			execl(bin, bin, subcmd, "--config", h->isad_conf,
			    (char *)NULL);
		else
			execl(bin, bin, "--config", h->isad_conf, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Wait for a datagram containing text from isad (into buf of cap bytes);
 * fail if isad exits first or nothing comes within H_READY_MS.  Once isad
 * has stopped, only what it sent before is read. */
static void
h_wait_notify(harness_t *h, const char *text, char *buf, size_t cap)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd pfd = { h->notify_fd, POLLIN, 0 };
		int st;
		long waited;

		if (h->isad > 0 && waitpid(h->isad, &st, WNOHANG) == h->isad) {
			char *log = h_isad_log(h);

			h->isad = 0;
			h_fail("isad exited before it said %s:\n%s", text, log);
			free(log);
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		waited = (now.tv_sec - start.tv_sec) * 1000 +
		    (now.tv_nsec - start.tv_nsec) / 1000000;
		if (waited > H_READY_MS)
			h_fail("isad did not say %s within %d ms", text,
			    H_READY_MS);
		/* Short polls only so that an early exit is seen at once. */
		if (poll(&pfd, 1, 100) == 1) {
			ssize_t n = recv(h->notify_fd, buf, cap - 1, 0);

			if (n > 0) {
				size_t have = strlen(h->notify_log);

				buf[n] = '\0';
				snprintf(h->notify_log + have,
				    sizeof(h->notify_log) - have, "%s\n", buf);
				if (strstr(buf, text) != NULL)
					return;
			}
		} else if (h->isad <= 0)
			h_fail("isad stopped without saying %s", text);
	}
}

/* Wait for READY=1 from isad; fail if isad exits. */
static void
h_wait_ready(harness_t *h)
{
	h_wait_notify(h, "READY=1", h->ready_msg, sizeof(h->ready_msg));
}

const char *
h_ready_msg(const harness_t *h)
{
	return h->ready_msg;
}

const char *
h_notify_log(const harness_t *h)
{
	return h->notify_log;
}

const char *
h_notify_wait(harness_t *h, const char *text)
{
	static char buf[256];

	h_wait_notify(h, text, buf, sizeof(buf));
	return buf;
}

void
h_start(harness_t *h)
{
	const char *workers = getenv("ISA_TEST_WORKERS");

	h_write_policy(h);
	h->notify_log[0] = '\0';
	h->isad = h_spawn_isad(h, NULL);
	h_wait_ready(h);
	/* The suite runs in the mode it was asked for. */
	if (workers != NULL && strcmp(workers, "0") == 0 &&
	    !h_wait_log(h, "workers = 0: requests run in the main loop"))
		h_fail("isad did not run its requests in the main loop");
}

void
h_reload(harness_t *h)
{
	if (h->isad <= 0)
		h_fail("isad is not running");
	kill(h->isad, SIGHUP);
	h_wait_ready(h);
}

void
h_kill9(harness_t *h)
{
	if (h->isad <= 0)
		return;
	kill(h->isad, SIGKILL);
	while (waitpid(h->isad, NULL, 0) < 0 && errno == EINTR)
		;
	h->isad = 0;
}

bool
h_wait_log(harness_t *h, const char *text)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		char *log = h_isad_log(h);
		bool found = strstr(log, text) != NULL;

		free(log);
		if (found)
			return true;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 30)
			return false;
		/* The log has no readiness signal of its own: look again
		 * shortly. */
		poll(NULL, 0, 20);
	}
}

int
h_stop(harness_t *h)
{
	int st;

	if (h->isad <= 0)
		return -1;
	kill(h->isad, SIGTERM);
	while (waitpid(h->isad, &st, 0) < 0 && errno == EINTR)
		;
	h->isad = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

h_result_t
h_isa(harness_t *h, const char *user, const char *const *args)
{
	const char *argv[32];
	int n = 0;

	argv[n++] = env_or("ISA_BIN", "isa");
	for (; *args != NULL && n < 28; args++)
		argv[n++] = *args;
	if (user != NULL) {
		argv[n++] = "--config";
		argv[n++] = h_client_conf(h, user);
	}
	argv[n] = NULL;
	return h_run(argv);
}

const char *h_dir(const harness_t *h) { return h->dir; }
const char *h_endpoint(const harness_t *h) { return h->endpoint; }
int h_port(const harness_t *h) { return h->port; }
const char *h_server_key(const harness_t *h) { return h->server_key; }
const char *h_isad_conf(const harness_t *h) { return h->isad_conf; }
const char *h_policy_conf(const harness_t *h) { return h->policy_conf; }
const char *h_data_dir(const harness_t *h) { return h->data_dir; }
pid_t h_isad_pid(const harness_t *h) { return h->isad; }

char *
h_isad_log(harness_t *h)
{
	return read_all(h->log_path);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
h_free(harness_t *h)
{
	if (h == NULL)
		return;
	if (h->isad > 0) {
		kill(h->isad, SIGKILL);
		waitpid(h->isad, NULL, 0);
	}
	if (h->notify_fd >= 0)
		close(h->notify_fd);
	if (getenv("ISA_KEEP_TMP") == NULL)
		nftw(h->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	for (size_t i = 0; i < sizeof(h_live) / sizeof(h_live[0]); i++)
		if (h_live[i] == h)
			h_live[i] = NULL;
	free(h->extra);
	free(h);
}

#include <zmq.h>

#include "proto/keyfile.h"

/* A CURVE DEALER as user (NULL: a fresh key); lazy: it takes its
 * replies slowly, like a client that does not read them. */
static void *
dealer_open(harness_t *h, void *ctx, const char *user, bool lazy)
{
	char pub[KEYFILE_Z85_LEN + 1], sec[KEYFILE_Z85_LEN + 1], err[512];
	char path[600];
	void *s = zmq_socket(ctx, ZMQ_DEALER);
	int linger = 0, one = 1, small = 4096;

	if (user != NULL) {
		snprintf(path, sizeof(path), "%s/user.key", h_user_dir(h, user));
		if (keyfile_read(path, pub, sec, err, sizeof(err)) != 0)
			h_fail("%s", err);
	} else if (keyfile_generate(pub, sec) != 0)
		h_fail("keypair");
	if (s == NULL ||
	    zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, h->server_key, 40) != 0 ||
	    zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, pub, 40) != 0 ||
	    zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, sec, 40) != 0 ||
	    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger)) != 0 ||
	    (lazy && (zmq_setsockopt(s, ZMQ_RCVHWM, &one, sizeof(one)) != 0 ||
	    zmq_setsockopt(s, ZMQ_RCVBUF, &small, sizeof(small)) != 0)) ||
	    zmq_connect(s, h->endpoint) != 0)
		h_fail("dealer: %s", zmq_strerror(errno));
	return s;
}

void *
h_dealer(harness_t *h, void *ctx, const char *user)
{
	return dealer_open(h, ctx, user, false);
}

void *
h_dealer_lazy(harness_t *h, void *ctx, const char *user)
{
	return dealer_open(h, ctx, user, true);
}

int
h_send(void *sock, const void *buf, size_t len, int more)
{
	return zmq_send(sock, buf, len, more ? ZMQ_SNDMORE : 0) < 0 ? -1 : 0;
}

int
h_recv(void *sock, void *buf, size_t cap, int ms)
{
	zmq_pollitem_t it = { sock, 0, ZMQ_POLLIN, 0 };
	int n;

	if (zmq_poll(&it, 1, ms) != 1)
		return -1;
	n = zmq_recv(sock, buf, cap, 0);
	return n;
}

h_result_t
h_check_deep(harness_t *h)
{
	const char *argv[] = { getenv("ISAD_BIN"), "check", "--deep",
	    "--config", h->isad_conf, NULL };

	return h_run(argv);
}

size_t
h_log_mark(harness_t *h)
{
	char *log = h_isad_log(h);
	size_t n = strlen(log);

	free(log);
	return n;
}

size_t
h_log_count(harness_t *h, size_t mark, const char *text, const char *stop)
{
	char *log = h_isad_log(h), *end;
	size_t n = 0;

	if (strlen(log) < mark)
		h_fail("isad's log is shorter than a mark taken before");
	if (stop != NULL && (end = strstr(log + mark, stop)) != NULL)
		*end = '\0';
	for (const char *p = log + mark; (p = strstr(p, text)) != NULL; p++)
		n++;
	free(log);
	return n;
}
