/*
 * `ninep extract`: content to disk, safely (extract.h says how).
 */
#define _GNU_SOURCE
#include "files/extract.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files/safe_name.h"
#include "ninep/files.h"
#include "report/manifest.h"

enum {
	/* Files kept open at once: as many as the descriptor limit allows
	 * (raised to its hard limit) less a reserve, at most this; others are
	 * opened again when written, the one opened longest ago closed. */
	OPEN_FILES_MAX = 4096,
	OPEN_FILES_MIN = 16,
	DESCRIPTORS_RESERVED = 64, /* the captures, standard streams, libpcap */
	ERR_MAX = 512,
};

/* Where one file goes: the set's struct ninep_file.user. */
enum saved_state {
	NOT_YET,  /* no captured byte so far */
	CREATED,  /* created (or truncated with --overwrite) by this run */
	REFUSED,  /* exists and was left alone, or could not be made: never written */
};

struct saved {
	enum saved_state state;
	char *rel;     /* relative to DIR */
	int fd;        /* -1 when closed */
	unsigned slot; /* its place among the open files, when open */
	uint64_t written_end; /* the end of the furthest byte written to it */
};

struct extract {
	int dirfd;
	char *dir;
	int overwrite;
	int failed;
	struct ninep_files *set;
	struct saved **open; /* n_open slots: the files open now; the next to close at `next_close` */
	unsigned n_open, next_close;
};

/* How many files to keep open: the soft descriptor limit raised to the
 * hard one, less a reserve. */
static unsigned open_files_allowed(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return OPEN_FILES_MIN;
	if (rl.rlim_cur < rl.rlim_max) {
		struct rlimit raised = { rl.rlim_max, rl.rlim_max };
		if (raised.rlim_cur == RLIM_INFINITY || raised.rlim_cur > OPEN_FILES_MAX + DESCRIPTORS_RESERVED)
			raised.rlim_cur = OPEN_FILES_MAX + DESCRIPTORS_RESERVED;
		if (raised.rlim_cur > rl.rlim_cur && setrlimit(RLIMIT_NOFILE, &raised) == 0)
			rl.rlim_cur = raised.rlim_cur;
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > OPEN_FILES_MAX + DESCRIPTORS_RESERVED)
		return OPEN_FILES_MAX;
	if (rl.rlim_cur < OPEN_FILES_MIN + DESCRIPTORS_RESERVED)
		return OPEN_FILES_MIN;
	return (unsigned)rl.rlim_cur - DESCRIPTORS_RESERVED;
}

struct extract *extract_open(const char *dir, int overwrite, char *err, size_t errlen)
{
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	struct extract *x = calloc(1, sizeof *x);
	if (x == NULL || (x->dir = strdup(dir)) == NULL) {
		free(x);
		close(fd);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	x->dirfd = fd;
	x->overwrite = overwrite;
	x->n_open = open_files_allowed();
	x->open = calloc(x->n_open, sizeof *x->open);
	if (x->open == NULL)
		abort();
	x->set = ninep_files_new();
	return x;
}

/* ---- files on disk ------------------------------------------------------------ */

/* Printable for a message: the relative paths hold only printable ASCII. */
static void say(const struct extract *x, const struct saved *s, const char *what)
{
	fprintf(stderr, "ninep: %s/%s: %s\n", x->dir, s->rel, what);
}

static void close_saved(struct extract *x, struct saved *s)
{
	if (s->fd < 0)
		return;
	if (close(s->fd) != 0) {
		say(x, s, strerror(errno));
		x->failed = 1;
	}
	s->fd = -1;
	x->open[s->slot] = NULL;
}

/* Room for one more open file: the one opened longest ago is closed. */
static unsigned free_slot(struct extract *x)
{
	unsigned slot = x->next_close;
	x->next_close = (x->next_close + 1) % x->n_open;
	if (x->open[slot] != NULL)
		close_saved(x, x->open[slot]);
	return slot;
}

/*
 * Opens the file `rel` below DIR: every directory on the way is opened
 * without following a symbolic link (and made first when make_dirs); the
 * file itself is opened with `flags` (plus O_NOFOLLOW) and must be a
 * regular file.  Returns the descriptor, or -1 with errno set.
 */
static int open_below(struct extract *x, const char *rel, int flags, int make_dirs)
{
	int dfd = x->dirfd;
	const char *p = rel;
	for (;;) {
		const char *slash = strchr(p, '/');
		if (slash == NULL)
			break;
		char element[SAFE_COMPONENT_MAX + 1];
		size_t n = (size_t)(slash - p);
		memcpy(element, p, n);
		element[n] = '\0';
		if (make_dirs && mkdirat(dfd, element, 0777) != 0 && errno != EEXIST) {
			int e = errno;
			if (dfd != x->dirfd)
				close(dfd);
			errno = e;
			return -1;
		}
		int next = openat(dfd, element, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int e = errno;
		if (dfd != x->dirfd)
			close(dfd);
		if (next < 0) {
			errno = e == ELOOP ? ENOTDIR : e; /* a symbolic link on the way is no directory of ours */
			return -1;
		}
		dfd = next;
		p = slash + 1;
	}
	/* O_NONBLOCK: a FIFO planted there must not hang the run. */
	int fd = openat(dfd, p, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0666);
	int e = errno;
	struct stat link;
	if (fd < 0 && e == EEXIST && fstatat(dfd, p, &link, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(link.st_mode))
		e = ELOOP; /* O_EXCL met a symbolic link: say what it is */
	if (dfd != x->dirfd)
		close(dfd);
	if (fd < 0) {
		errno = e;
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

/* The file's descriptor, creating it on its first captured byte; -1 when
 * it is not to be written. */
static int saved_fd(struct extract *x, struct ninep_file *f)
{
	struct saved *s = f->user;
	if (s->state == REFUSED)
		return -1;
	if (s->fd >= 0)
		return s->fd;
	unsigned slot = free_slot(x);
	int fd;
	if (s->state == NOT_YET) {
		int flags = O_WRONLY | O_CREAT | (x->overwrite ? O_TRUNC : O_EXCL);
		fd = open_below(x, s->rel, flags, 1);
		if (fd < 0) {
			s->state = REFUSED;
			if (errno == EEXIST)
				say(x, s, "exists, not overwritten (--overwrite replaces it)");
			else if (errno == ELOOP)
				say(x, s, "is a symbolic link, not written");
			else if (errno == EINVAL)
				say(x, s, "is not a regular file, not written");
			else if (errno == ENOTDIR)
				say(x, s, "a directory on its way is a file or a symbolic link, not written");
			else
				say(x, s, strerror(errno));
			return -1;
		}
		s->state = CREATED;
	} else {
		fd = open_below(x, s->rel, O_WRONLY, 0);
		if (fd < 0) {
			say(x, s, strerror(errno));
			x->failed = 1;
			s->state = REFUSED;
			return -1;
		}
	}
	s->fd = fd;
	s->slot = slot;
	x->open[slot] = s;
	return fd;
}

static struct saved *saved_new(const struct ninep_file *f)
{
	struct saved *s = calloc(1, sizeof *s);
	char rel[SAFE_PATH_MAX + 1];
	size_t n = safe_relative_path(f->name, f->name_len, rel, sizeof rel);
	if (s == NULL || (s->rel = malloc(n + 1)) == NULL)
		abort();
	memcpy(s->rel, rel, n + 1);
	s->fd = -1;
	s->state = NOT_YET;
	return s;
}

static void store(struct extract *x, struct ninep_file *f, const struct ninep_file_put *put)
{
	struct saved *s = f->user;
	if (put->restart && s->state == CREATED && s->written_end > put->len) {
		/* An Rsread or Tswrite replaced the whole file with put->len bytes
		 * from 0: what lies past them goes.  (Never truncated to 0 and
		 * written again: ext4 then writes the file out at close.) */
		int fd = saved_fd(x, f);
		if (fd >= 0 && ftruncate(fd, (off_t)put->len) != 0) {
			say(x, s, strerror(errno));
			x->failed = 1;
		}
	}
	if (put->restart)
		s->written_end = put->len;
	if (put->len == 0)
		return;
	int fd = saved_fd(x, f);
	if (fd < 0)
		return;
	const uint8_t *p = put->data;
	size_t left = put->len;
	off_t at = (off_t)put->offset; /* below NINEP_FILE_MAX_SIZE */
	while (left > 0) {
		ssize_t n = pwrite(fd, p, left, at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			say(x, s, n < 0 ? strerror(errno) : "short write");
			x->failed = 1;
			return;
		}
		p += n;
		left -= (size_t)n;
		at += n;
	}
	if ((uint64_t)at > s->written_end)
		s->written_end = (uint64_t)at;
}

/* ---- the engine's hooks ------------------------------------------------------- */

void extract_request(struct extract *x, const struct ninep_request *r, const uint8_t *msg, uint32_t have,
		     const struct ninep_msg *m)
{
	if (r->note.content_io != NINEP_IO_WRITE && r->note.content_io != NINEP_IO_SWRITE)
		return;
	const uint8_t *data;
	uint32_t count, captured;
	if (ninep_message_data(msg, have, m, &data, &count, &captured))
		ninep_files_hold(x->set, r->cookie, data, captured);
}

void extract_exchange(struct extract *x, const struct endpoint *client, const struct endpoint *server,
		      unsigned dialects, const struct ninep_request *r, const struct ninep_reply *reply,
		      uint64_t request_frame, uint64_t reply_frame)
{
	uint32_t held_len;
	const uint8_t *held = ninep_files_held(x->set, r->cookie, &held_len);
	struct ninep_content c;
	if (ninep_exchange_content(&r->note, held, held_len, reply, dialects, &c)) {
		char cl[64], sv[64], name[NINEP_FILES_NAME_MAX];
		ninep_files_endpoint(cl, sizeof cl, client->family == 6, client->addr, client->port);
		ninep_files_endpoint(sv, sizeof sv, server->family == 6, server->addr, server->port);
		size_t len = ninep_files_name(name, sizeof name, slot_text(&r->head), r->head.text_len, cl, sv, r->fid);
		struct ninep_file_put put;
		struct ninep_file *f =
			ninep_files_add(x->set, name, len, &c, request_frame, r->time_ns, reply_frame, reply->ts, &put);
		if (f->user == NULL)
			f->user = saved_new(f);
		store(x, f, &put);
	}
	ninep_files_release(x->set, r->cookie);
}

void extract_dropped(struct extract *x, const struct ninep_request *r)
{
	ninep_files_release(x->set, r->cookie);
}

/* ---- the end ------------------------------------------------------------------ */

int extract_finish(struct extract *x)
{
	for (size_t i = 0; i < ninep_files_count(x->set); i++) {
		struct ninep_file *f = ninep_files_at(x->set, i);
		struct saved *s = f->user;
		if (s == NULL || s->state != CREATED)
			continue;
		if (f->captured == 0) {
			/* every captured byte was replaced by a later whole-file
			 * exchange that the capture cut: nothing of it is known */
			close_saved(x, s);
			unlinkat(x->dirfd, s->rel, 0);
			s->state = NOT_YET;
			continue;
		}
		int fd = saved_fd(x, f);
		if (fd >= 0 && ftruncate(fd, (off_t)f->size) != 0) {
			say(x, s, strerror(errno));
			x->failed = 1;
		}
		close_saved(x, s);
		if (f->beyond_limit)
			say(x, s, "content past 1 GiB (the limit) was not kept");
		if (f->extents_full)
			say(x, s, "too many separate ranges; the later ones were not kept (holes)");
	}
	return x->failed ? -1 : 0;
}

void extract_manifest(const struct extract *x, FILE *out)
{
	struct manifest_out w;
	manifest_open(&w, out);
	for (size_t i = 0; i < ninep_files_count(x->set); i++) {
		const struct ninep_file *f = ninep_files_at(x->set, i);
		const struct saved *s = f->user;
		const char *saved_as = s != NULL && s->state == CREATED ? s->rel : "";
		manifest_row(&w, f, saved_as);
	}
	manifest_close(&w);
}

void extract_free(struct extract *x)
{
	if (x == NULL)
		return;
	for (size_t i = 0; i < ninep_files_count(x->set); i++) {
		struct ninep_file *f = ninep_files_at(x->set, i);
		struct saved *s = f->user;
		if (s == NULL)
			continue;
		if (s->fd >= 0)
			close(s->fd);
		free(s->rel);
		free(s);
	}
	ninep_files_free(x->set);
	free(x->open);
	close(x->dirfd);
	free(x->dir);
	free(x);
}
