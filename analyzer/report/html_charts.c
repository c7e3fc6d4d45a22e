/*
 * Two charts of the HTML page: latency per request type on a log scale,
 * and round trips per file access.  Every mark has a tooltip (an SVG
 * <title>) that says what it is, with its unit.
 */
#include <math.h>

#include "report/html_parts.h"
#include "report/report_common.h"

/* ---- latency per request type, log scale -------------------------------- */

static double log_x(uint64_t ns, double lo, double hi)
{
	double v = log10(ns > 0 ? (double)ns : 1.0);
	double w = CHART_W - MARGIN_L - MARGIN_R;
	if (v < lo)
		v = lo;
	return MARGIN_L + (v - lo) / (hi - lo) * w;
}

/* "1 ns", "10 µs", "100 ms", "1 s", "1000 s": a power of ten of nanoseconds
 * in the largest unit it is a whole number of. */
static void decade_label(char *buf, size_t size, int e)
{
	static const char *const unit[] = { "ns", "µs", "ms", "s" };
	int u = e / 3 < 3 ? e / 3 : 3;
	int rest = e - 3 * u;
	long long v = 1;
	while (rest-- > 0)
		v *= 10;
	snprintf(buf, size, "%lld %s", v, unit[u]);
}

void html_latency_chart(FILE *out, const struct figures *f[2], int sides)
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
	html_svg_begin(out, "latency", height, "Latency by request type (log scale)");
	if (types == 0) {
		fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"axis\">no round trips</text></svg>\n", MARGIN_L,
			MARGIN_T + 20);
		return;
	}
	double lo = floor(log10(min > 0 ? (double)min : 1.0));
	double hi = ceil(log10((double)max + 1.0));
	if (hi <= lo)
		hi = lo + 1;
	int bottom = height - MARGIN_B;
	for (int e = (int)lo; e <= (int)hi; e++) {
		double x = log_x((uint64_t)pow(10, e), lo, hi);
		char label[DURATION_STRLEN];
		decade_label(label, sizeof label, e);
		fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"grid\"/>"
			     "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s</text>\n",
			x, MARGIN_T - 6, x, bottom, x, bottom + 18, label);
	}
	fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"axis\" text-anchor=\"middle\">latency, request to reply "
		     "(log scale)</text>\n",
		MARGIN_L + (CHART_W - MARGIN_L - MARGIN_R) / 2, bottom + 40);
	int row = 0;
	char name[16];
	unsigned order[NINEP_TYPES / 2];
	requests_in_protocol_order(order);
	for (unsigned k = 0; k < NINEP_TYPES / 2; k++) {
		unsigned i = order[k] / 2;
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
			uint64_t p10 = latency_percentile(h, 10), p50 = latency_percentile(h, 50);
			uint64_t p90 = latency_percentile(h, 90), p99 = latency_percentile(h, 99);
			double x0 = log_x(h->min, lo, hi), x1 = log_x(h->max, lo, hi);
			double b0 = log_x(p10, lo, hi), b1 = log_x(p90, lo, hi);
			if (b1 - b0 < 2)
				b1 = b0 + 2;
			char d_min[DURATION_STRLEN], d_50[DURATION_STRLEN], d_90[DURATION_STRLEN], d_99[DURATION_STRLEN],
				d_max[DURATION_STRLEN];
			html_duration(d_min, sizeof d_min, h->min);
			html_duration(d_50, sizeof d_50, p50);
			html_duration(d_90, sizeof d_90, p90);
			html_duration(d_99, sizeof d_99, p99);
			html_duration(d_max, sizeof d_max, h->max);
			fprintf(out, "<g><title>%s%s%s: %llu round trip%s; median %s, p90 %s, p99 %s, min %s, max %s</title>",
				message_label(i * 2, name), sides == 2 ? " " : "", sides == 2 ? HTML_SIDE_NAME[s] : "",
				(unsigned long long)h->count, h->count == 1 ? "" : "s", d_50, d_90, d_99, d_min, d_max);
			fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\"/>",
				x0, yc, x1, yc, HTML_SIDE_COLOR[s]);
			fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"10\" fill=\"%s\" fill-opacity=\"0.55\" "
				     "stroke=\"%s\"/>",
				b0, yc - 5, b1 - b0, HTML_SIDE_COLOR[s], HTML_SIDE_COLOR[s]);
			fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\" stroke-width=\"2\"/>",
				log_x(p50, lo, hi), yc - 6, log_x(p50, lo, hi), yc + 6);
			fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"#000\"/></g>\n", log_x(p99, lo, hi), yc);
		}
		row++;
	}
	fputs("</svg>\n", out);
	fputs("<p class=\"note\">Box: 10th to 90th percentile; bar: median; whiskers: min to max; dot: 99th "
	      "percentile. Hover a box for its figures.</p>\n", out);
	if (sides == 2)
		html_legend(out, HTML_SIDE_NAME, HTML_SIDE_COLOR, 2);
}

/* ---- round trips per access --------------------------------------------- */

void html_round_trips_chart(FILE *out, const struct access_totals *t[2], int sides)
{
	int height = 300, bottom = height - MARGIN_B;
	html_svg_begin(out, "round-trips", height, "Round trips per file access");
	uint64_t top = 0;
	for (int s = 0; s < sides; s++)
		for (unsigned n = 1; n <= RT_HIST_MAX; n++)
			if (t[s]->rt_hist[n] > top)
				top = t[s]->rt_hist[n];
	if (top == 0) {
		fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"axis\">no file accesses</text></svg>\n", MARGIN_L,
			MARGIN_T + 20);
		return;
	}
	/* y ticks at a round step */
	uint64_t step = 1, decade = 1;
	while (top / step > 8) {
		/* 1, 2, 5, 10, 20, 50, ... */
		if (step == decade)
			step = 2 * decade;
		else if (step == 2 * decade)
			step = 5 * decade;
		else
			step = decade *= 10;
	}
	uint64_t ymax = (top + step - 1) / step * step;
	double plot_h = bottom - MARGIN_T;
	for (uint64_t v = 0; v <= ymax; v += step) {
		double y = bottom - plot_h * (double)v / (double)ymax;
		fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/>"
			     "<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%llu</text>\n",
			MARGIN_L, y, CHART_W - MARGIN_R, y, MARGIN_L - 8, y + 4, (unsigned long long)v);
	}
	double slot = (double)(CHART_W - MARGIN_L - MARGIN_R) / RT_HIST_MAX;
	double bar = (slot - 6) / sides;
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
				     "<title>%s%s%llu file access%s of %u%s round trip%s</title></rect>"
				     "<text x=\"%.1f\" y=\"%.1f\" class=\"val\" text-anchor=\"middle\">%llu</text>\n",
				x + 3 + s * bar, bottom - h, bar, h, HTML_SIDE_COLOR[s], sides == 2 ? HTML_SIDE_NAME[s] : "",
				sides == 2 ? ": " : "", (unsigned long long)v, v == 1 ? "" : "es", n,
				n == RT_HIST_MAX ? " or more" : "", n == 1 && n != RT_HIST_MAX ? "" : "s",
				x + 3 + s * bar + bar / 2, bottom - h - 4, (unsigned long long)v);
		}
	}
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", MARGIN_L, bottom,
		CHART_W - MARGIN_R, bottom);
	fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"axis\" text-anchor=\"middle\">round trips in one file access</text>\n",
		MARGIN_L + (CHART_W - MARGIN_L - MARGIN_R) / 2, bottom + 40);
	fprintf(out, "<text transform=\"translate(%d %d) rotate(-90)\" class=\"axis\" text-anchor=\"middle\">file "
		     "accesses</text>\n",
		MARGIN_L - 50, MARGIN_T + (int)plot_h / 2);
	fputs("</svg>\n", out);
	if (sides == 2)
		html_legend(out, HTML_SIDE_NAME, HTML_SIDE_COLOR, 2);
}
