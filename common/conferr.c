/* conferr.c: the one way a configuration file's parse error is written: "file:line: text", escaped for a terminal. */
#include <stdio.h>
#include <stdlib.h>

#include "common/conferr.h"
#include "common/utf8.h"

void
conferr_format(char *err, size_t errlen, const char *file, int line,
    const char *text)
{
	char *f, *t;

	if (err == NULL || errlen == 0)
		return;
	if (text == NULL)
		text = "syntax error";
	f = utf8_escape(file != NULL ? file : "");
	t = utf8_escape(text);
	if (f != NULL && t != NULL) {
		if (line > 0)
			snprintf(err, errlen, "%s:%d: %s", f, line, t);
		else
			snprintf(err, errlen, "%s: %s", f, t);
	} else {
		/* No memory to escape: the bytes a terminal acts on go. */
		if (line > 0)
			snprintf(err, errlen, "%s:%d: %s", file != NULL ?
			    file : "", line, text);
		else
			snprintf(err, errlen, "%s: %s", file != NULL ? file :
			    "", text);
		for (char *p = err; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 ||
			    (unsigned char)*p == 0x7f)
				*p = '?';
	}
	free(f);
	free(t);
}
