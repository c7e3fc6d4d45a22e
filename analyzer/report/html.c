/*
 * `--html OUT.html`: one self-contained HTML5 file (inline CSS and SVG, no
 * scripts, nothing fetched) with three charts (latency per request type
 * on a log scale, round trips per file access, the exchanges of each
 * connection over time) and the report's tables.  With two analyses
 * (compare) every chart shows BEFORE and AFTER, and each side has its
 * tables.  This file puts the page together; the parts are in
 * html_charts.c, html_timeline.c and html_tables.c (html_parts.h).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/escape.h"
#include "report/html_parts.h"
#include "report/report.h"
#include "report/report_common.h"

const char *const HTML_SIDE_COLOR[2] = { "#1f77b4", "#ff7f0e" };
const char *const HTML_SIDE_NAME[2] = { "before", "after" };

void html_number(char *buf, size_t size, double v, int decimals)
{
	snprintf(buf, size, "%.*f", decimals, v);
	if (strchr(buf, '.') == NULL)
		return;
	size_t n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
}

/* Seconds from 1 s, milliseconds down to 10 µs (the "0.84 ms"),
 * microseconds below. */
void html_duration(char *buf, size_t size, uint64_t ns)
{
	static const struct {
		double from, scale;
		const char *unit;
	} units[] = { { 1e9, 1e9, "s" }, { 1e4, 1e6, "ms" }, { 0, 1e3, "µs" } };
	size_t u = 0;
	while ((double)ns < units[u].from)
		u++;
	double v = (double)ns / units[u].scale;
	/* three significant digits, but no finer than a nanosecond */
	int decimals = v > 0 ? 2 - (int)floor(log10(v)) : 0;
	int finest = u == 0 ? 9 : u == 1 ? 6 : 3;
	decimals = decimals < 0 ? 0 : decimals > finest ? finest : decimals;
	char number[DURATION_STRLEN];
	html_number(number, sizeof number, v, decimals);
	snprintf(buf, size, "%s %s", number, units[u].unit);
}

void html_svg_begin(FILE *out, const char *id, int height, const char *title)
{
	fprintf(out, "<h2>%s</h2>\n<svg class=\"chart\" id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" "
		     "width=\"100%%\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">\n",
		title, id, CHART_W, height, title);
	fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", CHART_W, height);
}

void html_legend(FILE *out, const char *const *names, const char *const *colors, size_t n)
{
	fputs("<p class=\"legend\">", out);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "<span><span class=\"swatch\" style=\"background:%s\"></span>%s</span>", colors[i],
			names[i]);
	fputs("</p>\n", out);
}

/* 700 px is the narrowest window the page is made for: the charts scale
 * down with it, wide tables scroll inside their box, not the page. */
static const char STYLE[] =
	"body{font-family:sans-serif;margin:16px;color:#222;max-width:1000px}"
	"h1{font-size:22px}h2{font-size:17px;margin-top:28px}h3{font-size:15px;margin-top:20px}"
	"svg.chart{display:block;width:100%;height:auto;border:1px solid #ddd}"
	"svg text{font-family:sans-serif}"
	".tick{font-size:13px;fill:#333}.axis{font-size:13px;fill:#111}"
	".val{font-size:12px;fill:#333}.grid{stroke:#e3e3e3;stroke-width:1}"
	".legend span{display:inline-block;margin:0 14px 4px 0;font-size:14px;white-space:nowrap}"
	".legend span.swatch{width:12px;height:12px;margin:0 5px 0 0;vertical-align:-1px}"
	".scroll{overflow-x:auto;max-width:100%}"
	"table{border-collapse:collapse;font-size:14px;margin:6px 0 14px}"
	"caption{text-align:left;font-weight:bold;padding:4px 0}"
	"th,td{padding:3px 7px;border-bottom:1px solid #e3e3e3;text-align:left;vertical-align:top}"
	"thead th{border-bottom:2px solid #999;background:#f4f4f4}"
	"th.num,td.num{text-align:right;font-variant-numeric:tabular-nums}td.num{white-space:nowrap}"
	"td.path{word-break:break-all;min-width:12em}"
	"tr.total td,tr.total th{font-weight:bold}tr.note td{color:#555;font-style:italic}"
	"p.inputs,p.note{color:#555}";

static void inputs_line(FILE *out, const struct analysis *a, const char *label)
{
	fprintf(out, "<p class=\"inputs\">%s", label);
	for (unsigned i = 0; i < a->n_inputs; i++) {
		fputs(i ? ", " : "", out);
		escape_html(out, a->inputs[i].name, strlen(a->inputs[i].name));
	}
	fputs("</p>\n", out);
}

int report_html(const struct analysis *before, const struct analysis *after, const char *path)
{
	FILE *out = fopen(path, "w");
	if (out == NULL) {
		fprintf(stderr, "ninep: %s: %s\n", path, strerror(errno));
		return -1;
	}
	int sides = after != NULL ? 2 : 1;
	const struct analysis *an[2] = { before, after };
	struct figures fig[2];
	struct access_totals acc[2];
	const struct figures *fp[2] = { &fig[0], &fig[1] };
	const struct access_totals *ap[2] = { &acc[0], &acc[1] };
	for (int s = 0; s < sides; s++) {
		figures_totals(an[s], &fig[s]);
		access_totals(an[s], &acc[s]);
	}
	const char *title = sides == 2 ? "ninep compare" : "ninep report";
	fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>%s</title>\n"
		     "<style>%s</style></head><body>\n<h1>%s</h1>\n",
		title, STYLE, title);
	inputs_line(out, before, sides == 2 ? "before: " : "inputs: ");
	if (sides == 2)
		inputs_line(out, after, "after: ");
	for (int s = 0; s < sides; s++)
		fprintf(out, "<p>%s%s%llu requests, %llu round trips; %llu file accesses took %llu round trips.</p>\n",
			sides == 2 ? HTML_SIDE_NAME[s] : "", sides == 2 ? ": " : "", (unsigned long long)fig[s].requests,
			(unsigned long long)fig[s].round_trips, (unsigned long long)acc[s].accesses,
			(unsigned long long)acc[s].round_trips);
	html_latency_chart(out, fp, sides);
	html_round_trips_chart(out, ap, sides);
	html_timeline_chart(out, an, sides);
	for (int s = 0; s < sides; s++)
		html_tables(out, an[s], sides == 2 ? HTML_SIDE_NAME[s] : NULL);
	fputs("</body></html>\n", out);
	for (int s = 0; s < sides; s++)
		figures_free(&fig[s]);
	if (ferror(out)) {
		fprintf(stderr, "ninep: %s: write error\n", path);
		fclose(out);
		return -1;
	}
	if (fclose(out) != 0) {
		fprintf(stderr, "ninep: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}
