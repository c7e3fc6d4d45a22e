/*
 * The timeline of the HTML page: each exchange a bar from its request to
 * its reply, the exchanges of one connection on its own rows.
 *
 * Lanes: a client may have many requests outstanding on one connection (a
 * long Twrite while it reads other files), and bars drawn on one row hide
 * each other.  So each connection gets as many lanes as it had exchanges
 * in flight at once: its exchanges, in request order, each take the first
 * lane whose last exchange was answered by the time of its request, or a
 * new one (interval partitioning: as few lanes as the most exchanges that
 * overlapped).
 *
 * Bounds, so that a huge capture makes a page a browser still opens: the
 * first TIMELINE_POINTS_MAX exchanges answered (stats/accesses.h), of the
 * first TIMELINE_CONNECTIONS_DRAWN connections (by id), at most
 * TIMELINE_LANES_MAX lanes each, and in compare as many of each side; what
 * is left out is counted below the chart.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/escape.h"
#include "report/html_parts.h"
#include "report/report_common.h"

enum {
	TIMELINE_CONNECTIONS_DRAWN = 30,
	TIMELINE_LANES_MAX = 12,
	LANE_H = 14,
	CONN_GAP = 6, /* between the lanes of two connections */
};

static const char *const CATEGORY_NAME[] = { "walk", "open/create", "read", "write", "clunk/remove",
					     "stat", "Tsread/Tswrite", "other" };
static const char *const CATEGORY_COLOR[] = { "#8c564b", "#9467bd", "#2ca02c", "#d62728",
					      "#7f7f7f", "#bcbd22", "#17becf", "#1f77b4" };

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

/* One exchange as drawn. */
struct bar {
	const struct timeline_point *p;
	unsigned lane;
};

/* The lanes of one connection. */
struct group {
	int side;
	uint64_t connection_id;
	size_t first, n; /* its bars */
	unsigned lanes;
};

struct layout {
	struct bar *bars;
	size_t n_bars;
	struct group *groups;
	size_t n_groups;
	unsigned rows;
	int64_t t0[2];
	uint64_t span;
	/* left out, by reason */
	uint64_t after_max;            /* answered after the first TIMELINE_POINTS_MAX */
	uint64_t other_conns, other_conn_exchanges; /* beyond TIMELINE_CONNECTIONS_DRAWN */
	uint64_t too_many_at_once;     /* would have needed lane TIMELINE_LANES_MAX + 1 */
};

static int by_connection_then_time(const void *x, const void *y)
{
	const struct timeline_point *a = *(const struct timeline_point *const *)x;
	const struct timeline_point *b = *(const struct timeline_point *const *)y;
	if (a->connection_id != b->connection_id)
		return a->connection_id < b->connection_id ? -1 : 1;
	if (a->request_ns != b->request_ns)
		return a->request_ns < b->request_ns ? -1 : 1;
	if (a->latency_ns != b->latency_ns)
		return a->latency_ns < b->latency_ns ? -1 : 1;
	return 0;
}

static int64_t reply_ns(const struct timeline_point *p)
{
	return p->request_ns + (int64_t)p->latency_ns;
}

/* The lanes of one connection's exchanges, sorted by request time, into
 * L->bars; returns how many it drew. */
static size_t partition(struct layout *L, const struct timeline_point *const *pts, size_t n, unsigned *lanes_used)
{
	int64_t lane_free_at[TIMELINE_LANES_MAX];
	unsigned lanes = 0;
	size_t drawn = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned lane = 0;
		while (lane < lanes && lane_free_at[lane] > pts[i]->request_ns)
			lane++;
		if (lane == TIMELINE_LANES_MAX) {
			L->too_many_at_once++;
			continue;
		}
		if (lane == lanes)
			lanes++;
		lane_free_at[lane] = reply_ns(pts[i]);
		L->bars[L->n_bars++] = (struct bar){ pts[i], lane };
		drawn++;
	}
	*lanes_used = lanes;
	return drawn;
}

static void lay_out(struct layout *L, const struct analysis *an[2], int sides)
{
	memset(L, 0, sizeof *L);
	size_t total = 0;
	for (int s = 0; s < sides; s++) {
		const struct access_log *log = access_log_of(an[s]);
		if (log != NULL) {
			total += log->n_points;
			L->after_max += log->points_not_kept;
		}
	}
	L->bars = calloc(total ? total : 1, sizeof *L->bars);
	L->groups = calloc(total ? total : 1, sizeof *L->groups);
	if (L->bars == NULL || L->groups == NULL)
		abort();
	for (int s = 0; s < sides; s++) {
		const struct access_log *log = access_log_of(an[s]);
		size_t n = log != NULL ? log->n_points : 0;
		size_t conns = 0; /* each side's own: after is drawn however many before had */
		L->t0[s] = INT64_MAX;
		if (n == 0)
			continue;
		const struct timeline_point **pts = calloc(n, sizeof *pts);
		if (pts == NULL)
			abort();
		for (size_t i = 0; i < n; i++)
			pts[i] = &log->points[i];
		qsort(pts, n, sizeof *pts, by_connection_then_time);
		for (size_t i = 0; i < n; i++) {
			if (pts[i]->request_ns < L->t0[s])
				L->t0[s] = pts[i]->request_ns;
		}
		for (size_t i = 0; i < n;) {
			size_t j = i;
			while (j < n && pts[j]->connection_id == pts[i]->connection_id)
				j++;
			if (conns == TIMELINE_CONNECTIONS_DRAWN) {
				L->other_conns++;
				L->other_conn_exchanges += j - i;
				i = j;
				continue;
			}
			struct group *g = &L->groups[L->n_groups];
			g->side = s;
			g->connection_id = pts[i]->connection_id;
			g->first = L->n_bars;
			g->n = partition(L, pts + i, j - i, &g->lanes);
			for (size_t k = g->first; k < g->first + g->n; k++) {
				uint64_t end = (uint64_t)(reply_ns(L->bars[k].p) - L->t0[s]);
				if (end > L->span)
					L->span = end;
			}
			L->rows += g->lanes;
			L->n_groups++;
			conns++;
			i = j;
		}
		free(pts);
	}
}

/* Ticks at 1, 2 or 5 times a power of ten, about eight of them. */
static uint64_t tick_step(uint64_t span)
{
	double raw = (double)span / 8.0;
	double mag = pow(10, floor(log10(raw > 1 ? raw : 1)));
	static const double mult[] = { 1, 2, 5, 10 };
	for (size_t i = 0; i < 4; i++)
		if (mag * mult[i] >= raw)
			return (uint64_t)(mag * mult[i]);
	return (uint64_t)(mag * 10);
}

static void time_axis(FILE *out, uint64_t axis_span, uint64_t step, int top, int bottom)
{
	double plot_w = CHART_W - MARGIN_L - MARGIN_R;
	static const struct {
		double from, scale;
		const char *unit;
	} units[] = { { 1e9, 1e9, "s" }, { 1e6, 1e6, "ms" }, { 1e3, 1e3, "µs" }, { 0, 1, "ns" } };
	size_t u = 0;
	while ((double)axis_span < units[u].from)
		u++;
	double step_units = (double)step / units[u].scale;
	int decimals = step_units >= 1 ? 0 : (int)ceil(-log10(step_units) - 1e-9);
	for (uint64_t t = 0; t <= axis_span; t += step) {
		double x = MARGIN_L + plot_w * (double)t / (double)axis_span;
		char number[DURATION_STRLEN];
		html_number(number, sizeof number, (double)t / units[u].scale, decimals);
		fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"grid\"/>"
			     "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s %s</text>\n",
			x, top, x, bottom, x, bottom + 18, number, units[u].unit);
	}
}

static void bar_tooltip(FILE *out, const struct timeline_point *p, int64_t t0, int side, int sides)
{
	char name[16], took[DURATION_STRLEN], at[DURATION_STRLEN];
	html_duration(took, sizeof took, p->latency_ns);
	html_duration(at, sizeof at, (uint64_t)(p->request_ns - t0));
	fprintf(out, "<title>%s", message_label(p->type, name));
	if (p->path != NULL) {
		fputc(' ', out);
		escape_html(out, p->path, strlen(p->path));
		fputs(p->path_cut ? "…" : "", out);
	}
	fprintf(out, ": 1 round trip, %s%s; request at %s%s%s</title>", took, p->error ? ", answered by an error" : "",
		at, sides == 2 ? " in " : "", sides == 2 ? HTML_SIDE_NAME[side] : "");
}

static void left_out(FILE *out, const struct layout *L)
{
	if (L->after_max == 0 && L->other_conns == 0 && L->too_many_at_once == 0)
		return;
	fputs("<p class=\"note\" id=\"timeline-left-out\">Not drawn:", out);
	const char *sep = " ";
	if (L->after_max > 0) {
		fprintf(out, "%s%llu exchanges answered after the first %d", sep, (unsigned long long)L->after_max,
			TIMELINE_POINTS_MAX);
		sep = "; ";
	}
	if (L->other_conns > 0) {
		fprintf(out, "%s%llu exchanges of %llu connections after the first %d", sep,
			(unsigned long long)L->other_conn_exchanges, (unsigned long long)L->other_conns,
			TIMELINE_CONNECTIONS_DRAWN);
		sep = "; ";
	}
	if (L->too_many_at_once > 0)
		fprintf(out, "%s%llu exchanges that found all %d lanes of their connection busy", sep,
			(unsigned long long)L->too_many_at_once, TIMELINE_LANES_MAX);
	fputs(". They are in every table and figure all the same.</p>\n", out);
}

void html_timeline_chart(FILE *out, const struct analysis *an[2], int sides)
{
	struct layout L;
	lay_out(&L, an, sides);
	int plot_h = (int)L.rows * LANE_H + (int)(L.n_groups > 0 ? L.n_groups - 1 : 0) * CONN_GAP;
	int height = MARGIN_T + (plot_h > 0 ? plot_h : 24) + MARGIN_B;
	int bottom = MARGIN_T + (plot_h > 0 ? plot_h : 24);
	html_svg_begin(out, "timeline", height, "Exchanges over time, per connection");
	if (L.n_bars == 0) {
		fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"axis\">no round trips</text></svg>\n", MARGIN_L,
			MARGIN_T + 16);
		left_out(out, &L);
		free(L.bars);
		free(L.groups);
		return;
	}
	uint64_t step = tick_step(L.span > 0 ? L.span : 1);
	uint64_t axis_span = (L.span + step - 1) / step * step;
	if (axis_span == 0)
		axis_span = step;
	double plot_w = CHART_W - MARGIN_L - MARGIN_R;
	time_axis(out, axis_span, step, MARGIN_T, bottom);
	fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"axis\" text-anchor=\"middle\">time since the first request%s</text>\n",
		MARGIN_L + (int)plot_w / 2, bottom + 40, sides == 2 ? " (of each side)" : "");
	int y = MARGIN_T;
	for (size_t gi = 0; gi < L.n_groups; gi++) {
		const struct group *g = &L.groups[gi];
		int h = (int)g->lanes * LANE_H;
		fprintf(out, "<g class=\"conn\" data-conn=\"%llu\" data-side=\"%s\" data-lanes=\"%u\">\n",
			(unsigned long long)g->connection_id, HTML_SIDE_NAME[g->side], g->lanes);
		fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%d\" fill=\"%s\"/>\n", MARGIN_L, y, plot_w, h,
			gi % 2 ? "#f0f0f0" : "#f8f8f8");
		fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\" fill=\"%s\">%s%sconn %llu</text>\n",
			MARGIN_L - 8, y + LANE_H - 3, sides == 2 ? HTML_SIDE_COLOR[g->side] : "#000",
			sides == 2 ? HTML_SIDE_NAME[g->side] : "", sides == 2 ? " " : "",
			(unsigned long long)g->connection_id);
		int64_t t0 = L.t0[g->side];
		for (size_t k = g->first; k < g->first + g->n; k++) {
			const struct bar *b = &L.bars[k];
			int64_t start = b->p->request_ns - t0;
			double x0 = MARGIN_L + plot_w * (double)start / (double)axis_span;
			double w = plot_w * (double)b->p->latency_ns / (double)axis_span;
			if (w < 2)
				w = 2; /* a fast exchange still shows */
			fprintf(out, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\"%s data-lane=\"%u\" "
				     "data-request-ns=\"%lld\" data-reply-ns=\"%lld\">",
				x0, y + (int)b->lane * LANE_H + 2, w, LANE_H - 4, CATEGORY_COLOR[category_of(b->p->type)],
				b->p->error ? " stroke=\"#000\"" : "", b->lane, (long long)start,
				(long long)(start + (int64_t)b->p->latency_ns));
			bar_tooltip(out, b->p, t0, g->side, sides);
			fputs("</rect>\n", out);
		}
		fputs("</g>\n", out);
		y += h + CONN_GAP;
	}
	fputs("</svg>\n", out);
	html_legend(out, CATEGORY_NAME, CATEGORY_COLOR, sizeof CATEGORY_NAME / sizeof CATEGORY_NAME[0]);
	fprintf(out, "<p class=\"note\">Each bar runs from a request to its reply (at least 2 pixels wide); "
		     "outlined: answered by an error. Exchanges in flight at once on one connection are drawn "
		     "in separate lanes. Hover a bar for its request, path and time.</p>\n");
	left_out(out, &L);
	free(L.bars);
	free(L.groups);
}
