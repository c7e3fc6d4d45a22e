/*
 * One captured frame through the reassembler: count what frame_parse found
 * in its headers, join IP fragments (frag.c), and hand TCP segments to
 * tcp.c.
 *
 * The parsing needs no state and the rest does, which is why they are
 * apart: a file's reading thread parses each frame ahead (readahead.c), and
 * the reassembler starts here from the view it made.
 */
#include "capture_internal.h"

static void frame_input(struct reassembler *r, const uint8_t *base, const struct frame_view *v, int64_t ts)
{
	switch (v->kind) {
	case FRAME_TCP:
		r->st.tcp_segments++;
		if (v->tcp.payload_cap < v->tcp.payload_wire)
			r->st.snaplen_truncated++;
		tcp_segment_input(r, base, v, ts);
		break;
	case FRAME_FRAGMENT: {
		struct frag_in in = {
			.family = v->src.family,
			.src = v->src.addr,
			.dst = v->dst.addr,
			.id = v->frag.id,
			.proto = v->frag.proto,
			.off = v->frag.offset,
			.data = base + v->frag.data_off,
			.cap_len = v->frag.cap_len,
			.wire_len = v->frag.wire_len,
			.more = v->frag.more,
			.ts_ns = ts,
		};
		struct frag_out out;
		r->st.ip_fragments++;
		if (frag_add(r->frags, &in, &out, &r->st) == 1) {
			/* The datagram whole: its transport header is in out.data.
			 * Parsing it never gives a fragment again, so this
			 * recursion is one level deep. */
			struct frame_view whole = { .kind = FRAME_MALFORMED, .src = v->src, .dst = v->dst };
			ip_parse_reassembled(&out, &whole);
			frame_input(r, out.data, &whole, ts);
		}
		break;
	}
	case FRAME_NON_IP:
		r->st.non_ip++;
		break;
	case FRAME_NON_TCP:
		r->st.non_tcp++;
		break;
	case FRAME_TRUNCATED:
		r->st.truncated_headers++;
		break;
	case FRAME_MALFORMED:
		r->st.malformed_headers++;
		break;
	}
}

void reasm_frame(struct reassembler *r, const uint8_t *frame, size_t wire_len, const struct frame_view *v,
		 int64_t ts_ns)
{
	r->st.packets++;
	r->st.bytes += wire_len;
	frame_input(r, frame, v, ts_ns);
}

void reasm_packet(struct reassembler *r, int linktype, const uint8_t *frame, size_t cap_len, size_t wire_len,
		  int64_t ts_ns)
{
	struct frame_view v;

	frame_parse(linktype, frame, cap_len, wire_len, &v);
	reasm_frame(r, frame, wire_len, &v, ts_ns);
}
