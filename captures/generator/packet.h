/*
 * One TCP connection as frames on a link: TCP segments with correct
 * checksums inside IPv4 (optionally fragmented) or IPv6 (optionally with
 * extension headers), inside the capture file's link layer.  The flow keeps
 * each side's next sequence number and a clock; everything else is given
 * explicitly, so a case can lose, repeat or reorder segments at will.
 */
#ifndef CAPGEN_PACKET_H
#define CAPGEN_PACKET_H

#include "capfile.h"
#include "wire.h"

#include <stddef.h>
#include <stdint.h>

enum { CLIENT = 0, SERVER = 1 };

/* The 9P well-known port, and the one used to exercise port heuristics. */
enum { NINEP_PORT = 564, NINEP_ALT_PORT = 5640 };

struct flow_config {
	unsigned vlan_tags;      /* Ethernet only: 0, 1 (802.1Q) or 2 (802.1ad outer + 802.1Q inner) */
	int null_swapped;        /* LINKTYPE_NULL: AF written in the other byte order */
	int ipv6;
	int ipv6_ext_headers;    /* hop-by-hop and destination options before TCP */
	size_t ip_fragment_size; /* IPv4: fragment datagrams whose payload exceeds this (multiple of 8); 0 never */
	uint16_t client_port, server_port;
	uint32_t client_isn, server_isn;
};

struct flow {
	struct capfile *out;
	struct flow_config c;
	uint32_t next_seq[2];
	uint16_t ip_id[2];
	uint64_t now_ns; /* time of the next frame */
};

/* Time between consecutive frames of a flow: frames never share a timestamp. */
#define FLOW_FRAME_GAP_NS 20000ull

void flow_init(struct flow *f, struct capfile *out, const struct flow_config *c, uint64_t start_ns);

/* One segment at an explicit sequence number; changes no state but the clock. */
void flow_segment(struct flow *f, int side, uint32_t seq, uint8_t flags, const uint8_t *payload, size_t len);
/* Data at the side's next sequence number (PSH|ACK); returns that number. */
uint32_t flow_send(struct flow *f, int side, const uint8_t *payload, size_t len);
/* Data that the capture never saw: the sequence space is used, no frame. */
uint32_t flow_lose(struct flow *f, int side, size_t len);

void flow_handshake(struct flow *f);
/* Client FIN, server FIN, client ACK. */
void flow_close(struct flow *f);
void flow_reset(struct flow *f, int side);

#endif
