/* passphrase.c: the master key's passphrase, from a file or the environment, never the command line. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
#include "common/wipe.h"
#include "daemon/keys/passphrase.h"

int
passphrase_get(const char *file, char *buf, size_t *len, char *err,
    size_t errlen)
{
	const char *env;
	struct stat st;
	ssize_t n;
	int fd;

	*len = 0;
	if (file == NULL) {
		if ((env = getenv(PASSPHRASE_ENV)) == NULL)
			return 0;
		*len = strlen(env);
		if (*len >= PASSPHRASE_MAX) {
			snprintf(err, errlen, "$%s is longer than %d bytes",
			    PASSPHRASE_ENV, PASSPHRASE_MAX - 1);
			return ISA_ERR_RANGE;
		}
		memcpy(buf, env, *len);
		/* Out of the environment (and of /proc/PID/environ's view
		 * through it) at once. */
		isa_wipe((void *)(uintptr_t)env, *len);
		unsetenv(PASSPHRASE_ENV);
		return 0;
	}
	if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		snprintf(err, errlen, "%s: cannot read the passphrase file: %s",
		    file, strerror(errno));
		return ISA_ERR_IO;
	}
	if (fstat(fd, &st) != 0 || (st.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s: passphrase file is readable by group "
		    "or others (mode %04o); run: chmod 600 %s", file,
		    (unsigned)(st.st_mode & 07777), file);
		close(fd);
		return ISA_ERR_PERM;
	}
	n = read(fd, buf, PASSPHRASE_MAX);
	close(fd);
	if (n < 0 || n == PASSPHRASE_MAX) {
		isa_wipe(buf, PASSPHRASE_MAX);
		snprintf(err, errlen, "%s: %s", file, n < 0 ? strerror(errno) :
		    "longer than a passphrase may be");
		return n < 0 ? ISA_ERR_IO : ISA_ERR_RANGE;
	}
	*len = (size_t)n;
	if (*len > 0 && buf[*len - 1] == '\n')
		(*len)--;
	return 0;
}
