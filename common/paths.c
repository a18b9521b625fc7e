/* paths.c: resolving the relative paths that configuration files name. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
#include "common/paths.h"

int
paths_join(const char *dir, const char *rel, char **out)
{
	size_t n;

	if (rel[0] == '/' || dir[0] == '\0')
		*out = strdup(rel);
	else {
		n = strlen(dir) + 1 + strlen(rel) + 1;
		if ((*out = malloc(n)) != NULL)
			snprintf(*out, n, "%s%s%s", dir,
			    dir[strlen(dir) - 1] == '/' ? "" : "/", rel);
	}
	return *out != NULL ? 0 : ISA_ERR_NOMEM;
}

int
paths_resolve(const char *base, const char *rel, char **out)
{
	const char *slash = strrchr(base, '/');
	char *dir;
	int rc;

	if (rel[0] == '/' || slash == NULL)
		return paths_join("", rel, out);
	if ((dir = strndup(base, (size_t)(slash - base) + (slash == base)))
	    == NULL)
		return ISA_ERR_NOMEM;
	rc = paths_join(dir, rel, out);
	free(dir);
	return rc;
}

int
paths_read_file(const char *path, size_t max, char **out)
{
	struct stat st;
	size_t got = 0;
	ssize_t n;
	int fd, saved;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? ISA_ERR_NOTFOUND : ISA_ERR_IO;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		saved = S_ISDIR(st.st_mode) ? EISDIR : errno;
		close(fd);
		errno = saved;
		return ISA_ERR_IO;
	}
	if ((size_t)st.st_size > max) {
		close(fd);
		return ISA_ERR_RANGE;
	}
	if ((*out = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return ISA_ERR_NOMEM;
	}
	while (got < (size_t)st.st_size &&
	    (n = read(fd, *out + got, (size_t)st.st_size - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			saved = errno;
			free(*out);
			*out = NULL;
			close(fd);
			errno = saved;
			return ISA_ERR_IO;
		}
		got += (size_t)n;
	}
	(*out)[got] = '\0';
	close(fd);
	return 0;
}
