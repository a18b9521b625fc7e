/* session.c: isa ui's one login: a one-time URL token, the session cookie it buys, and that session's CSRF token. */
#include <string.h>
#include <sys/random.h>

#include "common/clock.h"
#include "common/err.h"
#include "common/wipe.h"
#include "ui/session.h"

/* 32 bytes from the kernel as 64 lower-case hex digits into out. */
static int
draw(char out[UI_TOKEN_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[UI_TOKEN_LEN / 2];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return ISA_ERR_CRYPTO;
	for (size_t i = 0; i < sizeof(b); i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[UI_TOKEN_LEN] = '\0';
	isa_wipe(b, sizeof(b));
	return 0;
}

/* Whether the live token want equals got, in time independent of where
 * they differ (a length other than UI_TOKEN_LEN never matches). */
static bool
token_eq(const char *want, const char *got)
{
	if (want[0] == '\0' || got == NULL || strlen(got) != UI_TOKEN_LEN)
		return false;
	return isa_ct_equal(want, got, UI_TOKEN_LEN);
}

int
ui_sessions_init(ui_sessions_t *s)
{
	memset(s, 0, sizeof(*s));
	if (pthread_mutex_init(&s->mu, NULL) != 0)
		return ISA_ERR_NOMEM;
	return draw(s->login);
}

const char *
ui_sessions_login_token(const ui_sessions_t *s)
{
	return s->login;
}

/* Whether the session is live (s->mu held); ends it when it is too old. */
static bool
live(ui_sessions_t *s)
{
	if (s->sid[0] == '\0')
		return false;
	if (clock_mono_ms() - s->started_ms < UI_SESSION_MS)
		return true;
	isa_wipe(s->sid, sizeof(s->sid));
	isa_wipe(s->csrf, sizeof(s->csrf));
	isa_wipe(s->key, sizeof(s->key));
	return false;
}

int
ui_sessions_login(ui_sessions_t *s, const char *token,
    char sid[UI_TOKEN_LEN + 1], char key[UI_TOKEN_LEN + 1])
{
	char nsid[UI_TOKEN_LEN + 1], ncsrf[UI_TOKEN_LEN + 1];
	char nkey[UI_TOKEN_LEN + 1];
	int rc = -1;

	pthread_mutex_lock(&s->mu);
	if (token_eq(s->login, token) && draw(nsid) == 0 &&
	    draw(ncsrf) == 0 && draw(nkey) == 0) {
		memcpy(s->sid, nsid, sizeof(nsid));
		memcpy(s->csrf, ncsrf, sizeof(ncsrf));
		memcpy(s->key, nkey, sizeof(nkey));
		memcpy(sid, nsid, sizeof(nsid));
		memcpy(key, nkey, sizeof(nkey));
		s->started_ms = clock_mono_ms();
		isa_wipe(s->login, sizeof(s->login));
		rc = 0;
	}
	pthread_mutex_unlock(&s->mu);
	isa_wipe(nsid, sizeof(nsid));
	isa_wipe(ncsrf, sizeof(ncsrf));
	isa_wipe(nkey, sizeof(nkey));
	return rc;
}

/* Whether the session is live and got equals its token want (one of
 * s's own fields, read under the lock). */
static bool
live_eq(ui_sessions_t *s, const char *want, const char *got)
{
	bool ok;

	pthread_mutex_lock(&s->mu);
	ok = live(s) && token_eq(want, got);
	pthread_mutex_unlock(&s->mu);
	return ok;
}

bool
ui_sessions_key_ok(ui_sessions_t *s, const char *key)
{
	return live_eq(s, s->key, key);
}

bool
ui_sessions_check(ui_sessions_t *s, const char *sid,
    char csrf[UI_TOKEN_LEN + 1])
{
	bool ok;

	pthread_mutex_lock(&s->mu);
	ok = live(s) && token_eq(s->sid, sid);
	if (ok && csrf != NULL)
		memcpy(csrf, s->csrf, sizeof(s->csrf));
	pthread_mutex_unlock(&s->mu);
	return ok;
}

bool
ui_sessions_csrf_ok(ui_sessions_t *s, const char *csrf)
{
	return live_eq(s, s->csrf, csrf);
}

void
ui_sessions_end(ui_sessions_t *s)
{
	pthread_mutex_lock(&s->mu);
	isa_wipe(s->sid, sizeof(s->sid));
	isa_wipe(s->csrf, sizeof(s->csrf));
	isa_wipe(s->key, sizeof(s->key));
	pthread_mutex_unlock(&s->mu);
}

void
ui_sessions_free(ui_sessions_t *s)
{
	ui_sessions_end(s);
	isa_wipe(s->login, sizeof(s->login));
	pthread_mutex_destroy(&s->mu);
}
