/* secfile.c: reading and creating small key files safely: a regular file, not through a link, private when it holds a secret. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
#include "common/fdio.h"
#include "common/secfile.h"

int
secfile_read(const char *path, const char *what, const char *secret,
    bool need_private, char *buf, size_t cap, size_t *len, char *err,
    size_t errlen)
{
	struct stat st;
	ssize_t n = 0;
	size_t got = 0;
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		saved = errno;
		isa_seterr(err, errlen, "%s: cannot open %s: %s", path, what,
		    strerror(saved));
		errno = saved;
		return saved == ENOENT ? ISA_ERR_NOTFOUND : ISA_ERR_IO;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		isa_seterr(err, errlen, "%s: not a regular %s", path, what);
		close(fd);
		return ISA_ERR_IO;
	}
	if (need_private && (st.st_mode & 077) != 0) {
		isa_seterr(err, errlen, "%s: %s is readable by group or others "
		    "(mode %04o); run: chmod 600 %s", path, secret,
		    (unsigned)(st.st_mode & 07777), path);
		close(fd);
		return ISA_ERR_PERM;
	}
	while (got < cap - 1) {
		n = read(fd, buf + got, cap - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	saved = errno;
	close(fd);
	if (n < 0) {
		isa_seterr(err, errlen, "%s: %s", path, strerror(saved));
		errno = saved;
		return ISA_ERR_IO;
	}
	if (got == cap - 1) {
		isa_seterr(err, errlen, "%s: too large to be a %s", path, what);
		return ISA_ERR_PARSE;
	}
	buf[got] = '\0';
	*len = got;
	return 0;
}

/* fsync the directory that holds path, so that its new name lasts. */
static int
fsync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	size_t n;
	int fd, rc;

	if (slash == NULL) {
		strcpy(dir, ".");
	} else if (slash == path) {
		strcpy(dir, "/");
	} else {
		if ((n = (size_t)(slash - path)) >= sizeof(dir)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int
secfile_create(const char *path, mode_t mode, const void *buf, size_t len)
{
	int fd, saved;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    mode & 0777);
	if (fd < 0)
		return errno == EEXIST ? ISA_ERR_EXISTS : ISA_ERR_IO;
	/* The umask may have narrowed the mode: set it exactly. */
	if (fchmod(fd, mode & 0777) != 0 || fdio_write_all(fd, buf, len) != 0 ||
	    fsync(fd) != 0) {
		saved = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) != 0 || fsync_dir(path) != 0) {
		saved = errno;
		goto fail;
	}
	return 0;
fail:
	unlink(path);
	errno = saved;
	return ISA_ERR_IO;
}
