/*
 * `ninep top`: a live view of a 9P server's traffic, like top(1) or diod's
 * dtop, from an interface or a capture file.
 *
 * Each interval of capture time (--every, default 1 s; stats/intervals.h)
 * ends in a snapshot (snapshot.h) drawn as one screen (render.h): per
 * request type its rate, count, errors, p50 and p99 in the interval and in
 * the whole run; the busiest connections and paths; unanswered requests
 * (waiting now, and in total); capture drops.  The figures are the
 * analysis's own.
 *
 * Where it goes.  Standard output a terminal: the full screen (screen.h),
 * q quits, Ctrl-C too.  Otherwise (a pipe, a file, or a terminal ncurses
 * cannot drive) plain text: each snapshot as a block of render.h's lines
 * and an empty line, flushed, and "ninep top: end" at the end.
 *
 * Time.  Live, intervals pass as the capture's clock does, which is the
 * real time.  A file is read as fast as it can be, each interval of its
 * capture time drawn as it ends, without waiting; the last screen (the
 * whole run in its totals) stays until q.  With --realtime a file is
 * paced instead: an interval of capture time per interval of real time,
 * as if it were being captured now.
 */
#ifndef NINEP_ANALYZER_TOP_H
#define NINEP_ANALYZER_TOP_H

#include <signal.h>
#include <stdint.h>

#include "analysis.h"
#include "stats/intervals.h"

enum { TOP_EVERY_DEFAULT_S = 1 };

struct top_options {
	int64_t every_ns;
	int live;
	int realtime;                       /* a file, paced (see above) */
	const char *source;                 /* the interface or the first file, as given */
	void (*stop)(void);                 /* q: stop reading the input */
	volatile sig_atomic_t *interrupted; /* set by Ctrl-C */
};

struct top;

/* NULL when out of memory. */
struct top *top_new(const struct top_options *o);
/* Whether it draws the full screen (then nothing else may write to the terminal). */
int top_on_screen(const struct top *t);
/* The capture is on: "listening on lo, link-type ..." (capture.h), shown
 * on the screen (which stands in for standard error's line). */
void top_listening(struct top *t, const char *line);
/* An interval ended: its screen or block (an interval_sink_fn for intervals_new_sink). */
void top_interval(void *ctx, struct analysis *a, const struct interval_figures *f);
/* While the input is quiet: keys (q) and resizes. */
void top_poll(struct top *t);
/* Every input read (or stopped): on the screen, the last one stays until
 * q, unless q or Ctrl-C ended the reading; then the terminal as it was. */
void top_finish(struct top *t);
void top_free(struct top *t);

#endif
