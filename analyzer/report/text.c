/*
 * The readable report: a summary, messages by type, latency by request,
 * then one line per connection and per 9P2000.e session.  The connections
 * are those the analysis kept in detail (stats/folding.h), at most
 * TEXT_CONNECTIONS_SHOWN of them, then one "others" line for the folded
 * ones, and at most TEXT_ESESSIONS_SHOWN 9P2000.e sessions, so the report
 * stays short whatever the capture.  Latencies are
 * shown in microseconds with three decimals, i.e. exact nanoseconds.
 */
#include <stdlib.h>
#include <string.h>

#include "report/escape.h"
#include "report/report.h"
#include "stats/accesses.h"
#include "report/report_common.h"

enum {
	TEXT_CONNECTIONS_SHOWN = 100,
	TEXT_ESESSIONS_SHOWN = 100,
};

static void print_us(FILE *out, int width, uint64_t ns)
{
	char buf[48];
	snprintf(buf, sizeof buf, "%llu.%03llu", (unsigned long long)(ns / 1000), (unsigned long long)(ns % 1000));
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
	line(out, "packets", a->capture.packets);
	if (a->folded.connections > 0)
		fprintf(out, "  %-22s %llu (%llu other TCP; %llu folded into others)\n", "9P connections",
			(unsigned long long)a->n_connections, (unsigned long long)a->other_connections,
			(unsigned long long)a->folded.connections);
	else
		fprintf(out, "  %-22s %llu (%llu other TCP)\n", "9P connections", (unsigned long long)a->n_connections,
			(unsigned long long)a->other_connections);
	fprintf(out, "  %-22s %s\n", "dialect", analysis_dialect(a));
	if (esessions_live(a) > 0)
		line(out, "9P2000.e sessions", esessions_live(a));
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

static void messages(const struct figures *t, FILE *out)
{
	char b1[16], b2[16];
	fprintf(out, "\nMessages\n");
	fprintf(out, "  %-12s %8s  %-12s %8s %8s\n", "request", "count", "reply", "count", "errors");
	for (unsigned type = 0; type < NINEP_TYPES; type += 2) {
		unsigned reply = type + 1;
		if (figures_messages(t, type) == 0 && figures_messages(t, reply) == 0)
			continue;
		if (reply == NINEP_Rlerror || reply == NINEP_Rerror) {
			/* no request of these numbers: error replies have their own line */
			if (figures_messages(t, type) == 0)
				continue;
			fprintf(out, "  %-12s %8llu\n", message_label(type, b1), (unsigned long long)figures_messages(t, type));
			continue;
		}
		fprintf(out, "  %-12s %8llu  %-12s %8llu %8llu\n", message_label(type, b1),
			(unsigned long long)figures_messages(t, type), message_label(reply, b2),
			(unsigned long long)figures_messages(t, reply), (unsigned long long)figures_errors(t, type));
	}
	const unsigned errors[] = { NINEP_Rerror, NINEP_Rlerror };
	for (unsigned i = 0; i < 2; i++)
		if (figures_messages(t, errors[i]) > 0)
			fprintf(out, "  %-12s %8s  %-12s %8llu\n", "", "", message_label(errors[i], b1),
				(unsigned long long)figures_messages(t, errors[i]));
}

static void latency_row(FILE *out, const char *label, const struct latency_hist *h)
{
	fprintf(out, "  %-12s %8llu", label, (unsigned long long)h->count);
	print_us(out, 11, h->min);
	print_us(out, 11, latency_percentile(h, 50));
	print_us(out, 11, latency_percentile(h, 90));
	print_us(out, 11, latency_percentile(h, 99));
	print_us(out, 11, h->max);
	print_us(out, 11, latency_mean(h));
	fputc('\n', out);
}

static void latency_table(const struct figures *t, FILE *out)
{
	char b[16];
	fprintf(out, "\nLatency by request (microseconds)\n");
	fprintf(out, "  %-12s %8s %11s %11s %11s %11s %11s %11s\n", "request", "count", "min", "p50", "p90", "p99",
		"max", "mean");
	for (unsigned i = 0; i < NINEP_REQUEST_SLOTS; i++)
		if (figures_latency(t, i) != NULL && figures_latency(t, i)->count > 0)
			latency_row(out, message_label(i * 2, b), figures_latency(t, i));
	if (t->all_latency.count > 0)
		latency_row(out, "all", &t->all_latency);
}

/* The folded connections (stats/folding.h), in one line of the same columns. */
static void others(const struct analysis *a, FILE *out)
{
	const struct folded *f = &a->folded;
	if (f->connections == 0)
		return;
	char who[32];
	snprintf(who, sizeof who, "%llu others", (unsigned long long)f->connections);
	unsigned d = f->dialects;
	const char *dialect = d == 0 ? "unknown" : (d & (d - 1)) != 0 ? "mixed" : ninep_dialect_name(d);
	fprintf(out, "  %4s  %-22s %-22s %-9s %6s %6llu %5llu %5llu %5llu %5llu", "-", who, "", dialect, "-",
		(unsigned long long)f->fig.round_trips, (unsigned long long)f->fig.errors,
		(unsigned long long)f->fig.unanswered, (unsigned long long)f->fig.orphans,
		(unsigned long long)f->fig.gaps);
	print_us(out, 11, latency_percentile(&f->fig.all_latency, 50));
	print_us(out, 11, f->fig.all_latency.max);
	fprintf(out, " %11s\n", "-");
}

static void connections(const struct analysis *a, FILE *out)
{
	struct connection **list = connections_sorted(a);
	fprintf(out, "\nConnections (latency in microseconds)\n");
	fprintf(out, "  %4s  %-22s %-22s %-9s %6s %6s %5s %5s %5s %5s %11s %11s %11s\n", "id", "client", "server",
		"dialect", "msize", "rtrips", "errs", "unans", "orph", "gaps", "p50", "max", "handshake");
	size_t i = 0;
	for (; list[i] != NULL && i < TEXT_CONNECTIONS_SHOWN; i++) {
		const struct connection *s = list[i];
		char client[ENDPOINT_STRLEN], server[ENDPOINT_STRLEN];
		endpoint_format(&s->client, client, sizeof client);
		endpoint_format(&s->server, server, sizeof server);
		const struct latency_hist *all = &s->fig.all_latency;
		fprintf(out, "  %4llu  %-22s %-22s %-9s %6u %6llu %5llu %5llu %5llu %5llu", (unsigned long long)s->id,
			client, server, s->dialect ? ninep_dialect_name(s->dialect) : "unknown", s->msize,
			(unsigned long long)s->fig.round_trips, (unsigned long long)s->fig.errors,
			(unsigned long long)s->fig.unanswered, (unsigned long long)s->fig.orphans,
			(unsigned long long)s->fig.gaps);
		print_us(out, 11, latency_percentile(all, 50));
		print_us(out, 11, all->max);
		if (s->handshake_rtt_ns >= 0)
			print_us(out, 11, (uint64_t)s->handshake_rtt_ns);
		else
			fprintf(out, " %11s", "-");
		fputc('\n', out);
	}
	size_t more = 0;
	while (list[i + more] != NULL)
		more++;
	if (more > 0)
		fprintf(out, "  ... and %zu more (all of them in --json)\n", more);
	free(list);
	others(a, out);
}

/* What the bound on saved fids made sessions forget (ninep/engine.h). */
static void esession_fids_forgotten(const struct analysis *a, FILE *out)
{
	if (a->esessions.saved_forgotten == 0)
		return;
	fprintf(out, "  fids saved for a Tsession forgotten: %llu, of %llu sessions (at most %d sessions,\n"
		     "  %d fids kept)\n",
		(unsigned long long)a->esessions.fids_forgotten, (unsigned long long)a->esessions.saved_forgotten,
		NINEP_ESESSIONS_SAVED_MAX, NINEP_ESESSIONS_SAVED_FIDS_MAX);
}

static void esessions(const struct analysis *a, FILE *out)
{
	if (esessions_live(a) == 0)
		return;
	fprintf(out, "\n9P2000.e sessions\n");
	fprintf(out, "  %4s  %-8s  %-20s %8s %8s %11s\n", "id", "key", "connections", "rtrips", "errors", "p50 us");
	struct connection **list = connections_sorted(a);
	struct esession_view *views = esession_views(a, list);
	uint64_t shown = 0, more = 0;
	for (const struct ninep_esession *e = a->esessions.head; e != NULL; e = e->next) {
		if (e->members == 0)
			continue;
		if (shown == TEXT_ESESSIONS_SHOWN) {
			more++;
			continue;
		}
		shown++;
		char key[9] = "-";
		if (e->has_key)
			key_fingerprint(e->key_hash, key);
		const struct esession_view *v = &views[e->number - 1];
		char members[128] = "";
		size_t used = 0;
		for (size_t i = 0; i < v->n_members; i++) {
			if (used + 24 >= sizeof members)
				break;
			used += (size_t)snprintf(members + used, sizeof members - used, "%s%llu", used ? "," : "",
						 (unsigned long long)v->members[i]->id);
		}
		fprintf(out, "  %4llu  %-8s  %-20s %8llu %8llu", (unsigned long long)v->display_number, key, members,
			(unsigned long long)v->fig.round_trips, (unsigned long long)v->fig.errors);
		print_us(out, 11, latency_percentile(&v->fig.all_latency, 50));
		fputc('\n', out);
	}
	if (more > 0)
		fprintf(out, "  ... and %llu more (all of them in --json)\n", (unsigned long long)more);
	esession_fids_forgotten(a, out);
	esession_views_free(a, views);
	free(list);
}

void report_text(const struct analysis *a, FILE *out)
{
	struct figures t;
	figures_totals(a, &t);
	fprintf(out, "ninep report\n\n");
	summary(a, &t, out);
	messages(&t, out);
	latency_table(&t, out);
	connections(a, out);
	esessions(a, out);
	chattiness_text(a, out);
	figures_free(&t);
}
