/*
 * unit.files: which exchanges carry file content, and what the set of files
 * makes of it (ninep/files.h).  Each expectation comes from the manual
 * pages or from the files contract, never from the library's output:
 *
 *   read(5):  "The read request asks for count bytes of data from the file
 *             identified by fid ... starting offset bytes after the
 *             beginning of the file.  The bytes are returned with the read
 *             reply message."  "For directories, read returns an integral
 *             number of directory entries ... [stat] records".
 *   write(5): "The write request asks that count bytes of data be recorded
 *             in the file identified by fid ... starting offset bytes after
 *             the beginning of the file."  "The write reply records the
 *             number of bytes actually written."
 *   attach(5): an auth fid (Tauth's afid) is read and written to run the
 *             authentication protocol: it names no file.
 *   9P2000.L: "txattrwalk gets a newfid pointing to xattr name.  This fid
 *             can later be used to read the xattr value"; "txattrcreate
 *             gets a fid pointing to the xattr name.  This fid can later
 *             be used to set the xattr value" (diod's protocol.md): an
 *             attribute's value, not the file's content.
 *   9P2000.e: Tsread/Rsread reads a whole file (walk, open, read, clunk in
 *             one); Tswrite/Rswrite replaces a whole file's content.
 *   contract: size = end of the furthest byte moved, or exactly the
 *             Rsread/Tswrite count; holes = maximal uncaptured ranges of
 *             [0, size); the later of two reads of the same bytes wins;
 *             "(unknown)" fids named per connection and fid.
 *
 * A small "tool" plays each conversation through the real engine, doing
 * exactly what files.h tells a tool to do (hold a write's data in the
 * request hook, ask for the content in the exchange hook, store what
 * ninep_files_add says), and keeps the content in memory to compare.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "msgs.h"
#include "ninep/files.h"

enum {
	MSG_CEILING = 1 << 20,
	STORE_MAX = 1 << 16, /* the test keeps content up to this offset in memory */
	N_UNAME = 1000,
};

/* ---- the tool ------------------------------------------------------------------ */

struct stored {
	uint8_t bytes[STORE_MAX];
	int restarted;
};

struct tool {
	struct ninep_conv conv;
	struct ninep_esessions sessions;
	struct ninep_files *set;
	int64_t now;
	uint64_t frame;
	unsigned puts_beyond_store;
};

static void on_request(void *ctx, struct ninep_request *r, const uint8_t *msg, const struct ninep_msg *m)
{
	struct tool *t = ctx;
	if (r->note.content_io != NINEP_IO_WRITE && r->note.content_io != NINEP_IO_SWRITE)
		return;
	const uint8_t *data;
	uint32_t count, captured;
	if (ninep_message_data(msg, r->size, m, &data, &count, &captured))
		ninep_files_hold(t->set, r->cookie, data, captured);
}

static void on_exchange(void *ctx, const struct ninep_request *r, const struct ninep_reply *reply)
{
	struct tool *t = ctx;
	uint32_t held_len;
	const uint8_t *held = ninep_files_held(t->set, r->cookie, &held_len);
	struct ninep_content c;
	if (ninep_exchange_content(&r->note, held, held_len, reply, t->conv.dialects, &c)) {
		char name[NINEP_FILES_NAME_MAX];
		size_t len = ninep_files_name(name, sizeof name, slot_text(&r->head), r->head.text_len,
					      "127.0.0.1:40000", "127.0.0.1:564", r->fid);
		struct ninep_file_put put;
		/* frames: the cookie is the frame number here */
		struct ninep_file *f = ninep_files_add(t->set, name, len, &c, r->cookie, r->time_ns, reply->cookie,
						       reply->ts, &put);
		if (f->user == NULL)
			f->user = calloc(1, sizeof(struct stored));
		struct stored *s = f->user;
		if (put.restart) {
			memset(s->bytes, 0, sizeof s->bytes);
			s->restarted++;
		}
		if (put.len > 0 && put.offset + put.len <= STORE_MAX)
			memcpy(s->bytes + put.offset, put.data, put.len);
		else if (put.len > 0)
			t->puts_beyond_store++;
	}
	ninep_files_release(t->set, r->cookie);
}

static void on_dropped(void *ctx, const struct ninep_request *r, enum ninep_drop why, const struct ninep_request *by)
{
	(void)why;
	(void)by;
	struct tool *t = ctx;
	ninep_files_release(t->set, r->cookie);
}

static const struct ninep_hooks hooks = { .request = on_request, .exchange = on_exchange, .dropped = on_dropped };

static struct buf msg;

static void tool_start(struct tool *t)
{
	memset(t, 0, sizeof *t);
	t->set = ninep_files_new();
	ninep_conv_init(&t->conv, &hooks, t, &t->sessions);
}

static void tool_end(struct tool *t)
{
	ninep_conv_close(&t->conv);
	ninep_esessions_free(&t->sessions);
	for (size_t i = 0; i < ninep_files_count(t->set); i++)
		free(ninep_files_at(t->set, i)->user);
	ninep_files_free(t->set);
}

/* The message in `msg`, whole, or only its first `have` bytes (0: whole). */
static void send_cut(struct tool *t, uint32_t have)
{
	struct ninep_msg m;
	uint32_t size = (uint32_t)msg.len;
	if (have == 0 || have > size)
		have = size;
	if (have == size) {
		enum ninep_status st = ninep_decode(msg.data, msg.len, t->conv.dialects, &m);
		if (!CHECK(st == NINEP_OK, "a hand-made message of type %u does not decode", msg_type(msg.data)))
			return;
	} else {
		ninep_decode_captured(msg.data, have, t->conv.dialects, &m);
	}
	t->now += 1000;
	t->frame++;
	ninep_conv_message(&t->conv, ninep_is_request(m.type), msg.data, size, have, &m, t->now, t->frame, NULL);
}

static void send(struct tool *t)
{
	send_cut(t, 0);
}

static const struct qid DIR_QID = { NINEP_QTDIR, 0, 1 };
static const struct qid FILE_QID = { 0, 0, 2 };

/* Tversion/Rversion, Tattach fid 0 at "/" (aname ""), and Twalk 0 -> fid
 * to `name`, whose qid is `q`. */
static void open_file(struct tool *t, const char *version, uint32_t fid, const char *name, struct qid q)
{
	build_tversion(&msg, 8192, version);
	send(t);
	build_rversion(&msg, 8192, version);
	send(t);
	int l = strcmp(version, "9P2000.L") == 0;
	build_tattach(&msg, 1, 0, NINEP_NOFID, "u", "", l, N_UNAME);
	send(t);
	build_rattach(&msg, 1, DIR_QID);
	send(t);
	const char *names[1] = { name };
	build_twalk(&msg, 2, 0, fid, 1, names);
	send(t);
	build_rwalk(&msg, 2, 1, &q);
	send(t);
}

static void read_exchange(struct tool *t, uint32_t fid, uint64_t offset, const void *data, uint32_t count)
{
	build_tread(&msg, 3, fid, offset, count);
	send(t);
	build_rread(&msg, 3, data, count);
	send(t);
}

static struct ninep_file *file(const struct tool *t, const char *name)
{
	return ninep_files_find(t->set, name, strlen(name));
}

static const uint8_t *content(const struct ninep_file *f)
{
	return ((const struct stored *)f->user)->bytes;
}

/* Deterministic bytes, different per seed. */
static void fill(uint8_t *p, size_t n, unsigned seed)
{
	uint32_t x = 2463534242u ^ seed;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)x;
	}
}

/* ---- cases ---------------------------------------------------------------------- */

static void whole_read(void)
{
	struct tool t;
	tool_start(&t);
	uint8_t data[3000];
	fill(data, sizeof data, 1);
	open_file(&t, "9P2000", 1, "whole.bin", FILE_QID);
	read_exchange(&t, 1, 0, data, sizeof data);
	read_exchange(&t, 1, sizeof data, NULL, 0); /* read(5): 0 bytes at the end of the file */
	struct ninep_file *f = file(&t, "/whole.bin");
	if (CHECK(f != NULL, "a file read with Tread/Rread is a file")) {
		CHECK(f->size == sizeof data, "size %llu, the bytes read", (unsigned long long)f->size);
		CHECK(f->captured == sizeof data && f->holes == 0, "whole: captured %llu holes %llu",
		      (unsigned long long)f->captured, (unsigned long long)f->holes);
		CHECK(memcmp(content(f), data, sizeof data) == 0, "the bytes are the Rread's");
		CHECK(f->access == NINEP_FILE_READ, "read");
		CHECK(f->first_frame == 8 && f->last_frame == 10, "frames of the Rreads: %llu..%llu",
		      (unsigned long long)f->first_frame, (unsigned long long)f->last_frame);
		char summary[128];
		CHECK(strcmp(ninep_file_summary(f, summary, sizeof summary), "whole, read") == 0, "summary '%s'",
		      summary);
	}
	CHECK(ninep_files_count(t.set) == 1, "one file, not the attach root: %zu", ninep_files_count(t.set));
	tool_end(&t);
}

static void reads_in_pieces_twice_and_holes(void)
{
	struct tool t;
	tool_start(&t);
	uint8_t data[5000], second[1000];
	fill(data, sizeof data, 2);
	fill(second, sizeof second, 3);
	open_file(&t, "9P2000.L", 1, "pieces", FILE_QID);
	for (uint32_t at = 0; at < sizeof data; at += 1000)
		read_exchange(&t, 1, at, data + at, 1000);
	/* the same bytes again, now different: the later ones count */
	read_exchange(&t, 1, 2000, second, sizeof second);
	struct ninep_file *f = file(&t, "/pieces");
	if (CHECK(f != NULL, "a file read in several Treads")) {
		CHECK(f->size == 5000 && f->captured == 5000 && f->holes == 0, "whole after five reads");
		uint64_t s, e;
		CHECK(ninep_file_extents(f, 0, &s, &e) == 1 && s == 0 && e == 5000, "one extent [0,5000)");
		CHECK(memcmp(content(f), data, 2000) == 0 && memcmp(content(f) + 2000, second, 1000) == 0 &&
			      memcmp(content(f) + 3000, data + 3000, 2000) == 0,
		      "the second read of [2000,3000) replaced the first");
	}
	tool_end(&t);

	/* two ranges read: [100,200) and [400,500) of a file */
	tool_start(&t);
	open_file(&t, "9P2000", 1, "holey", FILE_QID);
	read_exchange(&t, 1, 400, data, 100);
	read_exchange(&t, 1, 100, data + 100, 100);
	f = file(&t, "/holey");
	if (CHECK(f != NULL, "a file with holes")) {
		CHECK(f->size == 500, "size: the furthest byte read, %llu", (unsigned long long)f->size);
		CHECK(f->captured == 200, "captured 200: %llu", (unsigned long long)f->captured);
		CHECK(f->holes == 2, "holes [0,100) and [200,400): %llu", (unsigned long long)f->holes);
		char summary[128];
		ninep_file_summary(f, summary, sizeof summary);
		CHECK(strcmp(summary, "2 holes, 200 of 500 bytes captured, read") == 0, "summary '%s'", summary);
		CHECK(memcmp(content(f) + 400, data, 100) == 0 && memcmp(content(f) + 100, data + 100, 100) == 0,
		      "each range at its offset");
	}
	tool_end(&t);
}

static void writes(void)
{
	struct tool t;
	tool_start(&t);
	uint8_t data[4000];
	fill(data, sizeof data, 4);
	open_file(&t, "9P2000", 1, "written", FILE_QID);
	for (uint32_t at = 0; at < 3000; at += 1000) {
		build_twrite(&msg, 4, 1, at, data + at, 1000);
		send(&t);
		build_rwrite(&msg, 4, 1000);
		send(&t);
	}
	/* write(5): a short write records only Rwrite.count bytes */
	build_twrite(&msg, 4, 1, 3000, data + 3000, 1000);
	send(&t);
	build_rwrite(&msg, 4, 600);
	send(&t);
	struct ninep_file *f = file(&t, "/written");
	if (CHECK(f != NULL, "a file written with Twrite/Rwrite")) {
		CHECK(f->size == 3600 && f->captured == 3600 && f->holes == 0, "3600 bytes written: size %llu",
		      (unsigned long long)f->size);
		CHECK(memcmp(content(f), data, 3600) == 0, "the Twrites' bytes");
		CHECK(f->access == NINEP_FILE_WRITTEN, "written");
		CHECK(f->first_frame == 7 && f->last_frame == 13, "frames of the Twrites: %llu..%llu",
		      (unsigned long long)f->first_frame, (unsigned long long)f->last_frame);
	}
	CHECK(ninep_files_held_bytes(t.set) == 0, "no write data held after the replies");

	/* a failed write carries nothing */
	build_twrite(&msg, 5, 1, 10000, data, 100);
	send(&t);
	CHECK(ninep_files_held_bytes(t.set) == 100, "a write's data is held until its reply");
	build_rerror(&msg, 5, "permission denied");
	send(&t);
	CHECK(f == NULL || f->size == 3600, "a write answered by Rerror carries nothing");
	CHECK(ninep_files_held_bytes(t.set) == 0, "released on the error");
	tool_end(&t);
}

static void not_files(void)
{
	struct tool t;
	tool_start(&t);
	/* a directory's Tread/Rread holds stat records (read(5)) */
	open_file(&t, "9P2000", 1, "dir", DIR_QID);
	struct buf stats;
	buf_init(&stats, MSG_CEILING);
	struct stat_rec s = { 0, 0, FILE_QID, 0644, 0, 0, 5, "a", "u", "g", "u", NULL, 0, 0, 0 };
	msg_stat(&stats, &s, 0);
	read_exchange(&t, 1, 0, stats.data, (uint32_t)stats.len);
	CHECK(ninep_files_count(t.set) == 0, "a directory read is not a file");

	/* an auth fid: Tauth afid 7, then a write and a read on it */
	msg_begin(&msg, NINEP_Tauth, 6);
	msg_u32(&msg, 7);
	msg_str(&msg, "u");
	msg_str(&msg, "");
	msg_end(&msg);
	send(&t);
	build_rqid(&msg, NINEP_Rauth, 6, (struct qid){ NINEP_QTAUTH, 0, 9 });
	send(&t);
	build_twrite(&msg, 7, 7, 0, "MUMBLE:AAAA:", 12);
	send(&t);
	build_rwrite(&msg, 7, 12);
	send(&t);
	read_exchange(&t, 7, 0, "ok", 2);
	CHECK(ninep_files_count(t.set) == 0, "an auth fid's reads and writes are not files");
	CHECK(ninep_content_io_of(NINEP_Twrite, 1, 0, 1) == NINEP_IO_NONE, "the rule: no write on an auth fid");
	CHECK(ninep_content_io_of(NINEP_Treaddir, 1, 1, 0) == NINEP_IO_NONE, "the rule: Treaddir is a directory");
	CHECK(ninep_content_io_of(NINEP_Tread, 0, 0, 0) == NINEP_IO_READ, "the rule: an unknown fid counts as a file");
	buf_free(&stats);
	tool_end(&t);
}

/* Txattrwalk name[s] and Txattrcreate name[s] attr_size[8] flags[4] (9P2000.L) */
static void xattr_fids(void)
{
	struct tool t;
	tool_start(&t);
	open_file(&t, "9P2000.L", 1, "file", FILE_QID);
	msg_begin(&msg, NINEP_Txattrwalk, 4);
	msg_u32(&msg, 1);
	msg_u32(&msg, 2);
	msg_str(&msg, "user.comment");
	msg_end(&msg);
	send(&t);
	msg_begin(&msg, NINEP_Rxattrwalk, 4);
	msg_u64(&msg, 5);
	msg_end(&msg);
	send(&t);
	read_exchange(&t, 2, 0, "hello", 5);
	CHECK(ninep_files_count(t.set) == 0, "reading an attribute's value is no content of the file");

	msg_begin(&msg, NINEP_Txattrcreate, 5);
	msg_u32(&msg, 1);
	msg_str(&msg, "user.comment");
	msg_u64(&msg, 3);
	msg_u32(&msg, 0);
	msg_end(&msg);
	send(&t);
	build_empty(&msg, NINEP_Rxattrcreate, 5);
	send(&t);
	build_twrite(&msg, 6, 1, 0, "abc", 3);
	send(&t);
	build_rwrite(&msg, 6, 3);
	send(&t);
	CHECK(ninep_files_count(t.set) == 0, "writing an attribute's value is no content of the file");
	tool_end(&t);
}

static void whole_file_ops(void)
{
	struct tool t;
	tool_start(&t);
	uint8_t data[2500], data2[700];
	fill(data, sizeof data, 5);
	fill(data2, sizeof data2, 6);
	open_file(&t, "9P2000.e", 1, "e", DIR_QID);
	const char *names[1] = { "whole.txt" };
	build_tsread(&msg, 8, 1, 1, names);
	send(&t);
	build_rsread(&msg, 8, data, sizeof data);
	send(&t);
	struct ninep_file *f = file(&t, "/e/whole.txt");
	if (CHECK(f != NULL, "Tsread/Rsread reads a whole file")) {
		CHECK(f->size == sizeof data && f->captured == sizeof data && f->holes == 0, "exactly the Rsread count");
		CHECK(memcmp(content(f), data, sizeof data) == 0, "the Rsread's bytes");
	}
	/* Tswrite replaces it: the file is then exactly its 700 bytes */
	build_tswrite(&msg, 9, 1, 1, names, data2, sizeof data2);
	send(&t);
	build_rswrite(&msg, 9, sizeof data2);
	send(&t);
	if (f != NULL) {
		CHECK(f->size == sizeof data2 && f->captured == sizeof data2 && f->holes == 0,
		      "a Tswrite's count is the size: %llu", (unsigned long long)f->size);
		CHECK(((struct stored *)f->user)->restarted == 2, "the store was told to start again, at the Rsread and the Tswrite");
		CHECK(memcmp(content(f), data2, sizeof data2) == 0, "the Tswrite's bytes");
		CHECK(f->access == (NINEP_FILE_READ | NINEP_FILE_WRITTEN), "read+written");
		CHECK(strcmp(ninep_file_access_name(f->access), "read+written") == 0, "named read+written");
	}
	/* an Rsread of a directory: stat records, not a file */
	struct buf stats;
	buf_init(&stats, MSG_CEILING);
	struct stat_rec s = { 0, 0, FILE_QID, 0644, 0, 0, 5, "whole.txt", "u", "g", "u", NULL, 0, 0, 0 };
	msg_stat(&stats, &s, 0);
	build_tsread(&msg, 10, 1, 0, NULL);
	send(&t);
	build_rsread(&msg, 10, stats.data, (uint32_t)stats.len);
	send(&t);
	CHECK(file(&t, "/e") == NULL, "a directory's Rsread is not a file");
	buf_free(&stats);
	tool_end(&t);
}

static void unknown_fids_cuts_and_limits(void)
{
	struct tool t;
	tool_start(&t);
	uint8_t data[1000];
	fill(data, sizeof data, 7);
	/* no Tversion, no attach: fid 42 nobody saw made */
	read_exchange(&t, 42, 0, data, 100);
	struct ninep_file *f = file(&t, "(unknown)/127.0.0.1:40000-127.0.0.1:564/fid-42");
	CHECK(f != NULL && f->size == 100, "an unknown fid's content is named by connection and fid");

	/* a cut Rread: only its first 11 + 40 bytes captured */
	build_tread(&msg, 3, 42, 100, 500);
	send(&t);
	build_rread(&msg, 3, data + 100, 500);
	send_cut(&t, NINEP_HDRSZ + 4 + 40);
	if (f != NULL) {
		CHECK(f->size == 600, "the cut Rread's count still moves the size: %llu", (unsigned long long)f->size);
		CHECK(f->captured == 140 && f->holes == 1, "40 of its bytes captured, the rest a hole: %llu, %llu",
		      (unsigned long long)f->captured, (unsigned long long)f->holes);
		CHECK(memcmp(content(f), data, 140) == 0, "the captured bytes are the Rread's");
	}

	/* a Tread of which only the header was captured: no offset, no file */
	size_t before = ninep_files_count(t.set);
	build_tread(&msg, 6, 46, 0, 100);
	send_cut(&t, NINEP_HDRSZ + 2);
	build_rread(&msg, 6, data, 100);
	send(&t);
	CHECK(ninep_files_count(t.set) == before, "a read whose request was cut to its header carries no content");

	/* the size limit: a read that goes past 1 GiB keeps what is below */
	build_tread(&msg, 4, 43, NINEP_FILE_MAX_SIZE - 10, 100);
	send(&t);
	build_rread(&msg, 4, data, 100);
	send(&t);
	f = file(&t, "(unknown)/127.0.0.1:40000-127.0.0.1:564/fid-43");
	if (CHECK(f != NULL, "a file read near the limit")) {
		CHECK(f->size == NINEP_FILE_MAX_SIZE, "never larger than the limit");
		CHECK(f->captured == 10 && f->beyond_limit, "10 bytes kept, the rest said to be beyond the limit");
	}
	/* far beyond it: nothing kept, no overflow */
	build_tread(&msg, 5, 44, UINT64_MAX - 5, 100);
	send(&t);
	build_rread(&msg, 5, data, 100);
	send(&t);
	f = file(&t, "(unknown)/127.0.0.1:40000-127.0.0.1:564/fid-44");
	if (CHECK(f != NULL, "a file read at offset 2^64-6")) {
		CHECK(f->captured == 0 && f->size == NINEP_FILE_MAX_SIZE && f->beyond_limit, "nothing kept past the limit");
	}
	CHECK(t.puts_beyond_store == 1, "one store asked near the limit: %u", t.puts_beyond_store);

	/* the extent limit: disjoint one-byte reads */
	for (uint32_t i = 0; i <= NINEP_FILE_MAX_EXTENTS; i++)
		read_exchange(&t, 45, (uint64_t)i * 2, data, 1);
	f = file(&t, "(unknown)/127.0.0.1:40000-127.0.0.1:564/fid-45");
	if (CHECK(f != NULL, "a file of many ranges")) {
		CHECK(f->extents_full && f->captured == NINEP_FILE_MAX_EXTENTS,
		      "ranges past the extent limit are not kept: %llu", (unsigned long long)f->captured);
		CHECK(f->holes == NINEP_FILE_MAX_EXTENTS, "and count as holes: %llu", (unsigned long long)f->holes);
	}
	tool_end(&t);
}

static void held_limit(void)
{
	struct ninep_files *set = ninep_files_new();
	static uint8_t big[1 << 20];
	unsigned held = 0;
	for (unsigned i = 0; i < 100; i++)
		held += (unsigned)ninep_files_hold(set, i, big, sizeof big);
	CHECK(held == NINEP_FILES_HELD_MAX / sizeof big, "held up to the limit: %u", held);
	uint32_t n;
	CHECK(ninep_files_held(set, 99, &n) == NULL && n == 0, "beyond it, nothing held");
	CHECK(ninep_files_held(set, 3, &n) != NULL && n == sizeof big, "below it, held");
	for (unsigned i = 0; i < 100; i++)
		ninep_files_release(set, i);
	CHECK(ninep_files_held_bytes(set) == 0, "all let go");
	ninep_files_free(set);

	char ep[64];
	static const uint8_t v6[16] = { [15] = 1 };
	CHECK(strcmp(ninep_files_endpoint(ep, sizeof ep, 1, v6, 564), "[::1]:564") == 0, "IPv6 endpoint '%s'", ep);
	static const uint8_t v4[4] = { 10, 0, 0, 2 };
	CHECK(strcmp(ninep_files_endpoint(ep, sizeof ep, 0, v4, 5640), "10.0.0.2:5640") == 0, "IPv4 endpoint '%s'", ep);
}

int main(void)
{
	buf_init(&msg, MSG_CEILING);
	whole_read();
	reads_in_pieces_twice_and_holes();
	writes();
	not_files();
	xattr_fids();
	whole_file_ops();
	unknown_fids_cuts_and_limits();
	held_limit();
	buf_free(&msg);
	return check_summary();
}
