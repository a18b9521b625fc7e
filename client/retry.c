/* retry.c: back-pressure from isad (UNAVAILABLE with retry_ms): wait, growing, and give up only after long without progress. */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "common/clock.h"
#include "client/cli.h"
#include "client/retry.h"
#include "proto/envelope.h"

void
retry_start(retry_t *r)
{
	r->progress_ms = clock_mono_ms();
	r->wait_ms = 0;
	r->broken = false;
}

void
retry_progress(retry_t *r)
{
	r->progress_ms = clock_mono_ms();
	r->wait_ms = 0;
}

bool
retry_asked(const Isa__Envelope *r)
{
	return r->status == ISA__STATUS__UNAVAILABLE && r->retry_ms > 0;
}

bool
retry_wait(retry_t *r, uint32_t hint_ms)
{
	struct timespec ts;

	if (clock_mono_ms() - r->progress_ms >= RETRY_GIVE_UP_MS)
		return false;
	if (r->wait_ms == 0)
		r->wait_ms = hint_ms;
	else if (r->wait_ms < RETRY_MAX_MS)
		r->wait_ms *= 2;
	if (r->wait_ms > RETRY_MAX_MS)
		r->wait_ms = RETRY_MAX_MS;
	if (r->wait_ms == 0)
		r->wait_ms = 1;
	ts.tv_sec = r->wait_ms / 1000;
	ts.tv_nsec = (long)(r->wait_ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
	return true;
}

int
retry_drain_wait(isa_conn_t *c, retry_t *r, uint32_t hint_ms, uint64_t n,
    const char *what, uint64_t *oks, Isa__Envelope__BodyCase ok_case,
    char *err, size_t errlen)
{
	int code = EXIT_OK;

	for (; n > 0 && code == EXIT_OK; n--) {
		Isa__Envelope *e = NULL;

		if (isa_conn_recv(c, &e, NULL, NULL, err, errlen) != 0) {
			r->broken = true;
			return EXIT_UNREACHABLE;
		}
		if (retry_asked(e))
			;	/* pipelined after the one refused: sent again */
		else if (oks != NULL && e->status == ISA__STATUS__OK &&
		    e->body_case == ok_case) {
			(*oks)++;
			retry_progress(r);
		} else if (e->status != ISA__STATUS__OK)
			code = cli_reply_sentence(e, err, errlen);
		else {
			snprintf(err, errlen, "isad answered out of turn while "
			    "it was busy: are isa and isad the same version?");
			code = EXIT_ERROR;
		}
		envelope_free(e);
	}
	if (code == EXIT_OK && !retry_wait(r, hint_ms)) {
		snprintf(err, errlen, "isad has been too busy to %s for %d "
		    "seconds (other transfers hold all the room it has): "
		    "nothing was lost; try again later", what,
		    RETRY_GIVE_UP_MS / 1000);
		code = EXIT_UNREACHABLE;
	}
	return code;
}
