/*
 * CSV output (RFC 4180: CRLF line ends, fields with commas, quotes or line
 * breaks quoted, quotes doubled): `ninep exchanges`, one row per round trip
 * as the exchanges match, and `ninep accesses` (accesses.c).
 *
 * Millions of rows: they are formatted by hand into one large buffer that
 * goes to the stream when full, not through printf a field at a time.
 */
#include <stdlib.h>
#include <string.h>

#include "report_common.h"

enum {
	CSV_BUFFER = 1 << 20,
	CSV_PREFIX_MAX = 2 * ENDPOINT_STRLEN * 2 + 48, /* "id,client,server," with both quoted at worst */
};

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

void csv_close(struct csv_out *w)
{
	csv_flush(w);
	free(w->buf);
	w->buf = NULL;
	w->file = NULL;
}

/* Room for n more bytes, n <= CSV_BUFFER. */
static char *room(struct csv_out *w, size_t n)
{
	if (CSV_BUFFER - w->len < n)
		csv_flush(w);
	return w->buf + w->len;
}

void csv_bytes(struct csv_out *w, const char *s, size_t n)
{
	while (n > 0) {
		size_t chunk = n < CSV_BUFFER ? n : CSV_BUFFER;
		memcpy(room(w, chunk), s, chunk);
		w->len += chunk;
		s += chunk;
		n -= chunk;
	}
}

void csv_char(struct csv_out *w, char ch)
{
	*room(w, 1) = ch;
	w->len++;
}

void csv_field(struct csv_out *w, const char *s, size_t len)
{
	int quote = 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			quote = 1;
	if (!quote) {
		csv_bytes(w, s, len);
		return;
	}
	csv_char(w, '"');
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			csv_char(w, '"');
		csv_char(w, s[i]);
	}
	csv_char(w, '"');
}

void csv_u64(struct csv_out *w, uint64_t v)
{
	char digits[20];
	unsigned n = 0;
	do {
		digits[sizeof digits - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	csv_bytes(w, digits + sizeof digits - n, n);
}

void csv_i64(struct csv_out *w, int64_t v)
{
	if (v < 0) {
		csv_char(w, '-');
		csv_u64(w, (uint64_t)0 - (uint64_t)v);
	} else {
		csv_u64(w, (uint64_t)v);
	}
}

/* "connection,client,server," of a session, formatted once. */
void session_csv_prefix_make(struct session *s)
{
	if (s->csv_prefix == NULL) {
		struct csv_out local;
		char client[ENDPOINT_STRLEN], server[ENDPOINT_STRLEN];
		char buf[CSV_PREFIX_MAX];
		endpoint_format(&s->client, client, sizeof client);
		endpoint_format(&s->server, server, sizeof server);
		/* The same writer into a small buffer that never fills. */
		local.file = NULL;
		local.buf = buf;
		local.len = 0;
		csv_u64(&local, s->id);
		csv_char(&local, ',');
		csv_field(&local, client, strlen(client));
		csv_char(&local, ',');
		csv_field(&local, server, strlen(server));
		csv_char(&local, ',');
		s->csv_prefix = malloc(local.len);
		if (s->csv_prefix == NULL)
			abort();
		memcpy(s->csv_prefix, buf, local.len);
		s->csv_prefix_len = (uint16_t)local.len;
	}
}

void csv_session_prefix(struct csv_out *w, struct session *s)
{
	session_csv_prefix_make(s);
	csv_bytes(w, s->csv_prefix, s->csv_prefix_len);
}

void exchanges_csv_header(FILE *out)
{
	fputs("connection,client,server,tag,request,reply,path,request_time_ns,latency_ns,request_size,reply_size,"
	      "error\r\n",
	      out);
}

static const char DIGIT_PAIRS[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
				  "4041424344454647484950515253545556575859606162636465666768697071727374757677787980"
				  "81828384858687888990919293949596979899";

/* v in decimal at p, two digits a step; returns the end. */
static char *put_u64(char *p, uint64_t v)
{
	char d[20];
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

static char *put_i64(char *p, int64_t v)
{
	if (v >= 0)
		return put_u64(p, (uint64_t)v);
	*p++ = '-';
	return put_u64(p, (uint64_t)0 - (uint64_t)v);
}

enum {
	NUMBER_MAX = 20,                          /* digits of 2^64 - 1 */
	ROW_NUMBERS_MAX = 4 * (NUMBER_MAX + 2) + 2, /* ",time,latency,size,size," with signs */
};

/* Everything but the quoted fields is written straight into the buffer,
 * one room check per run of fields. */
void exchanges_csv_row(struct csv_out *w, const struct exchange_row *r)
{
	char b1[16], b2[16];
	const char *request = message_label(r->request_type, b1);
	const char *reply = message_label(r->reply_type, b2);
	size_t request_len = strlen(request), reply_len = strlen(reply);

	csv_session_prefix(w, r->session);
	char *p = room(w, NUMBER_MAX + request_len + reply_len + 3);
	p = put_u64(p, r->tag);
	*p++ = ',';
	memcpy(p, request, request_len);
	p += request_len;
	*p++ = ',';
	memcpy(p, reply, reply_len);
	p += reply_len;
	*p++ = ',';
	w->len = (size_t)(p - w->buf);
	csv_field(w, r->path, r->path_len);
	p = room(w, ROW_NUMBERS_MAX);
	*p++ = ',';
	p = put_i64(p, r->request_ns);
	*p++ = ',';
	p = put_i64(p, r->latency_ns);
	*p++ = ',';
	p = put_u64(p, r->request_size);
	*p++ = ',';
	p = put_u64(p, r->reply_size);
	*p++ = ',';
	w->len = (size_t)(p - w->buf);
	if (r->error != NULL)
		csv_field(w, r->error, r->error_len);
	csv_bytes(w, "\r\n", 2);
}
