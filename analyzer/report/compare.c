/*
 * `ninep compare BEFORE AFTER`: two analyses side by side (each side one or
 * more captures), with the change in each figure, as text or JSON.
 */
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "stats/accesses.h"
#include "report/escape.h"
#include "report/json.h"
#include "report/report_common.h"
#include "report/units.h"

/* The figures both outputs show, for one side. */
struct side {
	struct figures fig;
	struct access_totals acc;
};

static void side_load(const struct analysis *a, struct side *s)
{
	figures_totals(a, &s->fig);
	access_totals(a, &s->acc);
}

static void side_free(struct side *s)
{
	figures_free(&s->fig);
}

struct row {
	const char *label, *key;
	uint64_t before, after;
	int time; /* nanoseconds: shown in the unit of the time rows */
};

static size_t rows_of(const struct side *b, const struct side *a, struct row *r)
{
	size_t n = 0;
#define ROW(label, key, field) r[n++] = (struct row){ label, key, b->field, a->field, 0 }
#define TIME_ROW(label, key, field) r[n++] = (struct row){ label, key, b->field, a->field, 1 }
	ROW("requests", "requests", fig.requests);
	ROW("round trips", "round_trips", fig.round_trips);
	ROW("errors", "errors", fig.errors);
	ROW("file accesses", "file_accesses", acc.accesses);
	ROW("file access round trips", "file_access_round_trips", acc.round_trips);
	ROW("bytes client->server", "bytes_client_to_server", fig.bytes_to_server);
	ROW("bytes server->client", "bytes_server_to_client", fig.bytes_to_client);
	TIME_ROW("waiting, all", "wait_ns", fig.all_latency.sum);
	TIME_ROW("waiting, accesses", "file_access_wait_ns", acc.wait_ns);
#undef ROW
#undef TIME_ROW
	return n;
}

static void change_text(char *buf, size_t size, uint64_t before, uint64_t after)
{
	long long d = (long long)after - (long long)before;
	if (before == 0)
		snprintf(buf, size, "%+lld", d);
	else
		snprintf(buf, size, "%+lld (%+.1f%%)", d, 100.0 * (double)d / (double)before);
}

static void ratio_text(char *buf, size_t size, uint64_t num, uint64_t den)
{
	if (den == 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.2f", (double)num / (double)den);
}

static void inputs_text(const struct analysis *a, const char *label, FILE *out)
{
	for (unsigned i = 0; i < a->n_inputs; i++) {
		const char *name = a->inputs[i].name;
		const char *base = strrchr(name, '/');
		fprintf(out, "  %-26s ", i == 0 ? label : "");
		escape_text_str(out, base ? base + 1 : name);
		fprintf(out, "%s\n", !a->inputs[i].failed      ? ""
				     : a->inputs[i].delivered ? " (PARTIAL: damaged)"
							      : " (could not be read)");
	}
}

/* Both sides' times with the precision of the coarser capture. */
static uint64_t resolution_of(const struct analysis *before, const struct analysis *after)
{
	uint64_t b = units_resolution_ns(before), a = units_resolution_ns(after);
	return b > a ? b : a;
}

/* A time row's change: "+1.250 (+12.5%)" in the unit of the rows. */
static void time_change_text(char *buf, size_t size, uint64_t before, uint64_t after, struct time_unit unit,
			     uint64_t resolution)
{
	char number[48], percent[32] = "";
	uint64_t d = after >= before ? after - before : before - after;
	units_format(number, sizeof number, d, unit, resolution);
	if (before != 0)
		snprintf(percent, sizeof percent, " (%+.1f%%)", 100.0 * ((double)after - (double)before) / (double)before);
	snprintf(buf, size, "%c%s%s", after >= before ? '+' : '-', number, percent);
}

void compare_text(const struct analysis *before, const struct analysis *after, FILE *out)
{
	struct side b, a;
	side_load(before, &b);
	side_load(after, &a);
	char c1[64], c2[64], c3[64];
	fprintf(out, "ninep compare\n\n");
	inputs_text(before, "before", out);
	inputs_text(after, "after", out);

	uint64_t resolution = resolution_of(before, after);
	fprintf(out, "\n  %-26s %14s %14s  %s\n", "", "before", "after", "change");
	struct row rows[16];
	size_t n = rows_of(&b, &a, rows);
	uint64_t max_ns = 0; /* the time rows share one unit */
	for (size_t i = 0; i < n; i++)
		if (rows[i].time) {
			max_ns = rows[i].before > max_ns ? rows[i].before : max_ns;
			max_ns = rows[i].after > max_ns ? rows[i].after : max_ns;
		}
	struct time_unit unit = units_pick(max_ns);
	for (size_t i = 0; i < n; i++) {
		if (!rows[i].time) {
			change_text(c1, sizeof c1, rows[i].before, rows[i].after);
			fprintf(out, "  %-26s %14llu %14llu  %s\n", rows[i].label, (unsigned long long)rows[i].before,
				(unsigned long long)rows[i].after, c1);
			continue;
		}
		char label[64];
		snprintf(label, sizeof label, "%s (%s)", rows[i].label, unit.name);
		units_format(c1, sizeof c1, rows[i].before, unit, resolution);
		units_format(c2, sizeof c2, rows[i].after, unit, resolution);
		time_change_text(c3, sizeof c3, rows[i].before, rows[i].after, unit, resolution);
		fprintf(out, "  %-26s %14s %14s  %s\n", label, c1, c2, c3);
	}

	fprintf(out, "\nRound trips per access\n");
	fprintf(out, "  %-8s %9s %9s %9s %9s\n", "kind", "before", "after", "accesses", "");
	fprintf(out, "  %-8s %9s %9s %9s %9s\n", "", "rt/acc", "rt/acc", "before", "after");
	ratio_text(c1, sizeof c1, b.acc.round_trips, b.acc.accesses);
	ratio_text(c2, sizeof c2, a.acc.round_trips, a.acc.accesses);
	fprintf(out, "  %-8s %9s %9s %9llu %9llu\n", "all", c1, c2, (unsigned long long)b.acc.accesses,
		(unsigned long long)a.acc.accesses);
	for (unsigned k = 0; k < ACCESS_KINDS; k++) {
		if (b.acc.by_kind[k] == 0 && a.acc.by_kind[k] == 0)
			continue;
		ratio_text(c1, sizeof c1, b.acc.rt_by_kind[k], b.acc.by_kind[k]);
		ratio_text(c2, sizeof c2, a.acc.rt_by_kind[k], a.acc.by_kind[k]);
		fprintf(out, "  %-8s %9s %9s %9llu %9llu\n", access_kind_name((enum access_kind)k), c1, c2,
			(unsigned long long)b.acc.by_kind[k], (unsigned long long)a.acc.by_kind[k]);
	}

	static const unsigned pct[] = { 50, 90, 99 };
	unsigned order[NINEP_TYPES / 2];
	requests_in_protocol_order(order);
	max_ns = 0; /* one unit for the table: its largest p99 */
	for (unsigned i = 0; i < NINEP_TYPES / 2; i++) {
		const struct latency_hist *h[2] = { figures_latency(&b.fig, order[i] / 2),
						    figures_latency(&a.fig, order[i] / 2) };
		for (unsigned side = 0; side < 2; side++)
			if (h[side] != NULL && h[side]->count > 0 && latency_percentile(h[side], 99) > max_ns)
				max_ns = latency_percentile(h[side], 99);
	}
	unit = units_pick(max_ns);
	fprintf(out, "\nLatency by request (%s, before -> after)\n", unit.name);
	fprintf(out, "  %-10s %6s %6s %9s %9s %9s %9s %9s %9s\n", "request", "count", "", "p50", "", "p90", "", "p99",
		"");
	for (unsigned i = 0; i < NINEP_TYPES / 2; i++) {
		const struct latency_hist *hb = figures_latency(&b.fig, order[i] / 2);
		const struct latency_hist *ha = figures_latency(&a.fig, order[i] / 2);
		uint64_t nb = hb ? hb->count : 0, na = ha ? ha->count : 0;
		if (nb == 0 && na == 0)
			continue;
		char name[16];
		fprintf(out, "  %-10s %6llu %6llu", message_label(order[i], name), (unsigned long long)nb,
			(unsigned long long)na);
		for (unsigned k = 0; k < 3; k++) {
			if (nb)
				units_format(c1, sizeof c1, latency_percentile(hb, pct[k]), unit, resolution);
			else
				snprintf(c1, sizeof c1, "-");
			if (na)
				units_format(c2, sizeof c2, latency_percentile(ha, pct[k]), unit, resolution);
			else
				snprintf(c2, sizeof c2, "-");
			fprintf(out, " %9s %9s", c1, c2);
		}
		fputc('\n', out);
	}

	whatif_heading(before, " on BEFORE", out);
	fprintf(out, "  %-26s %llu -> %llu (AFTER measured %llu)\n", "file access round trips",
		(unsigned long long)b.acc.round_trips, (unsigned long long)(b.acc.round_trips - b.acc.whatif_rt_saved),
		(unsigned long long)a.acc.round_trips);
	units_format_alone(c1, sizeof c1, b.acc.whatif_wait_saved_ns, resolution);
	percent_text(c3, sizeof c3, b.acc.whatif_wait_saved_ns, b.acc.wait_ns);
	fprintf(out, "  %-26s %s (%s of the accesses' waiting)\n", "waiting saved", c1, c3);
	side_free(&b);
	side_free(&a);
}

static void json_inputs(const struct analysis *a, FILE *out)
{
	fputc('[', out);
	for (unsigned i = 0; i < a->n_inputs; i++) {
		if (i > 0)
			fputs(", ", out);
		json_write_string(out, a->inputs[i].name);
	}
	fputc(']', out);
}

static void json_latency(FILE *out, const struct latency_hist *h)
{
	if (h == NULL || h->count == 0) {
		fputs("null", out);
		return;
	}
	fprintf(out, "{\"count\": %llu, \"p50\": %llu, \"p90\": %llu, \"p99\": %llu, \"max\": %llu}",
		(unsigned long long)h->count, (unsigned long long)latency_percentile(h, 50),
		(unsigned long long)latency_percentile(h, 90), (unsigned long long)latency_percentile(h, 99),
		(unsigned long long)h->max);
}

void compare_json(const struct analysis *before, const struct analysis *after, FILE *out)
{
	struct side b, a;
	side_load(before, &b);
	side_load(after, &a);
	fprintf(out, "{\n  \"tool\": \"ninep\",\n  \"version\": \"%s\",\n", NINEP_VERSION);
	fprintf(out, "  \"partial\": %s,\n  \"before_inputs\": ", before->partial || after->partial ? "true" : "false");
	json_inputs(before, out);
	fprintf(out, ",\n  \"after_inputs\": ");
	json_inputs(after, out);
	fprintf(out, ",\n  \"figures\": {");
	struct row rows[16];
	size_t n = rows_of(&b, &a, rows);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s\n    \"%s\": {\"before\": %llu, \"after\": %llu, \"change\": %lld}", i ? "," : "",
			rows[i].key, (unsigned long long)rows[i].before, (unsigned long long)rows[i].after,
			(long long)rows[i].after - (long long)rows[i].before);
	fprintf(out, "\n  },\n  \"by_kind\": {");
	for (unsigned k = 0; k < ACCESS_KINDS; k++)
		fprintf(out,
			"%s\n    \"%s\": {\"before\": {\"accesses\": %llu, \"round_trips\": %llu}, "
			"\"after\": {\"accesses\": %llu, \"round_trips\": %llu}}",
			k ? "," : "", access_kind_name((enum access_kind)k), (unsigned long long)b.acc.by_kind[k],
			(unsigned long long)b.acc.rt_by_kind[k], (unsigned long long)a.acc.by_kind[k],
			(unsigned long long)a.acc.rt_by_kind[k]);
	fprintf(out, "\n  },\n  \"round_trips_per_access\": {\"before\": {");
	for (int side = 0; side < 2; side++) {
		const struct access_totals *t = side == 0 ? &b.acc : &a.acc;
		int first = 1;
		for (unsigned r = 1; r <= RT_HIST_MAX; r++) {
			if (t->rt_hist[r] == 0)
				continue;
			fprintf(out, "%s\"%u%s\": %llu", first ? "" : ", ", r, r == RT_HIST_MAX ? "+" : "",
				(unsigned long long)t->rt_hist[r]);
			first = 0;
		}
		fprintf(out, side == 0 ? "}, \"after\": {" : "}},\n");
	}
	fprintf(out, "  \"latency_ns\": {");
	int first = 1;
	char name[16];
	for (unsigned i = 0; i < NINEP_REQUEST_SLOTS; i++) {
		const struct latency_hist *hb = figures_latency(&b.fig, i), *ha = figures_latency(&a.fig, i);
		if ((hb == NULL || hb->count == 0) && (ha == NULL || ha->count == 0))
			continue;
		fprintf(out, "%s\n    \"%s\": {\"before\": ", first ? "" : ",", message_label(i * 2, name));
		json_latency(out, hb);
		fprintf(out, ", \"after\": ");
		json_latency(out, ha);
		fputc('}', out);
		first = 0;
	}
	fprintf(out, "\n  },\n  \"what_if_before\": {\"round_trips\": %llu, \"round_trips_with_macro_ops\": %llu, "
		     "\"wait_saved_ns\": %llu}\n}\n",
		(unsigned long long)b.acc.round_trips, (unsigned long long)(b.acc.round_trips - b.acc.whatif_rt_saved),
		(unsigned long long)b.acc.whatif_wait_saved_ns);
	side_free(&b);
	side_free(&a);
}
