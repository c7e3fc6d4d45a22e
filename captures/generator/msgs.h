/*
 * Builders for the messages most cases use, one per message, each writing
 * the fields of doc/9p-wire.md in order into a buffer (which
 * then holds exactly that message).  The dialect cases write the rarer
 * messages field by field themselves.
 */
#ifndef CAPGEN_MSGS_H
#define CAPGEN_MSGS_H

#include "msg.h"

#include <stddef.h>
#include <stdint.h>

/* Every generated message fits in this (the largest msize we negotiate). */
enum { MSG_CEILING = 65536, MSG_MSIZE = 8192 };

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
void build_tread(struct buf *m, uint16_t tag, uint32_t fid, uint64_t offset, uint32_t count);
void build_rread(struct buf *m, uint16_t tag, const void *data, uint32_t count);
void build_twrite(struct buf *m, uint16_t tag, uint32_t fid, uint64_t offset, const void *data, uint32_t count);
void build_rwrite(struct buf *m, uint16_t tag, uint32_t count);
void build_tclunk(struct buf *m, uint16_t tag, uint32_t fid);
void build_tflush(struct buf *m, uint16_t tag, uint16_t oldtag);
/* A message with no body: Rclunk, Rflush, Rremove, Rwstat, ... */
void build_empty(struct buf *m, uint8_t type, uint16_t tag);

/* 9P2000.L */
void build_tlopen(struct buf *m, uint16_t tag, uint32_t fid, uint32_t flags);
void build_rlopen(struct buf *m, uint16_t tag, struct qid qid, uint32_t iounit);
void build_tgetattr(struct buf *m, uint16_t tag, uint32_t fid, uint64_t request_mask);
/* Rgetattr of a regular file or directory with fixed owner and times. */
void build_rgetattr(struct buf *m, uint16_t tag, struct qid qid, uint32_t mode, uint64_t size);
void build_rlerror(struct buf *m, uint16_t tag, uint32_t ecode);

#endif
