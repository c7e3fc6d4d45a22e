/*
 * gen_short_connections: a deterministic pcap of many short 9P2000.L
 * connections, for measuring memory against the number of connections
 * (issue 18, bounded memory: tests/bench/bench.sh and the analyzer.bounded
 * test).
 *
 *   gen_short_connections [--connections N] [--error-every K] [--leak-fids F] OUT.pcap
 *
 * Connection i (0 <= i < N), one after another, each in its own slot of
 * SLOT_NS of capture time, from 10.(i / 65536 % 256).(i / 256 % 256).(i % 256)
 * port CLIENT_PORT to 10.255.0.1 port 564:
 *   SYN, SYN-ACK, ACK;
 *   Tversion/Rversion 9P2000.L, Tattach/Rattach (fid 1),
 *   Twalk/Rwalk (fid 1 to fid 2, one name), Tlopen/Rlopen (fid 2),
 *   Tread/Rread (fid 2; Rlerror EIO instead when i % K == K - 1),
 *   Tclunk/Rclunk (fid 2);
 *   FIN from the client, FIN from the server, the last ACK.
 * So MESSAGES_PER_CONNECTION messages and ROUND_TRIPS_PER_CONNECTION
 * round trips each; the server's latency varies with i and the exchange
 * (LATENCY_*), and with --error-every K (default 100, 0: none) one
 * connection in K has an error.
 *
 * --leak-fids F adds, after them, one connection from 10.254.0.1 that
 * attaches (fid 1) and then walks fid 1 to F new fids (LEAK_FID_BASE + j,
 * one name each) and never clunks any: a client that leaks fids.  It makes
 * 4 + 2 * F messages.
 *
 * On standard output (standard error when OUT is "-", standard output):
 * "OUT: C connections, M messages, R round trips, E errors", what was
 * written.  The message encoding and the pcap come from
 * the capture writer (tools/capwriter), never from the project's decoder.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ninep/protocol.h>

#include "capfile.h"
#include "gen_common.h"
#include "msgs.h"
#include "wire.h"

enum {
	MESSAGES_PER_CONNECTION = 12,
	ROUND_TRIPS_PER_CONNECTION = 6,
	NINEP_PORT = 564,
	CLIENT_PORT = 40000,
	MSIZE = 8192 + 24,
	READ_COUNT = 4096,
	FILE_BYTES = 64,     /* what each Rread returns */
	LINUX_EIO = 5,
	ROOT_FID = 1,
	FILE_FID = 2,
	LEAK_FID_BASE = 100,
	DEFAULT_CONNECTIONS = 200000,
	DEFAULT_ERROR_EVERY = 100,
	TCP_WINDOW = 65535,
	MSG_CEILING = 64 * 1024,
};

#define CAPTURE_START_NS (1700000000ull * 1000000000ull)
#define SLOT_NS 2000000ull       /* each connection's 2 ms of capture time */
#define NETWORK_NS 20000ull      /* one way across the network */
#define LATENCY_MIN_NS 10000ull  /* the server's latency: 10 us ... */
#define LATENCY_SPREAD_NS 90000ull /* ... up to 100 us */

static uint8_t frame[ETH_IPV4_TCP_FRAME_MAX(MSG_CEILING)];

struct conn {
	struct capfile *out;
	struct eth_ipv4_conn tcp;
	uint16_t ip_id;
	uint64_t now;
	uint64_t messages, round_trips, errors;
};

static void segment(struct conn *c, int side, uint8_t flags, const uint8_t *payload, size_t len)
{
	size_t n = eth_ipv4_conn_segment(frame, &c->tcp, side, c->ip_id++, flags, payload, len);
	capfile_write(c->out, c->now, frame, n);
}

static void message(struct conn *c, int side, const struct buf *m)
{
	segment(c, side, TCP_PSH | TCP_ACK, m->data, m->len);
	c->messages++;
}

/* A request, and after the server's latency its reply. */
static void exchange(struct conn *c, struct buf *req, struct buf *rep, uint64_t latency, int is_error)
{
	message(c, CONN_CLIENT, req);
	c->now += NETWORK_NS + latency;
	message(c, CONN_SERVER, rep);
	c->now += NETWORK_NS;
	c->round_trips++;
	c->errors += is_error != 0;
}

static void start(struct conn *c, const uint8_t client_ip[4], uint16_t port, uint32_t isn)
{
	static const uint8_t client_mac[MAC_LEN] = { 2, 0, 0, 0, 0, 1 }, server_mac[MAC_LEN] = { 2, 0, 0, 0, 0, 2 };
	static const uint8_t server_ip[4] = { 10, 255, 0, 1 };
	struct eth_ipv4_endpoint client = { client_mac, client_ip, port, isn };
	struct eth_ipv4_endpoint server = { server_mac, server_ip, NINEP_PORT, isn ^ 0x5a5a5a5au };
	eth_ipv4_conn_init(&c->tcp, &client, &server, TCP_WINDOW);
	segment(c, CONN_CLIENT, TCP_SYN, NULL, 0);
	c->now += NETWORK_NS;
	segment(c, CONN_SERVER, TCP_SYN | TCP_ACK, NULL, 0);
	c->now += NETWORK_NS;
	segment(c, CONN_CLIENT, TCP_ACK, NULL, 0);
}

static void finish(struct conn *c)
{
	segment(c, CONN_CLIENT, TCP_FIN | TCP_ACK, NULL, 0);
	c->now += NETWORK_NS;
	segment(c, CONN_SERVER, TCP_FIN | TCP_ACK, NULL, 0);
	c->now += NETWORK_NS;
	segment(c, CONN_CLIENT, TCP_ACK, NULL, 0);
}

static void handshake_9p(struct conn *c, struct buf *req, struct buf *rep, uint64_t latency)
{
	struct qid root = { 0x80, 0, 1 };
	build_tversion(req, MSIZE, "9P2000.L");
	build_rversion(rep, MSIZE, "9P2000.L");
	exchange(c, req, rep, latency, 0);
	build_tattach(req, 1, ROOT_FID, NINEP_NOFID, "bench", "/srv", 1, 1000);
	build_rattach(rep, 1, root);
	exchange(c, req, rep, latency, 0);
}

/* Deterministic: the same (i, step) always gives the same latency. */
static uint64_t latency_of(uint64_t i, unsigned step)
{
	return LATENCY_MIN_NS + (i * 7919u + step * 104729u) % LATENCY_SPREAD_NS;
}

static void short_connection(struct conn *c, uint64_t i, uint64_t error_every, struct buf *req, struct buf *rep)
{
	static uint8_t data[FILE_BYTES];
	const uint8_t ip[4] = { 10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };
	char name[32];
	snprintf(name, sizeof name, "file%llu", (unsigned long long)(i % 1000));
	const char *names[1] = { name };
	struct qid file = { 0, 0, 1000 + i % 1000 };
	int fails = error_every > 0 && i % error_every == error_every - 1;

	c->now = CAPTURE_START_NS + i * SLOT_NS;
	start(c, ip, (uint16_t)(CLIENT_PORT + i % 20000), (uint32_t)(i * 2654435761u));
	c->now += NETWORK_NS;
	handshake_9p(c, req, rep, latency_of(i, 0));
	build_twalk(req, 1, ROOT_FID, FILE_FID, 1, names);
	build_rwalk(rep, 1, 1, &file);
	exchange(c, req, rep, latency_of(i, 1), 0);
	build_tlopen(req, 1, FILE_FID, 0);
	build_rlopen(rep, 1, file, 0);
	exchange(c, req, rep, latency_of(i, 2), 0);
	build_tread(req, 1, FILE_FID, 0, READ_COUNT);
	if (fails)
		build_rlerror(rep, 1, LINUX_EIO);
	else
		build_rread(rep, 1, data, FILE_BYTES);
	exchange(c, req, rep, latency_of(i, 3), fails);
	build_tclunk(req, 1, FILE_FID);
	build_empty(rep, NINEP_Rclunk, 1);
	exchange(c, req, rep, latency_of(i, 4), 0);
	finish(c);
}

/* The client that walks to F fids and never clunks one. */
static void leaking_connection(struct conn *c, uint64_t start_ns, uint64_t fids, struct buf *req, struct buf *rep)
{
	const uint8_t ip[4] = { 10, 254, 0, 1 };
	const char *names[1] = { "leak" };
	struct qid file = { 0, 0, 7 };
	c->now = start_ns;
	start(c, ip, CLIENT_PORT, 12345);
	c->now += NETWORK_NS;
	handshake_9p(c, req, rep, LATENCY_MIN_NS);
	for (uint64_t j = 0; j < fids; j++) {
		build_twalk(req, 1, ROOT_FID, (uint32_t)(LEAK_FID_BASE + j), 1, names);
		build_rwalk(rep, 1, 1, &file);
		exchange(c, req, rep, LATENCY_MIN_NS, 0);
	}
	finish(c);
}

static void usage(void)
{
	fputs("usage: gen_short_connections [--connections N] [--error-every K] [--leak-fids F] OUT.pcap\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	uint64_t n = DEFAULT_CONNECTIONS, error_every = DEFAULT_ERROR_EVERY, leak = 0;
	const struct gen_option options[] = {
		{ "--connections", &n, NULL, NULL },
		{ "--error-every", &error_every, NULL, NULL },
		{ "--leak-fids", &leak, NULL, NULL },
		{ NULL, NULL, NULL, NULL },
	};
	const char *path = gen_parse_command_line("gen_short_connections", argc, argv, options, usage);
	if (n > (1u << 24)) {
		fprintf(stderr, "gen_short_connections: at most %u connections (one address each)\n", 1u << 24);
		return 2;
	}
	struct capfile_options opt = { CAPFILE_PCAP, LINKTYPE_ETHERNET, CAPFILE_FULL_SNAPLEN, 1, 0, NULL };
	struct conn c;
	memset(&c, 0, sizeof c);
	c.out = capfile_create(path, &opt);
	struct buf req, rep;
	buf_init(&req, MSG_CEILING);
	buf_init(&rep, MSG_CEILING);
	for (uint64_t i = 0; i < n; i++)
		short_connection(&c, i, error_every, &req, &rep);
	if (leak > 0)
		leaking_connection(&c, CAPTURE_START_NS + n * SLOT_NS, leak, &req, &rep);
	capfile_close(c.out);
	buf_free(&req);
	buf_free(&rep);
	/* With OUT "-" the capture is standard output: the summary goes to
	 * standard error instead (bench.sh streams captures into ninep). */
	FILE *summary = strcmp(path, "-") == 0 ? stderr : stdout;
	fprintf(summary, "%s: %llu connections, %llu messages, %llu round trips, %llu errors\n", path,
	       (unsigned long long)(n + (leak > 0)), (unsigned long long)c.messages,
	       (unsigned long long)c.round_trips, (unsigned long long)c.errors);
	return 0;
}
