/*
 * The reports: text, JSON, HTML and compare, and the chattiness section
 * they share.
 */
#ifndef NINEP_ANALYZER_REPORT_H
#define NINEP_ANALYZER_REPORT_H

#include <stdint.h>
#include <stdio.h>

struct analysis;

/* text.c, json_report.c */
void report_text(const struct analysis *a, FILE *out);
void report_json(const struct analysis *a, FILE *out);
/* The same document on one line, for NDJSON (--every's last line). */
void report_json_line(const struct analysis *a, FILE *out);
/* One interval of --every (stats/intervals.h) on one line: the report's
 * head, "interval", "capture" and "totals" of the interval. */
struct interval_figures;
void report_json_interval(const struct analysis *a, const struct interval_figures *f, FILE *out);
/* html.c: one self-contained HTML file; after may be NULL. */
int report_html(const struct analysis *before, const struct analysis *after, const char *path);
/* compare.c */
void compare_text(const struct analysis *before, const struct analysis *after, FILE *out);
void compare_json(const struct analysis *before, const struct analysis *after, FILE *out);
/* chattiness.c: the text and JSON sections on file accesses. */
void chattiness_text(const struct analysis *a, FILE *out);
void chattiness_json(const struct analysis *a, FILE *out);
/* The what-if's heading ("\nWhat-if<what>: ..."), saying that Tsread and
 * Tswrite are 9P2000.e's when a's dialect is another. */
void whatif_heading(const struct analysis *a, const char *what, FILE *out);
/* "12.3%" of part in whole, or "-" when whole is 0. */
void percent_text(char *buf, size_t size, uint64_t part, uint64_t whole);

#endif
