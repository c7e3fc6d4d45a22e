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
void csv_session_prefix(struct csv_out *w, struct session *s)
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
	csv_bytes(w, s->csv_prefix, s->csv_prefix_len);
}

void exchanges_csv_header(FILE *out)
{
	fputs("connection,client,server,tag,request,reply,path,request_time_ns,latency_ns,request_size,reply_size,"
	      "error\r\n",
	      out);
}

static void label(struct csv_out *w, unsigned type)
{
	char b[16];
	const char *s = message_label(type, b);
	csv_bytes(w, s, strlen(s));
}

void exchanges_csv_row(struct csv_out *w, const struct exchange_row *r)
{
	csv_session_prefix(w, r->session);
	csv_u64(w, r->tag);
	csv_char(w, ',');
	label(w, r->request_type);
	csv_char(w, ',');
	label(w, r->reply_type);
	csv_char(w, ',');
	csv_field(w, r->path, r->path_len);
	csv_char(w, ',');
	csv_i64(w, r->request_ns);
	csv_char(w, ',');
	csv_i64(w, r->latency_ns);
	csv_char(w, ',');
	csv_u64(w, r->request_size);
	csv_char(w, ',');
	csv_u64(w, r->reply_size);
	csv_char(w, ',');
	if (r->error != NULL)
		csv_field(w, r->error, r->error_len);
	csv_bytes(w, "\r\n", 2);
}
