/*
 * The headers below 9P, written into memory the caller owns: Ethernet II,
 * IPv4 without options, IPv6 without extension headers, TCP (with an MSS
 * option on request), and the Internet checksums that IPv4 and TCP over
 * IPv4 or IPv6 carry.  The other link layers are in link.h.  Every
 * field that differs between the generators (addresses, ports, sequence
 * numbers, IP id, window) is a parameter; the state that produces them
 * (a flow, a connection) stays with each generator.
 */
#ifndef CAPWRITER_WIRE_H
#define CAPWRITER_WIRE_H

#include <stddef.h>
#include <stdint.h>

enum {
	MAC_LEN = 6,
	ETH_HDRLEN = 2 * MAC_LEN + 2,
	ETHERTYPE_IPV4 = 0x0800,
	ETHERTYPE_IPV6 = 0x86DD,
	IPV4_ADDR_LEN = 4,
	IPV6_ADDR_LEN = 16,
	IPV4_HDRLEN = 20,
	IPV4_DF = 0x4000,
	IPV4_MF = 0x2000,
	IPV4_FRAG_UNIT = 8,  /* fragment offsets count 8-byte units */
	IPV6_HDRLEN = 40,
	IP_TTL = 64,
	IP_PROTOCOL_TCP = 6, /* not IPPROTO_TCP: <netinet/in.h> owns that name */
	TCP_HDRLEN = 20,
	TCP_OPT_MSS_LEN = 4,
};

enum {
	TCP_FIN = 0x01,
	TCP_SYN = 0x02,
	TCP_RST = 0x04,
	TCP_PSH = 0x08,
	TCP_ACK = 0x10,
};

/* The Internet checksum (RFC 1071): a running sum over byte runs, then
 * folded and complemented. */
uint32_t inet_sum(uint32_t sum, const uint8_t *p, size_t n);
uint16_t inet_fold(uint32_t sum);

/* Destination, source, EtherType: ETH_HDRLEN bytes. */
void eth_header(uint8_t *p, const uint8_t dst[MAC_LEN], const uint8_t src[MAC_LEN], uint16_t ethertype);

/* IPV4_HDRLEN bytes carrying TCP, TTL IP_TTL, header checksum filled in.
 * frag: the flags and fragment offset field (IPV4_DF, or offset/8 | IPV4_MF). */
void ipv4_header(uint8_t *p, const uint8_t src[IPV4_ADDR_LEN], const uint8_t dst[IPV4_ADDR_LEN], uint16_t id,
		 uint16_t frag, size_t payload_len);

/* IPV6_HDRLEN bytes: no traffic class or flow label, hop limit IP_TTL.
 * payload_len counts what follows, extension headers included. */
void ipv6_header(uint8_t *p, const uint8_t src[IPV6_ADDR_LEN], const uint8_t dst[IPV6_ADDR_LEN],
		 uint8_t next_header, size_t payload_len);

struct tcp_fields {
	uint16_t src_port, dst_port;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t window;
	uint16_t mss; /* nonzero: an MSS option follows the fixed header */
};

size_t tcp_header_len(const struct tcp_fields *t);
/* tcp_header_len(t) bytes, checksum 0 until tcp_checksum_* fills it in. */
void tcp_header(uint8_t *p, const struct tcp_fields *t);
/* Fill in the checksum of a whole segment (header then payload, `len` bytes). */
void tcp_checksum_ipv4(uint8_t *segment, size_t len, const uint8_t src[IPV4_ADDR_LEN],
		       const uint8_t dst[IPV4_ADDR_LEN]);
void tcp_checksum_ipv6(uint8_t *segment, size_t len, const uint8_t src[IPV6_ADDR_LEN],
		       const uint8_t dst[IPV6_ADDR_LEN]);

/* One TCP segment in one unfragmented IPv4 or IPv6 packet. */
struct ip_tcp {
	int ipv6;
	const uint8_t *src_ip, *dst_ip; /* IPV4_ADDR_LEN or IPV6_ADDR_LEN bytes */
	uint16_t ip_id;                 /* IPv4 */
	uint16_t ip_frag;               /* IPv4: flags and fragment offset (IPV4_DF, or 0) */
	struct tcp_fields tcp;
};

/* Builds the packet, both checksums filled in, in `p` (room for `room`
 * bytes: aborts when it does not fit); returns its length. */
size_t ip_tcp_packet(uint8_t *p, size_t room, const struct ip_tcp *h, const uint8_t *payload, size_t len);

/* One unfragmented Ethernet/IPv4/TCP frame. */
struct eth_ipv4_tcp {
	const uint8_t *dst_mac, *src_mac;
	const uint8_t *src_ip, *dst_ip;
	uint16_t ip_id;
	struct tcp_fields tcp;
};

/* The largest frame eth_ipv4_tcp_frame writes around `payload_len` bytes. */
#define ETH_IPV4_TCP_FRAME_MAX(payload_len) (ETH_HDRLEN + IPV4_HDRLEN + TCP_HDRLEN + TCP_OPT_MSS_LEN + (payload_len))

/* Builds the frame in `frame` (room for ETH_IPV4_TCP_FRAME_MAX(len) bytes);
 * returns its length. */
size_t eth_ipv4_tcp_frame(uint8_t *frame, const struct eth_ipv4_tcp *h, const uint8_t *payload, size_t len);

/* One TCP connection over Ethernet and IPv4, indexed by side: the
 * client is side 0, the server side 1. */
enum { CONN_CLIENT = 0, CONN_SERVER = 1 };
struct eth_ipv4_conn {
	uint8_t mac[2][MAC_LEN];
	uint8_t ip[2][IPV4_ADDR_LEN];
	uint16_t port[2];
	uint32_t next_seq[2]; /* each side's next sequence number */
	uint16_t window;
};

/* One side of a connection as it starts. */
struct eth_ipv4_endpoint {
	const uint8_t *mac; /* MAC_LEN bytes */
	const uint8_t *ip;  /* IPV4_ADDR_LEN bytes */
	uint16_t port;
	uint32_t isn;       /* its first sequence number */
};

void eth_ipv4_conn_init(struct eth_ipv4_conn *c, const struct eth_ipv4_endpoint *client,
			const struct eth_ipv4_endpoint *server, uint16_t window);

/* The next segment `side` sends, built into `frame` (room for
 * ETH_IPV4_TCP_FRAME_MAX(len) bytes): at its next sequence number, which
 * then moves past the payload (and past a SYN or FIN), acknowledging all
 * the other side sent when flags has TCP_ACK.  The IP id is the caller's.
 * Returns the frame's length. */
size_t eth_ipv4_conn_segment(uint8_t *frame, struct eth_ipv4_conn *c, int side, uint16_t ip_id, uint8_t flags,
			     const uint8_t *payload, size_t len);

#endif
