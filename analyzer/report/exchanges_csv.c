/*
 * `ninep exchanges`: one CSV row per round trip, written as the exchanges
 * match, and the "connection,client,server," every row of it and of
 * `ninep accesses` (accesses.c) begins with.  The writer and its quoting
 * are csv.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "report/exchanges_csv.h"
#include "report/report_common.h"

enum {
	CSV_PREFIX_MAX = 2 * ENDPOINT_STRLEN * 2 + 48, /* "id,client,server," with both quoted at worst */
	ROW_NUMBERS_MAX = 1 + 4 * (CSV_NUMBER_MAX + 1),  /* ",time,latency,size,size," */
};

/* "connection,client,server," of a session, formatted once. */
void connection_csv_prefix_make(struct connection *s)
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

void csv_connection_prefix(struct csv_out *w, struct connection *s)
{
	connection_csv_prefix_make(s);
	csv_bytes(w, s->csv_prefix, s->csv_prefix_len);
}

void exchanges_csv_header(FILE *out)
{
	fputs("connection,client,server,tag,request,reply,path,request_time_ns,latency_ns,request_size,reply_size,"
	      "error\r\n",
	      out);
}

/* Everything but the quoted fields is written straight into the buffer,
 * one room check per run of fields. */
void exchanges_csv_row(struct csv_out *w, const struct exchange_row *r)
{
	char b1[16], b2[16];
	const char *request = message_label(r->request_type, b1);
	const char *reply = message_label(r->reply_type, b2);
	size_t request_len = strlen(request), reply_len = strlen(reply);

	csv_connection_prefix(w, r->connection);
	char *p = csv_room(w, CSV_NUMBER_MAX + request_len + reply_len + 3);
	p = csv_put_u64(p, r->tag);
	*p++ = ',';
	memcpy(p, request, request_len);
	p += request_len;
	*p++ = ',';
	memcpy(p, reply, reply_len);
	p += reply_len;
	*p++ = ',';
	csv_commit(w, p);
	csv_field(w, r->path, r->path_len);
	p = csv_room(w, ROW_NUMBERS_MAX);
	*p++ = ',';
	p = csv_put_i64(p, r->request_ns);
	*p++ = ',';
	p = csv_put_i64(p, r->latency_ns);
	*p++ = ',';
	p = csv_put_u64(p, r->request_size);
	*p++ = ',';
	p = csv_put_u64(p, r->reply_size);
	*p++ = ',';
	csv_commit(w, p);
	if (r->error != NULL)
		csv_field(w, r->error, r->error_len);
	csv_bytes(w, "\r\n", 2);
	csv_row_end(w);
}
