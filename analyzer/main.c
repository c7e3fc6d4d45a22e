/*
 * ninep: 9P latency and round trips from packet captures.
 *
 *   ninep report|exchanges|accesses [options] FILE... [[--] FILTER...]
 *   ninep report|exchanges|accesses [options] -r FILE [-r FILE...] [FILTER...]
 *   ninep report|exchanges|accesses [options] -i IFACE [FILTER...]
 *   ninep top [options] FILE... | -r FILE... | -i IFACE [FILTER...]
 *   ninep compare [options] BEFORE... vs AFTER...
 *   ninep extract [--overwrite] DIR FILE...
 *   ninep merge REPORT...
 *
 * (usage and command_usage below say the same for users, and ninep.1.)
 *
 * Exit status: 0 success, 1 usage error, 2 an input could not be read or
 * was damaged (the report of what was read is still printed, marked
 * partial; when no packet at all could be read, only the error).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/escape.h"
#include "report/report.h"
#include "stats/accesses.h"
#include "analysis.h"
#include "capture/merge.h"
#include "report/exchanges_csv.h"
#include "files/extract.h"
#include "merge/merge_reports.h"
#include "stats/intervals.h"
#include "top/top.h"

enum {
	EXIT_USAGE = 1,
	EXIT_INPUT = 2,
	FILTER_MAX = 4096,
	FILTER_CLAUSES_MAX = 32, /* -f options, and the filter words as one more */
	BUFFER_KIB_MAX = INT_MAX / 1024, /* -B: pcap_set_buffer_size takes bytes in an int */
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
/* Standard input is a pipe: a Ctrl-C reaches its writer too (tcpdump -w -
 * flushes and exits), so the first is read to the pipe's end, which is
 * where the user stopped; a second stops at once. */
static volatile sig_atomic_t reading_pipe, sigints;
/* ninep top: its view, while the inputs are read (keys, on a quiet
 * interface), and whether it owns the terminal (nothing else may write). */
static struct top *top_view;
static int screen_in_use;

/* Stop reading the inputs as soon as possible (Ctrl-C, or q in top). */
static void stop_reading(void)
{
	stop_requested = 1;
	struct capture_input *in = input_being_read;
	if (in != NULL)
		capture_interrupt(in);
	struct capture_merge *m = files_being_read;
	if (m != NULL)
		capture_merge_interrupt(m);
}

static void on_sigint(int sig)
{
	(void)sig;
	struct capture_merge *files = files_being_read;
	if (reading_pipe && sigints++ == 0) {
		static const char msg[] = "\nninep: reading standard input to its end (Ctrl-C again to stop at once)\n";
		if (files != NULL)
			capture_merge_note_interrupt(files);
		if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0)
			return; /* nothing to be done about it in a signal handler */
		return;
	}
	stop_reading();
}

enum command { CMD_REPORT, CMD_EXCHANGES, CMD_ACCESSES, CMD_COMPARE, CMD_EXTRACT, CMD_TOP };

struct options {
	enum command command;
	int json, quiet;
	const char *iface;
	uint64_t max_packets;
	char filter[FILTER_MAX];  /* the -f clauses and the filter words, joined with "and" */
	const char *clauses[FILTER_CLAUSES_MAX];
	unsigned n_clauses;
	char words[FILTER_MAX];   /* the filter words, one expression */
	const char *files[ANALYSIS_MAX_INPUTS];
	unsigned n_files;
	int files_by_r;       /* -r given: the words are all filter, as with tcpdump */
	unsigned n_before;    /* compare: files[0..n_before) are BEFORE, the rest AFTER */
	const char *html;     /* --html: also write this self-contained HTML file */
	const char *extract_dir; /* extract: DIR */
	int overwrite;        /* extract --overwrite */
	int64_t every_ns;     /* --every: NDJSON, a line per interval of capture time (top: its refresh) */
	int realtime;         /* top --realtime: a file paced as if captured now */
	int buffer_kib;       /* -B: the kernel's capture buffer in KiB (0: libpcap's default) */
	int idle_timeout_set; /* --idle-timeout: ... */
	int64_t idle_timeout_ns; /* ... a silent connection ends after this (0: never) */
	struct analysis_options analysis;
};

static const char USAGE_LINES[] =
	"usage: ninep report [--json] [--html OUT.html] [options] FILE... [[--] FILTER...]\n"
	"       ninep report [--json] [--html OUT.html] [options] -r FILE [-r FILE...] [FILTER...]\n"
	"       ninep report [--json] [--html OUT.html] [options] -i IFACE [FILTER...]\n"
	"       ninep exchanges|accesses [options] FILE... [[--] FILTER...]\n"
	"       ninep exchanges|accesses [options] -r FILE [-r FILE...] [FILTER...]\n"
	"       ninep exchanges|accesses [options] -i IFACE [FILTER...]\n"
	"       ninep top [--every SECONDS] [--realtime] [options] FILE... [[--] FILTER...]\n"
	"       ninep top [--every SECONDS] [--realtime] [options] -r FILE [-r FILE...] [FILTER...]\n"
	"       ninep top [--every SECONDS] [options] -i IFACE [FILTER...]\n"
	"       ninep compare [--json] [--html OUT.html] [options] BEFORE... vs AFTER...\n"
	"       ninep extract [--overwrite] [options] DIR FILE...\n"
	"       ninep merge REPORT...\n"
	"       ninep COMMAND --help\n";

/* The options of COMMAND --help, in groups: each command lists exactly the
 * groups it takes (parse_args refuses the others), as ninep.1's OPTIONS
 * section says command by command. */
static const char READ_HELP[] = /* report, exchanges, accesses, top */
	"  -r FILE            read this capture (again for more); the words are then all filter\n";
static const char FILTER_HELP[] = /* all but extract */
	"  -f FILTER          BPF filter expression, as with tcpdump; several -f (and the\n"
	"                     filter words) must all match: they are joined with 'and'\n";
static const char LIVE_HELP[] = /* report, exchanges, accesses, top */
	"  -i IFACE           capture live; the report is printed on Ctrl-C\n"
	"  -B KIB, --buffer-size KIB\n"
	"                     with -i: the kernel's capture buffer, in KiB, as tcpdump -B\n"
	"                     (default libpcap's, 2048 on Linux); a smaller one drops\n"
	"                     packets in a burst sooner\n";
static const char COMMON_HELP[] = /* every command but merge */
	"  -p PORT[,PORT..]   9P only on these server ports (default: any port, by content)\n"
	"  -c COUNT           stop after COUNT packets\n"
	"  -n                 accepted, as with tcpdump: names are never resolved anyway\n"
	"  -q                 no progress on standard error\n"
	"  --connections N    keep detail for the N ended connections that matter most\n"
	"                     (problems, then messages, then slowness; default 50); the\n"
	"                     others are folded into one \"others\" row, exactly counted\n"
	"  --e-sessions N     the same for the 9P2000.e sessions that ended (default 50)\n"
	"  --idle-timeout S   a connection silent for S seconds of capture time ends, as\n"
	"                     if closed: its open requests count as unanswered; if it\n"
	"                     speaks again it is picked up mid-stream (default 300,\n"
	"                     0: never)\n"
	"  -h, --help         this help\n"
	"  -V, --version      the version\n";

/* How the words after the options are told apart: never by looking at the
 * file system, so that a file named like a filter word changes nothing. */
static const char WORDS_HELP[] =
	"Captures and filter: with -r or -i every word is the filter.  Otherwise the\n"
	"first word is a capture, and so is each next word that is -, holds a / or ends\n"
	"in .pcap, .pcapng or .cap (digits may follow, as in tcpdump -C's trace.pcap1);\n"
	"from the first other word on, the words are the filter.  After --, every word\n"
	"is the filter and every word before it a capture.  Whether a file of that name\n"
	"exists plays no part.  FILE may be - for standard input (once).\n";

static const char EXIT_HELP[] =
	"Exit status: 0 success, 1 usage error (a bad filter too), 2 an input could not\n"
	"be read or was damaged (the report of what was read is still printed).\n";

static void usage(FILE *out)
{
	fputs(USAGE_LINES, out);
	fputs("\n"
	      "Matches every 9P request to its reply in pcap/pcapng captures and reports\n"
	      "latency, round trips, errors and losses per connection and 9P2000.e session.\n"
	      "\n"
	      "commands (ninep COMMAND --help says more):\n"
	      "  report             a text report (--json: one JSON document)\n"
	      "  exchanges          CSV, one row per round trip\n"
	      "  accesses           CSV, one row per file access, as each ends\n"
	      "  top                a full-screen view refreshed every second, as top(1)\n"
	      "  compare            BEFORE against AFTER, side by side (one capture each, or\n"
	      "                     several per side separated by the word vs or by --)\n"
	      "  extract            write every file the captures carried below DIR (made if\n"
	      "                     missing; never outside it, unsafe names escaped), and a\n"
	      "                     CSV manifest of them on standard output\n"
	      "  merge              JSON reports (of several hosts) into one\n"
	      "\n",
	      out);
	fputs("options (ninep COMMAND --help lists those of COMMAND):\n", out);
	fputs(READ_HELP, out);
	fputs(FILTER_HELP, out);
	fputs(LIVE_HELP, out);
	fputs(COMMON_HELP, out);
	fputs("  --json             report or compare as JSON\n"
	      "  --html OUT.html    report or compare: also write a self-contained HTML page\n"
	      "  --every SECONDS    with report --json: a JSON line per SECONDS of capture time,\n"
	      "                     then one for the whole run; top: its interval\n"
	      "  --realtime         top: replay a file at the pace it was captured\n"
	      "  --overwrite        extract: replace files that exist in DIR (else left alone)\n"
	      "\n",
	      out);
	fputs(WORDS_HELP, out);
	fputs("Several FILEs (or each side of compare) are one capture: read in the order of\n"
	      "their first packets, merged by timestamp where they overlap, a connection going\n"
	      "on from one file into the next.\n",
	      out);
	fputs(EXIT_HELP, out);
}

/* `ninep COMMAND --help`: that command's forms, what it prints, its options. */
static void command_usage(enum command command, FILE *out)
{
	switch (command) {
	case CMD_REPORT:
		fputs("usage: ninep report [--json] [--html OUT.html] [options] FILE... [[--] FILTER...]\n"
		      "       ninep report [--json] [--html OUT.html] [options] -r FILE [-r FILE...] [FILTER...]\n"
		      "       ninep report [--json] [--html OUT.html] [options] -i IFACE [FILTER...]\n"
		      "\n"
		      "A text report of the 9P in the captures: a summary, messages by type, latency\n"
		      "by request type, one line per connection and per 9P2000.e session, and the\n"
		      "file accesses with their round trips.\n"
		      "\n"
		      "  --json             one JSON document instead (the README lists its keys)\n"
		      "  --html OUT.html    also write a self-contained HTML page with charts\n"
		      "  --every SECONDS    with --json: a JSON line per SECONDS of capture time\n"
		      "                     (NDJSON, 0.001 to 31536000), then one for the whole run\n",
		      out);
		break;
	case CMD_EXCHANGES:
		fputs("usage: ninep exchanges [options] FILE... [[--] FILTER...]\n"
		      "       ninep exchanges [options] -r FILE [-r FILE...] [FILTER...]\n"
		      "       ninep exchanges [options] -i IFACE [FILTER...]\n"
		      "\n"
		      "CSV (RFC 4180) on standard output, one row per round trip, as the exchanges\n"
		      "match: connection, client, server, tag, request, reply, path,\n"
		      "request_time_ns, latency_ns, request_size, reply_size, error.\n",
		      out);
		break;
	case CMD_ACCESSES:
		fputs("usage: ninep accesses [options] FILE... [[--] FILTER...]\n"
		      "       ninep accesses [options] -r FILE [-r FILE...] [FILTER...]\n"
		      "       ninep accesses [options] -i IFACE [FILTER...]\n"
		      "\n"
		      "CSV (RFC 4180) on standard output, one row per file access, as each ends:\n"
		      "connection, client, server, kind, state, path, round_trips, errors, bytes,\n"
		      "data_bytes, first_ns, last_ns, wall_ns, wait_ns, fits_macro_op.\n",
		      out);
		break;
	case CMD_COMPARE:
		fputs("usage: ninep compare [--json] [--html OUT.html] [options] BEFORE AFTER\n"
		      "       ninep compare [--json] [--html OUT.html] [options] BEFORE... vs AFTER...\n"
		      "       ninep compare [--json] [--html OUT.html] [options] BEFORE... -- AFTER...\n"
		      "\n"
		      "BEFORE against AFTER side by side: requests, round trips, file accesses,\n"
		      "round trips per access, latency per request type, with the change in each,\n"
		      "and what one Tsread/Tswrite per whole-file access would save on BEFORE.\n"
		      "Every word is a capture (the files of a side are one capture); a filter\n"
		      "is given with -f.  When a side cannot be read at all, the error is\n"
		      "printed and no table (exit status 2).\n"
		      "\n"
		      "  --json             one JSON document instead\n"
		      "  --html OUT.html    also write a self-contained HTML page with charts\n"
		      "\n"
		      "options:\n",
		      out);
		fputs(FILTER_HELP, out);
		fputs(COMMON_HELP, out);
		fputs("\n", out);
		fputs(EXIT_HELP, out);
		return;
	case CMD_TOP:
		fputs("usage: ninep top [--every SECONDS] [--realtime] [options] FILE... [[--] FILTER...]\n"
		      "       ninep top [--every SECONDS] [--realtime] [options] -r FILE [-r FILE...] [FILTER...]\n"
		      "       ninep top [--every SECONDS] [options] -i IFACE [FILTER...]\n"
		      "\n"
		      "A full-screen view, as top(1), refreshed every interval of capture time:\n"
		      "per request type its rate, count, errors, p50 and p99 in the interval and\n"
		      "in the whole run; the busiest connections and paths; unanswered requests\n"
		      "(waiting now, and in total); packets dropped by the kernel and interface.\n"
		      "q quits, and so does Ctrl-C.\n"
		      "\n"
		      "Live (-i), the screen is the last interval of real time.  A capture file is\n"
		      "read as fast as it can be, each interval of its capture time drawn as it\n"
		      "ends without waiting, and the last screen (totals of the whole capture)\n"
		      "stays until q; --realtime paces it instead, an interval of capture time\n"
		      "per interval of real time.  When standard output is not a terminal, each\n"
		      "interval is written as a block of the same lines and an empty line,\n"
		      "flushed, and 'ninep top: end' at the end.\n"
		      "\n"
		      "  --every SECONDS    the interval (default 1; 0.001 to 31536000)\n"
		      "  --realtime         a file: replay at the pace it was captured\n",
		      out);
		break;
	case CMD_EXTRACT:
		fputs("usage: ninep extract [--overwrite] [options] DIR FILE...\n"
		      "\n"
		      "Writes every file whose content the captures carried below DIR (made when\n"
		      "missing), placed by offset, what was not captured left as zeros, and prints\n"
		      "a CSV manifest on standard output: path, saved_as, size, captured, holes,\n"
		      "first_frame, first_time, last_frame, last_time, access.  Nothing is written\n"
		      "outside DIR (unsafe names are escaped: ninep.1, EXTRACT); an existing file\n"
		      "is left alone unless --overwrite.  The FILEs are one capture.\n"
		      "\n"
		      "  --overwrite        replace files that exist in DIR\n"
		      "\n"
		      "options (no -r, -f or -i: the captures are the words after DIR, all of them):\n",
		      out);
		fputs(COMMON_HELP, out);
		fputs("\n"
		      "Exit status: 0 success, 1 usage error, 2 an input could not be read or a\n"
		      "file could not be written.\n",
		      out);
		return;
	}
	fputs("\noptions:\n", out);
	fputs(READ_HELP, out);
	fputs(FILTER_HELP, out);
	fputs(LIVE_HELP, out);
	fputs(COMMON_HELP, out);
	fputs("\n", out);
	fputs(WORDS_HELP, out);
	fputs(EXIT_HELP, out);
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

/* One more filter word, to the expression the words make. */
static int append_word(struct options *o, const char *word)
{
	size_t used = strlen(o->words);
	size_t need = strlen(word) + (used ? 1 : 0);
	if (used + need >= sizeof o->words)
		return -1;
	if (used)
		o->words[used++] = ' ';
	strcpy(o->words + used, word);
	return 0;
}

/* o->filter: each clause (every -f, then the words) must match, as when
 * tcpdump is given "(A) and (B)"; one clause as it is. */
static int join_filter(struct options *o)
{
	if (o->words[0] != '\0') {
		if (o->n_clauses == FILTER_CLAUSES_MAX)
			return -1;
		o->clauses[o->n_clauses++] = o->words;
	}
	size_t used = 0;
	for (unsigned i = 0; i < o->n_clauses; i++) {
		int n = o->n_clauses == 1 ? snprintf(o->filter, sizeof o->filter, "%s", o->clauses[0])
					  : snprintf(o->filter + used, sizeof o->filter - used, "%s(%s)",
						     i ? " and " : "", o->clauses[i]);
		if (n < 0 || (size_t)n >= sizeof o->filter - used)
			return -1;
		used += (size_t)n;
	}
	return 0;
}

/* Whether a word after the first capture is another capture rather than
 * the start of the filter, by its spelling alone (the rule is WORDS_HELP's):
 * no BPF expression starts with a word like these. */
static int capture_name(const char *word)
{
	if (strcmp(word, "-") == 0 || strchr(word, '/') != NULL)
		return 1;
	static const char *const suffixes[] = { ".pcap", ".pcapng", ".cap" };
	size_t len = strlen(word);
	while (len > 0 && word[len - 1] >= '0' && word[len - 1] <= '9')
		len--; /* tcpdump -C -W numbers its files trace.pcap0, trace.pcap1, ... */
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		size_t n = strlen(suffixes[i]);
		if (len > n && strncmp(word + len - n, suffixes[i], n) == 0)
			return 1;
	}
	return 0;
}

/* Where "--" ends the options and captures of report, exchanges and
 * accesses (argc when there is none), found before getopt, which would
 * drop it: an option's argument is stepped over, so "-f --" is a filter. */
static int double_dash(int argc, char **argv, const char *shorts, const struct option *longs)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			return i;
		if (a[0] != '-' || a[1] == '\0')
			continue;
		if (a[1] == '-') {
			/* --name or --name=value; getopt also takes a unique prefix */
			const char *name = a + 2;
			if (strchr(name, '=') != NULL)
				continue;
			for (const struct option *lo = longs; lo->name != NULL; lo++)
				if (strncmp(lo->name, name, strlen(name)) == 0 && lo->has_arg == required_argument) {
					i++;
					break;
				}
			continue;
		}
		for (const char *c = a + 1; *c != '\0'; c++) {
			const char *spec = *c == ':' ? NULL : strchr(shorts, *c);
			if (spec != NULL && spec[1] == ':') {
				if (c[1] == '\0')
					i++; /* the argument is the next word */
				break;
			}
		}
	}
	return argc;
}

static int stdin_given(const struct options *o)
{
	for (unsigned i = 0; i < o->n_files; i++)
		if (strcmp(o->files[i], "-") == 0)
			return 1;
	return 0;
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

/* extract: DIR, then every word is a capture (no filter, no interface). */
static int extract_args(int argc, char **argv, struct options *o)
{
	if (o->iface != NULL)
		return usage_error("%s", "extract reads capture files, not -i");
	if (o->n_clauses > 0)
		return usage_error("%s", "extract takes no filter: it writes every file of the captures");
	if (optind >= argc)
		return usage_error("%s", "extract needs DIR and capture files");
	o->extract_dir = argv[optind];
	for (int i = optind + 1; i < argc; i++) {
		if (o->n_files == ANALYSIS_MAX_INPUTS)
			return usage_error("%s", "too many inputs");
		o->files[o->n_files++] = argv[i];
	}
	if (o->n_files == 0)
		return usage_error("%s", "extract needs capture files after DIR");
	if (stdin_twice(o))
		return usage_error("%s", "standard input (-) can be read once: give it once");
	if (o->files_by_r)
		return usage_error("%s", "extract takes its captures after DIR, not with -r");
	return 0;
}

/* The count of -c: digits only (strtoull would take "-5" as a huge count). */
static int parse_count(const char *text, uint64_t *count)
{
	if (text[0] < '0' || text[0] > '9')
		return -1;
	char *end;
	errno = 0;
	unsigned long long n = strtoull(text, &end, 10);
	if (*end != '\0' || errno != 0 || n == 0)
		return -1;
	*count = n;
	return 0;
}

/* -B's KiB, as tcpdump's: digits only, and bytes that fit libpcap's int. */
static int parse_buffer_kib(const char *text, int *kib)
{
	uint64_t n;
	if (parse_count(text, &n) != 0 || n > BUFFER_KIB_MAX)
		return -1;
	*kib = (int)n;
	return 0;
}

static int add_file(struct options *o, const char *name)
{
	if (o->n_files == ANALYSIS_MAX_INPUTS)
		return usage_error("%s", "too many inputs");
	o->files[o->n_files++] = name;
	return 0;
}

/* report, exchanges, accesses: the words after the options (argv[first..
 * end)) and those after "--" (argv[end + 1..argc)), by WORDS_HELP's rule. */
static int sort_words(struct options *o, char **argv, int first, int end, int argc)
{
	int in_filter = o->iface != NULL || o->files_by_r;
	for (int i = first; i < end; i++) {
		int file = !in_filter && (end < argc || o->n_files == 0 || capture_name(argv[i]));
		if (file) {
			if (add_file(o, argv[i]) != 0)
				return EXIT_USAGE;
			continue;
		}
		in_filter = 1;
		if (append_word(o, argv[i]) != 0)
			return usage_error("%s", "filter too long");
	}
	for (int i = end + 1; i < argc; i++)
		if (append_word(o, argv[i]) != 0)
			return usage_error("%s", "filter too long");
	if (o->iface == NULL && o->n_files == 0)
		return usage_error("%s", "no input: give capture files, -r FILE, - for standard input, or -i IFACE");
	if (stdin_twice(o))
		return usage_error("%s", "standard input (-) can be read once: give it once");
	if (o->iface != NULL && o->n_files > 0)
		return usage_error("%s", "-i and capture files do not go together");
	return 0;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option long_options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "html", required_argument, NULL, 'H' },
		{ "overwrite", no_argument, NULL, 'O' },
		{ "every", required_argument, NULL, 'E' },
		{ "connections", required_argument, NULL, 'C' },
		{ "e-sessions", required_argument, NULL, 'S' },
		{ "idle-timeout", required_argument, NULL, 'I' },
		{ "realtime", no_argument, NULL, 'R' },
		{ "buffer-size", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const char short_options[] = ":p:f:i:c:r:B:nqhV";
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
	else if (strcmp(argv[1], "extract") == 0)
		o->command = CMD_EXTRACT;
	else if (strcmp(argv[1], "top") == 0)
		o->command = CMD_TOP;
	else
		return usage_error("unknown command '%s' (report, exchanges, accesses, top, compare, extract or merge)",
				   argv[1]);

	argc--;
	argv++;
	/* getopt would swallow "--": as the separator of compare it becomes
	 * "vs"; for the others, what follows it is the filter, kept from getopt. */
	int words_end = argc;
	if (o->command == CMD_COMPARE) {
		for (int i = 1; i < argc; i++)
			if (strcmp(argv[i], "--") == 0)
				argv[i] = (char *)"vs";
	} else {
		words_end = double_dash(argc, argv, short_options, long_options);
	}
	opterr = 0;
	int ch;
	while ((ch = getopt_long(words_end, argv, short_options, long_options, NULL)) != -1) {
		switch (ch) {
		case 'O':
			if (o->command != CMD_EXTRACT)
				return usage_error("%s", "--overwrite goes with extract");
			o->overwrite = 1;
			break;
		case 'R':
			if (o->command != CMD_TOP)
				return usage_error("%s", "--realtime goes with top");
			o->realtime = 1;
			break;
		case 'j':
			if (o->command == CMD_EXCHANGES || o->command == CMD_ACCESSES || o->command == CMD_EXTRACT ||
			    o->command == CMD_TOP)
				return usage_error("%s", "--json goes with report or compare");
			o->json = 1;
			break;
		case 'H':
			if (o->command == CMD_EXCHANGES || o->command == CMD_ACCESSES || o->command == CMD_EXTRACT ||
			    o->command == CMD_TOP)
				return usage_error("%s", "--html goes with report or compare");
			o->html = optarg;
			o->analysis.timeline = 1;
			break;
		case 'E': {
			char *end;
			double seconds = strtod(optarg, &end);
			if (o->command != CMD_REPORT && o->command != CMD_TOP)
				return usage_error("%s", "--every goes with report --json, or top");
			/* A millisecond to a year: finer is noise, coarser is a whole report. */
			if (end == optarg || *end != '\0' || !(seconds >= 0.001 && seconds <= 31536000))
				return usage_error("bad interval '%s' (seconds, 0.001 to 31536000)", optarg);
			o->every_ns = (int64_t)(seconds * 1e9 + 0.5);
			o->analysis.intervals = 1;
			break;
		}
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
		case 'S': {
			char *end;
			errno = 0;
			unsigned long long n = strtoull(optarg, &end, 10);
			if (end == optarg || *end != '\0' || errno != 0 || optarg[0] == '-')
				return usage_error("bad number of 9P2000.e sessions '%s'", optarg);
			o->analysis.kept_esessions = n;
			o->analysis.kept_esessions_set = 1;
			break;
		}
		case 'I': {
			char *end;
			double seconds = strtod(optarg, &end);
			/* 0 is "never"; up to a year, like --every. */
			if (end == optarg || *end != '\0' || !(seconds >= 0 && seconds <= 31536000))
				return usage_error("bad idle timeout '%s' (seconds, 0 for never, up to 31536000)", optarg);
			o->idle_timeout_ns = (int64_t)(seconds * 1e9 + 0.5);
			o->idle_timeout_set = 1;
			break;
		}
		case 'p':
			if (parse_ports(&o->analysis, optarg) != 0)
				return usage_error("bad port list '%s'", optarg);
			break;
		case 'f':
			if (o->n_clauses == FILTER_CLAUSES_MAX - 1)
				return usage_error("more than %d -f", FILTER_CLAUSES_MAX - 1);
			o->clauses[o->n_clauses++] = optarg;
			break;
		case 'r':
			if (o->command == CMD_COMPARE)
				return usage_error("%s", "compare takes its captures as words: BEFORE... vs AFTER...");
			if (add_file(o, optarg) != 0)
				return EXIT_USAGE;
			o->files_by_r = 1;
			break;
		case 'i':
			o->iface = optarg;
			break;
		case 'B':
			if (o->command == CMD_COMPARE || o->command == CMD_EXTRACT)
				return usage_error("%s", "-B goes with -i (report, exchanges, accesses or top)");
			if (parse_buffer_kib(optarg, &o->buffer_kib) != 0)
				return usage_error("bad buffer size '%s' (KiB, a whole number from 1 to %d)", optarg,
						   BUFFER_KIB_MAX);
			break;
		case 'c':
			if (parse_count(optarg, &o->max_packets) != 0)
				return usage_error("bad packet count '%s' (a whole number from 1)", optarg);
			break;
		case 'n':
			break; /* tcpdump's "no name resolution": ninep resolves none */
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			command_usage(o->command, stdout);
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
	if (o->every_ns != 0 && !o->json && o->command != CMD_TOP)
		return usage_error("%s", "--every goes with report --json, or top");
	if (o->realtime && o->iface != NULL)
		return usage_error("%s", "--realtime paces a capture file; live is real time already");
	if (o->command == CMD_EXTRACT)
		return extract_args(argc, argv, o);
	int rc = o->command == CMD_COMPARE ? compare_args(argc, argv, o)
					   : sort_words(o, argv, optind, words_end, argc);
	if (rc != 0)
		return rc;
	if (join_filter(o) != 0)
		return usage_error("%s", "filter too long");
	char err[ERR_MAX];
	if (o->filter[0] != '\0' && capture_filter_check(o->filter, err, sizeof err) != 0)
		return usage_error("bad filter \"%s\": %s", o->filter, err);
	return 0;
}

/* Forwarding the reassembler's events, with progress on the way. */
struct run_ctx {
	struct analysis *a;
	const struct stream_events *inner;
	struct capture_merge *files; /* for the progress; NULL when live */
	struct reassembler *reasm;   /* its packet count numbers the frames */
	struct intervals *every;     /* --every, or NULL */
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

/* The frame being read: every event comes while its packet is read. */
static void note_frame(struct run_ctx *r)
{
	r->a->frame = reasm_stats(r->reasm)->packets;
}

/* --every, top: an interval that ends is written with the inputs' link
 * types, and a pcapng's is known only from its first packet, after
 * merge_input. */
static void advance_intervals(struct run_ctx *r, int64_t ts)
{
	struct input_status *in = &r->a->inputs[r->a->current_input];
	if (r->files != NULL && in->link_type == -1)
		in->link_type = capture_merge_link_type(r->files);
	intervals_advance(r->every, ts);
}

static void fwd_open(void *ctx, struct tcp_conn *conn)
{
	struct run_ctx *r = ctx;
	note_frame(r);
	r->inner->on_open(r->a, conn);
}

static void fwd_data(void *ctx, struct tcp_conn *conn, int side, const uint8_t *data, size_t len, int64_t ts)
{
	struct run_ctx *r = ctx;
	note_frame(r);
	if (ts % 1000 != 0)
		r->a->ts_sub_microsecond = 1;
	if (r->every != NULL)
		advance_intervals(r, ts);
	r->inner->on_data(r->a, conn, side, data, len, ts);
	progress(r);
}

static void fwd_gap(void *ctx, struct tcp_conn *conn, int side, uint64_t bytes, int64_t ts)
{
	struct run_ctx *r = ctx;
	note_frame(r);
	if (r->every != NULL)
		advance_intervals(r, ts);
	r->inner->on_gap(r->a, conn, side, bytes, ts);
}

static void fwd_uncaptured(void *ctx, struct tcp_conn *conn, int side, uint64_t bytes, int64_t ts)
{
	struct run_ctx *r = ctx;
	note_frame(r);
	if (r->every != NULL)
		advance_intervals(r, ts);
	r->inner->on_uncaptured(r->a, conn, side, bytes, ts);
}

static void fwd_close(void *ctx, struct tcp_conn *conn, enum close_reason reason, int64_t ts)
{
	struct run_ctx *r = ctx;
	note_frame(r);
	if (r->every != NULL)
		advance_intervals(r, ts);
	r->inner->on_close(r->a, conn, reason, ts);
}

/* A quiet live capture: its intervals end all the same, and top hears q. */
static void fwd_idle(void *ctx, int64_t ts)
{
	struct run_ctx *r = ctx;
	if (r->every != NULL)
		advance_intervals(r, ts);
	if (top_view != NULL)
		top_poll(top_view);
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
	if (screen_in_use)
		return; /* top prints it once the terminal is given back */
	/* A file name is anyone's bytes too (ninep report * in a folder of
	 * downloads): escaped like everything the reports print. */
	fputs("ninep: ", stderr);
	escape_text_str(stderr, st->error);
	fputc('\n', stderr);
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
	r->a->inputs[input].delivered = 1;
	r->a->inputs[input].link_type = capture_merge_link_type(r->files);
}

/* Ctrl-C while files were read.  A pipe (`tcpdump -w - | ninep report -`)
 * ends where the user stopped it, a normal end; a capture file still holds
 * what was not read, so the report is partial. */
static void interrupted(struct analysis *a, const char *const *names, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct stat st;
		if (strcmp(names[i], "-") != 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
			a->partial = a->interrupted = 1;
			if (!screen_in_use) /* top: q (or Ctrl-C) is how it ends */
				fputs("ninep: interrupted before the end of the capture: the report is partial\n", stderr);
			return;
		}
	}
}

/* The interface, until Ctrl-C or -c; returns 0, or EXIT_INPUT. */
static int run_live(struct analysis *a, const struct options *o, struct reassembler *r, struct intervals *every,
		    int64_t *last_ns)
{
	char err[ERR_MAX] = "";
	struct capture_input *in = capture_open_live(o->iface, o->filter[0] ? o->filter : NULL, o->buffer_kib, err,
							  sizeof err);
	if (in == NULL) {
		record_failure(a, &a->inputs[0], err[0] ? err : "cannot open");
		return EXIT_INPUT;
	}
	int status = 0;
	char line[ERR_MAX];
	a->inputs[0].link_type = capture_link_type(in);
	capture_describe_live(in, line, sizeof line);
	if (top_view != NULL)
		top_listening(top_view, line);
	if (!screen_in_use)
		fprintf(stderr, "ninep: %s\n", line);
	if (every != NULL)
		intervals_watch(every, r, in);
	input_being_read = in;
	if (capture_run(in, r, o->max_packets, &stop_requested, err, sizeof err) != 0) {
		record_failure(a, &a->inputs[0], err[0] ? err : "damaged input");
		status = EXIT_INPUT;
	}
	input_being_read = NULL;
	if (every != NULL)
		intervals_watch(every, r, NULL);
	a->drops_known = capture_drops(in, &a->drops) == 0;
	if (a->drops_known && !screen_in_use)
		fprintf(stderr, "ninep: %llu packets dropped by kernel, %llu by interface\n",
			(unsigned long long)a->drops.kernel, (unsigned long long)a->drops.interface);
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
static int run_inputs(struct analysis *a, const struct options *o, const char *const *names, unsigned n,
		      struct intervals *every)
{
	static const struct stream_events forward = {
		.on_open = fwd_open,
		.on_data = fwd_data,
		.on_gap = fwd_gap,
		.on_uncaptured = fwd_uncaptured,
		.on_close = fwd_close,
		.on_idle = fwd_idle,
	};
	static const struct merge_events merge_events = { merge_failure, merge_input };
	for (unsigned i = 0; i < n; i++) {
		a->inputs[a->n_inputs].link_type = -1;
		a->inputs[a->n_inputs++].name = names[i];
	}

	struct run_ctx ctx = { a, analysis_events(), NULL, NULL, every, 0, 0, -1 };
	struct reasm_limits limits = REASM_DEFAULT_LIMITS;
	if (o->idle_timeout_set)
		limits.idle_timeout_ns = o->idle_timeout_ns;
	struct reassembler *r = reasm_new(&limits, &forward, &ctx);
	ctx.reasm = r;
	if (r == NULL) {
		for (unsigned i = 0; i < n; i++)
			record_failure(a, &a->inputs[i], "out of memory");
		return EXIT_INPUT;
	}
	int status = 0;
	int64_t last_ns = 0;
	if (o->iface != NULL) {
		status = run_live(a, o, r, every, &last_ns);
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
		if (every != NULL)
			intervals_watch(every, r, NULL);
		if (capture_merge_run(m, r, o->max_packets, &stop_requested) != 0)
			status = EXIT_INPUT;
		files_being_read = NULL;
		if (stop_requested)
			interrupted(a, names, n);
		if (ctx.show_progress && ctx.last_percent >= 0)
			fputs("\r             \r", stderr);
		last_ns = capture_merge_last_ns(m);
		/* A pcapng's link type is known from its first packet on: after
		 * merge_input, which is called before. */
		for (unsigned i = 0; i < n; i++) {
			int t = capture_merge_input_link_type(m, i);
			if (t != -1)
				a->inputs[a->n_inputs - n + i].link_type = t;
		}
		capture_merge_free(m);
	}
	analysis_add_capture_stats(a, reasm_stats(r));
	if (every != NULL)
		intervals_watch(every, NULL, NULL); /* a->capture from here on */
	if (o->iface != NULL && a->capture.packets > 0)
		a->inputs[0].delivered = 1;
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
	int before_status = run_inputs(before, o, o->files, o->n_before, NULL);
	int after_status = 0;
	if (!stop_requested)
		after_status = run_inputs(after, o, o->files + o->n_before, o->n_files - o->n_before, NULL);
	int status = before_status != 0 || after_status != 0 ? EXIT_INPUT : 0;
	analysis_finish(before);
	analysis_finish(after);
	/* A side of which nothing could be read would show every figure as
	 * -100 % or +inf: the error (already printed) says it all. */
	int nothing_read = (before_status != 0 && before->capture.packets == 0) ||
			   (after_status != 0 && after->capture.packets == 0);
	if (!nothing_read && o->html != NULL && report_html(before, after, o->html) != 0)
		status = EXIT_INPUT;
	if (!nothing_read && o->json)
		compare_json(before, after, stdout);
	else if (!nothing_read)
		compare_text(before, after, stdout);
	status = finish_output(status);
	analysis_free(before);
	analysis_free(after);
	free(before);
	free(after);
	return status;
}

/* extract: the files go below DIR as they come; the manifest at the end. */
static int run_extract(struct options *o)
{
	char err[ERR_MAX];
	struct extract *x = extract_open(o->extract_dir, o->overwrite, err, sizeof err);
	if (x == NULL) {
		fprintf(stderr, "ninep: %s\n", err);
		return EXIT_INPUT;
	}
	struct analysis *a = calloc(1, sizeof *a);
	if (a == NULL) {
		extract_free(x);
		return EXIT_INPUT;
	}
	o->analysis.extract = x; /* the engine's hooks hand it the files */
	analysis_init(a, &o->analysis);
	int status = run_inputs(a, o, o->files, o->n_files, NULL);
	analysis_finish(a);
	if (extract_finish(x) != 0)
		status = EXIT_INPUT;
	int nothing_read = status != 0 && a->capture.packets == 0;
	if (!nothing_read)
		extract_manifest(x, stdout);
	status = finish_output(status);
	analysis_free(a);
	free(a);
	extract_free(x);
	return status;
}

/* top: the view of the inputs' intervals, until they end or q. */
static int run_top(struct options *o)
{
	struct analysis *a = calloc(1, sizeof *a);
	if (a == NULL)
		return EXIT_INPUT;
	o->analysis.intervals = 1; /* the interval's own figures by type */
	o->analysis.flush_each_row = 0;
	analysis_init(a, &o->analysis);
	a->live = o->iface != NULL;
	struct top_options to = {
		.every_ns = o->every_ns != 0 ? o->every_ns : TOP_EVERY_DEFAULT_S * (int64_t)1000000000,
		.live = o->iface != NULL,
		.realtime = o->realtime,
		.source = o->iface != NULL ? o->iface : strcmp(o->files[0], "-") == 0 ? "standard input" : o->files[0],
		.stop = stop_reading,
		.interrupted = &stop_requested,
	};
	struct top *t = top_new(&to);
	struct intervals *every = t != NULL ? intervals_new_sink(a, to.every_ns, top_interval, t) : NULL;
	if (every == NULL) {
		top_free(t);
		analysis_free(a);
		free(a);
		return EXIT_INPUT;
	}
	top_view = t;
	screen_in_use = top_on_screen(t);
	if (screen_in_use)
		o->quiet = 1; /* no progress on standard error: the screen is the terminal */
	int status = o->iface != NULL ? run_inputs(a, o, &o->iface, 1, every)
				      : run_inputs(a, o, o->files, o->n_files, every);
	analysis_finish(a);
	intervals_finish(every);
	intervals_free(every);
	top_finish(t);
	int had_screen = screen_in_use;
	screen_in_use = 0;
	top_view = NULL;
	top_free(t);
	/* What the screen could not show: why an input failed. */
	for (unsigned i = 0; had_screen && i < a->n_inputs; i++)
		if (a->inputs[i].failed) {
			fputs("ninep: ", stderr);
			escape_text_str(stderr, a->inputs[i].error);
			fputc('\n', stderr);
		}
	analysis_free(a);
	free(a);
	return finish_output(status);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "merge") == 0)
		return merge_reports_main(argc - 1, argv + 1);
	struct options o;
	memset(&o, 0, sizeof o);
	int rc = parse_args(argc, argv, &o);
	if (rc != 0)
		return rc;

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	struct stat st;
	reading_pipe = o.iface != NULL ? 0 : stdin_given(&o) && fstat(STDIN_FILENO, &st) == 0 && !S_ISREG(st.st_mode);
	/* Reading a pipe on after a Ctrl-C: its read must not fail with EINTR. */
	sa.sa_flags = reading_pipe ? SA_RESTART : 0;
	sigaction(SIGINT, &sa, NULL);

	if (o.command == CMD_EXTRACT)
		return run_extract(&o);
	if (o.command == CMD_TOP)
		return run_top(&o);
	if (o.command == CMD_EXCHANGES)
		o.analysis.exchanges = stdout;
	if (o.command == CMD_ACCESSES)
		o.analysis.accesses = stdout;
	/* Live, or a pipe: rows go out as they come, not a megabyte at a time. */
	o.analysis.flush_each_row = o.iface != NULL || (o.n_files == 1 && strcmp(o.files[0], "-") == 0);
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
	struct intervals *every = o.every_ns != 0 ? intervals_new(a, o.every_ns, stdout) : NULL;
	if (o.every_ns != 0 && every == NULL)
		return EXIT_INPUT;
	if (o.iface != NULL) {
		a->live = 1;
		status = run_inputs(a, &o, &o.iface, 1, every);
	} else {
		status = run_inputs(a, &o, o.files, o.n_files, every);
	}

	analysis_finish(a);
	if (every != NULL)
		intervals_finish(every);
	intervals_free(every);
	analysis_flush(a);
	/* Nothing could be read at all (not a capture, no such file): the
	 * error says it all, an empty report would only hide it.  A damaged
	 * input that gave some packets is reported, marked partial. */
	int nothing_read = status != 0 && a->capture.packets == 0;
	if (o.command == CMD_REPORT && !nothing_read && o.html != NULL && report_html(a, NULL, o.html) != 0)
		status = EXIT_INPUT;
	if (o.command == CMD_REPORT && !nothing_read) {
		if (o.every_ns != 0)
			report_json_line(a, stdout);
		else if (o.json)
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
