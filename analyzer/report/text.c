/*
 * The readable report: a summary, messages by type, latency by request,
 * then one line per connection and per 9P2000.e session.  The connections
 * are those the analysis kept in detail (stats/folding.h), at most
 * TEXT_CONNECTIONS_SHOWN of them, then one "others" line for the folded
 * ones, and likewise at most TEXT_ESESSIONS_SHOWN 9P2000.e sessions kept
 * in detail (stats/esession_rows.h) and one "others" line, so the report
 * stays short whatever the capture.  Times are in one unit per table,
 * scaled to its values and no finer than the capture's timestamps
 * (report/units.h).  Before all that, a "Capture" section says what the
 * packets were; when no 9P was found, the report says why instead of
 * showing empty tables.
 */
#include <stdlib.h>
#include <string.h>

#include "report/escape.h"
#include "report/report.h"
#include "stats/accesses.h"
#include "report/report_common.h"
#include "report/units.h"

enum {
	TEXT_CONNECTIONS_SHOWN = 100,
	TEXT_ESESSIONS_SHOWN = 100,
};

/* A table's times: one unit, and the capture's resolution. */
struct time_column {
	struct time_unit unit;
	uint64_t resolution_ns;
};

static struct time_column time_column(const struct analysis *a, uint64_t max_ns)
{
	return (struct time_column){ units_pick(max_ns), units_resolution_ns(a) };
}

static void print_time(FILE *out, int width, uint64_t ns, const struct time_column *c)
{
	char buf[48];
	units_format(buf, sizeof buf, ns, c->unit, c->resolution_ns);
	fprintf(out, " %*s", width, buf);
}

static void line(FILE *out, const char *label, uint64_t value)
{
	fprintf(out, "  %-22s %llu\n", label, (unsigned long long)value);
}

/* Damaged (some of it was read) is not the same as unreadable (a file
 * that does not exist, or is not a capture): say which. */
static const char *partial_reason(const struct analysis *a)
{
	int damaged = 0;
	for (unsigned i = 0; i < a->n_inputs; i++)
		damaged |= a->inputs[i].failed && a->inputs[i].delivered;
	if (damaged)
		return "the input is damaged; figures are of what was read";
	if (a->interrupted)
		return "interrupted before the end of the capture; figures are of what was read";
	if (a->live)
		return "the capture failed; figures are of what was read";
	return "an input could not be read; figures are of the others";
}

/* Whether any 9P message was read: with -p, a connection to the port is
 * 9P by the user's word, yet may hold none. */
static int found_9p(const struct analysis *a, const struct figures *t)
{
	return a->n_connections > 0 && t->requests + t->replies > 0;
}

static void summary(const struct analysis *a, const struct figures *t, FILE *out)
{
	fprintf(out, "Summary\n");
	for (unsigned i = 0; i < a->n_inputs; i++) {
		const char *name = a->inputs[i].name;
		const char *base = strrchr(name, '/');
		fprintf(out, "  %-22s ", i == 0 ? "input" : "");
		escape_text_str(out, base ? base + 1 : name);
		fputc('\n', out);
		if (a->inputs[i].failed) {
			fprintf(out, "  %-22s ", "  problem");
			escape_text_str(out, a->inputs[i].error);
			fputc('\n', out);
		}
	}
	if (a->partial)
		fprintf(out, "  %-22s %s\n", "PARTIAL", partial_reason(a));
	if (a->folded.connections > 0)
		fprintf(out, "  %-22s %llu (%llu other TCP; %llu folded into others)\n", "9P connections",
			(unsigned long long)a->n_connections, (unsigned long long)a->other_connections,
			(unsigned long long)a->folded.connections);
	else
		fprintf(out, "  %-22s %llu (%llu other TCP)\n", "9P connections", (unsigned long long)a->n_connections,
			(unsigned long long)a->other_connections);
	if (!found_9p(a, t))
		return; /* no_9p says why; every figure below would be 0 */
	fprintf(out, "  %-22s %s\n", "dialect", analysis_dialect(a));
	if (a->esession_rows.folded > 0)
		fprintf(out, "  %-22s %llu (%llu folded into others)\n", "9P2000.e sessions",
			(unsigned long long)a->esessions.with_members, (unsigned long long)a->esession_rows.folded);
	else if (a->esessions.with_members > 0)
		line(out, "9P2000.e sessions", a->esessions.with_members);
	line(out, "requests", t->requests);
	line(out, "replies", t->replies);
	line(out, "round trips", t->round_trips);
	line(out, "errors", t->errors);
	line(out, "unanswered", t->unanswered);
	line(out, "flushed", t->flushed);
	line(out, "orphan replies", t->orphans);
	line(out, "bytes client->server", t->bytes_to_server);
	line(out, "bytes server->client", t->bytes_to_client);
	line(out, "not 9P bytes", t->not_9p_bytes);
	if (t->nonconforming > 0)
		line(out, "non-conforming", t->nonconforming);
	fprintf(out, "  %-22s %llu (%llu bytes lost, %llu skipped to resynchronise, %llu exchanges lost)\n", "gaps",
		(unsigned long long)t->gaps, (unsigned long long)t->gap_bytes, (unsigned long long)t->resync_bytes,
		(unsigned long long)t->exchanges_lost);
	if (t->uncaptured_bytes)
		line(out, "not captured (snaplen)", t->uncaptured_bytes);
	if (t->truncated_bytes)
		line(out, "truncated bytes", t->truncated_bytes);
	fprintf(out, "  %-22s %llu (%llu round trips)\n", "file accesses", (unsigned long long)t->file_accesses,
		(unsigned long long)t->file_access_round_trips);
	if (t->fids_forgotten)
		line(out, "fids forgotten", t->fids_forgotten);
}

/* The inputs' link type: "Ethernet", "several" when they differ, NULL when
 * no packet was read.  *readable: ninep reads IP in it (every input's). */
static const char *link_type_text(const struct analysis *a, char *buf, size_t size, int *readable)
{
	int type = -1;
	*readable = 1;
	for (unsigned i = 0; i < a->n_inputs; i++) {
		int t = a->inputs[i].link_type;
		if (t == -1)
			continue;
		if (t == CAPTURE_LINK_TYPES_MIXED || (type != -1 && t != type))
			return "several";
		type = t;
		*readable = capture_link_type_readable(t);
	}
	return type == -1 ? NULL : capture_link_type_name(type, buf, size);
}

/* What the packets were, before any 9P: the counters of the lower half
 * (capture/capture.h), the same as the JSON report's "capture". */
static void capture_section(const struct analysis *a, FILE *out)
{
	const struct capture_stats *c = &a->capture;
	char name[64];
	int readable;
	const char *link = link_type_text(a, name, sizeof name, &readable);
	fprintf(out, "\nCapture\n");
	if (link != NULL) {
		fprintf(out, "  %-22s ", "link type");
		escape_text_str(out, link); /* libpcap's words, but printed as anything else */
		fputs(readable ? "\n" : " (ninep reads no IP in it)\n", out);
	}
	fprintf(out, "  %-22s %llu (%llu bytes)\n", "packets", (unsigned long long)c->packets,
		(unsigned long long)c->bytes);
	line(out, "not IP", c->non_ip);
	line(out, "IP, not TCP", c->non_tcp);
	line(out, "TCP connections", c->connections);
	line(out, "truncated by snaplen", c->snaplen_truncated);
	fprintf(out, "  %-22s %llu (%llu with different bytes)\n", "retransmitted", (unsigned long long)c->retransmissions,
		(unsigned long long)c->retransmission_conflicts);
	line(out, "out of order", c->out_of_order);
	if (c->ip_fragments)
		fprintf(out, "  %-22s %llu (%llu packets reassembled)\n", "IP fragments",
			(unsigned long long)c->ip_fragments, (unsigned long long)c->ip_reassembled);
	if (c->malformed_headers)
		line(out, "malformed headers", c->malformed_headers);
	if (a->drops_known)
		fprintf(out, "  %-22s %llu by the kernel, %llu by the interface\n", "dropped",
			(unsigned long long)a->drops.kernel, (unsigned long long)a->drops.interface);
}

/* No 9P message: why, in the words a user can act on. */
static void no_9p(const struct analysis *a, const struct figures *t, FILE *out)
{
	const struct capture_stats *c = &a->capture;
	char name[64];
	int readable;
	const char *link = link_type_text(a, name, sizeof name, &readable);
	fprintf(out, "\nNo 9P: ");
	if (c->packets == 0) {
		fprintf(out, "no packets%s\n", a->partial ? " could be read" : "");
	} else if (c->connections == 0 && link != NULL && !readable) {
		fputs("no TCP: link type ", out);
		escape_text_str(out, link);
		fprintf(out, ", in which ninep reads no IP (%llu packet%s)\n", (unsigned long long)c->packets,
			c->packets == 1 ? "" : "s");
	} else if (c->connections == 0) {
		fprintf(out, "no TCP: %llu packets, %llu not IP, %llu IP but not TCP%s\n", (unsigned long long)c->packets,
			(unsigned long long)c->non_ip, (unsigned long long)c->non_tcp,
			c->malformed_headers ? ", some with malformed headers" : "");
	} else if (a->opt.n_ports > 0) {
		fprintf(out, "no 9P on %llu TCP connection%s to the ports given with -p (%llu bytes not 9P)\n",
			(unsigned long long)c->connections, c->connections == 1 ? "" : "s",
			(unsigned long long)t->not_9p_bytes);
	} else {
		fprintf(out, "no 9P on %llu TCP connection%s; try -p PORT\n", (unsigned long long)c->connections,
			c->connections == 1 ? "" : "s");
	}
}

static void message_row(const struct figures *t, unsigned type, FILE *out)
{
	char b1[16], b2[16];
	unsigned reply = type + 1;
	if (reply == NINEP_Rlerror || reply == NINEP_Rerror) {
		/* no request of these numbers: error replies have their own line */
		if (figures_messages(t, type) > 0)
			fprintf(out, "  %-12s %8llu\n", message_label(type, b1), (unsigned long long)figures_messages(t, type));
		return;
	}
	fprintf(out, "  %-12s %8llu  %-12s %8llu %8llu\n", message_label(type, b1),
		(unsigned long long)figures_messages(t, type), message_label(reply, b2),
		(unsigned long long)figures_messages(t, reply), (unsigned long long)figures_errors(t, type));
}

static void messages(const struct figures *t, FILE *out)
{
	char b1[16];
	unsigned order[NINEP_TYPES / 2];
	requests_in_protocol_order(order);
	fprintf(out, "\nMessages\n");
	fprintf(out, "  %-12s %8s  %-12s %8s %8s\n", "request", "count", "reply", "count", "errors");
	for (unsigned i = 0; i < NINEP_TYPES / 2; i++)
		if (figures_messages(t, order[i]) > 0 || figures_messages(t, order[i] + 1) > 0)
			message_row(t, order[i], out);
	const unsigned errors[] = { NINEP_Rerror, NINEP_Rlerror };
	for (unsigned i = 0; i < 2; i++)
		if (figures_messages(t, errors[i]) > 0)
			fprintf(out, "  %-12s %8s  %-12s %8llu\n", "", "", message_label(errors[i], b1),
				(unsigned long long)figures_messages(t, errors[i]));
}

static void latency_row(FILE *out, const char *label, const struct latency_hist *h, const struct time_column *c)
{
	fprintf(out, "  %-12s %8llu", label, (unsigned long long)h->count);
	print_time(out, 9, h->min, c);
	print_time(out, 9, latency_percentile(h, 50), c);
	print_time(out, 9, latency_percentile(h, 90), c);
	print_time(out, 9, latency_percentile(h, 99), c);
	print_time(out, 9, h->max, c);
	print_time(out, 9, latency_mean(h), c);
	fputc('\n', out);
}

static void latency_table(const struct analysis *a, const struct figures *t, FILE *out)
{
	char b[16];
	unsigned order[NINEP_TYPES / 2];
	requests_in_protocol_order(order);
	/* every request's samples are in all_latency: its max is the table's */
	struct time_column c = time_column(a, t->all_latency.max);
	fprintf(out, "\nLatency by request (%s)\n", c.unit.name);
	fprintf(out, "  %-12s %8s %9s %9s %9s %9s %9s %9s\n", "request", "count", "min", "p50", "p90", "p99", "max",
		"mean");
	for (unsigned i = 0; i < NINEP_TYPES / 2; i++) {
		const struct latency_hist *h = figures_latency(t, order[i] / 2);
		if (h != NULL && h->count > 0)
			latency_row(out, message_label(order[i], b), h, &c);
	}
	if (t->all_latency.count > 0)
		latency_row(out, "all", &t->all_latency, &c);
}

/* The connections table's columns, narrow enough for 100 columns with IPv4
 * endpoints: the msize is in --json; errors, unanswered, orphans and gaps
 * each get a short header. */
#define CONNECTION_HEAD "  %4s %-*s %-*s %-8s %6s %4s %5s %4s %4s %7s %7s %7s\n"
#define CONNECTION_ROW "  %4s %-*s %-*s %-8s %6llu %4llu %5llu %4llu %4llu"

static void connection_figures(FILE *out, const char *id, int width, const char *client, const char *server,
			       const char *dialect, const struct figures *f, const struct time_column *c)
{
	fprintf(out, CONNECTION_ROW, id, width, client, width, server, dialect, (unsigned long long)f->round_trips,
		(unsigned long long)f->errors, (unsigned long long)f->unanswered, (unsigned long long)f->orphans,
		(unsigned long long)f->gaps);
	print_time(out, 7, latency_percentile(&f->all_latency, 50), c);
	print_time(out, 7, f->all_latency.max, c);
}

/* The folded connections (stats/folding.h), in one line of the same columns. */
static void others(const struct analysis *a, int width, const struct time_column *c, FILE *out)
{
	const struct folded *f = &a->folded;
	if (f->connections == 0)
		return;
	char who[32];
	snprintf(who, sizeof who, "%llu others", (unsigned long long)f->connections);
	unsigned d = f->dialects;
	const char *dialect = d == 0 ? "unknown" : (d & (d - 1)) != 0 ? "mixed" : ninep_dialect_name(d);
	connection_figures(out, "-", width, who, "", dialect, &f->fig, c);
	fprintf(out, " %7s\n", "-");
}

static void connections(const struct analysis *a, FILE *out)
{
	struct connection **list = connections_sorted(a);
	/* One unit for the table, from its largest time; endpoint columns as
	 * wide as the widest endpoint shown. */
	uint64_t max_ns = a->folded.fig.all_latency.max;
	int width = 14;
	size_t shown = 0;
	for (; list[shown] != NULL && shown < TEXT_CONNECTIONS_SHOWN; shown++) {
		const struct connection *s = list[shown];
		char e[ENDPOINT_STRLEN];
		for (int side = 0; side < 2; side++) {
			int w = (int)strlen(endpoint_format(side ? &s->server : &s->client, e, sizeof e));
			width = w > width ? w : width;
		}
		max_ns = s->fig.all_latency.max > max_ns ? s->fig.all_latency.max : max_ns;
		if (s->handshake_rtt_ns > 0 && (uint64_t)s->handshake_rtt_ns > max_ns)
			max_ns = (uint64_t)s->handshake_rtt_ns;
	}
	struct time_column c = time_column(a, max_ns);
	fprintf(out, "\nConnections (times in %s)\n", c.unit.name);
	fprintf(out, CONNECTION_HEAD, "id", width, "client", width, "server", "dialect", "rtrips", "errs", "unans", "orph",
		"gaps", "p50", "max", "syn-ack");
	for (size_t i = 0; i < shown; i++) {
		const struct connection *s = list[i];
		char id[24], client[ENDPOINT_STRLEN], server[ENDPOINT_STRLEN];
		snprintf(id, sizeof id, "%llu", (unsigned long long)s->id);
		endpoint_format(&s->client, client, sizeof client);
		endpoint_format(&s->server, server, sizeof server);
		connection_figures(out, id, width, client, server, s->dialect ? ninep_dialect_name(s->dialect) : "unknown",
				   &s->fig, &c);
		if (s->handshake_rtt_ns >= 0)
			print_time(out, 7, (uint64_t)s->handshake_rtt_ns, &c);
		else
			fprintf(out, " %7s", "-");
		fputc('\n', out);
	}
	size_t more = 0;
	while (list[shown + more] != NULL)
		more++;
	if (more > 0)
		fprintf(out, "  ... and %zu more (all of them in --json)\n", more);
	free(list);
	others(a, width, &c, out);
}

/* What the bounds on saved fids and idle sessions made sessions forget
 * (ninep/engine.h). */
static void esession_forgotten(const struct analysis *a, FILE *out)
{
	if (a->esessions.saved_forgotten > 0)
		fprintf(out, "  fids saved for a Tsession forgotten: %llu, of %llu sessions (at most %d sessions,\n"
			     "  %d fids kept)\n",
			(unsigned long long)a->esessions.fids_forgotten,
			(unsigned long long)a->esessions.saved_forgotten, NINEP_ESESSIONS_SAVED_MAX,
			NINEP_ESESSIONS_SAVED_FIDS_MAX);
	if (a->esessions.sessions_forgotten > 0)
		fprintf(out, "  sessions forgotten while a Tsession could resume them: %llu (at most %d kept idle)\n",
			(unsigned long long)a->esessions.sessions_forgotten, NINEP_ESESSIONS_IDLE_MAX);
}

static void esession_line(FILE *out, const char *id, const char *key, const char *members, const struct figures *f,
			  const struct time_column *c)
{
	fprintf(out, "  %4s  %-8s  %-20s %8llu %8llu", id, key, members, (unsigned long long)f->round_trips,
		(unsigned long long)f->errors);
	print_time(out, 9, latency_percentile(&f->all_latency, 50), c);
	fputc('\n', out);
}

/* The sessions listed (esession_rows.h), at most TEXT_ESESSIONS_SHOWN, and
 * one "others" line for the folded ones. */
static void esessions(const struct analysis *a, FILE *out)
{
	const struct esession_rows *r = &a->esession_rows;
	if (a->esessions.with_members == 0)
		return;
	struct connection **list = connections_sorted(a);
	size_t n;
	struct esession_view *views = esession_views(a, list, TEXT_ESESSIONS_SHOWN, &n);
	uint64_t max_ns = r->folded > 0 ? latency_percentile(&r->folded_fig.all_latency, 50) : 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t p50 = latency_percentile(&views[i].fig.all_latency, 50);
		max_ns = p50 > max_ns ? p50 : max_ns;
	}
	struct time_column c = time_column(a, max_ns);
	fprintf(out, "\n9P2000.e sessions (times in %s)\n", c.unit.name);
	fprintf(out, "  %4s  %-8s  %-20s %8s %8s %9s\n", "id", "key", "connections", "rtrips", "errors", "p50");
	for (size_t i = 0; i < n; i++) {
		const struct esession_view *v = &views[i];
		char id[24], key[9] = "-";
		snprintf(id, sizeof id, "%llu", (unsigned long long)v->display_number);
		if (v->row->has_key)
			key_fingerprint(v->row->key_hash, key);
		char members[128] = "";
		size_t used = 0;
		for (size_t m = 0; m < v->n_members; m++) {
			if (used + 24 >= sizeof members)
				break;
			used += (size_t)snprintf(members + used, sizeof members - used, "%s%llu", used ? "," : "",
						 (unsigned long long)v->members[m]->id);
		}
		esession_line(out, id, key, members, &v->fig, &c);
	}
	if (r->n_listed > n)
		fprintf(out, "  ... and %llu more (all of them in --json)\n", (unsigned long long)(r->n_listed - n));
	if (r->folded > 0) {
		char who[32];
		snprintf(who, sizeof who, "%llu others", (unsigned long long)r->folded);
		esession_line(out, "-", "-", who, &r->folded_fig, &c);
	}
	esession_forgotten(a, out);
	esession_views_free(views, n);
	free(list);
}

void report_text(const struct analysis *a, FILE *out)
{
	struct figures t;
	figures_totals(a, &t);
	fprintf(out, "ninep report\n\n");
	summary(a, &t, out);
	capture_section(a, out);
	if (!found_9p(a, &t)) {
		no_9p(a, &t, out);
		figures_free(&t);
		return;
	}
	messages(&t, out);
	latency_table(a, &t, out);
	connections(a, out);
	esessions(a, out);
	chattiness_text(a, out);
	figures_free(&t);
}
