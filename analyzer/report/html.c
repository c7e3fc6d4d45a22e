/*
 * `--html OUT.html`: one self-contained file (inline CSS and SVG, no
 * scripts, no fonts or anything else fetched) with three charts: latency
 * per request type on a log scale, round trips per file access, and the
 * exchanges of each connection over time; then the text report's tables.
 * With two analyses (compare) every chart shows BEFORE and AFTER.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/escape.h"
#include "report/report.h"
#include "stats/accesses.h"
#include "report/report_common.h"

enum {
	CHART_W = 1100,
	MARGIN_L = 110, MARGIN_R = 30, MARGIN_T = 40, MARGIN_B = 56,
	LANE_H = 22,
	TIMELINE_MAX_LANES = 40,
};

static const char *const SIDE_COLOR[2] = { "#1f77b4", "#ff7f0e" };
static const char *const SIDE_NAME[2] = { "before", "after" };

/* The text report (or comparison), as <pre>. */
static void text_tables(FILE *out, const struct analysis *a, const struct analysis *b)
{
	FILE *tmp = tmpfile();
	if (tmp == NULL)
		return;
	if (b != NULL)
		compare_text(a, b, tmp);
	else
		report_text(a, tmp);
	rewind(tmp);
	/* A line at a time: a character's UTF-8 bytes never span two lines,
	 * as they may span two blocks of a fixed size. */
	char *line = NULL;
	size_t size = 0;
	ssize_t n;
	fputs("<h2>Tables</h2>\n<pre>", out);
	while ((n = getline(&line, &size, tmp)) > 0)
		escape_html_preformatted(out, line, (size_t)n);
	fputs("</pre>\n", out);
	free(line);
	fclose(tmp);
}

static void svg_begin(FILE *out, const char *id, int height, const char *title)
{
	fprintf(out, "<h2>%s</h2>\n<svg class=\"chart\" id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" "
		     "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">\n",
		title, id, CHART_W, height, CHART_W, height, title);
	fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", CHART_W, height);
}

static void legend(FILE *out, int sides, int x, int y)
{
	/* one side needs no key: there is nothing to tell apart */
	for (int s = 0; sides == 2 && s < sides; s++)
		fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"%s\"/>"
			     "<text x=\"%d\" y=\"%d\" class=\"lg\">%s</text>\n",
			x + s * 110, y - 11, SIDE_COLOR[s], x + s * 110 + 20, y, SIDE_NAME[s]);
}

/* ---- latency per request type, log scale -------------------------------- */

static double log_x(uint64_t ns, double lo, double hi)
{
	double v = log10(ns > 0 ? (double)ns : 1.0);
	double w = CHART_W - MARGIN_L - MARGIN_R;
	if (v < lo)
		v = lo;
	return MARGIN_L + (v - lo) / (hi - lo) * w;
}

static void latency_chart(FILE *out, const struct figures *f[2], int sides)
{
	uint64_t min = UINT64_MAX, max = 0;
	unsigned types = 0;
	for (unsigned i = 0; i < NINEP_REQUEST_SLOTS; i++) {
		int any = 0;
		for (int s = 0; s < sides; s++) {
			const struct latency_hist *h = figures_latency(f[s], i);
			if (h == NULL || h->count == 0)
				continue;
			any = 1;
			if (h->min < min)
				min = h->min;
			if (h->max > max)
				max = h->max;
		}
		types += any;
	}
	int row_h = sides == 2 ? 34 : 24;
	int height = MARGIN_T + MARGIN_B + (int)(types ? types : 1) * row_h;
	svg_begin(out, "latency", height, "Latency by request type (log scale)");
	if (types == 0) {
		fprintf(out, "<text x=\"%d\" y=\"%d\">no round trips</text></svg>\n", MARGIN_L, MARGIN_T + 20);
		return;
	}
	double lo = floor(log10(min > 0 ? (double)min : 1.0));
	double hi = ceil(log10((double)max + 1.0));
	if (hi <= lo)
		hi = lo + 1;
	int bottom = height - MARGIN_B;
	static const char *const unit[] = { "1 ns", "10 ns", "100 ns", "1 µs", "10 µs", "100 µs", "1 ms",
					     "10 ms", "100 ms", "1 s", "10 s", "100 s" };
	for (int e = (int)lo; e <= (int)hi; e++) {
		double x = log_x((uint64_t)pow(10, e), lo, hi);
		fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"grid\"/>"
			     "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s</text>\n",
			x, MARGIN_T - 6, x, bottom, x, bottom + 18, e >= 0 && e < 12 ? unit[e] : "?");
	}
	fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"axis\" text-anchor=\"middle\">latency, request to reply "
		     "(log scale); box p10–p90, bar p50, whiskers min–max, dot p99</text>\n",
		MARGIN_L + (CHART_W - MARGIN_L - MARGIN_R) / 2, bottom + 42);
	legend(out, sides, CHART_W - MARGIN_R - 110 * sides, 24);
	int row = 0;
	char name[16];
	for (unsigned i = 0; i < NINEP_REQUEST_SLOTS; i++) {
		int any = 0;
		for (int s = 0; s < sides; s++)
			any |= figures_latency(f[s], i) != NULL && figures_latency(f[s], i)->count > 0;
		if (!any)
			continue;
		int y0 = MARGIN_T + row * row_h;
		fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">%s</text>\n", MARGIN_L - 8,
			y0 + row_h / 2 + 4, message_label(i * 2, name));
		for (int s = 0; s < sides; s++) {
			const struct latency_hist *h = figures_latency(f[s], i);
			if (h == NULL || h->count == 0)
				continue;
			double yc = y0 + (sides == 2 ? 9 + s * 15 : row_h / 2.0);
			double x0 = log_x(h->min, lo, hi), x1 = log_x(h->max, lo, hi);
			double b0 = log_x(latency_percentile(h, 10), lo, hi), b1 = log_x(latency_percentile(h, 90), lo, hi);
			double p50 = log_x(latency_percentile(h, 50), lo, hi), p99 = log_x(latency_percentile(h, 99), lo, hi);
			if (b1 - b0 < 2)
				b1 = b0 + 2;
			fprintf(out, "<g><title>%s %s: %llu round trips</title>", message_label(i * 2, name),
				SIDE_NAME[s], (unsigned long long)h->count);
			fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\"/>",
				x0, yc, x1, yc, SIDE_COLOR[s]);
			fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"10\" fill=\"%s\" fill-opacity=\"0.55\" "
				     "stroke=\"%s\"/>",
				b0, yc - 5, b1 - b0, SIDE_COLOR[s], SIDE_COLOR[s]);
			fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\" stroke-width=\"2\"/>",
				p50, yc - 6, p50, yc + 6);
			fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"#000\"/></g>\n", p99, yc);
		}
		row++;
	}
	fputs("</svg>\n", out);
}

/* ---- round trips per access --------------------------------------------- */

static void round_trips_chart(FILE *out, const struct access_totals *t[2], int sides)
{
	int height = 340, bottom = height - MARGIN_B;
	svg_begin(out, "round-trips", height, "Round trips per file access");
	uint64_t top = 0;
	for (int s = 0; s < sides; s++)
		for (unsigned n = 1; n <= RT_HIST_MAX; n++)
			if (t[s]->rt_hist[n] > top)
				top = t[s]->rt_hist[n];
	if (top == 0) {
		fprintf(out, "<text x=\"%d\" y=\"%d\">no file accesses</text></svg>\n", MARGIN_L, MARGIN_T + 20);
		return;
	}
	/* y ticks at a round step */
	uint64_t step = 1;
	while (top / step > 8)
		step = step == 1 ? 2 : step == 2 ? 5 : step * 2;
	uint64_t ymax = (top + step - 1) / step * step;
	double plot_h = bottom - MARGIN_T;
	for (uint64_t v = 0; v <= ymax; v += step) {
		double y = bottom - plot_h * (double)v / (double)ymax;
		fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/>"
			     "<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%llu</text>\n",
			MARGIN_L, y, CHART_W - MARGIN_R, y, MARGIN_L - 8, y + 4, (unsigned long long)v);
	}
	double slot = (double)(CHART_W - MARGIN_L - MARGIN_R) / RT_HIST_MAX;
	double bar = (slot - 10) / sides;
	for (unsigned n = 1; n <= RT_HIST_MAX; n++) {
		double x = MARGIN_L + (n - 1) * slot;
		fprintf(out, "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%u%s</text>\n",
			x + slot / 2, bottom + 18, n, n == RT_HIST_MAX ? "+" : "");
		for (int s = 0; s < sides; s++) {
			uint64_t v = t[s]->rt_hist[n];
			if (v == 0)
				continue;
			double h = plot_h * (double)v / (double)ymax;
			fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
				     "<title>%s: %llu accesses of %u%s round trips</title></rect>"
				     "<text x=\"%.1f\" y=\"%.1f\" class=\"val\" text-anchor=\"middle\">%llu</text>\n",
				x + 5 + s * bar, bottom - h, bar, h, SIDE_COLOR[s], SIDE_NAME[s], (unsigned long long)v, n,
				n == RT_HIST_MAX ? " or more" : "", x + 5 + s * bar + bar / 2, bottom - h - 4,
				(unsigned long long)v);
		}
	}
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", MARGIN_L, bottom,
		CHART_W - MARGIN_R, bottom);
	fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"axis\" text-anchor=\"middle\">round trips in one file access</text>\n",
		MARGIN_L + (CHART_W - MARGIN_L - MARGIN_R) / 2, bottom + 42);
	fprintf(out, "<text transform=\"translate(24 %d) rotate(-90)\" class=\"axis\" text-anchor=\"middle\">file "
		     "accesses</text>\n",
		MARGIN_T + (int)plot_h / 2);
	legend(out, sides, CHART_W - MARGIN_R - 110 * sides, 24);
	fputs("</svg>\n", out);
}

/* ---- exchanges over time ------------------------------------------------ */

struct category {
	const char *name, *color;
};
static const struct category CATEGORIES[] = {
	{ "walk", "#8c564b" }, { "open/create", "#9467bd" }, { "read", "#2ca02c" }, { "write", "#d62728" },
	{ "clunk/remove", "#7f7f7f" }, { "stat", "#bcbd22" }, { "Tsread/Tswrite", "#17becf" },
	{ "other", "#1f77b4" },
};

static unsigned category_of(unsigned type)
{
	switch (type) {
	case NINEP_Twalk: return 0;
	case NINEP_Topen: case NINEP_Tlopen: case NINEP_Tcreate: case NINEP_Tlcreate: return 1;
	case NINEP_Tread: case NINEP_Treaddir: return 2;
	case NINEP_Twrite: return 3;
	case NINEP_Tclunk: case NINEP_Tremove: return 4;
	case NINEP_Tstat: case NINEP_Tgetattr: case NINEP_Twstat: case NINEP_Tsetattr: return 5;
	case NINEP_Tsread: case NINEP_Tswrite: return 6;
	default: return 7;
	}
}

static void time_label(char *buf, size_t size, double ns)
{
	if (ns >= 1e9)
		snprintf(buf, size, "%.3g s", ns / 1e9);
	else if (ns >= 1e6)
		snprintf(buf, size, "%.3g ms", ns / 1e6);
	else if (ns >= 1e3)
		snprintf(buf, size, "%.3g µs", ns / 1e3);
	else
		snprintf(buf, size, "%.0f ns", ns);
}

static void timeline_chart(FILE *out, const struct analysis *an[2], int sides)
{
	/* lanes: the connections of each side in order, each side's time from its first exchange */
	struct connection **lists[2] = { NULL, NULL };
	int64_t t0[2] = { INT64_MAX, INT64_MAX }, span = 1;
	size_t lanes = 0;
	for (int s = 0; s < sides; s++) {
		lists[s] = connections_sorted(an[s]);
		const struct access_log *log = access_log_of(an[s]);
		for (size_t i = 0; log != NULL && i < log->n_points; i++)
			if (log->points[i].request_ns < t0[s])
				t0[s] = log->points[i].request_ns;
		for (size_t i = 0; log != NULL && i < log->n_points; i++) {
			int64_t end = log->points[i].request_ns + (int64_t)log->points[i].latency_ns - t0[s];
			if (end > span)
				span = end;
		}
		for (size_t i = 0; lists[s][i] != NULL; i++)
			lanes++;
	}
	size_t shown = lanes < TIMELINE_MAX_LANES ? lanes : TIMELINE_MAX_LANES;
	int height = MARGIN_T + MARGIN_B + (int)(shown ? shown : 1) * LANE_H + 30;
	svg_begin(out, "timeline", height, "Exchanges over time, per connection");
	int bottom = height - MARGIN_B - 30;
	double plot_w = CHART_W - MARGIN_L - MARGIN_R;
	for (int k = 0; k <= 10; k++) {
		double x = MARGIN_L + plot_w * k / 10.0;
		char label[32];
		time_label(label, sizeof label, (double)span * k / 10.0);
		fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"grid\"/>"
			     "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s</text>\n",
			x, MARGIN_T, x, bottom, x, bottom + 18, label);
	}
	fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"axis\" text-anchor=\"middle\">time since the first request%s; "
		     "each bar runs from a request to its reply</text>\n",
		MARGIN_L + (int)plot_w / 2, bottom + 40, sides == 2 ? " (of each side)" : "");
	size_t n_cat = sizeof CATEGORIES / sizeof CATEGORIES[0];
	for (size_t c = 0; c < n_cat; c++)
		fprintf(out, "<rect x=\"%zu\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
			     "<text x=\"%zu\" y=\"%d\" class=\"lg\">%s</text>\n",
			(size_t)MARGIN_L + c * 125, height - 22, CATEGORIES[c].color, (size_t)MARGIN_L + c * 125 + 16,
			height - 11, CATEGORIES[c].name);
	size_t lane = 0;
	for (int s = 0; s < sides && lane < shown; s++) {
		const struct access_log *log = access_log_of(an[s]);
		for (size_t i = 0; lists[s][i] != NULL && lane < shown; i++, lane++) {
			const struct connection *sess = lists[s][i];
			int y = MARGIN_T + (int)lane * LANE_H;
			fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%d\" fill=\"%s\"/>\n", MARGIN_L, y,
				plot_w, LANE_H - 2, lane % 2 ? "#f4f4f4" : "#fafafa");
			fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\" fill=\"%s\">%s%sconn %llu</text>\n",
				MARGIN_L - 8, y + LANE_H / 2 + 4, sides == 2 ? SIDE_COLOR[s] : "#000",
				sides == 2 ? SIDE_NAME[s] : "", sides == 2 ? " " : "", (unsigned long long)sess->id);
			for (size_t k = 0; log != NULL && k < log->n_points; k++) {
				const struct timeline_point *p = &log->points[k];
				if (p->connection_id != sess->id)
					continue;
				double x0 = MARGIN_L + plot_w * (double)(p->request_ns - t0[s]) / (double)span;
				double w = plot_w * (double)p->latency_ns / (double)span;
				if (w < 2)
					w = 2;
				char name[16];
				fprintf(out, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\"%s>"
					     "<title>%s %llu ns</title></rect>\n",
					x0, y + 3, w, LANE_H - 8, CATEGORIES[category_of(p->type)].color,
					p->error ? " stroke=\"#000\"" : "", message_label(p->type, name),
					(unsigned long long)p->latency_ns);
			}
		}
	}
	if (lanes > shown)
		fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"tick\">%zu more connections not drawn</text>\n", MARGIN_L,
			bottom + 4 - 8, lanes - shown);
	fputs("</svg>\n", out);
	for (int s = 0; s < sides; s++)
		free(lists[s]);
}

static const char STYLE[] =
	"body{font-family:sans-serif;margin:24px;color:#222;max-width:1160px}"
	"h1{font-size:22px}h2{font-size:17px;margin-top:28px}"
	"svg.chart{border:1px solid #ddd;max-width:100%;height:auto}"
	"svg text{font-family:sans-serif}"
	".tick{font-size:12px;fill:#333}.axis{font-size:13px;fill:#111}.lg{font-size:13px;fill:#111}"
	".val{font-size:11px;fill:#333}.grid{stroke:#e3e3e3;stroke-width:1}"
	"pre{font-size:12px;background:#f7f7f7;padding:12px;overflow-x:auto}"
	"p.inputs{color:#555}";

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
	fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>%s</title>\n"
		     "<style>%s</style></head><body>\n<h1>%s</h1>\n",
		sides == 2 ? "ninep compare" : "ninep report", STYLE, sides == 2 ? "ninep compare" : "ninep report");
	inputs_line(out, before, sides == 2 ? "before: " : "inputs: ");
	if (sides == 2)
		inputs_line(out, after, "after: ");
	for (int s = 0; s < sides; s++)
		fprintf(out, "<p>%s%s%llu requests, %llu round trips; %llu file accesses took %llu round trips.</p>\n",
			sides == 2 ? SIDE_NAME[s] : "", sides == 2 ? ": " : "", (unsigned long long)fig[s].requests,
			(unsigned long long)fig[s].round_trips, (unsigned long long)acc[s].accesses,
			(unsigned long long)acc[s].round_trips);
	latency_chart(out, fp, sides);
	round_trips_chart(out, ap, sides);
	timeline_chart(out, an, sides);
	text_tables(out, before, after);
	fputs("</body></html>\n", out);
	for (int s = 0; s < sides; s++)
		figures_free(&fig[s]);
	if (fclose(out) != 0) {
		fprintf(stderr, "ninep: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}
