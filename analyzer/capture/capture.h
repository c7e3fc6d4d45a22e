/*
 * From capture files (or a live interface) to ordered TCP byte streams.
 *
 * This is the analyzer's lower half: it knows link layers, IP and TCP, and
 * nothing of 9P.  It reads packets through libpcap, peels the link layer,
 * reassembles IPv4 fragments, walks IPv6 extension headers, and reassembles
 * each TCP direction into in-order bytes, which it hands to the upper half
 * through struct stream_events.  Timestamps are integer nanoseconds since
 * 1970 throughout.
 */
#ifndef NINEP_ANALYZER_CAPTURE_H
#define NINEP_ANALYZER_CAPTURE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Every timestamp handed out lies in [0, CAPTURE_MAX_NS] (2^62 ns, the year
 * 2116): a damaged or hostile capture's time saturates there, so that the
 * difference of any two timestamps fits in an int64_t.
 */
#define CAPTURE_MAX_NS ((int64_t)1 << 62)

/* One end of a TCP connection. */
struct endpoint {
	uint8_t family;   /* 4 or 6 */
	uint8_t addr[16]; /* IPv4 in the first 4 bytes */
	uint16_t port;
};

/* "127.0.0.1:5640" or "[::1]:564" into buf; returns buf. */
char *endpoint_format(const struct endpoint *e, char *buf, size_t size);
enum { ENDPOINT_STRLEN = 64 };

enum close_reason {
	CLOSE_FIN,            /* both sides sent FIN (or one FIN and the capture ended) */
	CLOSE_RST,
	CLOSE_REUSED,         /* a new SYN on the same 4-tuple started a new connection */
	CLOSE_END_OF_CAPTURE, /* still open when the input ended */
	CLOSE_LIMIT,          /* dropped because a memory ceiling was hit */
	CLOSE_IDLE,           /* silent for longer than the idle timeout (reasm_limits) */
};

/*
 * One TCP connection, owned by the reassembler.  Side 0 is the side that
 * sent the SYN when the SYN was seen, otherwise the sender of the first
 * packet; the upper half may decide that side 1 is really the client (it
 * sees which side sends 9P requests).
 */
struct tcp_conn {
	uint64_t id;              /* 1, 2, ... in order of first packet */
	struct endpoint side[2];
	/* The capture holds the connection's start.  Set before on_open when
	 * the first packet is the client's SYN (the usual case); otherwise a
	 * SYN may still come later (a retransmitted SYN after a captured
	 * SYN+ACK), so it is final only from the first on_data or on_gap: a
	 * SYN after those no longer sets it. */
	int syn_seen;
	int64_t handshake_rtt_ns; /* SYN to the ACK of SYN+ACK; -1 if not seen */
	int64_t first_ns, last_ns;
	uint64_t payload_bytes[2]; /* delivered in order, per side */
	int ignored;              /* set by the upper half: deliver nothing more */
	void *user;               /* the upper half's state for this connection */
};

/* What the reassembler tells the upper half.  Any callback may be NULL. */
struct stream_events {
	void (*on_open)(void *ctx, struct tcp_conn *conn);
	/* In-order bytes from `side`; ts_ns is the time of the packet that
	 * completed them (for out-of-order data, the packet that filled the
	 * hole).  Bytes held behind a hole that was given up (on_gap) come
	 * piece by piece, each at the time of the packet that carried it (or
	 * of a later-arriving piece before it in the stream): nothing filled
	 * that hole. */
	void (*on_data)(void *ctx, struct tcp_conn *conn, int side, const uint8_t *data, size_t len, int64_t ts_ns);
	/* `bytes` of `side` were lost: no captured packet carried them (a
	 * segment the capture dropped); the next on_data continues after them. */
	void (*on_gap)(void *ctx, struct tcp_conn *conn, int side, uint64_t bytes, int64_t ts_ns);
	/* `bytes` of `side` were sent in a captured packet whose payload the
	 * snaplen cut: where they are is known, what they are is not.  ts_ns is
	 * that packet's time.  Without this callback they come to on_gap (but
	 * count as uncaptured_bytes, not as gaps). */
	void (*on_uncaptured)(void *ctx, struct tcp_conn *conn, int side, uint64_t bytes, int64_t ts_ns);
	/* The connection ended; conn is freed after this returns. */
	void (*on_close)(void *ctx, struct tcp_conn *conn, enum close_reason reason, int64_t ts_ns);
	/* A live capture is quiet: no packet came, and its clock reads ts_ns
	 * (the system's real time, which a live capture's timestamps are).
	 * Called about every tenth of a second while nothing arrives; never
	 * for files. */
	void (*on_idle)(void *ctx, int64_t ts_ns);
};

/*
 * Memory ceilings, chosen when the reassembler is made.
 *
 * idle_timeout_ns: a connection that sent nothing either way for longer
 * than this (capture time; 0: never) is ended as CLOSE_IDLE, as if it had
 * closed: a peer that vanished without FIN or RST would otherwise hold its
 * memory for the whole of a day-long live run.  It is ended when the
 * capture's clock passes its last packet by the timeout: at the next
 * packet of any connection, or live on a quiet interface at the next
 * reasm_idle.  Its entry is forgotten at once (no linger), so when packets
 * come again on its 4-tuple they start a new connection, caught mid-stream
 * like one whose start the capture missed.
 */
struct reasm_limits {
	size_t max_out_of_order_per_stream; /* bytes held waiting for a hole */
	size_t max_out_of_order_total;
	size_t max_connections;             /* open at once */
	int64_t idle_timeout_ns;            /* silent this long: ended (0: never) */
};
/* The idle timeout by default: 5 minutes.  What it costs: a mount that is
 * left unused longer than that and then used again is picked up
 * mid-stream, so the paths of fids it made before are not known (they are
 * NINEP_PATH_UNKNOWN); what it saves: the memory of every peer that went
 * away without a FIN or RST the capture saw. */
#define REASM_IDLE_TIMEOUT_DEFAULT_S 300
#define REASM_DEFAULT_LIMITS { 1u << 20, 32u << 20, 200000, REASM_IDLE_TIMEOUT_DEFAULT_S * (int64_t)1000000000 }

/* Counters for the report. */
struct capture_stats {
	uint64_t packets, bytes;
	uint64_t non_ip, non_tcp, malformed_headers;
	uint64_t snaplen_truncated;        /* packets whose payload the snaplen cut */
	uint64_t ip_fragments, ip_reassembled, ip_fragments_dropped;
	uint64_t tcp_segments;
	uint64_t retransmissions;          /* segments repeating sequence space already seen, identical */
	uint64_t retransmission_conflicts; /* segments repeating it with different bytes (first copy wins) */
	uint64_t out_of_order;             /* segments held for a hole */
	uint64_t gaps, gap_bytes;          /* lost: no packet carried them */
	uint64_t uncaptured_bytes;         /* payload bytes the snaplen cut (not gaps) */
	uint64_t connections;
	uint64_t limit_hits;               /* a memory ceiling was hit */
	uint64_t truncated_headers;        /* the snaplen cut an IP or TCP header: packet unusable */
};

struct reassembler;
struct reassembler *reasm_new(const struct reasm_limits *limits, const struct stream_events *events, void *ctx);
/* Ends every open connection (CLOSE_END_OF_CAPTURE, at ts_ns) and frees all. */
void reasm_free(struct reassembler *r, int64_t ts_ns);
const struct capture_stats *reasm_stats(const struct reassembler *r);
/* A live capture saw no packet until ts_ns: tells on_idle. */
void reasm_idle(struct reassembler *r, int64_t ts_ns);

/* An opened input: a capture file, standard input ("-"), or an interface. */
struct capture_input;

/* 0 when the BPF filter compiles for at least one of the link types read
 * (filter.c); else -1 with libpcap's message in err. */
int capture_filter_check(const char *filter, char *err, size_t errlen);

/* NULL on failure with a message naming the file and the problem in err. */
struct capture_input *capture_open_file(const char *path, const char *bpf_filter, char *err, size_t errlen);
/* buffer_kib: the kernel's capture buffer in KiB, as tcpdump -B; 0 leaves
 * libpcap's default (2 MiB on Linux). */
struct capture_input *capture_open_live(const char *iface, const char *bpf_filter, int buffer_kib, char *err,
					size_t errlen);

/*
 * Feed every packet of the input to the reassembler, until the input ends,
 * max_packets (0: no limit) have been read, or *stop becomes non-zero.
 * Returns 0 when the input ended cleanly, -1 when it was damaged (truncated
 * file, read error): err says where, and everything before was delivered.
 */
int capture_run(struct capture_input *in, struct reassembler *r, uint64_t max_packets, volatile sig_atomic_t *stop,
		char *err, size_t errlen);
/* How far through the input we are, 0..1, or -1 when unknown (live, stdin). */
double capture_progress(const struct capture_input *in);
/* Timestamp of the last packet read (for reasm_free). */
int64_t capture_last_ns(const struct capture_input *in);
void capture_close(struct capture_input *in);
/*
 * Live capture conventions, as tcpdump's.  capture_describe_live: the line
 * "listening on IFACE, link-type EN10MB (Ethernet), snapshot length 262144
 * bytes" (without a newline) into buf.  capture_drops: what libpcap's
 * pcap_stats says the kernel and the interface dropped since the capture
 * began; -1 when the input has no such counters (a file, standard input).
 */
void capture_describe_live(const struct capture_input *in, char *buf, size_t size);
/*
 * The link type of the input's packets (a LINKTYPE_/DLT_ number): a pcap
 * file's or an interface's; a pcapng's interfaces' so far, or
 * CAPTURE_LINK_TYPES_MIXED when they differ; -1 before any is known.
 * capture_link_type_name: "Ethernet", or libpcap's description of a type
 * we cannot read ("802.11"), in buf if need be.  A file of a type we
 * cannot read is read, its packets counted as not IP.
 */
enum { CAPTURE_LINK_TYPES_MIXED = -2 };
int capture_link_type(const struct capture_input *in);
const char *capture_link_type_name(int linktype, char *buf, size_t size);
int capture_link_type_readable(int linktype);
/* The number a capture file's header holds for this link type (LINKTYPE_,
 * tcpdump.org/linktypes.html): the link types above are libpcap's DLT_
 * values for a pcap file or an interface, which differ from those for a
 * few types (raw IP: DLT_RAW is 12, or 14 on OpenBSD; LINKTYPE_RAW 101).
 * -1 (not yet known) and CAPTURE_LINK_TYPES_MIXED stay as they are. */
int capture_link_type_number(int linktype);
struct capture_drops {
	uint64_t kernel, interface;
};
int capture_drops(const struct capture_input *in, struct capture_drops *out);
/*
 * Make a capture_run in progress return as soon as it can.  Safe to call
 * from a signal handler: a live capture on an idle interface is blocked in
 * libpcap, which retries an interrupted wait unless told to break.
 */
void capture_interrupt(struct capture_input *in);

#endif
