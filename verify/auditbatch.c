/* auditbatch.c: the record lines of an audit export read a batch at a time and checked on every core. */
#define _GNU_SOURCE	/* ftello, fileno, madvise under -std=c17 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
#include "verify/auditbatch.h"
#include "verify/auditrecord.h"

#define THREADS_MAX 8
#define READ_BLOCK (8 << 20)
#define CHUNKS 16
#define CHUNK_LINES (AUDITBATCH_LINES / CHUNKS)	/* a power of two */

/*
 * A batch is checked in chunks that any thread takes as soon as they are
 * split into lines.  A chunk starts at a multiple of CHUNK_LINES, so the
 * compact range of its leaves alone merges into the log's.
 */
typedef struct {
	size_t from, to;		/* its lines */
	size_t good;			/* of them, checked good */
	int rc;				/* why the next one is not */
	merkle_compact_t range;
	char err[512];
} chunk_t;

typedef struct {
	auditbatch_t *batch;
	auditrecord_t *rec;
	pthread_t tid;
} worker_t;

/*
 * The lines lie in data: the export mapped whole when it is a regular file
 * (nothing copied), else text, read in large blocks.  The batch's lines are
 * data[start, next); off[] counts from start; data[next, used) is not yet
 * split into lines.
 */
struct auditbatch {
	const char *data;
	size_t start, next, used;
	char *text;			/* when read: the buffer, cap bytes */
	size_t cap;
	void *map;			/* when mapped: the mapping, used bytes */
	size_t released;		/* pages before this given back */
	bool begun, eof;
	size_t off[AUDITBATCH_LINES], len[AUDITBATCH_LINES];
	uint8_t leaf[AUDITBATCH_LINES][MERKLE_HASH_LEN];
	size_t n;
	uint64_t seq;			/* of line 0 */
	chunk_t chunk[CHUNKS];

	unsigned threads;		/* the caller's, then the helpers */
	worker_t worker[THREADS_MAX];
	pthread_mutex_t mu;
	pthread_cond_t go, done;
	unsigned ready;			/* chunks split into lines */
	unsigned taken;			/* chunks a thread has begun */
	unsigned finished;		/* chunks checked */
	bool split;			/* the batch is split: ready is all */
	bool quit;
};

static void
chunk_run(auditbatch_t *b, auditrecord_t *rec, chunk_t *k)
{
	k->good = 0;
	k->rc = 0;
	merkle_compact_init(&k->range);
	for (size_t i = k->from; i < k->to; i++) {
		k->rc = auditrecord_check(rec, b->data + b->start + b->off[i],
		    b->len[i], b->seq + i, b->leaf[i], k->err, sizeof(k->err));
		if (k->rc != 0)
			return;
		if (merkle_compact_append(&k->range, b->leaf[i]) != 0) {
			k->rc = ISA_ERR_CRYPTO;
			snprintf(k->err, sizeof(k->err), "record %llu: cannot "
			    "hash it (OpenSSL failed)", (unsigned long long)
			    (b->seq + i));
			return;
		}
		k->good++;
	}
}

/* Take and check chunks while there are any ready; called and returns with
 * mu held. */
static void
take_chunks(auditbatch_t *b, auditrecord_t *rec)
{
	while (b->taken < b->ready) {
		chunk_t *k = &b->chunk[b->taken++];

		pthread_mutex_unlock(&b->mu);
		chunk_run(b, rec, k);
		pthread_mutex_lock(&b->mu);
		if (++b->finished == b->ready && b->split)
			pthread_cond_signal(&b->done);
	}
}

static void *
helper(void *arg)
{
	worker_t *w = arg;
	auditbatch_t *b = w->batch;

	pthread_mutex_lock(&b->mu);
	while (!b->quit) {
		take_chunks(b, w->rec);
		if (!b->quit)
			pthread_cond_wait(&b->go, &b->mu);
	}
	pthread_mutex_unlock(&b->mu);
	return NULL;
}

void
auditbatch_set_format(auditbatch_t *b, int format)
{
	/* Before the first run: the workers wait for it under b->mu. */
	for (unsigned k = 0; k < b->threads; k++)
		auditrecord_set_format(b->worker[k].rec, format);
}

auditbatch_t *
auditbatch_new(unsigned threads)
{
	auditbatch_t *b = calloc(1, sizeof(*b));

	if (threads == 0) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);

		threads = cores > 0 ? (unsigned)cores : 1;
	}
	if (threads > THREADS_MAX)
		threads = THREADS_MAX;
	if (b == NULL)
		return NULL;
	pthread_mutex_init(&b->mu, NULL);
	pthread_cond_init(&b->go, NULL);
	pthread_cond_init(&b->done, NULL);
	for (unsigned k = 0; k < threads; k++) {
		worker_t *w = &b->worker[k];

		w->batch = b;
		if ((w->rec = auditrecord_new()) == NULL)
			break;
		if (k > 0 && pthread_create(&w->tid, NULL, helper, w) != 0) {
			auditrecord_free(w->rec);
			w->rec = NULL;
			break;
		}
		b->threads = k + 1;
	}
	if (b->threads == 0) {
		auditbatch_free(b);
		return NULL;
	}
	return b;
}

void
auditbatch_free(auditbatch_t *b)
{
	if (b == NULL)
		return;
	pthread_mutex_lock(&b->mu);
	b->quit = true;
	pthread_cond_broadcast(&b->go);
	pthread_mutex_unlock(&b->mu);
	for (unsigned k = 1; k < b->threads; k++)
		pthread_join(b->worker[k].tid, NULL);
	for (unsigned k = 0; k < b->threads; k++)
		auditrecord_free(b->worker[k].rec);
	pthread_cond_destroy(&b->done);
	pthread_cond_destroy(&b->go);
	pthread_mutex_destroy(&b->mu);
	if (b->map != NULL)
		munmap(b->map, b->used);
	free(b->text);
	free(b);
}

/*
 * Map f whole from where its stream stands (past line 1), when it is a
 * regular file that mmap takes; else leave it to fill.  (An export cut
 * short by someone else while it is being verified ends the run with
 * SIGBUS: the auditor's own file, not input from the network.)
 */
static void
map_file(auditbatch_t *b, FILE *f)
{
	struct stat st;
	off_t at = ftello(f);
	void *p;

	if (at < 0 || fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size <= at || (uintmax_t)st.st_size > SIZE_MAX)
		return;
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fileno(f),
	    0);
	if (p == MAP_FAILED)
		return;
	(void)madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
	b->map = p;
	b->data = p;
	b->used = (size_t)st.st_size;
	b->start = b->next = (size_t)at;
	b->eof = true;
}

/* Give back the mapped pages of lines done with, so memory stays flat. */
static void
release(auditbatch_t *b)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), done;

	if (b->map == NULL)
		return;
	done = b->start / page * page;
	if (done > b->released) {
		(void)madvise((char *)b->map + b->released, done - b->released,
		    MADV_DONTNEED);
		b->released = done;
	}
}

/* Read more of f after what text holds: first, when text is full, moving
 * the batch's lines to the front (when that frees half) or growing it. */
static int
fill(auditbatch_t *b, FILE *f, size_t *scan)
{
	size_t got;

	if (b->used == b->cap && b->start >= b->cap / 2 && b->start > 0) {
		memmove(b->text, b->text + b->start, b->used - b->start);
		b->used -= b->start;
		b->next -= b->start;
		*scan -= b->start;
		b->start = 0;
	} else if (b->used == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : READ_BLOCK;
		char *p = realloc(b->text, cap);

		if (p == NULL)
			return ISA_ERR_NOMEM;
		b->data = b->text = p;
		b->cap = cap;
	}
	got = fread(b->text + b->used, 1, b->cap - b->used, f);
	b->used += got;
	if (got == 0) {
		if (ferror(f))
			return ISA_ERR_IO;
		b->eof = true;
	}
	return 0;
}

/* Hand the chunks up to line `lines` to the threads. */
static void
publish(auditbatch_t *b, size_t lines, bool split)
{
	unsigned ready = (unsigned)((lines + CHUNK_LINES - 1) / CHUNK_LINES);

	pthread_mutex_lock(&b->mu);
	for (unsigned c = b->ready; c < ready; c++) {
		b->chunk[c].from = (size_t)c * CHUNK_LINES;
		b->chunk[c].to = c + 1 < ready || !split ?
		    (size_t)(c + 1) * CHUNK_LINES : lines;
	}
	b->ready = ready;
	b->split = split;
	pthread_cond_broadcast(&b->go);
	pthread_mutex_unlock(&b->mu);
}

/*
 * Split the lines, up to AUDITBATCH_LINES.  A mapped export's chunks go to
 * the threads as they are split; a read one's only once all are, as fill
 * may move them.
 */
static int
split(auditbatch_t *b, FILE *f)
{
	size_t scan = b->next;
	int rc;

	while (b->n < AUDITBATCH_LINES) {
		const char *nl = b->used > scan ? memchr(b->data + scan, '\n',
		    b->used - scan) : NULL;

		if (nl == NULL) {
			if (b->eof)
				break;
			scan = b->used;
			if ((rc = fill(b, f, &scan)) != 0)
				return rc;
			continue;
		}
		b->off[b->n] = b->next - b->start;
		b->len[b->n++] = (size_t)(nl - b->data) - b->next;
		b->next = scan = (size_t)(nl - b->data) + 1;
		if (b->map != NULL && b->n % CHUNK_LINES == 0)
			publish(b, b->n, false);
	}
	return 0;
}

int
auditbatch_run(auditbatch_t *b, FILE *f, uint64_t seq, size_t *n,
    bool *cut)
{
	int rc;

	if (!b->begun) {
		b->begun = true;
		map_file(b, f);
	}
	*n = 0;
	*cut = false;
	b->n = 0;
	b->seq = seq;
	b->start = b->next;	/* the last batch is done with */
	release(b);
	pthread_mutex_lock(&b->mu);
	b->ready = b->taken = b->finished = 0;
	b->split = false;
	pthread_mutex_unlock(&b->mu);
	rc = split(b, f);
	/* What was handed out is checked before anything returns. */
	publish(b, rc == 0 ? b->n : b->ready * (size_t)CHUNK_LINES, true);
	pthread_mutex_lock(&b->mu);
	take_chunks(b, b->worker[0].rec);
	while (b->finished < b->ready)
		pthread_cond_wait(&b->done, &b->mu);
	pthread_mutex_unlock(&b->mu);
	if (rc != 0)
		return rc;
	*cut = b->n < AUDITBATCH_LINES && b->used > b->next;
	*n = b->n;
	return 0;
}

size_t
auditbatch_good(const auditbatch_t *b, int *rc, char *err, size_t errlen)
{
	for (unsigned c = 0; c < b->ready; c++) {
		const chunk_t *k = &b->chunk[c];

		if (k->from + k->good < k->to) {
			*rc = k->rc;
			snprintf(err, errlen, "%s", k->err);
			return k->from + k->good;
		}
	}
	*rc = 0;
	return b->n;
}

int
auditbatch_merge(const auditbatch_t *b, merkle_compact_t *range)
{
	merkle_compact_t t = *range;
	int rc;

	for (unsigned c = 0; c < b->ready; c++)
		if ((rc = merkle_compact_merge(&t, &b->chunk[c].range)) != 0)
			return rc;
	*range = t;
	return 0;
}

const uint8_t *
auditbatch_leaf(const auditbatch_t *b, size_t i)
{
	return b->leaf[i];
}
