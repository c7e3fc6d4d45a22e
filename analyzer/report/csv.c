/*
 * The CSV writer (the format is in csv.h).
 */
#include "report/csv.h"
#include "report/escape.h"

#include <stdlib.h>
#include <string.h>

void csv_open(struct csv_out *w, FILE *file)
{
	w->file = file;
	w->len = 0;
	w->buf = malloc(CSV_BUFFER);
	if (w->buf == NULL)
		abort();
}

void csv_flush(struct csv_out *w)
{
	if (w->file != NULL && w->len > 0)
		fwrite(w->buf, 1, w->len, w->file);
	w->len = 0;
}

void csv_row_end(struct csv_out *w)
{
	if (!w->flush_each_row)
		return;
	csv_flush(w);
	if (w->file != NULL)
		fflush(w->file);
}

void csv_close(struct csv_out *w)
{
	csv_flush(w);
	free(w->buf);
	w->buf = NULL;
	w->file = NULL;
}

char *csv_room(struct csv_out *w, size_t n)
{
	if (CSV_BUFFER - w->len < n)
		csv_flush(w);
	return w->buf + w->len;
}

void csv_bytes(struct csv_out *w, const char *s, size_t n)
{
	while (n > 0) {
		size_t chunk = n < CSV_BUFFER ? n : CSV_BUFFER;
		memcpy(csv_room(w, chunk), s, chunk);
		w->len += chunk;
		s += chunk;
		n -= chunk;
	}
}

void csv_char(struct csv_out *w, char ch)
{
	*csv_room(w, 1) = ch;
	w->len++;
}

static void csv_escaped(void *ctx, const char *s, size_t n)
{
	csv_bytes(ctx, s, n);
}

/* Inside the quotes: each double quote doubled. */
static void csv_quoted(void *ctx, const char *s, size_t n)
{
	struct csv_out *w = ctx;
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '"')
			continue;
		csv_bytes(w, s + run, i + 1 - run);
		csv_char(w, '"');
		run = i + 1;
	}
	csv_bytes(w, s + run, n - run);
}

void csv_field(struct csv_out *w, const char *s, size_t len)
{
	/* The escape leaves commas and double quotes as they are, and makes
	 * no new ones: whether to quote is decided on the field as given. */
	int quote = len > 0 && (memchr(s, ',', len) != NULL || memchr(s, '"', len) != NULL);
	if (!quote && escape_text_unchanged(s, len)) {
		csv_bytes(w, s, len);
		return;
	}
	if (quote)
		csv_char(w, '"');
	escape_text_to(s, len, quote ? csv_quoted : csv_escaped, w);
	if (quote)
		csv_char(w, '"');
}

static const char DIGIT_PAIRS[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
				  "4041424344454647484950515253545556575859606162636465666768697071727374757677787980"
				  "81828384858687888990919293949596979899";

/* Two digits a step. */
char *csv_put_u64(char *p, uint64_t v)
{
	char d[CSV_NUMBER_MAX];
	char *q = d + sizeof d;
	while (v >= 100) {
		unsigned r = (unsigned)(v % 100);
		v /= 100;
		q -= 2;
		memcpy(q, DIGIT_PAIRS + 2 * r, 2);
	}
	if (v >= 10) {
		q -= 2;
		memcpy(q, DIGIT_PAIRS + 2 * v, 2);
	} else {
		*--q = (char)('0' + v);
	}
	size_t n = (size_t)(d + sizeof d - q);
	memcpy(p, q, n);
	return p + n;
}

char *csv_put_i64(char *p, int64_t v)
{
	if (v >= 0)
		return csv_put_u64(p, (uint64_t)v);
	*p++ = '-';
	return csv_put_u64(p, (uint64_t)0 - (uint64_t)v);
}

void csv_u64(struct csv_out *w, uint64_t v)
{
	csv_commit(w, csv_put_u64(csv_room(w, CSV_NUMBER_MAX), v));
}

void csv_i64(struct csv_out *w, int64_t v)
{
	csv_commit(w, csv_put_i64(csv_room(w, CSV_NUMBER_MAX), v));
}
