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
#include "capture/merge.h"
#include "report/exchanges_csv.h"

enum {
	EXIT_USAGE = 1,
	EXIT_INPUT = 2,
	FILTER_MAX = 4096,
	ERR_MAX = 512,
	PROGRESS_EVERY = 1 << 14,          /* data deliveries between progress checks */
	PROGRESS_MIN_BYTES = 16 << 20,     /* inputs smaller than this need no progress */
};

/* The globals: set by SIGINT, read by capture_run; and the interface or
 * the files being read, which SIGINT interrupts (libpcap would otherwise
 * wait on). */
static volatile sig_atomic_t stop_requested;
static struct capture_input *volatile input_being_read;
static struct capture_merge *volatile files_being_read;

static void on_sigint(int sig)
{
	(void)sig;
	stop_requested = 1;
	struct capture_input *in = input_being_read;
	if (in != NULL)
		capture_interrupt(in);
	struct capture_merge *m = files_being_read;
	if (m != NULL)
		capture_merge_interrupt(m);
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
	      "  --connections N    keep detail for the N ended connections that matter most\n"
	      "                     (problems, then messages, then slowness; default 50); the\n"
	      "                     others are folded into one \"others\" row, exactly counted\n"
	      "  -q                 no progress on standard error\n"
	      "  -h, --help         this help\n"
	      "  -V, --version      the version\n"
	      "\n"
	      "Several FILEs (or each side of compare) are one capture: read in the order of\n"
	      "their first packets, merged by timestamp where they overlap, a connection going\n"
	      "on from one file into the next.  FILE may be - for standard input (once).\n"
	      "Exit status: 0 success, 1 usage error, 2 an input could not be read or was\n"
	      "damaged (the report is still printed).\n",
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

/* Standard input is read once: a second "-" would find it at its end. */
static int stdin_twice(const struct options *o)
{
	unsigned n = 0;
	for (unsigned i = 0; i < o->n_files; i++)
		n += strcmp(o->files[i], "-") == 0;
	return n > 1;
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
	if (stdin_twice(o))
		return usage_error("%s", "standard input (-) can be read once: give it on one side, once");
	if (o->iface != NULL)
		return usage_error("%s", "compare reads capture files, not -i");
	return 0;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option long_options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "html", required_argument, NULL, 'H' },
		{ "connections", required_argument, NULL, 'C' },
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
		case 'C': {
			char *end;
			errno = 0;
			unsigned long long n = strtoull(optarg, &end, 10);
			if (end == optarg || *end != '\0' || errno != 0 || optarg[0] == '-')
				return usage_error("bad number of connections '%s'", optarg);
			o->analysis.kept_connections = n;
			o->analysis.kept_connections_set = 1;
			break;
		}
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
	if (stdin_twice(o))
		return usage_error("%s", "standard input (-) can be read once: give it once");
	if (o->iface != NULL && o->n_files > 0)
		return usage_error("%s", "-i and capture files do not go together");
	return 0;
}

/* Forwarding the reassembler's events, with progress on the way. */
struct run_ctx {
	struct analysis *a;
	const struct stream_events *inner;
	struct capture_merge *files; /* for the progress; NULL when live */
	int show_progress;
	unsigned long calls;
	int last_percent;
};

static void progress(struct run_ctx *r)
{
	if (!r->show_progress || ++r->calls % PROGRESS_EVERY != 0)
		return;
	double f = capture_merge_progress(r->files);
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

static int large_input(const char *const *paths, unsigned n)
{
	long long size = 0;
	for (unsigned i = 0; i < n; i++) {
		struct stat st;
		if (strcmp(paths[i], "-") != 0 && stat(paths[i], &st) == 0)
			size += st.st_size;
	}
	return size >= PROGRESS_MIN_BYTES;
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

/* The merge's events: an input failed; the packets now are another input's. */
static void merge_failure(void *ctx, unsigned input, const char *err)
{
	struct run_ctx *r = ctx;
	record_failure(r->a, &r->a->inputs[input], err);
}

static void merge_input(void *ctx, unsigned input)
{
	struct run_ctx *r = ctx;
	r->a->current_input = input; /* the input a connection is first seen in */
}

/* The interface, until Ctrl-C or -c; returns 0, or EXIT_INPUT. */
static int run_live(struct analysis *a, const struct options *o, struct reassembler *r, int64_t *last_ns)
{
	char err[ERR_MAX] = "";
	struct capture_input *in = capture_open_live(o->iface, o->filter[0] ? o->filter : NULL, err, sizeof err);
	if (in == NULL) {
		record_failure(a, &a->inputs[0], err[0] ? err : "cannot open");
		return EXIT_INPUT;
	}
	int status = 0;
	input_being_read = in;
	if (capture_run(in, r, o->max_packets, &stop_requested, err, sizeof err) != 0) {
		record_failure(a, &a->inputs[0], err[0] ? err : "damaged input");
		status = EXIT_INPUT;
	}
	input_being_read = NULL;
	*last_ns = capture_last_ns(in);
	capture_close(in);
	return status;
}

/*
 * Reads the inputs of one analysis (the files of a report, or of one side
 * of compare; or the interface) as one capture: one reassembler, fed in
 * timestamp order by capture/merge.c, so that a connection goes on from one
 * rotated file into the next.  Returns 0, or EXIT_INPUT when an input
 * failed (each is marked in a->inputs, in the order given).
 */
static int run_inputs(struct analysis *a, const struct options *o, const char *const *names, unsigned n)
{
	static const struct stream_events forward = {
		.on_open = fwd_open,
		.on_data = fwd_data,
		.on_gap = fwd_gap,
		.on_uncaptured = fwd_uncaptured,
		.on_close = fwd_close,
	};
	static const struct merge_events merge_events = { merge_failure, merge_input };
	for (unsigned i = 0; i < n; i++)
		a->inputs[a->n_inputs++].name = names[i];

	struct run_ctx ctx = { a, analysis_events(), NULL, 0, 0, -1 };
	struct reasm_limits limits = REASM_DEFAULT_LIMITS;
	struct reassembler *r = reasm_new(&limits, &forward, &ctx);
	if (r == NULL) {
		for (unsigned i = 0; i < n; i++)
			record_failure(a, &a->inputs[i], "out of memory");
		return EXIT_INPUT;
	}
	int status = 0;
	int64_t last_ns = 0;
	if (o->iface != NULL) {
		status = run_live(a, o, r, &last_ns);
	} else {
		struct capture_merge *m =
			capture_merge_new(names, n, o->filter[0] ? o->filter : NULL, &merge_events, &ctx);
		if (m == NULL) {
			reasm_free(r, 0);
			for (unsigned i = 0; i < n; i++)
				record_failure(a, &a->inputs[i], "out of memory");
			return EXIT_INPUT;
		}
		ctx.files = m;
		ctx.show_progress = !o->quiet && isatty(STDERR_FILENO) && large_input(names, n);
		files_being_read = m;
		if (capture_merge_run(m, r, o->max_packets, &stop_requested) != 0)
			status = EXIT_INPUT;
		files_being_read = NULL;
		if (ctx.show_progress && ctx.last_percent >= 0)
			fputs("\r             \r", stderr);
		last_ns = capture_merge_last_ns(m);
		capture_merge_free(m);
	}
	analysis_add_capture_stats(a, reasm_stats(r));
	reasm_free(r, last_ns); /* closes what is still open */
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
	int status = run_inputs(before, o, o->files, o->n_before);
	if (!stop_requested && run_inputs(after, o, o->files + o->n_before, o->n_files - o->n_before) != 0)
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
		status = run_inputs(a, &o, &o.iface, 1);
	} else {
		status = run_inputs(a, &o, o.files, o.n_files);
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
