/*
 * The files a 9P capture carried, for both tools: the plugin's Export
 * Objects and the analyzer's `ninep extract`.
 *
 * Two parts (lib/files/):
 *   content.c  THE RULE: which exchanges carry file content, and which
 *              bytes at which offset.  Decided once, here:
 *                - Tread answered by Rread, on a fid that is neither a
 *                  directory (its Rread holds stat records, read(5)) nor
 *                  an auth fid, nor (9P2000.L) an extended attribute's fid
 *                  made by Txattrwalk or Txattrcreate (its value is no
 *                  content of the file): the Rread's data at the Tread's
 *                  offset.
 *                  9P2000.L reads and writes files with Tread/Twrite too;
 *                  Treaddir/Rreaddir is a directory, never content.
 *                - Twrite answered by Rwrite, not on an auth fid (9P2000.e
 *                  MUMBLE key records are not files) nor an extended
 *                  attribute's fid: the first
 *                  Rwrite.count bytes of the Twrite's data at its offset
 *                  (write(5): "count bytes were written").  A write
 *                  answered by Rerror/Rlerror carries nothing.
 *                - Tsread answered by Rsread (9P2000.e): the whole file, at
 *                  offset 0, exactly Rsread.count bytes long; unless the
 *                  data is a directory listing (ninep_is_directory_data).
 *                - Tswrite answered by Rswrite (9P2000.e): the file is
 *                  truncated and then holds exactly the first Rswrite.count
 *                  bytes of the Tswrite's data.
 *              The engine decides at request time, from the fid as it
 *              knows it, whether a request is content I/O at all
 *              (struct ninep_request_note.content_io, ninep_facts.content_io).
 *   set.c      a per-capture set of files keyed by name: for each file its
 *              captured extents, size, holes, first and last frame and
 *              time, read/written, and whether the size limit cut it.  It
 *              keeps NO content: storing bytes is each tool's business
 *              (the analyzer writes them to disk as they come, the plugin
 *              keeps them in memory for Wireshark's export list).  It also
 *              holds a Twrite's/Tswrite's data until its reply says how
 *              much of it was written.
 *
 * How a tool uses it (one capture, one struct ninep_files):
 *   - request hook (or first pass of a request frame) whose content_io is
 *     NINEP_IO_WRITE or NINEP_IO_SWRITE: ninep_message_data() finds its
 *     data, ninep_files_hold() keeps a copy under the tool's key for the
 *     request (the analyzer: the request's cookie; the plugin: its frame).
 *   - exchange hook (or the reply frame): ninep_exchange_content() with the
 *     request's note, the held data (ninep_files_held) and the reply; when
 *     it says there is content, ninep_files_name() names the file and
 *     ninep_files_add() records it and says which bytes to keep where
 *     (struct ninep_file_put).  Then ninep_files_release() the held data;
 *     also when the request is dropped.
 *   - at the end: ninep_files_count()/ninep_files_at() list the files in the
 *     order they first carried content; a file is exactly `size` bytes,
 *     its holes zero; a file with no captured byte is listed but never
 *     written.
 *
 * Nothing here keeps a pointer the caller passed after the call returns.
 */
#ifndef NINEP_FILES_H
#define NINEP_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"

/*
 * The one size limit of both tools: content at or past this offset is
 * neither recorded nor to be stored (never allocated), and a file is never
 * larger than this.  The file says so (struct ninep_file.beyond_limit):
 * the manifest / the expert info must tell the user.
 */
#define NINEP_FILE_MAX_SIZE ((uint64_t)1 << 30) /* 1 GiB */

/*
 * The captured ranges of one file are kept as at most this many disjoint
 * extents (adjacent and overlapping ranges merge into one).  A range that
 * would need one more is not recorded and not to be stored: its bytes
 * count as a hole (struct ninep_file.extents_full says it happened).  A
 * file read in order is one extent however many reads it takes.
 */
enum { NINEP_FILE_MAX_EXTENTS = 4096 };

/*
 * The data of writes waiting for their replies is held up to this many
 * bytes in all (one capture).  A write whose data does not fit is not
 * held: its bytes count as not captured (a hole), never as zeros.
 */
enum { NINEP_FILES_HELD_MAX = 64 << 20 };

/* ---- the rule (content.c) ------------------------------------------------- */

/* What content I/O a request is: decided at request time (engine). */
enum ninep_content_io {
	NINEP_IO_NONE = 0, /* not content: no file data, or a directory, or an auth fid */
	NINEP_IO_READ,     /* Tread on a file */
	NINEP_IO_WRITE,    /* Twrite on a file */
	NINEP_IO_SREAD,    /* 9P2000.e Tsread: the whole file, unless a directory */
	NINEP_IO_SWRITE,   /* 9P2000.e Tswrite: the whole file, replaced */
};

/*
 * A request of `type` on a fid: what content I/O it is.  fid_known: the
 * fid was made in the capture, so fid_is_dir (its qid says QTDIR) and
 * fid_is_auth (made by Tauth) are known; an unknown fid counts as a file.
 * The engine calls this for every request (ninep_request_note.content_io).
 */
enum ninep_content_io ninep_content_io_of(unsigned type, int fid_known, int fid_is_dir, int fid_is_auth);

/*
 * The data field of a Twrite, Tswrite, Rread or Rsread of which the capture
 * holds msg[0..have): *count is what the message says it carries, *data
 * and *captured the part of it the capture holds (captured <= count; 0
 * when the snaplen cut it all).  0 when m has no data field (it did not
 * decode, or its type has none).
 */
int ninep_message_data(const uint8_t *msg, uint32_t have, const struct ninep_msg *m, const uint8_t **data,
		       uint32_t *count, uint32_t *captured);

/* What one exchange carried of a file. */
struct ninep_content {
	enum ninep_content_io io;
	uint64_t offset;     /* where the bytes go in the file (0 for SREAD/SWRITE) */
	uint32_t count;      /* bytes the exchange moved */
	const uint8_t *data; /* the first `captured` of them: the rest the capture does not hold */
	uint32_t captured;
	int whole_file;      /* SREAD/SWRITE: the file is exactly `count` bytes, these are all of it */
};

/*
 * THE RULE: what content the exchange of a request (its note, from the
 * engine) and its reply carried.  For NINEP_IO_WRITE/SWRITE the data comes
 * from the request: request_data[0..request_captured) is the part of the
 * request's data the capture holds (from ninep_files_held; NULL, 0 when
 * none was held); for reads it comes from the reply.  `dialects` are the
 * conversation's (ninep_conv.dialects), for telling a directory listing in
 * an Rsread.  Returns 1 and fills *out when it carried content (possibly 0
 * bytes: a read at the end of the file); 0 when it carried none (not
 * content I/O, an error reply, a reply that did not decode, a directory).
 */
int ninep_exchange_content(const struct ninep_request_note *note, const uint8_t *request_data,
			   uint32_t request_captured, const struct ninep_reply *reply, unsigned dialects,
			   struct ninep_content *out);

/* ---- naming --------------------------------------------------------------- */

/*
 * The name of the file an exchange concerns: the request's path (the
 * engine's: ninep_request head.text, ninep_facts.path).  A fid nobody saw
 * made has the path NINEP_PATH_UNKNOWN (and a request the engine could give
 * no path has an empty one): such content is kept per connection and fid,
 * as
 *     (unknown)/CLIENT-SERVER/fid-N
 * CLIENT and SERVER as "address:port" ("127.0.0.1:40312", "[::1]:564",
 * addresses as inet_ntop writes them: ninep_files_endpoint), N the fid in
 * decimal.  Any other path is the name as it is.  Writes at most cap - 1
 * bytes and a NUL into buf (a name may hold NUL bytes: use the length);
 * returns the name's length.  cap of NINEP_FILES_NAME_MAX always suffices.
 */
enum { NINEP_FILES_NAME_MAX = NINEP_PATH_MAX + sizeof NINEP_PATH_TRUNCATED + 160 };
size_t ninep_files_name(char *buf, size_t cap, const char *path, size_t path_len, const char *client,
			const char *server, uint32_t fid);
/* "address:port" of an IPv4 (ipv6 0, addr 4 bytes) or IPv6 (16 bytes)
 * endpoint, IPv6 in brackets; returns buf.  cap of 64 suffices. */
char *ninep_files_endpoint(char *buf, size_t cap, int ipv6, const uint8_t *addr, uint16_t port);

/* ---- the set of files (set.c) ---------------------------------------------- */

enum {
	NINEP_FILE_READ = 1,
	NINEP_FILE_WRITTEN = 2,
};

/* One file, as the set knows it.  The tool may use `user`; everything
 * else is the set's, valid until ninep_files_free. */
struct ninep_file {
	const char *name;  /* NUL-terminated, but may hold NUL bytes: use name_len */
	size_t name_len;
	uint64_t number;   /* 1, 2, ... in the order files first carried content */
	uint64_t size;     /* the end of the furthest byte moved, or the Rsread/Tswrite count */
	uint64_t captured; /* bytes of [0, size) whose content the capture holds */
	uint64_t holes;    /* maximal ranges of [0, size) not captured; 0: the file is whole */
	/* The frames of the exchanges that carried its content (a read's
	 * reply, also of 0 bytes at the end of the file; a write's request). */
	uint64_t first_frame, last_frame;
	int64_t first_ns, last_ns;        /* their times, ns since 1970 */
	unsigned access;   /* NINEP_FILE_READ | NINEP_FILE_WRITTEN */
	int beyond_limit;  /* content at or past NINEP_FILE_MAX_SIZE was moved and not kept */
	int extents_full;  /* captured ranges beyond NINEP_FILE_MAX_EXTENTS were not kept (holes) */
	void *user;        /* the tool's: where it stores the content */
};

/* What the tool is to store after an add. */
struct ninep_file_put {
	int restart;         /* first drop everything stored of the file: Rsread/Tswrite replaced it */
	uint64_t offset;     /* then store data[0..len) at this offset (later bytes replace earlier ones) */
	const uint8_t *data; /* points into the content's data */
	uint32_t len;        /* 0: nothing to store */
};

struct ninep_files;

struct ninep_files *ninep_files_new(void); /* aborts when out of memory, as the engine does */
void ninep_files_free(struct ninep_files *set);

/*
 * Records content an exchange carried (from ninep_exchange_content) for the
 * file `name`: its extents, size, holes, frames and times (the frame that
 * carried the bytes: a read's reply, a write's request), read or written.
 * Returns the file (made on its first content) and fills *put with what to
 * store: the captured bytes below NINEP_FILE_MAX_SIZE, when they fit the
 * extent limit.
 */
struct ninep_file *ninep_files_add(struct ninep_files *set, const char *name, size_t name_len,
				   const struct ninep_content *c, uint64_t request_frame, int64_t request_ns,
				   uint64_t reply_frame, int64_t reply_ns, struct ninep_file_put *put);
/* The file called name, or NULL. */
struct ninep_file *ninep_files_find(const struct ninep_files *set, const char *name, size_t name_len);
/* The files in the order they first carried content: i in [0, count). */
size_t ninep_files_count(const struct ninep_files *set);
struct ninep_file *ninep_files_at(const struct ninep_files *set, size_t i);

/*
 * The file's captured ranges, in order: the extents [start, end) with
 * index i in [0, n); returns n.  A tool that keeps content in memory
 * zero-fills what lies between them.
 */
size_t ninep_file_extents(const struct ninep_file *f, size_t i, uint64_t *start, uint64_t *end);

/* "read", "written" or "read+written". */
const char *ninep_file_access_name(unsigned access);
/* The short summary both tools show: "whole, read", or
 * "2 holes, 3000 of 5000 bytes captured, read+written"; returns buf.
 * cap of 128 suffices. */
char *ninep_file_summary(const struct ninep_file *f, char *buf, size_t cap);

/* ---- writes waiting for their replies (set.c) ------------------------------ */

/*
 * Holds a copy of a write request's captured data under `key` (the tool's
 * unique name for the request) until its reply.  Returns 1 when held, 0
 * when it would pass NINEP_FILES_HELD_MAX (or key is already held): the
 * write then carries no captured byte.
 */
int ninep_files_hold(struct ninep_files *set, uint64_t key, const uint8_t *data, uint32_t captured);
/* The data held under key (*captured its length), or NULL (*captured 0). */
const uint8_t *ninep_files_held(const struct ninep_files *set, uint64_t key, uint32_t *captured);
/* Lets the data held under key go (nothing when none is). */
void ninep_files_release(struct ninep_files *set, uint64_t key);
/* Bytes held now, for tests and limits. */
uint64_t ninep_files_held_bytes(const struct ninep_files *set);

#endif
