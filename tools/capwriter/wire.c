#include "wire.h"

#include "bytes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	IPV4_VERSION_IHL = 0x45, /* version 4, 5 words of header */
	IPV6_VERSION_WORD = 0x60000000, /* version 6, traffic class and flow label 0 */
	IPV4_CHECKSUM_OFFSET = 10,
	TCP_CHECKSUM_OFFSET = 16,
	TCP_DATA_OFFSET_SHIFT = 2, /* header length / 4, in the high nibble: << 4 >> 2 */
	TCP_OPT_MSS = 2,
};

/* Big-endian 16-bit words; a plain loop the compiler vectorises. */
uint32_t inet_sum(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n % 2 != 0)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

uint16_t inet_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}

void eth_header(uint8_t *p, const uint8_t dst[MAC_LEN], const uint8_t src[MAC_LEN], uint16_t ethertype)
{
	memcpy(p, dst, MAC_LEN);
	memcpy(p + MAC_LEN, src, MAC_LEN);
	put_be16(p + 2 * MAC_LEN, ethertype);
}

void ipv4_header(uint8_t *p, const uint8_t src[IPV4_ADDR_LEN], const uint8_t dst[IPV4_ADDR_LEN], uint16_t id,
		 uint16_t frag, size_t payload_len)
{
	p[0] = IPV4_VERSION_IHL;
	p[1] = 0; /* DSCP, ECN */
	put_be16(p + 2, (uint16_t)(IPV4_HDRLEN + payload_len));
	put_be16(p + 4, id);
	put_be16(p + 6, frag);
	p[8] = IP_TTL;
	p[9] = IP_PROTOCOL_TCP;
	put_be16(p + IPV4_CHECKSUM_OFFSET, 0);
	memcpy(p + 12, src, IPV4_ADDR_LEN);
	memcpy(p + 16, dst, IPV4_ADDR_LEN);
	put_be16(p + IPV4_CHECKSUM_OFFSET, inet_fold(inet_sum(0, p, IPV4_HDRLEN)));
}

void ipv6_header(uint8_t *p, const uint8_t src[IPV6_ADDR_LEN], const uint8_t dst[IPV6_ADDR_LEN],
		 uint8_t next_header, size_t payload_len)
{
	put_be32(p, IPV6_VERSION_WORD);
	put_be16(p + 4, (uint16_t)payload_len);
	p[6] = next_header;
	p[7] = IP_TTL;
	memcpy(p + 8, src, IPV6_ADDR_LEN);
	memcpy(p + 8 + IPV6_ADDR_LEN, dst, IPV6_ADDR_LEN);
}

size_t tcp_header_len(const struct tcp_fields *t) { return TCP_HDRLEN + (t->mss != 0 ? TCP_OPT_MSS_LEN : 0); }

void tcp_header(uint8_t *p, const struct tcp_fields *t)
{
	size_t hdrlen = tcp_header_len(t);
	put_be16(p, t->src_port);
	put_be16(p + 2, t->dst_port);
	put_be32(p + 4, t->seq);
	put_be32(p + 8, t->ack);
	p[12] = (uint8_t)(hdrlen << TCP_DATA_OFFSET_SHIFT);
	p[13] = t->flags;
	put_be16(p + 14, t->window);
	put_be16(p + TCP_CHECKSUM_OFFSET, 0);
	put_be16(p + 18, 0); /* urgent pointer */
	if (t->mss != 0) {
		p[TCP_HDRLEN] = TCP_OPT_MSS;
		p[TCP_HDRLEN + 1] = TCP_OPT_MSS_LEN;
		put_be16(p + TCP_HDRLEN + 2, t->mss);
	}
}

/* The pseudo-header: addresses, zero, protocol, TCP length (RFC 793, RFC 8200 8.1). */
void tcp_checksum_ipv4(uint8_t *segment, size_t len, const uint8_t src[IPV4_ADDR_LEN],
		       const uint8_t dst[IPV4_ADDR_LEN])
{
	uint8_t tail[4] = {0, IP_PROTOCOL_TCP, (uint8_t)(len >> 8), (uint8_t)len};
	uint32_t sum = inet_sum(0, src, IPV4_ADDR_LEN);
	sum = inet_sum(sum, dst, IPV4_ADDR_LEN);
	sum = inet_sum(sum, tail, sizeof tail);
	put_be16(segment + TCP_CHECKSUM_OFFSET, inet_fold(inet_sum(sum, segment, len)));
}

void tcp_checksum_ipv6(uint8_t *segment, size_t len, const uint8_t src[IPV6_ADDR_LEN],
		       const uint8_t dst[IPV6_ADDR_LEN])
{
	uint8_t tail[8] = {0};
	put_be32(tail, (uint32_t)len);
	tail[7] = IP_PROTOCOL_TCP;
	uint32_t sum = inet_sum(0, src, IPV6_ADDR_LEN);
	sum = inet_sum(sum, dst, IPV6_ADDR_LEN);
	sum = inet_sum(sum, tail, sizeof tail);
	put_be16(segment + TCP_CHECKSUM_OFFSET, inet_fold(inet_sum(sum, segment, len)));
}

size_t ip_tcp_packet(uint8_t *p, size_t room, const struct ip_tcp *h, const uint8_t *payload, size_t len)
{
	size_t ip_len = h->ipv6 ? IPV6_HDRLEN : IPV4_HDRLEN;
	size_t headers = ip_len + tcp_header_len(&h->tcp);
	size_t tcp_len = headers - ip_len + len;
	uint8_t *tcp = p + ip_len;

	if (len > room || headers > room - len) {
		fprintf(stderr, "ninep_capwriter: a %zu-byte segment does not fit a %zu-byte packet buffer\n", len,
			room);
		abort();
	}
	tcp_header(tcp, &h->tcp);
	if (len > 0)
		memcpy(tcp + tcp_len - len, payload, len);
	if (h->ipv6) {
		ipv6_header(p, h->src_ip, h->dst_ip, IP_PROTOCOL_TCP, tcp_len);
		tcp_checksum_ipv6(tcp, tcp_len, h->src_ip, h->dst_ip);
	} else {
		ipv4_header(p, h->src_ip, h->dst_ip, h->ip_id, h->ip_frag, tcp_len);
		tcp_checksum_ipv4(tcp, tcp_len, h->src_ip, h->dst_ip);
	}
	return ip_len + tcp_len;
}

void eth_ipv4_conn_init(struct eth_ipv4_conn *c, const struct eth_ipv4_endpoint *client,
			const struct eth_ipv4_endpoint *server, uint16_t window)
{
	const struct eth_ipv4_endpoint *side[2] = {[CONN_CLIENT] = client, [CONN_SERVER] = server};
	for (int i = 0; i < 2; i++) {
		memcpy(c->mac[i], side[i]->mac, MAC_LEN);
		memcpy(c->ip[i], side[i]->ip, IPV4_ADDR_LEN);
		c->port[i] = side[i]->port;
		c->next_seq[i] = side[i]->isn;
	}
	c->window = window;
}

size_t eth_ipv4_conn_segment(uint8_t *frame, struct eth_ipv4_conn *c, int side, uint16_t ip_id, uint8_t flags,
			     const uint8_t *payload, size_t len)
{
	int peer = !side;
	const struct eth_ipv4_tcp h = {
		.dst_mac = c->mac[peer],
		.src_mac = c->mac[side],
		.src_ip = c->ip[side],
		.dst_ip = c->ip[peer],
		.ip_id = ip_id,
		.tcp = {
			.src_port = c->port[side],
			.dst_port = c->port[peer],
			.seq = c->next_seq[side],
			.ack = (flags & TCP_ACK) ? c->next_seq[peer] : 0,
			.flags = flags,
			.window = c->window,
		},
	};
	size_t frame_len = eth_ipv4_tcp_frame(frame, &h, payload, len);

	/* SYN and FIN each take one sequence number */
	c->next_seq[side] += (uint32_t)len + ((flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
	return frame_len;
}

size_t eth_ipv4_tcp_frame(uint8_t *frame, const struct eth_ipv4_tcp *h, const uint8_t *payload, size_t len)
{
	const struct ip_tcp packet = {
		.src_ip = h->src_ip,
		.dst_ip = h->dst_ip,
		.ip_id = h->ip_id,
		.ip_frag = IPV4_DF,
		.tcp = h->tcp,
	};
	eth_header(frame, h->dst_mac, h->src_mac, ETHERTYPE_IPV4);
	return ETH_HDRLEN + ip_tcp_packet(frame + ETH_HDRLEN, ETH_IPV4_TCP_FRAME_MAX(len) - ETH_HDRLEN, &packet,
					  payload, len);
}
