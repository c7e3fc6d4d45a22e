/*
 * The JSON report (documented in the top-level README.md, "The JSON report").  One document; every
 * time is an integer number of nanoseconds; session keys appear only as
 * fingerprints.
 */
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "stats/accesses.h"
#include "report/json.h"
#include "report/report_common.h"

static void key_u64(FILE *out, const char *indent, const char *key, uint64_t v, int last)
{
	fprintf(out, "%s\"%s\": %llu%s\n", indent, key, (unsigned long long)v, last ? "" : ",");
}

static void latency_object(FILE *out, const struct latency_hist *h)
{
	fprintf(out, "{\"count\": %llu, \"min\": %llu, \"p50\": %llu, \"p90\": %llu, \"p99\": %llu, \"max\": %llu, "
		     "\"mean\": %llu}",
		(unsigned long long)h->count, (unsigned long long)h->min,
		(unsigned long long)latency_percentile(h, 50), (unsigned long long)latency_percentile(h, 90),
		(unsigned long long)latency_percentile(h, 99), (unsigned long long)h->max,
		(unsigned long long)latency_mean(h));
}

/* The figures shared by totals, sessions and 9P2000.e sessions. */
static void figures_body(FILE *out, const char *in, const struct figures *f)
{
	char b[16];
	key_u64(out, in, "requests", f->requests, 0);
	key_u64(out, in, "replies", f->replies, 0);
	key_u64(out, in, "round_trips", f->round_trips, 0);
	key_u64(out, in, "errors", f->errors, 0);
	key_u64(out, in, "unanswered", f->unanswered, 0);
	key_u64(out, in, "flushed", f->flushed, 0);
	key_u64(out, in, "orphans", f->orphans, 0);
	key_u64(out, in, "bytes_client_to_server", f->bytes_to_server, 0);
	key_u64(out, in, "bytes_server_to_client", f->bytes_to_client, 0);
	key_u64(out, in, "not_9p_bytes", f->not_9p_bytes, 0);
	key_u64(out, in, "nonconforming", f->nonconforming, 0);
	key_u64(out, in, "gaps", f->gaps, 0);
	key_u64(out, in, "gap_bytes", f->gap_bytes, 0);
	key_u64(out, in, "uncaptured_bytes", f->uncaptured_bytes, 0);
	key_u64(out, in, "resync_bytes", f->resync_bytes, 0);
	key_u64(out, in, "truncated_bytes", f->truncated_bytes, 0);
	key_u64(out, in, "exchanges_lost", f->exchanges_lost, 0);
	/* Each lost request leaves an orphan reply, each lost reply an
	 * unanswered request: the messages lost are estimated from those. */
	key_u64(out, in, "messages_lost", f->exchanges_lost, 0);
	key_u64(out, in, "file_accesses", f->file_accesses, 0);
	key_u64(out, in, "file_access_round_trips", f->file_access_round_trips, 0);
	key_u64(out, in, "fids_forgotten", f->fids_forgotten, 0);

	fprintf(out, "%s\"messages\": {", in);
	int first = 1;
	for (unsigned t = 0; t < NINEP_TYPES; t++) {
		if (figures_messages(f, t) == 0)
			continue;
		fprintf(out, "%s\"%s\": %llu", first ? "" : ", ", message_label(t, b),
			(unsigned long long)figures_messages(f, t));
		first = 0;
	}
	fprintf(out, "},\n%s\"errors_by_request\": {", in);
	first = 1;
	for (unsigned t = 0; t < NINEP_TYPES; t++) {
		if (figures_errors(f, t) == 0)
			continue;
		fprintf(out, "%s\"%s\": %llu", first ? "" : ", ", message_label(t, b),
			(unsigned long long)figures_errors(f, t));
		first = 0;
	}
	fprintf(out, "},\n%s\"latency_ns\": {", in);
	first = 1;
	for (unsigned i = 0; i < NINEP_REQUEST_SLOTS; i++) {
		if (figures_latency(f, i) == NULL || figures_latency(f, i)->count == 0)
			continue;
		fprintf(out, "%s\n%s  \"%s\": ", first ? "" : ",", in, message_label(i * 2, b));
		latency_object(out, figures_latency(f, i));
		first = 0;
	}
	fprintf(out, "%s%s},\n", first ? "" : "\n", first ? "" : in);
	fprintf(out, "%s\"latency_all_ns\": ", in);
	latency_object(out, &f->all_latency);
}

static void endpoint_json(FILE *out, const struct endpoint *e)
{
	char buf[ENDPOINT_STRLEN];
	endpoint_format(e, buf, sizeof buf);
	json_string(out, buf);
}

static void sessions(const struct analysis *a, struct connection *const *list, const struct esession_view *views,
		     FILE *out)
{
	fprintf(out, "  \"sessions\": [");
	for (size_t i = 0; list[i] != NULL; i++) {
		const struct connection *s = list[i];
		const char *in = "      ";
		fprintf(out, "%s\n    {\n", i ? "," : "");
		key_u64(out, in, "id", s->id, 0);
		fprintf(out, "%s\"input\": ", in);
		json_string(out, a->inputs[s->input].name);
		fprintf(out, ",\n%s\"client\": ", in);
		endpoint_json(out, &s->client);
		fprintf(out, ",\n%s\"server\": ", in);
		endpoint_json(out, &s->server);
		fprintf(out, ",\n%s\"dialect\": ", in);
		json_string(out, s->dialect ? ninep_dialect_name(s->dialect) : "unknown");
		fprintf(out, ",\n");
		key_u64(out, in, "msize", s->msize, 0);
		fprintf(out, "%s\"syn_seen\": %s,\n", in, s->syn_seen ? "true" : "false");
		if (s->handshake_rtt_ns >= 0)
			key_u64(out, in, "handshake_rtt_ns", (uint64_t)s->handshake_rtt_ns, 0);
		else
			fprintf(out, "%s\"handshake_rtt_ns\": null,\n", in);
		fprintf(out, "%s\"first_ns\": %lld,\n%s\"last_ns\": %lld,\n", in, (long long)s->first_ns, in,
			(long long)s->last_ns);
		fprintf(out, "%s\"close\": ", in);
		json_string(out, s->closed ? close_reason_name(s->close_reason) : "open");
		fprintf(out, ",\n");
		uint64_t e = s->esession ? views[s->esession->number - 1].display_number : 0;
		if (e)
			key_u64(out, in, "e_session", e, 0);
		else
			fprintf(out, "%s\"e_session\": null,\n", in);
		figures_body(out, in, &s->fig);
		fprintf(out, "\n    }");
	}
	fprintf(out, "%s],\n", list[0] ? "\n  " : "");
}

/* The connections folded into one (stats/folding.h): the sessions listed
 * and these add up to the totals. */
static void others(const struct analysis *a, FILE *out)
{
	const char *in = "    ";
	fprintf(out, "  \"others\": {\n");
	key_u64(out, in, "connections", a->folded.connections, 0);
	figures_body(out, in, &a->folded.fig);
	fprintf(out, "\n  },\n");
}

static void esessions(const struct analysis *a, const struct esession_view *views, FILE *out)
{
	fprintf(out, "  \"e_sessions\": [");
	int first = 1;
	for (const struct ninep_esession *e = a->esessions.head; e != NULL; e = e->next) {
		if (e->members == 0)
			continue;
		const char *in = "      ";
		fprintf(out, "%s\n    {\n", first ? "" : ",");
		first = 0;
		const struct esession_view *v = &views[e->number - 1];
		key_u64(out, in, "id", v->display_number, 0);
		if (e->has_key) {
			char key[9];
			key_fingerprint(e->key_hash, key);
			fprintf(out, "%s\"key_fingerprint\": \"%s\",\n", in, key);
		} else {
			fprintf(out, "%s\"key_fingerprint\": null,\n", in);
		}
		fprintf(out, "%s\"connections\": [", in);
		for (size_t i = 0; i < v->n_members; i++)
			fprintf(out, "%s%llu", i ? ", " : "", (unsigned long long)v->members[i]->id);
		fprintf(out, "],\n");
		figures_body(out, in, &v->fig);
		fprintf(out, "\n    }");
	}
	fprintf(out, "%s]\n", first ? "" : "\n  ");
}

static void capture_object(const struct analysis *a, FILE *out)
{
	const struct capture_stats *c = &a->capture;
	const char *in = "    ";
	fprintf(out, "  \"capture\": {\n");
	key_u64(out, in, "packets", c->packets, 0);
	key_u64(out, in, "bytes", c->bytes, 0);
	key_u64(out, in, "tcp_connections", c->connections, 0);
	key_u64(out, in, "other_connections", a->other_connections, 0);
	key_u64(out, in, "retransmissions", c->retransmissions, 0);
	key_u64(out, in, "retransmission_conflicts", c->retransmission_conflicts, 0);
	key_u64(out, in, "out_of_order", c->out_of_order, 0);
	key_u64(out, in, "snaplen_truncated", c->snaplen_truncated, 0);
	key_u64(out, in, "ip_fragments", c->ip_fragments, 0);
	key_u64(out, in, "ip_reassembled", c->ip_reassembled, 0);
	key_u64(out, in, "non_ip", c->non_ip, 0);
	key_u64(out, in, "non_tcp", c->non_tcp, 0);
	key_u64(out, in, "malformed_headers", c->malformed_headers, 0);
	key_u64(out, in, "gaps", c->gaps, 0);
	key_u64(out, in, "gap_bytes", c->gap_bytes, 0);
	key_u64(out, in, "uncaptured_bytes", c->uncaptured_bytes, 0);
	key_u64(out, in, "limit_hits", c->limit_hits, 1);
	fprintf(out, "  },\n");
}

void report_json(const struct analysis *a, FILE *out)
{
	fprintf(out, "{\n  \"tool\": \"ninep\",\n  \"version\": \"%s\",\n", NINEP_VERSION);
	fprintf(out, "  \"partial\": %s,\n  \"inputs\": [", a->partial ? "true" : "false");
	for (unsigned i = 0; i < a->n_inputs; i++) {
		fprintf(out, "%s\n    {\"name\": ", i ? "," : "");
		json_string(out, a->inputs[i].name);
		fprintf(out, ", \"ok\": %s, \"error\": ", a->inputs[i].failed ? "false" : "true");
		if (a->inputs[i].failed)
			json_string(out, a->inputs[i].error);
		else
			fputs("null", out);
		fputc('}', out);
	}
	fprintf(out, "%s],\n", a->n_inputs ? "\n  " : "");
	capture_object(a, out);

	struct figures t;
	figures_totals(a, &t);
	const char *in = "    ";
	fprintf(out, "  \"totals\": {\n");
	fprintf(out, "%s\"dialect\": ", in);
	json_string(out, analysis_dialect(a));
	fprintf(out, ",\n");
	key_u64(out, in, "connections", a->n_connections, 0);
	key_u64(out, in, "e_sessions", esessions_live(a), 0);
	figures_body(out, in, &t);
	fprintf(out, "\n  },\n");
	figures_free(&t);
	chattiness_json(a, out);
	struct connection **list = connections_sorted(a);
	struct esession_view *views = esession_views(a, list);
	sessions(a, list, views, out);
	others(a, out);
	esessions(a, views, out);
	esession_views_free(a, views);
	free(list);
	fprintf(out, "}\n");
}
