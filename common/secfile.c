/* secfile.c: reading a small key file safely: a regular file, not through a link, private when it holds a secret. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
#include "common/secfile.h"

static void seterr(char *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

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
		seterr(err, errlen, "%s: cannot open %s: %s", path, what,
		    strerror(saved));
		errno = saved;
		return saved == ENOENT ? ISA_ERR_NOTFOUND : ISA_ERR_IO;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		seterr(err, errlen, "%s: not a regular %s", path, what);
		close(fd);
		return ISA_ERR_IO;
	}
	if (need_private && (st.st_mode & 077) != 0) {
		seterr(err, errlen, "%s: %s is readable by group or others "
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
		seterr(err, errlen, "%s: %s", path, strerror(saved));
		errno = saved;
		return ISA_ERR_IO;
	}
	if (got == cap - 1) {
		seterr(err, errlen, "%s: too large to be a %s", path, what);
		return ISA_ERR_PARSE;
	}
	buf[got] = '\0';
	*len = got;
	return 0;
}
