/*
 * TCP segments that reach us out of sequence.
 *
 * With Wireshark's default preferences (tcp.reassemble_out_of_order off,
 * tcp.no_subdissector_on_error on) TCP hands a subdissector neither an
 * out-of-order segment nor a retransmission: the segment sent after an
 * out-of-order one reaches us after a hole, and the hole is never filled.
 * From where we stand that is the same as a segment the capture lost, and
 * the bytes after the hole are no more "not 9P" than they are a message:
 * what is certain is where they lie in the TCP stream, not where they lie
 * among 9P messages.  So, per direction, this file follows the sequence
 * numbers TCP hands us and, on the first pass, classifies each segment:
 *   - in sequence: framed by tcp_dissect_pdus as usual;
 *   - after a hole: the direction's one note (suggesting the TCP
 *     preference, while it is off); framing resumes at once when the
 *     segment starts with a plausible header (captures/generated/README.md,
 *     "Resynchronisation rule"), otherwise its bytes are shown as framing
 *     lost (no warning, no false size) until a segment that does;
 *   - bytes handed a second time (with tcp.no_subdissector_on_error off):
 *     inside an earlier hole they are out of order (and confirm it), else a
 *     retransmission; either way they are shown, never decoded twice, and a
 *     segment that goes on past them is framed from where framing was.
 * The frames of holes are kept (in order) so that a request without reply,
 * a reply without request, a reused tag or an unknown fid after a hole is
 * explained by it (ninep_reorder_lost), not reported as a 9P fault.
 * What the first pass decided is kept per frame, so every pass shows the
 * same.
 */
#include "ninep-plugin.h"

#include <epan/dissectors/packet-tcp.h>
#include <epan/prefs.h>
#include <epan/prefs-int.h>
#include <epan/proto_data.h>

#include <string.h>

/* p_add_proto_data keys; dissect.c's are small numbers, snaplen.c's 0x4000000x. */
enum { KEY_REORDER_FRAME = 0x40000010, KEY_REORDER_CALLED = 0x40000011 };

/* TCP's FIN flag (tcpinfo.flags): it takes a sequence number. */
enum { TCP_FLAG_FIN = 0x01 };

/* Holes remembered per direction, to tell out-of-order bytes from
 * retransmitted ones: the most recent ones; an older hole forgotten makes
 * its late bytes count as retransmitted, which shows them all the same. */
enum { HOLES_KEPT = 16 };

struct hole {
	uint32_t from, to; /* sequence numbers [from, to) never handed to us */
};

struct reorder_dir {
	bool seen;
	uint32_t end;      /* the sequence number after the last byte handed to us */
	bool resyncing;    /* after a hole, until a segment starts with a plausible header */
	bool noted;        /* the direction's one note was given */
	/* tcp_dissect_pdus waits for the rest of a message begun with this header */
	bool waiting;
	uint8_t waiting_type;
	uint16_t waiting_tag;
	unsigned n_holes;
	struct hole *holes; /* HOLES_KEPT of them, made at the first hole: most connections have none */
};

struct ninep_reorder {
	struct reorder_dir dir[2];
	wmem_array_t *hole_frames; /* ascending: frames where a hole may have hidden messages */
};

/* What the first pass decided for one frame's segment. */
struct reorder_frame {
	bool after_hole;       /* bytes [hole_from, hole_to) before it were never handed to us */
	uint32_t hole_from, hole_to;
	uint32_t old_len;      /* its first old_len bytes were handed to us before, or fill a hole */
	bool out_of_order;     /* those bytes fill a hole */
	uint32_t unplaced_at;  /* from here on its bytes have no known place among messages */
	bool unplaced;
	bool note;             /* the direction's one note goes here */
	bool from_client;
};

static bool seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static uint32_t seq_min(uint32_t a, uint32_t b)
{
	return seq_lt(a, b) ? a : b;
}

static uint32_t seq_max(uint32_t a, uint32_t b)
{
	return seq_lt(a, b) ? b : a;
}

static struct ninep_reorder *state_of(struct conv_state *conv, bool create)
{
	struct ninep_reorder **slot = conv_reorder(conv);
	if (*slot == NULL && create)
		*slot = wmem_new0(wmem_file_scope(), struct ninep_reorder);
	return *slot;
}

/* Out-of-order segments are put in order by TCP only with this preference. */
static bool tcp_reorders(void)
{
	module_t *tcp = prefs_find_module("tcp");
	pref_t *pref = tcp != NULL ? prefs_find_preference(tcp, "reassemble_out_of_order") : NULL;
	return pref != NULL && prefs_get_bool_value(pref, pref_current);
}

static void add_hole(struct reorder_dir *d, uint32_t from, uint32_t to)
{
	if (d->holes == NULL)
		d->holes = wmem_alloc_array(wmem_file_scope(), struct hole, HOLES_KEPT);
	if (d->n_holes == HOLES_KEPT) {
		memmove(&d->holes[0], &d->holes[1], (HOLES_KEPT - 1) * sizeof d->holes[0]);
		d->n_holes--;
	}
	d->holes[d->n_holes].from = from;
	d->holes[d->n_holes].to = to;
	d->n_holes++;
}

/* Bytes [from, to) reached us late: whether any lies in a hole, and the
 * holes shrunk by them (so that a later copy counts as retransmitted). */
static bool fill_holes(struct reorder_dir *d, uint32_t from, uint32_t to)
{
	bool filled = false;
	unsigned n = d->n_holes;
	for (unsigned i = 0; i < n; i++) {
		struct hole h = d->holes[i];
		if (!seq_lt(from, h.to) || !seq_lt(h.from, to))
			continue; /* no overlap */
		filled = true;
		if (seq_lt(h.from, from) && seq_lt(to, h.to)) {
			/* the late bytes split the hole in two */
			d->holes[i].to = from;
			if (d->n_holes < HOLES_KEPT) /* else its late bytes will count as retransmitted */
				add_hole(d, to, h.to);
		} else if (seq_lt(h.from, from)) {
			d->holes[i].to = from;
		} else if (seq_lt(to, h.to)) {
			d->holes[i].from = to;
		} else {
			d->holes[i].to = d->holes[i].from; /* filled: empty, never matches */
		}
	}
	return filled;
}

static void note_hole_frame(struct ninep_reorder *state, const packet_info *pinfo)
{
	if (state->hole_frames == NULL)
		state->hole_frames = wmem_array_new(wmem_file_scope(), sizeof(guint32));
	wmem_array_t *a = state->hole_frames;
	guint n = wmem_array_get_count(a);
	guint32 frame = pinfo->num;
	if (n == 0 || *(guint32 *)wmem_array_index(a, n - 1) != frame)
		wmem_array_append_one(a, frame);
}

bool ninep_reorder_lost(struct conv_state *conv, uint32_t from, uint32_t to)
{
	struct ninep_reorder *state = state_of(conv, false);
	if (state == NULL || state->hole_frames == NULL)
		return false;
	return ninep_frames_between(state->hole_frames, from, to);
}

/* First pass: where the frame's own segment [seq, seq + len) lies against
 * what the direction handed us so far.  NULL: in sequence, nothing to show. */
static struct reorder_frame *classify(struct ninep_reorder *state, struct reorder_dir *d, tvbuff_t *tvb,
				      const packet_info *pinfo, const struct conv_state *conv, uint32_t seq)
{
	uint32_t len = tvb_reported_length(tvb);
	uint32_t seg_end = seq + len;
	if (!d->seen) {
		/* The first segment of the direction: whatever came before it
		 * precedes the capture, which tcp_dissect_pdus handles. */
		d->seen = true;
		d->end = seg_end;
		return NULL;
	}
	struct reorder_frame f;
	memset(&f, 0, sizeof f);
	f.from_client = conv_direction(conv, pinfo) == NINEP_DIR_C2S;
	if (seq_lt(d->end, seq)) {
		f.after_hole = true;
		f.hole_from = d->end;
		f.hole_to = seq;
		add_hole(d, d->end, seq);
		note_hole_frame(state, pinfo);
		d->resyncing = true;
		if (!d->noted && !tcp_reorders()) {
			/* With the preference on, TCP would have put an out-of-order
			 * segment in; a hole then is a loss, which TCP reports. */
			d->noted = true;
			f.note = true;
		}
	} else if (seq_lt(seq, d->end)) {
		uint32_t old_end = seq_min(d->end, seg_end);
		f.old_len = old_end - seq;
		f.out_of_order = fill_holes(d, seq, old_end);
		if (f.out_of_order && !d->noted) {
			d->noted = true;
			f.note = true;
		}
	}
	d->end = seq_max(d->end, seg_end);

	if (f.old_len < len && d->resyncing) {
		/* Framing resumes only at a segment that starts with a plausible header. */
		uint32_t at = f.old_len;
		bool plausible = at == 0 && tvb_captured_length(tvb) >= NINEP_HDRSZ &&
				 ninep_header_plausible(tvb_get_ptr(tvb, 0, NINEP_HDRSZ), conv, pinfo);
		if (plausible) {
			d->resyncing = false;
		} else {
			f.unplaced = true;
			f.unplaced_at = at;
			note_hole_frame(state, pinfo);
		}
	}
	if (!f.after_hole && f.old_len == 0 && !f.unplaced)
		return NULL;
	return wmem_memdup(wmem_file_scope(), &f, sizeof f);
}

static void show(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const struct reorder_frame *f)
{
	uint32_t len = tvb_reported_length(tvb);
	const char *side = f->from_client ? "client" : "server";
	proto_item *ti = proto_tree_add_item(tree, proto_ninep, tvb, 0, 0, ENC_NA);
	proto_tree *sub = proto_item_add_subtree(ti, ninep_ett.message);
	proto_item *pi;
	if (f->after_hole) {
		uint32_t missing = f->hole_to - f->hole_from;
		proto_item_append_text(ti, ", after %u bytes of the %s's TCP stream that did not reach 9P", missing,
				       side);
		pi = proto_tree_add_uint(sub, ninep_hf.tcp_hole, tvb, 0, 0, missing);
		proto_item_set_generated(pi);
		if (f->note)
			expert_add_info_format(pinfo, pi, &ninep_ei.tcp_out_of_order,
					       "TCP bytes %u-%u of the %s's stream did not reach 9P before this "
					       "segment (out of order, or not captured): set "
					       "tcp.reassemble_out_of_order for full decoding",
					       f->hole_from, f->hole_to - 1, side);
	}
	if (f->old_len > 0) {
		gint shown = (gint)MIN(f->old_len, tvb_captured_length(tvb));
		if (f->out_of_order) {
			proto_item_append_text(ti, ", %u out-of-order bytes", f->old_len);
			pi = proto_tree_add_item(sub, ninep_hf.out_of_order, tvb, 0, shown, ENC_NA);
			proto_item_append_text(pi, ": %u bytes that belong before bytes already dissected",
					       f->old_len);
			if (f->note)
				expert_add_info_format(pinfo, pi, &ninep_ei.tcp_out_of_order,
						       "TCP segment of the %s out of order: set "
						       "tcp.reassemble_out_of_order for full decoding",
						       side);
			col_append_sep_fstr(pinfo->cinfo, COL_INFO, ", ", "[9P: %u out-of-order bytes]", f->old_len);
		} else {
			proto_item_append_text(ti, ", %u retransmitted bytes", f->old_len);
			pi = proto_tree_add_item(sub, ninep_hf.retransmitted, tvb, 0, shown, ENC_NA);
			proto_item_append_text(pi, ": %u bytes dissected in an earlier frame", f->old_len);
			col_append_sep_fstr(pinfo->cinfo, COL_INFO, ", ", "[9P: %u retransmitted bytes]", f->old_len);
		}
	}
	if (f->unplaced) {
		uint32_t n = len - f->unplaced_at;
		gint at = (gint)MIN(f->unplaced_at, tvb_captured_length(tvb));
		gint shown = (gint)tvb_captured_length(tvb) - at;
		proto_item_append_text(ti, ", %u bytes whose place among 9P messages is not known", n);
		pi = proto_tree_add_item(sub, ninep_hf.snap_lost, tvb, at, shown, ENC_NA);
		proto_item_append_text(pi, ": %u bytes after a hole in the TCP stream; framing resumes at the next "
				       "segment that starts a message", n);
		col_append_sep_fstr(pinfo->cinfo, COL_INFO, ", ", "[9P framing lost, %u bytes]", n);
	}
}

int ninep_reorder_dissect(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, struct conv_state *conv,
			  void *data)
{
	const struct tcpinfo *tcp = data;
	if (tcp == NULL)
		return 0;
	/* Only the frame's first call counts: a frame that completes a
	 * reassembled message may call us again for the rest of its segment. */
	if (p_get_proto_data(pinfo->pool, pinfo, proto_ninep, KEY_REORDER_CALLED) != NULL)
		return 0;
	p_add_proto_data(pinfo->pool, pinfo, proto_ninep, KEY_REORDER_CALLED, GUINT_TO_POINTER(1));

	struct reorder_frame *f;
	if (!PINFO_FD_VISITED(pinfo)) {
		uint32_t reported = tvb_reported_length(tvb);
		bool fin = (tcp->flags & TCP_FLAG_FIN) != 0;
		uint32_t span = tcp->nxtseq - tcp->seq;
		struct ninep_reorder *state = state_of(conv, true);
		struct reorder_dir *d = &state->dir[conv_direction(conv, pinfo)];
		if (tcp->is_reassembled || !(span == reported || (fin && span == reported + 1))) {
			/* A message TCP put together: its bytes came in sequence,
			 * up to the frame's segment or past it (segments TCP held
			 * back and put in order). */
			uint32_t end = seq_max(tcp->nxtseq - (fin ? 1 : 0), tcp->seq + reported);
			d->end = d->seen ? seq_max(d->end, end) : end;
			d->seen = true;
			return 0;
		}
		f = classify(state, d, tvb, pinfo, conv, tcp->seq);
		if (f == NULL)
			return 0;
		p_add_proto_data(wmem_file_scope(), pinfo, proto_ninep, KEY_REORDER_FRAME, f);
	} else {
		f = p_get_proto_data(wmem_file_scope(), pinfo, proto_ninep, KEY_REORDER_FRAME);
		if (f == NULL)
			return 0;
	}
	show(tvb, pinfo, tree, f);
	if (f->unplaced || f->old_len >= tvb_reported_length(tvb))
		return -1;
	return (int)f->old_len;
}

void ninep_reorder_follow(tvbuff_t *tvb, packet_info *pinfo, struct conv_state *conv)
{
	if (PINFO_FD_VISITED(pinfo))
		return;
	struct reorder_dir *d = &state_of(conv, true)->dir[conv_direction(conv, pinfo)];
	d->waiting = false;
	if (pinfo->desegment_len == 0 || pinfo->desegment_offset < 0)
		return;
	guint at = (guint)pinfo->desegment_offset;
	if (tvb_captured_length(tvb) < at || tvb_captured_length(tvb) - at < NINEP_HDRSZ)
		return;
	d->waiting = true;
	d->waiting_type = tvb_get_guint8(tvb, at + NINEP_SIZESZ);
	d->waiting_tag = tvb_get_letohs(tvb, at + NINEP_SIZESZ + NINEP_BIT8SZ);
}

bool ninep_reorder_request_in_transit(struct conv_state *conv, uint16_t tag)
{
	struct ninep_reorder *state = state_of(conv, false);
	if (state == NULL)
		return false;
	const struct reorder_dir *d = &state->dir[NINEP_DIR_C2S];
	return d->waiting && ninep_is_request(d->waiting_type) && d->waiting_tag == tag;
}
