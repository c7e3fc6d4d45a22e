/*
 * `ninep exchanges`: one CSV row (RFC 4180: CRLF line ends, fields with
 * commas, quotes or line breaks quoted, quotes doubled) per round trip, as
 * the exchanges match.
 */
#include <string.h>

#include "report_common.h"

static void field(FILE *out, const char *s, size_t len)
{
	int quote = 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			quote = 1;
	if (!quote) {
		fwrite(s, 1, len, out);
		return;
	}
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			fputc('"', out);
		fputc(s[i], out);
	}
	fputc('"', out);
}

void exchanges_csv_header(FILE *out)
{
	fputs("connection,client,server,tag,request,reply,path,request_time_ns,latency_ns,request_size,reply_size,"
	      "error\r\n",
	      out);
}

void exchanges_csv_row(FILE *out, const struct exchange_row *r)
{
	char client[ENDPOINT_STRLEN], server[ENDPOINT_STRLEN], b1[16], b2[16];
	endpoint_format(&r->session->client, client, sizeof client);
	endpoint_format(&r->session->server, server, sizeof server);
	fprintf(out, "%llu,", (unsigned long long)r->session->id);
	field(out, client, strlen(client));
	fputc(',', out);
	field(out, server, strlen(server));
	fprintf(out, ",%u,%s,%s,", r->tag, message_label(r->request_type, b1), message_label(r->reply_type, b2));
	field(out, r->path, r->path_len);
	fprintf(out, ",%lld,%lld,%u,%u,", (long long)r->request_ns, (long long)r->latency_ns, r->request_size,
		r->reply_size);
	if (r->error != NULL)
		field(out, r->error, r->error_len);
	fputs("\r\n", out);
}
