/*
 * The lifetime of an analysis: what it is made of, and what every input
 * adds to it.  The connections themselves are conversations/connections.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "stats/accesses.h"
#include "stats/folding.h"
#include "stats/tally.h"

void analysis_init(struct analysis *a, const struct analysis_options *opt)
{
	memset(a, 0, sizeof *a);
	if (opt != NULL)
		a->opt = *opt;
	if (!a->opt.kept_connections_set)
		a->opt.kept_connections = KEPT_CONNECTIONS_DEFAULT;
	if (!a->opt.kept_esessions_set)
		a->opt.kept_esessions = KEPT_ESESSIONS_DEFAULT;
	if (a->opt.exchanges != NULL)
		csv_open(&a->exchanges_csv, a->opt.exchanges);
	if (a->opt.accesses != NULL)
		csv_open(&a->accesses_csv, a->opt.accesses);
	a->exchanges_csv.flush_each_row = a->accesses_csv.flush_each_row = a->opt.flush_each_row;
}

void analysis_finish(struct analysis *a)
{
	accesses_finish(a);
	folding_settle(a); /* waits for the tally thread */
	esession_rows_finish(a);
}

void analysis_flush(struct analysis *a)
{
	csv_flush(&a->exchanges_csv);
	csv_flush(&a->accesses_csv);
}

void analysis_free(struct analysis *a)
{
	/* What is still queued writes into what is freed below. */
	accesses_finish(a);
	tally_stop(a);
	accesses_free(a);
	figures_free(&a->totals_by_type);
	figures_free(&a->interval_by_type);
	csv_close(&a->exchanges_csv);
	csv_close(&a->accesses_csv);
	struct connection *s = a->connections;
	while (s != NULL) {
		struct connection *next = s->next;
		figures_free(&s->fig);
		free(s->csv_prefix);
		free(s);
		s = next;
	}
	folding_free(a);
	esession_rows_free(a);
	ninep_esessions_free(&a->esessions);
	a->connections = a->connections_tail = NULL;
	a->n_listed = 0;
}

/* The reassembler's counters: one list, for adding and for taking away. */
#define CAPTURE_COUNTERS(X)                                                                       \
	X(packets) X(bytes) X(non_ip) X(non_tcp) X(malformed_headers) X(snaplen_truncated)          \
	X(ip_fragments) X(ip_reassembled) X(ip_fragments_dropped) X(tcp_segments) X(retransmissions) \
	X(retransmission_conflicts) X(out_of_order) X(gaps) X(gap_bytes) X(uncaptured_bytes)        \
	X(connections) X(limit_hits)

void analysis_add_capture_stats(struct analysis *a, const struct capture_stats *s)
{
	struct capture_stats *t = &a->capture;
#define ADD(field) t->field += s->field;
	CAPTURE_COUNTERS(ADD)
#undef ADD
}

void capture_stats_since(struct capture_stats *out, const struct capture_stats *now,
			 const struct capture_stats *before)
{
	memset(out, 0, sizeof *out);
#define SINCE(field) out->field = now->field - before->field;
	CAPTURE_COUNTERS(SINCE)
#undef SINCE
}
