/*
 * With a second argument, the generated captures (captures/generated): the
 * TCP-level keys of each .expected (connections, gaps, gap_bytes,
 * retransmissions, retransmission_conflicts, uncaptured_bytes) must be what
 * we count.
 *
 * The real captures in captures/real: every one must reassemble with no gap
 * and no conflict, into as many connections as its .expected file says, and
 * every direction must frame into 9P messages (size[4] first) with only as
 * many bytes left over as the file's not_9p_bytes (a server that writes its
 * error message to the connection), which checks the bytes themselves, not
 * only the counters.
 */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	NINEP_HDR = 7,                   /* size[4] type[1] tag[2] */
	NINEP_MAX_MSG = 16 * 1024 * 1024, /* larger than any msize in the captures */
};

static long expected(const char *pcap, const char *key)
{
	char path[4096], line[512];
	size_t n = strlen(pcap);
	long v = -1;
	FILE *f;

	if (n < 5 || n + 5 >= sizeof path)
		return -1;
	snprintf(path, sizeof path, "%.*s.expected", (int)(n - 5), pcap);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		size_t k = strlen(key);
		if (strncmp(line, key, k) == 0 && line[k] == ' ')
			v = strtol(line + k + 1, NULL, 10);
	}
	fclose(f);
	return v;
}

/* The bytes left after the plausible 9P messages at the start of buf. */
static size_t frame(const uint8_t *buf, size_t len, size_t *messages)
{
	size_t off = 0;

	*messages = 0;
	while (off < len) {
		uint32_t size;
		if (len - off < 4)
			break;
		size = rd_le32(buf + off);
		if (size < NINEP_HDR || size > NINEP_MAX_MSG || size > len - off)
			break;
		off += size;
		(*messages)++;
	}
	return len - off;
}

/* A generated capture: the TCP-level keys of its .expected must be ours. */
static void one_generated(const char *path, size_t extlen)
{
	static const char *const keys[] = { "connections", "gaps", "gap_bytes", "retransmissions",
					    "retransmission_conflicts", "uncaptured_bytes" };
	char err[512] = "", exp[4096];
	struct reassembler *r;
	struct capture_input *in;
	const struct capture_stats *st;
	uint64_t got[6];
	size_t k;
	int bad = 0;

	snprintf(exp, sizeof exp, "%.*s.pcap", (int)(strlen(path) - extlen), path);
	in = capture_open_file(path, NULL, err, sizeof err);
	CHECK(in != NULL);
	if (in == NULL) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	r = reasm_new(NULL, NULL, NULL);
	CHECK(capture_run(in, r, 0, NULL, err, sizeof err) == 0);
	st = reasm_stats(r);
	got[0] = st->connections;
	got[1] = st->gaps;
	got[2] = st->gap_bytes;
	got[3] = st->retransmissions;
	got[4] = st->retransmission_conflicts;
	got[5] = st->uncaptured_bytes;
	for (k = 0; k < 6; k++) {
		long want = expected(exp, keys[k]);
		if (want < 0)
			continue;
		CHECK_EQ_U(got[k], (unsigned long long)want);
		if (got[k] != (uint64_t)want) {
			fprintf(stderr, "%s: %s %llu, expected %ld\n", path, keys[k], (unsigned long long)got[k], want);
			bad = 1;
		}
	}
	printf("%s: %llu connections, %llu gaps (%llu bytes), %llu retransmissions, %llu conflicts: %s\n", path,
	       (unsigned long long)got[0], (unsigned long long)got[1], (unsigned long long)got[2],
	       (unsigned long long)got[3], (unsigned long long)got[4], bad ? "WRONG" : "as expected");
	reasm_free(r, capture_last_ns(in));
	capture_close(in);
}

static void one_capture(const char *path)
{
	char err[512] = "";
	struct recorder rc;
	struct reassembler *r;
	struct capture_input *in;
	const struct capture_stats *st;
	long want = expected(path, "connections"), not9p = expected(path, "not_9p_bytes");
	uint64_t id, messages = 0, closed = 0, gaps, conflicts, conns, left = 0;
	int rc_run;

	recorder_init(&rc);
	in = capture_open_file(path, NULL, err, sizeof err);
	CHECK(in != NULL);
	if (in == NULL) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	r = reasm_new(NULL, &recorder_events, &rc);
	rc_run = capture_run(in, r, 0, NULL, err, sizeof err);
	CHECK(rc_run == 0);
	CHECK(capture_progress(in) == 1.0);
	st = reasm_stats(r);
	gaps = st->gaps;
	conflicts = st->retransmission_conflicts;
	conns = st->connections;
	CHECK_EQ_U(gaps, 0);
	CHECK_EQ_U(conflicts, 0);
	CHECK(want >= 0);
	CHECK_EQ_U(conns, (unsigned long long)want);
	CHECK_EQ_U(st->malformed_headers + st->truncated_headers, 0);
	reasm_free(r, capture_last_ns(in));
	capture_close(in);
	CHECK_EQ_U(rc.order_violations, 0);
	for (id = 1; id <= rc.nconns && id <= REC_MAX_CONNS; id++) {
		struct rec_conn *c = &rc.conn[id];
		int s;
		closed += c->closed;
		CHECK(c->snapshot.syn_seen);
		CHECK(c->snapshot.handshake_rtt_ns >= 0);
		for (s = 0; s < 2; s++) {
			size_t m = 0;
			left += frame(c->side[s].buf, c->side[s].len, &m);
			CHECK_EQ_U(c->snapshot.payload_bytes[s], c->side[s].len);
			messages += m;
		}
	}
	CHECK_EQ_U(closed, rc.nconns);
	CHECK(not9p >= 0);
	CHECK_EQ_U(left, (unsigned long long)not9p);
	printf("%s: %llu connections (expected %ld), %llu 9P messages, %llu bytes not 9P (expected %ld), "
	       "%llu gaps, %llu conflicts\n",
	       path, (unsigned long long)conns, want, (unsigned long long)messages, (unsigned long long)left, not9p,
	       (unsigned long long)gaps, (unsigned long long)conflicts);
	recorder_free(&rc);
}

/* Every capture in dir: the real ones framed as 9P, the generated ones
 * against their TCP keys.  Returns how many. */
static int each_capture(const char *dir, int generated)
{
	struct dirent *e;
	int files = 0;
	DIR *d = opendir(dir);

	if (d == NULL) {
		perror(dir);
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name), ext = 0;
		char path[4096];
		if (n > 5 && strcmp(e->d_name + n - 5, ".pcap") == 0)
			ext = 5;
		else if (n > 7 && strcmp(e->d_name + n - 7, ".pcapng") == 0)
			ext = 7;
		if (ext == 0 || (!generated && ext != 5))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (generated)
			one_generated(path, ext);
		else
			one_capture(path);
		files++;
	}
	closedir(d);
	return files;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "captures/real";

	CHECK(each_capture(dir, 0) > 0);
	/* captures/generated (a second argument), when it is there */
	if (argc > 2)
		each_capture(argv[2], 1);
	return t_summary("analyzer.capture.real");
}
