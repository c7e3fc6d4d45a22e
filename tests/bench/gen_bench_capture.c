/*
 * gen_bench_capture: writes a large, deterministic pcap of realistic 9P
 * traffic for tests/bench/bench.sh.
 *
 *   gen_bench_capture [--messages N] [--connections N] [--dialect D]
 *                     [--seed S] OUT.pcap
 *
 * Ethernet/IPv4/TCP, nanosecond pcap, server on TCP port 564.  Every
 * connection does a SYN handshake, Tversion/Rversion in its dialect (a mix
 * of 9P2000.L, 9P2000 and 9P2000.e unless --dialect says otherwise),
 * Tattach/Rattach, then a dialect's typical workload on several "lanes" at
 * once (each lane a chain of dependent requests, so several tags are
 * outstanding and replies come back out of order), and a FIN exchange.
 *
 * It is a small discrete-event simulation: every connection has a time for
 * its next action (a client sending, a server replying after a drawn
 * latency), and a heap hands out the earliest.  So latencies are realistic
 * (tens of microseconds to milliseconds) whatever the number of
 * connections, and the file's timestamps only ever grow.  All randomness
 * comes from one fixed-seed PRNG: the same arguments give the same bytes.
 *
 * The 9P messages are encoded by hand, from the wire card
 * (doc/9p-wire.md), not with the project's decoder: the
 * benchmark capture must also be valid for tshark's built-in dissector.
 * The encoding, the headers below 9P and the pcap file come from the
 * capture writer all generators share (tools/capwriter); the
 * traffic model is this file's.
 *
 * Speed matters (20 million messages): one static frame buffer, one
 * message buffer reused, the capture writer's large stdio buffer, no
 * per-packet system calls, no per-byte data generation.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ninep/protocol.h>

#include "capfile.h"
#include "gen_common.h"
#include "msgs.h"
#include "wire.h"

/* ---- sizes of everything below 9P ---------------------------------------- */
enum {
	PCAP_SNAPLEN = 65535,
	TCP_WINDOW = 65535,
	/* Ethernet MTU 1500 minus IPv4 and TCP headers with timestamps: what
	 * Linux sends, so an 8 KiB read spans six segments. */
	TCP_MSS = 1448,
	NINEP_PORT = 564,
	CLIENT_PORT_BASE = 40000,
	CLIENTS_PER_SUBNET = 250, /* 10.1.x.1 .. 10.1.x.250 */
	CLIENT_SUBNETS = 250,     /* 10.1.0.0 .. 10.1.249.0 */
	MAX_CONNECTIONS = CLIENTS_PER_SUBNET * CLIENT_SUBNETS,
	CLIENT_PORTS = 20000,
};

#define CAPTURE_START_SEC 1700000000u
#define NSEC_PER_SEC 1000000000u

/* ---- 9P parameters of the simulated clients and server ------------------- */
enum {
	IOHDRSZ = 24,           /* Linux P9_IOHDRSZ: the largest I/O message header */
	MSIZE = 65536 + IOHDRSZ, /* 64 KiB of data plus a header, as v9fs asks */
	IOUNIT = 8192,          /* the count every Tread/Treaddir asks for */
	MAX_LANES = 6,          /* requests one connection keeps in flight */
	MIN_LANES = 2,
	MAX_CHAIN_OPS = 7,      /* walk + open + getattr + 3 reads + clunk */
	MAX_READS = 2,          /* data reads; one more read returns 0 (EOF) */
	SMALL_FILE_MIN = 16,
	MEDIUM_FILE_MIN = 1024,
	MEDIUM_FILE_MAX = 4096,
	LARGE_FILE_MIN = IOUNIT,
	LARGE_FILE_MAX = MAX_READS * IOUNIT,
	MAX_WALK_NAMES = 3,
	MAX_DIRENTS = 40,
	MIN_DIRENTS = 4,
	MAX_SREAD_SIZE = 16384,
	MAX_SWRITE_SIZE = 512,
	ROOT_FID = 0,
	LANE_FID_BASE = 100,    /* lane i walks to fid LANE_FID_BASE + i */
	LINUX_ENOENT = 2,
	LINUX_O_DIRECTORY = 0200000, /* .L open flags are Linux's */
	N_UNAME = 1000,
	DIRENT_NAME_MAX = 16,
	DATA_BLOCK = 1 << 16,   /* file contents are windows on this block */
	DEFAULT_MESSAGES = 2000000,
	DEFAULT_CONNECTIONS = 1000,
	/* Rgetattr and Rreaddir contents */
	REGULAR_FILE_MODE = 0100644, /* S_IFREG | rw-r--r-- */
	STAT_BLKSIZE = 4096,
	STAT_BLOCK_UNIT = 512,       /* st_blocks counts 512-byte units */
	DT_DIR_TYPE = 4,             /* Linux DT_DIR, DT_REG */
	DT_REG_TYPE = 8,
	DIRENT_SUBDIR_EVERY = 5,     /* every fifth entry is a directory */
	DATA_STRIDE = 4099,          /* a prime: files start at scattered offsets */
};
#define GETATTR_BASIC 0x7ffull /* P9_GETATTR_BASIC: mode .. blocks */

/* Percentages that shape the workload. */
enum {
	PERCENT = 100,
	PCT_DIALECT_L = 60,       /* mix: the rest split between 9P2000 and .e */
	PCT_DIALECT_9P2000 = 20,
	PCT_L_DIRECTORY = 25,     /* .L chains that list a directory */
	PCT_WALK_FAILS = 3,       /* Rlerror/Rerror instead of Rwalk */
	PCT_SREAD_FAILS = 2,
	PCT_SWRITE = 30,          /* .e chains that write rather than read */
	PCT_COALESCE = 70,        /* messages written together share segments */
	PCT_PARALLEL_REQUESTS = 15, /* a request write takes every idle lane along */
	PCT_SMALL_FILE = 70,      /* 16 B .. 1 KiB */
	PCT_MEDIUM_FILE = 22,     /* 1 .. 4 KiB; the rest 8 .. 16 KiB */
	DELAYED_ACK_SEGMENTS = 2, /* a receiver ACKs every second full segment */
	PCT_FAST_REPLY = 70,      /* server latency tiers: fast, slow, very slow */
	PCT_SLOW_REPLY = 25,
};

/* Times, in nanoseconds. */
#define WIRE_GAP_NS 40u                 /* between two frames on the wire */
#define WIRE_PS_PER_BYTE 800u           /* 10 Gb/s */
#define PS_PER_NS 1000u
#define CONNECT_SPREAD_NS 20000000u     /* connections open within 20 ms */
#define NETWORK_RTT_NS 30000u
#define CLIENT_TURNAROUND_MIN_NS 3000u  /* reply to the next request of a chain */
#define CLIENT_TURNAROUND_SPREAD_NS 37000u
#define CHAIN_GAP_MAX_NS 100000000u     /* think time between chains: 0 .. 100 ms */
#define FAST_REPLY_MIN_NS 12000u
#define FAST_REPLY_MAX_NS 80000u
#define SLOW_REPLY_MAX_NS 800000u
#define VERY_SLOW_REPLY_MAX_NS 8000000u
/* Replies ready this close together go out in one write. */
#define REPLY_BATCH_NS 5000u
/* Requests due this close together go out in one write: a client thread
 * with several requests queued sends them at once (only think time shrinks). */
#define REQUEST_BATCH_NS 300000u

static const char *const walk_vocabulary[] = {
	"usr", "lib", "share", "doc", "etc", "home", "src", "bin",
	"include", "local", "cache", "data", "log", "config", "README", "notes",
};
enum { VOCABULARY_SIZE = sizeof walk_vocabulary / sizeof walk_vocabulary[0] };

/* ---- deterministic randomness (prng_next, prng_below: gen_common.h) ------ */
static bool prng_percent(unsigned pct)
{
	return prng_below(PERCENT) < pct;
}

/* ---- the output file ------------------------------------------------------ */
struct capture_out {
	struct capfile *file;
	uint64_t now_ns; /* capture clock: the current event, advanced per packet */
	uint64_t packets;
	uint64_t messages;
};

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "gen_bench_capture: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	exit(1);
}

/* ---- TCP connections ------------------------------------------------------ */
/* A direction is the side that sends: the client sends to the server. */
enum direction { TO_SERVER = CONN_CLIENT, TO_CLIENT = CONN_SERVER };

enum dialect { DIALECT_L, DIALECT_9P2000, DIALECT_E };
static const char *const dialect_version[] = {
	[DIALECT_L] = "9P2000.L", [DIALECT_9P2000] = "9P2000", [DIALECT_E] = "9P2000.e",
};

enum op {
	OP_WALK, OP_LOPEN, OP_OPEN, OP_GETATTR, OP_READ, OP_READDIR, OP_CLUNK,
	OP_SREAD, OP_SWRITE,
};

/* One chain of dependent requests: each waits for the previous reply. */
struct lane {
	uint8_t ops[MAX_CHAIN_OPS];
	uint8_t n_ops;
	uint8_t pos;          /* next op to send */
	bool waiting;         /* its request is outstanding */
	bool retired;         /* no budget left for another chain */
	bool fails;           /* the first op gets an error reply */
	bool is_dir;
	uint8_t n_names;
	uint8_t names[MAX_WALK_NAMES];
	uint8_t n_dirents;
	uint8_t reads_done;   /* Rread/Rreaddir replies so far */
	uint16_t tag;
	uint32_t file_size;
	uint64_t qid_path;
	uint64_t due_ns;      /* waiting: the reply; otherwise the next request */
};

enum phase {
	PHASE_SYN, PHASE_SYNACK, PHASE_TVERSION, PHASE_RVERSION, PHASE_TATTACH,
	PHASE_RATTACH, PHASE_WORK, PHASE_FIN, PHASE_DONE,
};

struct connection {
	enum phase phase;
	enum dialect dialect;
	uint32_t index;
	struct eth_ipv4_conn tcp; /* addresses, ports, sequence numbers */
	uint16_t ip_id[2];     /* per direction */
	uint8_t unacked_segments[2];
	uint64_t budget;       /* messages this connection may emit */
	uint64_t committed;    /* emitted plus those its open chains will emit */
	uint16_t free_tags;    /* bit i set: tag i is free */
	uint64_t next_ns;      /* when it acts next: its key in the heap */
	uint8_t n_lanes;
	struct lane lanes[MAX_LANES];
	/* The socket's unsent bytes, in one direction at a time. */
	enum direction pending_dir;
	uint16_t pending_len;
	uint8_t pending[TCP_MSS];
};

static const uint8_t server_mac[MAC_LEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t server_ip[IPV4_ADDR_LEN] = {10, 0, 0, 1};

static uint8_t frame[ETH_IPV4_TCP_FRAME_MAX(TCP_MSS)];
static uint8_t data_block[DATA_BLOCK];
static struct buf message; /* the message being encoded, at most MSIZE */
static struct buf entries; /* an Rreaddir's entries, before their count */

static void write_segment(struct capture_out *out, struct connection *c, enum direction dir, uint8_t flags,
			  const uint8_t *payload, size_t len)
{
	size_t frame_len = eth_ipv4_conn_segment(frame, &c->tcp, dir, c->ip_id[dir]++, flags, payload, len);

	out->now_ns += WIRE_GAP_NS + frame_len * WIRE_PS_PER_BYTE / PS_PER_NS;
	capfile_write(out->file, out->now_ns, frame, frame_len);
	out->packets++;
}

/* A data segment; the receiver sends a delayed ACK every second one. */
static void write_data(struct capture_out *out, struct connection *c, enum direction dir, const uint8_t *p,
		       size_t len)
{
	enum direction back = dir == TO_SERVER ? TO_CLIENT : TO_SERVER;
	write_segment(out, c, dir, TCP_ACK | TCP_PSH, p, len);
	c->unacked_segments[back] = 0; /* this segment's ACK covered them */
	if (++c->unacked_segments[dir] >= DELAYED_ACK_SEGMENTS) {
		write_segment(out, c, back, TCP_ACK, NULL, 0);
		c->unacked_segments[dir] = 0;
	}
}

static void flush_pending(struct capture_out *out, struct connection *c)
{
	if (c->pending_len == 0)
		return;
	write_data(out, c, c->pending_dir, c->pending, c->pending_len);
	c->pending_len = 0;
}

/*
 * Hands one 9P message to the connection's socket.  Full segments go out at
 * once.  When more messages of the same write follow, the remainder usually
 * waits for them, so messages share segments and some straddle two; the
 * last message of a write flushes.  Bytes never wait across a change of
 * direction: a reply must not precede its request.
 */
static void send_message(struct capture_out *out, struct connection *c, enum direction dir, const struct buf *m,
			 bool more)
{
	const uint8_t *msg = m->data;
	size_t len = m->len;

	if (c->pending_len > 0 && c->pending_dir != dir)
		flush_pending(out, c);
	c->pending_dir = dir;
	while (len > 0) {
		size_t room = TCP_MSS - c->pending_len;
		size_t n = len < room ? len : room;
		memcpy(c->pending + c->pending_len, msg, n);
		c->pending_len = (uint16_t)(c->pending_len + n);
		msg += n;
		len -= n;
		if (c->pending_len == TCP_MSS)
			flush_pending(out, c);
	}
	if (!more || !prng_percent(PCT_COALESCE))
		flush_pending(out, c);
	out->messages++;
}

/* ---- 9P encoding ---------------------------------------------------------- */
/* File contents: a window on a fixed random block, chosen by the file. */
static const uint8_t *file_data(uint64_t qid_path, size_t n)
{
	return data_block + (qid_path * DATA_STRIDE) % (DATA_BLOCK - n + 1);
}

/* ---- the workload --------------------------------------------------------- */
static uint32_t pick_file_size(void)
{
	uint32_t pct = prng_below(PERCENT);
	if (pct < PCT_SMALL_FILE)
		return SMALL_FILE_MIN + prng_below(MEDIUM_FILE_MIN - SMALL_FILE_MIN);
	if (pct < PCT_SMALL_FILE + PCT_MEDIUM_FILE)
		return MEDIUM_FILE_MIN + prng_below(MEDIUM_FILE_MAX - MEDIUM_FILE_MIN);
	return LARGE_FILE_MIN + prng_below(LARGE_FILE_MAX - LARGE_FILE_MIN + 1);
}

/* Reads of a file: whole IOUNITs, the rest, then the one that returns 0. */
static uint8_t reads_for(uint32_t size)
{
	return (uint8_t)((size + IOUNIT - 1) / IOUNIT + 1);
}

static void chain_push(struct lane *l, enum op op)
{
	if (l->n_ops >= MAX_CHAIN_OPS)
		die("internal error", "chain too long");
	l->ops[l->n_ops++] = (uint8_t)op;
}

/* A new chain for a lane, in the connection's dialect. */
static void plan_chain(struct connection *c, struct lane *l, uint64_t serial)
{
	l->n_ops = 0;
	l->pos = 0;
	l->reads_done = 0;
	l->qid_path = (uint64_t)c->index << 32 | serial;
	l->n_names = (uint8_t)(1 + prng_below(MAX_WALK_NAMES));
	for (unsigned i = 0; i < l->n_names; i++)
		l->names[i] = (uint8_t)prng_below(VOCABULARY_SIZE);
	l->is_dir = false;
	l->file_size = pick_file_size();

	if (c->dialect == DIALECT_E) {
		if (prng_percent(PCT_SWRITE)) {
			l->file_size = SMALL_FILE_MIN + prng_below(MAX_SWRITE_SIZE - SMALL_FILE_MIN);
			l->fails = false;
			chain_push(l, OP_SWRITE);
		} else {
			if (l->file_size > MAX_SREAD_SIZE)
				l->file_size = MAX_SREAD_SIZE;
			l->fails = prng_percent(PCT_SREAD_FAILS);
			chain_push(l, OP_SREAD);
		}
		return;
	}
	l->fails = prng_percent(PCT_WALK_FAILS);
	chain_push(l, OP_WALK);
	if (l->fails)
		return;
	if (c->dialect == DIALECT_L) {
		l->is_dir = prng_percent(PCT_L_DIRECTORY);
		chain_push(l, OP_LOPEN);
		if (l->is_dir) {
			l->n_dirents = (uint8_t)(MIN_DIRENTS + prng_below(MAX_DIRENTS - MIN_DIRENTS + 1));
			chain_push(l, OP_READDIR);
			chain_push(l, OP_READDIR); /* the empty one: end of directory */
		} else {
			chain_push(l, OP_GETATTR);
			for (uint8_t i = reads_for(l->file_size); i > 0; i--)
				chain_push(l, OP_READ);
		}
	} else {
		chain_push(l, OP_OPEN);
		for (uint8_t i = reads_for(l->file_size); i > 0; i--)
			chain_push(l, OP_READ);
	}
	chain_push(l, OP_CLUNK);
}

static uint32_t lane_fid(const struct connection *c, const struct lane *l)
{
	return LANE_FID_BASE + (uint32_t)(l - c->lanes);
}

/* The lane's walk names, for the builders. */
static uint16_t lane_names(const struct lane *l, const char *names[MAX_WALK_NAMES])
{
	for (unsigned i = 0; i < l->n_names; i++)
		names[i] = walk_vocabulary[l->names[i]];
	return l->n_names;
}

static void encode_request(struct buf *m, const struct connection *c, const struct lane *l)
{
	uint32_t fid = lane_fid(c, l);
	const char *names[MAX_WALK_NAMES];
	uint16_t n_names = lane_names(l, names);
	switch ((enum op)l->ops[l->pos]) {
	case OP_WALK:
		build_twalk(m, l->tag, ROOT_FID, fid, n_names, names);
		break;
	case OP_LOPEN:
		build_tlopen(m, l->tag, fid, l->is_dir ? LINUX_O_DIRECTORY : 0);
		break;
	case OP_OPEN:
		build_topen(m, l->tag, fid, NINEP_OREAD);
		break;
	case OP_GETATTR:
		build_tgetattr(m, l->tag, fid, GETATTR_BASIC);
		break;
	case OP_READ:
		build_tread(m, l->tag, fid, (uint64_t)l->reads_done * IOUNIT, IOUNIT);
		break;
	case OP_READDIR: /* the second one starts at the offset of the last entry */
		build_treaddir(m, l->tag, fid, l->reads_done ? l->n_dirents : 0, IOUNIT);
		break;
	case OP_CLUNK:
		build_tclunk(m, l->tag, fid);
		break;
	case OP_SREAD:
		build_tsread(m, l->tag, ROOT_FID, n_names, names);
		break;
	case OP_SWRITE:
		build_tswrite(m, l->tag, ROOT_FID, n_names, names, file_data(l->qid_path, l->file_size), l->file_size);
		break;
	default:
		die("internal error", "unknown op");
	}
}

static void build_lane_rgetattr(struct buf *m, const struct lane *l)
{
	/* the same time for atime, mtime, ctime and btime, with any nanoseconds */
	const struct l_time t = {CAPTURE_START_SEC - (l->qid_path & 0xfffff), (l->qid_path * DATA_STRIDE) % NSEC_PER_SEC};
	const struct l_attr a = {
		.valid = GETATTR_BASIC,
		.qid = {NINEP_QTFILE, 1, l->qid_path},
		.mode = REGULAR_FILE_MODE,
		.uid = N_UNAME,
		.gid = N_UNAME,
		.nlink = 1,
		.size = l->file_size,
		.blksize = STAT_BLKSIZE,
		.blocks = (l->file_size + STAT_BLOCK_UNIT - 1) / STAT_BLOCK_UNIT,
		.atime = t,
		.mtime = t,
		.ctime = t,
		.btime = t,
	};
	build_rgetattr(m, l->tag, &a);
}

/* Rreaddir of the lane's directory: its entries, built apart into
 * `entries` so count[4] can precede them. */
static void build_lane_rreaddir(struct buf *m, const struct lane *l)
{
	buf_reset(&entries);
	for (unsigned i = 0; i < l->n_dirents; i++) {
		char name[DIRENT_NAME_MAX];
		bool sub = i % DIRENT_SUBDIR_EVERY == 0;
		snprintf(name, sizeof name, "%s%03u", sub ? "dir" : "file", i);
		/* offset: of the next entry */
		msg_dirent(&entries, (struct qid){sub ? NINEP_QTDIR : NINEP_QTFILE, 0, l->qid_path + i + 1}, i + 1,
			   sub ? DT_DIR_TYPE : DT_REG_TYPE, name);
	}
	build_rreaddir(m, l->tag, entries.data, (uint32_t)entries.len);
}

static void encode_reply(struct buf *m, const struct connection *c, const struct lane *l)
{
	enum op op = (enum op)l->ops[l->pos];
	if (l->fails) {
		if (c->dialect == DIALECT_L)
			build_rlerror(m, l->tag, LINUX_ENOENT);
		else
			build_rerror(m, l->tag, "file does not exist");
		return;
	}
	switch (op) {
	case OP_WALK: {
		struct qid wqid[MAX_WALK_NAMES];
		for (unsigned i = 0; i < l->n_names; i++) {
			bool last = i + 1 == l->n_names;
			uint8_t type = last && !l->is_dir ? NINEP_QTFILE : NINEP_QTDIR;
			wqid[i] = (struct qid){type, 0, last ? l->qid_path : l->qid_path ^ (0x1000u + i)};
		}
		build_rwalk(m, l->tag, l->n_names, wqid);
		break;
	}
	case OP_LOPEN:
	case OP_OPEN:
		build_rqid_iounit(m, op == OP_LOPEN ? NINEP_Rlopen : NINEP_Ropen, l->tag,
				  (struct qid){l->is_dir ? NINEP_QTDIR : NINEP_QTFILE, 0, l->qid_path}, IOUNIT);
		break;
	case OP_GETATTR:
		build_lane_rgetattr(m, l);
		break;
	case OP_READ: {
		uint64_t offset = (uint64_t)l->reads_done * IOUNIT;
		uint32_t n = offset >= l->file_size ? 0 : (uint32_t)(l->file_size - offset);
		if (n > IOUNIT)
			n = IOUNIT;
		build_rread(m, l->tag, file_data(l->qid_path + l->reads_done, n), n);
		break;
	}
	case OP_READDIR:
		if (l->reads_done == 0)
			build_lane_rreaddir(m, l);
		else
			build_rreaddir(m, l->tag, NULL, 0);
		break;
	case OP_CLUNK:
		build_empty(m, NINEP_Rclunk, l->tag);
		break;
	case OP_SREAD:
		build_rsread(m, l->tag, file_data(l->qid_path, l->file_size), l->file_size);
		break;
	case OP_SWRITE:
		build_rswrite(m, l->tag, l->file_size);
		break;
	default:
		die("internal error", "unknown op");
	}
}

/* ---- one connection's life, one event at a time --------------------------- */
struct generator {
	struct capture_out out;
	struct connection *conns;
	uint32_t *heap; /* connection indices, earliest next_ns first */
	uint32_t heap_len;
	uint64_t chains;
};

static uint64_t server_latency_ns(void)
{
	uint32_t pct = prng_below(PERCENT);
	if (pct < PCT_FAST_REPLY)
		return FAST_REPLY_MIN_NS + prng_below(FAST_REPLY_MAX_NS - FAST_REPLY_MIN_NS);
	if (pct < PCT_FAST_REPLY + PCT_SLOW_REPLY)
		return FAST_REPLY_MAX_NS + prng_below(SLOW_REPLY_MAX_NS - FAST_REPLY_MAX_NS);
	return SLOW_REPLY_MAX_NS + prng_below(VERY_SLOW_REPLY_MAX_NS - SLOW_REPLY_MAX_NS);
}

static uint64_t client_turnaround_ns(void)
{
	return CLIENT_TURNAROUND_MIN_NS + prng_below(CLIENT_TURNAROUND_SPREAD_NS);
}

static void send_version(struct generator *g, struct connection *c, bool reply)
{
	struct buf *m = &message;
	if (reply)
		build_rversion(m, MSIZE, dialect_version[c->dialect]);
	else
		build_tversion(m, MSIZE, dialect_version[c->dialect]);
	send_message(&g->out, c, reply ? TO_CLIENT : TO_SERVER, m, false);
}

static void send_attach(struct generator *g, struct connection *c, bool reply)
{
	const uint16_t tag = 0;
	struct buf *m = &message;
	if (reply)
		build_rattach(m, tag, (struct qid){NINEP_QTDIR, 0, 1});
	else
		build_tattach(m, tag, ROOT_FID, NINEP_NOFID, "bench", "/srv/bench", c->dialect == DIALECT_L, N_UNAME);
	send_message(&g->out, c, reply ? TO_CLIENT : TO_SERVER, m, false);
}

/*
 * The lane's next chain, after some think time, if it fits in the
 * connection's budget; otherwise the lane retires.  Budgets are split evenly,
 * so the file holds about the number of messages asked for.
 */
static void start_chain(struct generator *g, struct connection *c, struct lane *l)
{
	plan_chain(c, l, g->chains + 1);
	if (c->committed + 2u * l->n_ops > c->budget) {
		l->retired = true;
		l->n_ops = 0;
		l->pos = 0;
		return;
	}
	g->chains++;
	c->committed += 2u * l->n_ops;
	l->due_ns = g->out.now_ns + prng_below(CHAIN_GAP_MAX_NS);
}

static void send_request(struct generator *g, struct connection *c, struct lane *l, bool more)
{
	unsigned tag = 0;
	while (!(c->free_tags & (1u << tag)))
		tag++;
	c->free_tags = (uint16_t)(c->free_tags & ~(1u << tag));
	l->tag = (uint16_t)tag;
	l->waiting = true;
	encode_request(&message, c, l);
	send_message(&g->out, c, TO_SERVER, &message, more);
	l->due_ns = g->out.now_ns + server_latency_ns();
}

static void send_reply(struct generator *g, struct connection *c, struct lane *l, bool more)
{
	encode_reply(&message, c, l);
	send_message(&g->out, c, TO_CLIENT, &message, more);
	c->free_tags = (uint16_t)(c->free_tags | 1u << l->tag);
	l->waiting = false;
	if ((enum op)l->ops[l->pos] == OP_READ || (enum op)l->ops[l->pos] == OP_READDIR)
		l->reads_done++;
	l->pos = l->fails ? l->n_ops : (uint8_t)(l->pos + 1);
}

/* Lanes due by the horizon that are (or are not) waiting, earliest first. */
static unsigned due_lanes(struct connection *c, uint64_t horizon, bool waiting, struct lane **batch)
{
	unsigned n = 0;
	for (unsigned i = 0; i < c->n_lanes; i++) {
		struct lane *l = &c->lanes[i];
		if (l->waiting != waiting || l->retired || l->due_ns > horizon)
			continue;
		unsigned j = n++;
		for (; j > 0 && batch[j - 1]->due_ns > l->due_ns; j--)
			batch[j] = batch[j - 1];
		batch[j] = l;
	}
	return n;
}

/*
 * The server writes every reply that is ready (in the order they became
 * ready, so out of request order), or else the client writes every request
 * that is due.  Then the connection's next time is its earliest lane.
 */
static void act_work(struct generator *g, struct connection *c)
{
	struct lane *batch[MAX_LANES];
	unsigned n = due_lanes(c, g->out.now_ns + REPLY_BATCH_NS, true, batch);
	if (n > 0) {
		for (unsigned i = 0; i < n; i++)
			send_reply(g, c, batch[i], i + 1 < n);
		for (unsigned i = 0; i < n; i++) {
			struct lane *l = batch[i];
			if (l->pos < l->n_ops)
				l->due_ns = g->out.now_ns + client_turnaround_ns();
			else
				start_chain(g, c, l);
		}
	} else {
		/* Sometimes the application starts work on every idle lane at once
		 * (think of ls -l): those requests share segments. */
		uint64_t horizon = prng_percent(PCT_PARALLEL_REQUESTS) ? UINT64_MAX : g->out.now_ns + REQUEST_BATCH_NS;
		n = due_lanes(c, horizon, false, batch);
		for (unsigned i = 0; i < n; i++)
			send_request(g, c, batch[i], i + 1 < n);
	}

	uint64_t next = UINT64_MAX;
	for (unsigned i = 0; i < c->n_lanes; i++) {
		const struct lane *l = &c->lanes[i];
		if (!l->retired && l->due_ns < next)
			next = l->due_ns;
	}
	if (next == UINT64_MAX) {
		c->phase = PHASE_FIN;
		next = g->out.now_ns + client_turnaround_ns();
	}
	c->next_ns = next;
}

static void act(struct generator *g, struct connection *c)
{
	uint64_t *now = &g->out.now_ns;
	switch (c->phase) {
	case PHASE_SYN:
		write_segment(&g->out, c, TO_SERVER, TCP_SYN, NULL, 0);
		c->phase = PHASE_SYNACK;
		c->next_ns = *now + NETWORK_RTT_NS / 2;
		break;
	case PHASE_SYNACK:
		write_segment(&g->out, c, TO_CLIENT, TCP_SYN | TCP_ACK, NULL, 0);
		c->phase = PHASE_TVERSION;
		c->next_ns = *now + NETWORK_RTT_NS / 2;
		break;
	case PHASE_TVERSION:
		write_segment(&g->out, c, TO_SERVER, TCP_ACK, NULL, 0);
		send_version(g, c, false);
		c->phase = PHASE_RVERSION;
		c->next_ns = *now + server_latency_ns();
		break;
	case PHASE_RVERSION:
		send_version(g, c, true);
		c->phase = PHASE_TATTACH;
		c->next_ns = *now + client_turnaround_ns();
		break;
	case PHASE_TATTACH:
		send_attach(g, c, false);
		c->phase = PHASE_RATTACH;
		c->next_ns = *now + server_latency_ns();
		break;
	case PHASE_RATTACH:
		send_attach(g, c, true);
		c->phase = PHASE_WORK;
		c->next_ns = UINT64_MAX;
		for (unsigned i = 0; i < c->n_lanes; i++) {
			start_chain(g, c, &c->lanes[i]);
			if (!c->lanes[i].retired && c->lanes[i].due_ns < c->next_ns)
				c->next_ns = c->lanes[i].due_ns;
		}
		if (c->next_ns == UINT64_MAX) { /* no budget for any work */
			c->phase = PHASE_FIN;
			c->next_ns = *now + client_turnaround_ns();
		}
		break;
	case PHASE_WORK:
		act_work(g, c);
		break;
	case PHASE_FIN:
		write_segment(&g->out, c, TO_SERVER, TCP_FIN | TCP_ACK, NULL, 0);
		write_segment(&g->out, c, TO_CLIENT, TCP_FIN | TCP_ACK, NULL, 0);
		write_segment(&g->out, c, TO_SERVER, TCP_ACK, NULL, 0);
		c->phase = PHASE_DONE;
		break;
	case PHASE_DONE:
		break;
	}
}

/* ---- the event heap: ties go to the lower index, so runs are identical --- */
static bool earlier(const struct generator *g, uint32_t a, uint32_t b)
{
	uint64_t ta = g->conns[a].next_ns, tb = g->conns[b].next_ns;
	return ta < tb || (ta == tb && a < b);
}

static void heap_sift_down(struct generator *g, uint32_t i)
{
	for (;;) {
		uint32_t left = 2 * i + 1, right = left + 1, least = i;
		if (left < g->heap_len && earlier(g, g->heap[left], g->heap[least]))
			least = left;
		if (right < g->heap_len && earlier(g, g->heap[right], g->heap[least]))
			least = right;
		if (least == i)
			return;
		uint32_t t = g->heap[i];
		g->heap[i] = g->heap[least];
		g->heap[least] = t;
		i = least;
	}
}

static void run(struct generator *g)
{
	for (uint32_t i = g->heap_len / 2; i-- > 0;)
		heap_sift_down(g, i);
	while (g->heap_len > 0) {
		struct connection *c = &g->conns[g->heap[0]];
		if (g->out.now_ns < c->next_ns)
			g->out.now_ns = c->next_ns;
		act(g, c);
		if (c->phase == PHASE_DONE)
			g->heap[0] = g->heap[--g->heap_len];
		heap_sift_down(g, 0);
	}
}

enum { SETUP_MESSAGES = 4 }; /* Tversion Rversion Tattach Rattach */

static void init_connection(struct connection *c, uint32_t index, enum dialect dialect, uint64_t budget,
			    uint64_t start_ns)
{
	memset(c, 0, sizeof *c);
	c->index = index;
	c->dialect = dialect;
	/* client MACs are 02:00:00:01:hi:lo, client addresses 10.1.x.y */
	const uint8_t client_mac[MAC_LEN] = {0x02, 0x00, 0x00, 0x01, (uint8_t)(index >> 8), (uint8_t)index};
	const uint8_t client_ip[IPV4_ADDR_LEN] = {10, 1, (uint8_t)(index / CLIENTS_PER_SUBNET),
						  (uint8_t)(index % CLIENTS_PER_SUBNET + 1)};
	const struct eth_ipv4_endpoint client = {client_mac, client_ip, (uint16_t)(CLIENT_PORT_BASE + index % CLIENT_PORTS),
						 (uint32_t)prng_next()};
	/* after the client's: the same sequence of draws as ever */
	const struct eth_ipv4_endpoint server = {server_mac, server_ip, NINEP_PORT, (uint32_t)prng_next()};
	eth_ipv4_conn_init(&c->tcp, &client, &server, TCP_WINDOW);
	c->budget = budget;
	c->committed = SETUP_MESSAGES;
	c->free_tags = 0xffff;
	c->n_lanes = (uint8_t)(MIN_LANES + prng_below(MAX_LANES - MIN_LANES + 1));
	c->phase = PHASE_SYN;
	c->next_ns = start_ns + prng_below(CONNECT_SPREAD_NS);
}

static enum dialect pick_dialect(const char *mode)
{
	if (strcmp(mode, "L") == 0)
		return DIALECT_L;
	if (strcmp(mode, "9P2000") == 0)
		return DIALECT_9P2000;
	if (strcmp(mode, "e") == 0)
		return DIALECT_E;
	uint32_t pct = prng_below(PERCENT);
	if (pct < PCT_DIALECT_L)
		return DIALECT_L;
	return pct < PCT_DIALECT_L + PCT_DIALECT_9P2000 ? DIALECT_9P2000 : DIALECT_E;
}

/* ---- command line --------------------------------------------------------- */
static void usage(void)
{
	fputs("usage: gen_bench_capture [--messages N] [--connections N] [--dialect mix|L|9P2000|e]\n"
	      "                         [--seed S] OUT.pcap\n"
	      "Writes about N 9P messages (requests and replies; default 2000000) over\n"
	      "N connections (default 1000) to OUT.pcap (- for standard output).\n",
	      stderr);
	exit(1);
}

int main(int argc, char **argv)
{
	uint64_t target = DEFAULT_MESSAGES;
	uint64_t n_conns = DEFAULT_CONNECTIONS;
	const char *dialect_mode = "mix";
	uint64_t seed = 0;
	int seed_given = 0;
	const struct gen_option options[] = {
		{ "--messages", &target, NULL, NULL },
		{ "--connections", &n_conns, NULL, NULL },
		{ "--seed", &seed, NULL, &seed_given },
		{ "--dialect", NULL, &dialect_mode, NULL },
		{ NULL, NULL, NULL, NULL },
	};
	const char *path = gen_parse_command_line("gen_bench_capture", argc, argv, options, usage);
	if (seed_given)
		prng_state = seed | 1; /* xorshift needs nonzero */
	if (strcmp(dialect_mode, "mix") != 0 && strcmp(dialect_mode, "L") != 0 && strcmp(dialect_mode, "9P2000") != 0 &&
	    strcmp(dialect_mode, "e") != 0)
		usage();
	if (n_conns == 0 || n_conns > MAX_CONNECTIONS)
		die("--connections", "must be 1 .. 62500 (one client address each)");
	if (target < n_conns * SETUP_MESSAGES)
		die("--messages", "too few for the connections' Tversion and Tattach");

	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);

	struct generator g = {0};
	const struct capfile_options pcap = {
		.format = CAPFILE_PCAP,
		.linktype = LINKTYPE_ETHERNET,
		.snaplen = PCAP_SNAPLEN,
		.nanosecond = 1,
	};
	g.out.now_ns = (uint64_t)CAPTURE_START_SEC * NSEC_PER_SEC;
	g.out.file = capfile_create(path, &pcap);
	buf_init(&message, MSIZE);
	buf_init(&entries, MSIZE);
	for (size_t i = 0; i < DATA_BLOCK; i++)
		data_block[i] = (uint8_t)(prng_next() >> 56);

	g.conns = calloc(n_conns, sizeof *g.conns);
	g.heap = calloc(n_conns, sizeof *g.heap);
	if (g.conns == NULL || g.heap == NULL)
		die("out of memory", NULL);
	for (uint32_t i = 0; i < n_conns; i++) {
		uint64_t budget = target / n_conns + (i < target % n_conns ? 1 : 0);
		init_connection(&g.conns[i], i, pick_dialect(dialect_mode), budget, g.out.now_ns);
		g.heap[i] = i;
	}
	g.heap_len = (uint32_t)n_conns;

	run(&g);
	uint64_t bytes = capfile_bytes(g.out.file);
	capfile_close(g.out.file);

	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / NSEC_PER_SEC;
	fprintf(stderr, "gen_bench_capture: %s: %" PRIu64 " messages, %" PRIu64 " packets, %" PRIu64
			" connections, %" PRIu64 " bytes, %.1f s\n",
		path, g.out.messages, g.out.packets, n_conns, bytes, seconds);
	free(g.conns);
	free(g.heap);
	buf_free(&message);
	buf_free(&entries);
	return 0;
}
