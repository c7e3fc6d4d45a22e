/*
 * The byte vectors of vectors.h.  Each message is written as
 *   size[4] type[1] tag[2] body
 * with the size counted by hand; the comments give each field as the spec
 * names it.  Values are chosen distinct so that a field read from the wrong
 * place shows.
 */
#include "vectors.h"

#include <string.h>

#include <ninep/protocol.h>

enum {
	P9 = NINEP_DIALECT_9P2000,
	U = NINEP_DIALECT_U,
	L = NINEP_DIALECT_L,
	E = NINEP_DIALECT_E,
	ALL = P9 | U | L | E,
	NOT_L = P9 | U | E,
};

/* Little-endian bytes of a constant. */
#define LE16(v) (uint8_t)((v)&0xffu), (uint8_t)(((v) >> 8) & 0xffu)
#define LE32(v) LE16((uint32_t)(v)&0xffffu), LE16(((uint32_t)(v) >> 16) & 0xffffu)
#define LE64(v) LE32((uint64_t)(v)&0xffffffffu), LE32(((uint64_t)(v) >> 32) & 0xffffffffu)
/* The header: size[4] type[1] tag[2]. */
#define HDR(size, type, tag) LE32(size), (uint8_t)(type), LE16(tag)
/* A qid: type[1] version[4] path[8]. */
#define QID(type, version, path) (uint8_t)(type), LE32(version), LE64(path)

/* Expected items. */
#define WU(f, sz, v) { WANT_UINT, f, sz, v, NULL, 0, 0, 0 }
#define WS(f, s) { WANT_STRING, f, NINEP_BIT16SZ + sizeof(s) - 1, sizeof(s) - 1, s, 0, 0, 0 }
#define WQ(f, t, v, p) { WANT_QID, f, NINEP_QIDSZ, NINEP_QIDSZ, NULL, t, v, p }
#define WB(f, n, s) { WANT_BYTES, f, n, n, s, 0, 0, 0 }
#define WR(f, n) { WANT_RECORD, f, n, n, NULL, 0, 0, 0 }
#define WHDR(size, type, tag) WU("size", 4, size), WU("type", 1, type), WU("tag", 2, tag)

#define NOTAG 0xffffu
#define NOFID 0xffffffffu

/* ======================= 9P2000 and what the others keep ================ */

/* Written in plain hex, to pin the byte order of the macros above. */
static const uint8_t b_tversion[] = {
	0x13, 0x00, 0x00, 0x00,              /* size 19 */
	0x64,                                /* type 100 Tversion */
	0xff, 0xff,                          /* tag NOTAG */
	0x00, 0x20, 0x00, 0x00,              /* msize 8192 */
	0x06, 0x00, '9', 'P', '2', '0', '0', '0', /* version[s] "9P2000" */
};
static const struct want w_tversion[] = { WHDR(19, 100, NOTAG), WU("msize", 4, 8192), WS("version", "9P2000") };

static const uint8_t b_rversion[] = {
	0x15, 0x00, 0x00, 0x00,  /* size 21 */
	0x65,                    /* type 101 Rversion */
	0xff, 0xff,              /* tag NOTAG */
	0x00, 0x10, 0x00, 0x00,  /* msize 4096 */
	0x08, 0x00, '9', 'P', '2', '0', '0', '0', '.', 'L', /* version[s] */
};
static const struct want w_rversion[] = { WHDR(21, 101, NOTAG), WU("msize", 4, 4096), WS("version", "9P2000.L") };

static const uint8_t b_tauth[] = {
	HDR(18, 102, 0x0102),
	0x05, 0x00, 0x00, 0x00,       /* afid 5 */
	0x03, 0x00, 'r', 'o', 'n',    /* uname "ron" */
	0x00, 0x00,                   /* aname "" */
};
static const struct want w_tauth[] = { WHDR(18, 102, 0x0102), WU("afid", 4, 5), WS("uname", "ron"), WS("aname", "") };

/* 9P2000.u and .L: n_uname[4] after aname */
static const uint8_t b_tauth_u[] = {
	HDR(23, 102, 0x0102),
	LE32(5),                  /* afid */
	LE16(3), 'r', 'o', 'n',   /* uname */
	LE16(1), '/',             /* aname */
	LE32(1000),               /* n_uname */
};
static const struct want w_tauth_u[] = { WHDR(23, 102, 0x0102), WU("afid", 4, 5), WS("uname", "ron"),
					 WS("aname", "/"), WU("n_uname", 4, 1000) };

static const uint8_t b_rauth[] = {
	HDR(20, 103, 0x0102),
	QID(NINEP_QTAUTH, 0, 0x1122334455667788u), /* aqid */
};
static const struct want w_rauth[] = { WHDR(20, 103, 0x0102), WQ("aqid", NINEP_QTAUTH, 0, 0x1122334455667788u) };

static const uint8_t b_tattach[] = {
	HDR(22, 104, 3),
	LE32(1),                  /* fid */
	LE32(NOFID),              /* afid: no authentication */
	LE16(3), 'r', 'o', 'n',   /* uname */
	LE16(0),                  /* aname "" */
};
static const struct want w_tattach[] = { WHDR(22, 104, 3), WU("fid", 4, 1), WU("afid", 4, NOFID), WS("uname", "ron"),
					 WS("aname", "") };

static const uint8_t b_tattach_u[] = {
	HDR(26, 104, 3),
	LE32(1),                  /* fid */
	LE32(NOFID),              /* afid */
	LE16(3), 'r', 'o', 'n',   /* uname */
	LE16(0),                  /* aname "" */
	LE32(1000),               /* n_uname */
};
static const struct want w_tattach_u[] = { WHDR(26, 104, 3), WU("fid", 4, 1), WU("afid", 4, NOFID),
					   WS("uname", "ron"), WS("aname", ""), WU("n_uname", 4, 1000) };

static const uint8_t b_rattach[] = {
	HDR(20, 105, 3),
	QID(NINEP_QTDIR, 3, 0x10), /* qid of the root */
};
static const struct want w_rattach[] = { WHDR(20, 105, 3), WQ("qid", NINEP_QTDIR, 3, 0x10) };

/* 9P2000, and Erlang on Xen's Rerror in .e/.L without the errno */
static const uint8_t b_rerror[] = {
	HDR(13, 107, 4),
	LE16(4), 'g', 'o', 'n', 'e', /* ename */
};
static const struct want w_rerror[] = { WHDR(13, 107, 4), WS("ename", "gone") };

/* 9P2000.u, and .e/.L with the .u errno */
static const uint8_t b_rerror_u[] = {
	HDR(17, 107, 4),
	LE16(4), 'g', 'o', 'n', 'e', /* ename */
	LE32(2),                     /* errno ENOENT */
};
static const struct want w_rerror_u[] = { WHDR(17, 107, 4), WS("ename", "gone"), WU("ecode", 4, 2) };

static const uint8_t b_tflush[] = { HDR(9, 108, 5), LE16(4) /* oldtag */ };
static const struct want w_tflush[] = { WHDR(9, 108, 5), WU("oldtag", 2, 4) };

static const uint8_t b_rflush[] = { HDR(7, 109, 5) };
static const struct want w_rflush[] = { WHDR(7, 109, 5) };

/* nwname 0: clones fid to newfid */
static const uint8_t b_twalk0[] = {
	HDR(17, 110, 6),
	LE32(1),  /* fid */
	LE32(2),  /* newfid */
	LE16(0),  /* nwname */
};
static const struct want w_twalk0[] = { WHDR(17, 110, 6), WU("fid", 4, 1), WU("newfid", 4, 2), WU("nwname", 2, 0) };

static const uint8_t b_twalk3[] = {
	HDR(32, 110, 6),
	LE32(1),                  /* fid */
	LE32(2),                  /* newfid */
	LE16(3),                  /* nwname */
	LE16(3), 'u', 's', 'r',   /* wname */
	LE16(3), 'r', 'o', 'n',   /* wname */
	LE16(3), 'l', 'i', 'b',   /* wname */
};
static const struct want w_twalk3[] = { WHDR(32, 110, 6), WU("fid", 4, 1),      WU("newfid", 4, 2),
					WU("nwname", 2, 3), WS("wname", "usr"), WS("wname", "ron"),
					WS("wname", "lib") };

/* MAXWELEM names: the most a walk may carry */
#define NAME1(c) LE16(1), c
static const uint8_t b_twalk16[] = {
	HDR(65, 110, 6),
	LE32(1),   /* fid */
	LE32(2),   /* newfid */
	LE16(16),  /* nwname */
	NAME1('a'), NAME1('b'), NAME1('c'), NAME1('d'), NAME1('e'), NAME1('f'), NAME1('g'), NAME1('h'),
	NAME1('i'), NAME1('j'), NAME1('k'), NAME1('l'), NAME1('m'), NAME1('n'), NAME1('o'), NAME1('p'),
};
static const struct want w_twalk16[] = {
	WHDR(65, 110, 6), WU("fid", 4, 1),   WU("newfid", 4, 2), WU("nwname", 2, 16), WS("wname", "a"),
	WS("wname", "b"), WS("wname", "c"),  WS("wname", "d"),   WS("wname", "e"),    WS("wname", "f"),
	WS("wname", "g"), WS("wname", "h"),  WS("wname", "i"),   WS("wname", "j"),    WS("wname", "k"),
	WS("wname", "l"), WS("wname", "m"),  WS("wname", "n"),   WS("wname", "o"),    WS("wname", "p"),
};

static const uint8_t b_rwalk0[] = { HDR(9, 111, 6), LE16(0) /* nwqid */ };
static const struct want w_rwalk0[] = { WHDR(9, 111, 6), WU("nwqid", 2, 0) };

static const uint8_t b_rwalk2[] = {
	HDR(35, 111, 6),
	LE16(2),                          /* nwqid */
	QID(NINEP_QTDIR, 0, 0x21),        /* wqid */
	QID(NINEP_QTFILE, 5, 0x22),       /* wqid */
};
static const struct want w_rwalk2[] = { WHDR(35, 111, 6), WU("nwqid", 2, 2), WQ("wqid", NINEP_QTDIR, 0, 0x21),
					WQ("wqid", NINEP_QTFILE, 5, 0x22) };

static const uint8_t b_topen[] = {
	HDR(12, 112, 7),
	LE32(1),                         /* fid */
	NINEP_OTRUNC | NINEP_OWRITE,     /* mode */
};
static const struct want w_topen[] = { WHDR(12, 112, 7), WU("fid", 4, 1), WU("open_mode", 1, 0x11) };

static const uint8_t b_ropen[] = {
	HDR(24, 113, 7),
	QID(NINEP_QTFILE, 1, 0x30),  /* qid */
	LE32(8168),                  /* iounit */
};
static const struct want w_ropen[] = { WHDR(24, 113, 7), WQ("qid", 0, 1, 0x30), WU("iounit", 4, 8168) };

static const uint8_t b_tcreate[] = {
	HDR(21, 114, 8),
	LE32(1),                  /* fid */
	LE16(3), 'n', 'e', 'w',   /* name */
	LE32(0644),               /* perm */
	NINEP_OWRITE,             /* mode */
};
static const struct want w_tcreate[] = { WHDR(21, 114, 8), WU("fid", 4, 1), WS("name", "new"), WU("perm", 4, 0644),
					 WU("open_mode", 1, 1) };

/* 9P2000.u: a symlink, its target in extension */
static const uint8_t b_tcreate_u[] = {
	HDR(29, 114, 8),
	LE32(1),                                    /* fid */
	LE16(3), 'l', 'n', 'k',                     /* name */
	LE32(NINEP_DMSYMLINK | 0777),               /* perm */
	NINEP_OREAD,                                /* mode */
	LE16(6), 't', 'a', 'r', 'g', 'e', 't',      /* extension */
};
static const struct want w_tcreate_u[] = { WHDR(29, 114, 8),        WU("fid", 4, 1),
					   WS("name", "lnk"),        WU("perm", 4, NINEP_DMSYMLINK | 0777),
					   WU("open_mode", 1, 0),    WS("extension", "target") };

static const uint8_t b_rcreate[] = {
	HDR(24, 115, 8),
	QID(NINEP_QTFILE, 0, 0x31), /* qid */
	LE32(0),                    /* iounit: use msize */
};
static const struct want w_rcreate[] = { WHDR(24, 115, 8), WQ("qid", 0, 0, 0x31), WU("iounit", 4, 0) };

static const uint8_t b_tread[] = {
	HDR(23, 116, 9),
	LE32(1),             /* fid */
	LE64(0x100000000u),  /* offset: above 4 GiB */
	LE32(8192),          /* count */
};
static const struct want w_tread[] = { WHDR(23, 116, 9), WU("fid", 4, 1), WU("offset", 8, 0x100000000u),
				       WU("count", 4, 8192) };

static const uint8_t b_rread[] = {
	HDR(16, 117, 9),
	LE32(5),                  /* count */
	'h', 'e', 'l', 'l', 'o',  /* data */
};
static const struct want w_rread[] = { WHDR(16, 117, 9), WU("count", 4, 5), WB("data", 5, "hello") };

static const uint8_t b_twrite[] = {
	HDR(26, 118, 10),
	LE32(1),        /* fid */
	LE64(16),       /* offset */
	LE32(3),        /* count */
	'a', 'b', 'c',  /* data */
};
static const struct want w_twrite[] = { WHDR(26, 118, 10), WU("fid", 4, 1), WU("offset", 8, 16), WU("count", 4, 3),
					WB("data", 3, "abc") };

static const uint8_t b_rwrite[] = { HDR(11, 119, 10), LE32(3) /* count */ };
static const struct want w_rwrite[] = { WHDR(11, 119, 10), WU("count", 4, 3) };

static const uint8_t b_tclunk[] = { HDR(11, 120, 11), LE32(1) /* fid */ };
static const struct want w_tclunk[] = { WHDR(11, 120, 11), WU("fid", 4, 1) };

static const uint8_t b_rclunk[] = { HDR(7, 121, 11) };
static const struct want w_rclunk[] = { WHDR(7, 121, 11) };

static const uint8_t b_tremove[] = { HDR(11, 122, 12), LE32(9) /* fid */ };
static const struct want w_tremove[] = { WHDR(11, 122, 12), WU("fid", 4, 9) };

static const uint8_t b_rremove[] = { HDR(7, 123, 12) };
static const struct want w_rremove[] = { WHDR(7, 123, 12) };

static const uint8_t b_tstat[] = { HDR(11, 124, 13), LE32(1) /* fid */ };
static const struct want w_tstat[] = { WHDR(11, 124, 13), WU("fid", 4, 1) };

/* A 9P2000 stat record: 41 fixed bytes and four strings, 59 in all. */
#define STAT_9P2000                                                                            \
	LE16(57),                    /* size: the bytes after itself */                        \
	LE16(0x4d),                  /* type */                                                \
	LE32(1),                     /* dev */                                                 \
	QID(NINEP_QTFILE, 2, 0x40),  /* qid */                                                 \
	LE32(0644),                  /* mode */                                                \
	LE32(1700000000),            /* atime */                                               \
	LE32(1700000001),            /* mtime */                                               \
	LE64(12),                    /* length */                                              \
	LE16(1), 'f',                /* name */                                                \
	LE16(3), 'r', 'o', 'n',      /* uid */                                                 \
	LE16(3), 's', 'y', 's',      /* gid */                                                 \
	LE16(3), 'r', 'o', 'n'       /* muid */
#define W_STAT_9P2000                                                                                   \
	WU("stat.size", 2, 57), WU("stat.type", 2, 0x4d), WU("stat.dev", 4, 1),                           \
		WQ("stat.qid", 0, 2, 0x40), WU("stat.mode", 4, 0644), WU("stat.atime", 4, 1700000000),    \
		WU("stat.mtime", 4, 1700000001), WU("stat.length", 8, 12), WS("stat.name", "f"),         \
		WS("stat.uid", "ron"), WS("stat.gid", "sys"), WS("stat.muid", "ron")

/* The same file in 9P2000.u: extension and numeric ids added, 73 bytes. */
#define STAT_U                                                                                 \
	LE16(71),                    /* size */                                                \
	LE16(0x4d),                  /* type */                                                \
	LE32(1),                     /* dev */                                                 \
	QID(NINEP_QTFILE, 2, 0x40),  /* qid */                                                 \
	LE32(0644),                  /* mode */                                                \
	LE32(1700000000),            /* atime */                                               \
	LE32(1700000001),            /* mtime */                                               \
	LE64(12),                    /* length */                                              \
	LE16(1), 'f',                /* name */                                                \
	LE16(3), 'r', 'o', 'n',      /* uid */                                                 \
	LE16(3), 's', 'y', 's',      /* gid */                                                 \
	LE16(3), 'r', 'o', 'n',      /* muid */                                                \
	LE16(0),                     /* extension "" */                                        \
	LE32(1000),                  /* n_uid */                                               \
	LE32(100),                   /* n_gid */                                               \
	LE32(1001)                   /* n_muid */
#define W_STAT_U                                                                                        \
	WU("stat.size", 2, 71), WU("stat.type", 2, 0x4d), WU("stat.dev", 4, 1),                           \
		WQ("stat.qid", 0, 2, 0x40), WU("stat.mode", 4, 0644), WU("stat.atime", 4, 1700000000),    \
		WU("stat.mtime", 4, 1700000001), WU("stat.length", 8, 12), WS("stat.name", "f"),         \
		WS("stat.uid", "ron"), WS("stat.gid", "sys"), WS("stat.muid", "ron"),                     \
		WS("stat.extension", ""), WU("stat.n_uid", 4, 1000), WU("stat.n_gid", 4, 100),            \
		WU("stat.n_muid", 4, 1001)

static const uint8_t b_rstat[] = {
	HDR(68, 125, 13),
	LE16(59),     /* n */
	STAT_9P2000,  /* stat[n] */
};
static const struct want w_rstat[] = { WHDR(68, 125, 13), WU("stat_length", 2, 59), WR("stat", 59), W_STAT_9P2000 };

static const uint8_t b_rstat_u[] = {
	HDR(82, 125, 13),
	LE16(73),  /* n */
	STAT_U,    /* stat[n] */
};
static const struct want w_rstat_u[] = { WHDR(82, 125, 13), WU("stat_length", 2, 73), WR("stat", 73), W_STAT_U };

/* Twstat's "don't touch" stat: every integer ~0, every string empty, but a
 * new name: a rename. */
static const uint8_t b_twstat[] = {
	HDR(65, 126, 14),
	LE32(1),                          /* fid */
	LE16(52),                         /* n */
	LE16(50),                         /* stat.size */
	LE16(0xffff),                     /* type */
	LE32(0xffffffffu),                /* dev */
	QID(0xff, 0xffffffffu, UINT64_MAX), /* qid */
	LE32(0xffffffffu),                /* mode */
	LE32(0xffffffffu),                /* atime */
	LE32(0xffffffffu),                /* mtime */
	LE64(UINT64_MAX),                 /* length */
	LE16(3), 'n', 'e', 'w',           /* name */
	LE16(0),                          /* uid */
	LE16(0),                          /* gid */
	LE16(0),                          /* muid */
};
static const struct want w_twstat[] = {
	WHDR(65, 126, 14),     WU("fid", 4, 1),
	WU("stat_length", 2, 52), WR("stat", 52),
	WU("stat.size", 2, 50),   WU("stat.type", 2, 0xffff),
	WU("stat.dev", 4, 0xffffffffu), WQ("stat.qid", 0xff, 0xffffffffu, UINT64_MAX),
	WU("stat.mode", 4, 0xffffffffu), WU("stat.atime", 4, 0xffffffffu),
	WU("stat.mtime", 4, 0xffffffffu), WU("stat.length", 8, UINT64_MAX),
	WS("stat.name", "new"),  WS("stat.uid", ""),
	WS("stat.gid", ""),      WS("stat.muid", ""),
};

static const uint8_t b_twstat_u[] = {
	HDR(79, 126, 14),
	LE32(1),                          /* fid */
	LE16(66),                         /* n */
	LE16(64),                         /* stat.size */
	LE16(0xffff),                     /* type */
	LE32(0xffffffffu),                /* dev */
	QID(0xff, 0xffffffffu, UINT64_MAX), /* qid */
	LE32(0xffffffffu),                /* mode */
	LE32(0xffffffffu),                /* atime */
	LE32(0xffffffffu),                /* mtime */
	LE64(UINT64_MAX),                 /* length */
	LE16(3), 'n', 'e', 'w',           /* name */
	LE16(0),                          /* uid */
	LE16(0),                          /* gid */
	LE16(0),                          /* muid */
	LE16(0),                          /* extension */
	LE32(0xffffffffu),                /* n_uid */
	LE32(0xffffffffu),                /* n_gid */
	LE32(0xffffffffu),                /* n_muid */
};
static const struct want w_twstat_u[] = {
	WHDR(79, 126, 14),     WU("fid", 4, 1),
	WU("stat_length", 2, 66), WR("stat", 66),
	WU("stat.size", 2, 64),   WU("stat.type", 2, 0xffff),
	WU("stat.dev", 4, 0xffffffffu), WQ("stat.qid", 0xff, 0xffffffffu, UINT64_MAX),
	WU("stat.mode", 4, 0xffffffffu), WU("stat.atime", 4, 0xffffffffu),
	WU("stat.mtime", 4, 0xffffffffu), WU("stat.length", 8, UINT64_MAX),
	WS("stat.name", "new"),  WS("stat.uid", ""),
	WS("stat.gid", ""),      WS("stat.muid", ""),
	WS("stat.extension", ""), WU("stat.n_uid", 4, 0xffffffffu),
	WU("stat.n_gid", 4, 0xffffffffu), WU("stat.n_muid", 4, 0xffffffffu),
};

static const uint8_t b_rwstat[] = { HDR(7, 127, 14) };
static const struct want w_rwstat[] = { WHDR(7, 127, 14) };

/* plan9port openfd(9p) */
static const uint8_t b_topenfd[] = { HDR(12, 98, 15), LE32(1) /* fid */, NINEP_ORDWR /* mode */ };
static const struct want w_topenfd[] = { WHDR(12, 98, 15), WU("fid", 4, 1), WU("open_mode", 1, 2) };

static const uint8_t b_ropenfd[] = {
	HDR(28, 99, 15),
	QID(NINEP_QTFILE, 0, 0x50),  /* qid */
	LE32(0),                     /* iounit */
	LE32(3),                     /* unixfd */
};
static const struct want w_ropenfd[] = { WHDR(28, 99, 15), WQ("qid", 0, 0, 0x50), WU("iounit", 4, 0),
					 WU("unixfd", 4, 3) };

/* ================================ 9P2000.L ============================== */

static const uint8_t b_rlerror[] = { HDR(11, 7, 20), LE32(2) /* ecode ENOENT */ };
static const struct want w_rlerror[] = { WHDR(11, 7, 20), WU("ecode", 4, 2) };

static const uint8_t b_tstatfs[] = { HDR(11, 8, 21), LE32(1) /* fid */ };
static const struct want w_tstatfs[] = { WHDR(11, 8, 21), WU("fid", 4, 1) };

static const uint8_t b_rstatfs[] = {
	HDR(67, 9, 21),
	LE32(0x01021997),  /* type V9FS_MAGIC */
	LE32(4096),        /* bsize */
	LE64(1000),        /* blocks */
	LE64(500),         /* bfree */
	LE64(400),         /* bavail */
	LE64(100),         /* files */
	LE64(50),          /* ffree */
	LE64(0x1234),      /* fsid */
	LE32(255),         /* namelen */
};
static const struct want w_rstatfs[] = {
	WHDR(67, 9, 21),      WU("statfs.type", 4, 0x01021997), WU("bsize", 4, 4096), WU("blocks", 8, 1000),
	WU("bfree", 8, 500),  WU("bavail", 8, 400),             WU("files", 8, 100),  WU("ffree", 8, 50),
	WU("fsid", 8, 0x1234), WU("namelen", 4, 255),
};

static const uint8_t b_tlopen[] = { HDR(15, 12, 22), LE32(1) /* fid */, LE32(0x8002) /* flags */ };
static const struct want w_tlopen[] = { WHDR(15, 12, 22), WU("fid", 4, 1), WU("open_flags", 4, 0x8002) };

static const uint8_t b_rlopen[] = { HDR(24, 13, 22), QID(0, 1, 0x60) /* qid */, LE32(0) /* iounit */ };
static const struct want w_rlopen[] = { WHDR(24, 13, 22), WQ("qid", 0, 1, 0x60), WU("iounit", 4, 0) };

static const uint8_t b_tlcreate[] = {
	HDR(28, 14, 23),
	LE32(1),                  /* fid */
	LE16(3), 'n', 'e', 'w',   /* name */
	LE32(0x41),               /* flags O_CREAT|O_WRONLY */
	LE32(0100644),            /* mode */
	LE32(100),                /* gid */
};
static const struct want w_tlcreate[] = { WHDR(28, 14, 23),          WU("fid", 4, 1),     WS("name", "new"),
					  WU("open_flags", 4, 0x41), WU("mode", 4, 0100644), WU("gid", 4, 100) };

static const uint8_t b_rlcreate[] = { HDR(24, 15, 23), QID(0, 0, 0x61) /* qid */, LE32(4096) /* iounit */ };
static const struct want w_rlcreate[] = { WHDR(24, 15, 23), WQ("qid", 0, 0, 0x61), WU("iounit", 4, 4096) };

static const uint8_t b_tsymlink[] = {
	HDR(25, 16, 24),
	LE32(1),                       /* fid */
	LE16(2), 'l', 'n',             /* name */
	LE16(4), '/', 't', 'm', 'p',   /* symtgt */
	LE32(100),                     /* gid */
};
static const struct want w_tsymlink[] = { WHDR(25, 16, 24), WU("fid", 4, 1), WS("name", "ln"), WS("symtgt", "/tmp"),
					  WU("gid", 4, 100) };

static const uint8_t b_rsymlink[] = { HDR(20, 17, 24), QID(NINEP_QTSYMLINK, 0, 0x62) /* qid */ };
static const struct want w_rsymlink[] = { WHDR(20, 17, 24), WQ("qid", NINEP_QTSYMLINK, 0, 0x62) };

static const uint8_t b_tmknod[] = {
	HDR(32, 18, 25),
	LE32(1),                  /* dfid */
	LE16(3), 'd', 'e', 'v',   /* name */
	LE32(020666),             /* mode S_IFCHR|0666 */
	LE32(1),                  /* major */
	LE32(3),                  /* minor */
	LE32(0),                  /* gid */
};
static const struct want w_tmknod[] = { WHDR(32, 18, 25),    WU("dfid", 4, 1),  WS("name", "dev"), WU("mode", 4, 020666),
					WU("major", 4, 1), WU("minor", 4, 3), WU("gid", 4, 0) };

static const uint8_t b_rmknod[] = { HDR(20, 19, 25), QID(0, 0, 0x63) /* qid */ };
static const struct want w_rmknod[] = { WHDR(20, 19, 25), WQ("qid", 0, 0, 0x63) };

static const uint8_t b_trename[] = { HDR(18, 20, 26), LE32(2) /* fid */, LE32(1) /* dfid */, LE16(1), 'b' /* name */ };
static const struct want w_trename[] = { WHDR(18, 20, 26), WU("fid", 4, 2), WU("dfid", 4, 1), WS("name", "b") };

static const uint8_t b_rrename[] = { HDR(7, 21, 26) };
static const struct want w_rrename[] = { WHDR(7, 21, 26) };

static const uint8_t b_treadlink[] = { HDR(11, 22, 27), LE32(2) /* fid */ };
static const struct want w_treadlink[] = { WHDR(11, 22, 27), WU("fid", 4, 2) };

static const uint8_t b_rreadlink[] = { HDR(13, 23, 27), LE16(4), '/', 't', 'm', 'p' /* target */ };
static const struct want w_rreadlink[] = { WHDR(13, 23, 27), WS("target", "/tmp") };

static const uint8_t b_tgetattr[] = { HDR(19, 24, 28), LE32(1) /* fid */, LE64(0x7ff) /* request_mask BASIC */ };
static const struct want w_tgetattr[] = { WHDR(19, 24, 28), WU("fid", 4, 1), WU("getattr.mask", 8, 0x7ff) };

static const uint8_t b_rgetattr[] = {
	HDR(160, 25, 28),
	LE64(0x7ff),          /* valid */
	QID(0, 1, 0x64),      /* qid */
	LE32(0100644),        /* mode */
	LE32(1000),           /* uid */
	LE32(100),            /* gid */
	LE64(1),              /* nlink */
	LE64(0x0801),         /* rdev */
	LE64(12),             /* size */
	LE64(4096),           /* blksize */
	LE64(8),              /* blocks */
	LE64(1700000000),     /* atime_sec */
	LE64(11),             /* atime_nsec */
	LE64(1700000002),     /* mtime_sec */
	LE64(13),             /* mtime_nsec */
	LE64(1700000004),     /* ctime_sec */
	LE64(15),             /* ctime_nsec */
	LE64(16),             /* btime_sec */
	LE64(17),             /* btime_nsec */
	LE64(18),             /* gen */
	LE64(19),             /* data_version */
};
static const struct want w_rgetattr[] = {
	WHDR(160, 25, 28),
	WU("attr.valid", 8, 0x7ff),
	WQ("qid", 0, 1, 0x64),
	WU("mode", 4, 0100644),
	WU("uid", 4, 1000),
	WU("gid", 4, 100),
	WU("nlink", 8, 1),
	WU("rdev", 8, 0x0801),
	WU("attr.size", 8, 12),
	WU("blksize", 8, 4096),
	WU("blocks", 8, 8),
	WU("atime_sec", 8, 1700000000),
	WU("atime_nsec", 8, 11),
	WU("mtime_sec", 8, 1700000002),
	WU("mtime_nsec", 8, 13),
	WU("ctime_sec", 8, 1700000004),
	WU("ctime_nsec", 8, 15),
	WU("btime_sec", 8, 16),
	WU("btime_nsec", 8, 17),
	WU("gen", 8, 18),
	WU("data_version", 8, 19),
};

static const uint8_t b_tsetattr[] = {
	HDR(67, 26, 29),
	LE32(1),        /* fid */
	LE32(0x7f),     /* valid */
	LE32(0100755),  /* mode */
	LE32(1),        /* uid */
	LE32(2),        /* gid */
	LE64(3),        /* size */
	LE64(4),        /* atime_sec */
	LE64(5),        /* atime_nsec */
	LE64(6),        /* mtime_sec */
	LE64(7),        /* mtime_nsec */
};
static const struct want w_tsetattr[] = {
	WHDR(67, 26, 29),     WU("fid", 4, 1),       WU("attr.valid", 4, 0x7f), WU("mode", 4, 0100755),
	WU("uid", 4, 1),      WU("gid", 4, 2),       WU("attr.size", 8, 3),     WU("atime_sec", 8, 4),
	WU("atime_nsec", 8, 5), WU("mtime_sec", 8, 6), WU("mtime_nsec", 8, 7),
};

static const uint8_t b_rsetattr[] = { HDR(7, 27, 29) };
static const struct want w_rsetattr[] = { WHDR(7, 27, 29) };

static const uint8_t b_txattrwalk[] = {
	HDR(23, 30, 30),
	LE32(1),                                   /* fid */
	LE32(2),                                   /* newfid */
	LE16(6), 'u', 's', 'e', 'r', '.', 'x',     /* name */
};
static const struct want w_txattrwalk[] = { WHDR(23, 30, 30), WU("fid", 4, 1), WU("newfid", 4, 2),
					    WS("name", "user.x") };

static const uint8_t b_rxattrwalk[] = { HDR(15, 31, 30), LE64(5) /* size */ };
static const struct want w_rxattrwalk[] = { WHDR(15, 31, 30), WU("xattr.size", 8, 5) };

static const uint8_t b_txattrcreate[] = {
	HDR(31, 32, 31),
	LE32(2),                                   /* fid */
	LE16(6), 'u', 's', 'e', 'r', '.', 'x',     /* name */
	LE64(5),                                   /* attr_size */
	LE32(1),                                   /* flags XATTR_CREATE */
};
static const struct want w_txattrcreate[] = { WHDR(31, 32, 31), WU("fid", 4, 2), WS("name", "user.x"),
					      WU("xattr.size", 8, 5), WU("flags", 4, 1) };

static const uint8_t b_rxattrcreate[] = { HDR(7, 33, 31) };
static const struct want w_rxattrcreate[] = { WHDR(7, 33, 31) };

static const uint8_t b_treaddir[] = { HDR(23, 40, 32), LE32(1) /* fid */, LE64(0) /* offset */, LE32(4096) /* count */ };
static const struct want w_treaddir[] = { WHDR(23, 40, 32), WU("fid", 4, 1), WU("offset", 8, 0), WU("count", 4, 4096) };

/* Two dirents, 25 bytes each: qid[13] offset[8] type[1] name[s] */
#define DIRENTS                                                        \
	QID(NINEP_QTDIR, 0, 0x70), LE64(1), 4 /* DT_DIR */, LE16(1), '.', \
	QID(NINEP_QTFILE, 0, 0x71), LE64(2), 8 /* DT_REG */, LE16(1), 'f'
#define W_DIRENTS                                                                                       \
	WQ("dirent.qid", NINEP_QTDIR, 0, 0x70), WU("dirent.offset", 8, 1), WU("dirent.type", 1, 4),         \
		WS("dirent.name", "."), WQ("dirent.qid", NINEP_QTFILE, 0, 0x71), WU("dirent.offset", 8, 2), \
		WU("dirent.type", 1, 8), WS("dirent.name", "f")

static const uint8_t b_rreaddir[] = {
	HDR(61, 41, 32),
	LE32(50),  /* count */
	DIRENTS,   /* data */
};
static const struct want w_rreaddir[] = { WHDR(61, 41, 32), WU("count", 4, 50), WB("data", 50, NULL) };

static const uint8_t b_tfsync[] = { HDR(15, 50, 33), LE32(1) /* fid */, LE32(1) /* datasync */ };
static const struct want w_tfsync[] = { WHDR(15, 50, 33), WU("fid", 4, 1), WU("datasync", 4, 1) };

/* older clients: fid only */
static const uint8_t b_tfsync_old[] = { HDR(11, 50, 33), LE32(1) /* fid */ };
static const struct want w_tfsync_old[] = { WHDR(11, 50, 33), WU("fid", 4, 1) };

static const uint8_t b_rfsync[] = { HDR(7, 51, 33) };
static const struct want w_rfsync[] = { WHDR(7, 51, 33) };

static const uint8_t b_tlock[] = {
	HDR(42, 52, 34),
	LE32(1),                          /* fid */
	1,                                /* type F_WRLCK */
	LE32(1),                          /* flags BLOCK */
	LE64(10),                         /* start */
	LE64(20),                         /* length */
	LE32(42),                         /* proc_id */
	LE16(4), 'h', 'o', 's', 't',      /* client_id */
};
static const struct want w_tlock[] = { WHDR(42, 52, 34),         WU("fid", 4, 1),          WU("lock.type", 1, 1),
				       WU("lock.flags", 4, 1),    WU("lock.start", 8, 10),  WU("lock.length", 8, 20),
				       WU("lock.proc_id", 4, 42), WS("lock.client_id", "host") };

static const uint8_t b_rlock[] = { HDR(8, 53, 34), 1 /* status BLOCKED */ };
static const struct want w_rlock[] = { WHDR(8, 53, 34), WU("lock.status", 1, 1) };

static const uint8_t b_tgetlock[] = {
	HDR(38, 54, 35),
	LE32(1),                          /* fid */
	0,                                /* type F_RDLCK */
	LE64(10),                         /* start */
	LE64(20),                         /* length */
	LE32(42),                         /* proc_id */
	LE16(4), 'h', 'o', 's', 't',      /* client_id */
};
static const struct want w_tgetlock[] = { WHDR(38, 54, 35),        WU("fid", 4, 1),          WU("lock.type", 1, 0),
					  WU("lock.start", 8, 10), WU("lock.length", 8, 20), WU("lock.proc_id", 4, 42),
					  WS("lock.client_id", "host") };

static const uint8_t b_rgetlock[] = {
	HDR(34, 55, 35),
	2,                                /* type F_UNLCK */
	LE64(10),                         /* start */
	LE64(20),                         /* length */
	LE32(42),                         /* proc_id */
	LE16(4), 'h', 'o', 's', 't',      /* client_id */
};
static const struct want w_rgetlock[] = { WHDR(34, 55, 35),       WU("lock.type", 1, 2),     WU("lock.start", 8, 10),
					  WU("lock.length", 8, 20), WU("lock.proc_id", 4, 42), WS("lock.client_id", "host") };

static const uint8_t b_tlink[] = { HDR(19, 70, 36), LE32(1) /* dfid */, LE32(2) /* fid */, LE16(2), 'h', 'l' /* name */ };
static const struct want w_tlink[] = { WHDR(19, 70, 36), WU("dfid", 4, 1), WU("fid", 4, 2), WS("name", "hl") };

static const uint8_t b_rlink[] = { HDR(7, 71, 36) };
static const struct want w_rlink[] = { WHDR(7, 71, 36) };

static const uint8_t b_tmkdir[] = {
	HDR(22, 72, 37),
	LE32(1),          /* dfid */
	LE16(1), 'd',     /* name */
	LE32(040755),     /* mode */
	LE32(100),        /* gid */
};
static const struct want w_tmkdir[] = { WHDR(22, 72, 37), WU("dfid", 4, 1), WS("name", "d"), WU("mode", 4, 040755),
					WU("gid", 4, 100) };

static const uint8_t b_rmkdir[] = { HDR(20, 73, 37), QID(NINEP_QTDIR, 0, 0x72) /* qid */ };
static const struct want w_rmkdir[] = { WHDR(20, 73, 37), WQ("qid", NINEP_QTDIR, 0, 0x72) };

static const uint8_t b_trenameat[] = {
	HDR(21, 74, 38),
	LE32(1),          /* olddirfid */
	LE16(1), 'a',     /* oldname */
	LE32(2),          /* newdirfid */
	LE16(1), 'b',     /* newname */
};
static const struct want w_trenameat[] = { WHDR(21, 74, 38), WU("olddirfid", 4, 1), WS("oldname", "a"),
					   WU("newdirfid", 4, 2), WS("newname", "b") };

static const uint8_t b_rrenameat[] = { HDR(7, 75, 38) };
static const struct want w_rrenameat[] = { WHDR(7, 75, 38) };

static const uint8_t b_tunlinkat[] = { HDR(18, 76, 39), LE32(1) /* dirfd */, LE16(1), 'a' /* name */,
				       LE32(0x200) /* flags AT_REMOVEDIR */ };
static const struct want w_tunlinkat[] = { WHDR(18, 76, 39), WU("dirfd", 4, 1), WS("name", "a"), WU("flags", 4, 0x200) };

static const uint8_t b_runlinkat[] = { HDR(7, 77, 39) };
static const struct want w_runlinkat[] = { WHDR(7, 77, 39) };

/* ================================ 9P2000.e ============================== */

static const uint8_t b_tsession[] = { HDR(15, 150, NOTAG), LE64(0x0102030405060708u) /* key */ };
static const struct want w_tsession[] = { WHDR(15, 150, NOTAG), WU("session_key", 8, 0x0102030405060708u) };

/* The v0.1 draft: node[s] group[s] key[4] */
static const uint8_t b_tsession_draft[] = {
	HDR(18, 150, NOTAG),
	LE16(2), 'n', '1',   /* node */
	LE16(1), 'g',        /* group */
	LE32(0xdeadbeef),    /* key */
};
static const struct want w_tsession_draft[] = { WHDR(18, 150, NOTAG), WS("session.node", "n1"),
						WS("session.group", "g"), WU("session_key", 4, 0xdeadbeef) };

static const uint8_t b_rsession[] = { HDR(7, 151, NOTAG) };
static const struct want w_rsession[] = { WHDR(7, 151, NOTAG) };

static const uint8_t b_tsread[] = {
	HDR(21, 152, 40),
	LE32(1),                  /* fid */
	LE16(2),                  /* nwname */
	LE16(3), 'u', 's', 'r',   /* wname */
	LE16(1), 'x',             /* wname */
};
static const struct want w_tsread[] = { WHDR(21, 152, 40), WU("fid", 4, 1), WU("nwname", 2, 2), WS("wname", "usr"),
					WS("wname", "x") };

static const uint8_t b_rsread[] = { HDR(13, 153, 40), LE32(2) /* count */, 'h', 'i' /* data */ };
static const struct want w_rsread[] = { WHDR(13, 153, 40), WU("count", 4, 2), WB("data", 2, "hi") };

static const uint8_t b_tswrite[] = {
	HDR(22, 154, 41),
	LE32(1),          /* fid */
	LE16(1),          /* nwname */
	LE16(1), 'x',     /* wname */
	LE32(2),          /* count */
	'h', 'i',         /* data */
};
static const struct want w_tswrite[] = { WHDR(22, 154, 41), WU("fid", 4, 1), WU("nwname", 2, 1), WS("wname", "x"),
					 WU("count", 4, 2), WB("data", 2, "hi") };

static const uint8_t b_rswrite[] = { HDR(11, 155, 41), LE32(2) /* count */ };
static const struct want w_rswrite[] = { WHDR(11, 155, 41), WU("count", 4, 2) };

/* ============================ nested records ============================ */

static const uint8_t b_stat[] = { STAT_9P2000 };
static const struct want w_stat[] = { W_STAT_9P2000 };

static const uint8_t b_stat_u[] = { STAT_U };
static const struct want w_stat_u[] = { W_STAT_U };

static const uint8_t b_dirents[] = { DIRENTS };
static const struct want w_dirents[] = { W_DIRENTS };

/* 51 bytes: the record inside "MUMBLE:" base64 ":" */
static const uint8_t b_mumble[] = {
	LE16(1),                                            /* version */
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9,
	0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0xb0, 0xb1, 0xb2, 0xb3, /* mac[20] */
	LE64(0x0102030405060708u),                          /* key */
	LE32(1700000000),                                   /* timestamp */
	LE32(3600),                                         /* ttl */
	LE16(2), 'n', '1',                                  /* node */
	LE16(1), 'g',                                       /* group */
	LE32(2),                                            /* nextra */
	'z', 'z',                                           /* extra */
};
static const struct want w_mumble[] = {
	WU("mumble.version", 2, 1),
	WB("mumble.mac", 20, "\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf\xb0\xb1\xb2\xb3"),
	WU("session_key", 8, 0x0102030405060708u),
	WU("mumble.timestamp", 4, 1700000000),
	WU("mumble.ttl", 4, 3600),
	WS("mumble.node", "n1"),
	WS("mumble.group", "g"),
	WU("mumble.extra_length", 4, 2),
	WB("mumble.extra", 2, "zz"),
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define V(label, dialects, id) { label, dialects, NULL, b_##id, sizeof b_##id, w_##id, COUNT(w_##id) }
#define RECORD(label, dialects, name, id) { label, dialects, name, b_##id, sizeof b_##id, w_##id, COUNT(w_##id) }

const struct vector unit_vectors[] = {
	V("Tversion", ALL, tversion),
	V("Rversion", ALL, rversion),
	V("Tauth", P9 | E, tauth),
	V("Tauth.u", U | L, tauth_u),
	V("Rauth", ALL, rauth),
	V("Tattach", P9 | E, tattach),
	V("Tattach.u", U | L, tattach_u),
	V("Rattach", ALL, rattach),
	V("Rerror", P9 | L | E, rerror),
	V("Rerror.u", U | L | E, rerror_u),
	V("Tflush", ALL, tflush),
	V("Rflush", ALL, rflush),
	V("Twalk 0 names", ALL, twalk0),
	V("Twalk 3 names", ALL, twalk3),
	V("Twalk 16 names", ALL, twalk16),
	V("Rwalk 0 qids", ALL, rwalk0),
	V("Rwalk 2 qids", ALL, rwalk2),
	V("Topen", NOT_L, topen),
	V("Ropen", NOT_L, ropen),
	V("Tcreate", P9 | E, tcreate),
	V("Tcreate.u", U, tcreate_u),
	V("Rcreate", NOT_L, rcreate),
	V("Tread", ALL, tread),
	V("Rread", ALL, rread),
	V("Twrite", ALL, twrite),
	V("Rwrite", ALL, rwrite),
	V("Tclunk", ALL, tclunk),
	V("Rclunk", ALL, rclunk),
	V("Tremove", ALL, tremove),
	V("Rremove", ALL, rremove),
	V("Tstat", NOT_L, tstat),
	V("Rstat", P9 | E, rstat),
	V("Rstat.u", U, rstat_u),
	V("Twstat", P9 | E, twstat),
	V("Twstat.u", U, twstat_u),
	V("Rwstat", NOT_L, rwstat),
	V("Topenfd", P9, topenfd),
	V("Ropenfd", P9, ropenfd),
	V("Rlerror", L, rlerror),
	V("Tstatfs", L, tstatfs),
	V("Rstatfs", L, rstatfs),
	V("Tlopen", L, tlopen),
	V("Rlopen", L, rlopen),
	V("Tlcreate", L, tlcreate),
	V("Rlcreate", L, rlcreate),
	V("Tsymlink", L, tsymlink),
	V("Rsymlink", L, rsymlink),
	V("Tmknod", L, tmknod),
	V("Rmknod", L, rmknod),
	V("Trename", L, trename),
	V("Rrename", L, rrename),
	V("Treadlink", L, treadlink),
	V("Rreadlink", L, rreadlink),
	V("Tgetattr", L, tgetattr),
	V("Rgetattr", L, rgetattr),
	V("Tsetattr", L, tsetattr),
	V("Rsetattr", L, rsetattr),
	V("Txattrwalk", L, txattrwalk),
	V("Rxattrwalk", L, rxattrwalk),
	V("Txattrcreate", L, txattrcreate),
	V("Rxattrcreate", L, rxattrcreate),
	V("Treaddir", L, treaddir),
	V("Rreaddir", L, rreaddir),
	V("Tfsync", L, tfsync),
	V("Tfsync old", L, tfsync_old),
	V("Rfsync", L, rfsync),
	V("Tlock", L, tlock),
	V("Rlock", L, rlock),
	V("Tgetlock", L, tgetlock),
	V("Rgetlock", L, rgetlock),
	V("Tlink", L, tlink),
	V("Rlink", L, rlink),
	V("Tmkdir", L, tmkdir),
	V("Rmkdir", L, rmkdir),
	V("Trenameat", L, trenameat),
	V("Rrenameat", L, rrenameat),
	V("Tunlinkat", L, tunlinkat),
	V("Runlinkat", L, runlinkat),
	V("Tsession", E, tsession),
	V("Tsession draft", E, tsession_draft),
	V("Rsession", E, rsession),
	V("Tsread", E, tsread),
	V("Rsread", E, rsread),
	V("Tswrite", E, tswrite),
	V("Rswrite", E, rswrite),
	RECORD("stat", P9 | E, "stat", stat),
	RECORD("stat.u", U, "stat", stat_u),
	RECORD("dirents", L, "dirent", dirents),
	RECORD("mumble", E, "mumble", mumble),
};

const size_t unit_vector_count = COUNT(unit_vectors);

const struct vector *unit_vector(const char *label)
{
	for (size_t i = 0; i < unit_vector_count; i++)
		if (strcmp(unit_vectors[i].label, label) == 0)
			return &unit_vectors[i];
	return NULL;
}
