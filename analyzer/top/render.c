/*
 * The lines of a `ninep top` screen (render.h).
 */
#include "top/render.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "report/report_common.h"

enum {
	LINE_MAX_BYTES = 1024,
	NS_PER_S = 1000000000,
	/* Lines besides the table rows: 5 of summary, a blank line, a heading
	 * for each of the three tables, and the status line. */
	FIXED_LINES = 5 + 1 + 3 + 1,
	ROWS_KEPT_MIN = 2, /* connections and paths shown at least, when there are */
};

struct lines {
	int width, height, n;
	top_line_fn *line;
	void *ctx;
};

/* The number of bytes of s[0..len) that make at most `columns` UTF-8
 * characters (the text is escaped: every character is one column). */
static size_t clip(const char *s, size_t len, int columns)
{
	int chars = 0;
	for (size_t i = 0; i < len; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		if (chars == columns)
			return i;
		chars++;
	}
	return len;
}

__attribute__((format(printf, 2, 3))) static void emit(struct lines *l, const char *fmt, ...)
{
	if (l->height > 0 && l->n >= l->height)
		return;
	char buf[LINE_MAX_BYTES];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	size_t len = n < 0 ? 0 : (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
	while (len > 0 && buf[len - 1] == ' ')
		len--;
	if (l->width > 0)
		len = clip(buf, len, l->width);
	l->line(l->ctx, buf, len);
	l->n++;
}

/* A latency in at most 7 characters. */
static const char *latency_text(char buf[16], uint64_t count, uint64_t ns)
{
	if (count == 0)
		snprintf(buf, 16, "-");
	else if (ns < 1000)
		snprintf(buf, 16, "%lluns", (unsigned long long)ns);
	else if (ns < 1000000)
		snprintf(buf, 16, "%.1fus", (double)ns / 1e3);
	else if (ns < (uint64_t)NS_PER_S)
		snprintf(buf, 16, "%.1fms", (double)ns / 1e6);
	else if (ns < 1000ull * NS_PER_S)
		snprintf(buf, 16, "%.2fs", (double)ns / 1e9);
	else
		snprintf(buf, 16, "%.0fs", (double)ns / 1e9);
	return buf;
}

static const char *rate_text(char buf[16], uint64_t n, int64_t every_ns)
{
	double rate = every_ns > 0 ? (double)n * 1e9 / (double)every_ns : 0;
	if (rate < 10000)
		snprintf(buf, 16, "%.1f", rate);
	else
		snprintf(buf, 16, "%.0f", rate);
	return buf;
}

/* "22:13:19" (UTC), with the fraction when the interval is shorter than a second. */
static const char *clock_text(char buf[32], int64_t ns, int64_t every_ns)
{
	time_t secs = (time_t)(ns / NS_PER_S);
	struct tm tm;
	gmtime_r(&secs, &tm);
	size_t n = strftime(buf, 32, "%H:%M:%S", &tm);
	if (every_ns % NS_PER_S != 0 && n < 20)
		snprintf(buf + n, 32 - n, ".%03lld", (long long)(ns % NS_PER_S / 1000000));
	return buf;
}

static void summary(struct lines *l, const struct top_snapshot *s, const struct top_frame *f)
{
	if (s == NULL) {
		emit(l, "ninep top - %s%s - nothing captured yet", f->source, f->live ? " (live)" : "");
		return;
	}
	char from[32], to[32], day[16];
	time_t secs = (time_t)(s->start_ns / NS_PER_S);
	struct tm tm;
	gmtime_r(&secs, &tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	emit(l, "ninep top - %s%s - %s %s-%s UTC", f->source, f->live ? " (live)" : "", day,
	     clock_text(from, s->start_ns, f->every_ns), clock_text(to, s->end_ns, f->every_ns));
	emit(l, "packets    %10llu (total %llu)   connections %llu open, %llu new, %llu total",
	     (unsigned long long)s->packets, (unsigned long long)s->total_packets,
	     (unsigned long long)s->open_connections, (unsigned long long)s->connections,
	     (unsigned long long)s->total_connections);
	emit(l, "requests   %10llu (total %llu)   errors %llu (total %llu)", (unsigned long long)s->requests,
	     (unsigned long long)s->total_requests, (unsigned long long)s->errors, (unsigned long long)s->total_errors);
	emit(l, "unanswered %10llu (total %llu)   outstanding now %llu", (unsigned long long)s->unanswered,
	     (unsigned long long)s->total_unanswered, (unsigned long long)s->outstanding);
	if (s->drops_known)
		emit(l, "dropped    kernel %llu (total %llu), interface %llu (total %llu)",
		     (unsigned long long)s->drops.kernel, (unsigned long long)s->total_drops.kernel,
		     (unsigned long long)s->drops.interface, (unsigned long long)s->total_drops.interface);
	else
		emit(l, "%s", "dropped    unknown (a capture file does not say)");
}

static void type_table(struct lines *l, const struct top_snapshot *s, const struct top_frame *f, int rows)
{
	emit(l, "%s", "");
	emit(l, "%-12s %6s %6s %4s %7s %7s | %8s %5s %7s %7s", "REQUEST", "RATE/s", "N", "ERR", "P50", "P99", "TOTAL",
	     "ERR", "P50", "P99");
	if (s->n_types == 0) {
		emit(l, "%s", "  (no request yet)");
		return;
	}
	int shown = (int)s->n_types;
	if (rows >= 1 && shown > rows)
		shown = rows - 1; /* the last row says how many more */
	for (int i = 0; i < shown; i++) {
		const struct top_type_row *r = &s->types[i];
		char name[16], rate[16], p50[16], p99[16], tp50[16], tp99[16];
		emit(l, "%-12s %6s %6llu %4llu %7s %7s | %8llu %5llu %7s %7s", message_label(r->type, name),
		     rate_text(rate, r->requests, f->every_ns), (unsigned long long)r->requests,
		     (unsigned long long)r->errors, latency_text(p50, r->latency.count, r->latency.p50_ns),
		     latency_text(p99, r->latency.count, r->latency.p99_ns), (unsigned long long)r->total_requests,
		     (unsigned long long)r->total_errors,
		     latency_text(tp50, r->total_latency.count, r->total_latency.p50_ns),
		     latency_text(tp99, r->total_latency.count, r->total_latency.p99_ns));
	}
	if (shown < (int)s->n_types)
		emit(l, "  ... and %d more request types (a taller window shows them)", (int)s->n_types - shown);
}

static void connection_table(struct lines *l, const struct top_snapshot *s, int rows)
{
	if (s->connections_folded > 0)
		emit(l, "%-47s %9s %6s %6s %s", "BUSIEST CONNECTIONS (of those kept)", "MESSAGES", "ERR", "UNANS",
		     "STATE");
	else
		emit(l, "%-47s %9s %6s %6s %s", "BUSIEST CONNECTIONS (client > server)", "MESSAGES", "ERR", "UNANS",
		     "STATE");
	if (s->n_connections == 0)
		emit(l, "%s", "  (none yet)");
	for (int i = 0; i < (int)s->n_connections && i < rows; i++) {
		const struct top_connection_row *r = &s->connections_shown[i];
		char pair[2 * ENDPOINT_STRLEN + 4];
		snprintf(pair, sizeof pair, "%s > %s", r->client, r->server);
		emit(l, "%-47s %9llu %6llu %6llu %s", pair, (unsigned long long)r->messages,
		     (unsigned long long)r->errors, (unsigned long long)r->unanswered, r->open ? "open" : "ended");
	}
}

static void path_table(struct lines *l, const struct top_snapshot *s, int rows)
{
	emit(l, "%-58s %11s %8s", s->paths_approximate ? "BUSIEST PATHS (ended accesses; approximate)"
						       : "BUSIEST PATHS (ended accesses)",
	     "ROUND TRIPS", "ACCESSES");
	if (s->n_paths == 0)
		emit(l, "%s", "  (none yet)");
	for (int i = 0; i < (int)s->n_paths && i < rows; i++) {
		const struct top_path_row *r = &s->paths[i];
		emit(l, "%-58s %11llu %8llu", r->path, (unsigned long long)r->round_trips,
		     (unsigned long long)r->accesses);
	}
}

void top_render(const struct top_snapshot *s, const struct top_frame *frame, int width, int height,
		top_line_fn *line, void *ctx)
{
	struct lines l = { width, height, 0, line, ctx };
	summary(&l, s, frame);
	if (s != NULL) {
		/* The rows the height leaves, shared: the request types first,
		 * the connections and paths cut to ROWS_KEPT_MIN before them. */
		int conn_rows = s->n_connections > 0 ? (int)s->n_connections : 1;
		int path_rows = s->n_paths > 0 ? (int)s->n_paths : 1;
		int type_rows = s->n_types > 0 ? (int)s->n_types : 1;
		if (height > 0) {
			int avail = height - FIXED_LINES;
			while (type_rows + conn_rows + path_rows > avail &&
			       (conn_rows > ROWS_KEPT_MIN || path_rows > ROWS_KEPT_MIN)) {
				if (conn_rows >= path_rows)
					conn_rows--;
				else
					path_rows--;
			}
			type_rows = avail - conn_rows - path_rows;
		}
		type_table(&l, s, frame, height > 0 ? type_rows : 0);
		connection_table(&l, s, conn_rows);
		path_table(&l, s, path_rows);
	}
	if (frame->status != NULL) {
		if (height > 0)
			while (l.n < height - 1)
				emit(&l, "%s", "");
		emit(&l, "%s", frame->status);
	}
}
