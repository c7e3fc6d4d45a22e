/*
 * gen_esessions: a pcap of many 9P2000.e connections, each with a session
 * of its own, for the bound on the fids sessions save for a Tsession
 * (NINEP_ESESSIONS_SAVED_MAX, ninep/engine.h).
 *
 *   gen_esessions N OUT.pcap [R]
 *
 * Connection i (1 <= i <= N), one after another, each in its own slot of
 * SLOT_NS of capture time (2 ms, as gen_short_connections: the reassembler
 * keeps a closed connection's entry 60 s for late packets, so the slot
 * sets how many wait there), from 10.(2 + i / 65536).(i / 256 % 256).(i %
 * 256): handshake; Tversion/Rversion 9P2000.e; Tsession(key i)/Rsession
 * (a key agreed before the capture: the session is known from then on);
 * Tattach/Rattach (fid 1); Twalk/Rwalk fid 1 to fid 2, "f"; FIN both ways,
 * leaving both fids to the session.  So every session saves 2 fids, and
 * has 4 round trips, none an error.
 *
 * With R (1 <= R <= N), one more connection, N + 1, after them: handshake;
 * Tversion/Rversion 9P2000.e; Tsession(key R)/Rsession, resuming session R
 * (a server that kept it); FIN both ways: 2 round trips.
 *
 * On standard output (standard error when OUT is "-", standard output):
 * "N sessions, 2 fids each", what was written, and "connection N+1
 * resumes session R" with R.  The
 * messages come from the capture writer (tools/capwriter).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ninep/protocol.h>

#include "capfile.h"
#include "msg.h"
#include "msgs.h"
#include "wire.h"

enum {
	NINEP_PORT = 564,
	MSIZE = 8192 + 24,
	MSG_CEILING = 8192,
	TCP_WINDOW = 65535,
	FIDS_PER_SESSION = 2,
	N_UNAME = 1000,
	MAX_SESSIONS = 1000000,
};

#define START_NS (1700000000ull * 1000000000ull)
#define STEP_NS 10000ull
#define SLOT_NS 2000000ull

static uint8_t frame[ETH_IPV4_TCP_FRAME_MAX(MSG_CEILING)];

struct conn {
	struct capfile *out;
	struct eth_ipv4_conn tcp;
	uint16_t ip_id;
	uint64_t now;
};

static void segment(struct conn *c, int side, uint8_t flags, const uint8_t *payload, size_t len)
{
	size_t n = eth_ipv4_conn_segment(frame, &c->tcp, side, c->ip_id++, flags, payload, len);
	capfile_write(c->out, c->now, frame, n);
	c->now += STEP_NS;
}

static void exchange(struct conn *c, const struct buf *req, const struct buf *rep)
{
	segment(c, CONN_CLIENT, TCP_PSH | TCP_ACK, req->data, req->len);
	segment(c, CONN_SERVER, TCP_PSH | TCP_ACK, rep->data, rep->len);
}

static void open_connection(struct conn *c, uint32_t i)
{
	static const uint8_t client_mac[MAC_LEN] = { 2, 0, 0, 0, 0, 1 }, server_mac[MAC_LEN] = { 2, 0, 0, 0, 0, 2 };
	static const uint8_t server_ip[4] = { 10, 255, 0, 1 };
	const uint8_t client_ip[4] = { 10, (uint8_t)(2 + (i >> 16)), (uint8_t)(i >> 8), (uint8_t)i };
	struct eth_ipv4_endpoint client = { client_mac, client_ip, 40000, i * 7919u };
	struct eth_ipv4_endpoint server = { server_mac, server_ip, NINEP_PORT, i * 104729u };
	c->now = START_NS + i * SLOT_NS;
	eth_ipv4_conn_init(&c->tcp, &client, &server, TCP_WINDOW);
	segment(c, CONN_CLIENT, TCP_SYN, NULL, 0);
	segment(c, CONN_SERVER, TCP_SYN | TCP_ACK, NULL, 0);
	segment(c, CONN_CLIENT, TCP_ACK, NULL, 0);
}

static void close_connection(struct conn *c)
{
	segment(c, CONN_CLIENT, TCP_FIN | TCP_ACK, NULL, 0);
	segment(c, CONN_SERVER, TCP_FIN | TCP_ACK, NULL, 0);
	segment(c, CONN_CLIENT, TCP_ACK, NULL, 0);
}

/* Tversion 9P2000.e, then Tsession with the key of session `key_of`. */
static void version_and_session(struct conn *c, uint32_t key_of, struct buf *req, struct buf *rep)
{
	build_tversion(req, MSIZE, "9P2000.e");
	build_rversion(rep, MSIZE, "9P2000.e");
	exchange(c, req, rep);
	msg_begin(req, NINEP_Tsession, NINEP_NOTAG);
	msg_u64(req, 0x6b65790000000000ull | key_of);
	msg_end(req);
	build_empty(rep, NINEP_Rsession, NINEP_NOTAG);
	exchange(c, req, rep);
}

static void session_connection(struct conn *c, uint32_t i, struct buf *req, struct buf *rep)
{
	open_connection(c, i);
	version_and_session(c, i, req, rep);
	build_tattach(req, 1, 1, NINEP_NOFID, "glenda", "", 0, N_UNAME);
	build_rattach(rep, 1, (struct qid){ 0x80, 0, 1 });
	exchange(c, req, rep);
	const char *names[1] = { "f" };
	struct qid file = { 0, 0, 2 };
	build_twalk(req, 1, 1, 2, 1, names);
	build_rwalk(rep, 1, 1, &file);
	exchange(c, req, rep);
	close_connection(c);
}

int main(int argc, char **argv)
{
	char *end;
	errno = 0;
	unsigned long n = argc == 3 || argc == 4 ? strtoul(argv[1], &end, 10) : 0;
	int bad = errno != 0 || *end != '\0' || n == 0 || n > MAX_SESSIONS;
	unsigned long resume = 0;
	if (!bad && argc == 4) {
		resume = strtoul(argv[3], &end, 10);
		bad = errno != 0 || *end != '\0' || resume == 0 || resume > n;
	}
	if (bad) {
		fprintf(stderr, "usage: gen_esessions N OUT.pcap [R] (N from 1 to %d, R from 1 to N)\n", MAX_SESSIONS);
		return 2;
	}
	struct capfile_options opt = { CAPFILE_PCAP, LINKTYPE_ETHERNET, CAPFILE_FULL_SNAPLEN, 1, 0, NULL };
	struct conn c;
	memset(&c, 0, sizeof c);
	c.out = capfile_create(argv[2], &opt);
	struct buf req, rep;
	buf_init(&req, MSG_CEILING);
	buf_init(&rep, MSG_CEILING);
	for (uint32_t i = 1; i <= n; i++)
		session_connection(&c, i, &req, &rep);
	if (resume) {
		open_connection(&c, (uint32_t)n + 1);
		version_and_session(&c, (uint32_t)resume, &req, &rep);
		close_connection(&c);
	}
	capfile_close(c.out);
	buf_free(&req);
	buf_free(&rep);
	FILE *ledger = strcmp(argv[2], "-") == 0 ? stderr : stdout;
	fprintf(ledger, "%lu sessions, %d fids each\n", n, FIDS_PER_SESSION);
	if (resume)
		fprintf(ledger, "connection %lu resumes session %lu\n", n + 1, resume);
	return 0;
}
