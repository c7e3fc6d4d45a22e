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
#include "stats/intervals.h"

static void key_u64(FILE *out, const char *indent, const char *key, uint64_t v, int last)
{
	fprintf(out, "%s\"%s\": %llu%s\n", indent, key, (unsigned long long)v, last ? "" : ",");
}

struct bucket_writer {
	FILE *out;
	int first;
};

static void write_bucket(void *ctx, uint32_t index, uint64_t count)
{
	struct bucket_writer *w = ctx;
	fprintf(w->out, "%s%u, %llu", w->first ? "" : ", ", index, (unsigned long long)count);
	w->first = 0;
}

/* with_histogram: also "sum" and the buckets, flat as [index, count, ...]
 * (latency.h), for `ninep merge`. */
static void latency_object(FILE *out, const struct latency_hist *h, int with_histogram)
{
	fprintf(out, "{\"count\": %llu, \"min\": %llu, \"p50\": %llu, \"p90\": %llu, \"p99\": %llu, \"max\": %llu, "
		     "\"mean\": %llu",
		(unsigned long long)h->count, (unsigned long long)h->min,
		(unsigned long long)latency_percentile(h, 50), (unsigned long long)latency_percentile(h, 90),
		(unsigned long long)latency_percentile(h, 99), (unsigned long long)h->max,
		(unsigned long long)latency_mean(h));
	if (with_histogram) {
		struct bucket_writer w = { out, 1 };
		fprintf(out, ", \"sum\": %llu, \"histogram\": [", (unsigned long long)h->sum);
		latency_each_bucket(h, write_bucket, &w);
		fputc(']', out);
	}
	fputc('}', out);
}

/* The figures shared by totals, sessions and 9P2000.e sessions. */
static void figures_body(FILE *out, const char *in, const struct figures *f, int with_histograms)
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
		latency_object(out, figures_latency(f, i), with_histograms);
		first = 0;
	}
	fprintf(out, "%s%s},\n", first ? "" : "\n", first ? "" : in);
	fprintf(out, "%s\"latency_all_ns\": ", in);
	latency_object(out, &f->all_latency, with_histograms);
}

static void endpoint_json(FILE *out, const struct endpoint *e)
{
	char buf[ENDPOINT_STRLEN];
	endpoint_format(e, buf, sizeof buf);
	json_write_string(out, buf);
}

static void sessions(const struct analysis *a, struct connection *const *list, FILE *out)
{
	fprintf(out, "  \"sessions\": [");
	for (size_t i = 0; list[i] != NULL; i++) {
		const struct connection *s = list[i];
		const char *in = "      ";
		fprintf(out, "%s\n    {\n", i ? "," : "");
		key_u64(out, in, "id", s->id, 0);
		fprintf(out, "%s\"input\": ", in);
		json_write_string(out, a->inputs[s->input].name);
		fprintf(out, ",\n%s\"client\": ", in);
		endpoint_json(out, &s->client);
		fprintf(out, ",\n%s\"server\": ", in);
		endpoint_json(out, &s->server);
		fprintf(out, ",\n%s\"dialect\": ", in);
		json_write_string(out, s->dialect ? ninep_dialect_name(s->dialect) : "unknown");
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
		json_write_string(out, s->closed ? close_reason_name(s->close_reason) : "open");
		fprintf(out, ",\n");
		uint64_t e = s->esession_number ? esession_display_number(a, s->esession_number) : 0;
		if (e)
			key_u64(out, in, "e_session", e, 0);
		else
			fprintf(out, "%s\"e_session\": null,\n", in);
		figures_body(out, in, &s->fig, 0);
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
	figures_body(out, in, &a->folded.fig, 0);
	fprintf(out, "\n  },\n");
}

/* The 9P2000.e sessions listed (stats/esession_rows.h) and the folded ones:
 * they add up to every session's figures. */
static void esessions(const struct analysis *a, struct connection *const *list, FILE *out)
{
	const struct esession_rows *r = &a->esession_rows;
	/* What the bounds on saved fids and idle sessions made sessions forget (ninep/engine.h). */
	fprintf(out, "  \"e_session_fids_forgotten\": {\"sessions\": %llu, \"fids\": %llu},\n",
		(unsigned long long)a->esessions.saved_forgotten, (unsigned long long)a->esessions.fids_forgotten);
	fprintf(out, "  \"e_sessions_forgotten\": %llu,\n", (unsigned long long)a->esessions.sessions_forgotten);
	fprintf(out, "  \"e_sessions\": [");
	size_t n;
	struct esession_view *views = esession_views(a, list, UINT64_MAX, &n);
	for (size_t i = 0; i < n; i++) {
		const char *in = "      ";
		const struct esession_view *v = &views[i];
		fprintf(out, "%s\n    {\n", i ? "," : "");
		key_u64(out, in, "id", v->display_number, 0);
		if (v->row->has_key) {
			char key[9];
			key_fingerprint(v->row->key_hash, key);
			fprintf(out, "%s\"key_fingerprint\": \"%s\",\n", in, key);
		} else {
			fprintf(out, "%s\"key_fingerprint\": null,\n", in);
		}
		fprintf(out, "%s\"connections\": [", in);
		for (size_t m = 0; m < v->n_members; m++)
			fprintf(out, "%s%llu", m ? ", " : "", (unsigned long long)v->members[m]->id);
		fprintf(out, "],\n");
		figures_body(out, in, &v->fig, 0);
		fprintf(out, "\n    }");
	}
	fprintf(out, "%s],\n", n ? "\n  " : "");
	esession_views_free(views, n);
	const char *in = "    ";
	fprintf(out, "  \"e_session_others\": {\n");
	key_u64(out, in, "e_sessions", r->folded, 0);
	figures_body(out, in, &r->folded_fig, 0);
	fprintf(out, "\n  }\n");
}

static void capture_object(const struct capture_stats *c, uint64_t other_connections, int drops_known,
			   const struct capture_drops *drops, FILE *out)
{
	const char *in = "    ";
	fprintf(out, "  \"capture\": {\n");
	key_u64(out, in, "packets", c->packets, 0);
	key_u64(out, in, "bytes", c->bytes, 0);
	key_u64(out, in, "tcp_connections", c->connections, 0);
	key_u64(out, in, "other_connections", other_connections, 0);
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
	key_u64(out, in, "limit_hits", c->limit_hits, 0);
	/* pcap_stats of a live capture; a file cannot say (null). */
	if (drops_known) {
		key_u64(out, in, "dropped_by_kernel", drops->kernel, 0);
		key_u64(out, in, "dropped_by_interface", drops->interface, 1);
	} else {
		fprintf(out, "%s\"dropped_by_kernel\": null,\n%s\"dropped_by_interface\": null\n", in, in);
	}
	fprintf(out, "  },\n");
}

/* An input's link type, as the text report's Capture section names it, and
 * its number in capture files' headers (LINKTYPE_); both null before a
 * packet was read, the number null when a pcapng's interfaces differ. */
static void link_type(const struct input_status *in, FILE *out)
{
	char buf[64];
	int t = in->link_type;
	fputs(", \"link_type\": ", out);
	if (t == -1 || t == CAPTURE_LINK_TYPES_MIXED)
		fputs("null", out);
	else
		fprintf(out, "%d", capture_link_type_number(t));
	fputs(", \"link_type_name\": ", out);
	if (t == -1)
		fputs("null", out);
	else
		json_write_string(out, t == CAPTURE_LINK_TYPES_MIXED ? "several" : capture_link_type_name(t, buf, sizeof buf));
}

/* What every document starts with: tool, version, partial, inputs. */
static void document_head(const struct analysis *a, FILE *out)
{
	fprintf(out, "{\n  \"tool\": \"ninep\",\n  \"version\": \"%s\",\n", NINEP_VERSION);
	fprintf(out, "  \"partial\": %s,\n  \"interrupted\": %s,\n  \"inputs\": [", a->partial ? "true" : "false",
		a->interrupted ? "true" : "false");
	for (unsigned i = 0; i < a->n_inputs; i++) {
		fprintf(out, "%s\n    {\"name\": ", i ? "," : "");
		json_write_string(out, a->inputs[i].name);
		fprintf(out, ", \"ok\": %s, \"error\": ", a->inputs[i].failed ? "false" : "true");
		if (a->inputs[i].failed)
			json_write_string(out, a->inputs[i].error);
		else
			fputs("null", out);
		link_type(&a->inputs[i], out);
		fputc('}', out);
	}
	fprintf(out, "%s],\n", a->n_inputs ? "\n  " : "");
}

static void totals_object(const struct analysis *a, uint64_t connections, uint64_t e_sessions,
			  const struct figures *t, FILE *out)
{
	const char *in = "    ";
	fprintf(out, "  \"totals\": {\n");
	fprintf(out, "%s\"dialect\": ", in);
	json_write_string(out, analysis_dialect(a));
	fprintf(out, ",\n");
	key_u64(out, in, "connections", connections, 0);
	key_u64(out, in, "e_sessions", e_sessions, 0);
	figures_body(out, in, t, 1);
	fprintf(out, "\n  }");
}

void report_json(const struct analysis *a, FILE *out)
{
	document_head(a, out);
	capture_object(&a->capture, a->other_connections, a->drops_known, &a->drops, out);

	struct figures t;
	figures_totals(a, &t);
	totals_object(a, a->n_connections, a->esessions.with_members, &t, out);
	fprintf(out, ",\n");
	figures_free(&t);
	chattiness_json(a, out);
	struct connection **list = connections_sorted(a);
	sessions(a, list, out);
	others(a, out);
	esessions(a, list, out);
	free(list);
	fprintf(out, "}\n");
}

void report_json_interval(const struct analysis *a, const struct interval_figures *f, FILE *out)
{
	char *doc = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&doc, &len);
	if (mem == NULL)
		return;
	document_head(a, mem);
	fprintf(mem, "  \"interval\": {\"start_ns\": %lld, \"end_ns\": %lld},\n", (long long)f->start_ns,
		(long long)f->end_ns);
	capture_object(&f->capture, f->other_connections, f->drops_known, &f->drops, mem);
	/* 9P2000.e sessions belong to the whole run (their connections may
	 * span intervals): 0 here, counted in the last line. */
	totals_object(a, f->connections, 0, &f->totals, mem);
	fprintf(mem, "\n}\n");
	fclose(mem);
	json_one_line(out, doc, len);
	free(doc);
}

void report_json_line(const struct analysis *a, FILE *out)
{
	char *doc = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&doc, &len);
	if (mem == NULL)
		return;
	report_json(a, mem);
	fclose(mem);
	json_one_line(out, doc, len);
	free(doc);
}
