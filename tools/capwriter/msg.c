#include "msg.h"

#include "bytes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MSG_TYPE_OFFSET = NINEP_SIZESZ, MSG_TAG_OFFSET = NINEP_SIZESZ + NINEP_BIT8SZ };

void msg_begin(struct buf *m, uint8_t type, uint16_t tag)
{
	buf_reset(m);
	buf_le32(m, 0); /* size, patched by msg_end */
	buf_u8(m, type);
	buf_le16(m, tag);
}

void msg_end(struct buf *m) { buf_set_le32(m, 0, (uint32_t)m->len); }

void msg_bytes(struct buf *m, const void *p, size_t n) { buf_put(m, p, n); }

void msg_str(struct buf *m, const char *s)
{
	size_t n = strlen(s);
	if (n > UINT16_MAX) {
		fprintf(stderr, "ninep_capwriter: string of %zu bytes does not fit s[2]\n", n);
		abort();
	}
	buf_le16(m, (uint16_t)n);
	buf_put(m, s, n);
}

void msg_data(struct buf *m, const void *p, uint32_t n)
{
	buf_le32(m, n);
	buf_put(m, p, n);
}

void msg_qid(struct buf *m, struct qid q)
{
	buf_u8(m, q.type);
	buf_le32(m, q.version);
	buf_le64(m, q.path);
}

size_t msg_stat(struct buf *m, const struct stat_rec *s, int dotu)
{
	size_t start = m->len;
	buf_le16(m, 0); /* size: the bytes after itself */
	buf_le16(m, s->type);
	buf_le32(m, s->dev);
	msg_qid(m, s->qid);
	buf_le32(m, s->mode);
	buf_le32(m, s->atime);
	buf_le32(m, s->mtime);
	buf_le64(m, s->length);
	msg_str(m, s->name);
	msg_str(m, s->uid);
	msg_str(m, s->gid);
	msg_str(m, s->muid);
	if (dotu) {
		msg_str(m, s->extension ? s->extension : "");
		buf_le32(m, s->n_uid);
		buf_le32(m, s->n_gid);
		buf_le32(m, s->n_muid);
	}
	size_t total = m->len - start;
	buf_set_le16(m, start, (uint16_t)(total - NINEP_BIT16SZ));
	return total;
}

void msg_stat_n(struct buf *m, const struct stat_rec *s, int dotu)
{
	size_t n_at = m->len;
	buf_le16(m, 0);
	size_t total = msg_stat(m, s, dotu);
	buf_set_le16(m, n_at, (uint16_t)total);
}

void msg_dirent(struct buf *m, struct qid q, uint64_t offset, uint8_t type, const char *name)
{
	msg_qid(m, q);
	buf_le64(m, offset);
	buf_u8(m, type);
	msg_str(m, name);
}

uint8_t msg_type(const uint8_t *m) { return m[MSG_TYPE_OFFSET]; }
uint16_t msg_tag(const uint8_t *m) { return get_le16(m + MSG_TAG_OFFSET); }
