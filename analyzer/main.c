/*
 * ninep: 9P latency and round trips from packet captures.
 *
 *   ninep report [--json] [options] FILE... [FILTER]
 *   ninep exchanges [options] FILE... [FILTER]
 *   ninep accesses [options] FILE... [FILTER]
 *   ninep report -i IFACE [-c COUNT] [FILTER]
 *   ninep compare [--json] [--html OUT] [options] BEFORE... vs AFTER...
 *
 * Exit status: 0 success, 1 usage error, 2 an input could not be read or
 * was damaged (the report of what was read is still printed, marked
 * partial; when no packet at all could be read, only the error).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/report.h"
#include "stats/accesses.h"
#include "analysis.h"
#include "report/exchanges_csv.h"

enum {
	EXIT_USAGE = 1,
	EXIT_INPUT = 2,
	FILTER_MAX = 4096,
	ERR_MAX = 512,
	PROGRESS_EVERY = 1 << 14,          /* data deliveries between progress checks */
	PROGRESS_MIN_BYTES = 16 << 20,     /* inputs smaller than this need no progress */
};

/* The globals: set by SIGINT, read by capture_run; and the input being
 * read, which SIGINT interrupts (libpcap would otherwise wait on). */
static volatile sig_atomic_t stop_requested;
static struct capture_input *volatile input_being_read;

static void on_sigint(int sig)
{
	(void)sig;
	stop_requested = 1;
	struct capture_input *in = input_being_read;
	if (in != NULL)
		capture_interrupt(in);
}

enum command { CMD_REPORT, CMD_EXCHANGES, CMD_ACCESSES, CMD_COMPARE };

struct options {
	enum command command;
	int json, quiet;
	const char *iface;
	uint64_t max_packets;
	char filter[FILTER_MAX];
	const char *files[ANALYSIS_MAX_INPUTS];
	unsigned n_files;
	unsigned n_before;    /* compare: files[0..n_before) are BEFORE, the rest AFTER */
	const char *html;     /* --html: also write this self-contained HTML file */
	struct analysis_options analysis;
};

static void usage(FILE *out)
{
	fputs("usage: ninep report [--json] [options] FILE... [FILTER]\n"
	      "       ninep exchanges [options] FILE... [FILTER]\n"
	      "       ninep accesses [options] FILE... [FILTER]\n"
	      "       ninep report|exchanges|accesses [options] -i IFACE [FILTER]\n"
	      "       ninep compare [--json] [--html OUT.html] [options] BEFORE... vs AFTER...\n"
	      "\n"
	      "Matches every 9P request to its reply in pcap/pcapng captures and reports\n"
	      "latency, round trips, errors and losses per connection and 9P2000.e session.\n"
	      "\n"
	      "commands:\n"
	      "  report             a text report (--json: one JSON document)\n"
	      "  exchanges          CSV, one row per round trip\n"
	      "  accesses           CSV, one row per file access, as each ends\n"
	      "  compare            BEFORE against AFTER, side by side (one capture each, or\n"
	      "                     several per side separated by the word vs or by --)\n"
	      "\n"
	      "options:\n"
	      "  --json             report as JSON\n"
	      "  --html OUT.html    also write a self-contained HTML report with charts\n"
	      "  -p PORT[,PORT..]   9P only on these server ports (default: any port, by content)\n"
	      "  -f FILTER          BPF filter expression, as with tcpdump (or as trailing words)\n"
	      "  -i IFACE           capture live; the report is printed on Ctrl-C\n"
	      "  -c COUNT           stop after COUNT packets\n"
	      "  -q                 no progress on standard error\n"
	      "  -h, --help         this help\n"
	      "  -V, --version      the version\n"
	      "\n"
	      "FILE may be - for standard input.  Exit status: 0 success, 1 usage error,\n"
	      "2 an input could not be read or was damaged (the report is still printed).\n",
	      out);
}

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("ninep: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'ninep --help'.\n", stderr);
	return EXIT_USAGE;
}

static int parse_ports(struct analysis_options *a, const char *text)
{
	const char *p = text;
	while (*p) {
		char *end;
		errno = 0;
		unsigned long port = strtoul(p, &end, 10);
		if (end == p || errno != 0 || port == 0 || port > UINT16_MAX || a->n_ports == MAX_PORTS)
			return -1;
		a->ports[a->n_ports++] = (uint16_t)port;
		if (*end == ',')
			end++;
		else if (*end != '\0')
			return -1;
		p = end;
	}
	return a->n_ports > 0 ? 0 : -1;
}

static int append_filter(struct options *o, const char *word)
{
	size_t used = strlen(o->filter);
	size_t need = strlen(word) + (used ? 1 : 0);
	if (used + need >= sizeof o->filter)
		return -1;
	if (used)
		o->filter[used++] = ' ';
	strcpy(o->filter + used, word);
	return 0;
}

/* A word that names an input rather than starting a filter expression. */
static int looks_like_file(const char *word)
{
	struct stat st;
	if (strcmp(word, "-") == 0 || strchr(word, '/') != NULL || stat(word, &st) == 0)
		return 1;
	const char *dot = strrchr(word, '.');
	return dot != NULL && (strcmp(dot, ".pcap") == 0 || strcmp(dot, ".pcapng") == 0 || strcmp(dot, ".cap") == 0);
}

/* compare: every word is a capture; "vs" splits BEFORE from AFTER. */
static int compare_args(int argc, char **argv, struct options *o)
{
	int split = 0;
	for (int i = optind; i < argc; i++) {
		if (strcmp(argv[i], "vs") == 0) {
			if (split)
				return usage_error("%s", "compare: vs given twice");
			split = 1;
			o->n_before = o->n_files;
			continue;
		}
		if (o->n_files == ANALYSIS_MAX_INPUTS)
			return usage_error("%s", "too many inputs");
		o->files[o->n_files++] = argv[i];
	}
	if (!split && o->n_files == 2) {
		o->n_before = 1;
		split = 1;
	}
	if (!split || o->n_before == 0 || o->n_before == o->n_files)
		return usage_error("%s", "compare needs BEFORE and AFTER: two captures, or BEFORE... vs AFTER...");
	if (o->iface != NULL)
		return usage_error("%s", "compare reads capture files, not -i");
	return 0;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option long_options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "html", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	if (argc < 2)
		return usage_error("%s", "no command given");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		exit(0);
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("ninep %s\n", NINEP_VERSION);
		exit(0);
	}
	if (strcmp(argv[1], "report") == 0)
		o->command = CMD_REPORT;
	else if (strcmp(argv[1], "exchanges") == 0)
		o->command = CMD_EXCHANGES;
	else if (strcmp(argv[1], "accesses") == 0)
		o->command = CMD_ACCESSES;
	else if (strcmp(argv[1], "compare") == 0)
		o->command = CMD_COMPARE;
	else
		return usage_error("unknown command '%s' (report, exchanges, accesses or compare)", argv[1]);
	/* getopt would swallow "--": as the separator of compare it becomes "vs". */
	for (int i = 2; o->command == CMD_COMPARE && i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			argv[i] = (char *)"vs";

	argc--;
	argv++;
	opterr = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, ":p:f:i:c:qhV", long_options, NULL)) != -1) {
		switch (ch) {
		case 'j':
			if (o->command == CMD_EXCHANGES || o->command == CMD_ACCESSES)
				return usage_error("%s", "--json goes with report or compare");
			o->json = 1;
			break;
		case 'H':
			if (o->command == CMD_EXCHANGES || o->command == CMD_ACCESSES)
				return usage_error("%s", "--html goes with report or compare");
			o->html = optarg;
			o->analysis.timeline = 1;
			break;
		case 'p':
			if (parse_ports(&o->analysis, optarg) != 0)
				return usage_error("bad port list '%s'", optarg);
			break;
		case 'f':
			if (append_filter(o, optarg) != 0)
				return usage_error("%s", "filter too long");
			break;
		case 'i':
			o->iface = optarg;
			break;
		case 'c': {
			char *end;
			errno = 0;
			unsigned long long n = strtoull(optarg, &end, 10);
			if (end == optarg || *end != '\0' || errno != 0 || n == 0)
				return usage_error("bad packet count '%s'", optarg);
			o->max_packets = n;
			break;
		}
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("ninep %s\n", NINEP_VERSION);
			exit(0);
		case ':':
			return usage_error("option -%c needs an argument", optopt);
		default:
			if (optopt)
				return usage_error("unknown option -%c", optopt);
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (o->command == CMD_COMPARE)
		return compare_args(argc, argv, o);
	/* Inputs first, then (as with tcpdump) the words of a filter. */
	int in_filter = o->iface != NULL;
	for (int i = optind; i < argc; i++) {
		if (!in_filter && (o->n_files == 0 || looks_like_file(argv[i]))) {
			if (o->n_files == ANALYSIS_MAX_INPUTS)
				return usage_error("%s", "too many inputs");
			o->files[o->n_files++] = argv[i];
			continue;
		}
		in_filter = 1;
		if (append_filter(o, argv[i]) != 0)
			return usage_error("%s", "filter too long");
	}
	if (o->iface == NULL && o->n_files == 0)
		return usage_error("%s", "no input: give capture files, - for standard input, or -i IFACE");
	if (o->iface != NULL && o->n_files > 0)
		return usage_error("%s", "-i and capture files do not go together");
	return 0;
}

/* Forwarding the reassembler's events, with progress on the way. */
struct run_ctx {
	struct analysis *a;
	const struct stream_events *inner;
	struct capture_input *in;
	int show_progress;
	unsigned long calls;
	int last_percent;
};

static void progress(struct run_ctx *r)
{
	if (!r->show_progress || ++r->calls % PROGRESS_EVERY != 0)
		return;
	double f = capture_progress(r->in);
	int percent = f < 0 ? -1 : (int)(f * 100);
	if (percent >= 0 && percent != r->last_percent) {
		fprintf(stderr, "\rninep: %3d%%", percent);
		r->last_percent = percent;
	}
}

static void fwd_open(void *ctx, struct tcp_conn *conn)
{
	struct run_ctx *r = ctx;
	r->inner->on_open(r->a, conn);
}

static void fwd_data(void *ctx, struct tcp_conn *conn, int side, const uint8_t *data, size_t len, int64_t ts)
{
	struct run_ctx *r = ctx;
	r->inner->on_data(r->a, conn, side, data, len, ts);
	progress(r);
}

static void fwd_gap(void *ctx, struct tcp_conn *conn, int side, uint64_t bytes, int64_t ts)
{
	struct run_ctx *r = ctx;
	r->inner->on_gap(r->a, conn, side, bytes, ts);
}

static void fwd_uncaptured(void *ctx, struct tcp_conn *conn, int side, uint64_t bytes, int64_t ts)
{
	struct run_ctx *r = ctx;
	r->inner->on_uncaptured(r->a, conn, side, bytes, ts);
}

static void fwd_close(void *ctx, struct tcp_conn *conn, enum close_reason reason, int64_t ts)
{
	struct run_ctx *r = ctx;
	r->inner->on_close(r->a, conn, reason, ts);
}

static int large_input(const char *path)
{
	struct stat st;
	return strcmp(path, "-") != 0 && stat(path, &st) == 0 && st.st_size >= PROGRESS_MIN_BYTES;
}

/* Say which file when the lower half's message does not. */
static void record_failure(struct analysis *a, struct input_status *st, const char *err)
{
	st->failed = 1;
	a->partial = 1;
	if (strstr(err, st->name) != NULL)
		snprintf(st->error, sizeof st->error, "%s", err);
	else
		snprintf(st->error, sizeof st->error, "%s: %s", st->name, err);
	fprintf(stderr, "ninep: %s\n", st->error);
}

/* Reads one input into the analysis; returns 0, or EXIT_INPUT. */
static int run_input(struct analysis *a, const struct options *o, const char *name)
{
	static const struct stream_events forward = {
		.on_open = fwd_open,
		.on_data = fwd_data,
		.on_gap = fwd_gap,
		.on_uncaptured = fwd_uncaptured,
		.on_close = fwd_close,
	};
	char err[ERR_MAX] = "";
	struct input_status *st = &a->inputs[a->n_inputs];
	a->current_input = a->n_inputs++;
	st->name = name;

	const char *filter = o->filter[0] ? o->filter : NULL;
	struct capture_input *in = o->iface ? capture_open_live(o->iface, filter, err, sizeof err)
					    : capture_open_file(name, filter, err, sizeof err);
	if (in == NULL) {
		record_failure(a, st, err[0] ? err : "cannot open");
		return EXIT_INPUT;
	}
	struct run_ctx ctx = { a, analysis_events(), in, 0, 0, -1 };
	ctx.show_progress = !o->quiet && o->iface == NULL && isatty(STDERR_FILENO) && large_input(name);
	struct reasm_limits limits = REASM_DEFAULT_LIMITS;
	struct reassembler *r = reasm_new(&limits, &forward, &ctx);
	if (r == NULL) {
		capture_close(in);
		record_failure(a, st, "out of memory");
		return EXIT_INPUT;
	}
	int status = 0;
	input_being_read = in;
	int run_status = capture_run(in, r, o->max_packets, &stop_requested, err, sizeof err);
	input_being_read = NULL;
	if (run_status != 0) {
		record_failure(a, st, err[0] ? err : "damaged input");
		status = EXIT_INPUT;
	}
	if (ctx.show_progress && ctx.last_percent >= 0)
		fputs("\r             \r", stderr);
	const struct capture_stats *stats = reasm_stats(r);
	uint64_t connections = stats->connections;
	analysis_add_capture_stats(a, stats);
	reasm_free(r, capture_last_ns(in)); /* closes what is still open */
	a->conn_id_base += connections;
	capture_close(in);
	return status;
}

static int finish_output(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "ninep: writing the output: %s\n", strerror(errno));
		return EXIT_INPUT;
	}
	return status;
}

/* compare: `before` is already set up; AFTER gets an analysis of its own. */
static int run_compare(const struct options *o, struct analysis *before)
{
	struct analysis *after = calloc(1, sizeof *after);
	if (after == NULL)
		return EXIT_INPUT;
	analysis_init(after, &o->analysis);
	int status = 0;
	for (unsigned i = 0; i < o->n_files && !stop_requested; i++)
		if (run_input(i < o->n_before ? before : after, o, o->files[i]) != 0)
			status = EXIT_INPUT;
	analysis_finish(before);
	analysis_finish(after);
	if (o->html != NULL && report_html(before, after, o->html) != 0)
		status = EXIT_INPUT;
	if (o->json)
		compare_json(before, after, stdout);
	else
		compare_text(before, after, stdout);
	status = finish_output(status);
	analysis_free(before);
	analysis_free(after);
	free(before);
	free(after);
	return status;
}

int main(int argc, char **argv)
{
	struct options o;
	memset(&o, 0, sizeof o);
	int rc = parse_args(argc, argv, &o);
	if (rc != 0)
		return rc;

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);

	if (o.command == CMD_EXCHANGES)
		o.analysis.exchanges = stdout;
	if (o.command == CMD_ACCESSES)
		o.analysis.accesses = stdout;
	struct analysis *a = calloc(1, sizeof *a);
	if (a == NULL)
		return EXIT_INPUT;
	analysis_init(a, &o.analysis);
	if (o.command == CMD_EXCHANGES)
		exchanges_csv_header(stdout);
	if (o.command == CMD_ACCESSES)
		accesses_csv_header(stdout);

	int status = 0;
	if (o.command == CMD_COMPARE)
		return run_compare(&o, a);
	if (o.iface != NULL) {
		a->live = 1;
		status = run_input(a, &o, o.iface);
	} else {
		for (unsigned i = 0; i < o.n_files && !stop_requested; i++)
			if (run_input(a, &o, o.files[i]) != 0)
				status = EXIT_INPUT;
	}

	analysis_finish(a);
	analysis_flush(a);
	/* Nothing could be read at all (not a capture, no such file): the
	 * error says it all, an empty report would only hide it.  A damaged
	 * input that gave some packets is reported, marked partial. */
	int nothing_read = status != 0 && a->capture.packets == 0;
	if (o.command == CMD_REPORT && !nothing_read && o.html != NULL && report_html(a, NULL, o.html) != 0)
		status = EXIT_INPUT;
	if (o.command == CMD_REPORT && !nothing_read) {
		if (o.json)
			report_json(a, stdout);
		else
			report_text(a, stdout);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "ninep: writing the output: %s\n", strerror(errno));
		status = EXIT_INPUT;
	}
	analysis_free(a);
	free(a);
	return status;
}
