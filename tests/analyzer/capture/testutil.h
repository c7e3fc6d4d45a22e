/*
 * Shared by the capture tests: packets and capture files in the few lines
 * a test wants, made with the capture writer (tools/capwriter), and a
 * recorder of the reassembler's events.
 */
#ifndef NINEP_TESTS_CAPTURE_TESTUTIL_H
#define NINEP_TESTS_CAPTURE_TESTUTIL_H

#include "capfile.h"
#include "capture_internal.h"
#include "wire.h"

#include <stddef.h>
#include <stdint.h>

/* ---- checks */
extern int t_failures, t_checks;
#define CHECK(cond)                                                                    \
	do {                                                                           \
		t_checks++;                                                            \
		if (!(cond)) {                                                         \
			t_failures++;                                                  \
			fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                      \
	} while (0)
#define CHECK_EQ_U(a, b)                                                                               \
	do {                                                                                           \
		unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b);         \
		t_checks++;                                                                            \
		if (a_ != b_) {                                                                        \
			t_failures++;                                                                  \
			fprintf(stderr, "%s:%d: FAILED: %s == %s (%llu != %llu)\n", __FILE__, __LINE__, #a, \
				#b, a_, b_);                                                           \
		}                                                                                      \
	} while (0)
int t_summary(const char *name);

/* ---- packets: link types are LINKTYPE_* (capfile.h), flags TCP_* (wire.h) */

/* The values of DLT_RAW, which some files carry instead of LINKTYPE_RAW. */
enum { DLT_RAW_MOST = 12, DLT_RAW_OPENBSD = 14 };

/* One TCP segment to build. */
struct seg {
	int family;              /* 4 or 6 */
	const char *src, *dst;   /* textual addresses */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	const uint8_t *payload;
	size_t len;
};

/* IP packet with the segment, checksums filled in, into buf (size cap);
 * returns its length. */
size_t build_ip_tcp(const struct seg *s, uint8_t *buf, size_t cap);
/* Wraps an IP packet in a link header; returns the frame length.  vlans:
 * Ethernet tags to add; swap: NULL's AF in the other byte order. */
size_t wrap_link(int linktype, int vlans, int swap, const uint8_t *ip, size_t iplen, uint8_t *buf, size_t cap);

/* ---- files */
struct rec_pkt {
	int64_t ts_ns;
	int ifid; /* pcapng interface */
	const uint8_t *data;
	size_t cap_len, wire_len;
};
/* nsec: nanosecond magic; big: big-endian header.  A file that cannot be
 * written ends the test program with a message. */
void write_pcap(const char *path, int linktype, int nsec, int big, const struct rec_pkt *p, size_t n);
struct ng_if {
	int linktype;
	int tsresol; /* CAPFILE_TSRESOL_*; interface 0's is _NSEC or _NONE */
};
/* One in four packets follows a block of a type no reader knows. */
void write_pcapng(const char *path, int big, const struct ng_if *ifs, size_t nifs, const struct rec_pkt *p, size_t n);
/* A fresh path in a private temporary directory. */
const char *tmp_path(const char *name);

/* ---- an event recorder */
enum { REC_MAX_CONNS = 64 };
struct rec_stream {
	uint8_t *buf; /* delivered bytes; a gap is recorded as '#' bytes when marks is on */
	size_t len, cap;
	uint64_t gaps, gap_bytes;
	int64_t last_ts;
};
struct rec_conn {
	int opened, closed;
	enum close_reason reason;
	struct tcp_conn snapshot; /* copied at close */
	struct rec_stream side[2];
};
struct recorder {
	struct rec_conn conn[REC_MAX_CONNS + 1]; /* by id */
	uint64_t nconns;
	int gap_marks;       /* write '#' per gap byte into the stream */
	uint64_t ignore_id;  /* the upper half ignores this connection id */
	uint64_t order_violations; /* events after on_close, or before on_open */
};
extern const struct stream_events recorder_events;
void recorder_init(struct recorder *rc);
void recorder_free(struct recorder *rc);
/* The stream as a NUL-terminated string (for short text payloads). */
const char *rec_text(struct recorder *rc, uint64_t id, int side);

#endif
