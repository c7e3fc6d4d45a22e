/*
 * gen_idle_connections: a pcap of 9P2000.L connections that go silent
 * without closing, for the idle timeout (--idle-timeout, issue 18).
 *
 *   gen_idle_connections OUT.pcap
 *
 * Capture time from START_NS, in seconds:
 *   A (10.1.0.1:40001): handshake at 0, Tversion, Tattach, Twalk answered,
 *     a Tread never answered; silent until 1000, then (same TCP
 *     connection, no SYN) a Twalk and a Tclunk answered, FIN both ways.
 *   B (10.1.0.2:40002): handshake at 0.5, Tversion, Tattach, then every
 *     60 s from 60 to 1020 a Twalk and a Tclunk, answered; FIN at 1030.
 *   C (10.1.0.3:40003): handshake at 2, Tversion, Tattach, a Tread never
 *     answered; then nothing, never closed.
 *
 * On standard output, what was written, as one JSON object:
 *   {"packets": [[connection, time_ns], ...] in capture order,
 *    "requests": [[connection, request_ns, reply_ns or null], ...]}
 * from which a test works out what any idle timeout must make of it.  The
 * messages come from the capture writer (tools/capwriter), never from the
 * project's decoder.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ninep/protocol.h>

#include "capfile.h"
#include "msgs.h"
#include "wire.h"

enum {
	NINEP_PORT = 564,
	MSIZE = 8192 + 24,
	MSG_CEILING = 8192,
	TCP_WINDOW = 65535,
	ROOT_FID = 1,
	WALK_FID = 2,
	N_UNAME = 1000,
	READ_COUNT = 512,
	B_PERIOD_S = 60,
	B_LAST_S = 1020,
};

#define START_NS (1700000000ull * 1000000000ull)
#define SECOND_NS 1000000000ull
#define STEP_NS 100000ull /* between one packet and the next of a connection */

static uint8_t frame[ETH_IPV4_TCP_FRAME_MAX(MSG_CEILING)];
static struct capfile *out;
static int first_packet = 1, first_request = 1;
static char requests[1 << 16];
static size_t requests_len;

struct conn {
	char name;
	struct eth_ipv4_conn tcp;
	uint16_t ip_id;
	uint64_t now;
};

static void segment(struct conn *c, int side, uint8_t flags, const uint8_t *payload, size_t len)
{
	size_t n = eth_ipv4_conn_segment(frame, &c->tcp, side, c->ip_id++, flags, payload, len);
	capfile_write(out, c->now, frame, n);
	printf("%s[\"%c\", %llu]", first_packet ? "" : ", ", c->name, (unsigned long long)c->now);
	first_packet = 0;
	c->now += STEP_NS;
}

static void note_request(const struct conn *c, uint64_t request_ns, int answered, uint64_t reply_ns)
{
	int n;
	if (answered)
		n = snprintf(requests + requests_len, sizeof requests - requests_len, "%s[\"%c\", %llu, %llu]",
			     first_request ? "" : ", ", c->name, (unsigned long long)request_ns,
			     (unsigned long long)reply_ns);
	else
		n = snprintf(requests + requests_len, sizeof requests - requests_len, "%s[\"%c\", %llu, null]",
			     first_request ? "" : ", ", c->name, (unsigned long long)request_ns);
	if (n < 0 || (size_t)n >= sizeof requests - requests_len) {
		fputs("gen_idle_connections: ledger full\n", stderr);
		exit(2);
	}
	requests_len += (size_t)n;
	first_request = 0;
}

/* A request and, when rep is not NULL, its reply. */
static void exchange(struct conn *c, const struct buf *req, const struct buf *rep)
{
	uint64_t request_ns = c->now;
	segment(c, CONN_CLIENT, TCP_PSH | TCP_ACK, req->data, req->len);
	if (rep == NULL) {
		note_request(c, request_ns, 0, 0);
		return;
	}
	uint64_t reply_ns = c->now;
	segment(c, CONN_SERVER, TCP_PSH | TCP_ACK, rep->data, rep->len);
	note_request(c, request_ns, 1, reply_ns);
}

static void start(struct conn *c, char name, uint8_t host, uint64_t at_ns)
{
	static const uint8_t client_mac[MAC_LEN] = { 2, 0, 0, 0, 0, 1 }, server_mac[MAC_LEN] = { 2, 0, 0, 0, 0, 2 };
	static const uint8_t server_ip[4] = { 10, 255, 0, 1 };
	const uint8_t client_ip[4] = { 10, 1, 0, host };
	memset(c, 0, sizeof *c);
	c->name = name;
	c->now = at_ns;
	struct eth_ipv4_endpoint client = { client_mac, client_ip, (uint16_t)(40000 + host), 1000u * host };
	struct eth_ipv4_endpoint server = { server_mac, server_ip, NINEP_PORT, 5000u * host };
	eth_ipv4_conn_init(&c->tcp, &client, &server, TCP_WINDOW);
	segment(c, CONN_CLIENT, TCP_SYN, NULL, 0);
	segment(c, CONN_SERVER, TCP_SYN | TCP_ACK, NULL, 0);
	segment(c, CONN_CLIENT, TCP_ACK, NULL, 0);
}

static void finish(struct conn *c)
{
	segment(c, CONN_CLIENT, TCP_FIN | TCP_ACK, NULL, 0);
	segment(c, CONN_SERVER, TCP_FIN | TCP_ACK, NULL, 0);
	segment(c, CONN_CLIENT, TCP_ACK, NULL, 0);
}

static void version_attach(struct conn *c, struct buf *req, struct buf *rep)
{
	build_tversion(req, MSIZE, "9P2000.L");
	build_rversion(rep, MSIZE, "9P2000.L");
	exchange(c, req, rep);
	build_tattach(req, 1, ROOT_FID, NINEP_NOFID, "idle", "/srv", 1, N_UNAME);
	build_rattach(rep, 1, (struct qid){ 0x80, 0, 1 });
	exchange(c, req, rep);
}

static void walk_clunk(struct conn *c, struct buf *req, struct buf *rep, int clunk)
{
	const char *names[1] = { "file" };
	struct qid file = { 0, 0, 7 };
	build_twalk(req, 2, ROOT_FID, WALK_FID, 1, names);
	build_rwalk(rep, 2, 1, &file);
	exchange(c, req, rep);
	if (!clunk)
		return;
	build_tclunk(req, 3, WALK_FID);
	build_empty(rep, NINEP_Rclunk, 3);
	exchange(c, req, rep);
}

static void unanswered_read(struct conn *c, struct buf *req)
{
	build_tread(req, 5, ROOT_FID, 0, READ_COUNT);
	exchange(c, req, NULL);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: gen_idle_connections OUT.pcap\n", stderr);
		return 2;
	}
	struct capfile_options opt = { CAPFILE_PCAP, LINKTYPE_ETHERNET, CAPFILE_FULL_SNAPLEN, 1, 0, NULL };
	out = capfile_create(argv[1], &opt);
	struct buf req, rep;
	buf_init(&req, MSG_CEILING);
	buf_init(&rep, MSG_CEILING);
	struct conn a, b, c;

	printf("{\"packets\": [");
	/* Written in capture order: each connection's packets between the others'. */
	start(&a, 'A', 1, START_NS);
	version_attach(&a, &req, &rep);
	walk_clunk(&a, &req, &rep, 0);
	unanswered_read(&a, &req);
	start(&b, 'B', 2, START_NS + SECOND_NS / 2);
	version_attach(&b, &req, &rep);
	start(&c, 'C', 3, START_NS + 2 * SECOND_NS);
	version_attach(&c, &req, &rep);
	unanswered_read(&c, &req);
	for (unsigned s = B_PERIOD_S; s <= B_LAST_S; s += B_PERIOD_S) {
		if (s == B_LAST_S) {
			/* A speaks again at 1000, between B's 960 and 1020. */
			a.now = START_NS + 1000 * SECOND_NS;
			walk_clunk(&a, &req, &rep, 1);
			finish(&a);
		}
		b.now = START_NS + s * SECOND_NS;
		walk_clunk(&b, &req, &rep, 1);
	}
	b.now = START_NS + 1030 * SECOND_NS;
	finish(&b);
	printf("], \"requests\": [%s]}\n", requests);

	capfile_close(out);
	buf_free(&req);
	buf_free(&rep);
	return 0;
}
