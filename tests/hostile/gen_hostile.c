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
 * decoder under test plays no part in making its input.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ninep/protocol.h>

/* ---- sizes of everything below 9P ---------------------------------------- */
enum {
	PCAP_FILE_HDRSZ = 24,
	PCAP_REC_HDRSZ = 16,
	PCAP_VERSION_MAJOR = 2,
	PCAP_VERSION_MINOR = 4,
	PCAP_SNAPLEN = 65535,
	LINKTYPE_ETHERNET = 1,
	MAC_LEN = 6,
	ETH_HDRSZ = 14,
	ETHERTYPE_IPV4 = 0x0800,
	IPV4_HDRSZ = 20,
	IPV4_VERSION_IHL = 0x45,
	IPV4_DF = 0x4000,
	IPV4_TTL = 64,
	IPPROTO_TCP_NUMBER = 6,
	TCP_HDRSZ = 20,
	TCP_DATA_OFFSET = (TCP_HDRSZ / 4) << 4,
	TCP_WINDOW = 65535,
	TCP_MSS = 1448,
	FRAME_MAX = ETH_HDRSZ + IPV4_HDRSZ + TCP_HDRSZ + TCP_MSS,
	SERVER_PORT = 564,
	CLIENT_PORT_BASE = 40000,
	CLIENT_PORTS = 20000,
	OUTPUT_BUFFER = 4 << 20,
};

#define PCAP_MAGIC_USEC 0xa1b2c3d4u
#define CAPTURE_START_SEC 1704067200u /* 2024-01-01T00:00:00Z, as captures/generated */
#define USEC_PER_SEC 1000000u
#define PACKET_GAP_US 10u             /* between two frames */
#define ISN_CLIENT 0x10000000u
#define ISN_SERVER 0x20000000u

enum { TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_PSH = 0x08, TCP_ACK = 0x10 };
enum direction { TO_SERVER = 0, TO_CLIENT = 1 };

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

/* ---- output ----------------------------------------------------------------- */
struct capture_out {
	FILE *file;
	const char *path;
	uint64_t now_us;
	uint64_t packets;
};

struct conn {
	uint8_t client_ip[4], server_ip[4];
	uint16_t client_port;
	uint32_t next_seq[2];
	uint16_t ip_id;
	/* Bytes written but not yet sent, one direction at a time. */
	enum direction queued_dir;
	size_t queued;
};

static struct capture_out out;
static uint8_t frame[FRAME_MAX];
static uint8_t message[MESSAGE_MAX];
static uint8_t queue[QUEUE_MAX];

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "gen_hostile: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	exit(1);
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, (uint16_t)(v >> 16));
	put_be16(p + 2, (uint16_t)v);
}

static void write_bytes(const void *p, size_t n)
{
	if (fwrite(p, 1, n, out.file) != n)
		die(out.path, strerror(errno));
}

static void write_file_header(void)
{
	uint8_t h[PCAP_FILE_HDRSZ] = {0};
	put_le32(h, PCAP_MAGIC_USEC);
	put_le16(h + 4, PCAP_VERSION_MAJOR);
	put_le16(h + 6, PCAP_VERSION_MINOR);
	put_le32(h + 16, PCAP_SNAPLEN);
	put_le32(h + 20, LINKTYPE_ETHERNET);
	write_bytes(h, sizeof h);
}

static uint32_t checksum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i = 0;
	for (; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (i < n)
		sum += (uint32_t)p[i] << 8;
	return sum;
}

static uint16_t checksum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* One TCP segment of at most TCP_MSS payload bytes, as captured. */
static void segment(struct conn *c, enum direction dir, uint8_t flags, const uint8_t *payload, size_t len)
{
	if (len > TCP_MSS)
		die("internal error", "segment above the MSS");
	const uint8_t *src_ip = dir == TO_SERVER ? c->client_ip : c->server_ip;
	const uint8_t *dst_ip = dir == TO_SERVER ? c->server_ip : c->client_ip;
	uint16_t src_port = dir == TO_SERVER ? c->client_port : SERVER_PORT;
	uint16_t dst_port = dir == TO_SERVER ? SERVER_PORT : c->client_port;
	enum direction back = dir == TO_SERVER ? TO_CLIENT : TO_SERVER;
	size_t ip_len = IPV4_HDRSZ + TCP_HDRSZ + len;
	size_t frame_len = ETH_HDRSZ + ip_len;

	memcpy(frame, dir == TO_SERVER ? server_mac : client_mac, MAC_LEN);
	memcpy(frame + MAC_LEN, dir == TO_SERVER ? client_mac : server_mac, MAC_LEN);
	put_be16(frame + 2 * MAC_LEN, ETHERTYPE_IPV4);

	uint8_t *ip = frame + ETH_HDRSZ;
	ip[0] = IPV4_VERSION_IHL;
	ip[1] = 0;
	put_be16(ip + 2, (uint16_t)ip_len);
	put_be16(ip + 4, c->ip_id++);
	put_be16(ip + 6, IPV4_DF);
	ip[8] = IPV4_TTL;
	ip[9] = IPPROTO_TCP_NUMBER;
	put_be16(ip + 10, 0);
	memcpy(ip + 12, src_ip, 4);
	memcpy(ip + 16, dst_ip, 4);
	put_be16(ip + 10, checksum_fold(checksum_add(0, ip, IPV4_HDRSZ)));

	uint8_t *tcp = ip + IPV4_HDRSZ;
	put_be16(tcp, src_port);
	put_be16(tcp + 2, dst_port);
	put_be32(tcp + 4, c->next_seq[dir]);
	put_be32(tcp + 8, (flags & TCP_ACK) ? c->next_seq[back] : 0);
	tcp[12] = TCP_DATA_OFFSET;
	tcp[13] = flags;
	put_be16(tcp + 14, TCP_WINDOW);
	put_be16(tcp + 16, 0);
	put_be16(tcp + 18, 0);
	if (len > 0)
		memcpy(tcp + TCP_HDRSZ, payload, len);
	uint32_t sum = checksum_add(0, ip + 12, 8);
	sum += IPPROTO_TCP_NUMBER + (uint32_t)(TCP_HDRSZ + len);
	sum = checksum_add(sum, tcp, TCP_HDRSZ + len);
	put_be16(tcp + 16, checksum_fold(sum));

	c->next_seq[dir] += (uint32_t)len + ((flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);

	out.now_us += PACKET_GAP_US;
	uint8_t rec[PCAP_REC_HDRSZ];
	put_le32(rec, (uint32_t)(out.now_us / USEC_PER_SEC));
	put_le32(rec + 4, (uint32_t)(out.now_us % USEC_PER_SEC));
	put_le32(rec + 8, (uint32_t)frame_len);
	put_le32(rec + 12, (uint32_t)frame_len);
	write_bytes(rec, sizeof rec);
	write_bytes(frame, frame_len);
	out.packets++;
}

/* Sequence space the sender used but the capture never saw. */
static void lose(struct conn *c, enum direction dir, size_t len)
{
	c->next_seq[dir] += (uint32_t)len;
}

static void conn_init(struct conn *c, uint32_t index)
{
	memset(c, 0, sizeof *c);
	/* 10.128.0.0/9 for clients: index up to 2^23 stays distinct. */
	c->client_ip[0] = 10;
	c->client_ip[1] = (uint8_t)(128 | (index >> 16));
	c->client_ip[2] = (uint8_t)(index >> 8);
	c->client_ip[3] = (uint8_t)index;
	c->server_ip[0] = 10;
	c->server_ip[3] = 1;
	c->client_port = (uint16_t)(CLIENT_PORT_BASE + index % CLIENT_PORTS);
	c->next_seq[TO_SERVER] = ISN_CLIENT + index * 0x10000u;
	c->next_seq[TO_CLIENT] = ISN_SERVER + index * 0x10000u;
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
struct enc {
	size_t len;
};

static void need(const struct enc *e, size_t n)
{
	if (e->len + n > MESSAGE_MAX)
		die("internal error", "message above MESSAGE_MAX");
}

static void enc_u8(struct enc *e, uint8_t v)
{
	need(e, 1);
	message[e->len++] = v;
}

static void enc_u16(struct enc *e, uint16_t v)
{
	need(e, NINEP_BIT16SZ);
	put_le16(message + e->len, v);
	e->len += NINEP_BIT16SZ;
}

static void enc_u32(struct enc *e, uint32_t v)
{
	need(e, NINEP_BIT32SZ);
	put_le32(message + e->len, v);
	e->len += NINEP_BIT32SZ;
}

static void enc_u64(struct enc *e, uint64_t v)
{
	enc_u32(e, (uint32_t)v);
	enc_u32(e, (uint32_t)(v >> 32));
}

/* A string of `len` copies of `fill`. */
static void enc_fill_string(struct enc *e, uint8_t fill, uint16_t len)
{
	enc_u16(e, len);
	need(e, len);
	memset(message + e->len, fill, len);
	e->len += len;
}

static void enc_string(struct enc *e, const char *s)
{
	size_t n = strlen(s);
	enc_u16(e, (uint16_t)n);
	need(e, n);
	memcpy(message + e->len, s, n);
	e->len += n;
}

static void enc_qid(struct enc *e, uint8_t type, uint64_t path)
{
	enc_u8(e, type);
	enc_u32(e, 0);
	enc_u64(e, path);
}

static struct enc enc_begin(uint8_t type, uint16_t tag)
{
	struct enc e = { 0 };
	enc_u32(&e, 0); /* size, filled by enc_end */
	enc_u8(&e, type);
	enc_u16(&e, tag);
	return e;
}

static size_t enc_end(struct enc *e)
{
	put_le32(message, (uint32_t)e->len);
	return e->len;
}

/* Encodes into the message buffer and sends it. */
static void send_message(struct conn *c, enum direction dir, struct enc *e)
{
	send_bytes(c, dir, message, enc_end(e));
}

static void version(struct conn *c, uint32_t msize, const char *dialect)
{
	struct enc e = enc_begin(NINEP_Tversion, NINEP_NOTAG);
	enc_u32(&e, msize);
	enc_string(&e, dialect);
	send_message(c, TO_SERVER, &e);
	e = enc_begin(NINEP_Rversion, NINEP_NOTAG);
	enc_u32(&e, msize);
	enc_string(&e, dialect);
	send_message(c, TO_CLIENT, &e);
}

/* Tattach fid 0 (with n_uname for .L) and its Rattach. */
static void attach(struct conn *c, bool dotl)
{
	struct enc e = enc_begin(NINEP_Tattach, 0);
	enc_u32(&e, 0);
	enc_u32(&e, NINEP_NOFID);
	enc_string(&e, "hostile");
	enc_string(&e, "/");
	if (dotl)
		enc_u32(&e, 0);
	send_message(c, TO_SERVER, &e);
	e = enc_begin(NINEP_Rattach, 0);
	enc_qid(&e, NINEP_QTDIR, 1);
	send_message(c, TO_CLIENT, &e);
}

static void clunk(struct conn *c, uint16_t tag, uint32_t fid)
{
	struct enc e = enc_begin(NINEP_Tclunk, tag);
	enc_u32(&e, fid);
	send_message(c, TO_SERVER, &e);
	e = enc_begin(NINEP_Rclunk, tag);
	send_message(c, TO_CLIENT, &e);
}

/* A Twalk of one name and its Rwalk of one qid. */
static void walk_one(struct conn *c, uint16_t tag, uint32_t fid, uint32_t newfid, const char *name, uint64_t qpath)
{
	struct enc e = enc_begin(NINEP_Twalk, tag);
	enc_u32(&e, fid);
	enc_u32(&e, newfid);
	enc_u16(&e, 1);
	enc_string(&e, name);
	send_message(c, TO_SERVER, &e);
	e = enc_begin(NINEP_Rwalk, tag);
	enc_u16(&e, 1);
	enc_qid(&e, NINEP_QTFILE, qpath);
	send_message(c, TO_CLIENT, &e);
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
		struct enc e = enc_begin(NINEP_Tgetattr, (uint16_t)tag);
		enc_u32(&e, 0);
		enc_u64(&e, GETATTR_BASIC_MASK);
		send_message(&c, TO_SERVER, &e);
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
	struct enc e = enc_begin(NINEP_Twrite, 1);
	enc_u32(&e, 0);
	enc_u64(&e, 0);
	enc_u32(&e, HUGE_TWRITE - TWRITE_HDRSZ);
	put_le32(message, HUGE_TWRITE); /* the size claimed, not the bytes here */
	uint8_t seg[TCP_MSS];
	memcpy(seg, message, e.len);
	size_t first = TCP_MSS - e.len;
	fill_text(seg + e.len, first, 0);
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
	fact("not_9p_bytes", e.len + NO_BOUNDARY_BYTES);
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
		struct enc e = enc_begin(NINEP_Twalk, (uint16_t)(i % 4));
		enc_u32(&e, 0);
		enc_u32(&e, 1);
		enc_u16(&e, 1);
		enc_string(&e, name);
		send_message(&c, TO_SERVER, &e);
		flush_bytewise(&c);
		e = enc_begin(NINEP_Rwalk, (uint16_t)(i % 4));
		enc_u16(&e, 1);
		enc_qid(&e, NINEP_QTFILE, 1000 + i);
		send_message(&c, TO_CLIENT, &e);
		flush_bytewise(&c);
		e = enc_begin(NINEP_Tclunk, 5);
		enc_u32(&e, 1);
		send_message(&c, TO_SERVER, &e);
		flush_bytewise(&c);
		e = enc_begin(NINEP_Rclunk, 5);
		send_message(&c, TO_CLIENT, &e);
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
	struct enc e = enc_begin(NINEP_Twrite, 1);
	enc_u32(&e, 0);
	enc_u64(&e, 0);
	enc_u32(&e, REORDER_WRITE);
	fill_text(message + e.len, REORDER_WRITE, 0);
	e.len += REORDER_WRITE;
	size_t msg_len = enc_end(&e);
	for (uint32_t i = 0; i < REORDER_CONNECTIONS; i++)
		lose(&conns[i], TO_SERVER, TCP_MSS);
	for (size_t sent = TCP_MSS; sent < REORDER_BYTES; sent += TCP_MSS) {
		for (uint32_t i = 0; i < REORDER_CONNECTIONS; i++) {
			uint8_t seg[TCP_MSS];
			for (size_t k = 0; k < TCP_MSS; k++)
				seg[k] = message[(sent + k) % msg_len];
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
	uint64_t bad_bytes = 0;
	for (uint32_t i = 0; i < HUGE_WALKS; i++) {
		struct enc e = enc_begin(NINEP_Twalk, 1);
		enc_u32(&e, 0);
		enc_u32(&e, 1);
		enc_u16(&e, HUGE_NAMES);
		for (uint32_t k = 0; k < HUGE_NAMES; k++)
			enc_fill_string(&e, 'a', 1);
		bad_bytes += enc_end(&e);
		send_message(&c, TO_SERVER, &e);
		e = enc_begin(NINEP_Rlerror, 1);
		enc_u32(&e, LINUX_EINVAL);
		send_message(&c, TO_CLIENT, &e);
		clunk(&c, 2, 7);
	}
	/* A valid one-name walk answered by an Rwalk of 65,535 qids. */
	struct enc e = enc_begin(NINEP_Twalk, 3);
	enc_u32(&e, 0);
	enc_u32(&e, 1);
	enc_u16(&e, 1);
	enc_string(&e, "x");
	send_message(&c, TO_SERVER, &e);
	e = enc_begin(NINEP_Rwalk, 3);
	enc_u16(&e, HUGE_NAMES);
	for (uint32_t k = 0; k < HUGE_NAMES; k++)
		enc_qid(&e, NINEP_QTFILE, k);
	bad_bytes += enc_end(&e);
	send_message(&c, TO_CLIENT, &e);
	clunk(&c, 4, 1);
	finish(&c);
	fact("connections", 1);
	fact("requests", 2 + HUGE_WALKS + 1 + 1);
	fact("replies", 2 + 2 * HUGE_WALKS + 1);
	fact("round_trips", 2 + HUGE_WALKS + 1);
	fact("orphans", HUGE_WALKS);
	fact("unanswered", 1);
	fact("not_9p_bytes", bad_bytes);
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
		struct enc e = enc_begin(NINEP_Twalk, 1);
		enc_u32(&e, 0);
		enc_u32(&e, 1);
		enc_u16(&e, 1);
		enc_fill_string(&e, (uint8_t)('a' + i % 26), STRING_MAX);
		send_message(&c, TO_SERVER, &e);
		e = enc_begin(NINEP_Rwalk, 1);
		enc_u16(&e, 1);
		enc_qid(&e, NINEP_QTFILE, 10 + i);
		send_message(&c, TO_CLIENT, &e);

		e = enc_begin(NINEP_Tstat, 2);
		enc_u32(&e, 1);
		send_message(&c, TO_SERVER, &e);
		/* a different error text each time: nothing may keep them all */
		e = enc_begin(NINEP_Rerror, 2);
		enc_fill_string(&e, (uint8_t)('A' + i % 26), STRING_MAX);
		put_le32(message + e.len - 4, i);
		send_message(&c, TO_CLIENT, &e);
		clunk(&c, 3, 1);
	}
	struct enc e = enc_begin(NINEP_Tattach, 4);
	enc_u32(&e, 2);
	enc_u32(&e, NINEP_NOFID);
	enc_u16(&e, STRING_MAX); /* uname claims 65,535 bytes; 10 follow */
	for (int k = 0; k < SHORT_UNAME; k++)
		enc_u8(&e, 'u');
	size_t bad = enc_end(&e);
	send_message(&c, TO_SERVER, &e);
	finish(&c);
	uint64_t decoded = 2 + 3 * LONG_STRING_ROUNDS;
	fact("connections", 1);
	fact("requests", decoded);
	fact("replies", decoded);
	fact("round_trips", decoded);
	fact("errors", LONG_STRING_ROUNDS);
	fact("unanswered", 0);
	fact("not_9p_bytes", bad);
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
		struct enc e = enc_begin(NINEP_Twalk, 1);
		enc_u32(&e, 1);
		enc_u32(&e, 1);
		enc_u16(&e, NESTED_NAMES);
		for (uint32_t k = 0; k < NESTED_NAMES; k++)
			enc_fill_string(&e, (uint8_t)('a' + (i + k) % 26), NESTED_NAME_LEN);
		send_message(&c, TO_SERVER, &e);
		e = enc_begin(NINEP_Rwalk, 1);
		enc_u16(&e, NESTED_NAMES);
		for (uint32_t k = 0; k < NESTED_NAMES; k++)
			enc_qid(&e, NINEP_QTDIR, 3 + (uint64_t)i * NESTED_NAMES + k);
		send_message(&c, TO_CLIENT, &e);
		requests++;
		if (i % NESTED_STAT_EVERY == NESTED_STAT_EVERY - 1) {
			e = enc_begin(NINEP_Tgetattr, 2);
			enc_u32(&e, 1);
			enc_u64(&e, GETATTR_BASIC_MASK);
			send_message(&c, TO_SERVER, &e);
			e = enc_begin(NINEP_Rlerror, 2);
			enc_u32(&e, LINUX_EINVAL);
			send_message(&c, TO_CLIENT, &e);
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
		out.path = argv[2];
		out.now_us = (uint64_t)CAPTURE_START_SEC * USEC_PER_SEC;
		out.file = fopen(out.path, "wb");
		if (out.file == NULL)
			die(out.path, strerror(errno));
		if (setvbuf(out.file, NULL, _IOFBF, OUTPUT_BUFFER) != 0)
			die("setvbuf", "failed");
		write_file_header();
		cases[i].write();
		if (fclose(out.file) != 0)
			die(out.path, strerror(errno));
		fact("packets", out.packets);
		return 0;
	}
	die("unknown case", argv[1]);
	return 1;
}
