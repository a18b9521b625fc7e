/* harness.h: a real deployment for integration tests: temp dir, free loopback port, real isad, real isa. */
#ifndef ISA_TESTS_HARNESS_H
#define ISA_TESTS_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct harness harness_t;

/* What one run of a program printed and how it ended. */
typedef struct {
	int status;	/* exit code, or 128 + signal */
	char *out;	/* stdout, NUL-terminated (malloc'd) */
	char *err;	/* stderr, NUL-terminated (malloc'd) */
} h_result_t;

/*
 * A new deployment in a fresh temp dir: a free loopback port, isad.conf, and
 * `isad init` run (the server key recorded).  Agencies hcc, ctpse and police
 * exist.  Fails the test (cmocka) on any error.  Binaries come from
 * $ISAD_BIN and $ISA_BIN.
 */
harness_t *h_new(void);

/* As h_new, with extra isad.conf settings instead of the default limits
 * (limits = { max_message = 1048576; chunk = 262144; };). */
harness_t *h_new_conf(const char *extra);

/* Rewrite isad.conf with other extra settings (takes effect at restart). */
void h_set_conf(harness_t *h, const char *extra);

/*
 * Enrol a user: `isa keygen` into DIR/users/ID, a client.conf beside it, and
 * an entry in policy.conf (written by h_write_policy / h_start).  extra is
 * further libconfig settings for the user entry, e.g.
 * "roles = [\"admin\"]; enabled = false;", or NULL.
 */
void h_user(harness_t *h, const char *id, const char *agency,
    const char *clearance, const char *extra);

/* Change an enrolled user's policy entry (same key); h_write_policy or
 * h_reload_policy makes it real. */
void h_user_update(harness_t *h, const char *id, const char *agency,
    const char *clearance, const char *extra);

/* Add raw text to the end of policy.conf (groups, caveats...). */
void h_policy_extra(harness_t *h, const char *text);

/* Write policy.conf from what h holds. */
void h_write_policy(harness_t *h);

/* Write policy.conf and start isad; wait until it says it is ready
 * (READY=1 on $NOTIFY_SOCKET).  Fails the test if it exits instead.  With
 * $ISAD_WRAP set, isad is started as `$ISAD_WRAP ISAD --config FILE`. */
void h_start(harness_t *h);

/* Start isad without waiting; returns its pid (for tests of refusals). */
pid_t h_spawn_isad(harness_t *h, const char *subcmd);

/* Send SIGHUP and wait until isad says it is ready again. */
void h_reload(harness_t *h);

/* The datagram in which isad said READY=1 last (its STATUS= line with it). */
const char *h_ready_msg(const harness_t *h);

/* Every datagram isad sent on $NOTIFY_SOCKET since the last h_start that
 * the harness has read, each followed by a newline (the first 4 KiB). */
const char *h_notify_log(const harness_t *h);

/* Wait (up to 30 s) for a datagram from isad on $NOTIFY_SOCKET containing
 * text, e.g. "WATCHDOG=1", skipping others; returns it (a static buffer).
 * Fails the test if isad exits first; after h_stop, reads only what isad
 * sent before it stopped. */
const char *h_notify_wait(harness_t *h, const char *text);

/* `isad check --deep` on h's deployment (its exit status, out and err). */
h_result_t h_check_deep(harness_t *h);

/* Where isad's log ends now, for h_log_count. */
size_t h_log_mark(harness_t *h);

/* How many times text occurs in isad's log after mark, and before the
 * first stop after it (stop NULL: to the end). */
size_t h_log_count(harness_t *h, size_t mark, const char *text,
    const char *stop);

/* SIGKILL and wait: a crash. */
void h_kill9(harness_t *h);

/* Wait (up to 30 s) until isad's log contains text; false on timeout. */
bool h_wait_log(harness_t *h, const char *text);

/* SIGTERM and wait; returns isad's exit status. */
int h_stop(harness_t *h);

/* Run `isa ARGS... --config USER's client.conf` (user NULL: no --config). */
h_result_t h_isa(harness_t *h, const char *user, const char *const *args);

/* Run any program with args (argv[0] = path), with cwd unchanged. */
h_result_t h_run(const char *const *argv);

void h_result_free(h_result_t *r);

/* Paths and facts of the deployment (owned by h). */
const char *h_dir(const harness_t *h);
const char *h_endpoint(const harness_t *h);	/* tcp://127.0.0.1:PORT */
int h_port(const harness_t *h);
const char *h_server_key(const harness_t *h);
const char *h_isad_conf(const harness_t *h);
const char *h_policy_conf(const harness_t *h);
const char *h_data_dir(const harness_t *h);
const char *h_client_conf(harness_t *h, const char *user); /* static buf */
const char *h_user_dir(harness_t *h, const char *user);	/* static buf */
const char *h_user_pub(harness_t *h, const char *user);
pid_t h_isad_pid(const harness_t *h);

/* isad's stderr so far (malloc'd). */
char *h_isad_log(harness_t *h);

/* Write text to path (mode). */
void h_write_file(const char *path, const char *text, int mode);

/* The last non-empty line of s, in a static buffer. */
const char *h_last_line(const char *s);

/*
 * Skip the calling test (cmocka's skip, the reason printed) unless isad
 * reads its test knobs: the environment variables (knob names the one the
 * test needs, e.g. "ISAD_TEST_NOW") that only a test build of isad reads
 * (ISA_TEST_BUILD, defined by sanitizer builds: cmake -DISA_SANITIZE=ON).
 * The harness is built with the same definitions as isad.  Call it before
 * the test makes anything it would leave behind.
 */
void h_need_test_build(const char *knob);

/* Stop isad if running (SIGKILL after a grace period) and remove the dir. */
void h_free(harness_t *h);

#endif

/* A raw ZeroMQ DEALER on ctx, connected to isad with CURVE as user (NULL:
 * a fresh key nobody enrolled).  For tests that must send what isa never
 * would. */
void *h_dealer(harness_t *h, void *ctx, const char *user);

/* As h_dealer, taking its replies slowly (a one-message pipe and a 4 KiB
 * socket buffer), like a client that does not read them. */
void *h_dealer_lazy(harness_t *h, void *ctx, const char *user);

/* Send one frame of len bytes (more: ZMQ_SNDMORE first); 0 or -1. */
int h_send(void *sock, const void *buf, size_t len, int more);

/* Wait up to ms for one frame; returns its size (copied to buf, at most
 * cap), or -1 on timeout. */
int h_recv(void *sock, void *buf, size_t cap, int ms);
