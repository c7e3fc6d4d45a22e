/*
 * Inputs: pcap in microseconds and nanoseconds, either byte order; pcapng
 * with two interfaces of different link types and resolutions, either byte
 * order; standard input; BPF filters; max_packets and *stop; and the
 * failures: not a capture, empty, missing, damaged header, truncated pcap
 * and pcapng (everything before the damage delivered, -1 with a message
 * naming the file); and files long enough to go round the read-ahead
 * thread's ring of blocks several times (readahead.c).
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAXPKT = 32, PKTSZ = 512 };

static const int64_t T0 = 1700000000LL * 1000000000 + 123456789; /* ns */

struct trace {
	uint8_t frame[MAXPKT][PKTSZ];
	struct rec_pkt p[MAXPKT];
	size_t n;
};

/* Conversation k (0, 1, ...): its own ports, link type and address family. */
static void add_conv(struct trace *t, int k, int linktype, int family, int ifid)
{
	const char *c = family == 6 ? "fd00::1" : "10.0.0.1", *s = family == 6 ? "fd00::2" : "10.0.0.2";
	uint16_t cp = (uint16_t)(30000 + k), sp = (uint16_t)(564 + k);
	struct seg segs[] = {
		{ family, c, s, cp, sp, 100, 0, TCP_SYN, NULL, 0 },
		{ family, s, c, sp, cp, 900, 101, TCP_SYN | TCP_ACK, NULL, 0 },
		{ family, c, s, cp, sp, 101, 901, TCP_ACK, NULL, 0 },
		{ family, c, s, cp, sp, 101, 901, TCP_ACK | TCP_PSH, (const uint8_t *)"request", 7 },
		{ family, s, c, sp, cp, 901, 108, TCP_ACK | TCP_PSH, (const uint8_t *)"response", 8 },
		{ family, c, s, cp, sp, 108, 909, TCP_ACK | TCP_FIN, NULL, 0 },
		{ family, s, c, sp, cp, 909, 109, TCP_ACK | TCP_FIN, NULL, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof segs / sizeof segs[0]; i++) {
		uint8_t ip[PKTSZ];
		size_t n = build_ip_tcp(&segs[i], ip, sizeof ip);
		size_t at = t->n++;
		size_t fl = wrap_link(linktype, 0, 0, ip, n, t->frame[at], PKTSZ);
		t->p[at] = (struct rec_pkt){ T0 + (int64_t)at * 1000, ifid, t->frame[at], fl, fl };
	}
}

/* Interleaves two conversations' packets: a0 b0 a1 b1 ... */
static void interleave(struct trace *t, size_t half)
{
	struct rec_pkt v[MAXPKT];
	size_t i;

	for (i = 0; i < half; i++) {
		v[2 * i] = t->p[i];
		v[2 * i + 1] = t->p[half + i];
	}
	for (i = 0; i < 2 * half; i++) {
		t->p[i] = v[i];
		t->p[i].ts_ns = T0 + (int64_t)i * 1000;
	}
}

struct result {
	struct recorder rec;
	struct capture_stats st;
	int open_ok, rc;
	int64_t last_ns;
	double progress;
	char err[512];
};

static void run(const char *path, const char *filter, uint64_t max_packets, struct result *res)
{
	struct capture_input *in;
	struct reassembler *r;

	memset(res, 0, sizeof *res);
	recorder_init(&res->rec);
	in = capture_open_file(path, filter, res->err, sizeof res->err);
	res->open_ok = in != NULL;
	if (in == NULL)
		return;
	r = reasm_new(NULL, &recorder_events, &res->rec);
	res->rc = capture_run(in, r, max_packets, NULL, res->err, sizeof res->err);
	res->st = *reasm_stats(r);
	res->last_ns = capture_last_ns(in);
	res->progress = capture_progress(in);
	reasm_free(r, res->last_ns);
	capture_close(in);
}

static int conv_ok(struct result *res, uint64_t id)
{
	return strcmp(rec_text(&res->rec, id, 0), "request") == 0 &&
	       strcmp(rec_text(&res->rec, id, 1), "response") == 0 && res->rec.conn[id].reason == CLOSE_FIN;
}

static void test_pcap_variants(void)
{
	struct trace t;
	struct result res;
	int nsec, big;

	memset(&t, 0, sizeof t);
	add_conv(&t, 0, LINKTYPE_ETHERNET, 4, 0);
	for (nsec = 0; nsec < 2; nsec++) {
		for (big = 0; big < 2; big++) {
			const char *path = tmp_path("v.pcap");
			int64_t want = T0 + 6000;
			write_pcap(path, LINKTYPE_ETHERNET, nsec, big, t.p, t.n);
			run(path, NULL, 0, &res);
			CHECK(res.open_ok && res.rc == 0);
			CHECK(conv_ok(&res, 1));
			if (!nsec)
				want -= want % 1000; /* microseconds: the nanoseconds are gone */
			CHECK_EQ_U(res.last_ns, want);
			CHECK_EQ_U(res.rec.conn[1].side[1].last_ts, want - 2000);
			CHECK(res.progress == 1.0);
			printf("  pcap %s %s-endian: ok\n", nsec ? "nanosecond" : "microsecond", big ? "big" : "little");
			recorder_free(&res.rec);
		}
	}
}

static void test_pcapng_mixed(void)
{
	struct ng_if ifs[2] = { { LINKTYPE_ETHERNET, CAPFILE_TSRESOL_NSEC }, { LINKTYPE_LINUX_SLL2, CAPFILE_TSRESOL_NONE } };
	struct trace t;
	struct result res;
	int big;

	memset(&t, 0, sizeof t);
	add_conv(&t, 0, LINKTYPE_ETHERNET, 4, 0);
	add_conv(&t, 1, LINKTYPE_LINUX_SLL2, 6, 1);
	interleave(&t, 7);
	for (big = 0; big < 2; big++) {
		const char *path = tmp_path("mixed.pcapng");
		write_pcapng(path, big, ifs, 2, t.p, t.n);
		run(path, NULL, 0, &res);
		CHECK(res.open_ok && res.rc == 0);
		if (!res.open_ok || res.rc != 0)
			fprintf(stderr, "  %s\n", res.err);
		CHECK_EQ_U(res.st.connections, 2);
		CHECK_EQ_U(res.st.packets, 14);
		CHECK(conv_ok(&res, 1) && conv_ok(&res, 2));
		CHECK(res.rec.conn[2].snapshot.side[0].family == 6);
		/* the last packet is on interface 1, in microseconds */
		CHECK_EQ_U(res.last_ns, (T0 + 13000) / 1000 * 1000);
		/* interface 0 keeps its nanoseconds */
		CHECK_EQ_U(res.rec.conn[1].side[1].last_ts, T0 + 8000);
		CHECK(res.progress == 1.0);
		recorder_free(&res.rec);
		/* a filter is compiled for each interface's link type */
		run(path, "tcp port 565", 0, &res);
		CHECK(res.open_ok && res.rc == 0);
		CHECK_EQ_U(res.st.connections, 1);
		CHECK_EQ_U(res.st.packets, 7);
		CHECK(res.rec.conn[1].snapshot.side[0].family == 6);
		recorder_free(&res.rec);
		printf("  pcapng, Ethernet + SLL2 interfaces, %s-endian: ok\n", big ? "big" : "little");
	}
}

static void test_stdin(void)
{
	struct trace t;
	struct result res;
	const char *path = tmp_path("stdin.pcap");

	memset(&t, 0, sizeof t);
	add_conv(&t, 0, LINKTYPE_RAW, 4, 0);
	write_pcap(path, LINKTYPE_RAW, 1, 0, t.p, t.n);
	if (freopen(path, "rb", stdin) == NULL) {
		CHECK(0);
		return;
	}
	run("-", NULL, 0, &res);
	CHECK(res.open_ok && res.rc == 0);
	CHECK(conv_ok(&res, 1));
	CHECK(res.progress == -1);
	recorder_free(&res.rec);
	printf("  standard input: ok\n");
}

/* libpcap reads standard input; it refuses a pcapng with mixed link types,
 * and the message must say so rather than "damaged". */
static void test_stdin_mixed(void)
{
	struct ng_if ifs[2] = { { LINKTYPE_ETHERNET, CAPFILE_TSRESOL_NSEC }, { LINKTYPE_LINUX_SLL2, CAPFILE_TSRESOL_NONE } };
	struct trace t;
	struct result res;
	const char *path = tmp_path("stdin-mixed.pcapng");

	memset(&t, 0, sizeof t);
	add_conv(&t, 0, LINKTYPE_ETHERNET, 4, 0);
	add_conv(&t, 1, LINKTYPE_LINUX_SLL2, 6, 1);
	write_pcapng(path, 0, ifs, 2, t.p, t.n);
	if (freopen(path, "rb", stdin) == NULL) {
		CHECK(0);
		return;
	}
	run("-", NULL, 0, &res);
	CHECK(res.open_ok && res.rc == -1);
	CHECK(strstr(res.err, "standard input") != NULL && strstr(res.err, "link type") != NULL);
	/* (libpcap fails on the second interface block, before any packet) */
	printf("  mixed pcapng on standard input: \"%s\"\n", res.err);
	recorder_free(&res.rec);
}

static void test_filter_and_limits(void)
{
	struct trace t;
	struct result res;
	const char *path = tmp_path("two.pcap");
	struct capture_input *in;
	struct reassembler *r;
	volatile sig_atomic_t stop = 1;
	char err[256];

	memset(&t, 0, sizeof t);
	add_conv(&t, 0, LINKTYPE_ETHERNET, 4, 0);
	add_conv(&t, 1, LINKTYPE_ETHERNET, 4, 0);
	interleave(&t, 7);
	write_pcap(path, LINKTYPE_ETHERNET, 0, 0, t.p, t.n);
	run(path, "tcp port 564", 0, &res);
	CHECK(res.open_ok && res.rc == 0);
	CHECK_EQ_U(res.st.connections, 1);
	CHECK_EQ_U(res.st.packets, 7);
	recorder_free(&res.rec);
	run(path, "tcp port", 0, &res);
	CHECK(!res.open_ok);
	CHECK(strstr(res.err, path) != NULL && strstr(res.err, "tcp port") != NULL);
	printf("  bad filter: %s\n", res.err);
	recorder_free(&res.rec);
	/* max_packets, then the rest, then *stop */
	in = capture_open_file(path, NULL, err, sizeof err);
	r = reasm_new(NULL, NULL, NULL);
	CHECK(capture_run(in, r, 3, NULL, err, sizeof err) == 0);
	CHECK_EQ_U(reasm_stats(r)->packets, 3);
	CHECK(capture_progress(in) > 0 && capture_progress(in) < 1);
	CHECK(capture_run(in, r, 0, &stop, err, sizeof err) == 0);
	CHECK_EQ_U(reasm_stats(r)->packets, 3);
	CHECK(capture_run(in, r, 0, NULL, err, sizeof err) == 0);
	CHECK_EQ_U(reasm_stats(r)->packets, 14);
	CHECK_EQ_U(reasm_stats(r)->connections, 2);
	reasm_free(r, capture_last_ns(in));
	capture_close(in);
}

static void write_bytes(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		exit(2);
	fwrite(p, 1, n, f);
	fclose(f);
}

/* Copies the first n bytes of src (all of it when shorter) to a new file. */
static const char *cut_copy(const char *src, long n, const char *name)
{
	const char *dst = tmp_path(name);
	FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
	static uint8_t buf[65536];
	if (in == NULL || out == NULL)
		exit(2);
	while (n > 0) {
		size_t got = fread(buf, 1, (size_t)n < sizeof buf ? (size_t)n : sizeof buf, in);
		if (got == 0)
			break;
		fwrite(buf, 1, got, out);
		n -= (long)got;
	}
	fclose(in);
	fclose(out);
	return dst;
}

static long file_size(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (f == NULL)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fclose(f);
	return n;
}

static void expect_open_error(const char *path, const char *words, const char *what)
{
	struct result res;

	run(path, NULL, 0, &res);
	CHECK(!res.open_ok);
	CHECK(strstr(res.err, path) != NULL);
	CHECK(strstr(res.err, words) != NULL);
	printf("  %s: \"%s\"\n", what, res.err);
	recorder_free(&res.rec);
}

static void test_errors(void)
{
	struct trace t;
	struct result res;
	const char *text = tmp_path("notes.txt"), *empty = tmp_path("empty.pcap");
	const char *pcap = tmp_path("whole.pcap"), *ng = tmp_path("whole.pcapng"), *cut;
	struct ng_if ifs[1] = { { LINKTYPE_ETHERNET, CAPFILE_TSRESOL_NSEC } };
	long size;

	write_bytes(text, "this is not a capture\n", 22);
	expect_open_error(text, "not a capture", "text file");
	write_bytes(empty, "", 0);
	expect_open_error(empty, "empty", "empty file");
	expect_open_error("/nonexistent/x.pcap", "No such file", "missing file");
	cut = tmp_path("short.pcap");
	write_bytes(cut, "\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00", 10);
	expect_open_error(cut, "header", "pcap magic, then 6 bytes");

	memset(&t, 0, sizeof t);
	add_conv(&t, 0, LINKTYPE_ETHERNET, 4, 0);
	write_pcap(pcap, LINKTYPE_ETHERNET, 1, 0, t.p, t.n);
	cut = cut_copy(pcap, 24 + 10, "hdr.pcap");
	run(cut, NULL, 0, &res);
	/* libpcap opens a file whose first record is cut, and fails on reading it */
	CHECK((!res.open_ok || res.rc == -1) && strstr(res.err, cut) != NULL);
	printf("  pcap cut in its first record: \"%s\"\n", res.err);
	recorder_free(&res.rec);
	cut = cut_copy(pcap, 20, "hdr2.pcap");
	expect_open_error(cut, "pcap", "pcap cut in its file header");

	/* cut in the middle of the 5th packet ("response"): four delivered */
	size = 24;
	for (int i = 0; i < 4; i++)
		size += 16 + (long)t.p[i].cap_len;
	cut = cut_copy(pcap, size + 16 + 30, "trunc.pcap");
	run(cut, NULL, 0, &res);
	CHECK(res.open_ok && res.rc == -1);
	CHECK(strstr(res.err, cut) != NULL && strstr(res.err, "truncated") != NULL);
	CHECK_EQ_U(res.st.packets, 4);
	CHECK(strcmp(rec_text(&res.rec, 1, 0), "request") == 0);
	CHECK(strcmp(rec_text(&res.rec, 1, 1), "") == 0);
	printf("  truncated pcap: \"%s\"\n", res.err);
	recorder_free(&res.rec);

	write_pcapng(ng, 0, ifs, 1, t.p, t.n);
	size = file_size(ng);
	cut = cut_copy(ng, size - 10, "trunc.pcapng");
	run(cut, NULL, 0, &res);
	CHECK(res.open_ok && res.rc == -1);
	CHECK(strstr(res.err, cut) != NULL && strstr(res.err, "truncated") != NULL);
	CHECK_EQ_U(res.st.packets, 6);
	CHECK(conv_ok(&res, 1)); /* both FINs lost with the last packet: closed at the end */
	printf("  truncated pcapng: \"%s\"\n", res.err);
	recorder_free(&res.rec);
	cut = cut_copy(ng, 20, "shb.pcapng");
	expect_open_error(cut, "truncated", "pcapng cut in its section header");
	cut = cut_copy(ng, 30, "idb.pcapng");
	run(cut, NULL, 0, &res);
	CHECK(res.open_ok && res.rc == -1 && strstr(res.err, cut) != NULL && strstr(res.err, "truncated") != NULL);
	printf("  pcapng cut in its interface block: \"%s\"\n", res.err);
	recorder_free(&res.rec);
	/* a damaged block length */
	{
		static uint8_t buf[65536];
		FILE *f = fopen(ng, "rb");
		size_t got = fread(buf, 1, sizeof buf, f);
		const char *bad = tmp_path("bad.pcapng");
		fclose(f);
		buf[28 + 4] = 0x7f; /* the first IDB's length */
		write_bytes(bad, buf, got);
		run(bad, NULL, 0, &res);
		CHECK(res.open_ok && res.rc == -1 && strstr(res.err, bad) != NULL && strstr(res.err, "damaged") != NULL);
		printf("  damaged pcapng: \"%s\"\n", res.err);
		recorder_free(&res.rec);
	}
}


/* ---- long files: the read-ahead ring goes round several times ---------- */

enum {
	LONG_SEGMENTS = 8000,  /* about 10 MB: the ring holds 4 MB */
	LONG_PAYLOAD = 1200,
	LONG_FRAME = LONG_PAYLOAD + 128,
};

static uint8_t long_byte(size_t i)
{
	return (uint8_t)(i * 7 + i / 251);
}

/* One connection: handshake, LONG_SEGMENTS client segments of a known byte
 * sequence, FIN both ways.  The frames are allocated; free(*frames). */
static size_t long_trace(struct rec_pkt **pkts, uint8_t **frames)
{
	size_t n = LONG_SEGMENTS + 5, at = 0;
	uint8_t payload[LONG_PAYLOAD];
	*pkts = calloc(n, sizeof **pkts);
	*frames = malloc(n * LONG_FRAME);
	if (*pkts == NULL || *frames == NULL)
		exit(2);
	uint32_t cseq = 1001, sseq = 5001;
	struct seg segs[5] = {
		{ 4, "10.0.0.1", "10.0.0.2", 40000, 564, 1000, 0, TCP_SYN, NULL, 0 },
		{ 4, "10.0.0.2", "10.0.0.1", 564, 40000, 5000, 1001, TCP_SYN | TCP_ACK, NULL, 0 },
		{ 4, "10.0.0.1", "10.0.0.2", 40000, 564, 1001, 5001, TCP_ACK, NULL, 0 },
	};
	for (size_t k = 0; k < n; k++) {
		struct seg sg;
		if (k < 3) {
			sg = segs[k];
		} else if (k < 3 + LONG_SEGMENTS) {
			size_t base = (k - 3) * LONG_PAYLOAD;
			for (size_t i = 0; i < LONG_PAYLOAD; i++)
				payload[i] = long_byte(base + i);
			sg = (struct seg){ 4, "10.0.0.1", "10.0.0.2", 40000, 564, cseq, sseq, TCP_ACK | TCP_PSH, payload,
					   LONG_PAYLOAD };
			cseq += LONG_PAYLOAD;
		} else if (k == 3 + LONG_SEGMENTS) {
			sg = (struct seg){ 4, "10.0.0.1", "10.0.0.2", 40000, 564, cseq, sseq, TCP_ACK | TCP_FIN, NULL, 0 };
		} else {
			sg = (struct seg){ 4, "10.0.0.2", "10.0.0.1", 564, 40000, sseq, cseq + 1, TCP_ACK | TCP_FIN, NULL, 0 };
		}
		uint8_t ip[LONG_FRAME];
		size_t len = build_ip_tcp(&sg, ip, sizeof ip);
		uint8_t *frame = *frames + at * LONG_FRAME;
		size_t fl = wrap_link(LINKTYPE_ETHERNET, 0, 0, ip, len, frame, LONG_FRAME);
		(*pkts)[at] = (struct rec_pkt){ T0 + (int64_t)at * 1000, 0, frame, fl, fl };
		at++;
	}
	return at;
}

/* The client's stream is a prefix of the known sequence, of at least min bytes. */
static int long_stream_ok(const struct rec_stream *st, size_t min)
{
	if (st->len < min || st->len > (size_t)LONG_SEGMENTS * LONG_PAYLOAD)
		return 0;
	for (size_t i = 0; i < st->len; i++)
		if (st->buf[i] != long_byte(i))
			return 0;
	return 1;
}

static void test_read_ahead_long(void)
{
	struct rec_pkt *pkts;
	uint8_t *frames;
	size_t n = long_trace(&pkts, &frames);
	const size_t total = (size_t)LONG_SEGMENTS * LONG_PAYLOAD;
	struct ng_if ifs[] = { { LINKTYPE_ETHERNET, CAPFILE_TSRESOL_NSEC } };

	for (int ng = 0; ng < 2; ng++) {
		const char *path = tmp_path(ng ? "long.pcapng" : "long.pcap");
		struct result res;
		if (ng)
			write_pcapng(path, 0, ifs, 1, pkts, n);
		else
			write_pcap(path, LINKTYPE_ETHERNET, 1, 0, pkts, n);

		/* all of it, in order */
		run(path, NULL, 0, &res);
		CHECK(res.open_ok && res.rc == 0);
		CHECK_EQ_U(res.st.packets, n);
		CHECK_EQ_U(res.rec.conn[1].side[0].len, total);
		CHECK(long_stream_ok(&res.rec.conn[1].side[0], total));
		CHECK(res.rec.conn[1].reason == CLOSE_FIN);
		CHECK_EQ_U(res.last_ns, T0 + (int64_t)(n - 1) * 1000);
		CHECK(res.progress == 1.0);
		recorder_free(&res.rec);

		/* stopped past the ring's size, then resumed */
		struct recorder rec;
		char err[256] = "";
		recorder_init(&rec);
		struct capture_input *in = capture_open_file(path, NULL, err, sizeof err);
		struct reassembler *r = reasm_new(NULL, &recorder_events, &rec);
		CHECK(in != NULL && r != NULL);
		CHECK(capture_run(in, r, 5000, NULL, err, sizeof err) == 0);
		CHECK_EQ_U(reasm_stats(r)->packets, 5000);
		CHECK(capture_progress(in) > 0.5 && capture_progress(in) < 0.7);
		CHECK_EQ_U(capture_last_ns(in), T0 + 4999 * 1000);
		CHECK(capture_run(in, r, 0, NULL, err, sizeof err) == 0);
		CHECK_EQ_U(reasm_stats(r)->packets, n);
		reasm_free(r, capture_last_ns(in));
		capture_close(in);
		CHECK(long_stream_ok(&rec.conn[1].side[0], total));
		recorder_free(&rec);

		/* closed early: the reading thread is stopped mid-file */
		in = capture_open_file(path, NULL, err, sizeof err);
		r = reasm_new(NULL, NULL, NULL);
		CHECK(capture_run(in, r, 10, NULL, err, sizeof err) == 0);
		reasm_free(r, capture_last_ns(in));
		capture_close(in);

		/* cut at 70 %: everything before the cut delivered, then the error */
		long size = file_size(path);
		const char *cut = cut_copy(path, size * 7 / 10, ng ? "long-cut.pcapng" : "long-cut.pcap");
		run(cut, NULL, 0, &res);
		CHECK(res.open_ok && res.rc == -1);
		CHECK(strstr(res.err, cut) != NULL);
		CHECK(long_stream_ok(&res.rec.conn[1].side[0], total * 6 / 10));
		CHECK(res.progress > 0.6 && res.progress <= 1.0);
		printf("  long %s cut at 70%%: %llu of %zu bytes delivered, \"%s\"\n", ng ? "pcapng" : "pcap",
		       (unsigned long long)res.rec.conn[1].side[0].len, total, res.err);
		recorder_free(&res.rec);
	}
	free(pkts);
	free(frames);
}

int main(void)
{
	test_pcap_variants();
	test_pcapng_mixed();
	test_filter_and_limits();
	test_errors();
	test_stdin();
	test_stdin_mixed();
	test_read_ahead_long();
	return t_summary("analyzer.capture.input");
}
