/* test_unit_restrictions.c: isad serves a put and a get under what isad.service restricts, as far as it can be applied without systemd (tests/pkg/under_unit.sh). */
#define _GNU_SOURCE	/* nftw's FTW_PHYS */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "docs_util.h"
#include "harness.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
/* isad.service runs as isad; here, as nobody: an unprivileged user. */
#define UNIT_UID 65534
#define UNIT_GID 65534

static char wrapper[512];

static int
chown_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return lchown(path, UNIT_UID, UNIT_GID);
}

/* The value of field (e.g. "CapEff:") in /proc/PID/status, in a static
 * buffer ("" when absent). */
static const char *
proc_status(pid_t pid, const char *field)
{
	static char val[128];
	char path[64], line[256];
	FILE *f;

	val[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return val;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, field, strlen(field)) == 0) {
			snprintf(val, sizeof(val), "%s", line + strlen(field) +
			    strspn(line + strlen(field), " \t"));
			val[strcspn(val, "\n")] = '\0';
			break;
		}
	fclose(f);
	return val;
}

static void
test_serves_under_the_unit(void **state)
{
	const char *probe[] = { wrapper, "--probe", NULL };
	char in[600], out[600], id[32], user[32], ns_ours[64], ns_isad[64];
	char path[64];
	h_result_t r = h_run(probe);
	harness_t *h;
	ssize_t n;
	bool seccomp;
	char *asan;

	if (r.status != 0) {
		print_message("[  SKIP    ] cannot apply the unit's restrictions "
		    "here: %s", r.out);
		h_result_free(&r);
		skip();
	}
	h_result_free(&r);
	/* /var/lib, not /tmp: PrivateTmp hides /tmp from isad, as it would
	 * hide it from isad.service. */
	setenv("TMPDIR", "/var/lib", 1);
	*state = h = h_new();	/* freed by teardown, failed or not */
	h_user(h, "council-officer", "hcc", "BPSS", NULL);
	h_user(h, "police-lead", "police", "SC", NULL);
	h_write_policy(h);
	/* Its files are the unit user's, as /var/lib/isad is isad's. */
	assert_int_equal(nftw(h_dir(h), chown_entry, 16, FTW_PHYS), 0);
	snprintf(user, sizeof(user), "%d:%d", UNIT_UID, UNIT_GID);
	setenv("UNDER_UNIT_RW", h_data_dir(h), 1);
	setenv("UNDER_UNIT_USER", user, 1);
	setenv("ISAD_WRAP", wrapper, 1);
	/* The seccomp filters too, where tests/pkg/seccomp_exec was built
	 * (libseccomp-dev) and systemd-analyze expands the unit's list. */
	seccomp = getenv("ISA_SECCOMP_EXEC") != NULL &&
	    system("systemd-analyze --version >/dev/null 2>&1") == 0;
	if (seccomp)
		setenv("UNDER_UNIT_SECCOMP", getenv("ISA_SECCOMP_EXEC"), 1);
	else
		print_message("[  NOTE    ] no seccomp filters: needs "
		    "libseccomp-dev at build time and systemd-analyze\n");
	/* LeakSanitizer stops the world with ptrace, which the unit's filter
	 * refuses (@debug): no leak check for this isad (the other suites
	 * have it); the clients keep theirs. */
	asan = getenv("ASAN_OPTIONS") != NULL ? strdup(getenv("ASAN_OPTIONS")) :
	    NULL;
	if (seccomp)
		setenv("ASAN_OPTIONS", "detect_leaks=0:abort_on_error=0", 1);
	h_start(h);
	if (asan != NULL)
		setenv("ASAN_OPTIONS", asan, 1);
	free(asan);

	/* What serves is restricted: another mount namespace, the unit's
	 * user, no capabilities at all, no_new_privs. */
	assert_string_equal(proc_status(h_isad_pid(h), "Uid:"),
	    "65534\t65534\t65534\t65534");
	assert_string_equal(proc_status(h_isad_pid(h), "CapEff:"),
	    "0000000000000000");
	assert_string_equal(proc_status(h_isad_pid(h), "CapPrm:"),
	    "0000000000000000");
	assert_string_equal(proc_status(h_isad_pid(h), "CapBnd:"),
	    "0000000000000000");
	assert_string_equal(proc_status(h_isad_pid(h), "NoNewPrivs:"), "1");
	if (seccomp)	/* the allow list, and the other restrictions */
		assert_string_equal(proc_status(h_isad_pid(h),
		    "Seccomp_filters:"), "2");
	n = readlink("/proc/self/ns/mnt", ns_ours, sizeof(ns_ours) - 1);
	assert_true(n > 0);
	ns_ours[n] = '\0';
	snprintf(path, sizeof(path), "/proc/%ld/ns/mnt", (long)h_isad_pid(h));
	n = readlink(path, ns_isad, sizeof(ns_isad) - 1);
	assert_true(n > 0);
	ns_isad[n] = '\0';
	assert_string_not_equal(ns_ours, ns_isad);

	/* And it serves: a put, a get of the same bytes by its recipient. */
	snprintf(in, sizeof(in), "%s/in.bin", h_dir(h));
	snprintf(out, sizeof(out), "%s/out.bin", h_dir(h));
	du_make_file(in, 300000, 7);
	assert_int_equal(du_put(h, "council-officer", in, "Strategy minutes",
	    "OFFICIAL-SENSITIVE", "user:police-lead", NULL, id, NULL), 0);
	r = du_get(h, "police-lead", id, out);
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	assert_true(du_same_file(in, out));
	assert_int_equal(h_stop(h), 0);
}

static int
teardown(void **state)
{
	unsetenv("ISAD_WRAP");
	unsetenv("UNDER_UNIT_SECCOMP");
	h_free(*state);	/* the dir in /var/lib too */
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_serves_under_the_unit,
		    teardown),
	};
	const char *src = getenv("ISA_SOURCE_DIR");

	snprintf(wrapper, sizeof(wrapper), "%s/tests/pkg/under_unit.sh",
	    src != NULL ? src : ".");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
