/*
 * Private to analyzer/capture/: the layers talk to each other through these.
 * Several files of one capture are put in timestamp order by merge.c (merge.h).
 * Packets go input.c/pcapfile.c/pcapng.c (through readahead.c for a file) -> frame
 * parsing, without state: link.c -> ip.c -> tcp.c (tcp_parse) -> frame.c,
 * which counts the frame and hands fragments to frag.c and segments to
 * tcp.c's reassembler, which finds connections through conntable.c.
 */
#ifndef NINEP_ANALYZER_CAPTURE_INTERNAL_H
#define NINEP_ANALYZER_CAPTURE_INTERNAL_H

#include "capture.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- byte readers: callers have already checked the length */
static inline uint16_t rd_be16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}
static inline uint32_t rd_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline uint16_t rd_le16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[1] << 8 | p[0]);
}
static inline uint32_t rd_le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* ---- TCP sequence space: compare by the signed 32-bit difference so that
 * comparisons stay right across the 2^32 wrap (RFC 793 / libnids style). */
static inline int32_t seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}
static inline int seq_lt(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) < 0;
}
static inline int seq_le(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) <= 0;
}
static inline int seq_gt(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) > 0;
}

enum {
	IPPROTO_NUM_TCP = 6,
	IP_FAMILY_V4 = 4,
	IP_FAMILY_V6 = 6,
};

/* ---- link.c: LINKTYPE_/DLT_ values we understand */
int link_supported(int linktype);
const char *link_name(int linktype);

/* ---- frag.c: IPv4 and IPv6 fragment reassembly */
struct frag_table;
struct frag_table *frag_new(void);
void frag_free(struct frag_table *ft);

/*
 * One fragment.  `off` is the byte offset of `data` in the original
 * datagram's payload, `wire_len` its length on the wire, `cap_len` how much
 * of it was captured.  `more` is the MF flag.  proto is the upper protocol
 * (IPv4: from every fragment; IPv6: the fragment header's next header,
 * meaningful in the first fragment).
 */
struct frag_in {
	uint8_t family;
	const uint8_t *src, *dst; /* 4 or 16 bytes */
	uint32_t id;
	uint8_t proto;
	uint32_t off;
	const uint8_t *data;
	size_t cap_len, wire_len;
	int more;
	int64_t ts_ns;
};

/* A reassembled datagram payload: valid until the next frag_add. */
struct frag_out {
	uint8_t proto;
	const uint8_t *data;
	size_t cap_len, wire_len;
};

/* 1: complete (out filled), 0: kept waiting, -1: dropped (counted). */
int frag_add(struct frag_table *ft, const struct frag_in *in, struct frag_out *out, struct capture_stats *st);

/* ---- conntable.c: connections by canonical 4-tuple */
/* One byte range held out of order: data == NULL means "known, but the
 * snaplen cut it" and becomes a gap when its turn comes. */
struct held_seg {
	struct held_seg *next;
	uint32_t seq;
	uint32_t len;
	int64_t ts;    /* of the packet that carried it: its time if a gap, not a fill, releases it */
	uint8_t *data; /* points just after this struct (one allocation) */
};

/* A fingerprint of a piece of stream already delivered, kept to tell an
 * identical retransmission from a conflicting one (tcp.c). */
enum { RECENT_PRINTS = 4 };
struct seg_print {
	uint32_t seq, len; /* len 0: unused */
	uint64_t sum;
};

/* One direction of a connection. */
struct half {
	int started;      /* next is meaningful */
	uint32_t next;    /* next sequence number to deliver */
	int have_isn;
	uint32_t isn;
	int fin;          /* FIN seen at fin_seq */
	uint32_t fin_seq;
	struct held_seg *held; /* out-of-order, sorted, non-overlapping */
	size_t held_bytes;     /* charged against the ceilings */
	uint8_t nextprint;     /* the oldest of prints, replaced next */
	struct seg_print prints[RECENT_PRINTS]; /* the last pieces delivered */
};

enum conn_state {
	CONN_OPEN,
	CONN_CLOSED, /* on_close done; kept a while to absorb late packets */
};

struct conn {
	struct tcp_conn pub; /* what the upper half sees */
	struct conn *hnext;  /* hash chain */
	uint32_t hash;       /* beside hnext: a chain walk reads one line per entry */
	struct conn *lru_prev, *lru_next; /* oldest activity first */
	enum conn_state state;
	int released;        /* ignored: buffers already freed */
	int64_t syn_ns;      /* -1 until the SYN is seen */
	int synack_seen;
	int told;            /* on_data or on_gap was called: pub.syn_seen is final */
	/* perf: the fields above and each half's up to its prints, which a
	 * packet reads, before the prints (one of which it writes) and the
	 * fields of a closed conn: cachegrind with a 512 KiB first level
	 * (the machine's L2), 300,000 packets of `interleaved` over 1,000
	 * connections: 10.54 M -> 10.30 M misses (-2.2 %, two runs each);
	 * `short` and `mix` within the noise (doc/performance.md,
	 * 2026-12-03, branch h20a). */
	struct half half[2];
	int64_t closed_ns;
};

struct conntable;
struct conntable *conntable_new(void);
void conntable_free(struct conntable *t); /* frees every conn (no events) */
/* The same for both directions of a 4-tuple. */
uint32_t conntable_hash(const struct endpoint *a, const struct endpoint *b);
/* The conn for this 4-tuple in either direction, or NULL; *side is the
 * side that src is.  hash is conntable_hash(src, dst). */
struct conn *conntable_find(struct conntable *t, const struct endpoint *src, const struct endpoint *dst, uint32_t hash,
			    int *side);
/* A new zeroed conn with side[0]=a, side[1]=b, inserted and made newest. */
struct conn *conntable_add(struct conntable *t, const struct endpoint *a, const struct endpoint *b);
void conntable_remove(struct conntable *t, struct conn *c); /* unlinks and frees */
void conntable_touch(struct conntable *t, struct conn *c);    /* made newest */
struct conn *conntable_oldest(const struct conntable *t); /* open, least recently active */
size_t conntable_count(const struct conntable *t);
/* Moves an open conn to the closed list (state CONN_CLOSED), where it stays
 * until removed so that late packets of a finished connection are absorbed. */
void conntable_retire(struct conntable *t, struct conn *c);
struct conn *conntable_oldest_retired(const struct conntable *t);
size_t conntable_retired(const struct conntable *t);
/* Every conn, in an array the caller frees, sorted by pub.id. */
struct conn **conntable_all(const struct conntable *t, size_t *n);

/* ---- tcp.c, the reassembler */
struct reassembler {
	struct reasm_limits lim;
	struct stream_events ev;
	void *ctx;
	struct capture_stats st;
	struct conntable *conns;
	size_t open_conns;
	size_t held_total;
	uint64_t next_id;
	struct frag_table *frags;
};

/* ---- a frame's headers, read without any state
 *
 * frame_parse (link.c, then ip.c, then tcp.c) reads what a frame's headers
 * say and touches nothing else, so the reading thread (readahead.c) can do
 * it ahead of the reassembler; reasm_frame (frame.c) then counts the frame
 * and hands it on.  Offsets are from the start of the bytes parsed (the
 * frame, or a reassembled datagram), so a view stays right wherever those
 * bytes are copied.
 */
enum frame_kind {
	FRAME_TCP,       /* a TCP segment: src, dst and tcp are set */
	FRAME_FRAGMENT,  /* an IPv4 or IPv6 fragment: src, dst and frag are set */
	FRAME_NON_IP,
	FRAME_NON_TCP,
	FRAME_TRUNCATED, /* the snaplen cut a link, IP or TCP header */
	FRAME_MALFORMED, /* a header contradicts itself or the lengths */
};

struct tcp_view {
	uint32_t hash;           /* conntable_hash(src, dst) */
	uint32_t seq, ack;
	uint8_t flags;
	size_t payload_off;      /* after the TCP header */
	size_t payload_cap;      /* captured payload bytes */
	size_t payload_wire;     /* payload bytes on the wire (sequence space) */
	uint64_t payload_sum;    /* tcp_fingerprint of the captured payload */
};

struct fragment_view {
	uint32_t id;
	uint8_t proto;           /* IPv4: the protocol; IPv6: the fragment's next header */
	uint32_t offset;         /* of the data in the original datagram's payload */
	int more;
	size_t data_off, cap_len, wire_len;
};

struct frame_view {
	enum frame_kind kind;
	struct endpoint src, dst; /* ports set for FRAME_TCP only */
	union {
		struct tcp_view tcp;
		struct fragment_view frag;
	};
};

/* link.c: a frame of the given LINKTYPE_/DLT_ value. */
void frame_parse(int linktype, const uint8_t *frame, size_t cap_len, size_t wire_len, struct frame_view *v);
/* ip.c: an IPv4 or IPv6 packet at base + off; version 4 or 6 when the link
 * layer said which, 0 to go by the version nibble. */
void ip_parse(int version, const uint8_t *base, size_t off, size_t cap_len, size_t wire_len, struct frame_view *v);
/* ip.c: the payload of a datagram frag.c put together from the fragments
 * that `v` (the last of them) belongs to. */
void ip_parse_reassembled(const struct frag_out *out, struct frame_view *v);
/* tcp.c: a TCP segment at base + off; v->src and v->dst are its addresses. */
void tcp_parse(const uint8_t *base, size_t off, size_t cap_len, size_t wire_len, struct frame_view *v);
/* tcp.c: what tells an identical retransmission from a conflicting one. */
uint64_t tcp_fingerprint(const uint8_t *p, size_t n);

/* tcp.c: one TCP segment, `base` holding the bytes v was parsed from. */
void tcp_segment_input(struct reassembler *r, const uint8_t *base, const struct frame_view *v, int64_t ts_ns);

/*
 * frame.c: one captured frame through the reassembler.  reasm_packet reads
 * the headers itself; reasm_frame takes a view made by frame_parse (of
 * `frame`, with the same lengths).  reasm_packet is the entry point below
 * the file readers, and what tests and fuzzers call.
 */
void reasm_frame(struct reassembler *r, const uint8_t *frame, size_t wire_len, const struct frame_view *v,
		 int64_t ts_ns);
void reasm_packet(struct reassembler *r, int linktype, const uint8_t *frame, size_t cap_len, size_t wire_len,
		  int64_t ts_ns);

/* ---- a packet as input.c reads it, directly or through readahead.c */
struct input_packet {
	int linktype;
	const uint8_t *data;
	uint32_t cap_len;
	uint64_t wire_len;
	int64_t ts_ns;
	double progress; /* how far through the file the packet ends, 0..1, or -1 */
	const struct frame_view *view; /* its headers read already, or NULL */
};
/* What a packet source returns: a packet (valid until the next call), the
 * clean end, damage (err says how), or nothing yet (a live capture's
 * timeout; files never say it). */
enum { INPUT_DAMAGED = -1, INPUT_END = 0, INPUT_PACKET = 1, INPUT_IDLE = 2 };
typedef int (*input_source_fn)(void *source, struct input_packet *pkt, char *err, size_t errlen);

/* ---- input.c, for merge.c: an input's packets one at a time */
enum { CAPTURE_READ_AHEAD = 1 }; /* a regular file may be read on a thread of its own */
/* capture_open_file with flags: without CAPTURE_READ_AHEAD the file is read
 * on the caller's thread, through a small buffer. */
struct capture_input *capture_open_file_with(const char *path, const char *bpf_filter, int flags, char *err,
					     size_t errlen);
/* The next packet (INPUT_*), valid until the next call on this input: each
 * input keeps its own, so several inputs can each hold one. */
int capture_pull(struct capture_input *in, struct input_packet *pkt, char *err, size_t errlen);
/* A pulled packet through the reassembler, as capture_run does. */
void capture_deliver(struct capture_input *in, struct reassembler *r, const struct input_packet *pkt);
int capture_is_regular(const struct capture_input *in); /* can be opened again from its path */
int capture_reads_ahead(const struct capture_input *in); /* has (or will start) a reading thread */
long long capture_size(const struct capture_input *in); /* bytes, 0 when unknown */

/* ---- readahead.c: a thread reading the packets of a file ahead */
struct readahead;
/* Starts the thread, which calls `next` there; NULL when it cannot (the
 * caller then reads itself). */
struct readahead *readahead_start(input_source_fn next, void *source);
/* The next packet, in order, with the source's result: the packet stays
 * valid until the next call; after the end every call repeats it. */
int readahead_next(struct readahead *ra, struct input_packet *pkt, char *err, size_t errlen);
/* Stops the thread (wherever it is in the file) and frees everything. */
void readahead_stop(struct readahead *ra);

/* ---- pcapfile.c: our own reader of classic pcap records, for files
 * libpcap has opened and checked */
struct pcapfile;
struct pcapfile_packet {
	const uint8_t *data; /* valid until the next call */
	uint32_t cap_len;
	uint64_t wire_len;
	int64_t ts_sec, ts_frac_ns; /* as libpcap gives them, signed */
	long long end_offset;       /* where the record ends in the file */
};
/* Records from `offset` of the file `fd` (read with pread; the caller keeps
 * it open), in the byte order and time unit of its header.  NULL when out
 * of memory. */
struct pcapfile *pcapfile_open(int fd, long long offset, int swapped, int nsec, uint32_t snapshot);
/* 1: a packet, 0: clean end, -1: damaged, with libpcap's words in why. */
int pcapfile_next(struct pcapfile *f, struct pcapfile_packet *pkt, char *why, size_t whylen);
void pcapfile_close(struct pcapfile *f);

/* ---- pcapng.c: our own reader, for files libpcap refuses */
struct pcapng_reader;
struct pcapng_packet {
	int linktype;
	const uint8_t *data;
	size_t cap_len, wire_len;
	int64_t ts_ns;
};
/* fp is owned by the reader from here on.  NULL with err filled. */
struct pcapng_reader *pcapng_open(FILE *fp, const char *name, const char *bpf_filter, char *err, size_t errlen);
/* 1: a packet, 0: clean end, -1: damaged (err names the file and problem). */
int pcapng_next(struct pcapng_reader *rd, struct pcapng_packet *pkt, char *err, size_t errlen);
double pcapng_progress(const struct pcapng_reader *rd);
/* The interfaces' link type so far (capture_link_type). */
int pcapng_link_type(const struct pcapng_reader *rd);
void pcapng_close(struct pcapng_reader *rd);

#endif
