/*
 * The figures of one `ninep top` screen (snapshot.h), read from the
 * analysis at the end of an interval.
 */
#include "top/snapshot.h"

#include <stdlib.h>
#include <string.h>

#include "report/escape.h"
#include "stats/accesses.h"

static void latency_of(struct top_latency *out, const struct latency_hist *h)
{
	memset(out, 0, sizeof *out);
	if (h == NULL || h->count == 0)
		return;
	out->count = h->count;
	out->p50_ns = latency_percentile(h, 50);
	out->p99_ns = latency_percentile(h, 99);
}

/* The busiest in the interval first, then the busiest of the run, then
 * by number: rows do not jump about when an interval is quiet. */
static int by_activity(const void *pa, const void *pb)
{
	const struct top_type_row *a = pa, *b = pb;
	if (a->requests != b->requests)
		return a->requests > b->requests ? -1 : 1;
	if (a->total_requests != b->total_requests)
		return a->total_requests > b->total_requests ? -1 : 1;
	return a->type < b->type ? -1 : a->type > b->type;
}

/* Every request type the run has seen (the whole run's tables hold those
 * of every interval). */
static void type_rows(struct top_snapshot *s, const struct figures *total, const struct figures *interval)
{
	s->n_types = 0;
	for (unsigned i = 0; i < total->n_types && s->n_types < TOP_TYPES_MAX; i++) {
		unsigned type = total->types[i].type;
		if (!ninep_is_request(type))
			continue;
		struct top_type_row *row = &s->types[s->n_types++];
		row->type = (uint8_t)type;
		row->requests = figures_messages(interval, type);
		row->errors = figures_errors(interval, type);
		latency_of(&row->latency, figures_latency(interval, type / 2));
		row->total_requests = figures_messages(total, type);
		row->total_errors = figures_errors(total, type);
		latency_of(&row->total_latency, figures_latency(total, type / 2));
	}
	qsort(s->types, s->n_types, sizeof s->types[0], by_activity);
}

static uint64_t messages_of(const struct connection *c)
{
	return c->fig.requests + c->fig.replies;
}

/* The busiest of the connections listed (the open ones and the ended ones
 * folding kept), most messages first. */
static void connection_rows(struct top_snapshot *s, const struct analysis *a)
{
	const struct connection *best[TOP_CONNECTIONS_MAX];
	unsigned n = 0;
	s->open_connections = 0;
	for (const struct connection *c = a->connections; c != NULL; c = c->next) {
		s->open_connections += !c->closed;
		unsigned at = n;
		while (at > 0 && messages_of(best[at - 1]) < messages_of(c))
			at--;
		if (at == TOP_CONNECTIONS_MAX)
			continue;
		if (n < TOP_CONNECTIONS_MAX)
			n++;
		memmove(&best[at + 1], &best[at], (n - 1 - at) * sizeof best[0]);
		best[at] = c;
	}
	s->n_connections = n;
	for (unsigned i = 0; i < n; i++) {
		struct top_connection_row *row = &s->connections_shown[i];
		endpoint_format(&best[i]->client, row->client, sizeof row->client);
		endpoint_format(&best[i]->server, row->server, sizeof row->server);
		row->messages = messages_of(best[i]);
		row->errors = best[i]->fig.errors;
		row->unanswered = best[i]->fig.unanswered;
		row->open = !best[i]->closed;
	}
	s->connections_folded = a->folded.connections;
}

/* Escaped text into a fixed buffer, cut with "..." where it would not
 * fit: never in the middle of an escape ("\\x1b", written whole by
 * escape_text_to) or of a UTF-8 sequence (the runs it keeps). */
struct fixed_text {
	char *buf;
	size_t cap, len; /* cap includes the NUL and room for "..." */
	int full;
};

enum { ELLIPSIS_LEN = 3 };

static void fixed_write(void *ctx, const char *p, size_t n)
{
	struct fixed_text *t = ctx;
	if (t->full)
		return;
	size_t room = t->cap - 1 - ELLIPSIS_LEN - t->len;
	size_t take = n;
	if (n > room) {
		take = p[0] == '\\' ? 0 : room; /* an escape whole or not at all */
		while (take > 0 && ((unsigned char)p[take] & 0xc0) == 0x80)
			take--; /* p[take] continues a sequence: cut before its start */
		t->full = 1;
	}
	memcpy(t->buf + t->len, p, take);
	t->len += take;
	if (t->full) {
		memcpy(t->buf + t->len, "...", ELLIPSIS_LEN);
		t->len += ELLIPSIS_LEN;
	}
	t->buf[t->len] = '\0';
}

void top_escape(char *buf, size_t cap, const char *s, size_t len)
{
	struct fixed_text t = { buf, cap, 0, 0 };
	buf[0] = '\0';
	escape_text_to(s, len, fixed_write, &t);
}

static void path_rows(struct top_snapshot *s, const struct analysis *a)
{
	struct path_row rows[TOP_PATHS_MAX];
	size_t n = access_hot_paths(a, rows, TOP_PATHS_MAX);
	s->n_paths = (unsigned)n;
	for (size_t i = 0; i < n; i++) {
		struct top_path_row *row = &s->paths[i];
		top_escape(row->path, sizeof row->path, rows[i].path, strlen(rows[i].path));
		row->round_trips = rows[i].round_trips;
		row->accesses = rows[i].accesses;
	}
	s->paths_approximate = access_hot_paths_approximate(a);
}

void top_snapshot_take(struct top_snapshot *s, const struct analysis *a, const struct interval_figures *f,
		       struct top_running *running)
{
	memset(s, 0, sizeof *s);
	s->start_ns = f->start_ns;
	s->end_ns = f->end_ns;

	running->packets += f->capture.packets;
	if (f->drops_known) {
		running->drops_known = 1;
		running->drops.kernel += f->drops.kernel;
		running->drops.interface += f->drops.interface;
	}
	s->packets = f->capture.packets;
	s->total_packets = running->packets;
	s->drops_known = running->drops_known;
	s->drops = f->drops;
	s->total_drops = running->drops;

	struct figures total;
	figures_totals(a, &total);
	s->connections = f->connections;
	s->total_connections = a->n_connections;
	s->requests = f->totals.requests;
	s->total_requests = total.requests;
	s->errors = f->totals.errors;
	s->total_errors = total.errors;
	s->unanswered = f->totals.unanswered;
	s->total_unanswered = total.unanswered;
	s->outstanding = analysis_outstanding(a);
	type_rows(s, &total, &f->totals);
	figures_free(&total);

	connection_rows(s, a);
	path_rows(s, a);
}
