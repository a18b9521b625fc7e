/* fdio.h: writing a whole buffer to a file descriptor. */
#ifndef ISA_COMMON_FDIO_H
#define ISA_COMMON_FDIO_H

#include <stddef.h>

/*
 * Write the n bytes at p to fd, going on after short writes and EINTR.
 * Returns 0, or -1 with errno set (a write that wrote nothing sets EIO).
 */
__attribute__((warn_unused_result))
int fdio_write_all(int fd, const void *p, size_t n);

#endif
