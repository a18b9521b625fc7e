/* config.h: isad.conf, read with libconfig (DESIGN §11). */
#ifndef ISA_DAEMON_CONFIG_H
#define ISA_DAEMON_CONFIG_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	char *path;		/* isad.conf itself, as given */
	char *listen;		/* a ZeroMQ endpoint: "tcp://127.0.0.1:7450" */
	char *data_dir;		/* absolute, or relative to the process cwd */
	char *policy;		/* resolved against isad.conf's directory */
	char *origin;		/* first line of every audit checkpoint */
	char *accreditation;	/* "OFFICIAL", "OFFICIAL-SENSITIVE" or "SECRET" */
	char *master_key;	/* resolved against data_dir */
	char *passphrase_file;	/* master_passphrase_file, or NULL */
	int64_t chunk;
	int64_t max_message;
	int64_t max_document;
	int64_t checkpoint_ms;
	int64_t checkpoint_records;
	int64_t map_size;
	int64_t handshake_ms;	/* how long a connection may take to handshake */
	int64_t transfer_timeout_ms; /* an idle upload or download is dropped */
	int64_t workers;	/* worker threads */
	int64_t handshake_records; /* refused-handshake records a minute */
	/* Bounds on client-supplied strings, in bytes (DESIGN §4). */
	int64_t max_title;
	int64_t max_handling;
	int64_t max_reason;
	int64_t max_principal;
	int64_t max_filename;
	int64_t max_recipients;	/* `to` entries of one upload */
	int64_t transfers_per_user; /* open uploads and downloads, one user */
	int64_t transfers;	/* ... and everyone's together */
	int64_t content_queued;	/* bytes of content held for sending, in all */
	int64_t content_queued_per_user; /* the same, for one user's */
	/* `isad status` exits 1 past these (status = { ... }). */
	int64_t status_full_percent;	/* the map this full, in percent */
	int64_t status_checkpoint_age_ms; /* audit records this old unsigned */
	char *public_endpoint;	/* the endpoint clients dial, when listen's
				 * is not one (a wildcard); or NULL */
} isad_config_t;

/*
 * Read isad.conf at path into *cfg.  Relative `policy` is resolved against
 * the directory of path, `data_dir` too, `master_key` against data_dir.
 * Unknown settings, wrong types and out-of-range values are errors.  On
 * failure err (errlen bytes) holds "FILE:LINE: fault" and ISA_ERR_NOTFOUND,
 * ISA_ERR_IO or ISA_ERR_CONFIG is returned; *cfg then needs no freeing.
 */
__attribute__((warn_unused_result))
int isad_config_load(const char *path, isad_config_t *cfg, char *err,
    size_t errlen);

/* Free what isad_config_load allocated in cfg; safe on a zeroed cfg. */
void isad_config_free(isad_config_t *cfg);

#endif
