/*
 * Builders of whole 9P messages, one per message, each writing the fields
 * of doc/9p-wire.md in order into a buffer (which then holds exactly that
 * message): the everyday messages of ninep-capgen, the benchmark and the
 * hostile cases.  Rarer messages, and messages that are wrong on purpose,
 * are written field by field with msg.h.
 */
#ifndef CAPWRITER_MSGS_H
#define CAPWRITER_MSGS_H

#include "msg.h"

#include <stddef.h>
#include <stdint.h>

void build_tversion(struct buf *m, uint32_t msize, const char *version);
void build_rversion(struct buf *m, uint32_t msize, const char *version);
/* Tattach with n_uname (.u and .L) when dotu_or_l is set. */
void build_tattach(struct buf *m, uint16_t tag, uint32_t fid, uint32_t afid, const char *uname, const char *aname,
		   int dotu_or_l, uint32_t n_uname);
/* A reply whose body is a qid (Rauth, Rattach, Rsymlink, Rmknod, Rmkdir), or a qid
 * and an iounit (Ropen, Rcreate, Rlopen, Rlcreate). */
void build_rqid(struct buf *m, uint8_t type, uint16_t tag, struct qid qid);
void build_rqid_iounit(struct buf *m, uint8_t type, uint16_t tag, struct qid qid, uint32_t iounit);
void build_rattach(struct buf *m, uint16_t tag, struct qid qid);
void build_twalk(struct buf *m, uint16_t tag, uint32_t fid, uint32_t newfid, uint16_t nwname, const char *const *wname);
void build_rwalk(struct buf *m, uint16_t tag, uint16_t nwqid, const struct qid *wqid);
void build_topen(struct buf *m, uint16_t tag, uint32_t fid, uint8_t mode);
void build_tread(struct buf *m, uint16_t tag, uint32_t fid, uint64_t offset, uint32_t count);
void build_rread(struct buf *m, uint16_t tag, const void *data, uint32_t count);
void build_twrite(struct buf *m, uint16_t tag, uint32_t fid, uint64_t offset, const void *data, uint32_t count);
void build_rwrite(struct buf *m, uint16_t tag, uint32_t count);
void build_tclunk(struct buf *m, uint16_t tag, uint32_t fid);
void build_tflush(struct buf *m, uint16_t tag, uint16_t oldtag);
/* A message with no body: Rclunk, Rflush, Rremove, Rwstat, ... */
void build_empty(struct buf *m, uint8_t type, uint16_t tag);
/* 9P2000's Rerror, without the .u errno. */
void build_rerror(struct buf *m, uint16_t tag, const char *ename);

/* 9P2000.L */
void build_tlopen(struct buf *m, uint16_t tag, uint32_t fid, uint32_t flags);
void build_rlopen(struct buf *m, uint16_t tag, struct qid qid, uint32_t iounit);
void build_tgetattr(struct buf *m, uint16_t tag, uint32_t fid, uint64_t request_mask);

struct l_time {
	uint64_t sec, nsec;
};

/* The body of an Rgetattr. */
struct l_attr {
	uint64_t valid;
	struct qid qid;
	uint32_t mode, uid, gid;
	uint64_t nlink, rdev, size, blksize, blocks;
	struct l_time atime, mtime, ctime, btime;
	uint64_t gen, data_version;
};

void build_rgetattr(struct buf *m, uint16_t tag, const struct l_attr *a);
void build_treaddir(struct buf *m, uint16_t tag, uint32_t fid, uint64_t offset, uint32_t count);
/* count[4] and `count` bytes of entries written with msg_dirent. */
void build_rreaddir(struct buf *m, uint16_t tag, const void *entries, uint32_t count);
void build_rlerror(struct buf *m, uint16_t tag, uint32_t ecode);

/* 9P2000.e: the whole-file macro-ops. */
void build_tsread(struct buf *m, uint16_t tag, uint32_t fid, uint16_t nwname, const char *const *wname);
void build_rsread(struct buf *m, uint16_t tag, const void *data, uint32_t count);
void build_tswrite(struct buf *m, uint16_t tag, uint32_t fid, uint16_t nwname, const char *const *wname,
		   const void *data, uint32_t count);
void build_rswrite(struct buf *m, uint16_t tag, uint32_t count);

#endif
