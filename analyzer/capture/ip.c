/*
 * IPv4 and IPv6: find the TCP segment, its addresses, and how long it was on
 * the wire.  The IP length fields, not the capture's lengths, say how much
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

/* A header of `need` bytes at `off`: 0 when present, else counts why not. */
static int header_fits(struct reassembler *r, size_t off, size_t need, size_t cap, size_t wire)
{
	if (wire < off || wire - off < need) {
		r->st.malformed_headers++;
		return 0;
	}
	if (cap < off || cap - off < need) {
		r->st.truncated_headers++;
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

static void ipv4_input(struct reassembler *r, const uint8_t *p, size_t cap, size_t wire, int64_t ts)
{
	struct endpoint src, dst;
	size_t hl, tot;
	uint16_t frag;

	if (!header_fits(r, 0, IPV4_HDR_MIN, cap, wire))
		return;
	hl = (size_t)(p[0] & 0x0f) * 4;
	tot = rd_be16(p + IPV4_OFF_TOTLEN);
	if (tot == 0)
		tot = wire; /* TSO: a segmentation-offload packet leaves it for the NIC */
	if (hl < IPV4_HDR_MIN || tot < hl) {
		r->st.malformed_headers++;
		return;
	}
	if (!header_fits(r, 0, hl, cap, tot))
		return;
	if (cap > tot)
		cap = tot; /* link-layer padding */
	if (p[IPV4_OFF_PROTO] != IPPROTO_NUM_TCP) {
		r->st.non_tcp++;
		return;
	}
	set_endpoint(&src, IP_FAMILY_V4, p + IPV4_OFF_SRC);
	set_endpoint(&dst, IP_FAMILY_V4, p + IPV4_OFF_DST);
	frag = rd_be16(p + IPV4_OFF_FRAG);
	if ((frag & (IPV4_MF | IPV4_OFFSET_MASK)) != 0) {
		struct frag_in in = {
			.family = IP_FAMILY_V4,
			.src = p + IPV4_OFF_SRC,
			.dst = p + IPV4_OFF_DST,
			.id = rd_be16(p + IPV4_OFF_ID),
			.proto = p[IPV4_OFF_PROTO],
			.off = (uint32_t)(frag & IPV4_OFFSET_MASK) * IPV4_OFFSET_UNIT,
			.data = p + hl,
			.cap_len = cap - hl,
			.wire_len = tot - hl,
			.more = (frag & IPV4_MF) != 0,
			.ts_ns = ts,
		};
		struct frag_out out;
		r->st.ip_fragments++;
		if (frag_add(r->frags, &in, &out, &r->st) == 1)
			tcp_input(r, &src, &dst, out.data, out.cap_len, out.wire_len, ts);
		return;
	}
	tcp_input(r, &src, &dst, p + hl, cap - hl, tot - hl, ts);
}

/* Walks IPv6 extension headers from `nh` at p[0] until TCP.  Runs again on a
 * reassembled payload (allow_frag 0 then: a fragment inside a fragment is
 * not valid IPv6). */
static void ipv6_walk(struct reassembler *r, const uint8_t *ip, const struct endpoint *src,
		      const struct endpoint *dst, uint8_t nh, const uint8_t *p, size_t cap, size_t wire, int allow_frag,
		      int64_t ts)
{
	size_t off = 0, len;
	int n;

	for (n = 0; n < IPV6_MAX_EXT_HEADERS; n++) {
		switch (nh) {
		case IPPROTO_NUM_TCP:
			tcp_input(r, src, dst, p + off, cap - off, wire - off, ts);
			return;
		case IPV6_EXT_HOPOPTS:
		case IPV6_EXT_ROUTING:
		case IPV6_EXT_DSTOPTS:
		case IPV6_EXT_AH:
			if (!header_fits(r, off, IPV6_EXT_MIN, cap, wire))
				return;
			if (nh == IPV6_EXT_AH)
				len = ((size_t)p[off + 1] + 2) * 4;
			else
				len = ((size_t)p[off + 1] + 1) * 8;
			if (!header_fits(r, off, len, cap, wire))
				return;
			nh = p[off];
			off += len;
			break;
		case IPV6_EXT_FRAGMENT: {
			uint16_t fo;
			if (!allow_frag) {
				r->st.malformed_headers++;
				return;
			}
			if (!header_fits(r, off, IPV6_FRAG_HDR, cap, wire))
				return;
			fo = rd_be16(p + off + 2);
			if ((fo & (IPV6_FRAG_OFFSET_MASK | IPV6_FRAG_MORE)) == 0) {
				/* an atomic fragment (RFC 6946): the whole datagram */
				nh = p[off];
				off += IPV6_FRAG_HDR;
				break;
			}
			{
				struct frag_in in = {
					.family = IP_FAMILY_V6,
					.src = ip + IPV6_OFF_SRC,
					.dst = ip + IPV6_OFF_DST,
					.id = rd_be32(p + off + 4),
					.proto = p[off],
					.off = fo & IPV6_FRAG_OFFSET_MASK,
					.data = p + off + IPV6_FRAG_HDR,
					.cap_len = cap - off - IPV6_FRAG_HDR,
					.wire_len = wire - off - IPV6_FRAG_HDR,
					.more = (fo & IPV6_FRAG_MORE) != 0,
					.ts_ns = ts,
				};
				struct frag_out out;
				r->st.ip_fragments++;
				if (frag_add(r->frags, &in, &out, &r->st) == 1)
					ipv6_walk(r, ip, src, dst, out.proto, out.data, out.cap_len, out.wire_len, 0,
						  ts);
			}
			return;
		}
		default: /* no next header (59), UDP, ICMPv6, ... */
			r->st.non_tcp++;
			return;
		}
	}
	r->st.malformed_headers++;
}

static void ipv6_input(struct reassembler *r, const uint8_t *p, size_t cap, size_t wire, int64_t ts)
{
	struct endpoint src, dst;
	size_t tot;

	if (!header_fits(r, 0, IPV6_HDR, cap, wire))
		return;
	tot = IPV6_HDR + (size_t)rd_be16(p + IPV6_OFF_PLEN);
	if (tot == IPV6_HDR)
		tot = wire; /* a jumbogram or a segmentation-offload packet */
	if (cap > tot)
		cap = tot; /* link-layer padding */
	set_endpoint(&src, IP_FAMILY_V6, p + IPV6_OFF_SRC);
	set_endpoint(&dst, IP_FAMILY_V6, p + IPV6_OFF_DST);
	/* the payload length, not the capture, says how long it was */
	ipv6_walk(r, p, &src, &dst, p[IPV6_OFF_NEXT], p + IPV6_HDR, cap - IPV6_HDR, tot - IPV6_HDR, 1, ts);
}

void ip_input(struct reassembler *r, int version, const uint8_t *pkt, size_t cap_len, size_t wire_len, int64_t ts)
{
	int v;

	if (cap_len < 1) {
		if (wire_len < 1)
			r->st.malformed_headers++;
		else
			r->st.truncated_headers++;
		return;
	}
	v = pkt[0] >> 4;
	if (version != 0 && v != version) {
		r->st.malformed_headers++; /* the link layer said otherwise */
		return;
	}
	if (v == IP_FAMILY_V4)
		ipv4_input(r, pkt, cap_len, wire_len, ts);
	else if (v == IP_FAMILY_V6)
		ipv6_input(r, pkt, cap_len, wire_len, ts);
	else
		r->st.non_ip++;
}
