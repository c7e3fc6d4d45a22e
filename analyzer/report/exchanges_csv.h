/*
 * The CSV rows of `ninep exchanges` (one per round trip, as the exchanges
 * match) and the "connection,client,server," that begins every row of it
 * and of `ninep accesses` (accesses.c).  The writer is csv.h's.
 */
#ifndef NINEP_ANALYZER_EXCHANGES_CSV_H
#define NINEP_ANALYZER_EXCHANGES_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report/csv.h"

struct connection;

/* "connection,client,server," of the session's rows, made once. */
void connection_csv_prefix_make(struct connection *s);
void csv_connection_prefix(struct csv_out *w, struct connection *s);

struct exchange_row {
	struct connection *connection;
	uint16_t tag;
	unsigned request_type, reply_type;
	const char *path;
	size_t path_len;
	int64_t request_ns, latency_ns;
	uint32_t request_size, reply_size;
	const char *error; /* NULL when the reply is not an error */
	size_t error_len;
};
void exchanges_csv_header(FILE *out);
void exchanges_csv_row(struct csv_out *w, const struct exchange_row *row);

#endif
