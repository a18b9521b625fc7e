/* seccomp_exec.c: run a command under the seccomp filters isad.service asks systemd for (SystemCallFilter, RestrictAddressFamilies, MemoryDenyWriteExecute, LockPersonality, RestrictNamespaces, RestrictRealtime, SystemCallArchitectures), built by hand with libseccomp; for tests/pkg/under_unit.sh. */
#define _GNU_SOURCE	/* CLONE_NEW*, SCHED_* */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <unistd.h>

#include <seccomp.h>

#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | \
    CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP)

/* A comparison of argument arg, all fields set (libseccomp's SCMP_A0
 * macros leave datum_b to a designated initialiser's zero). */
static struct scmp_arg_cmp
cmp(unsigned arg, enum scmp_compare op, scmp_datum_t a, scmp_datum_t b)
{
	struct scmp_arg_cmp c = { arg, op, a, b };

	return c;
}

/* Each rule refuses with EPERM (SystemCallErrorNumber=EPERM), sockets of
 * other families with EAFNOSUPPORT, as systemd does. */
static int
deny(scmp_filter_ctx f, int err, const char *name, unsigned n,
    const struct scmp_arg_cmp *cmp)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)
		return 0;	/* not on this architecture */
	return seccomp_rule_add_array(f, SCMP_ACT_ERRNO((unsigned)err), nr, n,
	    cmp);
}

/* The allow list: syscall names, one a line (the unit's SystemCallFilter
 * expanded by systemd-analyze syscall-filter), read from fd and closed, so
 * that the command does not inherit it. */
static int
allow_list(scmp_filter_ctx f, int fd)
{
	char line[128];
	FILE *in = fdopen(fd, "r");
	int rc = 0;

	if (in == NULL) {
		fprintf(stderr, "seccomp_exec: fd %d: %s\n", fd, strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof(line), in) != NULL) {
		int nr;

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '\0' ||
		    (nr = seccomp_syscall_resolve_name(line)) == __NR_SCMP_ERROR)
			continue;
		rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, nr, 0);
	}
	fclose(in);
	return rc;
}

/* What the unit's other seccomp-made settings refuse, in a filter of its
 * own (the kernel runs both; the stricter answer wins), as systemd does. */
static int
restrictions(scmp_filter_ctx f)
{
	static const int families[] = { AF_UNIX, AF_INET, AF_INET6,
	    AF_NETLINK };
	struct scmp_arg_cmp c[1];
	int rc = 0;

	/* RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK */
	for (int d = 0; d < AF_MAX && rc == 0; d++) {
		int ok = 0;

		for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
			ok |= families[i] == d;
		if (ok)
			continue;
		c[0] = cmp(0, SCMP_CMP_EQ, (scmp_datum_t)d, 0);
		rc = deny(f, EAFNOSUPPORT, "socket", 1, c);
	}
	/* MemoryDenyWriteExecute=yes */
	c[0] = cmp(2, SCMP_CMP_MASKED_EQ, PROT_EXEC | PROT_WRITE,
	    PROT_EXEC | PROT_WRITE);
	rc = rc ? rc : deny(f, EPERM, "mmap", 1, c);
	c[0] = cmp(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC);
	rc = rc ? rc : deny(f, EPERM, "mprotect", 1, c);
	rc = rc ? rc : deny(f, EPERM, "pkey_mprotect", 1, c);
	/* LockPersonality=yes: none but the one isad has */
	c[0] = cmp(0, SCMP_CMP_NE, PER_LINUX, 0);
	rc = rc ? rc : deny(f, EPERM, "personality", 1, c);
	/* RestrictNamespaces=yes; clone3's flags are out of a filter's
	 * reach, so systemd answers it ENOSYS and glibc falls back to
	 * clone. */
	rc = rc ? rc : deny(f, ENOSYS, "clone3", 0, NULL);
	for (unsigned bit = 0; bit < 32 && rc == 0; bit++) {
		unsigned long flag = 1UL << bit;

		if (!(NS_FLAGS & flag))
			continue;
		c[0] = cmp(0, SCMP_CMP_MASKED_EQ, flag, flag);
		rc = deny(f, EPERM, "unshare", 1, c);
		rc = rc ? rc : deny(f, EPERM, "clone", 1, c);
		c[0] = cmp(1, SCMP_CMP_MASKED_EQ, flag, flag);
		rc = rc ? rc : deny(f, EPERM, "setns", 1, c);
	}
	/* RestrictRealtime=yes */
	c[0] = cmp(1, SCMP_CMP_EQ, SCHED_FIFO, 0);
	rc = rc ? rc : deny(f, EPERM, "sched_setscheduler", 1, c);
	c[0] = cmp(1, SCMP_CMP_EQ, SCHED_RR, 0);
	rc = rc ? rc : deny(f, EPERM, "sched_setscheduler", 1, c);
	return rc;
}

int
main(int argc, char **argv)
{
	scmp_filter_ctx f, g = NULL;
	int rc;

	if (argc < 4 || strcmp(argv[2], "--") != 0 || atoi(argv[1]) < 3) {
		fprintf(stderr, "usage: seccomp_exec FD -- COMMAND [ARGS...]: "
		    "the allowed system calls, one a line, on FD (3 or more)\n");
		return 2;
	}
	/* SystemCallErrorNumber=EPERM; SystemCallArchitectures=native (a
	 * new filter knows the native architecture alone: others are
	 * killed). */
	if ((f = seccomp_init(SCMP_ACT_ERRNO(EPERM))) == NULL ||
	    (g = seccomp_init(SCMP_ACT_ALLOW)) == NULL) {
		fprintf(stderr, "seccomp_exec: seccomp_init failed\n");
		seccomp_release(f);
		return 1;
	}
	rc = allow_list(f, atoi(argv[1]));
	rc = rc ? rc : restrictions(g);
	/* The restrictions first: the allow list may refuse seccomp(2). */
	rc = rc ? rc : seccomp_load(g);
	rc = rc ? rc : seccomp_load(f);
	seccomp_release(f);
	seccomp_release(g);
	if (rc != 0) {
		fprintf(stderr, "seccomp_exec: cannot load the filter: %s\n",
		    strerror(-rc));
		return 1;
	}
	execvp(argv[3], argv + 3);
	fprintf(stderr, "seccomp_exec: %s: %s\n", argv[3], strerror(errno));
	return 127;
}
