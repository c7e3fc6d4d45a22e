/*
 * `report --json --every SECONDS`: the figures of each interval of capture
 * time, written as one line of JSON (NDJSON) as soon as the interval ends.
 *
 * Intervals are [k * SECONDS, (k + 1) * SECONDS) since 1970, so the lines of
 * several hosts that capture at once line up for `ninep merge`.  Time is the
 * capture's: a file's intervals are those of when it was captured, and an
 * interval ends when the first event after it arrives, so in a file an
 * interval with nothing in it has no line.  A quiet live capture's clock
 * goes on (on_idle, the system's real time, about every 0.1 s), so live
 * every interval has its line.  An exchange belongs to the interval in
 * which its reply arrived; a connection's byte counts and its unanswered
 * requests to the interval in which it ended.  The packet whose event ends
 * an interval is already counted in capture's counters, so it is the
 * interval's last (the counters add up all the same).
 *
 * Every count of an interval is what the whole-run count rose by during
 * it, so the lines of a run add up to its whole exactly.  The tables by
 * message number and the latency histograms are added up for the interval
 * itself (analysis->interval_by_type), so its percentiles, min and max are
 * the interval's own.
 */
#ifndef NINEP_ANALYZER_INTERVALS_H
#define NINEP_ANALYZER_INTERVALS_H

#include <stdint.h>
#include <stdio.h>

#include "analysis.h"

/* One interval's figures, as report_json_interval writes them. */
struct interval_figures {
	int64_t start_ns, end_ns;
	struct capture_stats capture;
	int drops_known;
	struct capture_drops drops;
	uint64_t connections;      /* 9P connections found in the interval */
	uint64_t other_connections;
	struct figures totals;
};

struct intervals;
struct reassembler;

/* What is done with each interval's figures when it ends: called with
 * every figure of the analysis added up so far (analysis_sync), so the
 * whole-run figures may be read too; f is freed when it returns. */
typedef void interval_sink_fn(void *ctx, struct analysis *a, const struct interval_figures *f);

/* NULL when out of memory.  a->opt.intervals must be set before any input
 * is read.  intervals_new writes each interval as a line of JSON to out
 * (report --every); intervals_new_sink hands it to sink (ninep top). */
struct intervals *intervals_new(struct analysis *a, int64_t every_ns, FILE *out);
struct intervals *intervals_new_sink(struct analysis *a, int64_t every_ns, interval_sink_fn *sink, void *ctx);
/* Where the capture counters and the drops come from while the inputs are
 * read (either may be NULL: then a->capture and a->drops, as at the end). */
void intervals_watch(struct intervals *iv, const struct reassembler *r, const struct capture_input *live);
/* Capture time has come to ts_ns: the lines of the intervals it ended. */
void intervals_advance(struct intervals *iv, int64_t ts_ns);
/* Every input read and analysis_finish done: the last interval's line. */
void intervals_finish(struct intervals *iv);
void intervals_free(struct intervals *iv);

#endif
