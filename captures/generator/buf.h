/*
 * A growable byte buffer with a ceiling chosen when it is made, and the
 * little- and big-endian stores every other part of the generator uses.
 * Exceeding the ceiling is a bug in a case (the generator makes every byte
 * itself), so it aborts with a message instead of returning an error.
 */
#ifndef CAPGEN_BUF_H
#define CAPGEN_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	size_t ceiling;
};

void buf_init(struct buf *b, size_t ceiling);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);

void buf_put(struct buf *b, const void *bytes, size_t n);
void buf_fill(struct buf *b, uint8_t value, size_t n);
void buf_u8(struct buf *b, uint8_t v);
void buf_le16(struct buf *b, uint16_t v);
void buf_le32(struct buf *b, uint32_t v);
void buf_le64(struct buf *b, uint64_t v);
void buf_be16(struct buf *b, uint16_t v);
void buf_be32(struct buf *b, uint32_t v);

/* Overwrite bytes already in the buffer (lengths and checksums known late). */
void buf_set_le16(struct buf *b, size_t off, uint16_t v);
void buf_set_le32(struct buf *b, size_t off, uint32_t v);
void buf_set_be16(struct buf *b, size_t off, uint16_t v);
void buf_set_be32(struct buf *b, size_t off, uint32_t v);

#endif
