#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BUF_FIRST_CAP = 256 };

void buf_init(struct buf *b, size_t ceiling)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->ceiling = ceiling;
}

void buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b, b->ceiling);
}

void buf_reset(struct buf *b) { b->len = 0; }

uint8_t *buf_append_slow(struct buf *b, size_t n)
{
	if (n > b->ceiling - b->len) {
		fprintf(stderr, "ninep_capwriter: buffer ceiling of %zu bytes exceeded (a generator builds too much)\n",
			b->ceiling);
		abort();
	}
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : BUF_FIRST_CAP;
		while (cap < b->len + n)
			cap *= 2;
		if (cap > b->ceiling)
			cap = b->ceiling;
		uint8_t *p = realloc(b->data, cap);
		if (p == NULL) {
			fprintf(stderr, "ninep_capwriter: out of memory\n");
			abort();
		}
		b->data = p;
		b->cap = cap;
	}
	uint8_t *at = b->data + b->len;
	b->len += n;
	return at;
}

void buf_put(struct buf *b, const void *bytes, size_t n)
{
	if (n > 0)
		memcpy(buf_append(b, n), bytes, n);
}

void buf_fill(struct buf *b, uint8_t value, size_t n)
{
	if (n > 0)
		memset(buf_append(b, n), value, n);
}

static uint8_t *buf_at(struct buf *b, size_t off, size_t n)
{
	if (off > b->len || n > b->len - off) {
		fprintf(stderr, "ninep_capwriter: patch at %zu+%zu outside a %zu-byte buffer\n", off, n, b->len);
		abort();
	}
	return b->data + off;
}

void buf_set_le16(struct buf *b, size_t off, uint16_t v) { put_le16(buf_at(b, off, sizeof v), v); }
void buf_set_le32(struct buf *b, size_t off, uint32_t v) { put_le32(buf_at(b, off, sizeof v), v); }
void buf_set_be16(struct buf *b, size_t off, uint16_t v) { put_be16(buf_at(b, off, sizeof v), v); }
void buf_set_be32(struct buf *b, size_t off, uint32_t v) { put_be32(buf_at(b, off, sizeof v), v); }
