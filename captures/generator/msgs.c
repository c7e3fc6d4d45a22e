#include "msgs.h"

enum {
	GETATTR_VALID_BASIC = 0x000007ff, /* P9_GETATTR_BASIC */
	FILE_UID = 1000,
	FILE_GID = 1000,
	FILE_BLKSIZE = 4096,
	BLOCK_BYTES = 512,
};

#define FILE_TIME 1700000000ull

void build_tversion(struct buf *m, uint32_t msize, const char *version)
{
	msg_begin(m, NINEP_Tversion, NINEP_NOTAG);
	msg_u32(m, msize);
	msg_str(m, version);
	msg_end(m);
}

void build_rversion(struct buf *m, uint32_t msize, const char *version)
{
	msg_begin(m, NINEP_Rversion, NINEP_NOTAG);
	msg_u32(m, msize);
	msg_str(m, version);
	msg_end(m);
}

void build_tattach(struct buf *m, uint16_t tag, uint32_t fid, uint32_t afid, const char *uname, const char *aname,
		   int dotu_or_l, uint32_t n_uname)
{
	msg_begin(m, NINEP_Tattach, tag);
	msg_u32(m, fid);
	msg_u32(m, afid);
	msg_str(m, uname);
	msg_str(m, aname);
	if (dotu_or_l)
		msg_u32(m, n_uname);
	msg_end(m);
}

void build_rqid(struct buf *m, uint8_t type, uint16_t tag, struct qid qid)
{
	msg_begin(m, type, tag);
	msg_qid(m, qid);
	msg_end(m);
}

void build_rattach(struct buf *m, uint16_t tag, struct qid qid)
{
	build_rqid(m, NINEP_Rattach, tag, qid);
}

void build_twalk(struct buf *m, uint16_t tag, uint32_t fid, uint32_t newfid, uint16_t nwname, const char *const *wname)
{
	msg_begin(m, NINEP_Twalk, tag);
	msg_u32(m, fid);
	msg_u32(m, newfid);
	msg_u16(m, nwname);
	for (uint16_t i = 0; i < nwname; i++)
		msg_str(m, wname[i]);
	msg_end(m);
}

void build_rwalk(struct buf *m, uint16_t tag, uint16_t nwqid, const struct qid *wqid)
{
	msg_begin(m, NINEP_Rwalk, tag);
	msg_u16(m, nwqid);
	for (uint16_t i = 0; i < nwqid; i++)
		msg_qid(m, wqid[i]);
	msg_end(m);
}

void build_tread(struct buf *m, uint16_t tag, uint32_t fid, uint64_t offset, uint32_t count)
{
	msg_begin(m, NINEP_Tread, tag);
	msg_u32(m, fid);
	msg_u64(m, offset);
	msg_u32(m, count);
	msg_end(m);
}

void build_rread(struct buf *m, uint16_t tag, const void *data, uint32_t count)
{
	msg_begin(m, NINEP_Rread, tag);
	msg_data(m, data, count);
	msg_end(m);
}

void build_twrite(struct buf *m, uint16_t tag, uint32_t fid, uint64_t offset, const void *data, uint32_t count)
{
	msg_begin(m, NINEP_Twrite, tag);
	msg_u32(m, fid);
	msg_u64(m, offset);
	msg_data(m, data, count);
	msg_end(m);
}

void build_rwrite(struct buf *m, uint16_t tag, uint32_t count)
{
	msg_begin(m, NINEP_Rwrite, tag);
	msg_u32(m, count);
	msg_end(m);
}

void build_tclunk(struct buf *m, uint16_t tag, uint32_t fid)
{
	msg_begin(m, NINEP_Tclunk, tag);
	msg_u32(m, fid);
	msg_end(m);
}

void build_tflush(struct buf *m, uint16_t tag, uint16_t oldtag)
{
	msg_begin(m, NINEP_Tflush, tag);
	msg_u16(m, oldtag);
	msg_end(m);
}

void build_empty(struct buf *m, uint8_t type, uint16_t tag)
{
	msg_begin(m, type, tag);
	msg_end(m);
}

void build_tlopen(struct buf *m, uint16_t tag, uint32_t fid, uint32_t flags)
{
	msg_begin(m, NINEP_Tlopen, tag);
	msg_u32(m, fid);
	msg_u32(m, flags);
	msg_end(m);
}

void build_rqid_iounit(struct buf *m, uint8_t type, uint16_t tag, struct qid qid, uint32_t iounit)
{
	msg_begin(m, type, tag);
	msg_qid(m, qid);
	msg_u32(m, iounit);
	msg_end(m);
}

void build_rlopen(struct buf *m, uint16_t tag, struct qid qid, uint32_t iounit)
{
	build_rqid_iounit(m, NINEP_Rlopen, tag, qid, iounit);
}

void build_tgetattr(struct buf *m, uint16_t tag, uint32_t fid, uint64_t request_mask)
{
	msg_begin(m, NINEP_Tgetattr, tag);
	msg_u32(m, fid);
	msg_u64(m, request_mask);
	msg_end(m);
}

void build_rgetattr(struct buf *m, uint16_t tag, struct qid qid, uint32_t mode, uint64_t size)
{
	msg_begin(m, NINEP_Rgetattr, tag);
	msg_u64(m, GETATTR_VALID_BASIC);
	msg_qid(m, qid);
	msg_u32(m, mode);
	msg_u32(m, FILE_UID);
	msg_u32(m, FILE_GID);
	msg_u64(m, 1);                                      /* nlink */
	msg_u64(m, 0);                                      /* rdev */
	msg_u64(m, size);
	msg_u64(m, FILE_BLKSIZE);
	msg_u64(m, (size + BLOCK_BYTES - 1) / BLOCK_BYTES); /* blocks */
	for (int i = 0; i < 4; i++) {                       /* atime mtime ctime btime */
		msg_u64(m, FILE_TIME);
		msg_u64(m, 0);
	}
	msg_u64(m, 0); /* gen */
	msg_u64(m, 0); /* data_version */
	msg_end(m);
}

void build_rlerror(struct buf *m, uint16_t tag, uint32_t ecode)
{
	msg_begin(m, NINEP_Rlerror, tag);
	msg_u32(m, ecode);
	msg_end(m);
}
