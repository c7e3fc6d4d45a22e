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
	if (a->opt.exchanges != NULL)
		csv_open(&a->exchanges_csv, a->opt.exchanges);
	if (a->opt.accesses != NULL)
		csv_open(&a->accesses_csv, a->opt.accesses);
}

void analysis_finish(struct analysis *a)
{
	accesses_finish(a);
	folding_settle(a); /* waits for the tally thread */
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
	ninep_esessions_free(&a->esessions);
	a->connections = a->connections_tail = NULL;
	a->n_listed = 0;
}

void analysis_add_capture_stats(struct analysis *a, const struct capture_stats *s)
{
	struct capture_stats *t = &a->capture;
	t->packets += s->packets;
	t->bytes += s->bytes;
	t->non_ip += s->non_ip;
	t->non_tcp += s->non_tcp;
	t->malformed_headers += s->malformed_headers;
	t->snaplen_truncated += s->snaplen_truncated;
	t->ip_fragments += s->ip_fragments;
	t->ip_reassembled += s->ip_reassembled;
	t->ip_fragments_dropped += s->ip_fragments_dropped;
	t->tcp_segments += s->tcp_segments;
	t->retransmissions += s->retransmissions;
	t->retransmission_conflicts += s->retransmission_conflicts;
	t->out_of_order += s->out_of_order;
	t->gaps += s->gaps;
	t->gap_bytes += s->gap_bytes;
	t->uncaptured_bytes += s->uncaptured_bytes;
	t->connections += s->connections;
	t->limit_hits += s->limit_hits;
}
