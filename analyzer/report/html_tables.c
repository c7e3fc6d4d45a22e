/*
 * The tables of the HTML page: summary, messages (each request beside its
 * reply), latency by request, connections, 9P2000.e sessions and file
 * accesses.  Units are in the column headers, numbers right-aligned;
 * times in milliseconds to the microsecond (a pcap timestamp's
 * resolution).  Everything from the network goes through escape_html.
 */
#include <stdlib.h>
#include <string.h>

#include "report/escape.h"
#include "report/html_parts.h"
#include "report/report.h"
#include "report/report_common.h"

enum {
	HTML_CONNECTIONS_SHOWN = 100,
	HTML_ESESSIONS_SHOWN = 100,
	HTML_ACCESSES_SHOWN = 100,
	HOT_PATHS_SHOWN = 10,
};

/* A column: its header (with its unit), and whether it holds numbers. */
struct column {
	const char *name;
	int num;
};

/* The id of a table: "messages", or "messages-before" in compare. */
static void table_begin(FILE *out, const char *id, const char *side, const char *caption,
			const struct column *cols, size_t n)
{
	fprintf(out, "<div class=\"scroll\"><table id=\"%s%s%s\"><caption>%s</caption>\n<thead><tr>", id,
		side ? "-" : "", side ? side : "", caption);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "<th scope=\"col\"%s>%s</th>", cols[i].num ? " class=\"num\"" : "", cols[i].name);
	fputs("</tr></thead>\n<tbody>\n", out);
}

static void table_end(FILE *out)
{
	fputs("</tbody></table></div>\n", out);
}

static void td_text(FILE *out, const char *s)
{
	fputs("<td>", out);
	escape_html(out, s, strlen(s));
	fputs("</td>", out);
}

static void td_u64(FILE *out, uint64_t v)
{
	fprintf(out, "<td class=\"num\">%llu</td>", (unsigned long long)v);
}

static void td_empty(FILE *out)
{
	fputs("<td></td>", out);
}

/* Milliseconds with three decimals: the nearest microsecond. */
static void td_ms(FILE *out, uint64_t ns)
{
	uint64_t us = ns / 1000 + (ns % 1000 >= 500);
	fprintf(out, "<td class=\"num\">%llu.%03llu</td>", (unsigned long long)(us / 1000), (unsigned long long)(us % 1000));
}

static void td_ratio(FILE *out, uint64_t part, uint64_t whole)
{
	if (whole == 0)
		fputs("<td class=\"num\">-</td>", out);
	else
		fprintf(out, "<td class=\"num\">%.2f</td>", (double)part / (double)whole);
}

/* A row of a two-column table: what, and how many. */
static void row_u64(FILE *out, const char *label, uint64_t v)
{
	fprintf(out, "<tr><th scope=\"row\">%s</th>", label);
	td_u64(out, v);
	fputs("</tr>\n", out);
}

static void row_ms(FILE *out, const char *label, uint64_t ns)
{
	fprintf(out, "<tr><th scope=\"row\">%s</th>", label);
	td_ms(out, ns);
	fputs("</tr>\n", out);
}

static void row_text(FILE *out, const char *label, const char *text)
{
	fprintf(out, "<tr><th scope=\"row\">%s</th>", label);
	td_text(out, text);
	fputs("</tr>\n", out);
}

static const struct column FIGURE_VALUE[] = { { "figure", 0 }, { "value", 1 } };

static void summary(FILE *out, const struct analysis *a, const struct figures *t, const char *side)
{
	table_begin(out, "summary", side, "Summary", FIGURE_VALUE, 2);
	for (unsigned i = 0; i < a->n_inputs; i++) {
		const char *name = a->inputs[i].name;
		const char *base = strrchr(name, '/');
		row_text(out, "input", base ? base + 1 : name);
		if (a->inputs[i].failed)
			row_text(out, "problem", a->inputs[i].error);
	}
	if (a->partial)
		row_text(out, "PARTIAL", "figures are of what was read");
	row_u64(out, "packets", a->capture.packets);
	row_u64(out, "9P connections", a->n_connections);
	row_u64(out, "other TCP connections", a->other_connections);
	if (a->folded.connections > 0)
		row_u64(out, "connections folded into others", a->folded.connections);
	row_text(out, "dialect", analysis_dialect(a));
	if (a->esessions.with_members > 0)
		row_u64(out, "9P2000.e sessions", a->esessions.with_members);
	row_u64(out, "requests", t->requests);
	row_u64(out, "replies", t->replies);
	row_u64(out, "round trips", t->round_trips);
	row_u64(out, "errors", t->errors);
	row_u64(out, "unanswered", t->unanswered);
	row_u64(out, "flushed", t->flushed);
	row_u64(out, "orphan replies", t->orphans);
	row_u64(out, "bytes client → server", t->bytes_to_server);
	row_u64(out, "bytes server → client", t->bytes_to_client);
	row_u64(out, "not 9P (bytes)", t->not_9p_bytes);
	if (t->nonconforming > 0)
		row_u64(out, "non-conforming messages", t->nonconforming);
	row_u64(out, "gaps", t->gaps);
	if (t->gaps > 0) {
		row_u64(out, "lost in gaps (bytes)", t->gap_bytes);
		row_u64(out, "skipped to resynchronise (bytes)", t->resync_bytes);
		row_u64(out, "exchanges lost", t->exchanges_lost);
	}
	if (t->uncaptured_bytes)
		row_u64(out, "not captured, snaplen (bytes)", t->uncaptured_bytes);
	if (t->truncated_bytes)
		row_u64(out, "truncated (bytes)", t->truncated_bytes);
	row_u64(out, "file accesses", t->file_accesses);
	row_u64(out, "file access round trips", t->file_access_round_trips);
	if (t->fids_forgotten)
		row_u64(out, "fids forgotten", t->fids_forgotten);
	table_end(out);
}

/* In protocol order, each request beside its reply; Rerror and Rlerror,
 * the replies of no request of their own, on rows of their own. */
static void messages(FILE *out, const struct figures *t, const char *side)
{
	static const struct column cols[] = { { "request", 0 }, { "count", 1 }, { "reply", 0 }, { "count", 1 },
					      { "error replies", 1 } };
	table_begin(out, "messages", side, "Messages (counts)", cols, 5);
	char b[16];
	unsigned order[NINEP_TYPES / 2];
	requests_in_protocol_order(order);
	for (unsigned k = 0; k < NINEP_TYPES / 2; k++) {
		unsigned type = order[k], reply = type + 1;
		if (figures_messages(t, type) == 0 && figures_messages(t, reply) == 0)
			continue;
		int error_reply = reply == NINEP_Rlerror || reply == NINEP_Rerror;
		if (error_reply && figures_messages(t, type) == 0)
			continue;
		fputs("<tr>", out);
		td_text(out, message_label(type, b));
		td_u64(out, figures_messages(t, type));
		if (error_reply) {
			td_empty(out);
			td_empty(out);
			td_empty(out);
		} else {
			td_text(out, message_label(reply, b));
			td_u64(out, figures_messages(t, reply));
			td_u64(out, figures_errors(t, type));
		}
		fputs("</tr>\n", out);
	}
	const unsigned errors[] = { NINEP_Rerror, NINEP_Rlerror };
	for (unsigned i = 0; i < 2; i++) {
		if (figures_messages(t, errors[i]) == 0)
			continue;
		fputs("<tr>", out);
		td_empty(out);
		td_empty(out);
		td_text(out, message_label(errors[i], b));
		td_u64(out, figures_messages(t, errors[i]));
		td_empty(out);
		fputs("</tr>\n", out);
	}
	table_end(out);
}

static void latency_row(FILE *out, const char *label, const struct latency_hist *h, int total)
{
	fprintf(out, "<tr%s>", total ? " class=\"total\"" : "");
	td_text(out, label);
	td_u64(out, h->count);
	td_ms(out, h->min);
	td_ms(out, latency_percentile(h, 50));
	td_ms(out, latency_percentile(h, 90));
	td_ms(out, latency_percentile(h, 99));
	td_ms(out, h->max);
	td_ms(out, latency_mean(h));
	fputs("</tr>\n", out);
}

static void latency(FILE *out, const struct figures *t, const char *side)
{
	static const struct column cols[] = { { "request", 0 }, { "round trips", 1 }, { "min (ms)", 1 },
					      { "p50 (ms)", 1 }, { "p90 (ms)", 1 }, { "p99 (ms)", 1 },
					      { "max (ms)", 1 }, { "mean (ms)", 1 } };
	table_begin(out, "latency-table", side, "Latency by request, request to reply", cols, 8);
	char b[16];
	unsigned order[NINEP_TYPES / 2];
	requests_in_protocol_order(order);
	for (unsigned k = 0; k < NINEP_TYPES / 2; k++) {
		unsigned i = order[k] / 2;
		if (figures_latency(t, i) != NULL && figures_latency(t, i)->count > 0)
			latency_row(out, message_label(i * 2, b), figures_latency(t, i), 0);
	}
	if (t->all_latency.count > 0)
		latency_row(out, "all", &t->all_latency, 1);
	table_end(out);
}

static void connection_counts(FILE *out, const struct figures *f)
{
	td_u64(out, f->round_trips);
	td_u64(out, f->errors);
	td_u64(out, f->unanswered);
	td_u64(out, f->orphans);
	td_u64(out, f->gaps);
	td_ms(out, latency_percentile(&f->all_latency, 50));
	td_ms(out, f->all_latency.max);
}

static void connections(FILE *out, const struct analysis *a, const char *side)
{
	static const struct column cols[] = { { "id", 1 }, { "client", 0 }, { "server", 0 }, { "dialect", 0 },
					      { "msize (bytes)", 1 }, { "round trips", 1 }, { "errors", 1 },
					      { "unanswered", 1 }, { "orphans", 1 }, { "gaps", 1 }, { "p50 (ms)", 1 },
					      { "max (ms)", 1 }, { "TCP handshake (ms)", 1 } };
	size_t n_cols = sizeof cols / sizeof cols[0];
	table_begin(out, "connections", side, "Connections", cols, n_cols);
	struct connection **list = connections_sorted(a);
	size_t i = 0;
	for (; list[i] != NULL && i < HTML_CONNECTIONS_SHOWN; i++) {
		const struct connection *s = list[i];
		char client[ENDPOINT_STRLEN], server[ENDPOINT_STRLEN];
		endpoint_format(&s->client, client, sizeof client);
		endpoint_format(&s->server, server, sizeof server);
		fputs("<tr>", out);
		td_u64(out, s->id);
		td_text(out, client);
		td_text(out, server);
		td_text(out, s->dialect ? ninep_dialect_name(s->dialect) : "unknown");
		td_u64(out, s->msize);
		connection_counts(out, &s->fig);
		if (s->handshake_rtt_ns >= 0)
			td_ms(out, (uint64_t)s->handshake_rtt_ns);
		else
			fputs("<td class=\"num\">-</td>", out);
		fputs("</tr>\n", out);
	}
	size_t more = 0;
	while (list[i + more] != NULL)
		more++;
	if (more > 0)
		fprintf(out, "<tr class=\"note\"><td colspan=\"%zu\">… and %zu more (all of them in --json)</td></tr>\n",
			n_cols, more);
	free(list);
	const struct folded *f = &a->folded;
	if (f->connections > 0) {
		unsigned d = f->dialects;
		char who[48];
		snprintf(who, sizeof who, "%llu others", (unsigned long long)f->connections);
		fputs("<tr class=\"total\"><td class=\"num\">-</td>", out);
		td_text(out, who);
		td_empty(out);
		td_text(out, d == 0 ? "unknown" : (d & (d - 1)) != 0 ? "mixed" : ninep_dialect_name(d));
		fputs("<td class=\"num\">-</td>", out);
		connection_counts(out, &f->fig);
		fputs("<td class=\"num\">-</td></tr>\n", out);
	}
	table_end(out);
}

static void esession_counts(FILE *out, const struct figures *f)
{
	td_u64(out, f->round_trips);
	td_u64(out, f->errors);
	td_ms(out, latency_percentile(&f->all_latency, 50));
}

static void esessions(FILE *out, const struct analysis *a, const char *side)
{
	const struct esession_rows *r = &a->esession_rows;
	if (a->esessions.with_members == 0)
		return;
	static const struct column cols[] = { { "id", 1 }, { "key", 0 }, { "connections", 0 }, { "round trips", 1 },
					      { "errors", 1 }, { "p50 (ms)", 1 } };
	table_begin(out, "esessions", side, "9P2000.e sessions", cols, 6);
	struct connection **list = connections_sorted(a);
	size_t n;
	struct esession_view *views = esession_views(a, list, HTML_ESESSIONS_SHOWN, &n);
	for (size_t i = 0; i < n; i++) {
		const struct esession_view *v = &views[i];
		char key[9] = "-";
		if (v->row->has_key)
			key_fingerprint(v->row->key_hash, key);
		fputs("<tr>", out);
		td_u64(out, v->display_number);
		td_text(out, key);
		fputs("<td>", out);
		for (size_t m = 0; m < v->n_members; m++)
			fprintf(out, "%s%llu", m ? ", " : "", (unsigned long long)v->members[m]->id);
		fputs("</td>", out);
		esession_counts(out, &v->fig);
		fputs("</tr>\n", out);
	}
	if (r->n_listed > n)
		fprintf(out, "<tr class=\"note\"><td colspan=\"6\">… and %llu more (all of them in --json)</td></tr>\n",
			(unsigned long long)(r->n_listed - n));
	if (r->folded > 0) {
		char who[48];
		snprintf(who, sizeof who, "%llu others", (unsigned long long)r->folded);
		fputs("<tr class=\"total\"><td class=\"num\">-</td>", out);
		td_text(out, "-");
		td_text(out, who);
		esession_counts(out, &r->folded_fig);
		fputs("</tr>\n", out);
	}
	esession_views_free(views, n);
	free(list);
	table_end(out);
}

static void access_summary(FILE *out, const struct access_totals *t, const char *side)
{
	table_begin(out, "accesses", side, "File accesses", FIGURE_VALUE, 2);
	row_u64(out, "accesses", t->accesses);
	row_u64(out, "open at the end", t->open);
	row_u64(out, "failed walks", t->failed);
	row_u64(out, "macro-ops (Tsread, Tswrite)", t->macro);
	row_u64(out, "round trips", t->round_trips);
	fputs("<tr><th scope=\"row\">round trips per access</th>", out);
	td_ratio(out, t->round_trips, t->accesses);
	fputs("</tr>\n", out);
	row_u64(out, "bytes (9P messages)", t->bytes);
	row_u64(out, "file data (bytes)", t->data_bytes);
	row_ms(out, "waiting on replies (ms)", t->wait_ns);
	row_ms(out, "wall time (ms)", t->wall_ns);
	row_ms(out, "all round trips' wait (ms)", t->all_wait_ns);
	table_end(out);
}

static void access_kinds(FILE *out, const struct access_totals *t, const char *side)
{
	static const struct column cols[] = { { "kind", 0 }, { "accesses", 1 }, { "round trips", 1 },
					      { "round trips per access", 1 }, { "wait (ms)", 1 } };
	table_begin(out, "access-kinds", side, "File accesses by kind", cols, 5);
	for (unsigned k = 0; k < ACCESS_KINDS; k++) {
		if (t->by_kind[k] == 0)
			continue;
		fputs("<tr>", out);
		td_text(out, access_kind_name((enum access_kind)k));
		td_u64(out, t->by_kind[k]);
		td_u64(out, t->rt_by_kind[k]);
		td_ratio(out, t->rt_by_kind[k], t->by_kind[k]);
		td_ms(out, t->wait_by_kind[k]);
		fputs("</tr>\n", out);
	}
	table_end(out);
}

static void td_path(FILE *out, const char *path)
{
	fputs("<td class=\"path\">", out);
	if (path[0] != '\0')
		escape_html(out, path, strlen(path));
	else
		fputs("?", out);
	fputs("</td>", out);
}

static void hot_paths(FILE *out, const struct analysis *a, const char *side)
{
	static const struct column cols[] = { { "path", 0 }, { "accesses", 1 }, { "round trips", 1 },
					      { "wait (ms)", 1 } };
	struct path_row rows[HOT_PATHS_SHOWN];
	size_t n = access_hot_paths(a, rows, HOT_PATHS_SHOWN);
	table_begin(out, "hot-paths", side, "Hottest paths, by round trips", cols, 4);
	for (size_t i = 0; i < n; i++) {
		fputs("<tr>", out);
		td_path(out, rows[i].path);
		td_u64(out, rows[i].accesses);
		td_u64(out, rows[i].round_trips);
		td_ms(out, rows[i].wait_ns);
		fputs("</tr>\n", out);
	}
	if (access_hot_paths_approximate(a))
		fprintf(out, "<tr class=\"note\"><td colspan=\"4\">Approximate: more than %d distinct paths; the round "
			     "trips of a path may include some of paths it displaced.</td></tr>\n",
			HOT_PATHS_MAX);
	table_end(out);
}

static void what_if(FILE *out, const struct access_totals *t, const char *side)
{
	table_begin(out, "what-if", side,
		    "What-if: one 9P2000.e Tsread or Tswrite for each whole-file read or overwrite", FIGURE_VALUE, 2);
	row_u64(out, "classic accesses", t->accesses - t->macro - t->failed - t->open);
	row_u64(out, "of them, could be one macro-op", t->whatif_accesses);
	row_u64(out, "their round trips", t->whatif_round_trips);
	row_u64(out, "round trips saved", t->whatif_rt_saved);
	row_u64(out, "all file accesses' round trips, with macro-ops", t->round_trips - t->whatif_rt_saved);
	row_ms(out, "waiting saved (ms)", t->whatif_wait_saved_ns);
	table_end(out);
}

static void access_list(FILE *out, const struct analysis *a, const struct access_totals *t, const char *side)
{
	static const struct column cols[] = { { "conn", 1 }, { "kind", 0 }, { "round trips", 1 }, { "bytes", 1 },
					      { "wall (ms)", 1 }, { "wait (ms)", 1 }, { "state", 0 }, { "path", 0 } };
	const struct access_log *log = access_log_of(a);
	size_t n = log != NULL ? log->n : 0;
	size_t shown = n < HTML_ACCESSES_SHOWN ? n : HTML_ACCESSES_SHOWN;
	table_begin(out, "access-list", side, "File accesses, in the order they ended", cols, 8);
	for (size_t i = 0; i < shown; i++) {
		const struct access_record *r = &log->rec[i];
		fputs("<tr>", out);
		td_u64(out, r->connection_id);
		td_text(out, access_kind_name(r->kind));
		td_u64(out, r->round_trips);
		td_u64(out, r->bytes);
		td_ms(out, r->last_ns > r->first_ns ? (uint64_t)(r->last_ns - r->first_ns) : 0);
		td_ms(out, r->wait_ns);
		td_text(out, r->open ? "open" : r->failed ? "failed" : r->macro ? "macro" : r->errors ? "error" : "done");
		td_path(out, r->path != NULL ? r->path : "");
		fputs("</tr>\n", out);
	}
	if (t->accesses > shown)
		fprintf(out, "<tr class=\"note\"><td colspan=\"8\">… and %llu more (%s)</td></tr>\n",
			(unsigned long long)(t->accesses - shown),
			t->not_kept == 0 ? "all of them in --json" : "all of them with ninep accesses");
	table_end(out);
}

void html_tables(FILE *out, const struct analysis *a, const char *side)
{
	struct figures t;
	struct access_totals acc;
	figures_totals(a, &t);
	access_totals(a, &acc);
	if (side != NULL)
		fprintf(out, "<h2>Tables: %s</h2>\n", side);
	else
		fputs("<h2>Tables</h2>\n", out);
	summary(out, a, &t, side);
	messages(out, &t, side);
	latency(out, &t, side);
	connections(out, a, side);
	esessions(out, a, side);
	access_summary(out, &acc, side);
	if (acc.accesses > 0) {
		access_kinds(out, &acc, side);
		hot_paths(out, a, side);
		what_if(out, &acc, side);
		access_list(out, a, &acc, side);
	}
	figures_free(&t);
}
