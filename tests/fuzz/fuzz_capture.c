/*
 * libFuzzer target: the analyzer's whole path, from capture file bytes to
 * the report.  capture_open_file (pcap through libpcap, pcapng through our
 * own reader) -> link layer -> IP and fragments -> TCP reassembly -> the
 * upper half's stream_events (9P detection, framing, matching, fids,
 * 9P2000.e sessions) -> the text or JSON report and the CSV exchanges.
 *
 * Input: a 4-byte control header, then the capture file.
 *
 *   byte 0    option bits (below)
 *   bytes 1-3 split seed, 24 bits: 0 hands the upper half each piece as the
 *             reassembler delivers it; otherwise every piece is cut at
 *             points drawn from a PRNG seeded with it, so the framer sees
 *             headers, size fields and bodies split everywhere (streaming)
 *
 * The corpus (seed_corpus.py) holds the bundled captures with this header.
 * capture.h opens only paths, so the capture bytes go to a memfd and are
 * opened as /proc/self/fd/N: no disk writes, nothing left behind.
 *
 * Also built without -fsanitize=fuzzer, with replay_main.c, as the plain
 * program that replays the committed corpus under CTest.
 */
#define _GNU_SOURCE /* memfd_create */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "analysis.h"
#include "report/exchanges_csv.h"
#include "report/report.h"
#include "capture/capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

enum {
	CONTROL_LEN = 4,
	OPT_PORTS = 1 << 0,     /* -p 564 -p 5640: 9P by port, not only by content */
	OPT_EXCHANGES = 1 << 1, /* the CSV of exchanges, as `ninep exchanges` writes it */
	OPT_JSON = 1 << 2,      /* the JSON report instead of the text one */
	OPT_TWICE = 1 << 3,     /* the capture given twice, as two input files */
	MAX_PIECE = 97,         /* pieces of 1..97 bytes: smaller than most messages */
	ERR_LEN = 512,
};

/* The analyzer's default ceilings are for real captures; small ones let the
 * fuzzer reach the limit paths with small inputs. */
static const struct reasm_limits fuzz_limits = { 16384, 65536, 16, 0 };

/* Where the reports go: written in full (every formatting path runs),
 * read by nobody. */
static FILE *devnull;
static int memfd = -1;
static int verbose; /* FUZZ_CAPTURE_VERBOSE=1: one line per input, to see that 9P was found */
static char memfd_path[64];

/* The event forwarder between the reassembler and the upper half. */
struct splitter {
	struct analysis *a;
	const struct stream_events *inner;
	uint32_t rng; /* 0: no splitting */
};

static uint32_t next_rand(uint32_t *state)
{
	/* xorshift32: deterministic, so a saved input replays the same way */
	uint32_t x = *state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

static void split_open(void *ctx, struct tcp_conn *conn)
{
	struct splitter *s = ctx;
	s->inner->on_open(s->a, conn);
}

static void split_data(void *ctx, struct tcp_conn *conn, int side, const uint8_t *data, size_t len, int64_t ts)
{
	struct splitter *s = ctx;
	if (s->rng == 0) {
		s->inner->on_data(s->a, conn, side, data, len, ts);
		return;
	}
	/* The upper half may set conn->ignored in any piece; it then expects
	 * nothing more, as the reassembler would deliver nothing more. */
	while (len > 0 && !conn->ignored) {
		size_t piece = 1 + next_rand(&s->rng) % MAX_PIECE;
		if (piece > len)
			piece = len;
		s->inner->on_data(s->a, conn, side, data, piece, ts);
		data += piece;
		len -= piece;
	}
}

static void split_gap(void *ctx, struct tcp_conn *conn, int side, uint64_t bytes, int64_t ts)
{
	struct splitter *s = ctx;
	s->inner->on_gap(s->a, conn, side, bytes, ts);
}

static void split_uncaptured(void *ctx, struct tcp_conn *conn, int side, uint64_t bytes, int64_t ts)
{
	struct splitter *s = ctx;
	s->inner->on_uncaptured(s->a, conn, side, bytes, ts);
}

static void split_close(void *ctx, struct tcp_conn *conn, enum close_reason reason, int64_t ts)
{
	struct splitter *s = ctx;
	s->inner->on_close(s->a, conn, reason, ts);
}

static const struct stream_events split_events = {
	.on_open = split_open,
	.on_data = split_data,
	.on_gap = split_gap,
	.on_uncaptured = split_uncaptured,
	.on_close = split_close,
};

/* Once per process: the memfd the capture bytes go through, and /dev/null. */
static int setup(void)
{
	if (memfd >= 0)
		return 0;
	devnull = fopen("/dev/null", "w");
	verbose = getenv("FUZZ_CAPTURE_VERBOSE") != NULL;
	memfd = memfd_create("fuzz_capture", 0);
	if (devnull == NULL || memfd < 0) {
		perror("fuzz_capture: setup");
		abort(); /* not the input's fault: stop rather than fuzz nothing */
	}
	snprintf(memfd_path, sizeof memfd_path, "/proc/self/fd/%d", memfd);
	return 0;
}

static void put_capture(const uint8_t *data, size_t len)
{
	if (ftruncate(memfd, 0) != 0 || pwrite(memfd, data, len, 0) != (ssize_t)len) {
		perror("fuzz_capture: memfd");
		abort();
	}
}

/* One input file through the analysis, as main.c's run_input does. */
static void run_one(struct analysis *a, struct splitter *s)
{
	char err[ERR_LEN] = "";
	struct input_status *st = &a->inputs[a->n_inputs];
	a->current_input = a->n_inputs++;
	st->name = "fuzz input";

	struct capture_input *in = capture_open_file(memfd_path, NULL, err, sizeof err);
	if (in == NULL) {
		st->failed = 1;
		a->partial = 1;
		snprintf(st->error, sizeof st->error, "%s", err);
		return;
	}
	struct reassembler *r = reasm_new(&fuzz_limits, &split_events, s);
	if (r == NULL)
		abort();
	if (capture_run(in, r, 0, NULL, err, sizeof err) != 0) {
		st->failed = 1;
		a->partial = 1;
		snprintf(st->error, sizeof st->error, "%s", err);
	}
	(void)capture_progress(in);
	analysis_add_capture_stats(a, reasm_stats(r));
	reasm_free(r, capture_last_ns(in));
	capture_close(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const uint16_t ports[] = { 564, 5640 };

	if (len < CONTROL_LEN)
		return 0;
	setup();
	uint8_t options = data[0];
	uint32_t seed = (uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 | data[3];
	put_capture(data + CONTROL_LEN, len - CONTROL_LEN);

	struct analysis_options opt;
	memset(&opt, 0, sizeof opt);
	if (options & OPT_PORTS) {
		memcpy(opt.ports, ports, sizeof ports);
		opt.n_ports = sizeof ports / sizeof ports[0];
	}
	if (options & OPT_EXCHANGES)
		opt.exchanges = devnull;

	/* ~130 KB: too big for the fuzzer's stack budget, so on the heap. */
	struct analysis *a = calloc(1, sizeof *a);
	if (a == NULL)
		abort();
	analysis_init(a, &opt);
	if (options & OPT_EXCHANGES)
		exchanges_csv_header(devnull);

	struct splitter s = { a, analysis_events(), seed };
	run_one(a, &s);
	if (options & OPT_TWICE)
		run_one(a, &s);

	/* Counts that cannot disagree whatever the bytes: a round trip is one
	 * decoded request and one decoded reply. */
	analysis_finish(a);
	struct figures total;
	figures_totals(a, &total);
	if (total.round_trips > total.requests || total.round_trips > total.replies || total.orphans > total.replies ||
	    total.unanswered > total.requests || total.errors > total.replies) {
		fprintf(stderr,
			"fuzz_capture: figures disagree: requests %llu replies %llu round_trips %llu orphans %llu "
			"unanswered %llu errors %llu\n",
			(unsigned long long)total.requests, (unsigned long long)total.replies,
			(unsigned long long)total.round_trips, (unsigned long long)total.orphans,
			(unsigned long long)total.unanswered, (unsigned long long)total.errors);
		abort();
	}
	if (verbose)
		fprintf(stderr, "fuzz_capture: %llu packets, %llu sessions, %llu requests, %llu replies, %llu round trips\n",
			(unsigned long long)a->capture.packets, (unsigned long long)a->n_connections,
			(unsigned long long)total.requests, (unsigned long long)total.replies,
			(unsigned long long)total.round_trips);
	figures_free(&total);

	if (options & OPT_JSON)
		report_json(a, devnull);
	else
		report_text(a, devnull);
	fflush(devnull);
	analysis_free(a);
	free(a);
	return 0;
}
