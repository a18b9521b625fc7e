/* input_file.c: for the fuzz targets of file loaders: each input written to one private temp file, read as the loader reads its file. */
#include <stdlib.h>
#include <unistd.h>

#include "input_file.h"

static char input_path[] = "/tmp/isa-fuzz-input-XXXXXX";

static void
input_remove(void)
{
	unlink(input_path);
}

const char *
input_file(const uint8_t *data, size_t size)
{
	static int fd = -1;

	if (fd < 0) {
		if ((fd = mkstemp(input_path)) < 0)
			abort();
		atexit(input_remove);
	}
	if (ftruncate(fd, 0) != 0 ||
	    pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	return input_path;
}
