/* banner.c: the marking banner of a page: the highest marking among the documents it shows. */
#include <string.h>

#include "client/cli.h"
#include "ui/banner.h"

/* Whether line starts with word followed by a space or its end. */
static int
starts(const char *line, const char *word)
{
	size_t n = strlen(word);

	return strncmp(line, word, n) == 0 &&
	    (line[n] == ' ' || line[n] == '\0');
}

int
ui_banner_rank(const char *line)
{
	if (starts(line, "SECRET"))
		return 3;
	if (starts(line, "OFFICIAL-SENSITIVE"))
		return 2;
	if (starts(line, "OFFICIAL"))
		return 1;
	return 0;
}

static size_t
count_words(const char *s)
{
	size_t n = 0;

	for (const char *p = s; *p != '\0'; p++)
		if (*p != ' ' && (p == s || p[-1] == ' '))
			n++;
	return n;
}

void
ui_banner_add(ui_banner_t *b, const char *line)
{
	size_t words;
	int rank;

	if (line == NULL)	/* no marking (out of memory): the caller fails */
		return;
	rank = ui_banner_rank(line);
	words = count_words(line);

	if (rank == 0)
		rank = 3;
	if (rank > b->rank || (rank == b->rank && words > b->words)) {
		b->rank = rank;
		b->line = line;
		b->words = words;
	}
}

json_t *
ui_banner_json(const ui_banner_t *b)
{
	static const char *const cls[] = { "", "official",
	    "official-sensitive", "secret" };

	if (b->rank == 0)
		return json_null();
	return json_pack("{s:o,s:s}", "marking", cli_jstr(b->line), "class",
	    cls[b->rank]);
}
