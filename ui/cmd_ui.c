/* cmd_ui.c: `isa ui [--port N] [--no-browser]`: serve the web face on loopback until SIGINT or SIGTERM. */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client/cli.h"
#include "common/wipe.h"
#include "ui/route.h"
#include "ui/server.h"
#include "ui/ui.h"

extern char **environ;

static const char usage_text[] =
    "isa ui [--port N] [--no-browser] [--config FILE]";

/*
 * The page that hands url to the browser without putting its token where
 * other users could read it (a command line is in /proc for all to see):
 * readable by the user alone, in $XDG_RUNTIME_DIR (the user's own, 0700).
 * Written before the address is printed, so that s->open_file is set
 * before anyone can log in (the login removes the page, as does the
 * stop).  false, with s->open_file "", where it cannot be written.
 */
static bool
write_handover(ui_server_t *s, const char *url)
{
	const char *dir = getenv("XDG_RUNTIME_DIR");
	FILE *f;
	int fd;

	if (dir == NULL || dir[0] != '/' || (size_t)snprintf(s->open_file,
	    sizeof(s->open_file), "%s/isa-ui-%u.html", dir, s->port) >=
	    sizeof(s->open_file)) {
		s->open_file[0] = '\0';
		return false;
	}
	(void)unlink(s->open_file);
	if ((fd = open(s->open_file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) < 0 || (f = fdopen(fd, "w")) == NULL) {
		if (fd >= 0)
			close(fd);
		s->open_file[0] = '\0';
		return false;
	}
	fprintf(f, "<!DOCTYPE html><html lang=\"en-GB\"><head><meta "
	    "charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url="
	    "%s\"><title>isa</title></head><body><p><a href=\"%s\">Open "
	    "isa</a></p></body></html>\n", url, url);
	if (fclose(f) != 0) {
		(void)unlink(s->open_file);
		s->open_file[0] = '\0';
		return false;
	}
	return true;
}

/* Open the hand-over page in the desktop's browser with xdg-open; where
 * there is none, say to open the printed address by hand. */
static void
open_browser(const ui_server_t *s, bool written)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = { "xdg-open", (char *)(uintptr_t)s->open_file, NULL };
	pid_t pid;

	if (!written) {
		cli_error("ui: open the address above in your browser (no "
		    "$XDG_RUNTIME_DIR to hand it over safely)");
		return;
	}
	if (posix_spawn_file_actions_init(&fa) != 0)
		return;
	(void)posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null",
	    O_WRONLY, 0);
	(void)posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null",
	    O_WRONLY, 0);
	if (posix_spawnp(&pid, "xdg-open", &fa, NULL, argv, environ) != 0)
		cli_error("ui: no browser to open (xdg-open is missing): open "
		    "the address above in yours");
	else
		(void)waitpid(pid, NULL, WNOHANG);
	posix_spawn_file_actions_destroy(&fa);
}

int
cmd_ui(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "no-browser", no_argument, NULL, 'n' },
		CLI_LONG_COMMON, { 0 },
	};
	cli_common_t o = { 0 };
	client_conf_t conf;
	ui_server_t s;
	uint64_t port = 0;
	bool browser = true, written;
	char err[512], url[160];
	sigset_t stop;
	int c, sig;

	optind = 0;
	while ((c = cli_getopt(argc, argv, "", lo, usage_text)) != -1) {
		if (c == CLI_HELP)
			return EXIT_OK;
		if (c == 'p') {
			if (ui_query_u64(optarg, 0, &port) != 0 || port > 65535) {
				cli_error("ui: --port must be a number from 0 "
				    "to 65535");
				return EXIT_USAGE;
			}
		} else if (c == 'n')
			browser = false;
		else if (c == CLI_BAD || !cli_common_opt(c, optarg, false, &o))
			return EXIT_USAGE;
	}
	if (optind < argc) {
		cli_error("ui: unexpected argument \"%s\"", argv[optind]);
		return cli_usage(usage_text);
	}
	if (client_conf_load(o.config, &conf, err, sizeof(err)) != 0) {
		cli_error("%s", err);
		return EXIT_ERROR;
	}
	/* Every thread MHD starts inherits this mask: SIGINT and SIGTERM
	 * reach sigwait below, and a closed browser socket is an error, not
	 * a signal. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	(void)pthread_sigmask(SIG_BLOCK, &stop, NULL);
	(void)signal(SIGPIPE, SIG_IGN);
	if (ui_server_start(&s, &conf, (unsigned)port, err, sizeof(err)) != 0) {
		cli_error("ui: %s", err);
		client_conf_free(&conf);
		return EXIT_ERROR;
	}
	snprintf(url, sizeof(url), "http://%s/login?token=%s", s.host_ip,
	    ui_sessions_login_token(&s.sess));
	written = browser && write_handover(&s, url);
	printf("%s\n", url);
	fflush(stdout);
	fprintf(stderr, "isa ui: serving the board for you at http://%s/ "
	    "(only this machine can reach it); open the address above once. "
	    "Ctrl-C stops it.\n", s.host_ip);
	if (browser)
		open_browser(&s, written);
	isa_wipe(url, sizeof(url));
	if (sigwait(&stop, &sig) != 0)
		sig = SIGTERM;
	fprintf(stderr, "isa ui: stopped\n");
	ui_server_stop(&s);
	client_conf_free(&conf);
	return EXIT_OK;
}
