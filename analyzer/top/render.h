/*
 * `ninep top`: a snapshot as lines of text, the one layout both outputs
 * use: the full screen (screen.c) draws them at their rows, the plain
 * output (top.c, when standard output is not a terminal) writes them as a
 * block per interval.  Every line is at most `width` columns (UTF-8
 * characters; 0: no limit) and there are at most `height` (0: no limit):
 * at 80x24 every section shows, the request types cut with "... and N
 * more" when they do not all fit.
 *
 * The request table has one row per request type, whitespace-separated:
 *   NAME RATE/s N ERR P50 P99 | TOTAL ERR P50 P99
 * the interval's requests per second, requests, error replies and round
 * trip percentiles, then the same over the whole run so far.  A latency
 * is "-" when there is none, else a number and its unit (ns, us, ms, s).
 */
#ifndef NINEP_ANALYZER_TOP_RENDER_H
#define NINEP_ANALYZER_TOP_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "top/snapshot.h"

/* What frames the figures: where they come from and what state top is in. */
struct top_frame {
	const char *source;  /* the interface, or the first capture file: escaped already */
	int live;
	int64_t every_ns;
	const char *status;  /* the last line, or NULL: none */
};

typedef void top_line_fn(void *ctx, const char *line, size_t len);

/* s may be NULL: nothing was captured yet. */
void top_render(const struct top_snapshot *s, const struct top_frame *frame, int width, int height,
		top_line_fn *line, void *ctx);

#endif
