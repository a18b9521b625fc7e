/* banner.h: the marking banner of a page: the highest marking among the documents it shows. */
#ifndef ISA_UI_BANNER_H
#define ISA_UI_BANNER_H

#include <jansson.h>

/* The banner being gathered: feed every marking line on the page. */
typedef struct {
	int rank;		/* 0: none yet; 1 OFFICIAL, 2 -SENSITIVE, 3 SECRET */
	const char *line;	/* the chosen line (borrowed from the caller) */
	size_t words;
} ui_banner_t;

/* The class of a canonical marking line, from its first word: 3 SECRET,
 * 2 OFFICIAL-SENSITIVE, 1 OFFICIAL; 0 for anything else. */
int ui_banner_rank(const char *line);

/*
 * Take one more marking line.  The banner is the line of highest class;
 * among lines of that class, the one with the most words (more
 * descriptors, caveats and handling), so it never says less than a
 * document on the page.  A line of no known class counts as SECRET, so
 * that nothing unknown is under-marked.
 */
void ui_banner_add(ui_banner_t *b, const char *line);

/* {"marking": LINE, "class": "official"|"official-sensitive"|"secret"},
 * or JSON null when no line was added.  NULL only when out of memory. */
json_t *ui_banner_json(const ui_banner_t *b);

#endif
