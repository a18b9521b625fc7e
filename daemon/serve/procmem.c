/* procmem.c: a process's resident memory as /proc/PID/status gives it: what it allocated apart from the files it maps. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "daemon/serve/procmem.h"

/* The fields read, each "Name:\t<n> kB". */
enum { F_VMRSS, F_ANON, F_FILE, F_SHMEM, F_COUNT };
static const char *const procmem_fields[F_COUNT] = {
	"VmRSS:", "RssAnon:", "RssFile:", "RssShmem:",
};

int
procmem_read(long pid, procmem_t *out)
{
	char path[64], line[256];
	uint64_t kib[F_COUNT];
	unsigned seen = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if ((f = fopen(path, "re")) == NULL)
		return errno == ENOENT || errno == ESRCH ? ISA_ERR_NOTFOUND :
		    errno == EACCES || errno == EPERM ? ISA_ERR_PERM :
		    ISA_ERR_IO;
	while (fgets(line, sizeof(line), f) != NULL)
		for (int i = 0; i < F_COUNT; i++) {
			size_t n = strlen(procmem_fields[i]);

			if (strncmp(line, procmem_fields[i], n) == 0 &&
			    sscanf(line + n, " %" SCNu64 " kB", &kib[i]) == 1)
				seen |= 1u << i;
		}
	if (ferror(f)) {
		fclose(f);
		return ISA_ERR_IO;
	}
	fclose(f);
	if (seen != (1u << F_COUNT) - 1)
		return ISA_ERR_PARSE;
	out->anonymous = kib[F_ANON] * 1024;
	out->mapped = (kib[F_FILE] + kib[F_SHMEM]) * 1024;
	out->rss = kib[F_VMRSS] * 1024;
	return 0;
}
