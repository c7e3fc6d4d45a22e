/*
 * Files of known content, for `ninep extract` and the plugin's Export
 * Objects (the files contract, include/ninep/files.h): a file read whole in
 * one Tread, one read in several, one read twice, one with a hole, one
 * written in several Twrites (one of them short), a failed write, a
 * directory, an auth fid, a fid nobody saw made (files_9p2000L); Tsread,
 * Tswrite and a Tswrite that replaces a file read with Tsread, a directory
 * read by Tsread and by Tread, a MUMBLE record (files_9p2000e); and
 * hostile names (files_hostile).
 *
 * Every file's content is file_content(seed, n): the test replays it
 * (tests/analyzer/test_extract.py), so what a tool saves is checked
 * against what was sent, never against a tool's own output.  The seeds and
 * sizes are stated beside each file.
 */
#include "cases.h"

#include "msgs.h"
#include "mumble.h"

#include <stdlib.h>
#include <string.h>

enum {
	READ_COUNT = MSG_MSIZE - 24, /* what v9fs asks: msize minus Rread's header */
	MSS = 1448,                  /* segments of a large message, as Ethernet TCP sends them */
	L_O_RDONLY = 0,
	L_O_WRONLY = 1,
	L_O_DIRECTORY = 0200000,
	L_ENOSPC = 28,
	AUTH_FID = 100,
	S_IFREG_0644 = 0100644,
};

/*
 * The content of file `seed`: byte i is bits 16..23 of the i+1-th state of
 * the LCG x = x * 1103515245 + 12345 (mod 2^32) started at x = seed.
 */
static uint8_t *file_content(uint32_t seed, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);
	if (p == NULL)
		abort();
	uint32_t x = seed;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (uint8_t)(x >> 16);
	}
	return p;
}

/* A message the size of an Ethernet segment or less goes in one. */
static void send_mss(struct sess *s, int side)
{
	if (s->m.len > MSS)
		sess_send_split(s, side, MSS);
	else
		sess_send(s, side);
}

static void walk1(struct sess *s, uint32_t fid, uint32_t newfid, const char *name, struct qid q)
{
	const char *const names[] = {name};
	build_twalk(&s->m, 1, fid, newfid, 1, names);
	sess_send(s, CLIENT);
	build_rwalk(&s->m, 1, 1, &q);
	sess_send(s, SERVER);
}

static void lopen(struct sess *s, uint32_t fid, uint32_t flags, struct qid q)
{
	build_tlopen(&s->m, 1, fid, flags);
	sess_send(s, CLIENT);
	build_rlopen(&s->m, 1, q, 0);
	sess_send(s, SERVER);
}

static void clunk(struct sess *s, uint32_t fid)
{
	build_tclunk(&s->m, 1, fid);
	sess_send(s, CLIENT);
	build_empty(&s->m, NINEP_Rclunk, 1);
	sess_send(s, SERVER);
}

/* Tread of `count` at offset, answered with data[0..n). */
static void read_at(struct sess *s, uint32_t fid, uint64_t offset, uint32_t count, const uint8_t *data, uint32_t n)
{
	build_tread(&s->m, 1, fid, offset, count);
	sess_send(s, CLIENT);
	build_rread(&s->m, 1, data, n);
	send_mss(s, SERVER);
}

/* Reads data[0..size) from offset 0 in Treads of READ_COUNT, then the
 * Tread at the end of the file that returns 0 bytes. */
static void read_all(struct sess *s, uint32_t fid, const uint8_t *data, uint32_t size)
{
	uint32_t at = 0;
	while (at < size) {
		uint32_t n = size - at < READ_COUNT ? size - at : READ_COUNT;
		read_at(s, fid, at, READ_COUNT, data + at, n);
		at += n;
	}
	read_at(s, fid, size, READ_COUNT, NULL, 0);
}

static void write_at(struct sess *s, uint32_t fid, uint64_t offset, const uint8_t *data, uint32_t n,
		     uint32_t written)
{
	build_twrite(&s->m, 1, fid, offset, data, n);
	send_mss(s, CLIENT);
	build_rwrite(&s->m, 1, written);
	sess_send(s, SERVER);
}

/* Walks to name, opens it, reads it all, clunks. */
static void l_read_file(struct sess *s, uint32_t fid, const char *name, const uint8_t *data, uint32_t size)
{
	struct qid q = l_file_qid(name);
	walk1(s, ROOT_FID, fid, name, q);
	lopen(s, fid, L_O_RDONLY, q);
	read_all(s, fid, data, size);
	clunk(s, fid);
}

void case_files_9p2000L(const char *outdir)
{
	struct case_ctx cx;
	struct sess s;
	struct capfile_options o = case_ethernet_pcap();
	struct flow_config fc = case_flow(NINEP_PORT);

	case_begin(&cx, outdir, "files_9p2000L", &o, "9P2000.L");
	sess_open(&s, cx.cf, &cx.lg, &fc, CASE_START_NS, 1);
	l_mount(&s); /* attach "/srv" */

	/* /srv/whole.bin: seed 1, 5000 bytes, read in one Tread */
	uint8_t *whole = file_content(1, 5000);
	l_read_file(&s, 1, "whole.bin", whole, 5000);

	/* /srv/pieces.bin: seed 2, 20000 bytes, in three Treads of 8168 */
	uint8_t *pieces = file_content(2, 20000);
	l_read_file(&s, 2, "pieces.bin", pieces, 20000);

	/* /srv/twice.txt: seed 3, 3000 bytes, read whole twice */
	uint8_t *twice = file_content(3, 3000);
	l_read_file(&s, 3, "twice.txt", twice, 3000);
	l_read_file(&s, 3, "twice.txt", twice, 3000);

	/* /srv/holey.bin: seed 4, of its 10000 bytes [0,1000) and [6000,8000)
	 * are read: size 8000, 3000 captured, one hole [1000,6000) */
	uint8_t *holey = file_content(4, 10000);
	struct qid hq = l_file_qid("holey.bin");
	walk1(&s, ROOT_FID, 4, "holey.bin", hq);
	lopen(&s, 4, L_O_RDONLY, hq);
	read_at(&s, 4, 0, 1000, holey, 1000);
	read_at(&s, 4, 6000, 2000, holey + 6000, 2000);
	clunk(&s, 4);

	/* /srv/written.txt: seed 5, 14000 bytes, created and written in
	 * Twrites of 4000; the fourth write (3000 bytes at 12000) is short:
	 * Rwrite says 1000, and the client writes the other 2000 again */
	uint8_t *written = file_content(5, 14000);
	struct qid wq = l_file_qid("written.txt");
	build_twalk(&s.m, 1, ROOT_FID, 5, 0, NULL); /* a clone of the root */
	sess_send(&s, CLIENT);
	build_rwalk(&s.m, 1, 0, NULL);
	sess_send(&s, SERVER);
	/* Tlcreate fid[4] name[s] flags[4] mode[4] gid[4]: fid 5 becomes the new file */
	msg_begin(&s.m, NINEP_Tlcreate, 1);
	msg_u32(&s.m, 5);
	msg_str(&s.m, "written.txt");
	msg_u32(&s.m, L_O_WRONLY);
	msg_u32(&s.m, S_IFREG_0644 & 07777);
	msg_u32(&s.m, 1000);
	msg_end(&s.m);
	sess_send(&s, CLIENT);
	build_rqid_iounit(&s.m, NINEP_Rlcreate, 1, wq, 0);
	sess_send(&s, SERVER);
	write_at(&s, 5, 0, written, 4000, 4000);
	write_at(&s, 5, 4000, written + 4000, 4000, 4000);
	write_at(&s, 5, 8000, written + 8000, 4000, 4000);
	write_at(&s, 5, 12000, written + 12000, 2000, 1000);
	write_at(&s, 5, 13000, written + 13000, 1000, 1000);
	clunk(&s, 5);

	/* /srv/full.txt: a write answered by Rlerror (ENOSPC) carries nothing */
	uint8_t *failed = file_content(6, 700);
	struct qid fq = l_file_qid("full.txt");
	walk1(&s, ROOT_FID, 6, "full.txt", fq);
	lopen(&s, 6, L_O_WRONLY, fq);
	build_twrite(&s.m, 1, 6, 0, failed, 700);
	sess_send(&s, CLIENT);
	build_rlerror(&s.m, 1, L_ENOSPC);
	sess_send(&s, SERVER);
	clunk(&s, 6);

	/* /srv/dir: a directory, listed with Treaddir: no file */
	struct qid dq = {NINEP_QTDIR, 0, 4242};
	walk1(&s, ROOT_FID, 7, "dir", dq);
	lopen(&s, 7, L_O_RDONLY | L_O_DIRECTORY, dq);
	{
		struct buf entries;
		buf_init(&entries, 1024);
		msg_dirent(&entries, l_file_qid("a"), 1, 8, "a");
		build_treaddir(&s.m, 1, 7, 0, READ_COUNT);
		sess_send(&s, CLIENT);
		build_rreaddir(&s.m, 1, entries.data, (uint32_t)entries.len);
		sess_send(&s, SERVER);
		buf_free(&entries);
	}
	clunk(&s, 7);

	/* an auth fid, written and read: no file */
	msg_begin(&s.m, NINEP_Tauth, 1);
	msg_u32(&s.m, AUTH_FID);
	msg_str(&s.m, "user");
	msg_str(&s.m, "");
	msg_u32(&s.m, 1000);
	msg_end(&s.m);
	sess_send(&s, CLIENT);
	build_rqid(&s.m, NINEP_Rauth, 1, (struct qid){NINEP_QTAUTH, 0, 99});
	sess_send(&s, SERVER);
	write_at(&s, AUTH_FID, 0, (const uint8_t *)"credentials", 11, 11);
	read_at(&s, AUTH_FID, 0, 64, (const uint8_t *)"ok", 2);
	clunk(&s, AUTH_FID);

	/* fid 77, made before anyone could see: seed 7, 1500 bytes read whole;
	 * named (unknown)/10.0.0.1:40564-10.0.0.2:564/fid-77 */
	uint8_t *unknown = file_content(7, 1500);
	read_at(&s, 77, 0, READ_COUNT, unknown, 1500);

	sess_end(&s, 1);
	case_end(&cx);
	free(whole);
	free(pieces);
	free(twice);
	free(holey);
	free(written);
	free(failed);
	free(unknown);
}

/* ---- 9P2000.e ------------------------------------------------------------------ */

static const struct qid e_root_qid = {NINEP_QTDIR, 0, 1};

static void e_tsread(struct sess *s, const char *name, const uint8_t *data, uint32_t n)
{
	const char *const names[] = {name};
	build_tsread(&s->m, 1, ROOT_FID, 1, names);
	sess_send(s, CLIENT);
	build_rsread(&s->m, 1, data, n);
	send_mss(s, SERVER);
}

static void e_tswrite(struct sess *s, const char *name, const uint8_t *data, uint32_t n)
{
	const char *const names[] = {name};
	build_tswrite(&s->m, 1, ROOT_FID, 1, names, data, n);
	send_mss(s, CLIENT);
	build_rswrite(&s->m, 1, n);
	sess_send(s, SERVER);
}

void case_files_9p2000e(const char *outdir)
{
	struct case_ctx cx;
	struct sess s;
	struct capfile_options o = case_ethernet_pcap();
	struct flow_config fc = case_flow(NINEP_PORT);

	case_begin(&cx, outdir, "files_9p2000e", &o, "9P2000.e");
	sess_open(&s, cx.cf, &cx.lg, &fc, CASE_START_NS, 1);
	build_tversion(&s.m, MSG_MSIZE, "9P2000.e");
	sess_send(&s, CLIENT);
	build_rversion(&s.m, MSG_MSIZE, "9P2000.e");
	sess_send(&s, SERVER);
	/* the MUMBLE record on the auth fid: a key, not a file */
	msg_begin(&s.m, NINEP_Tauth, 1);
	msg_u32(&s.m, AUTH_FID);
	msg_str(&s.m, "erlang");
	msg_str(&s.m, "");
	msg_end(&s.m);
	sess_send(&s, CLIENT);
	build_rqid(&s.m, NINEP_Rauth, 1, (struct qid){NINEP_QTAUTH, 0, 98});
	sess_send(&s, SERVER);
	{
		struct buf data;
		buf_init(&data, MSG_CEILING);
		mumble_write_data(&data, mumble_demo_key, "ling@host", "demo");
		build_twrite(&s.m, 1, AUTH_FID, 0, data.data, (uint32_t)data.len);
		sess_send(&s, CLIENT);
		build_rwrite(&s.m, 1, (uint32_t)data.len);
		sess_send(&s, SERVER);
		buf_free(&data);
	}
	build_tattach(&s.m, 1, ROOT_FID, NINEP_NOFID, "erlang", "", 0, 0);
	sess_send(&s, CLIENT);
	build_rattach(&s.m, 1, e_root_qid);
	sess_send(&s, SERVER);

	/* /e_read.txt: seed 8, 3000 bytes, by Tsread */
	uint8_t *e_read = file_content(8, 3000);
	e_tsread(&s, "e_read.txt", e_read, 3000);
	/* /e_new.txt: seed 9, 2500 bytes, by Tswrite */
	uint8_t *e_new = file_content(9, 2500);
	e_tswrite(&s, "e_new.txt", e_new, 2500);
	/* /e_read.txt replaced by Tswrite: seed 10, 1000 bytes; the file is
	 * then exactly these 1000 bytes, read+written */
	uint8_t *e_replace = file_content(10, 1000);
	e_tswrite(&s, "e_read.txt", e_replace, 1000);

	/* /sub, a directory: by Tsread and by Topen/Tread, stat records */
	struct buf stats;
	buf_init(&stats, 4096);
	struct stat_rec st = {0, 0, l_file_qid("x"), 0644, 0, 0, 5, "x", "erlang", "erlang", "erlang", NULL, 0, 0, 0};
	msg_stat(&stats, &st, 0);
	e_tsread(&s, "sub", stats.data, (uint32_t)stats.len);
	struct qid sub_qid = {NINEP_QTDIR, 0, 55};
	walk1(&s, ROOT_FID, 2, "sub", sub_qid);
	build_topen(&s.m, 1, 2, NINEP_OREAD);
	sess_send(&s, CLIENT);
	build_rqid_iounit(&s.m, NINEP_Ropen, 1, sub_qid, 0);
	sess_send(&s, SERVER);
	read_at(&s, 2, 0, READ_COUNT, stats.data, (uint32_t)stats.len);
	clunk(&s, 2);
	buf_free(&stats);

	sess_end(&s, 1);
	case_end(&cx);
	free(e_read);
	free(e_new);
	free(e_replace);
}

/* ---- hostile names ----------------------------------------------------------- */

/* Twalk of one name of `len` bytes (which may hold NUL), with its qid. */
static void walk_raw(struct sess *s, uint32_t fid, uint32_t newfid, const char *name, size_t len, struct qid q)
{
	msg_begin(&s->m, NINEP_Twalk, 1);
	msg_u32(&s->m, fid);
	msg_u32(&s->m, newfid);
	msg_u16(&s->m, 1);
	msg_u16(&s->m, (uint16_t)len);
	msg_bytes(&s->m, name, len);
	msg_end(&s->m);
	sess_send(s, CLIENT);
	build_rwalk(&s->m, 1, 1, &q);
	sess_send(s, SERVER);
}

/* A hostile file: walked from the root to `name` (one wname), read whole.
 * Its content is file_content(seed, 100 + seed). */
static void hostile_file(struct sess *s, const char *name, size_t len, uint32_t seed)
{
	struct qid q = {NINEP_QTFILE, 0, 1000 + seed};
	uint32_t size = 100 + seed;
	uint8_t *data = file_content(seed, size);
	walk_raw(s, ROOT_FID, 1, name, len, q);
	build_topen(&s->m, 1, 1, NINEP_OREAD);
	sess_send(s, CLIENT);
	build_rqid_iounit(&s->m, NINEP_Ropen, 1, q, 0);
	sess_send(s, SERVER);
	read_at(s, 1, 0, READ_COUNT, data, size);
	clunk(s, 1);
	free(data);
}

#define NAME(lit) lit, sizeof lit - 1

void case_files_hostile(const char *outdir)
{
	struct case_ctx cx;
	struct sess s;
	struct capfile_options o = case_ethernet_pcap();
	struct flow_config fc = case_flow(NINEP_PORT);

	case_begin(&cx, outdir, "files_hostile", &o, "9P2000");
	sess_open(&s, cx.cf, &cx.lg, &fc, CASE_START_NS, 1);
	build_tversion(&s.m, MSG_MSIZE, "9P2000");
	sess_send(&s, CLIENT);
	build_rversion(&s.m, MSG_MSIZE, "9P2000");
	sess_send(&s, SERVER);
	/* an attach name that tries to climb: the root is still "/" */
	build_tattach(&s.m, 1, ROOT_FID, NINEP_NOFID, "glenda", "../../../..", 0, 0);
	sess_send(&s, CLIENT);
	build_rattach(&s.m, 1, e_root_qid);
	sess_send(&s, SERVER);

	/* seeds 1..: each file's content is file_content(seed, 100 + seed) */
	hostile_file(&s, NAME("../../../../../../tmp/escape.txt"), 1);
	hostile_file(&s, NAME("/etc/cron.d/evil"), 2);
	hostile_file(&s, NAME("nul\0byte"), 3);
	hostile_file(&s, NAME("\x1b[31mred\x1b[0m\x07"), 4);
	hostile_file(&s, NAME("new\nline\r\n"), 5);
	hostile_file(&s, NAME("100%.txt"), 6);
	hostile_file(&s, NAME("%2E%2E"), 7);
	/* UTF-8 (bytes from 0x80 up); not invalid UTF-8: the plugin's PDML
	 * then is not XML, which the integration test reads */
	hostile_file(&s, NAME("caf\xc3\xa9 \xe2\x82\xac"), 8);
	hostile_file(&s, NAME("a/./b/../../../c"), 9);
	hostile_file(&s, NAME("comma,\"quote\""), 10);
	hostile_file(&s, NAME("back\\slash"), 11);
	/* a 300-byte name */
	char long_name[300];
	memset(long_name, 'L', sizeof long_name);
	hostile_file(&s, long_name, sizeof long_name, 12);
	/* a second 300-byte name sharing the first 299 bytes: its own file */
	long_name[299] = 'M';
	hostile_file(&s, long_name, sizeof long_name, 13);
	/* a 5000-byte path: 25 elements of 199 bytes in one walk name */
	char deep[25 * 200];
	for (size_t i = 0; i < sizeof deep; i++)
		deep[i] = i % 200 == 199 ? '/' : (char)('a' + (i / 200) % 26);
	hostile_file(&s, deep, sizeof deep - 1, 14);
	/* for the test to plant a symbolic link at planted/ and at link.txt */
	hostile_file(&s, NAME("planted/evil.txt"), 15);
	hostile_file(&s, NAME("link.txt"), 16);
	/* a name that is only dots and slashes: walks nowhere, the root */
	hostile_file(&s, NAME("../.."), 17);

	sess_end(&s, 1);
	case_end(&cx);
}
