/*
 * Chattiness: the file accesses of accesses.c summed up (by kind, round
 * trips per access, hottest paths, time spent waiting, the macro-op
 * what-if), as sections of the text and JSON reports.
 */
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "stats/accesses.h"
#include "report/escape.h"
#include "report/json.h"
#include "report/report_common.h"
#include "report/units.h"

enum {
	HOT_PATHS_SHOWN = 10,
	TEXT_ACCESSES_SHOWN = 25, /* the rest are in --json */
	TEXT_WIDTH = 100,         /* the text report's lines fit this many columns */
	ACCESS_PATH_AT = 60,      /* the column an access row's path starts at */
	HOT_PATH_AT = 32,         /* ... a hot path row's */
};

/* The columns escaped text takes: it is valid UTF-8, so one per byte that
 * is not a continuation byte. */
static void count_columns(void *ctx, const char *s, size_t n)
{
	size_t *columns = ctx;
	for (size_t i = 0; i < n; i++)
		*columns += ((unsigned char)s[i] & 0xc0) != 0x80;
}

static size_t escaped_columns(const char *s, size_t len)
{
	size_t columns = 0;
	escape_text_to(s, len, count_columns, &columns);
	return columns;
}

/*
 * A path at the end of a row of `at` columns, escaped, within TEXT_WIDTH:
 * when the whole path does not fit, its longest tail that starts at a '/'
 * and fits, after "..." (the file name says most; the whole path is in
 * --json and in ninep accesses).  A last name too long for the row is
 * shown whole.
 */
static void path_cell(FILE *out, const char *path, size_t at)
{
	size_t len = strlen(path), room = at < TEXT_WIDTH ? TEXT_WIDTH - at : 0;
	if (escaped_columns(path, len) <= room) {
		escape_text(out, path, len);
		return;
	}
	static const char cut[] = "...";
	const char *tail = strrchr(path, '/');
	if (tail == NULL) {
		escape_text(out, path, len);
		return;
	}
	for (const char *p = strchr(path + 1, '/'); p != NULL; p = strchr(p + 1, '/'))
		if (strlen(cut) + escaped_columns(p, strlen(p)) <= room) {
			tail = p;
			break;
		}
	fputs(cut, out);
	escape_text_str(out, tail);
}

void percent_text(char *buf, size_t size, uint64_t part, uint64_t whole)
{
	if (whole == 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.1f%%", 100.0 * (double)part / (double)whole);
}

void access_totals(const struct analysis *a, struct access_totals *t)
{
	memset(t, 0, sizeof *t);
	const struct access_log *log = a->access_log;
	if (log != NULL)
		*t = log->sums;
	/* The sum of every latency: no need to merge the histograms. */
	for (const struct connection *s = a->connections; s != NULL; s = s->next)
		for (unsigned i = 0; i < s->fig.n_types; i++)
			if (s->fig.types[i].latency != NULL)
				t->all_wait_ns += s->fig.types[i].latency->sum;
	t->all_wait_ns += a->folded.fig.all_latency.sum; /* every type's samples are in all_latency too */
}

static int by_round_trips(const void *x, const void *y)
{
	const struct path_row *a = x, *b = y;
	if (a->round_trips != b->round_trips)
		return a->round_trips > b->round_trips ? -1 : 1;
	return strcmp(a->path, b->path);
}

size_t access_hot_paths(const struct analysis *a, struct path_row *rows, size_t max)
{
	const struct access_log *log = a->access_log;
	if (log == NULL || log->hot.n == 0 || max == 0)
		return 0;
	const struct hot_paths *h = &log->hot;
	struct path_row *all = calloc(h->n, sizeof *all);
	if (all == NULL)
		abort();
	for (uint32_t i = 0; i < h->n; i++) {
		all[i].path = h->e[i].path;
		all[i].accesses = h->e[i].accesses;
		all[i].round_trips = h->e[i].round_trips;
		all[i].wait_ns = h->e[i].wait_ns;
		all[i].bytes = h->e[i].bytes;
	}
	qsort(all, h->n, sizeof *all, by_round_trips);
	size_t shown = h->n < max ? h->n : max;
	memcpy(rows, all, shown * sizeof *rows);
	free(all);
	return shown;
}

int access_hot_paths_approximate(const struct analysis *a)
{
	return a->access_log != NULL && a->access_log->hot.evicted > 0;
}

/* ---- text --------------------------------------------------------------- */

/* A figure on its own, in the unit its size calls for. */
static void time_text(const struct analysis *a, char *buf, size_t size, uint64_t ns)
{
	units_format_alone(buf, size, ns, units_resolution_ns(a));
}

/* "part of whole": both in the unit of the whole. */
static void part_of_text(const struct analysis *a, char *part_buf, char *whole_buf, size_t size, uint64_t part,
			 uint64_t whole)
{
	struct time_unit unit = units_pick(part > whole ? part : whole);
	char number[32];
	units_format(number, sizeof number, part, unit, units_resolution_ns(a));
	snprintf(part_buf, size, "%s %s", number, unit.name);
	units_format(number, sizeof number, whole, unit, units_resolution_ns(a));
	snprintf(whole_buf, size, "%s %s", number, unit.name);
}

void whatif_heading(const struct analysis *a, const char *what, FILE *out)
{
	const char *dialect = analysis_dialect(a);
	if (strcmp(dialect, "9P2000.e") == 0) {
		fprintf(out, "\nWhat-if%s: one Tsread/Tswrite for each whole-file read or overwrite\n", what);
		return;
	}
	/* Tsread and Tswrite exist only in 9P2000.e: say so, or a 9P2000.L
	 * reader looks for them in the wrong manual. */
	fprintf(out, "\nWhat-if%s: if the client used 9P2000.e's Tsread/Tswrite macro-ops\n", what);
	fprintf(out, "  (the capture speaks %s), one for each whole-file read or overwrite\n", dialect);
}

static void per_access(char *buf, size_t size, uint64_t round_trips, uint64_t accesses)
{
	if (accesses == 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.2f", (double)round_trips / (double)accesses);
}

static void access_list_text(const struct analysis *a, const struct access_totals *t, FILE *out)
{
	const struct access_log *log = a->access_log;
	size_t shown = log->n < TEXT_ACCESSES_SHOWN ? log->n : TEXT_ACCESSES_SHOWN;
	uint64_t max_ns = 0; /* the wall time is never shorter than the wait */
	for (size_t i = 0; i < shown; i++) {
		const struct access_record *r = &log->rec[i];
		uint64_t wall = r->last_ns > r->first_ns ? (uint64_t)(r->last_ns - r->first_ns) : 0;
		max_ns = wall > max_ns ? wall : max_ns;
		max_ns = r->wait_ns > max_ns ? r->wait_ns : max_ns;
	}
	struct time_unit unit = units_pick(max_ns);
	uint64_t resolution = units_resolution_ns(a);
	fprintf(out, "\nAccesses (times in %s)\n", unit.name);
	fprintf(out, "  %4s  %-6s %6s %8s %9s %9s  %-6s  %s\n", "conn", "kind", "rtrips", "bytes", "wall", "wait",
		"state", "path");
	for (size_t i = 0; i < shown; i++) {
		const struct access_record *r = &log->rec[i];
		char wall[32], wait[32];
		units_format(wall, sizeof wall, r->last_ns > r->first_ns ? (uint64_t)(r->last_ns - r->first_ns) : 0, unit,
			     resolution);
		units_format(wait, sizeof wait, r->wait_ns, unit, resolution);
		const char *state = r->open ? "open" : r->failed ? "failed" : r->macro ? "macro" : r->errors ? "error" : "done";
		fprintf(out, "  %4llu  %-6s %6u %8llu %9s %9s  %-6s  ", (unsigned long long)r->connection_id,
			access_kind_name(r->kind), r->round_trips, (unsigned long long)r->bytes, wall, wait, state);
		path_cell(out, r->path[0] ? r->path : "?", ACCESS_PATH_AT);
		fputc('\n', out);
	}
	if (t->accesses > shown && t->not_kept == 0)
		fprintf(out, "  ... %llu more (all of them in --json)\n", (unsigned long long)(t->accesses - shown));
	else if (t->accesses > shown)
		fprintf(out, "  ... %llu more (the first %zu in --json, all of them with ninep accesses)\n",
			(unsigned long long)(t->accesses - shown), log->n);
}

void chattiness_text(const struct analysis *a, FILE *out)
{
	struct access_totals t;
	access_totals(a, &t);
	char b1[64], b2[64], b3[64];
	fprintf(out, "\nFile accesses\n");
	fprintf(out, "  %-22s %llu (%llu open at the end, %llu failed walks, %llu macro-ops)\n", "accesses",
		(unsigned long long)t.accesses, (unsigned long long)t.open, (unsigned long long)t.failed,
		(unsigned long long)t.macro);
	per_access(b1, sizeof b1, t.round_trips, t.accesses);
	fprintf(out, "  %-22s %llu (%s per access)\n", "round trips", (unsigned long long)t.round_trips, b1);
	fprintf(out, "  %-22s %llu (%llu of file data)\n", "bytes", (unsigned long long)t.bytes,
		(unsigned long long)t.data_bytes);
	part_of_text(a, b1, b2, sizeof b1, t.wait_ns, t.wall_ns);
	percent_text(b3, sizeof b3, t.wait_ns, t.wall_ns);
	fprintf(out, "  %-22s %s of %s wall time (%s)\n", "waiting on replies", b1, b2, b3);
	time_text(a, b1, sizeof b1, t.all_wait_ns);
	percent_text(b2, sizeof b2, t.wait_ns, t.all_wait_ns);
	fprintf(out, "  %-22s %s (%s of it in file accesses)\n", "all round trips wait", b1, b2);
	if (t.accesses == 0)
		return;

	uint64_t resolution = units_resolution_ns(a);
	uint64_t max_ns = 0;
	for (unsigned k = 0; k < ACCESS_KINDS; k++)
		max_ns = t.wait_by_kind[k] > max_ns ? t.wait_by_kind[k] : max_ns;
	struct time_unit unit = units_pick(max_ns);
	fprintf(out, "\nAccesses by kind\n");
	char wait_head[16];
	snprintf(wait_head, sizeof wait_head, "wait %s", unit.name);
	fprintf(out, "  %-8s %8s %8s %9s %10s\n", "kind", "accesses", "rtrips", "rt/access", wait_head);
	for (unsigned k = 0; k < ACCESS_KINDS; k++) {
		if (t.by_kind[k] == 0)
			continue;
		per_access(b1, sizeof b1, t.rt_by_kind[k], t.by_kind[k]);
		units_format(b2, sizeof b2, t.wait_by_kind[k], unit, resolution);
		fprintf(out, "  %-8s %8llu %8llu %9s %10s\n", access_kind_name((enum access_kind)k),
			(unsigned long long)t.by_kind[k], (unsigned long long)t.rt_by_kind[k], b1, b2);
	}

	fprintf(out, "\nRound trips per access\n");
	fprintf(out, "  %6s %8s\n", "rtrips", "accesses");
	for (unsigned n = 1; n <= RT_HIST_MAX; n++) {
		if (t.rt_hist[n] == 0)
			continue;
		char label[16];
		snprintf(label, sizeof label, n == RT_HIST_MAX ? "%u+" : "%u", n);
		fprintf(out, "  %6s %8llu\n", label, (unsigned long long)t.rt_hist[n]);
	}

	struct path_row rows[HOT_PATHS_SHOWN];
	size_t n = access_hot_paths(a, rows, HOT_PATHS_SHOWN);
	max_ns = 0;
	for (size_t i = 0; i < n; i++)
		max_ns = rows[i].wait_ns > max_ns ? rows[i].wait_ns : max_ns;
	unit = units_pick(max_ns);
	snprintf(wait_head, sizeof wait_head, "wait %s", unit.name);
	fprintf(out, "\nHottest paths (by round trips)\n");
	fprintf(out, "  %8s %8s %10s  %s\n", "accesses", "rtrips", wait_head, "path");
	for (size_t i = 0; i < n; i++) {
		units_format(b1, sizeof b1, rows[i].wait_ns, unit, resolution);
		fprintf(out, "  %8llu %8llu %10s  ", (unsigned long long)rows[i].accesses,
			(unsigned long long)rows[i].round_trips, b1);
		path_cell(out, rows[i].path[0] ? rows[i].path : "?", HOT_PATH_AT);
		fputc('\n', out);
	}
	if (access_hot_paths_approximate(a))
		fprintf(out, "  (approximate: more than %d distinct paths; the round trips of a path may include\n"
			     "   some of paths it displaced, its other figures count from when it came in)\n",
			HOT_PATHS_MAX);

	whatif_heading(a, "", out);
	uint64_t classic = t.accesses - t.macro - t.failed - t.open;
	fprintf(out, "  %-22s %llu of %llu classic accesses\n", "could be one macro-op",
		(unsigned long long)t.whatif_accesses, (unsigned long long)classic);
	percent_text(b1, sizeof b1, t.whatif_rt_saved, t.round_trips);
	fprintf(out, "  %-22s %llu -> %llu (%llu saved, %s of the accesses' round trips)\n", "round trips",
		(unsigned long long)t.whatif_round_trips, (unsigned long long)t.whatif_accesses,
		(unsigned long long)t.whatif_rt_saved, b1);
	fprintf(out, "  %-22s %llu -> %llu\n", "all file accesses", (unsigned long long)t.round_trips,
		(unsigned long long)(t.round_trips - t.whatif_rt_saved));
	part_of_text(a, b1, b3, sizeof b1, t.whatif_wait_saved_ns, t.wait_ns);
	percent_text(b2, sizeof b2, t.whatif_wait_saved_ns, t.wait_ns);
	fprintf(out, "  %-22s %s saved of %s (%s)\n", "waiting on replies", b1, b3, b2);

	access_list_text(a, &t, out);
}

/* ---- JSON --------------------------------------------------------------- */

void chattiness_json(const struct analysis *a, FILE *out)
{
	struct access_totals t;
	access_totals(a, &t);
	const char *in = "    ";
	fprintf(out, "  \"chattiness\": {\n");
	fprintf(out, "%s\"accesses\": %llu,\n%s\"round_trips\": %llu,\n%s\"accesses_open\": %llu,\n", in,
		(unsigned long long)t.accesses, in, (unsigned long long)t.round_trips, in, (unsigned long long)t.open);
	fprintf(out, "%s\"accesses_failed\": %llu,\n%s\"macro_ops\": %llu,\n%s\"accesses_not_kept\": %llu,\n", in,
		(unsigned long long)t.failed, in, (unsigned long long)t.macro, in, (unsigned long long)t.not_kept);
	fprintf(out, "%s\"bytes\": %llu,\n%s\"data_bytes\": %llu,\n%s\"wait_ns\": %llu,\n%s\"wall_ns\": %llu,\n", in,
		(unsigned long long)t.bytes, in, (unsigned long long)t.data_bytes, in, (unsigned long long)t.wait_ns,
		in, (unsigned long long)t.wall_ns);
	fprintf(out, "%s\"all_round_trips_wait_ns\": %llu,\n", in, (unsigned long long)t.all_wait_ns);
	fprintf(out, "%s\"by_kind\": {", in);
	for (unsigned k = 0; k < ACCESS_KINDS; k++)
		fprintf(out, "%s\n%s  \"%s\": {\"accesses\": %llu, \"round_trips\": %llu, \"wait_ns\": %llu}",
			k ? "," : "", in, access_kind_name((enum access_kind)k), (unsigned long long)t.by_kind[k],
			(unsigned long long)t.rt_by_kind[k], (unsigned long long)t.wait_by_kind[k]);
	fprintf(out, "\n%s},\n%s\"round_trips_per_access\": {", in, in);
	int first = 1;
	for (unsigned n = 1; n <= RT_HIST_MAX; n++) {
		if (t.rt_hist[n] == 0)
			continue;
		fprintf(out, "%s\"%u%s\": %llu", first ? "" : ", ", n, n == RT_HIST_MAX ? "+" : "",
			(unsigned long long)t.rt_hist[n]);
		first = 0;
	}
	fprintf(out, "},\n%s\"what_if\": {\"accesses\": %llu, \"round_trips\": %llu, \"round_trips_with_macro_ops\": "
		     "%llu, \"round_trips_saved\": %llu, \"wait_ns\": %llu, \"wait_saved_ns\": %llu},\n",
		in, (unsigned long long)t.whatif_accesses, (unsigned long long)t.whatif_round_trips,
		(unsigned long long)t.whatif_accesses, (unsigned long long)t.whatif_rt_saved,
		(unsigned long long)t.whatif_wait_ns, (unsigned long long)t.whatif_wait_saved_ns);
	struct path_row rows[HOT_PATHS_SHOWN];
	size_t n = access_hot_paths(a, rows, HOT_PATHS_SHOWN);
	if (access_hot_paths_approximate(a))
		fprintf(out, "%s\"hot_paths_approximate\": true,\n", in);
	fprintf(out, "%s\"hot_paths\": [", in);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%s\n%s  {\"path\": ", i ? "," : "", in);
		json_write_string(out, rows[i].path);
		fprintf(out, ", \"accesses\": %llu, \"round_trips\": %llu, \"wait_ns\": %llu, \"bytes\": %llu}",
			(unsigned long long)rows[i].accesses, (unsigned long long)rows[i].round_trips,
			(unsigned long long)rows[i].wait_ns, (unsigned long long)rows[i].bytes);
	}
	fprintf(out, "%s],\n%s\"list\": [", n ? "\n    " : "", in);
	const struct access_log *log = a->access_log;
	for (size_t i = 0; log != NULL && i < log->n; i++) {
		const struct access_record *r = &log->rec[i];
		fprintf(out, "%s\n%s  {\"connection\": %llu, \"path\": ", i ? "," : "", in,
			(unsigned long long)r->connection_id);
		json_write_string(out, r->path);
		fprintf(out,
			", \"kind\": \"%s\", \"round_trips\": %u, \"errors\": %u, \"bytes\": %llu, \"data_bytes\": %llu, "
			"\"first_ns\": %lld, \"last_ns\": %lld, \"wall_ns\": %llu, \"wait_ns\": %llu, \"open\": %s, "
			"\"failed\": %s, \"macro_op\": %s, \"fits_macro_op\": %s}",
			access_kind_name(r->kind), r->round_trips, r->errors, (unsigned long long)r->bytes,
			(unsigned long long)r->data_bytes, (long long)r->first_ns, (long long)r->last_ns,
			(unsigned long long)(r->last_ns > r->first_ns ? r->last_ns - r->first_ns : 0),
			(unsigned long long)r->wait_ns, r->open ? "true" : "false", r->failed ? "true" : "false",
			r->macro ? "true" : "false", r->fits_macro ? "true" : "false");
	}
	fprintf(out, "%s]\n  },\n", log != NULL && log->n ? "\n    " : "");
}
