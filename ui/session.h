/* session.h: isa ui's one login: a one-time URL token, the session cookie it buys, and that session's CSRF token. */
#ifndef ISA_UI_SESSION_H
#define ISA_UI_SESSION_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/* Every token is 32 random bytes as 64 hex digits. */
#define UI_TOKEN_LEN	64

/* A session ends this long after its login, whatever it does. */
#define UI_SESSION_MS	(12 * 3600 * 1000LL)

/*
 * One `isa ui` serves one person: one login token, printed in the URL, and
 * once it is spent, one session (every tab of that browser shares it).  The
 * session ends on sign-out, after UI_SESSION_MS, or when isa ui stops; a
 * new one needs a new `isa ui`.
 */
typedef struct {
	pthread_mutex_t mu;
	char login[UI_TOKEN_LEN + 1];	/* "" once spent */
	char sid[UI_TOKEN_LEN + 1];	/* "" until login, and after the end */
	char csrf[UI_TOKEN_LEN + 1];
	char key[UI_TOKEN_LEN + 1];	/* the page's own secret (below) */
	int64_t started_ms;		/* CLOCK_MONOTONIC, at login */
} ui_sessions_t;

/* Draw the login token.  Returns 0, or ISA_ERR_CRYPTO when the kernel gives
 * no randomness. */
__attribute__((warn_unused_result))
int ui_sessions_init(ui_sessions_t *s);

/* The login token, for the URL (valid until spent). */
const char *ui_sessions_login_token(const ui_sessions_t *s);

/*
 * Spend token for a session: when token is the unspent login token, draw
 * the session id, the CSRF token and the key, copy the session id into sid
 * and the key into key, and return 0; else (wrong, spent, or no
 * randomness) return -1 and leave all as it was.  Comparisons take the
 * same time wherever the tokens differ.
 *
 * Why a key beside the cookie: browsers send a cookie for 127.0.0.1 to
 * every port on it, so another local user's server could catch it.  The
 * key goes to the page in the login redirect's #fragment (never sent on
 * the wire again by the browser), which keeps it in its own origin's
 * storage and sends it with every API request.
 */
__attribute__((warn_unused_result))
int ui_sessions_login(ui_sessions_t *s, const char *token,
    char sid[UI_TOKEN_LEN + 1], char key[UI_TOKEN_LEN + 1]);

/* Whether key (NULL accepted) is the live session's key. */
bool ui_sessions_key_ok(ui_sessions_t *s, const char *key);

/* Whether sid (NULL accepted) names the live session; if so and csrf is
 * not NULL, copy its CSRF token there. */
bool ui_sessions_check(ui_sessions_t *s, const char *sid,
    char csrf[UI_TOKEN_LEN + 1]);

/* Whether csrf (NULL accepted) is the live session's CSRF token. */
bool ui_sessions_csrf_ok(ui_sessions_t *s, const char *csrf);

/* End the session (sign-out): its tokens are wiped and no longer accepted. */
void ui_sessions_end(ui_sessions_t *s);

/* Wipe everything. */
void ui_sessions_free(ui_sessions_t *s);

#endif
