/*
 * A growable byte buffer with a ceiling chosen when it is made, and the
 * little- and big-endian stores every other part of the generators uses.
 * Exceeding the ceiling is a bug in the program that builds the bytes (a
 * generator makes every byte itself), so it aborts with a message instead
 * of returning an error.
 */
#ifndef CAPWRITER_BUF_H
#define CAPWRITER_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

struct buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	size_t ceiling;
};

void buf_init(struct buf *b, size_t ceiling);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);

/* Room for n more bytes at the end, to be written by the caller. */
uint8_t *buf_append_slow(struct buf *b, size_t n);
static inline uint8_t *buf_append(struct buf *b, size_t n)
{
	/* cap never exceeds the ceiling, so this is within it too */
	if (n <= b->cap - b->len) {
		uint8_t *at = b->data + b->len;
		b->len += n;
		return at;
	}
	return buf_append_slow(b, n);
}

void buf_put(struct buf *b, const void *bytes, size_t n);
void buf_fill(struct buf *b, uint8_t value, size_t n);
/* Inline: the benchmark generator stores hundreds of millions of fields. */
static inline void buf_u8(struct buf *b, uint8_t v) { *buf_append(b, 1) = v; }
static inline void buf_le16(struct buf *b, uint16_t v) { put_le16(buf_append(b, sizeof v), v); }
static inline void buf_le32(struct buf *b, uint32_t v) { put_le32(buf_append(b, sizeof v), v); }
static inline void buf_le64(struct buf *b, uint64_t v) { put_le64(buf_append(b, sizeof v), v); }
static inline void buf_be16(struct buf *b, uint16_t v) { put_be16(buf_append(b, sizeof v), v); }
static inline void buf_be32(struct buf *b, uint32_t v) { put_be32(buf_append(b, sizeof v), v); }

/* Overwrite bytes already in the buffer (lengths and checksums known late). */
void buf_set_le16(struct buf *b, size_t off, uint16_t v);
void buf_set_le32(struct buf *b, size_t off, uint32_t v);
void buf_set_be16(struct buf *b, size_t off, uint16_t v);
void buf_set_be32(struct buf *b, size_t off, uint32_t v);

#endif
