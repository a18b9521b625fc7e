/* logtally.c: log lines a peer can provoke as often as it likes, bounded as refused handshakes are: the first of a kind from one source in a window at once, the rest counted into one line when it ends. */
#include <pthread.h>
#include <string.h>

#include "common/log.h"
#include "common/logtally.h"

typedef struct {
	const char *kind;	/* static */
	char who[128];
	uint64_t more;		/* counted after the first */
} tally_t;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static tally_t tallies[LOGTALLY_SOURCES];
static size_t ntallies;
static uint64_t past;		/* lines past LOGTALLY_SOURCES pairs */
static int64_t opened_ms;	/* the window's start; 0: none open */

/* Say the window's counts and close it; under lock. */
static void
say(void)
{
	for (size_t i = 0; i < ntallies; i++)
		if (tallies[i].more > 0)
			log_notice("%llu more %s from %s in the last minute",
			    (unsigned long long)tallies[i].more,
			    tallies[i].kind, tallies[i].who);
	if (past > 0)
		log_notice("%llu more lines of requests from further users in "
		    "the last minute, counted together", (unsigned long long)past);
	ntallies = 0;
	past = 0;
	opened_ms = 0;
}

void
logtally_flush(int64_t now_ms, bool all)
{
	pthread_mutex_lock(&lock);
	if (opened_ms != 0 && (all || now_ms - opened_ms >= LOGTALLY_WINDOW_MS))
		say();
	pthread_mutex_unlock(&lock);
}

bool
logtally_first(const char *kind, const char *who, int64_t now_ms)
{
	bool first = false;
	size_t i;

	pthread_mutex_lock(&lock);
	if (opened_ms != 0 && now_ms - opened_ms >= LOGTALLY_WINDOW_MS)
		say();
	if (opened_ms == 0)
		opened_ms = now_ms != 0 ? now_ms : 1;
	for (i = 0; i < ntallies; i++)
		if (tallies[i].kind == kind &&
		    strncmp(tallies[i].who, who, sizeof(tallies[i].who) - 1) ==
		    0)
			break;
	if (i < ntallies)
		tallies[i].more++;
	else if (ntallies == LOGTALLY_SOURCES)
		past++;
	else {
		tallies[ntallies].kind = kind;
		strncpy(tallies[ntallies].who, who,
		    sizeof(tallies[ntallies].who) - 1);
		tallies[ntallies].who[sizeof(tallies[0].who) - 1] = '\0';
		tallies[ntallies].more = 0;
		ntallies++;
		first = true;
	}
	pthread_mutex_unlock(&lock);
	return first;
}
