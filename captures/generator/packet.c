#include "packet.h"

#include "buf.h"
#include "link.h"

#include <stdio.h>
#include <stdlib.h>

enum {
	IPPROTO_HOPOPTS = 0,
	IPPROTO_DSTOPTS = 60,
	IPV6_EXT_LEN = 8, /* one extension header holding a 4-byte PadN */
	IPV6_OPT_PADN = 1,
	IPV6_PADN_LEN = 4,
	TCP_MSS = 1460,
	TCP_WINDOW = 64240,
	FRAME_CEILING = 1u << 17,
};

static const uint8_t mac[2][MAC_LEN] = {
	{0x02, 0x00, 0x00, 0x00, 0x00, 0x01},
	{0x02, 0x00, 0x00, 0x00, 0x00, 0x02},
};
static const uint8_t ipv4_addr[2][IPV4_ADDR_LEN] = {{10, 0, 0, 1}, {10, 0, 0, 2}};
static const uint8_t ipv6_addr[2][IPV6_ADDR_LEN] = {
	{0xfd, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01},
	{0xfd, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02},
};

void flow_init(struct flow *f, struct capfile *out, const struct flow_config *c, uint64_t start_ns)
{
	f->out = out;
	f->c = *c;
	f->next_seq[CLIENT] = c->client_isn;
	f->next_seq[SERVER] = c->server_isn;
	f->ip_id[CLIENT] = 0x1000;
	f->ip_id[SERVER] = 0x2000;
	f->now_ns = start_ns;
}

static void write_frame(struct flow *f, int side, const uint8_t *ip, size_t len)
{
	const struct link_fields link = {
		.linktype = capfile_options(f->out)->linktype,
		.ipv6 = f->c.ipv6,
		.dst_mac = mac[!side],
		.src_mac = mac[side],
		.vlan_tags = f->c.vlan_tags,
		/* the capturing host is the client */
		.sll_packet_type = side == CLIENT ? SLL_PACKET_OUTGOING : SLL_PACKET_HOST,
		.null_swapped = f->c.null_swapped,
	};
	struct buf fr;
	buf_init(&fr, FRAME_CEILING);
	link_header(buf_append(&fr, link_header_len(&link)), &link);
	buf_put(&fr, ip, len);
	capfile_write(f->out, f->now_ns, fr.data, fr.len);
	buf_free(&fr);
}

/* IPv4 datagram(s) around a TCP segment; fragmented when configured. */
static void send_ipv4(struct flow *f, int side, const struct buf *tcp)
{
	uint16_t id = f->ip_id[side]++;
	size_t unit = f->c.ip_fragment_size;
	struct buf ip;
	buf_init(&ip, FRAME_CEILING);

	if (unit == 0 || tcp->len <= unit) {
		ipv4_header(buf_append(&ip, IPV4_HDRLEN), ipv4_addr[side], ipv4_addr[!side], id, IPV4_DF, tcp->len);
		buf_put(&ip, tcp->data, tcp->len);
		write_frame(f, side, ip.data, ip.len);
		buf_free(&ip);
		return;
	}
	if (unit % IPV4_FRAG_UNIT != 0) {
		fprintf(stderr, "ninep-capgen: fragment size %zu is not a multiple of %d\n", unit, IPV4_FRAG_UNIT);
		abort();
	}
	for (size_t off = 0; off < tcp->len; off += unit) {
		size_t n = tcp->len - off < unit ? tcp->len - off : unit;
		uint16_t frag = (uint16_t)(off / IPV4_FRAG_UNIT);
		if (off + n < tcp->len)
			frag |= IPV4_MF;
		buf_reset(&ip);
		ipv4_header(buf_append(&ip, IPV4_HDRLEN), ipv4_addr[side], ipv4_addr[!side], id, frag, n);
		buf_put(&ip, tcp->data + off, n);
		write_frame(f, side, ip.data, ip.len);
		if (off + n < tcp->len)
			f->now_ns += FLOW_FRAME_GAP_NS;
	}
	buf_free(&ip);
}

static void send_ipv6(struct flow *f, int side, const struct buf *tcp)
{
	size_t ext = f->c.ipv6_ext_headers ? 2 * IPV6_EXT_LEN : 0;
	struct buf ip;
	buf_init(&ip, FRAME_CEILING);
	ipv6_header(buf_append(&ip, IPV6_HDRLEN), ipv6_addr[side], ipv6_addr[!side],
		    f->c.ipv6_ext_headers ? IPPROTO_HOPOPTS : IP_PROTOCOL_TCP, ext + tcp->len);
	if (f->c.ipv6_ext_headers) {
		/* hop-by-hop, then destination options, each only padding */
		const uint8_t next[2] = {IPPROTO_DSTOPTS, IP_PROTOCOL_TCP};
		for (int i = 0; i < 2; i++) {
			buf_u8(&ip, next[i]);
			buf_u8(&ip, 0); /* length in 8-byte units beyond the first */
			buf_u8(&ip, IPV6_OPT_PADN);
			buf_u8(&ip, IPV6_PADN_LEN);
			buf_fill(&ip, 0, IPV6_PADN_LEN);
		}
	}
	buf_put(&ip, tcp->data, tcp->len);
	write_frame(f, side, ip.data, ip.len);
	buf_free(&ip);
}

static void segment_with_ack(struct flow *f, int side, uint32_t seq, uint32_t ack, uint8_t flags,
			     const uint8_t *payload, size_t len)
{
	struct tcp_fields t = {
		.src_port = side == CLIENT ? f->c.client_port : f->c.server_port,
		.dst_port = side == CLIENT ? f->c.server_port : f->c.client_port,
		.seq = seq,
		.ack = ack,
		.flags = flags,
		.window = TCP_WINDOW,
		.mss = (flags & TCP_SYN) ? TCP_MSS : 0,
	};
	struct buf tcp;
	buf_init(&tcp, FRAME_CEILING);
	tcp_header(buf_append(&tcp, tcp_header_len(&t)), &t);
	buf_put(&tcp, payload, len);
	if (f->c.ipv6) {
		tcp_checksum_ipv6(tcp.data, tcp.len, ipv6_addr[side], ipv6_addr[!side]);
		send_ipv6(f, side, &tcp);
	} else {
		tcp_checksum_ipv4(tcp.data, tcp.len, ipv4_addr[side], ipv4_addr[!side]);
		send_ipv4(f, side, &tcp);
	}
	buf_free(&tcp);
	f->now_ns += FLOW_FRAME_GAP_NS;
}

void flow_segment(struct flow *f, int side, uint32_t seq, uint8_t flags, const uint8_t *payload, size_t len)
{
	segment_with_ack(f, side, seq, f->next_seq[!side], flags, payload, len);
}

uint32_t flow_send(struct flow *f, int side, const uint8_t *payload, size_t len)
{
	uint32_t seq = f->next_seq[side];
	flow_segment(f, side, seq, TCP_PSH | TCP_ACK, payload, len);
	f->next_seq[side] = seq + (uint32_t)len;
	return seq;
}

uint32_t flow_lose(struct flow *f, int side, size_t len)
{
	uint32_t seq = f->next_seq[side];
	f->next_seq[side] = seq + (uint32_t)len;
	f->now_ns += FLOW_FRAME_GAP_NS; /* the frame existed, the capture missed it */
	return seq;
}

void flow_handshake(struct flow *f)
{
	segment_with_ack(f, CLIENT, f->next_seq[CLIENT], 0, TCP_SYN, NULL, 0);
	f->next_seq[CLIENT]++;
	flow_segment(f, SERVER, f->next_seq[SERVER], TCP_SYN | TCP_ACK, NULL, 0);
	f->next_seq[SERVER]++;
	flow_segment(f, CLIENT, f->next_seq[CLIENT], TCP_ACK, NULL, 0);
}

void flow_close(struct flow *f)
{
	flow_segment(f, CLIENT, f->next_seq[CLIENT], TCP_FIN | TCP_ACK, NULL, 0);
	f->next_seq[CLIENT]++;
	flow_segment(f, SERVER, f->next_seq[SERVER], TCP_FIN | TCP_ACK, NULL, 0);
	f->next_seq[SERVER]++;
	flow_segment(f, CLIENT, f->next_seq[CLIENT], TCP_ACK, NULL, 0);
}

void flow_reset(struct flow *f, int side)
{
	flow_segment(f, side, f->next_seq[side], TCP_RST | TCP_ACK, NULL, 0);
}
