/*
 * Hand encoding of 9P messages from explicit field values.  Deliberately
 * independent of include/ninep/decode.c: the generators are the truth the
 * decoder is tested against, so they share only the message numbers and
 * named sizes of <ninep/protocol.h>.  A message is built field by field
 * between msg_begin and msg_end, in the order of doc/9p-wire.md.
 */
#ifndef CAPWRITER_MSG_H
#define CAPWRITER_MSG_H

#include "buf.h"

#include <ninep/protocol.h>

#include <stddef.h>
#include <stdint.h>

struct qid {
	uint8_t type;
	uint32_t version;
	uint64_t path;
};

/* A stat record (9P2000; the .u fields are written when dotu is set). */
struct stat_rec {
	uint16_t type;
	uint32_t dev;
	struct qid qid;
	uint32_t mode, atime, mtime;
	uint64_t length;
	const char *name, *uid, *gid, *muid;
	const char *extension; /* .u */
	uint32_t n_uid, n_gid, n_muid;
};

void msg_begin(struct buf *m, uint8_t type, uint16_t tag);
/* Patches size[4]; the message is then complete. */
void msg_end(struct buf *m);

static inline void msg_u8(struct buf *m, uint8_t v) { buf_u8(m, v); }
static inline void msg_u16(struct buf *m, uint16_t v) { buf_le16(m, v); }
static inline void msg_u32(struct buf *m, uint32_t v) { buf_le32(m, v); }
static inline void msg_u64(struct buf *m, uint64_t v) { buf_le64(m, v); }
void msg_str(struct buf *m, const char *s);
void msg_bytes(struct buf *m, const void *p, size_t n);
/* count[4] data[count] */
void msg_data(struct buf *m, const void *p, uint32_t n);
void msg_qid(struct buf *m, struct qid q);
/* size[2] and the record; returns its total length (size[2] included). */
size_t msg_stat(struct buf *m, const struct stat_rec *s, int dotu);
/* n[2] stat[n], as in Rstat and Twstat */
void msg_stat_n(struct buf *m, const struct stat_rec *s, int dotu);
/* One Rreaddir entry: qid[13] offset[8] type[1] name[s] */
void msg_dirent(struct buf *m, struct qid q, uint64_t offset, uint8_t type, const char *name);

/* The number and tag a finished message carries (for the ledger). */
uint8_t msg_type(const uint8_t *m);
uint16_t msg_tag(const uint8_t *m);

#endif
