/*
 * The parts of the HTML page (`--html`), which html.c puts together:
 * the charts (html_charts.c), the timeline (html_timeline.c) and the
 * tables (html_tables.c), with the few helpers they share (html.c).
 *
 * Every chart is an inline SVG drawn in a CHART_W-wide viewBox and shown
 * 100 % wide, so it scales to the window (readable from about 700 px);
 * tables sit in a box that scrolls sideways when the window is narrower.
 */
#ifndef NINEP_ANALYZER_HTML_PARTS_H
#define NINEP_ANALYZER_HTML_PARTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "analysis.h"
#include "stats/accesses.h"

enum {
	CHART_W = 760, /* the viewBox width of every chart */
	MARGIN_L = 120, MARGIN_R = 24, MARGIN_T = 30, MARGIN_B = 50,
	DURATION_STRLEN = 32,
};

/* Before and after, in compare; a report has only the first. */
extern const char *const HTML_SIDE_COLOR[2];
extern const char *const HTML_SIDE_NAME[2];

/* A duration for reading: "0.84 ms", "12.5 ms", "1.2 s", "5 µs"; three
 * significant digits, never an exponent. */
void html_duration(char *buf, size_t size, uint64_t ns);
/* v (a number of `unit`s) with at most `decimals` decimals, trailing
 * zeros dropped: "1.5", "2", never an exponent. */
void html_number(char *buf, size_t size, double v, int decimals);

/* <h2>title</h2> and the opening <svg> of a chart of this height. */
void html_svg_begin(FILE *out, const char *id, int height, const char *title);
/* A key of colored squares, below a chart: names[i] in colors[i]. */
void html_legend(FILE *out, const char *const *names, const char *const *colors, size_t n);

/* html_charts.c */
void html_latency_chart(FILE *out, const struct figures *f[2], int sides);
void html_round_trips_chart(FILE *out, const struct access_totals *t[2], int sides);
/* html_timeline.c */
void html_timeline_chart(FILE *out, const struct analysis *an[2], int sides);
/* html_tables.c: the tables of one analysis; side is NULL in a report,
 * "before" or "after" in compare (ids and headings say which). */
void html_tables(FILE *out, const struct analysis *a, const char *side);

#endif
