/*
 * analyzer.unit: the upper half driven through struct stream_events with
 * hand-made 9P bytes, for the pathologies real captures rarely show (gaps,
 * garbage, flushes, orphans, a capture starting mid-connection, Tversion
 * resets), the latency histogram's error bound, the hottest-paths
 * table beyond its size, and the quoting of the JSON and CSV writers.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/accesses.h"
#include "analysis.h"
#include "files/safe_name.h"
#include "report/csv.h"
#include "report/escape.h"
#include "report/json.h"
#include "stats/keeper.h"
#include "stats/latency.h"
#include "ninep/engine.h"
#include "stats/tally.h"
#include "ninep/protocol.h"

static int failures, checks;

#define CHECK_EQ(what, got, want)                                                                          \
	do {                                                                                               \
		unsigned long long g_ = (unsigned long long)(got), w_ = (unsigned long long)(want);         \
		checks++;                                                                                  \
		if (g_ != w_) {                                                                            \
			failures++;                                                                        \
			printf("FAIL %s:%d %s: got %llu, want %llu\n", __FILE__, __LINE__, what, g_, w_); \
		}                                                                                          \
	} while (0)

/* ---- building messages ---------------------------------------------------- */

struct msg {
	uint8_t b[512];
	size_t n;
};

static void put(struct msg *m, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		m->b[m->n++] = (uint8_t)(v >> (8 * i));
}

static void put_str(struct msg *m, const char *s)
{
	size_t len = strlen(s);
	put(m, len, 2);
	memcpy(m->b + m->n, s, len);
	m->n += len;
}

static struct msg start(unsigned type, unsigned tag)
{
	struct msg m = { { 0 }, 0 };
	put(&m, 0, 4);
	put(&m, type, 1);
	put(&m, tag, 2);
	return m;
}

static struct msg done(struct msg m)
{
	m.b[0] = (uint8_t)m.n;
	m.b[1] = (uint8_t)(m.n >> 8);
	return m;
}

static struct msg version(unsigned type, const char *v)
{
	struct msg m = start(type, NINEP_NOTAG);
	put(&m, 8192, 4);
	put_str(&m, v);
	return done(m);
}

static struct msg tread(unsigned tag, uint32_t fid)
{
	struct msg m = start(NINEP_Tread, tag);
	put(&m, fid, 4);
	put(&m, 0, 8);
	put(&m, 100, 4);
	return done(m);
}

static struct msg rread(unsigned tag, const char *data)
{
	struct msg m = start(NINEP_Rread, tag);
	put(&m, strlen(data), 4);
	memcpy(m.b + m.n, data, strlen(data));
	m.n += strlen(data);
	return done(m);
}

static struct msg tflush(unsigned tag, unsigned oldtag)
{
	struct msg m = start(NINEP_Tflush, tag);
	put(&m, oldtag, 2);
	return done(m);
}

static struct msg empty(unsigned type, unsigned tag)
{
	return done(start(type, tag));
}

static struct msg tclunk(unsigned tag, uint32_t fid)
{
	struct msg m = start(NINEP_Tclunk, tag);
	put(&m, fid, 4);
	return done(m);
}

/* ---- a fake connection ---------------------------------------------------- */

struct fake {
	struct analysis a;
	struct tcp_conn conn;
	const struct stream_events *ev;
	int64_t now;
};

static void fake_open(struct fake *f, int syn_seen)
{
	analysis_init(&f->a, NULL);
	memset(&f->conn, 0, sizeof f->conn);
	f->conn.id = 1;
	f->conn.side[0].family = 4;
	f->conn.side[0].addr[0] = 10;
	f->conn.side[0].port = 40000;
	f->conn.side[1].family = 4;
	f->conn.side[1].addr[0] = 10;
	f->conn.side[1].port = 564;
	f->conn.syn_seen = syn_seen;
	f->conn.handshake_rtt_ns = -1;
	f->ev = analysis_events();
	f->now = 1000000000;
	f->ev->on_open(&f->a, &f->conn);
}

/* Sends bytes from a side, 1000 ns after the previous ones. */
static void send_bytes(struct fake *f, int side, const void *data, size_t len)
{
	f->now += 1000;
	if (!f->conn.ignored)
		f->ev->on_data(&f->a, &f->conn, side, data, len, f->now);
}

static void send_msg(struct fake *f, int side, struct msg m)
{
	send_bytes(f, side, m.b, m.n);
}

static const struct figures *fake_close(struct fake *f)
{
	f->ev->on_close(&f->a, &f->conn, CLOSE_FIN, f->now);
	tally_wait(&f->a); /* the figures are added up on the tally thread */
	static struct figures empty_figures;
	return f->a.connections ? &f->a.connections->fig : &empty_figures;
}

static void handshake(struct fake *f)
{
	send_msg(f, 0, version(NINEP_Tversion, "9P2000"));
	send_msg(f, 1, version(NINEP_Rversion, "9P2000"));
}

/* ---- scenarios --------------------------------------------------------- */

static void test_out_of_order_and_latency(void)
{
	struct fake f;
	fake_open(&f, 1);
	handshake(&f);
	send_msg(&f, 0, tread(1, 7)); /* t = +3000 */
	send_msg(&f, 0, tread(2, 7)); /* +4000 */
	send_msg(&f, 1, rread(2, "b")); /* +5000: latency 1000 */
	send_msg(&f, 1, rread(1, "a")); /* +6000: latency 3000 */
	const struct figures *fig = fake_close(&f);
	CHECK_EQ("round trips", fig->round_trips, 3);
	CHECK_EQ("unanswered", fig->unanswered, 0);
	const struct latency_hist *h = figures_latency(fig, NINEP_Tread / 2);
	CHECK_EQ("Tread latencies", h ? h->count : 0, 2);
	CHECK_EQ("Tread min", h ? h->min : 0, 1000);
	CHECK_EQ("Tread max", h ? h->max : 0, 3000);
	CHECK_EQ("Tversion latency", figures_latency(fig, NINEP_Tversion / 2)->min, 1000);
	/* A connection's histograms are coarse, the totals by type fine
	 * (latency.h, issues 18 and 20). */
	CHECK_EQ("a connection's Tread histogram is coarse", h ? latency_precision(h) : 0, LATENCY_COARSE_BITS);
	CHECK_EQ("a connection's every-request histogram is coarse", latency_precision(&fig->all_latency),
		 LATENCY_COARSE_BITS);
	const struct latency_hist *total = figures_latency(&f.a.totals_by_type, NINEP_Tread / 2);
	CHECK_EQ("the Tread total's histogram is fine", total ? latency_precision(total) : 0, LATENCY_FINE_BITS);
	analysis_free(&f.a);
}

static void test_one_message_in_pieces_and_many_in_one(void)
{
	struct fake f;
	fake_open(&f, 1);
	struct msg tv = version(NINEP_Tversion, "9P2000");
	for (size_t i = 0; i < tv.n; i++)
		send_bytes(&f, 0, tv.b + i, 1);
	send_msg(&f, 1, version(NINEP_Rversion, "9P2000"));
	uint8_t both[128];
	struct msg a = tread(1, 1), b = tread(2, 1);
	memcpy(both, a.b, a.n);
	memcpy(both + a.n, b.b, b.n);
	send_bytes(&f, 0, both, a.n + b.n);
	send_msg(&f, 1, rread(1, "x"));
	send_msg(&f, 1, rread(2, "y"));
	const struct figures *fig = fake_close(&f);
	CHECK_EQ("pieces: requests", fig->requests, 3);
	CHECK_EQ("pieces: round trips", fig->round_trips, 3);
	/* Tversion completed by its last byte: sent one byte at a time, the
	 * last at 1000 * tv.n after start; Rversion 1000 later. */
	CHECK_EQ("pieces: Tversion latency from the completing packet", figures_latency(fig, NINEP_Tversion / 2)->min, 1000);
	analysis_free(&f.a);
}

static void test_flush(void)
{
	struct fake f;
	fake_open(&f, 1);
	handshake(&f);
	send_msg(&f, 0, tread(1, 7));
	send_msg(&f, 0, tflush(2, 1));
	send_msg(&f, 1, empty(NINEP_Rflush, 2));
	/* A flush whose request was answered first: nothing flushed. */
	send_msg(&f, 0, tread(3, 7));
	send_msg(&f, 0, tflush(4, 3));
	send_msg(&f, 1, rread(3, "z"));
	send_msg(&f, 1, empty(NINEP_Rflush, 4));
	const struct figures *fig = fake_close(&f);
	CHECK_EQ("flush: flushed", fig->flushed, 1);
	CHECK_EQ("flush: unanswered", fig->unanswered, 0);
	CHECK_EQ("flush: round trips", fig->round_trips, 4);
	CHECK_EQ("flush: orphans", fig->orphans, 0);
	analysis_free(&f.a);
}

static void test_orphans_unanswered_and_version_reset(void)
{
	struct fake f;
	fake_open(&f, 1);
	handshake(&f);
	send_msg(&f, 1, empty(NINEP_Rclunk, 9)); /* nothing asked */
	send_msg(&f, 0, tread(1, 7));
	send_msg(&f, 0, version(NINEP_Tversion, "9P2000")); /* drops tag 1 */
	send_msg(&f, 1, version(NINEP_Rversion, "9P2000"));
	send_msg(&f, 1, rread(1, "late")); /* tag 1 no longer outstanding */
	send_msg(&f, 0, tclunk(5, 7)); /* never answered */
	const struct figures *fig = fake_close(&f);
	CHECK_EQ("orphans", fig->orphans, 2);
	CHECK_EQ("unanswered", fig->unanswered, 2);
	CHECK_EQ("round trips", fig->round_trips, 2);
	analysis_free(&f.a);
}

static void test_garbage_is_counted_and_nothing_lost(void)
{
	struct fake f;
	fake_open(&f, 1);
	handshake(&f);
	send_msg(&f, 0, tread(1, 7));
	static const char junk[] = "hello, world!";
	send_bytes(&f, 0, junk, sizeof junk - 1);
	send_msg(&f, 0, tclunk(2, 7));
	send_msg(&f, 1, rread(1, "a"));
	send_msg(&f, 1, empty(NINEP_Rclunk, 2));
	static const char tail[] = "ramfs: mount eof: Success\n";
	send_bytes(&f, 1, tail, sizeof tail - 1);
	const struct figures *fig = fake_close(&f);
	CHECK_EQ("garbage: not 9P bytes", fig->not_9p_bytes, (sizeof junk - 1) + (sizeof tail - 1));
	CHECK_EQ("garbage: round trips", fig->round_trips, 3);
	CHECK_EQ("garbage: requests", fig->requests, 3);
	analysis_free(&f.a);
}

static void test_gap_resync(void)
{
	struct fake f;
	fake_open(&f, 1);
	handshake(&f);
	send_msg(&f, 0, tread(1, 7));
	send_msg(&f, 0, tread(2, 7));
	send_msg(&f, 0, tread(3, 7));
	struct msg r1 = rread(1, "0123456789"), r2 = rread(2, "abcdefghij"), r3 = rread(3, "klmnopqrst");
	send_msg(&f, 1, r1);
	/* The first 10 bytes of Rread(2) were never captured. */
	send_bytes(&f, 1, r2.b, 5);
	f.ev->on_gap(&f.a, &f.conn, 1, 10, f.now);
	send_bytes(&f, 1, r2.b + 15, r2.n - 15);
	send_msg(&f, 1, r3);
	const struct figures *fig = fake_close(&f);
	CHECK_EQ("gap: gaps", fig->gaps, 1);
	CHECK_EQ("gap: gap bytes", fig->gap_bytes, 10);
	/* The 5 bytes before the gap (no whole header) are part of the lost
	 * message; the rest of it after the gap is skipped as not 9P. */
	CHECK_EQ("gap: resync bytes (the rest of Rread after the gap)", fig->resync_bytes, r2.n - 15);
	CHECK_EQ("gap: round trips", fig->round_trips, 3);
	CHECK_EQ("gap: unanswered", fig->unanswered, 1);
	CHECK_EQ("gap: lost exchanges", fig->exchanges_lost, 1);
	analysis_free(&f.a);
}

static void test_mid_stream_roles_from_messages(void)
{
	struct fake f;
	fake_open(&f, 0);
	/* Side 0 is the server here: the capture starts with the tail of a
	 * reply, then replies and requests follow. */
	struct msg r0 = rread(1, "0123456789");
	send_bytes(&f, 0, r0.b + 9, r0.n - 9);
	send_msg(&f, 1, tread(4, 7));
	send_msg(&f, 0, rread(4, "abc"));
	const struct figures *fig = fake_close(&f);
	CHECK_EQ("mid-stream: a 9P connection", f.a.n_connections, 1);
	CHECK_EQ("mid-stream: client is side 1", f.a.connections ? f.a.connections->client.port : 0, 564);
	CHECK_EQ("mid-stream: round trips", fig->round_trips, 1);
	CHECK_EQ("mid-stream: skipped bytes", fig->resync_bytes, r0.n - 9);
	analysis_free(&f.a);
}

static void test_not_9p(void)
{
	struct fake f;
	fake_open(&f, 1);
	static const char http[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	send_bytes(&f, 0, http, sizeof http - 1);
	CHECK_EQ("http: ignored", f.conn.ignored, 1);
	fake_close(&f);
	CHECK_EQ("http: no 9P connection", f.a.n_connections, 0);
	CHECK_EQ("http: another connection", f.a.other_connections, 1);
	analysis_free(&f.a);
}

/* ---- the histogram ---------------------------------------------------- */

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The buckets as the JSON report writes them (latency.h): walked,
 * rebuilt, merged, their percentiles within 1/512 of the exact ones. */
struct bucket_copy {
	uint32_t index[16384];
	uint64_t count[16384];
	size_t n;
};

static void copy_bucket(void *ctx, uint32_t index, uint64_t count)
{
	struct bucket_copy *c = ctx;
	c->index[c->n] = index;
	c->count[c->n++] = count;
}

static void test_histogram_buckets(void)
{
	enum { N = 30000, PARTS = 3 };
	static uint64_t v[N];
	static struct bucket_copy copy;
	struct latency_hist part[PARTS], merged;
	latency_init(&merged);
	for (int p = 0; p < PARTS; p++)
		latency_init(&part[p]);
	uint64_t state = 2463534242ull;
	for (int i = 0; i < N; i++) {
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		v[i] = 50 + state % 5000000; /* 50 ns to 5 ms: exact buckets and wide ones */
		/* part 0 keeps 40 samples, exactly; the others spill into buckets */
		latency_add(&part[i < 40 ? 0 : 1 + i % 2], v[i]);
	}
	for (int p = 0; p < PARTS; p++) {
		struct latency_hist back;
		copy.n = 0;
		latency_each_bucket(&part[p], copy_bucket, &copy);
		CHECK_EQ("buckets: rebuilt", latency_from_buckets(&back, part[p].count, part[p].sum, part[p].min,
								 part[p].max, copy.index, copy.count, copy.n), 0);
		latency_merge(&merged, &back);
		latency_free(&back);
		latency_free(&part[p]);
	}
	qsort(v, N, sizeof *v, compare_u64);
	CHECK_EQ("buckets: merged count", merged.count, N);
	CHECK_EQ("buckets: merged min", merged.min, v[0]);
	CHECK_EQ("buckets: merged max", merged.max, v[N - 1]);
	for (unsigned p = 1; p <= 100; p++) {
		uint64_t exact = v[(N * (uint64_t)p + 99) / 100 - 1];
		uint64_t got = latency_percentile(&merged, p);
		uint64_t off = got > exact ? got - exact : exact - got;
		checks++;
		if (off * 512 > exact) {
			failures++;
			printf("FAIL merged p%u: %llu vs exact %llu\n", p, (unsigned long long)got,
			       (unsigned long long)exact);
		}
	}
	latency_free(&merged);
	/* The scheme as documented: a value lies in its bucket's range. */
	static const uint64_t probes[] = { 0, 255, 256, 257, 511, 512, 1000, 123456789, UINT64_MAX };
	for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
		uint32_t b = latency_bucket_of(probes[i]);
		checks++;
		if (latency_bucket_low(b) > probes[i] || (probes[i] != UINT64_MAX && latency_bucket_low(b + 1) <= probes[i])) {
			failures++;
			printf("FAIL bucket of %llu: %u\n", (unsigned long long)probes[i], b);
		}
	}
	/* Histograms that lie are refused. */
	struct latency_hist h;
	const uint32_t index[] = { 100, 300 }, backwards[] = { 300, 100 };
	const uint64_t counts[] = { 1, 2 };
	CHECK_EQ("buckets: counts not adding up", latency_from_buckets(&h, 4, 700, 100, 300, index, counts, 2), -1);
	CHECK_EQ("buckets: out of order", latency_from_buckets(&h, 3, 700, 100, 300, backwards, counts, 2), -1);
	CHECK_EQ("buckets: min above max", latency_from_buckets(&h, 3, 700, 300, 100, index, counts, 2), -1);
	CHECK_EQ("buckets: a mean beyond max", latency_from_buckets(&h, 3, 7000, 100, 300, index, counts, 2), -1);
	CHECK_EQ("buckets: below min's bucket", latency_from_buckets(&h, 3, 700, 200, 300, index, counts, 2), -1);
	CHECK_EQ("buckets: a true one", latency_from_buckets(&h, 3, 700, 100, 300, index, counts, 2), 0);
	latency_free(&h);
}

/* ---- coarse histograms (a connection's: 32 buckets per power of two) ---- */

/* Every percentile 1..100 of h against the nearest-rank value of the
 * sorted samples v, computed here: within 1/2^(bits+1) of it. */
static void check_percentiles(const char *what, const struct latency_hist *h, const uint64_t *sorted, size_t n,
			      unsigned bits)
{
	for (unsigned p = 1; p <= 100; p++) {
		uint64_t exact = sorted[(n * (uint64_t)p + 99) / 100 - 1];
		uint64_t got = latency_percentile(h, p);
		uint64_t off = got > exact ? got - exact : exact - got;
		checks++;
		if ((unsigned __int128)off << (bits + 1) > exact) {
			failures++;
			printf("FAIL %s p%u: %llu vs exact %llu\n", what, p, (unsigned long long)got,
			       (unsigned long long)exact);
		}
	}
}

/* Two histograms hold the same samples in the same buckets. */
static void check_same_buckets(const char *what, const struct latency_hist *x, const struct latency_hist *y)
{
	static struct bucket_copy cx, cy;
	cx.n = cy.n = 0;
	latency_each_bucket(x, copy_bucket, &cx);
	latency_each_bucket(y, copy_bucket, &cy);
	int same = cx.n == cy.n && latency_precision(x) == latency_precision(y) && x->count == y->count &&
		   x->sum == y->sum && x->min == y->min && x->max == y->max;
	for (size_t i = 0; same && i < cx.n; i++)
		same = cx.index[i] == cy.index[i] && cx.count[i] == cy.count[i];
	checks++;
	if (!same) {
		failures++;
		printf("FAIL %s: %zu buckets (precision %u, count %llu) vs %zu (precision %u, count %llu)\n", what, cx.n,
		       latency_precision(x), (unsigned long long)x->count, cy.n, latency_precision(y),
		       (unsigned long long)y->count);
	}
}

static uint64_t xorshift(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/* One distribution: its percentiles through a coarse histogram, through
 * a fine one made coarse afterwards (the same buckets), and through two
 * coarse halves merged (the same buckets again). */
static void check_coarse(const char *what, uint64_t *v, size_t n)
{
	struct latency_hist coarse, fine, half[2];
	latency_init(&coarse);
	latency_init(&fine);
	latency_init(&half[0]);
	latency_init(&half[1]);
	latency_set_precision(&coarse, LATENCY_COARSE_BITS);
	latency_set_precision(&half[0], LATENCY_COARSE_BITS);
	latency_set_precision(&half[1], LATENCY_COARSE_BITS);
	for (size_t i = 0; i < n; i++) {
		latency_add(&coarse, v[i]);
		latency_add(&fine, v[i]);
		/* uneven halves: the second stays exact when n is small */
		latency_add(&half[i % 5 == 0], v[i]);
	}
	qsort(v, n, sizeof *v, compare_u64);
	char label[96];
	snprintf(label, sizeof label, "%s, coarse", what);
	check_percentiles(label, &coarse, v, n, LATENCY_COARSE_BITS);
	snprintf(label, sizeof label, "%s, fine", what);
	check_percentiles(label, &fine, v, n, LATENCY_FINE_BITS);
	CHECK_EQ("coarse: count", coarse.count, n);
	CHECK_EQ("coarse: min", coarse.min, v[0]);
	CHECK_EQ("coarse: max", coarse.max, v[n - 1]);

	latency_set_precision(&fine, LATENCY_COARSE_BITS);
	snprintf(label, sizeof label, "%s: fine made coarse = coarse", what);
	check_same_buckets(label, &fine, &coarse);
	latency_merge(&half[0], &half[1]);
	snprintf(label, sizeof label, "%s: two coarse merged = coarse of the union", what);
	check_same_buckets(label, &half[0], &coarse);

	/* A fine histogram merged with a coarse one becomes coarse, either
	 * way round, with every sample in the bucket it would have had. */
	struct latency_hist f1, f2, c1, c2;
	latency_init(&f1);
	latency_init(&f2);
	latency_init(&c1);
	latency_init(&c2);
	latency_set_precision(&c1, LATENCY_COARSE_BITS);
	latency_set_precision(&c2, LATENCY_COARSE_BITS);
	for (size_t i = 0; i < n; i++) {
		latency_add(i % 3 ? &f1 : &c1, v[i]);
		latency_add(i % 3 ? &c2 : &f2, v[i]);
	}
	latency_merge(&f1, &c1); /* fine into coarse's precision */
	latency_merge(&c2, &f2); /* a fine one into a coarse */
	if (n > LATENCY_EXACT_MAX * 3) { /* both sides have left their exact samples */
		snprintf(label, sizeof label, "%s: fine + coarse = coarse of the union", what);
		check_same_buckets(label, &f1, &coarse);
		snprintf(label, sizeof label, "%s: coarse + fine = coarse of the union", what);
		check_same_buckets(label, &c2, &coarse);
	}
	snprintf(label, sizeof label, "%s, fine + coarse", what);
	check_percentiles(label, &f1, v, n, LATENCY_COARSE_BITS);
	snprintf(label, sizeof label, "%s, coarse + fine", what);
	check_percentiles(label, &c2, v, n, LATENCY_COARSE_BITS);
	latency_free(&f1);
	latency_free(&f2);
	latency_free(&c1);
	latency_free(&c2);
	latency_free(&coarse);
	latency_free(&fine);
	latency_free(&half[0]);
	latency_free(&half[1]);
}

static void test_coarse_histogram(void)
{
	enum { N = 100000 };
	uint64_t *v = malloc(N * sizeof *v);
	if (v == NULL)
		abort();
	uint64_t state = 0x9E3779B97F4A7C15ull;

	/* random, log-uniform from 1 us to 10 s */
	for (int i = 0; i < N; i++) {
		double u = (double)(xorshift(&state) >> 11) / 9007199254740992.0;
		v[i] = (uint64_t)(1000.0 * pow(10.0, 7.0 * u));
	}
	check_coarse("log-uniform", v, N);

	/* random, uniform over 12 us .. 8 ms (the bench's spread) */
	for (int i = 0; i < N; i++)
		v[i] = 12000 + xorshift(&state) % 8000000;
	check_coarse("uniform", v, N);

	/* adversarial: every sample on the lowest value of a coarse bucket
	 * whose midpoint is 1/64 above it (the first of a power of two), with
	 * one larger sample so that max does not clamp the midpoint */
	for (int i = 0; i < N; i++)
		v[i] = (uint64_t)1 << (10 + i % 30);
	v[N - 1] = (uint64_t)1 << 45;
	check_coarse("powers of two", v, N);

	/* adversarial: just below and at each power of two, where the
	 * buckets widen */
	for (int i = 0; i < N; i++)
		v[i] = ((uint64_t)1 << (6 + i % 40)) - (i / 40) % 2;
	check_coarse("either side of powers of two", v, N);

	/* adversarial: below 32 ns every value its own bucket; then the
	 * smallest coarse buckets */
	for (int i = 0; i < N; i++)
		v[i] = xorshift(&state) % 200;
	check_coarse("0 .. 199 ns", v, N);

	/* adversarial: the largest values (the last bucket) and a few small */
	for (int i = 0; i < N; i++)
		v[i] = i % 7 ? UINT64_MAX / 3 - (uint64_t)(xorshift(&state) % 1000000) : (uint64_t)i;
	check_coarse("near 2^64", v, N);

	/* a small count: exact samples, merged exactly */
	for (int i = 0; i < 50; i++)
		v[i] = 1000 + xorshift(&state) % 100000;
	check_coarse("50 samples", v, 50);
	free(v);

	/* Bounded: a connection's histogram over 1 us .. 10 s, which at 0.2%
	 * spans thousands of counters, at 1.6% at most 32 a power of two
	 * (25 of them: 1,000 ns is in [2^9, 2^10), 10 s in [2^33, 2^34)) */
	struct latency_hist h;
	latency_init(&h);
	latency_set_precision(&h, LATENCY_COARSE_BITS);
	for (uint64_t x = 1000; x <= 10000000000ull; x += x / 97 + 1)
		latency_add(&h, x);
	checks++;
	if (h.span > 25 * 32 || h.n_buckets > 25 * 32) {
		failures++;
		printf("FAIL coarse span %u, buckets %u: more than 32 a power of two\n", h.span, h.n_buckets);
	}
	/* Never finer again. */
	latency_set_precision(&h, LATENCY_FINE_BITS);
	CHECK_EQ("coarse: not made finer", latency_precision(&h), LATENCY_COARSE_BITS);
	latency_free(&h);
}

static void test_histogram(void)
{
	enum { N = 200000 };
	uint64_t *v = malloc(N * sizeof *v);
	struct latency_hist h;
	latency_init(&h);
	uint64_t state = 88172645463325252ull, sum = 0;
	for (int i = 0; i < N; i++) {
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		/* log-uniform from 1 us to 10 s */
		double u = (double)(state >> 11) / 9007199254740992.0;
		v[i] = (uint64_t)(1000.0 * pow(10.0, 7.0 * u));
		sum += v[i];
		latency_add(&h, v[i]);
	}
	qsort(v, N, sizeof *v, compare_u64);
	static const unsigned percents[] = { 50, 90, 99 };
	for (int i = 0; i < 3; i++) {
		uint64_t exact = v[(N * (uint64_t)percents[i] + 99) / 100 - 1];
		uint64_t got = latency_percentile(&h, percents[i]);
		double err = fabs((double)got - (double)exact) / (double)exact;
		checks++;
		if (err > 0.005) {
			failures++;
			printf("FAIL p%u: %llu vs exact %llu (%.4f%%)\n", percents[i], (unsigned long long)got,
			       (unsigned long long)exact, err * 100);
		}
	}
	CHECK_EQ("hist count", h.count, N);
	CHECK_EQ("hist min", h.min, v[0]);
	CHECK_EQ("hist max", h.max, v[N - 1]);
	CHECK_EQ("hist mean", latency_mean(&h), (sum + N / 2) / N);
	checks++;
	if (h.n_buckets > 8000) {
		failures++;
		printf("FAIL histogram buckets %u: not bounded\n", h.n_buckets);
	}
	/* Small counts are exact. */
	struct latency_hist s;
	latency_init(&s);
	for (uint64_t x = 1; x <= 10; x++)
		latency_add(&s, x * 1234567);
	CHECK_EQ("small p50", latency_percentile(&s, 50), 5 * 1234567);
	CHECK_EQ("small p90", latency_percentile(&s, 90), 9 * 1234567);
	CHECK_EQ("small p99", latency_percentile(&s, 99), 10 * 1234567);
	/* Merging keeps counts and extremes. */
	latency_merge(&s, &h);
	CHECK_EQ("merge count", s.count, N + 10);
	CHECK_EQ("merge max", s.max, v[N - 1] > 10 * 1234567 ? v[N - 1] : 10 * 1234567);
	latency_free(&s);
	latency_free(&h);
	free(v);
}

/* A shrinking table gives back its high-water size and keeps every key. */
/* The keeper keeps exactly the `room` most important of a stream, whatever
 * the order they come in: checked against sorting every item (qsort), with
 * ties broken by number as folding.c does. */
struct kept_item {
	unsigned weight, number;
	int kept, let_go;
};

static int item_importance(const void *xp, const void *yp)
{
	const struct kept_item *x = xp, *y = yp;
	if (x->weight != y->weight)
		return x->weight > y->weight ? 1 : -1;
	if (x->number != y->number)
		return x->number < y->number ? 1 : -1; /* the earlier matters more */
	return 0;
}

static int by_importance_descending(const void *xp, const void *yp)
{
	return item_importance(yp, xp);
}

static void test_keeper(void)
{
	enum { N = 2000 };
	static struct kept_item items[N], sorted[N];
	const uint64_t rooms[] = { 0, 1, 2, 50, 1999, 2000, 5000 };
	uint32_t seed = 12345;
	for (size_t r = 0; r < sizeof rooms / sizeof rooms[0]; r++) {
		uint64_t room = rooms[r];
		for (unsigned i = 0; i < N; i++) {
			seed = seed * 1103515245u + 12345u;
			/* few distinct weights, so that ties are many */
			items[i] = (struct kept_item){ .weight = (seed >> 16) % 37, .number = i };
		}
		struct keeper k = { 0 };
		uint64_t let_go = 0;
		for (unsigned i = 0; i < N; i++) {
			struct kept_item *out = keeper_offer(&k, &items[i], room, item_importance);
			items[i].kept = 1;
			if (out != NULL) {
				CHECK_EQ("let go once", out->let_go, 0);
				out->kept = 0;
				out->let_go = 1;
				let_go++;
			}
		}
		uint64_t want_kept = room < N ? room : N;
		CHECK_EQ("kept count", k.n, want_kept);
		CHECK_EQ("let go count", let_go, N - want_kept);
		memcpy(sorted, items, sizeof items);
		qsort(sorted, N, sizeof sorted[0], by_importance_descending);
		for (unsigned i = 0; i < N; i++)
			CHECK_EQ("kept iff among the most important", items[sorted[i].number].kept, i < want_kept);
		keeper_free(&k);
		CHECK_EQ("freed keeper empty", k.n, 0);
	}
}

static void test_table_shrinks(void)
{
	enum { N = 4096, KEEP = 40 };
	struct u32map m;
	u32map_init_shrinking(&m, sizeof(struct ninep_request));
	for (uint32_t k = 0; k < N; k++)
		slot_set_text(u32map_insert(&m, k * 7u, 1), "/a/b", 4);
	uint32_t high = m.cap;
	for (uint32_t k = KEEP; k < N; k++)
		u32map_remove(&m, u32map_find(&m, k * 7u));
	CHECK_EQ("count after removals", m.count, KEEP);
	checks++;
	if (m.cap >= high / 8 || m.cap < KEEP * 2) {
		failures++;
		printf("FAIL table of %u kept %u slots (high water %u)\n", (unsigned)m.count, (unsigned)m.cap,
		       (unsigned)high);
	}
	unsigned found = 0;
	for (uint32_t k = 0; k < N; k++) {
		struct ninep_request *p = u32map_find(&m, k * 7u);
		found += p != NULL && k < KEEP && p->head.text_len == 4 && strcmp(slot_text(&p->head), "/a/b") == 0;
	}
	CHECK_EQ("kept keys found", found, KEEP);
	for (uint32_t k = 0; k < KEEP; k++)
		u32map_remove(&m, u32map_find(&m, k * 7u));
	CHECK_EQ("empty table's floor (tables.c INITIAL_CAP)", m.cap, 4);
	u32map_free(&m);
}

/* The text of key k in test_slot_texts: 0 to 99 bytes, so both sides of
 * SLOT_SHORT_TEXT. */
static size_t text_of_key(uint32_t k, char *buf)
{
	size_t len = (k * 37u) % 100u;
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)('a' + (k + i) % 26);
	buf[len] = '\0';
	return len;
}

/* Texts short enough to live in the slot and longer ones move with their
 * elements through growth, removals (backward shifts) and shrinking; a
 * text that grows past the slot's room keeps what it had. */
static void test_slot_texts(void)
{
	enum { N = 3000 };
	char want[128], piece[8];
	struct u32map m;
	u32map_init_shrinking(&m, sizeof(struct ninep_request));
	for (uint32_t k = 0; k < N; k++)
		slot_set_text(u32map_insert(&m, k, 1), want, text_of_key(k, want));
	for (uint32_t k = 0; k < N; k += 3)
		u32map_remove(&m, u32map_find(&m, k));
	for (uint32_t k = 0; k < N; k += 3)
		slot_set_text(u32map_insert(&m, k + N, 1), want, text_of_key(k + N, want));
	unsigned right = 0, expected = 0;
	for (uint32_t k = 0; k < 2 * N; k++) {
		int present = k < N ? k % 3 != 0 : (k - N) % 3 == 0;
		struct ninep_request *p = u32map_find(&m, k);
		if (!present) {
			right += p == NULL;
			expected++;
			continue;
		}
		size_t len = text_of_key(k, want);
		right += p != NULL && p->head.text_len == len && strcmp(slot_text(&p->head), want) == 0;
		expected++;
	}
	CHECK_EQ("texts after moves", right, expected);
	/* A text appended to past the slot's room, then set short again. */
	struct ninep_request *p = u32map_insert(&m, 7 * N, 1);
	CHECK_EQ("a new element's text is empty", strcmp(slot_text(&p->head), ""), 0);
	want[0] = '\0';
	for (unsigned i = 0; i < 20; i++) {
		snprintf(piece, sizeof piece, "/n%u", i);
		slot_append_text(&p->head, piece, strlen(piece));
		strcat(want, piece);
		CHECK_EQ("appended text", strcmp(slot_text(&p->head), want), 0);
	}
	CHECK_EQ("appended length", p->head.text_len, strlen(want));
	slot_set_text(&p->head, "/short", 6);
	CHECK_EQ("short again", strcmp(slot_text(&p->head), "/short"), 0);
	for (uint32_t k = 0; k < 2 * N; k++) {
		struct ninep_request *q = u32map_find(&m, k);
		if (q != NULL)
			u32map_remove(&m, q);
	}
	u32map_free(&m);
}

/* Three times more distinct paths than the hottest-paths table holds, so
 * every early path is evicted: the table says it is approximate, keeps a
 * path that stays hot exact, counts no path under its true count (a path
 * evicted and seen again inherits the evicted count), and its counts add
 * up to every round trip (space-saving).  Each access is a walk from the
 * attach fid and a clunk: two round trips. */
static struct msg tattach(unsigned tag, uint32_t fid)
{
	struct msg m = start(NINEP_Tattach, tag);
	put(&m, fid, 4);
	put(&m, NINEP_NOFID, 4);
	put_str(&m, "user");
	put_str(&m, "");
	return done(m);
}

static struct msg with_qid(unsigned type, unsigned tag, unsigned n_qids)
{
	struct msg m = start(type, tag);
	if (type == NINEP_Rwalk)
		put(&m, n_qids, 2);
	for (unsigned i = 0; i < n_qids; i++) {
		put(&m, 0, 1);
		put(&m, 0, 4);
		put(&m, 1000 + i, 8);
	}
	return done(m);
}

static struct msg twalk1(unsigned tag, uint32_t fid, uint32_t newfid, const char *name)
{
	struct msg m = start(NINEP_Twalk, tag);
	put(&m, fid, 4);
	put(&m, newfid, 4);
	put(&m, 1, 2);
	put_str(&m, name);
	return done(m);
}

static void access_once(struct fake *f, const char *name)
{
	send_msg(f, 0, twalk1(1, 0, 1, name));
	send_msg(f, 1, with_qid(NINEP_Rwalk, 1, 1));
	send_msg(f, 0, tclunk(1, 1));
	send_msg(f, 1, empty(NINEP_Rclunk, 1));
}

static void test_hot_paths_beyond_the_table(void)
{
	enum { N = 3 * HOT_PATHS_MAX, HOT_EVERY = 10, TWICE_AT = 5 };
	struct fake f;
	fake_open(&f, 1);
	handshake(&f);
	send_msg(&f, 0, tattach(1, 0));
	send_msg(&f, 1, with_qid(NINEP_Rattach, 1, 1));
	uint64_t hot = 0;
	for (unsigned i = 0; i < N; i++) {
		char name[32];
		if (i % HOT_EVERY == 0) {
			snprintf(name, sizeof name, "hot");
			hot++;
		} else if (i == TWICE_AT || i == N - TWICE_AT) {
			snprintf(name, sizeof name, "twice");
		} else {
			snprintf(name, sizeof name, "file%u", i);
		}
		access_once(&f, name);
	}
	fake_close(&f);

	struct access_totals t;
	access_totals(&f.a, &t);
	CHECK_EQ("accesses", t.accesses, N);
	CHECK_EQ("approximate", access_hot_paths_approximate(&f.a), 1);
	struct path_row rows[HOT_PATHS_MAX];
	size_t n = access_hot_paths(&f.a, rows, HOT_PATHS_MAX);
	CHECK_EQ("rows: the table is full", n, HOT_PATHS_MAX);
	checks++;
	if (n == 0 || strcmp(rows[0].path, "/hot") != 0) {
		failures++;
		printf("FAIL hottest path %s, want /hot\n", n ? rows[0].path : "(none)");
	} else {
		CHECK_EQ("/hot accesses, exact", rows[0].accesses, hot);
		CHECK_EQ("/hot round trips, exact", rows[0].round_trips, 2 * hot);
	}
	unsigned twice = 0, under = 0;
	uint64_t sum = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t truth = strcmp(rows[i].path, "/hot") == 0 ? 2 * hot : strcmp(rows[i].path, "/twice") == 0 ? 4 : 2;
		twice += strcmp(rows[i].path, "/twice") == 0;
		under += rows[i].round_trips < truth;
		sum += rows[i].round_trips;
	}
	CHECK_EQ("/twice listed once (seen again at the end)", twice, 1);
	CHECK_EQ("paths counted under their true count", under, 0);
	CHECK_EQ("the counts add up to every round trip", sum, 2 * (uint64_t)N);
	analysis_free(&f.a);
}

/* The tally queue runs every piece of work once, in the order queued, with
 * the bytes queued: over many turns of its ring (the main thread waiting
 * for room), and with payloads too large for a block run in their place. */
static struct {
	uint64_t next, out_of_order, bad_bytes;
} tally_seen;

struct tally_probe {
	uint64_t seq;
	size_t tail;
};

static void tally_probe_run(struct analysis *a, void *payload)
{
	(void)a;
	const struct tally_probe *p = payload;
	if (p->seq != tally_seen.next)
		tally_seen.out_of_order++;
	tally_seen.next = p->seq + 1;
	const uint8_t *tail = (const uint8_t *)(p + 1);
	for (size_t i = 0; i < p->tail; i++)
		if (tail[i] != (uint8_t)(p->seq + i))
			tally_seen.bad_bytes++;
}

static void test_tally_order(void)
{
	static uint8_t tail[200 * 1024];
	struct analysis a;
	analysis_init(&a, NULL);
	memset(&tally_seen, 0, sizeof tally_seen);
	enum { N = 100000 };
	for (uint64_t seq = 0; seq < N; seq++) {
		/* Mostly small; every 10000th larger than a block. */
		struct tally_probe p = { seq, seq % 10000 == 5000 ? sizeof tail : seq % 700 };
		for (size_t i = 0; i < p.tail; i++)
			tail[i] = (uint8_t)(seq + i);
		tally_add(&a, tally_probe_run, &p, sizeof p, tail, p.tail);
		if (seq == N / 2) {
			tally_wait(&a);
			CHECK_EQ("tally: all done at a wait", tally_seen.next, N / 2 + 1);
		}
	}
	tally_wait(&a);
	CHECK_EQ("tally: every piece run", tally_seen.next, N);
	CHECK_EQ("tally: in order", tally_seen.out_of_order, 0);
	CHECK_EQ("tally: with its bytes", tally_seen.bad_bytes, 0);
	analysis_free(&a);
}

/* ---- the JSON and CSV writers ----------------------------------------------- */

/* A temporary file for a writer's output. */
static FILE *scratch(void)
{
	FILE *f = tmpfile();
	if (f == NULL)
		abort();
	return f;
}

/* Everything written to f since it was made, NUL-terminated; *len its length. */
static char *file_text(FILE *f, size_t *len)
{
	long n = ftell(f);
	char *b = malloc((size_t)n + 1);
	if (b == NULL)
		abort();
	rewind(f);
	*len = fread(b, 1, (size_t)n, f);
	b[*len] = '\0';
	return b;
}

/* f holds exactly want; closes f. */
static void check_file(const char *what, FILE *f, const char *want)
{
	size_t n;
	char *got = file_text(f, &n);
	checks++;
	if (n != strlen(want) || memcmp(got, want, n) != 0) {
		failures++;
		printf("FAIL %s: got [%.*s], want [%s]\n", what, (int)n, got, want);
	}
	free(got);
	fclose(f);
}

/* A writer's input and the output it must give: in[0..len), NULs included. */
struct writer_case {
	const char *what, *in;
	size_t len;
	const char *want;
};
#define WRITER_CASE(what, in, want) { what, in, sizeof in - 1, want }

static void run_writer_cases(const struct writer_case *cases, size_t n, void (*write)(FILE *, const char *, size_t))
{
	for (size_t i = 0; i < n; i++) {
		FILE *f = scratch();
		write(f, cases[i].in, cases[i].len);
		check_file(cases[i].what, f, cases[i].want);
	}
}

/* Expectations written from RFC 8259 section 7 and RFC 3629 section 4
 * (the rule chosen for other bytes is json.h's). */
static const struct writer_case json_cases[] = {
	WRITER_CASE("json: plain", "/usr/lib", "\"/usr/lib\""),
	WRITER_CASE("json: empty", "", "\"\""),
	WRITER_CASE("json: quote and backslash", "a\"b\\c", "\"a\\\"b\\\\c\""),
	WRITER_CASE("json: short escapes", "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\""),
	WRITER_CASE("json: other control bytes", "\x01\x1b\x1f", "\"\\u0001\\u001b\\u001f\""),
	WRITER_CASE("json: NUL inside", "a\0b", "\"a\\u0000b\""),
	WRITER_CASE("json: DEL", "\x7f", "\"\\u007f\""),
	WRITER_CASE("json: space, slash and tilde as they are", " /~", "\" /~\""),
	/* Well-formed UTF-8, the shortest and longest of each length. */
	WRITER_CASE("json: 2 bytes", "caf\xc3\xa9", "\"caf\xc3\xa9\""),
	WRITER_CASE("json: U+00A0 and U+07FF", "\xc2\xa0\xdf\xbf", "\"\xc2\xa0\xdf\xbf\""),
	/* Characters that change how a terminal shows text (json.h): \u. */
	WRITER_CASE("json: C1 U+0080 and U+009F", "\xc2\x80\xc2\x9f", "\"\\u0080\\u009f\""),
	WRITER_CASE("json: U+202E and U+2066", "a\xe2\x80\xae\xe2\x81\xa6" "b", "\"a\\u202e\\u2066b\""),
	WRITER_CASE("json: U+2027 and U+206A as they are", "\xe2\x80\xa7\xe2\x81\xaa", "\"\xe2\x80\xa7\xe2\x81\xaa\""),
	WRITER_CASE("json: 3 bytes", "\xe2\x82\xac", "\"\xe2\x82\xac\""),
	WRITER_CASE("json: U+0800, U+D7FF, U+E000", "\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80",
		     "\"\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\""),
	WRITER_CASE("json: 4 bytes", "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""),
	WRITER_CASE("json: U+10000 and U+10FFFF", "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf",
		     "\"\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\""),
	/* Not UTF-8: each byte of it as \u00xx. */
	WRITER_CASE("json: 0xff", "\xff", "\"\\u00ff\""),
	WRITER_CASE("json: 0xfe, 0xf5", "a\xfe\xf5", "\"a\\u00fe\\u00f5\""),
	WRITER_CASE("json: stray continuation byte", "\x80x", "\"\\u0080x\""),
	WRITER_CASE("json: truncated at the end", "\xe2\x82", "\"\\u00e2\\u0082\""),
	WRITER_CASE("json: truncated before ASCII", "\xe2\x82x", "\"\\u00e2\\u0082x\""),
	WRITER_CASE("json: lone lead byte at the end", "ab\xc3", "\"ab\\u00c3\""),
	WRITER_CASE("json: truncated 4-byte", "\xf0\x9f\x98", "\"\\u00f0\\u009f\\u0098\""),
	WRITER_CASE("json: a lead byte, then a valid sequence", "\xc3\xc3\xa9", "\"\\u00c3\xc3\xa9\""),
	WRITER_CASE("json: overlong 2-byte", "\xc0\xaf", "\"\\u00c0\\u00af\""),
	WRITER_CASE("json: 0xc1", "\xc1\xbf", "\"\\u00c1\\u00bf\""),
	WRITER_CASE("json: overlong 3-byte", "\xe0\x80\xaf", "\"\\u00e0\\u0080\\u00af\""),
	WRITER_CASE("json: overlong 4-byte", "\xf0\x80\x80\xaf", "\"\\u00f0\\u0080\\u0080\\u00af\""),
	WRITER_CASE("json: surrogate U+D800", "\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\""),
	WRITER_CASE("json: beyond U+10FFFF", "\xf4\x90\x80\x80", "\"\\u00f4\\u0090\\u0080\\u0080\""),
};

static void test_json_strings(void)
{
	run_writer_cases(json_cases, sizeof json_cases / sizeof json_cases[0], json_write_string_n);
	/* json_write_string stops at the NUL. */
	FILE *f = scratch();
	json_write_string(f, "x\"\n");
	check_file("json: a C string", f, "\"x\\\"\\n\"");
}

/* Expectations written from RFC 4180 section 2 (rules 5 to 7), after the
 * text rule of escape.h (CR, LF, tab and bytes that are not UTF-8 as \xHH,
 * so a field is valid UTF-8 on one line). */
static const struct writer_case csv_cases[] = {
	WRITER_CASE("csv: plain", "/usr/lib", "/usr/lib"),
	WRITER_CASE("csv: empty", "", ""),
	WRITER_CASE("csv: spaces are part of the field", " a b ", " a b "),
	WRITER_CASE("csv: comma", "a,b", "\"a,b\""),
	WRITER_CASE("csv: quotes doubled", "say \"hi\"", "\"say \"\"hi\"\"\""),
	WRITER_CASE("csv: a lone quote", "\"", "\"\"\"\""),
	WRITER_CASE("csv: CRLF escaped, no quotes needed", "one\r\ntwo", "one\\x0d\\x0atwo"),
	WRITER_CASE("csv: LF", "one\n", "one\\x0a"),
	WRITER_CASE("csv: CR", "\rx", "\\x0dx"),
	WRITER_CASE("csv: tab escaped, UTF-8 as it is", "\tcaf\xc3\xa9", "\\x09caf\xc3\xa9"),
	WRITER_CASE("csv: invalid UTF-8 escaped", "\xff\xe2\x82", "\\xff\\xe2\\x82"),
	WRITER_CASE("csv: backslash doubled", "a\\b", "a\\\\b"),
	WRITER_CASE("csv: escaped and quoted", "\x1b,\"\xff", "\"\\x1b,\"\"\\xff\""),
};

/* Expectations written from escape.h's text rule. */
static const struct writer_case text_cases[] = {
	WRITER_CASE("text: plain", "/usr/lib", "/usr/lib"),
	WRITER_CASE("text: empty", "", ""),
	WRITER_CASE("text: printable ASCII as it is", " !\"#,<>~", " !\"#,<>~"),
	WRITER_CASE("text: backslash doubled", "a\\x1b", "a\\\\x1b"),
	WRITER_CASE("text: ESC colour sequence", "x\x1b[31mRED\x1b[0m", "x\\x1b[31mRED\\x1b[0m"),
	WRITER_CASE("text: NUL, tab, LF, CR", "\0\t\n\r", "\\x00\\x09\\x0a\\x0d"),
	WRITER_CASE("text: 0x1f and DEL", "\x1f\x7f", "\\x1f\\x7f"),
	WRITER_CASE("text: UTF-8 of 2, 3 and 4 bytes", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		     "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
	WRITER_CASE("text: U+00A0, the first after C1, as it is", "\xc2\xa0", "\xc2\xa0"),
	WRITER_CASE("text: C1 U+0080 and U+009B escaped", "\xc2\x80\xc2\x9b", "\\xc2\\x80\\xc2\\x9b"),
	WRITER_CASE("text: U+2027 kept, U+2028 and U+202E escaped", "\xe2\x80\xa7\xe2\x80\xa8\xe2\x80\xae",
		     "\xe2\x80\xa7\\xe2\\x80\\xa8\\xe2\\x80\\xae"),
	WRITER_CASE("text: U+202F kept", "\xe2\x80\xaf", "\xe2\x80\xaf"),
	WRITER_CASE("text: U+2066 and U+2069 escaped, U+2065 and U+206A kept",
		     "\xe2\x81\xa5\xe2\x81\xa6\xe2\x81\xa9\xe2\x81\xaa",
		     "\xe2\x81\xa5\\xe2\\x81\\xa6\\xe2\\x81\\xa9\xe2\x81\xaa"),
	WRITER_CASE("text: 0xff", "byte\xff.txt", "byte\\xff.txt"),
	WRITER_CASE("text: Latin-1 e-acute", "caf\xe9", "caf\\xe9"),
	WRITER_CASE("text: truncated sequence, then ASCII", "\xe2\x82x", "\\xe2\\x82x"),
	WRITER_CASE("text: a lead byte, then a valid sequence", "\xc3\xc3\xa9", "\\xc3\xc3\xa9"),
	WRITER_CASE("text: overlong slash", "\xc0\xaf", "\\xc0\\xaf"),
	WRITER_CASE("text: surrogate", "\xed\xa0\x80", "\\xed\\xa0\\x80"),
	WRITER_CASE("text: beyond U+10FFFF", "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"),
};

/* Expectations written from escape.h: the text rule, then the entities. */
static const struct writer_case html_cases[] = {
	WRITER_CASE("html: plain", "/usr/lib", "/usr/lib"),
	WRITER_CASE("html: markup and quotes", "<b>&amp;\"'", "&lt;b&gt;&amp;amp;&quot;&#39;"),
	WRITER_CASE("html: controls and invalid bytes", "a\nb\x1b\xff", "a\\x0ab\\x1b\\xff"),
	WRITER_CASE("html: backslash doubled", "\\", "\\\\"),
	WRITER_CASE("html: UTF-8 as it is", "caf\xc3\xa9", "caf\xc3\xa9"),
};

/* The text report in a <pre>: its lines and backslashes kept. */
static const struct writer_case html_pre_cases[] = {
	WRITER_CASE("html pre: lines and backslashes kept", "a\\x1b\nb <&>\n", "a\\x1b\nb &lt;&amp;&gt;\n"),
	WRITER_CASE("html pre: a stray control or invalid byte still escaped", "\x1b\xff\tcaf\xc3\xa9\n",
		     "\\x1b\\xff\\x09caf\xc3\xa9\n"),
};

static void test_escapes(void)
{
	run_writer_cases(text_cases, sizeof text_cases / sizeof text_cases[0], escape_text);
	run_writer_cases(html_cases, sizeof html_cases / sizeof html_cases[0], escape_html);
	run_writer_cases(html_pre_cases, sizeof html_pre_cases / sizeof html_pre_cases[0], escape_html_preformatted);
	for (size_t i = 0; i < sizeof text_cases / sizeof text_cases[0]; i++) {
		const struct writer_case *c = &text_cases[i];
		int unchanged = c->len == strlen(c->want) && memcmp(c->in, c->want, c->len) == 0;
		CHECK_EQ(c->what, escape_text_unchanged(c->in, c->len), unchanged);
	}
}

/* One field through the buffered writer. */
static void csv_field_to(FILE *f, const char *s, size_t len)
{
	struct csv_out w;
	csv_open(&w, f);
	csv_field(&w, s, len);
	csv_close(&w);
}

static void test_csv_fields(void)
{
	run_writer_cases(csv_cases, sizeof csv_cases / sizeof csv_cases[0], csv_field_to);

	/* Numbers, and a field larger than the buffer. */
	FILE *f = scratch();
	struct csv_out w;
	csv_open(&w, f);
	csv_u64(&w, 0);
	csv_char(&w, ',');
	csv_u64(&w, UINT64_MAX);
	csv_char(&w, ',');
	csv_i64(&w, INT64_MIN);
	csv_char(&w, ',');
	csv_i64(&w, -1);
	csv_char(&w, ',');
	csv_i64(&w, 1234567);
	csv_bytes(&w, "\r\n", 2);
	csv_close(&w);
	check_file("csv: numbers", f, "0,18446744073709551615,-9223372036854775808,-1,1234567\r\n");

	f = scratch();
	size_t big = (size_t)CSV_BUFFER + 100;
	char *in = malloc(big);
	if (in == NULL)
		abort();
	memset(in, 'a', big);
	in[big / 2] = '"';
	csv_open(&w, f);
	csv_char(&w, 'x');
	csv_field(&w, in, big);
	csv_close(&w);
	size_t n;
	char *got = file_text(f, &n);
	CHECK_EQ("csv: a field past the buffer, quoted, its quote doubled", n, 1 + big + 3);
	CHECK_EQ("csv: ... starts with its quote", got[1], '"');
	CHECK_EQ("csv: ... the doubled quote", memcmp(got + 2 + big / 2, "\"\"", 2), 0);
	CHECK_EQ("csv: ... ends with its quote", got[n - 1], '"');
	free(got);
	free(in);
	fclose(f);
}

/* The escaping of names below DIR, as ninep.1 (EXTRACT) states it. */
static void safe_case(const char *name, size_t len, const char *want)
{
	char out[SAFE_PATH_MAX + 1];
	size_t n = safe_relative_path(name, len, out, sizeof out);
	checks++;
	if (n != strlen(want) || strcmp(out, want) != 0) {
		failures++;
		printf("FAIL safe_relative_path(%.40s): got '%.80s', want '%.80s'\n", name, out, want);
	}
}

static void test_safe_names(void)
{
	safe_case("/srv/a.txt", 10, "srv/a.txt");
	safe_case("/", 1, "%2F");                 /* the root itself */
	safe_case("/a//b", 5, "a/%/b");           /* an empty element */
	safe_case("/./..", 5, "%2E/%2E%2E");      /* dots never walk */
	safe_case("/../etc", 7, "%2E%2E/etc");
	safe_case("/100%", 5, "100%25");          /* '%' itself */
	safe_case("/a\0b", 4, "a%00b");            /* NUL */
	safe_case("/\x1b[0m\n\x7f\xc3\xa9", 9, "%1B[0m%0A%7F%C3%A9");
	safe_case("(unknown)/10.0.0.1:1-10.0.0.2:564/fid-7", 39, "(unknown)/10.0.0.1:1-10.0.0.2:564/fid-7");

	/* a 300-byte element: 238 bytes, "~" and 16 hex digits */
	char name[6000];
	name[0] = '/';
	memset(name + 1, 'x', 300);
	char out[SAFE_PATH_MAX + 1];
	size_t n = safe_relative_path(name, 301, out, sizeof out);
	CHECK_EQ("a long element is cut to 255 bytes", n, 255);
	CHECK_EQ("and ends in ~ and the hash", out[255 - 17] == '~' && strspn(out + 239, "0123456789abcdef") == 16, 1);
	/* escaping never splits a %XX: 300 bytes 0x01 escape to 900 */
	memset(name + 1, 1, 300);
	n = safe_relative_path(name, 301, out, sizeof out);
	CHECK_EQ("an escaped long element is at most 255 bytes", n <= 255, 1);
	CHECK_EQ("and is cut at a whole %XX", (strchr(out, '~') - out) % 3, 0);
	/* a 5000-byte path: at most SAFE_PATH_MAX bytes, every element <= 255 */
	for (size_t i = 1; i < sizeof name; i++)
		name[i] = i % 100 == 0 ? '/' : 'p';
	n = safe_relative_path(name, sizeof name, out, sizeof out);
	CHECK_EQ("a long path fits SAFE_PATH_MAX", n <= SAFE_PATH_MAX, 1);
	size_t longest = 0, run = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || out[i] == '/') {
			longest = run > longest ? run : longest;
			run = 0;
		} else {
			run++;
		}
	}
	CHECK_EQ("every element of it at most 255 bytes", longest <= SAFE_COMPONENT_MAX, 1);
	CHECK_EQ("its rest is one hashed element with escaped slashes", strstr(out, "%2F") != NULL && strchr(out, '~') != NULL, 1);
}

int main(void)
{
	test_out_of_order_and_latency();
	test_one_message_in_pieces_and_many_in_one();
	test_flush();
	test_orphans_unanswered_and_version_reset();
	test_garbage_is_counted_and_nothing_lost();
	test_gap_resync();
	test_mid_stream_roles_from_messages();
	test_not_9p();
	test_histogram();
	test_histogram_buckets();
	test_coarse_histogram();
	test_keeper();
	test_table_shrinks();
	test_slot_texts();
	test_hot_paths_beyond_the_table();
	test_tally_order();
	test_json_strings();
	test_csv_fields();
	test_safe_names();
	test_escapes();
	printf("%d checks, %d failed\n", checks, failures);
	if (checks == 0)
		printf("FAIL: no check ran\n");
	return failures || checks == 0 ? 1 : 0;
}
