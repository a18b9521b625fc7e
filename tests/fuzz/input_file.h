/* input_file.h: for the fuzz targets of file loaders: each input written to one private temp file, read as the loader reads its file. */
#ifndef ISA_TESTS_FUZZ_INPUT_FILE_H
#define ISA_TESTS_FUZZ_INPUT_FILE_H

#include <stddef.h>
#include <stdint.h>

/* One file for the whole run, 0600 (as a key file must be), rewritten
 * with the size bytes at data for each input, removed at exit; its path.
 * Aborts if it cannot be written. */
const char *input_file(const uint8_t *data, size_t size);

#endif
