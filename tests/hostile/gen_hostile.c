/*
 * gen_hostile: writes one hostile capture for tests/hostile/run_hostile.py.
 *
 *   gen_hostile --list
 *   gen_hostile CASE OUT.pcap
 *
 * Each case is a capture no honest peer sends: sizes that claim 4 GiB, every
 * tag outstanding, 100,000 connections, 100 MB without a message boundary,
 * one-byte segments, holes that never fill, walks of 65,535 names, strings
 * that claim 65,535 bytes, paths nested without end.  The large ones are
 * never committed: the test writes them to a temporary folder, runs both
 * tools on them and deletes them.
 *
 * After writing the capture, it prints on standard output the facts that
 * must still hold, one "key value" per line (the keys of captures/README.md
 * where they apply, plus a few of its own, documented in README.md here).
 *
 * Ethernet, IPv4, TCP, a pcap with microsecond timestamps, server port 564,
 * correct IP and TCP checksums, full SYN handshakes.  Deterministic: fixed
 * timestamps, addresses and ISNs, no randomness.  9P messages are encoded
 * by hand, with <ninep/protocol.h> for numbers and wire sizes only, so the
 * decoder under test plays no part in making its input.  The encoding, the
 * headers below 9P and the pcap file come from the capture writer all
 * generators share (tools/capwriter); the cases are this file's.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ninep/protocol.h>

#include "bytes.h"
#include "capfile.h"
#include "msgs.h"
#include "wire.h"

/* ---- sizes of everything below 9P ---------------------------------------- */
enum {
	PCAP_SNAPLEN = 65535,
	TCP_WINDOW = 65535,
	TCP_MSS = 1448,
	SERVER_PORT = 564,
	CLIENT_PORT_BASE = 40000,
	CLIENT_PORTS = 20000,
};

#define CAPTURE_START_SEC 1704067200u /* 2024-01-01T00:00:00Z, as captures/generated */
#define USEC_PER_SEC 1000000u
#define NSEC_PER_USEC 1000u
#define PACKET_GAP_US 10u             /* between two frames */
#define ISN_CLIENT 0x10000000u
#define ISN_SERVER 0x20000000u
#define ISN_STRIDE 0x10000u           /* between the ISNs of consecutive connections */

/* A direction is the side that sends: the client sends to the server. */
enum direction { TO_SERVER = CONN_CLIENT, TO_CLIENT = CONN_SERVER };

/* ---- 9P sizes used by the cases ------------------------------------------- */
enum {
	MSIZE_SMALL = 8192 + 24,  /* what Linux v9fs asks for with 8 KiB data */
	MSIZE_LARGE = 1u << 20,   /* room for a walk of 65,535 names and an Rwalk of 65,535 qids */
	LINUX_EINVAL = 22,
	GETATTR_BASIC_MASK = 0x7ff,
	/* Encoding buffer: the largest message any case writes whole (an Rwalk of
	 * 65,535 qids is 851,966 bytes). */
	MESSAGE_MAX = 1u << 20,
	/* Bytes queued in one direction before they go out as segments. */
	QUEUE_MAX = 2u << 20,
};

/* The ceiling the tools apply to a fid's path (NINEP_PATH_MAX): the nested
 * case makes every path far longer than this. */
enum { PATH_CEILING = 4096 };

static const uint8_t server_mac[MAC_LEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t client_mac[MAC_LEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
static const uint8_t server_ip[IPV4_ADDR_LEN] = {10, 0, 0, 1};

/* ---- output ----------------------------------------------------------------- */
struct capture_out {
	struct capfile *file;
	uint64_t now_us;
	uint64_t packets;
};

struct conn {
	struct eth_ipv4_conn tcp; /* addresses, ports, sequence numbers */
	uint16_t ip_id;           /* one counter for both directions */
	/* Bytes written but not yet sent, one direction at a time. */
	enum direction queued_dir;
	size_t queued;
};

static struct capture_out out;
static uint8_t frame[ETH_IPV4_TCP_FRAME_MAX(TCP_MSS)];
static struct buf message; /* the message being encoded, at most MESSAGE_MAX */
static uint8_t queue[QUEUE_MAX];

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "gen_hostile: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	exit(1);
}

/* One TCP segment of at most TCP_MSS payload bytes, as captured. */
static void segment(struct conn *c, enum direction dir, uint8_t flags, const uint8_t *payload, size_t len)
{
	if (len > TCP_MSS)
		die("internal error", "segment above the MSS");
	size_t frame_len = eth_ipv4_conn_segment(frame, &c->tcp, dir, c->ip_id++, flags, payload, len);

	out.now_us += PACKET_GAP_US;
	capfile_write(out.file, out.now_us * NSEC_PER_USEC, frame, frame_len);
	out.packets++;
}

/* Sequence space the sender used but the capture never saw. */
static void lose(struct conn *c, enum direction dir, size_t len)
{
	c->tcp.next_seq[dir] += (uint32_t)len;
}

static void conn_init(struct conn *c, uint32_t index)
{
	memset(c, 0, sizeof *c);
	/* 10.128.0.0/9 for clients: index up to 2^23 stays distinct. */
	const uint8_t client_ip[IPV4_ADDR_LEN] = {10, (uint8_t)(128 | (index >> 16)), (uint8_t)(index >> 8),
						  (uint8_t)index};
	const struct eth_ipv4_endpoint client = {client_mac, client_ip, (uint16_t)(CLIENT_PORT_BASE + index % CLIENT_PORTS),
						 ISN_CLIENT + index * ISN_STRIDE};
	const struct eth_ipv4_endpoint server = {server_mac, server_ip, SERVER_PORT, ISN_SERVER + index * ISN_STRIDE};
	eth_ipv4_conn_init(&c->tcp, &client, &server, TCP_WINDOW);
}

static void handshake(struct conn *c)
{
	segment(c, TO_SERVER, TCP_SYN, NULL, 0);
	segment(c, TO_CLIENT, TCP_SYN | TCP_ACK, NULL, 0);
	segment(c, TO_SERVER, TCP_ACK, NULL, 0);
}

/* Sends what is queued as MSS-sized segments. */
static void flush(struct conn *c)
{
	for (size_t at = 0; at < c->queued; at += TCP_MSS) {
		size_t n = c->queued - at < TCP_MSS ? c->queued - at : TCP_MSS;
		segment(c, c->queued_dir, TCP_ACK | TCP_PSH, queue + at, n);
	}
	c->queued = 0;
}

/* Queues bytes in one direction; a change of direction sends the others
 * first, so a reply never precedes its request. */
static void send_bytes(struct conn *c, enum direction dir, const uint8_t *p, size_t len)
{
	if (c->queued > 0 && c->queued_dir != dir)
		flush(c);
	c->queued_dir = dir;
	while (len > 0) {
		size_t n = QUEUE_MAX - c->queued < len ? QUEUE_MAX - c->queued : len;
		memcpy(queue + c->queued, p, n);
		c->queued += n;
		p += n;
		len -= n;
		if (c->queued == QUEUE_MAX)
			flush(c);
	}
}

static void finish(struct conn *c)
{
	flush(c);
	segment(c, TO_SERVER, TCP_FIN | TCP_ACK, NULL, 0);
	segment(c, TO_CLIENT, TCP_FIN | TCP_ACK, NULL, 0);
	segment(c, TO_SERVER, TCP_ACK, NULL, 0);
}

/* ---- 9P encoding ------------------------------------------------------------ */
/* A string of `len` copies of `fill`. */
static void fill_string(struct buf *m, uint8_t fill, uint16_t len)
{
	msg_u16(m, len);
	buf_fill(m, fill, len);
}

static struct qid qid(uint8_t type, uint64_t path)
{
	struct qid q = {type, 0, path};
	return q;
}

/* Sends a finished message (msgs.h builds one; msg_end finishes one
 * written field by field). */
static void send_message(struct conn *c, enum direction dir, const struct buf *m)
{
	send_bytes(c, dir, m->data, m->len);
}

static void version(struct conn *c, uint32_t msize, const char *dialect)
{
	build_tversion(&message, msize, dialect);
	send_message(c, TO_SERVER, &message);
	build_rversion(&message, msize, dialect);
	send_message(c, TO_CLIENT, &message);
}

/* Tattach fid 0 (with n_uname 0 for .L) and its Rattach. */
static void attach(struct conn *c, bool dotl)
{
	build_tattach(&message, 0, 0, NINEP_NOFID, "hostile", "/", dotl, 0);
	send_message(c, TO_SERVER, &message);
	build_rattach(&message, 0, qid(NINEP_QTDIR, 1));
	send_message(c, TO_CLIENT, &message);
}

static void clunk(struct conn *c, uint16_t tag, uint32_t fid)
{
	build_tclunk(&message, tag, fid);
	send_message(c, TO_SERVER, &message);
	build_empty(&message, NINEP_Rclunk, tag);
	send_message(c, TO_CLIENT, &message);
}

/* A Twalk of one name and its Rwalk of one qid. */
static void walk_one(struct conn *c, uint16_t tag, uint32_t fid, uint32_t newfid, const char *name, uint64_t qpath)
{
	const char *const wname[] = {name};
	const struct qid wqid[] = {qid(NINEP_QTFILE, qpath)};
	build_twalk(&message, tag, fid, newfid, 1, wname);
	send_message(c, TO_SERVER, &message);
	build_rwalk(&message, tag, 1, wqid);
	send_message(c, TO_CLIENT, &message);
}

/* ---- facts ------------------------------------------------------------------ */
static void fact(const char *key, uint64_t value)
{
	printf("%s %" PRIu64 "\n", key, value);
}

/* ---- the cases ---------------------------------------------------------------- */

/* Text whose every 4-byte window read as a size is above 0x20202020 (538 MB):
 * no offset in it can start a plausible 9P header, so nothing in it can be
 * mistaken for a message boundary. */
static const char FILLER_TEXT[] = "hostile bytes with no 9P message boundary in them; ";

static void fill_text(uint8_t *p, size_t len, size_t phase)
{
	const size_t n = sizeof FILLER_TEXT - 1;
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)FILLER_TEXT[(phase + i) % n];
}

enum { SIZE4G_WALKS = 3, SIZE4G_TAIL = 1000 };

/* A healthy conversation, then a request whose size field says 4 GiB - 1. */
static void case_size_4gib(void)
{
	struct conn c;
	conn_init(&c, 0);
	handshake(&c);
	version(&c, MSIZE_SMALL, "9P2000.L");
	attach(&c, true);
	for (uint32_t i = 0; i < SIZE4G_WALKS; i++) {
		walk_one(&c, 1, 0, 1, "file", 100 + i);
		clunk(&c, 1, 1);
	}
	uint8_t bad[NINEP_HDRSZ + SIZE4G_TAIL];
	put_le32(bad, UINT32_MAX);
	bad[NINEP_SIZESZ] = NINEP_Twrite;
	put_le16(bad + NINEP_SIZESZ + 1, 1);
	fill_text(bad + NINEP_HDRSZ, SIZE4G_TAIL, 0);
	send_bytes(&c, TO_SERVER, bad, sizeof bad);
	finish(&c);
	uint64_t messages = 2 + 2 * SIZE4G_WALKS;
	fact("connections", 1);
	fact("requests", messages);
	fact("replies", messages);
	fact("round_trips", messages);
	fact("unanswered", 0);
	fact("not_9p_bytes", sizeof bad);
	fact("plugin_messages", 2 * messages);
}

enum { TAGS = 65535 }; /* every tag but NOTAG */

/* Every tag outstanding at once, none ever answered. */
static void case_tags_65535(void)
{
	struct conn c;
	conn_init(&c, 0);
	handshake(&c);
	version(&c, MSIZE_SMALL, "9P2000.L");
	attach(&c, true);
	for (uint32_t tag = 0; tag < TAGS; tag++) {
		build_tgetattr(&message, (uint16_t)tag, 0, GETATTR_BASIC_MASK);
		send_message(&c, TO_SERVER, &message);
	}
	finish(&c);
	fact("connections", 1);
	fact("requests", 2 + TAGS);
	fact("replies", 2);
	fact("round_trips", 2);
	fact("unanswered", TAGS);
	fact("plugin_messages", 4 + TAGS);
}

enum { CONNECTIONS = 100000 };

/* 100,000 connections open at once: each a handshake and Tversion/Rversion,
 * none ever closed. */
static void case_connections_100k(void)
{
	for (uint32_t i = 0; i < CONNECTIONS; i++) {
		struct conn c;
		conn_init(&c, i);
		handshake(&c);
		version(&c, MSIZE_SMALL, "9P2000.L");
		flush(&c);
	}
	fact("connections", CONNECTIONS);
	fact("requests", CONNECTIONS);
	fact("replies", CONNECTIONS);
	fact("round_trips", CONNECTIONS);
	fact("unanswered", 0);
	fact("plugin_messages", 2 * CONNECTIONS);
}

enum { NO_BOUNDARY_BYTES = 100u * 1000 * 1000, TWRITE_HDRSZ = NINEP_HDRSZ + 4 + 8 + 4 };
/* What a hostile peer claims: a Twrite of almost 4 GiB, after a msize that
 * allows it. */
#define HUGE_MSIZE 0xffffffffu
#define HUGE_TWRITE 0xfffffff0u

/* A handshake that allows 4 GiB messages, then a Twrite that claims almost
 * that much and 100 MB of bytes that never complete it. */
static void case_no_boundary_100mb(void)
{
	struct conn c;
	conn_init(&c, 0);
	handshake(&c);
	version(&c, HUGE_MSIZE, "9P2000.L");
	attach(&c, true);
	flush(&c);
	msg_begin(&message, NINEP_Twrite, 1);
	msg_u32(&message, 0);
	msg_u64(&message, 0);
	msg_u32(&message, HUGE_TWRITE - TWRITE_HDRSZ);
	buf_set_le32(&message, 0, HUGE_TWRITE); /* the size claimed, not the bytes here */
	uint8_t seg[TCP_MSS];
	memcpy(seg, message.data, message.len);
	size_t first = TCP_MSS - message.len;
	fill_text(seg + message.len, first, 0);
	segment(&c, TO_SERVER, TCP_ACK | TCP_PSH, seg, TCP_MSS);
	size_t sent = first;
	while (sent < NO_BOUNDARY_BYTES) {
		size_t n = NO_BOUNDARY_BYTES - sent < TCP_MSS ? NO_BOUNDARY_BYTES - sent : TCP_MSS;
		fill_text(seg, n, sent);
		segment(&c, TO_SERVER, TCP_ACK | TCP_PSH, seg, n);
		sent += n;
	}
	finish(&c);
	fact("connections", 1);
	fact("requests", 2);
	fact("replies", 2);
	fact("round_trips", 2);
	fact("unanswered", 0);
	fact("not_9p_bytes", message.len + NO_BOUNDARY_BYTES);
	fact("plugin_messages", 4);
}

enum { TINY_ROUNDS = 500 };

/* Sends what is queued one byte per segment, each followed by a segment with
 * no payload. */
static void flush_bytewise(struct conn *c)
{
	for (size_t i = 0; i < c->queued; i++) {
		segment(c, c->queued_dir, TCP_ACK | TCP_PSH, queue + i, 1);
		segment(c, c->queued_dir, TCP_ACK, NULL, 0);
	}
	c->queued = 0;
}

/* Every message of the conversation in 1-byte segments, with zero-length
 * segments between them. */
static void case_tiny_segments(void)
{
	struct conn c;
	conn_init(&c, 0);
	handshake(&c);
	segment(&c, TO_SERVER, TCP_ACK | TCP_PSH, NULL, 0);
	version(&c, MSIZE_SMALL, "9P2000.L");
	attach(&c, true);
	flush(&c);
	for (uint32_t i = 0; i < TINY_ROUNDS; i++) {
		char name[16];
		snprintf(name, sizeof name, "file%u", i);
		const char *const wname[] = {name};
		const struct qid wqid[] = {qid(NINEP_QTFILE, 1000 + i)};
		build_twalk(&message, (uint16_t)(i % 4), 0, 1, 1, wname);
		send_message(&c, TO_SERVER, &message);
		flush_bytewise(&c);
		build_rwalk(&message, (uint16_t)(i % 4), 1, wqid);
		send_message(&c, TO_CLIENT, &message);
		flush_bytewise(&c);
		build_tclunk(&message, 5, 1);
		send_message(&c, TO_SERVER, &message);
		flush_bytewise(&c);
		build_empty(&message, NINEP_Rclunk, 5);
		send_message(&c, TO_CLIENT, &message);
		flush_bytewise(&c);
	}
	finish(&c);
	uint64_t messages = 2 + 2 * TINY_ROUNDS;
	fact("connections", 1);
	fact("requests", messages);
	fact("replies", messages);
	fact("round_trips", messages);
	fact("unanswered", 0);
	fact("not_9p_bytes", 0);
	fact("plugin_messages", 2 * messages);
}

enum {
	REORDER_CONNECTIONS = 36,
	REORDER_BYTES = 1200 * 1000, /* per connection: above the 1 MiB per-stream ceiling */
	REORDER_WRITE = 8192,
};

/* On every connection the first segment after the handshake is never
 * captured, and 1.2 MB follow it: a window that never fills.  The
 * connections interleave, so together they hold more than the reassembler's
 * 32 MiB total ceiling. */
static void case_reorder_never_fills(void)
{
	static struct conn conns[REORDER_CONNECTIONS];
	for (uint32_t i = 0; i < REORDER_CONNECTIONS; i++) {
		conn_init(&conns[i], i);
		handshake(&conns[i]);
		version(&conns[i], MSIZE_SMALL, "9P2000.L");
		attach(&conns[i], true);
		flush(&conns[i]);
	}
	/* One Twrite of REORDER_WRITE bytes, repeated: its first segment is the
	 * one lost. */
	msg_begin(&message, NINEP_Twrite, 1);
	msg_u32(&message, 0);
	msg_u64(&message, 0);
	msg_u32(&message, REORDER_WRITE);
	fill_text(buf_append(&message, REORDER_WRITE), REORDER_WRITE, 0);
	msg_end(&message);
	size_t msg_len = message.len;
	for (uint32_t i = 0; i < REORDER_CONNECTIONS; i++)
		lose(&conns[i], TO_SERVER, TCP_MSS);
	for (size_t sent = TCP_MSS; sent < REORDER_BYTES; sent += TCP_MSS) {
		for (uint32_t i = 0; i < REORDER_CONNECTIONS; i++) {
			uint8_t seg[TCP_MSS];
			for (size_t k = 0; k < TCP_MSS; k++)
				seg[k] = message.data[(sent + k) % msg_len];
			segment(&conns[i], TO_SERVER, TCP_ACK | TCP_PSH, seg, TCP_MSS);
		}
	}
	for (uint32_t i = 0; i < REORDER_CONNECTIONS; i++)
		finish(&conns[i]);
	fact("connections", REORDER_CONNECTIONS);
	fact("min_requests", 2 * REORDER_CONNECTIONS);
	fact("min_gaps", REORDER_CONNECTIONS);
}

enum { HUGE_WALKS = 20, HUGE_NAMES = 65535 };

/* Walks of 65,535 names (16 at most are allowed), each answered by an
 * Rlerror, and an Rwalk of 65,535 qids. */
static void case_walk_65535_names(void)
{
	struct conn c;
	conn_init(&c, 0);
	handshake(&c);
	version(&c, MSIZE_LARGE, "9P2000.L");
	attach(&c, true);
	for (uint32_t i = 0; i < HUGE_WALKS; i++) {
		msg_begin(&message, NINEP_Twalk, 1);
		msg_u32(&message, 0);
		msg_u32(&message, 1);
		msg_u16(&message, HUGE_NAMES);
		for (uint32_t k = 0; k < HUGE_NAMES; k++)
			fill_string(&message, 'a', 1);
		msg_end(&message);
		send_message(&c, TO_SERVER, &message);
		build_rlerror(&message, 1, LINUX_EINVAL);
		send_message(&c, TO_CLIENT, &message);
		clunk(&c, 2, 7);
	}
	/* A valid one-name walk answered by an Rwalk of 65,535 qids. */
	static const char *const x[] = {"x"};
	build_twalk(&message, 3, 0, 1, 1, x);
	send_message(&c, TO_SERVER, &message);
	msg_begin(&message, NINEP_Rwalk, 3);
	msg_u16(&message, HUGE_NAMES);
	for (uint32_t k = 0; k < HUGE_NAMES; k++)
		msg_qid(&message, qid(NINEP_QTFILE, k));
	msg_end(&message);
	send_message(&c, TO_CLIENT, &message);
	clunk(&c, 4, 1);
	finish(&c);
	/* Every message has a 9P header, so every one is a message: the huge
	 * walks and the huge Rwalk do not conform (issue 16) but are counted
	 * and matched all the same. */
	fact("connections", 1);
	fact("requests", 2 + 2 * HUGE_WALKS + 2);
	fact("replies", 2 + 2 * HUGE_WALKS + 2);
	fact("round_trips", 2 + 2 * HUGE_WALKS + 2);
	fact("orphans", 0);
	fact("unanswered", 0);
	fact("not_9p_bytes", 0);
	fact("nonconforming", HUGE_WALKS + 1);
	fact("plugin_malformed", HUGE_WALKS + 1);
	fact("plugin_messages", 4 + 4 * HUGE_WALKS + 4);
}

enum { LONG_STRING_ROUNDS = 50, STRING_MAX = 65535, SHORT_UNAME = 10 };

/* 9P2000 with a msize of 1 MiB: walks of one 65,535-byte name, Rerror
 * strings of 65,535 bytes, and at the end a Tattach whose uname claims
 * 65,535 bytes but runs past its message. */
static void case_strings_65535(void)
{
	struct conn c;
	conn_init(&c, 0);
	handshake(&c);
	version(&c, MSIZE_LARGE, "9P2000");
	attach(&c, false);
	for (uint32_t i = 0; i < LONG_STRING_ROUNDS; i++) {
		msg_begin(&message, NINEP_Twalk, 1);
		msg_u32(&message, 0);
		msg_u32(&message, 1);
		msg_u16(&message, 1);
		fill_string(&message, (uint8_t)('a' + i % 26), STRING_MAX);
		msg_end(&message);
		send_message(&c, TO_SERVER, &message);
		const struct qid wqid[] = {qid(NINEP_QTFILE, 10 + i)};
		build_rwalk(&message, 1, 1, wqid);
		send_message(&c, TO_CLIENT, &message);

		msg_begin(&message, NINEP_Tstat, 2);
		msg_u32(&message, 1);
		msg_end(&message);
		send_message(&c, TO_SERVER, &message);
		/* a different error text each time: nothing may keep them all */
		msg_begin(&message, NINEP_Rerror, 2);
		fill_string(&message, (uint8_t)('A' + i % 26), STRING_MAX);
		buf_set_le32(&message, message.len - 4, i);
		msg_end(&message);
		send_message(&c, TO_CLIENT, &message);
		clunk(&c, 3, 1);
	}
	msg_begin(&message, NINEP_Tattach, 4);
	msg_u32(&message, 2);
	msg_u32(&message, NINEP_NOFID);
	msg_u16(&message, STRING_MAX); /* uname claims 65,535 bytes; 10 follow */
	for (int k = 0; k < SHORT_UNAME; k++)
		msg_u8(&message, 'u');
	msg_end(&message);
	send_message(&c, TO_SERVER, &message);
	finish(&c);
	uint64_t decoded = 2 + 3 * LONG_STRING_ROUNDS;
	/* The bad Tattach has a 9P header: a request that does not conform,
	 * never answered. */
	fact("connections", 1);
	fact("requests", decoded + 1);
	fact("replies", decoded);
	fact("round_trips", decoded);
	fact("errors", LONG_STRING_ROUNDS);
	fact("unanswered", 1);
	fact("not_9p_bytes", 0);
	fact("nonconforming", 1);
	fact("plugin_malformed", 1);
	fact("plugin_messages", 2 * decoded + 1);
}

enum { NESTED_WALKS = 4000, NESTED_NAMES = NINEP_MAXWELEM, NESTED_NAME_LEN = 64, NESTED_STAT_EVERY = 100 };

/* A fid walked from itself, 16 names at a time, 4,000 times: a path of
 * 4 MB if nothing caps it. */
static void case_nested_paths(void)
{
	struct conn c;
	conn_init(&c, 0);
	handshake(&c);
	version(&c, MSIZE_SMALL, "9P2000.L");
	attach(&c, true);
	walk_one(&c, 1, 0, 1, "d", 2);
	uint64_t requests = 3, getattrs = 0;
	for (uint32_t i = 0; i < NESTED_WALKS; i++) {
		msg_begin(&message, NINEP_Twalk, 1);
		msg_u32(&message, 1);
		msg_u32(&message, 1);
		msg_u16(&message, NESTED_NAMES);
		for (uint32_t k = 0; k < NESTED_NAMES; k++)
			fill_string(&message, (uint8_t)('a' + (i + k) % 26), NESTED_NAME_LEN);
		msg_end(&message);
		send_message(&c, TO_SERVER, &message);
		struct qid wqid[NESTED_NAMES];
		for (uint32_t k = 0; k < NESTED_NAMES; k++)
			wqid[k] = qid(NINEP_QTDIR, 3 + (uint64_t)i * NESTED_NAMES + k);
		build_rwalk(&message, 1, NESTED_NAMES, wqid);
		send_message(&c, TO_CLIENT, &message);
		requests++;
		if (i % NESTED_STAT_EVERY == NESTED_STAT_EVERY - 1) {
			build_tgetattr(&message, 2, 1, GETATTR_BASIC_MASK);
			send_message(&c, TO_SERVER, &message);
			build_rlerror(&message, 2, LINUX_EINVAL);
			send_message(&c, TO_CLIENT, &message);
			requests++;
			getattrs++;
		}
	}
	clunk(&c, 3, 1);
	requests++;
	finish(&c);
	fact("connections", 1);
	fact("requests", requests);
	fact("replies", requests);
	fact("round_trips", requests);
	fact("unanswered", 0);
	fact("path_max", PATH_CEILING);
	fact("plugin_messages", 2 * requests);
}

static const struct {
	const char *name;
	void (*write)(void);
} cases[] = {
	{ "size_4gib", case_size_4gib },
	{ "tags_65535", case_tags_65535 },
	{ "connections_100k", case_connections_100k },
	{ "no_boundary_100mb", case_no_boundary_100mb },
	{ "tiny_segments", case_tiny_segments },
	{ "reorder_never_fills", case_reorder_never_fills },
	{ "walk_65535_names", case_walk_65535_names },
	{ "strings_65535", case_strings_65535 },
	{ "nested_paths", case_nested_paths },
};
enum { N_CASES = sizeof cases / sizeof cases[0] };

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (unsigned i = 0; i < N_CASES; i++)
			puts(cases[i].name);
		return 0;
	}
	if (argc != 3) {
		fputs("usage: gen_hostile --list | gen_hostile CASE OUT.pcap\n", stderr);
		return 1;
	}
	for (unsigned i = 0; i < N_CASES; i++) {
		if (strcmp(argv[1], cases[i].name) != 0)
			continue;
		const struct capfile_options pcap = {
			.format = CAPFILE_PCAP,
			.linktype = LINKTYPE_ETHERNET,
			.snaplen = PCAP_SNAPLEN,
		};
		out.now_us = (uint64_t)CAPTURE_START_SEC * USEC_PER_SEC;
		out.file = capfile_create(argv[2], &pcap);
		buf_init(&message, MESSAGE_MAX);
		cases[i].write();
		capfile_close(out.file);
		buf_free(&message);
		fact("packets", out.packets);
		return 0;
	}
	die("unknown case", argv[1]);
	return 1;
}
