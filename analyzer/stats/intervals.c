/*
 * Interval snapshots for --every (intervals.h): at each interval's end the
 * whole-run figures so far, less those at its start.
 */
#include "stats/intervals.h"

#include <stdlib.h>
#include <string.h>

#include "report/report.h"

struct intervals {
	struct analysis *a;
	int64_t every_ns;
	interval_sink_fn *sink;
	void *sink_ctx;
	int started;
	int64_t start_ns, end_ns; /* the interval being counted */
	const struct reassembler *reasm;
	const struct capture_input *live;
	/* the whole-run figures when the interval began */
	struct figures counters_before; /* its counters only */
	struct capture_stats capture_before;
	struct capture_drops drops_before;
	uint64_t connections_before, other_before;
};

struct intervals *intervals_new_sink(struct analysis *a, int64_t every_ns, interval_sink_fn *sink, void *ctx)
{
	struct intervals *iv = calloc(1, sizeof *iv);
	if (iv == NULL)
		return NULL;
	iv->a = a;
	iv->every_ns = every_ns;
	iv->sink = sink;
	iv->sink_ctx = ctx;
	return iv;
}

/* report --every: a line of JSON per interval, out as soon as it ends. */
static void json_line(void *ctx, struct analysis *a, const struct interval_figures *f)
{
	FILE *out = ctx;
	report_json_interval(a, f, out);
	fflush(out);
}

struct intervals *intervals_new(struct analysis *a, int64_t every_ns, FILE *out)
{
	return intervals_new_sink(a, every_ns, json_line, out);
}

void intervals_watch(struct intervals *iv, const struct reassembler *r, const struct capture_input *live)
{
	iv->reasm = r;
	iv->live = live;
}

/* The counters as the report would show them now. */
static void capture_now(const struct intervals *iv, struct capture_stats *out)
{
	*out = iv->reasm != NULL ? *reasm_stats(iv->reasm) : iv->a->capture;
}

static int drops_now(const struct intervals *iv, struct capture_drops *out)
{
	if (iv->live != NULL)
		return capture_drops(iv->live, out);
	*out = iv->a->drops;
	return iv->a->drops_known ? 0 : -1;
}

/* Writes the interval being counted, and starts the next at its end. */
static void close_interval(struct intervals *iv)
{
	struct analysis *a = iv->a;
	analysis_sync(a); /* every figure so far added up: the tally thread idles until the next event */

	struct interval_figures f;
	memset(&f, 0, sizeof f);
	f.start_ns = iv->start_ns;
	f.end_ns = iv->end_ns;

	struct figures now;
	figures_totals(a, &now);
	figures_counters_since(&f.totals, &now, &iv->counters_before);
	/* The tables by type are the interval's own; its counters are all zero. */
	figures_add(&f.totals, &a->interval_by_type);
	for (unsigned i = 0; i < NINEP_REQUEST_SLOTS; i++)
		if (figures_latency(&f.totals, i) != NULL)
			latency_merge(&f.totals.all_latency, figures_latency(&f.totals, i));
	figures_free(&a->interval_by_type);
	figures_free(&iv->counters_before);
	iv->counters_before = now; /* its tables are not read again */

	struct capture_stats capture;
	capture_now(iv, &capture);
	capture_stats_since(&f.capture, &capture, &iv->capture_before);
	iv->capture_before = capture;
	struct capture_drops drops;
	if (drops_now(iv, &drops) == 0) {
		f.drops_known = 1;
		f.drops.kernel = drops.kernel - iv->drops_before.kernel;
		f.drops.interface = drops.interface - iv->drops_before.interface;
		iv->drops_before = drops;
	}
	f.connections = a->n_connections - iv->connections_before;
	f.other_connections = a->other_connections - iv->other_before;
	iv->connections_before = a->n_connections;
	iv->other_before = a->other_connections;

	iv->sink(iv->sink_ctx, a, &f);
	figures_free(&f.totals);

	iv->start_ns = iv->end_ns;
	iv->end_ns += iv->every_ns;
}

void intervals_advance(struct intervals *iv, int64_t ts_ns)
{
	if (!iv->started) {
		iv->started = 1;
		iv->start_ns = ts_ns - ts_ns % iv->every_ns;
		iv->end_ns = iv->start_ns + iv->every_ns;
		return;
	}
	if (ts_ns < iv->end_ns)
		return; /* an earlier timestamp (files merged, clocks apart) stays in the interval being counted */
	close_interval(iv);
	if (ts_ns >= iv->end_ns) {
		/* Nothing happened in between: the intervals with no line. */
		iv->start_ns = ts_ns - ts_ns % iv->every_ns;
		iv->end_ns = iv->start_ns + iv->every_ns;
	}
}

void intervals_finish(struct intervals *iv)
{
	iv->reasm = NULL;
	iv->live = NULL;
	if (iv->started)
		close_interval(iv);
}

void intervals_free(struct intervals *iv)
{
	if (iv == NULL)
		return;
	figures_free(&iv->counters_before);
	free(iv);
}
