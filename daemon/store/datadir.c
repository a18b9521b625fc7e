/* datadir.c: the data directory: creating it (isad init) and holding it exclusively (isad). */
#include <dirent.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <pwd.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/err.h"
#include "common/paths.h"
#include "daemon/store/datadir.h"

int
datadir_path(const char *dir, const char *name, char **out)
{
	return paths_join(dir, name, out);
}

static int
dir_is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int empty = 1;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			empty = 0;
	closedir(d);
	return empty;
}

int
datadir_create(const char *dir, char *err, size_t errlen)
{
	if (mkdir(dir, 0700) == 0)
		return 0;
	if (errno != EEXIST) {
		snprintf(err, errlen, "cannot create data dir %s: %s", dir,
		    strerror(errno));
		return ISA_ERR_IO;
	}
	switch (dir_is_empty(dir)) {
	case 1:
		if (chmod(dir, 0700) != 0) {
			snprintf(err, errlen, "cannot set mode 0700 on data "
			    "dir %s: %s", dir, strerror(errno));
			return ISA_ERR_IO;
		}
		return 0;
	case 0:
		snprintf(err, errlen, "data dir %s is not empty: isad init "
		    "never overwrites a deployment; choose a new data_dir",
		    dir);
		return ISA_ERR_EXISTS;
	default:
		snprintf(err, errlen, "cannot read data dir %s: %s", dir,
		    strerror(errno));
		return ISA_ERR_IO;
	}
}

int
datadir_lock(const char *dir, char *err, size_t errlen)
{
	char *path = NULL, pid[32] = "";
	int fd, n;

	if (datadir_path(dir, "isad.lock", &path) != 0)
		return ISA_ERR_NOMEM;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s (was the data dir "
		    "made by isad init?)", path, strerror(errno));
		free(path);
		return ISA_ERR_IO;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		n = (int)pread(fd, pid, sizeof(pid) - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		snprintf(err, errlen, "data dir %s is in use by another isad "
		    "(pid %s): stop it first", dir, pid[0] ? pid : "unknown");
		close(fd);
		free(path);
		return ISA_ERR_BUSY;
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
		snprintf(err, errlen, "cannot write %s: %s", path,
		    strerror(errno));
		close(fd);
		free(path);
		return ISA_ERR_IO;
	}
	free(path);
	return fd;
}

int
datadir_holder(const char *dir, long *pid)
{
	char *path = NULL, line[256];
	struct stat st;
	FILE *f;
	int held = 0;

	*pid = 0;
	if (datadir_path(dir, "isad.lock", &path) != 0)
		return ISA_ERR_NOMEM;
	if (stat(path, &st) != 0) {
		free(path);
		return 0;
	}
	free(path);
	if ((f = fopen("/proc/locks", "re")) == NULL)
		return ISA_ERR_IO;
	/* "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"; lines with
	 * "->" are waiters, not holders. */
	while (!held && fgets(line, sizeof(line), f) != NULL) {
		unsigned maj, min;
		unsigned long ino;
		long p;
		char type[16];

		if (strstr(line, "->") != NULL ||
		    sscanf(line, "%*d: %15s %*s %*s %ld %x:%x:%lu", type, &p,
		    &maj, &min, &ino) != 5 || strcmp(type, "FLOCK") != 0)
			continue;
		if (maj == major(st.st_dev) && min == minor(st.st_dev) &&
		    ino == (unsigned long)st.st_ino) {
			held = 1;
			*pid = p;
		}
	}
	fclose(f);
	return held;
}

int
datadir_check_owner(const char *dir, char *err, size_t errlen)
{
	struct passwd *pw;
	struct stat st;

	if (stat(dir, &st) != 0) {
		snprintf(err, errlen, "cannot use data dir %s: %s", dir,
		    strerror(errno));
		return errno == ENOENT ? ISA_ERR_NOTFOUND : ISA_ERR_IO;
	}
	if (st.st_uid == geteuid())
		return 0;
	pw = getpwuid(st.st_uid);
	if (pw != NULL)
		snprintf(err, errlen, "data dir %s belongs to %s: run this as "
		    "%s (sudo -u %s ...), so that nothing it makes there "
		    "locks isad out", dir, pw->pw_name, pw->pw_name,
		    pw->pw_name);
	else
		snprintf(err, errlen, "data dir %s belongs to uid %lu: run "
		    "this as that user, so that nothing it makes there locks "
		    "isad out", dir, (unsigned long)st.st_uid);
	return ISA_ERR_PERM;
}
