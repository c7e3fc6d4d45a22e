/*
 * CSV output (RFC 4180): a buffered writer for the millions of rows of
 * `ninep exchanges` and `ninep accesses`.  Rows are formatted by hand into
 * one large buffer that goes to the stream when full, not through printf a
 * field at a time.
 *
 * Lines end in CRLF (the rows write "\r\n").  csv_field writes a field of
 * text from outside (a path, an error string, an endpoint) escaped by the
 * text rule of escape.h, so that every field is valid UTF-8 on one line:
 * a backslash as \\, control bytes (tab, CR and LF included), DEL and
 * bytes that are not UTF-8 as \xHH.  Then, when the field holds a comma
 * or a double quote, it is enclosed in double quotes and each double
 * quote inside is doubled (RFC 4180).  Every other field, including an
 * empty one, is written as it is.
 */
#ifndef NINEP_ANALYZER_CSV_H
#define NINEP_ANALYZER_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum {
	CSV_BUFFER = 1 << 20,
	CSV_NUMBER_MAX = 20, /* characters of 2^64 - 1, and of -2^63 with its sign */
};

struct csv_out {
	FILE *file;
	char *buf;  /* CSV_BUFFER bytes */
	size_t len; /* of them in use */
	int flush_each_row; /* live: csv_row_end writes the row out and flushes the stream */
};

void csv_open(struct csv_out *w, FILE *file);
/* Writes out what the buffer holds. */
void csv_flush(struct csv_out *w);
/* Flushes and frees the buffer. */
void csv_close(struct csv_out *w);

/* A row is complete: with flush_each_row, out it goes (a live capture's
 * rows would otherwise wait for a megabyte of them). */
void csv_row_end(struct csv_out *w);

void csv_bytes(struct csv_out *w, const char *s, size_t n);
void csv_char(struct csv_out *w, char ch);
/* s[0..len), escaped (escape.h) and quoted when it needs to be. */
void csv_field(struct csv_out *w, const char *s, size_t len);
void csv_u64(struct csv_out *w, uint64_t v);
void csv_i64(struct csv_out *w, int64_t v);

/* For rows that write a run of unquoted fields straight into the buffer:
 * room for n more bytes (n <= CSV_BUFFER) at the pointer returned, then
 * csv_commit with where the run ends. */
char *csv_room(struct csv_out *w, size_t n);
static inline void csv_commit(struct csv_out *w, char *end)
{
	w->len = (size_t)(end - w->buf);
}
/* v in decimal at p (at most CSV_NUMBER_MAX characters); returns the end. */
char *csv_put_u64(char *p, uint64_t v);
char *csv_put_i64(char *p, int64_t v);

#endif
