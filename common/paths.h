/* paths.h: resolving the relative paths that configuration files name. */
#ifndef ISA_COMMON_PATHS_H
#define ISA_COMMON_PATHS_H

/*
 * *out = rel if it is absolute, else rel resolved against the directory of
 * the file `base` (a config file).  *out is a new string the caller frees.
 * Returns 0 or ISA_ERR_NOMEM.
 */
__attribute__((warn_unused_result))
int paths_resolve(const char *base, const char *rel, char **out);

/* *out = rel if absolute, else dir "/" rel.  Returns 0 or ISA_ERR_NOMEM. */
__attribute__((warn_unused_result))
int paths_join(const char *dir, const char *rel, char **out);

/*
 * Read the whole file at path into *out (NUL-terminated, malloc'd), refusing
 * one larger than max bytes.  Returns 0, ISA_ERR_NOTFOUND, ISA_ERR_IO (errno
 * set), ISA_ERR_RANGE or ISA_ERR_NOMEM.
 */
__attribute__((warn_unused_result))
int paths_read_file(const char *path, size_t max, char **out);

#endif
