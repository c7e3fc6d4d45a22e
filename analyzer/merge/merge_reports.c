/*
 * Merging JSON reports (`ninep merge`).
 *
 * Each argument is a file written by `report --json` (one document), by
 * `report --json --every` (NDJSON: its last line when it is the whole run,
 * else, for a run killed before its end, every interval line, which add
 * up to the run so far), or a file of such lines picked out by hand.
 *
 * What is merged, and how:
 *   - every count (capture, totals and their tables by message name) is
 *     summed, exactly;
 *   - latencies are rebuilt from the histograms the reports carry in
 *     totals (latency.h has the bucket scheme), merged, and their
 *     percentiles read again: within 0.2% of the exact ones; count, sum,
 *     min, max and mean stay exact;
 *   - "partial" and "interrupted" are true when one report's is; the
 *     inputs are listed together; "interval" spans those of the reports
 *     when every report has one;
 *   - the per-host detail (chattiness, sessions, e_sessions) stays in each
 *     host's report: its connection ids mean nothing across hosts.
 * JSON is read with jansson (Debian's libjansson): a JSON parser is not
 * this project's to write.
 */
#include "merge/merge_reports.h"

#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/latency.h"

enum {
	EXIT_USAGE = 1,
	EXIT_INPUT = 2,
	MAX_LATENCY_NAMES = 128,     /* request types: a name each */
	NAME_SHOWN_MAX = 160,        /* JSON_ERROR_TEXT_LENGTH */
};
static const long long MAX_REPORT_BYTES = 1LL << 30; /* a report of a million connections is smaller */

/* A jansson string value of a C string. */
static json_t *string_value(const char *s)
{
	return json_stringn(s, strlen(s));
}

struct named_latency {
	char *name;
	struct latency_hist h;
};

struct merged {
	json_t *doc;    /* the merged report, as it grows */
	struct named_latency latency[MAX_LATENCY_NAMES];
	unsigned n_latency;
	struct latency_hist all;
	int all_intervals; /* every report so far has an "interval" */
	long long start_ns, end_ns;
	unsigned n_reports;
};

/* Text from a report for a message on a terminal: printable ASCII only. */
static const char *shown(const char *s, char *buf)
{
	size_t i = 0;
	for (; s[i] != '\0' && i < NAME_SHOWN_MAX - 1; i++)
		buf[i] = isprint((unsigned char)s[i]) ? s[i] : '?';
	buf[i] = '\0';
	return buf;
}

__attribute__((format(printf, 2, 3))) static int input_error(const char *path, const char *fmt, ...)
{
	char b[NAME_SHOWN_MAX];
	va_list ap;
	fprintf(stderr, "ninep: merge: %s: ", shown(path, b));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static int is_count(const json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) >= 0;
}

/* into[key] += v, for every count in `from`; null stays null unless the
 * other side has a number (a file's pcap_stats drops are unknown: null). */
static int sum_counts(json_t *into, const json_t *from, const char *path, const char *where)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)from, key, v) {
		if (json_is_object(v) || json_is_array(v) || json_is_string(v) || json_is_boolean(v))
			continue; /* tables and names are merged by their own rules */
		json_t *have = json_object_get(into, key);
		if (json_is_null(v)) {
			if (have == NULL)
				json_object_set_new(into, key, json_null());
			continue;
		}
		char b[NAME_SHOWN_MAX];
		if (!is_count(v))
			return input_error(path, "%s.%s is not a count", where, shown(key, b));
		json_int_t sum = json_integer_value(v);
		if (is_count(have) && __builtin_add_overflow(sum, json_integer_value(have), &sum))
			return input_error(path, "%s.%s: the sum is too large", where, shown(key, b));
		json_object_set_new(into, key, json_integer(sum));
	}
	return 0;
}

/* A latency object of a report's totals, as a histogram. */
static int read_latency(const json_t *obj, struct latency_hist *h, const char *path, const char *name)
{
	char b[NAME_SHOWN_MAX];
	const json_t *hist = json_object_get(obj, "histogram");
	const char *keys[] = { "count", "sum", "min", "max" };
	uint64_t v[4];
	for (unsigned i = 0; i < 4; i++) {
		const json_t *x = json_object_get(obj, keys[i]);
		if (!is_count(x))
			return input_error(path, "latency of %s: no %s (a report of an older ninep, without histograms?)",
					   shown(name, b), keys[i]);
		v[i] = (uint64_t)json_integer_value(x);
	}
	if (!json_is_array(hist) || json_array_size(hist) % 2 != 0)
		return input_error(path, "latency of %s: no histogram [index, count, ...]", shown(name, b));
	size_t n = json_array_size(hist) / 2;
	uint32_t *index = calloc(n ? n : 1, sizeof *index);
	uint64_t *counts = calloc(n ? n : 1, sizeof *counts);
	int rc = index != NULL && counts != NULL ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const json_t *x = json_array_get(hist, 2 * i), *c = json_array_get(hist, 2 * i + 1);
		if (!is_count(x) || json_integer_value(x) > UINT32_MAX || !is_count(c))
			rc = -1;
		else {
			index[i] = (uint32_t)json_integer_value(x);
			counts[i] = (uint64_t)json_integer_value(c);
		}
	}
	if (rc == 0)
		rc = latency_from_buckets(h, v[0], v[1], v[2], v[3], index, counts, n);
	free(index);
	free(counts);
	if (rc != 0)
		return input_error(path, "latency of %s: the histogram does not agree with its count, min and max",
				   shown(name, b));
	return 0;
}

static struct latency_hist *latency_named(struct merged *m, const char *name)
{
	for (unsigned i = 0; i < m->n_latency; i++)
		if (strcmp(m->latency[i].name, name) == 0)
			return &m->latency[i].h;
	if (m->n_latency == MAX_LATENCY_NAMES)
		return NULL;
	struct named_latency *l = &m->latency[m->n_latency];
	l->name = strdup(name);
	if (l->name == NULL)
		return NULL;
	latency_init(&l->h);
	m->n_latency++;
	return &l->h;
}

static int merge_latency(struct latency_hist *into, const json_t *obj, const char *path, const char *name)
{
	struct latency_hist h;
	if (read_latency(obj, &h, path, name) != 0)
		return -1;
	latency_merge(into, &h);
	latency_free(&h);
	return 0;
}

static int merge_totals(struct merged *m, const json_t *t, const char *path)
{
	json_t *into = json_object_get(m->doc, "totals");
	if (sum_counts(into, t, path, "totals") != 0)
		return -1;
	const char *dialect = json_string_value(json_object_get(t, "dialect"));
	const char *have = json_string_value(json_object_get(into, "dialect"));
	if (dialect == NULL)
		return input_error(path, "%s", "totals.dialect is not a string");
	if (have == NULL || strcmp(have, "unknown") == 0)
		json_object_set_new(into, "dialect", string_value(dialect));
	else if (strcmp(dialect, "unknown") != 0 && strcmp(dialect, have) != 0)
		json_object_set_new(into, "dialect", string_value("mixed"));
	const char *tables[] = { "messages", "errors_by_request" };
	for (unsigned i = 0; i < 2; i++) {
		const json_t *from = json_object_get(t, tables[i]);
		if (!json_is_object(from))
			return input_error(path, "totals.%s is not an object", tables[i]);
		json_t *table = json_object_get(into, tables[i]);
		if (table == NULL) {
			table = json_object();
			json_object_set_new(into, tables[i], table);
		}
		if (sum_counts(table, from, path, tables[i]) != 0)
			return -1;
	}
	const json_t *lat = json_object_get(t, "latency_ns");
	if (!json_is_object(lat))
		return input_error(path, "%s", "totals.latency_ns is not an object");
	const char *name;
	json_t *obj;
	json_object_foreach((json_t *)lat, name, obj) {
		struct latency_hist *h = latency_named(m, name);
		if (h == NULL)
			return input_error(path, "%s", "too many request names in totals.latency_ns");
		if (merge_latency(h, obj, path, name) != 0)
			return -1;
	}
	return merge_latency(&m->all, json_object_get(t, "latency_all_ns"), path, "every request");
}

/* One report (one JSON document) into the merge; its inputs listed unless
 * an earlier line of the same file listed them. */
static int merge_report(struct merged *m, const json_t *doc, const char *path, int list_inputs)
{
	if (!json_is_object(doc) || !json_is_string(json_object_get(doc, "tool")) ||
	    strcmp(json_string_value(json_object_get(doc, "tool")), "ninep") != 0)
		return input_error(path, "%s", "not a report of ninep (report --json)");
	const json_t *capture = json_object_get(doc, "capture"), *totals = json_object_get(doc, "totals");
	const json_t *inputs = json_object_get(doc, "inputs");
	if (!json_is_object(capture) || !json_is_object(totals) || !json_is_array(inputs))
		return input_error(path, "%s", "a report without capture, totals or inputs");
	const char *flags[] = { "partial", "interrupted" };
	for (unsigned i = 0; i < 2; i++)
		if (json_is_true(json_object_get(doc, flags[i])))
			json_object_set_new(m->doc, flags[i], json_true());
	if (list_inputs)
		json_array_extend(json_object_get(m->doc, "inputs"), (json_t *)inputs);
	const json_t *iv = json_object_get(doc, "interval");
	if (json_is_object(iv) && is_count(json_object_get(iv, "start_ns")) && is_count(json_object_get(iv, "end_ns"))) {
		long long start = json_integer_value(json_object_get(iv, "start_ns"));
		long long end = json_integer_value(json_object_get(iv, "end_ns"));
		if (m->n_reports == 0 || start < m->start_ns)
			m->start_ns = start;
		if (m->n_reports == 0 || end > m->end_ns)
			m->end_ns = end;
	} else {
		m->all_intervals = 0;
	}
	m->n_reports++;
	if (sum_counts(json_object_get(m->doc, "capture"), capture, path, "capture") != 0)
		return -1;
	return merge_totals(m, totals, path);
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (f == NULL) {
		input_error(path, "%s", strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	while (buf != NULL) {
		if (n == cap) {
			if ((long long)cap * 2 > MAX_REPORT_BYTES) {
				input_error(path, "larger than %lld bytes: not a report", MAX_REPORT_BYTES);
				free(buf);
				buf = NULL;
				break;
			}
			char *b = realloc(buf, cap * 2);
			if (b == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = b;
			cap *= 2;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f)) {
				input_error(path, "%s", strerror(errno));
				free(buf);
				buf = NULL;
			}
			break;
		}
	}
	if (f != stdin)
		fclose(f);
	*len = n;
	return buf;
}

/* A file: one document, or NDJSON lines (see the top of this file). */
static int merge_file(struct merged *m, const char *path)
{
	size_t len;
	char *text = read_all(path, &len);
	if (text == NULL)
		return -1;
	json_t *docs = json_array();
	size_t off = 0;
	int rc = 0;
	while (rc == 0) {
		while (off < len && isspace((unsigned char)text[off]))
			off++;
		if (off == len)
			break;
		json_error_t err;
		json_t *doc = json_loadb(text + off, len - off, JSON_DISABLE_EOF_CHECK, &err);
		if (doc == NULL) {
			char why[NAME_SHOWN_MAX];
			rc = input_error(path, "not JSON at byte %zu: %s", off + (size_t)err.position, shown(err.text, why));
			break;
		}
		json_array_append_new(docs, doc);
		off += (size_t)err.position;
	}
	free(text);
	size_t n = json_array_size(docs);
	if (rc == 0 && n == 0)
		rc = input_error(path, "%s", "empty: no report");
	if (rc == 0) {
		const json_t *last = json_array_get(docs, n - 1);
		if (json_object_get(last, "interval") == NULL) {
			rc = merge_report(m, last, path, 1); /* the whole run */
		} else {
			for (size_t i = 0; rc == 0 && i < n; i++)
				rc = merge_report(m, json_array_get(docs, i), path, i == 0);
		}
	}
	json_decref(docs);
	return rc;
}

struct bucket_list {
	json_t *array;
};

static void add_bucket(void *ctx, uint32_t index, uint64_t count)
{
	struct bucket_list *b = ctx;
	json_array_append_new(b->array, json_integer(index));
	json_array_append_new(b->array, json_integer((json_int_t)count));
}

static json_t *latency_json(const struct latency_hist *h)
{
	struct bucket_list b = { json_array() };
	latency_each_bucket(h, add_bucket, &b);
	json_t *o = json_object();
	json_object_set_new(o, "count", json_integer((json_int_t)h->count));
	json_object_set_new(o, "min", json_integer((json_int_t)h->min));
	json_object_set_new(o, "p50", json_integer((json_int_t)latency_percentile(h, 50)));
	json_object_set_new(o, "p90", json_integer((json_int_t)latency_percentile(h, 90)));
	json_object_set_new(o, "p99", json_integer((json_int_t)latency_percentile(h, 99)));
	json_object_set_new(o, "max", json_integer((json_int_t)h->max));
	json_object_set_new(o, "mean", json_integer((json_int_t)latency_mean(h)));
	json_object_set_new(o, "sum", json_integer((json_int_t)h->sum));
	json_object_set_new(o, "histogram", b.array);
	return o;
}

static void usage(FILE *out)
{
	fputs("usage: ninep merge REPORT.json...\n"
	      "\n"
	      "Merges JSON reports (report --json, or the lines of report --json --every) into one\n"
	      "JSON report on standard output: counts summed, latency percentiles from the merged\n"
	      "histograms (within 0.2%).  A file of --every lines counts as its last line (the\n"
	      "whole run), or, without one, as all its interval lines.  - is standard input.\n"
	      "\n"
	      "options:\n"
	      "  -h, --help         this help (the only option)\n",
	      out);
}

int merge_reports_main(int argc, char **argv)
{
	if (argc < 2)
		return fputs("ninep: merge: no report given\nTry 'ninep merge --help'.\n", stderr), EXIT_USAGE;
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	struct merged m;
	memset(&m, 0, sizeof m);
	m.all_intervals = 1;
	latency_init(&m.all);
	m.doc = json_pack("{s:s, s:s, s:b, s:b, s:[], s:[], s:{}, s:{s:s, s:i, s:i}}", "tool", "ninep", "version",
			  NINEP_VERSION, "partial", 0, "interrupted", 0, "merged", "inputs", "capture", "totals",
			  "dialect", "unknown", "connections", 0, "e_sessions", 0);
	int status = m.doc != NULL ? 0 : EXIT_INPUT;
	for (int i = 1; status == 0 && i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "ninep: merge: unknown option '%s'\nTry 'ninep merge --help'.\n", argv[i]);
			status = EXIT_USAGE;
			break;
		}
		json_array_append_new(json_object_get(m.doc, "merged"), string_value(argv[i]));
		if (merge_file(&m, argv[i]) != 0)
			status = EXIT_INPUT;
	}
	if (status == 0) {
		if (m.all_intervals && m.n_reports > 0)
			json_object_set_new(m.doc, "interval", json_pack("{s:I, s:I}", "start_ns", (json_int_t)m.start_ns,
								       "end_ns", (json_int_t)m.end_ns));
		json_t *totals = json_object_get(m.doc, "totals");
		json_t *lat = json_object();
		for (unsigned i = 0; i < m.n_latency; i++)
			json_object_set_new(lat, m.latency[i].name, latency_json(&m.latency[i].h));
		json_object_set_new(totals, "latency_ns", lat);
		json_object_set_new(totals, "latency_all_ns", latency_json(&m.all));
		if (json_dumpf(m.doc, stdout, JSON_INDENT(2)) != 0 || fputc('\n', stdout) == EOF || fflush(stdout) != 0) {
			fprintf(stderr, "ninep: merge: writing the output: %s\n", strerror(errno));
			status = EXIT_INPUT;
		}
	}
	for (unsigned i = 0; i < m.n_latency; i++) {
		free(m.latency[i].name);
		latency_free(&m.latency[i].h);
	}
	latency_free(&m.all);
	json_decref(m.doc);
	return status;
}
