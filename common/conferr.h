/* conferr.h: the one way a configuration file's parse error is written: "file:line: text", escaped for a terminal. */
#ifndef ISA_COMMON_CONFERR_H
#define ISA_COMMON_CONFERR_H

#include <stddef.h>

/*
 * Write "file:line: text" into err (errlen bytes; NUL-terminated, maybe
 * cut short, when errlen > 0; nothing written when errlen is 0): the error
 * libconfig gives (config_error_line, config_error_text) for a file it
 * cannot parse.  Every control character, bidirectional override or isolate
 * and byte that is not UTF-8, in file and in text alike, is written as an
 * escape (utf8_escape), so the message stays one line that a terminal or
 * a log reader shows and cannot act on.  line <= 0 leaves the line out
 * ("file: text"); text NULL reads "syntax error".  Out of memory, each
 * control byte is written as '?' instead.  The caller owns all buffers.
 */
void conferr_format(char *err, size_t errlen, const char *file, int line,
    const char *text);

#endif
