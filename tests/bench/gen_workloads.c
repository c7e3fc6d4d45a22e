/*
 * gen_workloads: the benchmark's other workloads (issue 20), deterministic
 * pcaps of about a given number of packets, each loading the analyzer
 * differently from gen_bench_capture's dialect mix.
 *
 *   gen_workloads --workload W [--packets N] [--connections C] [--snaplen S] OUT.pcap
 *
 *   interleaved  1,000 9P2000 connections interleaved packet by packet, one
 *                small message per TCP segment (7 to 90 bytes of 9P), and
 *                every file access a fresh fid: Twalk of two names out of
 *                10,000 distinct paths, Topen, Tread, Tclunk.  Many small
 *                packets over many connections: the per-packet and
 *                per-connection costs, with cache misses at every packet.
 *   large-reads  16 9P2000.L connections, msize 1 MiB: Twalk, Tlopen,
 *                Treads of 128 KiB answered in full (an Rread of 131,083
 *                bytes over 91 segments, acknowledged every second
 *                segment) until one returns 0, Tclunk.  The floor is slow
 *                here (large packets), the 9P is sparse.
 *   macro-ops    200 9P2000.e connections: Tversion, Tsession, Tattach,
 *                then Tsread (70 %, 2 % of them failing with Rerror) and
 *                Tswrite of 16 B to 4 KiB, two names out of 10,000 paths.
 *
 * --snaplen S cuts every frame to S bytes: 96 keeps the Ethernet, IPv4 and
 * TCP headers (54 bytes) and 42 bytes of payload, the header-only cut of a
 * capture (tcpdump -s 96).  OUT "-" is standard output, so 10 million
 * packets can go straight into the analyzer without a file.
 *
 * --packets N: connections stop starting file accesses once N packets are
 * written, then finish the access and close (FIN), so the file holds a few
 * packets more than N per connection.  On standard error: "OUT: W, C
 * connections, M messages, P packets, B bytes".
 *
 * Every connection takes its turn in a fixed round-robin, one packet per
 * turn (a data segment, or the receiver's delayed ACK), so all randomness is
 * the fixed-seed PRNG's and the same arguments give the same bytes.  The
 * 9P messages are encoded by the capture writer (tools/capwriter), never by
 * the project's decoder, so they are independent truth.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ninep/protocol.h>

#include "capfile.h"
#include "gen_common.h"
#include "msgs.h"
#include "wire.h"

/* ---- below 9P ------------------------------------------------------------- */
enum {
	NINEP_PORT = 564,
	CLIENT_PORT_BASE = 40000,
	CLIENT_PORTS = 20000,
	CLIENTS_PER_SUBNET = 250, /* 10.1.x.1 .. 10.1.x.250 */
	MAX_CONNECTIONS = CLIENTS_PER_SUBNET * 250,
	TCP_WINDOW = 65535,
	TCP_MSS = 1448,           /* Ethernet MTU less IPv4 and TCP with timestamps */
	DELAYED_ACK_SEGMENTS = 2, /* a receiver ACKs every second full segment */
};

#define CAPTURE_START_NS (1700000000ull * 1000000000ull)
#define PACKET_GAP_NS 1000u     /* between two frames: about 1 M packets/s */
#define WIRE_PS_PER_BYTE 800u   /* 10 Gb/s */
#define PS_PER_NS 1000u

/* ---- 9P parameters -------------------------------------------------------- */
enum {
	IOHDRSZ = 24,                   /* the largest I/O message header */
	ROOT_FID = 0,                   /* each access walks from it to a fresh fid */
	DISTINCT_PATHS = 10000,         /* dNN/fNNNN: 100 directories of 100 files */
	FILES_PER_DIR = 100,
	NAMES_PER_WALK = 2,
	NAME_MAX_LEN = 16,
	/* interleaved: small messages, 9P2000 */
	SMALL_MSIZE = 8192 + IOHDRSZ,
	SMALL_READ_MAX = 79,            /* Rread: 11 bytes of header + 79 = 90 */
	/* large-reads: 9P2000.L */
	LARGE_MSIZE = 1 << 20,          /* 1 MiB */
	LARGE_READ = 128 * 1024,        /* every Tread's count, answered in full */
	LARGE_FILE_MAX_READS = 8,       /* files of 128 KiB .. 1 MiB */
	/* macro-ops: 9P2000.e */
	E_MSIZE = 8192 + IOHDRSZ,
	E_DATA_MIN = 16,
	E_DATA_MAX = 4096,
	E_WRITE_MAX = 512,
	PERCENT = 100,
	PCT_SREAD = 70,                 /* the rest are Tswrite */
	PCT_SREAD_FAILS = 2,
	DATA_BLOCK = 1 << 18,           /* file contents are windows on this block */
	MSG_CEILING = LARGE_READ + 64,  /* the largest message: an Rread of LARGE_READ */
};

enum { DEFAULT_PACKETS = 1000000 };

/* ---- workloads ------------------------------------------------------------ */
enum workload { W_INTERLEAVED, W_LARGE_READS, W_MACRO_OPS };

struct workload_params {
	const char *name;
	const char *version;
	uint32_t msize;
	uint32_t default_connections;
};

static const struct workload_params workloads[] = {
	[W_INTERLEAVED] = { "interleaved", "9P2000", SMALL_MSIZE, 1000 },
	[W_LARGE_READS] = { "large-reads", "9P2000.L", LARGE_MSIZE, 16 },
	[W_MACRO_OPS] = { "macro-ops", "9P2000.e", E_MSIZE, 200 },
};
enum { N_WORKLOADS = sizeof workloads / sizeof workloads[0] };

/* What a connection sends next, in order.  STEP_ACCESS repeats (one file
 * access: a chain of request/reply pairs) until the packet budget is spent. */
enum step {
	STEP_SYN, STEP_SYNACK, STEP_ACK, STEP_VERSION, STEP_SESSION, STEP_ATTACH, STEP_ACCESS, STEP_FIN_CLIENT,
	STEP_FIN_SERVER, STEP_LAST_ACK, STEP_DONE,
};

/* One request/reply pair of an access. */
enum op { OP_WALK, OP_OPEN, OP_LOPEN, OP_READ, OP_CLUNK, OP_SREAD, OP_SWRITE };
enum { MAX_ACCESS_OPS = 4 + LARGE_FILE_MAX_READS };

struct connection {
	struct eth_ipv4_conn tcp; /* addresses, ports, sequence numbers */
	uint16_t ip_id[2];        /* per side */
	uint32_t index;
	enum step step;
	uint16_t next_tag;
	/* the current access */
	uint32_t fid;             /* fresh for every access */
	uint32_t path;            /* 0 .. DISTINCT_PATHS - 1 */
	uint32_t size;            /* file size, or bytes written */
	bool fails;
	uint8_t ops[MAX_ACCESS_OPS];
	uint8_t n_ops, pos;
	bool reply_next;          /* the request of ops[pos] went out */
	uint16_t tag;
	uint32_t reads_done;
	/* the message on the wire: its bytes, its sender, how much went out */
	struct buf msg;
	int msg_side;
	size_t msg_sent;
	uint8_t unacked;          /* full segments msg_side sent, not yet ACKed */
	bool ack_due;             /* the other side owes a pure ACK */
};

struct generator {
	enum workload w;
	struct capfile *out;
	uint64_t now_ns;
	uint64_t packets, messages, target_packets;
	struct connection *conns;
	uint32_t n_conns;
};

static uint8_t frame[ETH_IPV4_TCP_FRAME_MAX(TCP_MSS)];
static uint8_t data_block[DATA_BLOCK];

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "gen_workloads: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	exit(2);
}

static void write_segment(struct generator *g, struct connection *c, int side, uint8_t flags, const uint8_t *payload,
			  size_t len)
{
	size_t frame_len = eth_ipv4_conn_segment(frame, &c->tcp, side, c->ip_id[side]++, flags, payload, len);
	g->now_ns += PACKET_GAP_NS + frame_len * WIRE_PS_PER_BYTE / PS_PER_NS;
	capfile_write(g->out, g->now_ns, frame, frame_len);
	g->packets++;
}

/* File contents: a window on the fixed random block, chosen by the path. */
static const uint8_t *file_data(uint32_t path, size_t n)
{
	return data_block + ((size_t)path * 4099u) % (DATA_BLOCK - n + 1);
}

static void path_names(uint32_t path, char names[NAMES_PER_WALK][NAME_MAX_LEN], const char *out[NAMES_PER_WALK])
{
	snprintf(names[0], NAME_MAX_LEN, "d%02u", (unsigned)(path / FILES_PER_DIR));
	snprintf(names[1], NAME_MAX_LEN, "f%04u", (unsigned)path);
	out[0] = names[0];
	out[1] = names[1];
}

static struct qid file_qid(uint32_t path)
{
	struct qid q = { 0, 0, 100000u + path };
	return q;
}

static struct qid dir_qid(uint32_t path)
{
	struct qid q = { 0x80, 0, 1000u + path / FILES_PER_DIR };
	return q;
}

static uint16_t take_tag(struct connection *c)
{
	uint16_t tag = c->next_tag;
	c->next_tag = (uint16_t)(c->next_tag % 1000 + 1); /* 1 .. 1000, never NOTAG */
	return tag;
}

/* ---- one file access ------------------------------------------------------ */
static void plan_access(const struct generator *g, struct connection *c)
{
	c->fid++;
	c->path = prng_below(DISTINCT_PATHS);
	c->n_ops = 0;
	c->pos = 0;
	c->reads_done = 0;
	c->reply_next = false;
	c->fails = false;
	switch (g->w) {
	case W_INTERLEAVED:
		c->size = 1 + c->path % SMALL_READ_MAX;
		c->ops[c->n_ops++] = OP_WALK;
		c->ops[c->n_ops++] = OP_OPEN;
		c->ops[c->n_ops++] = OP_READ;
		c->ops[c->n_ops++] = OP_CLUNK;
		break;
	case W_LARGE_READS: {
		uint32_t reads = 1 + prng_below(LARGE_FILE_MAX_READS);
		c->size = reads * LARGE_READ;
		c->ops[c->n_ops++] = OP_WALK;
		c->ops[c->n_ops++] = OP_LOPEN;
		for (uint32_t i = 0; i <= reads; i++) /* the last returns 0: end of file */
			c->ops[c->n_ops++] = OP_READ;
		c->ops[c->n_ops++] = OP_CLUNK;
		break;
	}
	case W_MACRO_OPS:
		if (prng_below(PERCENT) < PCT_SREAD) {
			c->size = E_DATA_MIN + prng_below(E_DATA_MAX - E_DATA_MIN + 1);
			c->fails = prng_below(PERCENT) < PCT_SREAD_FAILS;
			c->ops[c->n_ops++] = OP_SREAD;
		} else {
			c->size = E_DATA_MIN + prng_below(E_WRITE_MAX - E_DATA_MIN + 1);
			c->ops[c->n_ops++] = OP_SWRITE;
		}
		break;
	}
}

static void encode_access_request(enum workload w, struct connection *c, struct buf *m)
{
	char storage[NAMES_PER_WALK][NAME_MAX_LEN];
	const char *names[NAMES_PER_WALK];
	path_names(c->path, storage, names);
	uint32_t count = w == W_LARGE_READS ? LARGE_READ : SMALL_MSIZE - IOHDRSZ; /* Tread */
	c->tag = take_tag(c);
	switch ((enum op)c->ops[c->pos]) {
	case OP_WALK:
		build_twalk(m, c->tag, ROOT_FID, c->fid, NAMES_PER_WALK, names);
		break;
	case OP_OPEN:
		build_topen(m, c->tag, c->fid, NINEP_OREAD);
		break;
	case OP_LOPEN:
		build_tlopen(m, c->tag, c->fid, 0);
		break;
	case OP_READ:
		build_tread(m, c->tag, c->fid, (uint64_t)c->reads_done * count, count);
		break;
	case OP_CLUNK:
		build_tclunk(m, c->tag, c->fid);
		break;
	case OP_SREAD:
		build_tsread(m, c->tag, ROOT_FID, NAMES_PER_WALK, names);
		break;
	case OP_SWRITE:
		build_tswrite(m, c->tag, ROOT_FID, NAMES_PER_WALK, names, file_data(c->path, c->size), c->size);
		break;
	}
}

static void encode_access_reply(enum workload w, struct connection *c, struct buf *m)
{
	struct qid wqid[NAMES_PER_WALK] = { dir_qid(c->path), file_qid(c->path) };
	switch ((enum op)c->ops[c->pos]) {
	case OP_WALK:
		build_rwalk(m, c->tag, NAMES_PER_WALK, wqid);
		break;
	case OP_OPEN:
		build_rqid_iounit(m, NINEP_Ropen, c->tag, file_qid(c->path), 0);
		break;
	case OP_LOPEN:
		build_rlopen(m, c->tag, file_qid(c->path), LARGE_READ);
		break;
	case OP_READ: {
		/* interleaved: one read returns the whole small file; large-reads:
		 * LARGE_READ at a time, then 0 at the end */
		uint32_t n = c->size;
		if (w == W_LARGE_READS)
			n = c->reads_done * LARGE_READ >= c->size ? 0 : LARGE_READ;
		build_rread(m, c->tag, file_data(c->path, n), n);
		c->reads_done++;
		break;
	}
	case OP_CLUNK:
		build_empty(m, NINEP_Rclunk, c->tag);
		break;
	case OP_SREAD:
		if (c->fails)
			build_rerror(m, c->tag, "file does not exist");
		else
			build_rsread(m, c->tag, file_data(c->path, c->size), c->size);
		break;
	case OP_SWRITE:
		build_rswrite(m, c->tag, c->size);
		break;
	}
}

/* ---- the connection's next message ---------------------------------------- */
/* Puts the next 9P message in c->msg and returns true, or sends a bare TCP
 * segment (handshake, FIN) itself and returns false. */
static bool next_message(struct generator *g, struct connection *c)
{
	const struct workload_params *wp = &workloads[g->w];
	struct buf *m = &c->msg;
	switch (c->step) {
	case STEP_SYN:
		write_segment(g, c, CONN_CLIENT, TCP_SYN, NULL, 0);
		c->step = STEP_SYNACK;
		return false;
	case STEP_SYNACK:
		write_segment(g, c, CONN_SERVER, TCP_SYN | TCP_ACK, NULL, 0);
		c->step = STEP_ACK;
		return false;
	case STEP_ACK:
		write_segment(g, c, CONN_CLIENT, TCP_ACK, NULL, 0);
		c->step = STEP_VERSION;
		c->reply_next = false;
		return false;
	case STEP_VERSION:
		if (!c->reply_next) {
			build_tversion(m, wp->msize, wp->version);
		} else {
			build_rversion(m, wp->msize, wp->version);
			c->step = g->w == W_MACRO_OPS ? STEP_SESSION : STEP_ATTACH;
		}
		break;
	case STEP_SESSION: /* the first message after Rversion, with NOTAG */
		if (!c->reply_next) {
			msg_begin(m, NINEP_Tsession, NINEP_NOTAG);
			msg_u64(m, 0x5e5510000000000ull | c->index);
			msg_end(m);
		} else {
			build_empty(m, NINEP_Rsession, NINEP_NOTAG);
			c->step = STEP_ATTACH;
		}
		break;
	case STEP_ATTACH:
		if (!c->reply_next) {
			c->tag = take_tag(c);
			build_tattach(m, c->tag, ROOT_FID, NINEP_NOFID, "bench", "/srv", g->w == W_LARGE_READS, 1000);
		} else {
			struct qid root = { 0x80, 0, 1 };
			build_rattach(m, c->tag, root);
			c->step = STEP_ACCESS;
			c->n_ops = 0; /* no access planned yet */
		}
		break;
	case STEP_ACCESS:
		if (!c->reply_next) {
			if (c->pos >= c->n_ops) { /* the access is over: another, or close */
				if (g->packets >= g->target_packets) {
					c->step = STEP_FIN_CLIENT;
					return next_message(g, c);
				}
				plan_access(g, c);
			}
			encode_access_request(g->w, c, m);
		} else {
			encode_access_reply(g->w, c, m);
			c->pos++;
		}
		break;
	case STEP_FIN_CLIENT:
		write_segment(g, c, CONN_CLIENT, TCP_FIN | TCP_ACK, NULL, 0);
		c->step = STEP_FIN_SERVER;
		return false;
	case STEP_FIN_SERVER:
		write_segment(g, c, CONN_SERVER, TCP_FIN | TCP_ACK, NULL, 0);
		c->step = STEP_LAST_ACK;
		return false;
	case STEP_LAST_ACK:
		write_segment(g, c, CONN_CLIENT, TCP_ACK, NULL, 0);
		c->step = STEP_DONE;
		return false;
	case STEP_DONE:
		return false;
	}
	c->msg_sent = 0;
	c->msg_side = c->reply_next ? CONN_SERVER : CONN_CLIENT;
	c->reply_next = !c->reply_next;
	g->messages++;
	return true;
}

/* One packet of the connection: its receiver's delayed ACK, or the next
 * segment of the message on the wire (a new message if that one is out). */
static void turn(struct generator *g, struct connection *c)
{
	if (c->ack_due) {
		write_segment(g, c, 1 - c->msg_side, TCP_ACK, NULL, 0);
		c->ack_due = false;
		return;
	}
	if (c->msg_sent >= c->msg.len) {
		int previous_side = c->msg_side;
		if (!next_message(g, c))
			return;
		if (c->msg_side != previous_side)
			c->unacked = 0; /* the reply's segments carry the ACK */
	}
	size_t n = c->msg.len - c->msg_sent;
	if (n > TCP_MSS)
		n = TCP_MSS;
	bool last = c->msg_sent + n == c->msg.len;
	write_segment(g, c, c->msg_side, last ? TCP_ACK | TCP_PSH : TCP_ACK, c->msg.data + c->msg_sent, n);
	c->msg_sent += n;
	if (n == TCP_MSS && ++c->unacked >= DELAYED_ACK_SEGMENTS) {
		c->ack_due = true;
		c->unacked = 0;
	}
}

static void run(struct generator *g)
{
	uint32_t done = 0;
	while (done < g->n_conns) {
		done = 0;
		for (uint32_t i = 0; i < g->n_conns; i++) {
			struct connection *c = &g->conns[i];
			if (c->step == STEP_DONE) {
				done++;
				continue;
			}
			turn(g, c);
		}
	}
}

static void init_connection(struct connection *c, uint32_t i)
{
	static const uint8_t client_mac[MAC_LEN] = { 0x02, 0, 0, 0, 0, 0x02 };
	static const uint8_t server_mac[MAC_LEN] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t server_ip[IPV4_ADDR_LEN] = { 10, 0, 0, 1 };
	const uint8_t client_ip[IPV4_ADDR_LEN] = { 10, 1, (uint8_t)(i / CLIENTS_PER_SUBNET),
						   (uint8_t)(i % CLIENTS_PER_SUBNET + 1) };
	struct eth_ipv4_endpoint client = { client_mac, client_ip, (uint16_t)(CLIENT_PORT_BASE + i % CLIENT_PORTS),
					    (uint32_t)(i * 2654435761u) };
	struct eth_ipv4_endpoint server = { server_mac, server_ip, NINEP_PORT, (uint32_t)(i * 2654435761u) ^ 0x5a5a5a5au };
	memset(c, 0, sizeof *c);
	eth_ipv4_conn_init(&c->tcp, &client, &server, TCP_WINDOW);
	c->index = i;
	c->step = STEP_SYN;
	c->next_tag = 1;
	c->fid = ROOT_FID;
	c->msg_side = CONN_CLIENT;
	buf_init(&c->msg, MSG_CEILING);
}

/* ---- command line --------------------------------------------------------- */
static void usage(void)
{
	fputs("usage: gen_workloads --workload interleaved|large-reads|macro-ops [--packets N] [--connections C]"
	      " [--snaplen S] OUT.pcap\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	struct generator g;
	memset(&g, 0, sizeof g);
	const char *workload = NULL;
	uint64_t packets = DEFAULT_PACKETS, connections = 0, snaplen = CAPFILE_FULL_SNAPLEN;
	const struct gen_option options[] = {
		{ "--workload", NULL, &workload, NULL },
		{ "--packets", &packets, NULL, NULL },
		{ "--connections", &connections, NULL, NULL },
		{ "--snaplen", &snaplen, NULL, NULL },
		{ NULL, NULL, NULL, NULL },
	};
	const char *path = gen_parse_command_line("gen_workloads", argc, argv, options, usage);
	if (workload == NULL)
		usage();
	unsigned w = 0;
	while (w < N_WORKLOADS && strcmp(workloads[w].name, workload) != 0)
		w++;
	if (w == N_WORKLOADS)
		die("unknown workload", workload);
	g.w = (enum workload)w;
	if (connections == 0)
		connections = workloads[w].default_connections;
	if (connections > MAX_CONNECTIONS)
		die("too many connections", argv[0]);
	if (snaplen < ETH_HDRLEN + IPV4_HDRLEN + TCP_HDRLEN || snaplen > CAPFILE_FULL_SNAPLEN)
		die("--snaplen must keep the Ethernet, IPv4 and TCP headers (54 bytes) and be at most 262144", NULL);

	for (size_t i = 0; i < DATA_BLOCK; i++)
		data_block[i] = (uint8_t)(prng_next() >> 56);
	g.n_conns = (uint32_t)connections;
	g.conns = calloc(g.n_conns, sizeof *g.conns);
	if (g.conns == NULL)
		die("out of memory", NULL);
	for (uint32_t i = 0; i < g.n_conns; i++)
		init_connection(&g.conns[i], i);
	g.target_packets = packets;
	g.now_ns = CAPTURE_START_NS;
	struct capfile_options opt = { CAPFILE_PCAP, LINKTYPE_ETHERNET, (uint32_t)snaplen, 1, 0, NULL };
	g.out = capfile_create(path, &opt);

	run(&g);

	uint64_t bytes = capfile_bytes(g.out);
	capfile_close(g.out);
	fprintf(stderr, "gen_workloads: %s: %s, %" PRIu32 " connections, %" PRIu64 " messages, %" PRIu64
			" packets, %" PRIu64 " bytes\n",
		path, workloads[w].name, g.n_conns, g.messages, g.packets, bytes);
	for (uint32_t i = 0; i < g.n_conns; i++)
		buf_free(&g.conns[i].msg);
	free(g.conns);
	return 0;
}
