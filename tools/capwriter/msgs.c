#include "msgs.h"

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

/* nwname[2] nwname*(wname[s]), as in Twalk, Tsread and Tswrite */
static void put_names(struct buf *m, uint16_t nwname, const char *const *wname)
{
	msg_u16(m, nwname);
	for (uint16_t i = 0; i < nwname; i++)
		msg_str(m, wname[i]);
}

void build_twalk(struct buf *m, uint16_t tag, uint32_t fid, uint32_t newfid, uint16_t nwname, const char *const *wname)
{
	msg_begin(m, NINEP_Twalk, tag);
	msg_u32(m, fid);
	msg_u32(m, newfid);
	put_names(m, nwname, wname);
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

void build_topen(struct buf *m, uint16_t tag, uint32_t fid, uint8_t mode)
{
	msg_begin(m, NINEP_Topen, tag);
	msg_u32(m, fid);
	msg_u8(m, mode);
	msg_end(m);
}

/* fid[4] offset[8] count[4], as in Tread and Treaddir */
static void build_fid_offset_count(struct buf *m, uint8_t type, uint16_t tag, uint32_t fid, uint64_t offset,
				   uint32_t count)
{
	msg_begin(m, type, tag);
	msg_u32(m, fid);
	msg_u64(m, offset);
	msg_u32(m, count);
	msg_end(m);
}

void build_tread(struct buf *m, uint16_t tag, uint32_t fid, uint64_t offset, uint32_t count)
{
	build_fid_offset_count(m, NINEP_Tread, tag, fid, offset, count);
}

void build_treaddir(struct buf *m, uint16_t tag, uint32_t fid, uint64_t offset, uint32_t count)
{
	build_fid_offset_count(m, NINEP_Treaddir, tag, fid, offset, count);
}

/* count[4] data[count], as in Rread and Rsread */
static void build_data(struct buf *m, uint8_t type, uint16_t tag, const void *data, uint32_t count)
{
	msg_begin(m, type, tag);
	msg_data(m, data, count);
	msg_end(m);
}

void build_rread(struct buf *m, uint16_t tag, const void *data, uint32_t count)
{
	build_data(m, NINEP_Rread, tag, data, count);
}

void build_rreaddir(struct buf *m, uint16_t tag, const void *entries, uint32_t count)
{
	build_data(m, NINEP_Rreaddir, tag, entries, count);
}

void build_rsread(struct buf *m, uint16_t tag, const void *data, uint32_t count)
{
	build_data(m, NINEP_Rsread, tag, data, count);
}

void build_twrite(struct buf *m, uint16_t tag, uint32_t fid, uint64_t offset, const void *data, uint32_t count)
{
	msg_begin(m, NINEP_Twrite, tag);
	msg_u32(m, fid);
	msg_u64(m, offset);
	msg_data(m, data, count);
	msg_end(m);
}

/* count[4] alone, as in Rwrite and Rswrite */
static void build_count(struct buf *m, uint8_t type, uint16_t tag, uint32_t count)
{
	msg_begin(m, type, tag);
	msg_u32(m, count);
	msg_end(m);
}

void build_rwrite(struct buf *m, uint16_t tag, uint32_t count) { build_count(m, NINEP_Rwrite, tag, count); }

void build_rswrite(struct buf *m, uint16_t tag, uint32_t count) { build_count(m, NINEP_Rswrite, tag, count); }

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

void build_rerror(struct buf *m, uint16_t tag, const char *ename)
{
	msg_begin(m, NINEP_Rerror, tag);
	msg_str(m, ename);
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

static void put_time(struct buf *m, struct l_time t)
{
	msg_u64(m, t.sec);
	msg_u64(m, t.nsec);
}

void build_rgetattr(struct buf *m, uint16_t tag, const struct l_attr *a)
{
	msg_begin(m, NINEP_Rgetattr, tag);
	msg_u64(m, a->valid);
	msg_qid(m, a->qid);
	msg_u32(m, a->mode);
	msg_u32(m, a->uid);
	msg_u32(m, a->gid);
	msg_u64(m, a->nlink);
	msg_u64(m, a->rdev);
	msg_u64(m, a->size);
	msg_u64(m, a->blksize);
	msg_u64(m, a->blocks);
	put_time(m, a->atime);
	put_time(m, a->mtime);
	put_time(m, a->ctime);
	put_time(m, a->btime);
	msg_u64(m, a->gen);
	msg_u64(m, a->data_version);
	msg_end(m);
}

void build_rlerror(struct buf *m, uint16_t tag, uint32_t ecode)
{
	msg_begin(m, NINEP_Rlerror, tag);
	msg_u32(m, ecode);
	msg_end(m);
}

void build_tsread(struct buf *m, uint16_t tag, uint32_t fid, uint16_t nwname, const char *const *wname)
{
	msg_begin(m, NINEP_Tsread, tag);
	msg_u32(m, fid);
	put_names(m, nwname, wname);
	msg_end(m);
}

void build_tswrite(struct buf *m, uint16_t tag, uint32_t fid, uint16_t nwname, const char *const *wname,
		   const void *data, uint32_t count)
{
	msg_begin(m, NINEP_Tswrite, tag);
	msg_u32(m, fid);
	put_names(m, nwname, wname);
	msg_data(m, data, count);
	msg_end(m);
}
