/*
 * IPv4 and IPv6, frame_parse's second step: find the TCP segment, its
 * addresses, and how long it was on the wire, or the fragment that frag.c
 * must join.  The IP length fields, not the capture's lengths, say how much
 * sequence space a segment covers: bytes the snaplen cut still count, and
 * link-layer padding beyond the IP length does not.
 *
 * Every field is read only after checking that the captured length holds it.
 * A header the snaplen cut is "truncated" (counted apart); one that
 * contradicts itself or the wire length is "malformed".
 */
#include "capture_internal.h"

#include <string.h>

enum {
	IPV4_HDR_MIN = 20,
	IPV4_OFF_TOTLEN = 2,
	IPV4_OFF_ID = 4,
	IPV4_OFF_FRAG = 6,
	IPV4_OFF_PROTO = 9,
	IPV4_OFF_SRC = 12,
	IPV4_OFF_DST = 16,
	IPV4_MF = 0x2000,
	IPV4_OFFSET_MASK = 0x1fff,
	IPV4_OFFSET_UNIT = 8,

	IPV6_HDR = 40,
	IPV6_OFF_PLEN = 4,
	IPV6_OFF_NEXT = 6,
	IPV6_OFF_SRC = 8,
	IPV6_OFF_DST = 24,

	IPV6_EXT_HOPOPTS = 0,
	IPV6_EXT_ROUTING = 43,
	IPV6_EXT_FRAGMENT = 44,
	IPV6_EXT_AH = 51,
	IPV6_EXT_NONE = 59,
	IPV6_EXT_DSTOPTS = 60,
	IPV6_EXT_MIN = 8,        /* hop-by-hop, routing, destination options: (len+1)*8 */
	IPV6_FRAG_HDR = 8,
	IPV6_FRAG_OFFSET_MASK = 0xfff8,
	IPV6_FRAG_MORE = 0x0001,
	IPV6_MAX_EXT_HEADERS = 16, /* more than any sane packet; stops pathological chains */
};

/* A header of `need` bytes at `off`: 1 when present, else says why not. */
static int header_fits(struct frame_view *v, size_t off, size_t need, size_t cap, size_t wire)
{
	if (wire < off || wire - off < need) {
		v->kind = FRAME_MALFORMED;
		return 0;
	}
	if (cap < off || cap - off < need) {
		v->kind = FRAME_TRUNCATED;
		return 0;
	}
	return 1;
}

static void set_endpoint(struct endpoint *e, uint8_t family, const uint8_t *addr)
{
	memset(e, 0, sizeof *e);
	e->family = family;
	memcpy(e->addr, addr, family == IP_FAMILY_V4 ? 4 : 16);
}

/* An IPv4 packet at base + off. */
static void ipv4_parse(const uint8_t *base, size_t off, size_t cap, size_t wire, struct frame_view *v)
{
	const uint8_t *p = base + off;
	size_t hl, tot;
	uint16_t frag;

	if (!header_fits(v, 0, IPV4_HDR_MIN, cap, wire))
		return;
	hl = (size_t)(p[0] & 0x0f) * 4;
	tot = rd_be16(p + IPV4_OFF_TOTLEN);
	if (tot == 0)
		tot = wire; /* TSO: a segmentation-offload packet leaves it for the NIC */
	if (hl < IPV4_HDR_MIN || tot < hl) {
		v->kind = FRAME_MALFORMED;
		return;
	}
	if (!header_fits(v, 0, hl, cap, tot))
		return;
	if (cap > tot)
		cap = tot; /* link-layer padding */
	if (p[IPV4_OFF_PROTO] != IPPROTO_NUM_TCP) {
		v->kind = FRAME_NON_TCP;
		return;
	}
	set_endpoint(&v->src, IP_FAMILY_V4, p + IPV4_OFF_SRC);
	set_endpoint(&v->dst, IP_FAMILY_V4, p + IPV4_OFF_DST);
	frag = rd_be16(p + IPV4_OFF_FRAG);
	if ((frag & (IPV4_MF | IPV4_OFFSET_MASK)) != 0) {
		v->kind = FRAME_FRAGMENT;
		v->frag = (struct fragment_view){
			.id = rd_be16(p + IPV4_OFF_ID),
			.proto = p[IPV4_OFF_PROTO],
			.offset = (uint32_t)(frag & IPV4_OFFSET_MASK) * IPV4_OFFSET_UNIT,
			.more = (frag & IPV4_MF) != 0,
			.data_off = off + hl,
			.cap_len = cap - hl,
			.wire_len = tot - hl,
		};
		return;
	}
	tcp_parse(base, off + hl, cap - hl, tot - hl, v);
}

/* Walks IPv6 extension headers from `nh` at base + off until TCP; v->src
 * and v->dst are set.  Runs again on a reassembled payload (allow_frag 0
 * then: a fragment inside a fragment is not valid IPv6). */
static void ipv6_walk(uint8_t nh, const uint8_t *base, size_t off, size_t cap, size_t wire, int allow_frag,
		      struct frame_view *v)
{
	const uint8_t *p = base + off;
	size_t at = 0, len;
	int n;

	for (n = 0; n < IPV6_MAX_EXT_HEADERS; n++) {
		switch (nh) {
		case IPPROTO_NUM_TCP:
			tcp_parse(base, off + at, cap - at, wire - at, v);
			return;
		case IPV6_EXT_HOPOPTS:
		case IPV6_EXT_ROUTING:
		case IPV6_EXT_DSTOPTS:
		case IPV6_EXT_AH:
			if (!header_fits(v, at, IPV6_EXT_MIN, cap, wire))
				return;
			if (nh == IPV6_EXT_AH)
				len = ((size_t)p[at + 1] + 2) * 4;
			else
				len = ((size_t)p[at + 1] + 1) * 8;
			if (!header_fits(v, at, len, cap, wire))
				return;
			nh = p[at];
			at += len;
			break;
		case IPV6_EXT_FRAGMENT: {
			uint16_t fo;
			if (!allow_frag) {
				v->kind = FRAME_MALFORMED;
				return;
			}
			if (!header_fits(v, at, IPV6_FRAG_HDR, cap, wire))
				return;
			fo = rd_be16(p + at + 2);
			if ((fo & (IPV6_FRAG_OFFSET_MASK | IPV6_FRAG_MORE)) == 0) {
				/* an atomic fragment (RFC 6946): the whole datagram */
				nh = p[at];
				at += IPV6_FRAG_HDR;
				break;
			}
			v->kind = FRAME_FRAGMENT;
			v->frag = (struct fragment_view){
				.id = rd_be32(p + at + 4),
				.proto = p[at],
				.offset = fo & IPV6_FRAG_OFFSET_MASK,
				.more = (fo & IPV6_FRAG_MORE) != 0,
				.data_off = off + at + IPV6_FRAG_HDR,
				.cap_len = cap - at - IPV6_FRAG_HDR,
				.wire_len = wire - at - IPV6_FRAG_HDR,
			};
			return;
		}
		default: /* no next header (59), UDP, ICMPv6, ... */
			v->kind = FRAME_NON_TCP;
			return;
		}
	}
	v->kind = FRAME_MALFORMED;
}

/* An IPv6 packet at base + off. */
static void ipv6_parse(const uint8_t *base, size_t off, size_t cap, size_t wire, struct frame_view *v)
{
	const uint8_t *p = base + off;
	size_t tot;

	if (!header_fits(v, 0, IPV6_HDR, cap, wire))
		return;
	tot = IPV6_HDR + (size_t)rd_be16(p + IPV6_OFF_PLEN);
	if (tot == IPV6_HDR)
		tot = wire; /* a jumbogram or a segmentation-offload packet */
	if (cap > tot)
		cap = tot; /* link-layer padding */
	set_endpoint(&v->src, IP_FAMILY_V6, p + IPV6_OFF_SRC);
	set_endpoint(&v->dst, IP_FAMILY_V6, p + IPV6_OFF_DST);
	/* the payload length, not the capture, says how long it was */
	ipv6_walk(p[IPV6_OFF_NEXT], base, off + IPV6_HDR, cap - IPV6_HDR, tot - IPV6_HDR, 1, v);
}

void ip_parse(int version, const uint8_t *base, size_t off, size_t cap_len, size_t wire_len, struct frame_view *v)
{
	int nibble;

	if (cap_len < 1) {
		v->kind = wire_len < 1 ? FRAME_MALFORMED : FRAME_TRUNCATED;
		return;
	}
	nibble = base[off] >> 4;
	if (version != 0 && nibble != version) {
		v->kind = FRAME_MALFORMED; /* the link layer said otherwise */
		return;
	}
	if (nibble == IP_FAMILY_V4)
		ipv4_parse(base, off, cap_len, wire_len, v);
	else if (nibble == IP_FAMILY_V6)
		ipv6_parse(base, off, cap_len, wire_len, v);
	else
		v->kind = FRAME_NON_IP;
}

void ip_parse_reassembled(const struct frag_out *out, struct frame_view *v)
{
	if (v->src.family == IP_FAMILY_V4)
		tcp_parse(out->data, 0, out->cap_len, out->wire_len, v);
	else
		ipv6_walk(out->proto, out->data, 0, out->cap_len, out->wire_len, 0, v);
}
