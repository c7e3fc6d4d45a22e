/*
 * Captures whose snaplen cut the payload (tcpdump -s 128, editcap -s 128):
 * framing from TCP sequence numbers and 9P size fields.
 *
 * Wireshark's TCP reassembly does not reassemble a segment whose payload
 * was not all captured: it hands the cut segment to us as it is, and
 * tcp_dissect_pdus would take its first bytes for a message boundary.  Yet
 * the sequence numbers and the size fields say exactly where each message
 * starts and which segment completes it.  So from the first cut segment of
 * a direction on, this file frames that direction itself:
 *   - a message whose 7-byte header was captured is shown in the frame that
 *     completes it (where a whole capture shows it), with the bytes of it
 *     that were captured, and goes through the engine like any other
 *     (ninep_dissect_one): links, response time, and no fault for the cut;
 *   - a message whose size was captured but not its type or tag keeps the
 *     framing and is shown as such;
 *   - a gap wholly inside a message whose size is known loses nothing: the
 *     size says where the next message starts;
 *   - when a size field itself was not captured (or lies in a gap), framing
 *     is lost; it resumes at the next segment whose payload starts with a
 *     plausible header, as after a gap (captures/generated/README.md,
 *     "Resynchronisation rule").
 * Before the first cut segment of a direction, tcp_dissect_pdus frames it
 * as usual and ninep_snap_follow notes where it left off, so that framing
 * by sequence numbers starts at the right byte.  A capture with no cut
 * segment never gets further than that note and dissects as before.
 *
 * Framing happens on the first pass; what each frame shows is kept as a
 * list of pieces per frame (wmem_file_scope), so every pass shows the same.
 */
#include "ninep-plugin.h"

#include <epan/dissectors/packet-tcp.h>
#include <epan/proto_data.h>

#include <string.h>

/* p_add_proto_data keys; dissect.c's are small numbers. */
enum { KEY_SNAP_FRAME = 0x40000000, KEY_SNAP_SHOWN = 0x40000001 };

/* TCP's FIN flag (tcpinfo.flags): it takes a sequence number. */
enum { TCP_FLAG_FIN = 0x01 };

enum piece_kind {
	PIECE_MESSAGE,   /* a message completed here whose header was captured */
	PIECE_SIZE_ONLY, /* a message completed here whose type or tag was not captured */
	PIECE_PART,      /* bytes of a message completed in a later frame */
	PIECE_LOST,      /* bytes after a boundary whose size field was not captured */
	PIECE_NOT_9P,    /* a header that cannot be 9P, and the rest of the segment */
};

struct piece {
	uint8_t kind;
	bool note;            /* MESSAGE: the connection's one snaplen note */
	bool header_here;     /* PART: the message's header was captured in this frame */
	uint8_t type;         /* PART with header_here */
	uint16_t tag;
	uint32_t offset;      /* where it starts in this frame's payload */
	uint32_t length;      /* its bytes in this frame's payload */
	uint32_t size;        /* MESSAGE, SIZE_ONLY, PART: the message's size, when known */
	uint32_t have;        /* MESSAGE: its bytes captured, from its first */
	const guint8 *bytes;  /* MESSAGE begun in an earlier frame: those bytes; else NULL (in this frame) */
	uint32_t first_frame; /* MESSAGE: the frame of its first byte */
};

struct snap_frame {
	unsigned n;
	struct piece *pieces;
};

/* One direction of a conversation. */
struct snap_dir {
	bool seen;      /* a segment was seen */
	uint32_t end;   /* the sequence number after the last byte seen */

	/* Before the first cut segment: where tcp_dissect_pdus left off. */
	bool boundary_known;
	uint32_t boundary;              /* the next message starts here */
	guint8 pending[NINEP_HDRSZ];    /* the first bytes of that message, when they came */
	uint32_t pending_len;

	/* From the first cut segment on. */
	bool own;
	bool framed;        /* `start` is a message boundary */
	uint32_t start;     /* where the message being framed starts */
	uint32_t first_frame;
	bool size_known;
	uint32_t size;
	bool contiguous;    /* buf holds every byte from start up to where framing is */
	uint32_t have;      /* bytes in buf */
	guint8 *buf;
	uint32_t buf_cap;
};

struct ninep_snap {
	struct snap_dir dir[2];
	bool noted; /* the connection's snaplen note was given */
	/* in order: frames where the snaplen hid what a message said (its
	 * boundary, its type and tag, or fields the engine needed) */
	wmem_array_t *unsure;
};

static void note_unsure(struct ninep_snap *snap, const packet_info *pinfo)
{
	if (snap->unsure == NULL)
		snap->unsure = wmem_array_new(wmem_file_scope(), sizeof(guint32));
	wmem_array_t *a = snap->unsure;
	guint n = wmem_array_get_count(a);
	guint32 frame = pinfo->num;
	if (n == 0 || *(guint32 *)wmem_array_index(a, n - 1) != frame)
		wmem_array_append_one(a, frame);
}

void ninep_snap_unsure(struct conv_state *conv, const packet_info *pinfo)
{
	struct ninep_snap **slot = conv_snap(conv);
	if (*slot == NULL)
		*slot = wmem_new0(wmem_file_scope(), struct ninep_snap);
	if (!PINFO_FD_VISITED(pinfo))
		note_unsure(*slot, pinfo);
}

bool ninep_snap_lost(struct conv_state *conv, uint32_t from, uint32_t to)
{
	struct ninep_snap *snap = *conv_snap(conv);
	if (snap == NULL || snap->unsure == NULL)
		return false;
	return ninep_frames_between(snap->unsure, from, to);
}

static bool seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static struct snap_dir *dir_of(struct conv_state *conv, packet_info *pinfo, bool create)
{
	struct ninep_snap **slot = conv_snap(conv);
	if (*slot == NULL) {
		if (!create)
			return NULL;
		*slot = wmem_new0(wmem_file_scope(), struct ninep_snap);
	}
	return &(*slot)->dir[conv_direction(conv, pinfo)];
}

static void buf_append(struct snap_dir *d, const guint8 *src, uint32_t n)
{
	if (n == 0)
		return;
	if (d->have + n > d->buf_cap) {
		uint32_t cap = d->buf_cap != 0 ? d->buf_cap : 256;
		while (cap < d->have + n)
			cap *= 2;
		d->buf = wmem_realloc(wmem_file_scope(), d->buf, cap);
		d->buf_cap = cap;
	}
	memcpy(d->buf + d->have, src, n);
	d->have += n;
}

/* A message starts at seq. */
static void begin(struct snap_dir *d, uint32_t seq)
{
	d->framed = true;
	d->start = seq;
	d->first_frame = 0;
	d->size_known = false;
	d->size = 0;
	d->contiguous = true;
	d->have = 0;
}

enum settled { SETTLED, SIZE_LOST, NOT_9P };

/* The header of the message at `start` has gone by (or as much of it as
 * there will be): is its size known, and can it be 9P? */
static enum settled settle_header(struct snap_dir *d, const struct conv_state *conv, const packet_info *pinfo)
{
	if (d->have < NINEP_SIZESZ)
		return SIZE_LOST;
	uint32_t size = ninep_get32(d->buf);
	if (d->have >= NINEP_HDRSZ) {
		if (!ninep_header_plausible(d->buf, conv, pinfo))
			return NOT_9P;
	} else if (size < NINEP_HDRSZ || size > conv_max_size(conv, pinfo->num)) {
		return NOT_9P;
	}
	d->size = size;
	d->size_known = true;
	return SETTLED;
}

/* Bytes [d->end, resume) of the stream were never seen. */
static void skip_gap(struct snap_dir *d, uint32_t resume)
{
	if (!d->framed)
		return;
	if (!d->size_known) {
		d->framed = false; /* the header, or its size, is in the gap */
		return;
	}
	uint32_t msg_end = d->start + d->size;
	if (seq_lt(msg_end, resume)) {
		d->framed = false; /* a message boundary is in the gap */
	} else if (msg_end == resume) {
		/* The message ended in the gap: the frame that completes it is
		 * not in the capture.  The next one starts here. */
		begin(d, resume);
	} else {
		d->contiguous = false;
	}
}

/* The first cut segment of this direction: frame from where
 * tcp_dissect_pdus left off. */
static void start_own(struct snap_dir *d, const struct conv_state *conv, const packet_info *pinfo)
{
	d->own = true;
	d->framed = false;
	if (!d->seen || !d->boundary_known)
		return;
	begin(d, d->boundary);
	buf_append(d, d->pending, d->pending_len);
	d->contiguous = d->pending_len == d->end - d->boundary;
	if (d->end - d->boundary >= NINEP_HDRSZ || !d->contiguous) {
		/* its header went by before: it is all there will be */
		if (settle_header(d, conv, pinfo) != SETTLED)
			d->framed = false;
	}
}

static void add_piece(wmem_array_t *out, enum piece_kind kind, uint32_t offset, uint32_t length)
{
	struct piece p;
	memset(&p, 0, sizeof p);
	p.kind = (uint8_t)kind;
	p.offset = offset;
	p.length = length;
	wmem_array_append_one(out, p);
}

/* Frames one segment (first pass): its pieces go to out. */
static void frame_segment(struct ninep_snap *snap, struct snap_dir *d, const struct conv_state *conv,
			  const packet_info *pinfo, tvbuff_t *tvb, uint32_t seq, wmem_array_t *out)
{
	uint32_t reported = tvb_reported_length(tvb);
	uint32_t captured = tvb_captured_length(tvb);
	uint32_t seg_end = seq + reported;
	const guint8 *data = captured > 0 ? tvb_get_ptr(tvb, 0, captured) : NULL;
	uint32_t p = seq;

	if (d->seen) {
		if (!seq_lt(d->end, seg_end))
			return; /* nothing new: TCP shows what it is */
		if (seq_lt(p, d->end))
			p = d->end; /* the first bytes were framed already */
		else if (seq_lt(d->end, p)) {
			skip_gap(d, p);
			if (!d->framed)
				note_unsure(snap, pinfo);
		}
	}
	d->seen = true;
	d->end = seg_end;

	while (seq_lt(p, seg_end)) {
		uint32_t off = p - seq;
		uint32_t avail = off < captured ? captured - off : 0;
		if (!d->framed) {
			/* Resynchronise: only at a segment that starts with a plausible header. */
			if (p == seq && avail >= NINEP_HDRSZ && ninep_header_plausible(data, conv, pinfo)) {
				begin(d, p);
			} else {
				add_piece(out, PIECE_LOST, off, seg_end - p);
				note_unsure(snap, pinfo);
				return;
			}
		}
		bool begun_here = !seq_lt(d->start, seq);
		uint32_t piece_off = begun_here ? d->start - seq : 0;
		if (d->first_frame == 0)
			d->first_frame = pinfo->num;

		if (!d->size_known) {
			uint32_t at = p - d->start;
			if (at < NINEP_HDRSZ) {
				uint32_t take = MIN(NINEP_HDRSZ - at, seg_end - p);
				uint32_t got = d->contiguous ? MIN(take, avail) : 0;
				buf_append(d, data + off, got);
				if (got < take)
					d->contiguous = false;
				p += take;
				if (at + take < NINEP_HDRSZ) {
					/* the segment ends inside the header */
					add_piece(out, PIECE_PART, piece_off, seg_end - (seq + piece_off));
					return;
				}
			}
			enum settled settled = settle_header(d, conv, pinfo);
			if (settled != SETTLED) {
				add_piece(out, settled == NOT_9P ? PIECE_NOT_9P : PIECE_LOST, piece_off,
					  seg_end - (seq + piece_off));
				note_unsure(snap, pinfo);
				d->framed = false;
				return;
			}
		}

		uint32_t msg_end = d->start + d->size;
		uint32_t stop = seq_lt(msg_end, seg_end) ? msg_end : seg_end;
		if (seq_lt(p, stop)) {
			uint32_t take = stop - p;
			off = p - seq;
			avail = off < captured ? captured - off : 0;
			if (d->contiguous) {
				uint32_t got = MIN(take, avail);
				buf_append(d, data + off, got);
				if (got < take)
					d->contiguous = false;
			}
			p = stop;
		}
		if (p != msg_end) {
			/* It goes on in a later segment. */
			struct piece part;
			memset(&part, 0, sizeof part);
			part.kind = PIECE_PART;
			part.offset = piece_off;
			part.length = seg_end - (seq + piece_off);
			part.size = d->size;
			part.header_here = begun_here && d->have >= NINEP_HDRSZ;
			if (part.header_here) {
				part.type = d->buf[NINEP_SIZESZ];
				part.tag = ninep_get16(d->buf + NINEP_SIZESZ + NINEP_BIT8SZ);
			}
			wmem_array_append_one(out, part);
			return;
		}

		/* It is complete: shown here. */
		struct piece msg;
		memset(&msg, 0, sizeof msg);
		msg.offset = piece_off;
		msg.length = msg_end - (seq + piece_off);
		msg.size = d->size;
		msg.first_frame = d->first_frame;
		if (d->have >= NINEP_HDRSZ) {
			msg.kind = PIECE_MESSAGE;
			msg.have = MIN(d->have, d->size);
			msg.bytes = begun_here ? NULL : wmem_memdup(wmem_file_scope(), d->buf, msg.have);
			if (msg.have < msg.size && !snap->noted) {
				snap->noted = true;
				msg.note = true;
			}
		} else {
			msg.kind = PIECE_SIZE_ONLY;
			note_unsure(snap, pinfo);
		}
		wmem_array_append_one(out, msg);
		begin(d, msg_end);
	}
}

/* A range of the payload, clamped to what was captured of it. */
static void clamp(tvbuff_t *tvb, uint32_t offset, uint32_t length, gint *at, gint *len)
{
	uint32_t captured = tvb_captured_length(tvb);
	uint32_t from = MIN(offset, captured);
	uint32_t to = MIN(offset + length, captured);
	*at = (gint)from;
	*len = (gint)(to - from);
}

static proto_tree *piece_tree(tvbuff_t *tvb, proto_tree *tree, const struct piece *pc, proto_item **item)
{
	gint at, len;
	clamp(tvb, pc->offset, pc->length, &at, &len);
	*item = proto_tree_add_item(tree, proto_ninep, tvb, at, len, ENC_NA);
	return proto_item_add_subtree(*item, ninep_ett.message);
}

static void show_piece(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, struct conv_state *conv,
		       const struct piece *pc)
{
	proto_item *ti, *pi;
	proto_tree *sub;
	gint at, len;
	switch ((enum piece_kind)pc->kind) {
	case PIECE_MESSAGE: {
		tvbuff_t *msg;
		if (pc->bytes == NULL) {
			msg = tvb_new_subset_length_caplen(tvb, (gint)pc->offset, (gint)pc->have, (gint)pc->size);
		} else {
			msg = tvb_new_child_real_data(tvb, pc->bytes, pc->have, (gint)pc->size);
			add_new_data_source(pinfo, msg,
					    wmem_strdup_printf(pinfo->pool, "9P message from frame %u", pc->first_frame));
		}
		ninep_dissect_one(msg, pinfo, tree, conv, pc->note);
		break;
	}
	case PIECE_SIZE_ONLY:
		sub = piece_tree(tvb, tree, pc, &ti);
		proto_item_append_text(ti, ", a message of %u bytes whose type and tag were not captured", pc->size);
		clamp(tvb, pc->offset, pc->length, &at, &len);
		pi = proto_tree_add_item(sub, ninep_hf.snap_part, tvb, at, len, ENC_NA);
		proto_item_append_text(pi, ": %u bytes, begun in frame %u", pc->size, pc->first_frame);
		col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "[9P message, header not captured]");
		break;
	case PIECE_PART:
		sub = piece_tree(tvb, tree, pc, &ti);
		clamp(tvb, pc->offset, pc->length, &at, &len);
		pi = proto_tree_add_item(sub, ninep_hf.snap_part, tvb, at, len, ENC_NA);
		if (pc->header_here) {
			proto_item_append_text(ti, ", start of %s tag %u (%u bytes), shown where it ends",
					       ninep_type_name(pc->type), pc->tag, pc->size);
			col_append_sep_fstr(pinfo->cinfo, COL_INFO, ", ", "[%s tag=%u, continued]",
					    ninep_type_name(pc->type), pc->tag);
		} else {
			proto_item_append_text(ti, ", part of a message shown where it ends");
			col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "[Continuation of a 9P message]");
		}
		proto_item_set_generated(pi);
		break;
	case PIECE_LOST:
		sub = piece_tree(tvb, tree, pc, &ti);
		proto_item_append_text(ti, ", %u bytes after a message boundary the capture lost", pc->length);
		clamp(tvb, pc->offset, pc->length, &at, &len);
		proto_tree_add_item(sub, ninep_hf.snap_lost, tvb, at, len, ENC_NA);
		col_append_sep_fstr(pinfo->cinfo, COL_INFO, ", ", "[9P framing lost, %u bytes]", pc->length);
		break;
	case PIECE_NOT_9P:
		if (pc->offset < tvb_captured_length(tvb)) {
			ninep_show_not_9p(tvb, (int)pc->offset, pinfo, tree, conv);
		} else {
			sub = piece_tree(tvb, tree, pc, &ti);
			proto_item_append_text(ti, ", data that is not 9P");
		}
		break;
	}
}

bool ninep_snap_dissect(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, struct conv_state *conv, void *data)
{
	const struct tcpinfo *tcp = data;
	if (tcp == NULL)
		return false;
	uint32_t reported = tvb_reported_length(tvb);
	uint32_t span = tcp->nxtseq - tcp->seq;
	/* this call holds the frame's own segment (not a reassembled message) */
	bool segment = !tcp->is_reassembled &&
		       (span == reported || (span == reported + 1 && (tcp->flags & TCP_FLAG_FIN)));
	struct snap_frame *f = p_get_proto_data(wmem_file_scope(), pinfo, proto_ninep, KEY_SNAP_FRAME);
	if (!PINFO_FD_VISITED(pinfo)) {
		if (f != NULL)
			return true; /* another call for a frame already framed here */
		struct snap_dir *d = dir_of(conv, pinfo, false);
		bool cut = tvb_captured_length(tvb) < reported;
		if (!cut && (d == NULL || !d->own))
			return false;
		if (d == NULL)
			d = dir_of(conv, pinfo, true);
		if (!d->own)
			start_own(d, conv, pinfo);
		f = wmem_new0(wmem_file_scope(), struct snap_frame);
		if (segment) {
			wmem_array_t *out = wmem_array_new(pinfo->pool, sizeof(struct piece));
			frame_segment(*conv_snap(conv), d, conv, pinfo, tvb, tcp->seq, out);
			f->n = wmem_array_get_count(out);
			if (f->n > 0)
				f->pieces = wmem_memdup(wmem_file_scope(), wmem_array_get_raw(out),
							f->n * sizeof(struct piece));
		}
		p_add_proto_data(wmem_file_scope(), pinfo, proto_ninep, KEY_SNAP_FRAME, f);
	} else if (f == NULL) {
		return false;
	}
	if (!segment || p_get_proto_data(pinfo->pool, pinfo, proto_ninep, KEY_SNAP_SHOWN) != NULL)
		return true;
	p_add_proto_data(pinfo->pool, pinfo, proto_ninep, KEY_SNAP_SHOWN, GUINT_TO_POINTER(1));
	for (unsigned i = 0; i < f->n; i++)
		show_piece(tvb, pinfo, tree, conv, &f->pieces[i]);
	return true;
}

void ninep_snap_follow(tvbuff_t *tvb, packet_info *pinfo, struct conv_state *conv, void *data)
{
	const struct tcpinfo *tcp = data;
	if (PINFO_FD_VISITED(pinfo) || tcp == NULL)
		return;
	struct snap_dir *d = dir_of(conv, pinfo, true);
	uint32_t len = tvb_reported_length(tvb);
	uint32_t from;
	if (tcp->is_reassembled || tcp->nxtseq - tcp->seq == len ||
	    (tcp->nxtseq - tcp->seq == len + 1 && (tcp->flags & TCP_FLAG_FIN)))
		from = tcp->seq;
	else if (d->boundary_known)
		from = d->boundary; /* the rest of a segment after a reassembled message */
	else
		return;
	uint32_t to = from + len;
	if (pinfo->desegment_len > 0 && pinfo->desegment_offset >= 0 && (uint32_t)pinfo->desegment_offset <= len) {
		/* a message that goes on in the next segments starts here */
		uint32_t at = (uint32_t)pinfo->desegment_offset;
		d->boundary = from + at;
		d->pending_len = MIN(NINEP_HDRSZ, tvb_captured_length(tvb) - MIN(at, tvb_captured_length(tvb)));
		tvb_memcpy(tvb, d->pending, at, d->pending_len);
	} else {
		d->boundary = to;
		d->pending_len = 0;
	}
	d->boundary_known = true;
	if (!d->seen || seq_lt(d->end, to))
		d->end = to;
	d->seen = true;
}
