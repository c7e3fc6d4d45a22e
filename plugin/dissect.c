/*
 * TCP framing, the content heuristic, and the tree and columns of each 9P
 * message.  Decoding is the shared decoder's (include/ninep/decode.h): this
 * file only turns its items into fields; tracking.c supplies what the first
 * pass learnt (links, paths, sessions).
 */
#include "ninep-plugin.h"

#include <epan/charsets.h>
#include <epan/conversation.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/proto_data.h>
#include <epan/strutil.h>
#include <epan/tap.h>
#include <wsutil/to_str.h>

#include <string.h>

/* p_add_proto_data key in the packet pool: how many messages so far. */
enum { KEY_MESSAGE_COUNT = 0, KEY_FIRST_MESSAGE = 1 };
/* The decoder reports size, type and tag first. */
enum { HEADER_ITEMS = 3 };
/* Longest string quoted in the Info column. */
enum { INFO_STRING_MAX = 40 };

static dissector_handle_t ninep_handle;

void ninep_set_handle(dissector_handle_t handle)
{
	ninep_handle = handle;
}

/* The index of the next message within this frame: with several messages
 * in one frame, per-frame state is kept per index. */
static guint32 next_message_index(packet_info *pinfo)
{
	guint32 count = GPOINTER_TO_UINT(p_get_proto_data(pinfo->pool, pinfo, proto_ninep, KEY_MESSAGE_COUNT));
	p_add_proto_data(pinfo->pool, pinfo, proto_ninep, KEY_MESSAGE_COUNT, GUINT_TO_POINTER(count + 1));
	return count;
}

/* Could a message with this header come from this side, at this point?
 * The engine's rule (ninep_plausible_header), with every dialect. */
static bool plausible_header(const guint8 *header, uint32_t max_size, int direction, uint32_t *size)
{
	*size = ninep_get32(header);
	return ninep_plausible_header(header, NINEP_HDRSZ, max_size, NINEP_DIALECT_ANY, direction == NINEP_DIR_C2S);
}

bool ninep_header_plausible(const guint8 *header, const struct conv_state *conv, const packet_info *pinfo)
{
	uint32_t size;
	return plausible_header(header, conv_max_size(conv, pinfo->num), conv_direction(conv, pinfo), &size);
}

/* tcp_dissect_pdus' length callback: never throws (TCP guarantees the
 * header's bytes).  A header that cannot be 9P claims the rest of the
 * segment, which dissect_message then shows as not 9P.  Framing resumes at
 * the next segment that starts with a plausible header: the rule of
 * captures/generated/README.md ("Resynchronisation rule"), which the
 * analyzer follows too; bytes in between are never decoded as 9P. */
static guint get_message_len(packet_info *pinfo, tvbuff_t *tvb, int offset, void *data)
{
	struct conv_state *conv = data;
	const guint8 *header = tvb_get_ptr(tvb, offset, NINEP_HDRSZ);
	uint32_t size = 0;
	if (!plausible_header(header, conv_max_size(conv, pinfo->num), conv_direction(conv, pinfo), &size))
		return (guint)tvb_reported_length_remaining(tvb, offset);
	return size;
}

void ninep_show_not_9p(tvbuff_t *tvb, int offset, packet_info *pinfo, proto_tree *tree, struct conv_state *conv)
{
	guint len = tvb_reported_length_remaining(tvb, offset);
	proto_item *ti = proto_tree_add_item(tree, proto_ninep, tvb, offset, -1, ENC_NA);
	proto_item_append_text(ti, ", data that is not 9P");
	proto_tree *sub = proto_item_add_subtree(ti, ninep_ett.message);

	/* A header whose only fault is a size above msize is a malformed
	 * message, not foreign bytes: say so on the size. */
	if (tvb_captured_length_remaining(tvb, offset) >= NINEP_HDRSZ) {
		uint32_t size = tvb_get_letohl(tvb, offset);
		guint8 type = tvb_get_guint8(tvb, offset + NINEP_SIZESZ);
		uint32_t max = conv_max_size(conv, pinfo->num);
		int direction = conv_direction(conv, pinfo);
		if (size > max && ninep_message_name(type) != NULL &&
		    ninep_is_request(type) == (direction == NINEP_DIR_C2S)) {
			const struct ninep_item size_item = { ninep_field_by_key("size"), NULL, (uint32_t)offset,
							      NINEP_SIZESZ, size, 0 };
			proto_item *si = ninep_add_item(sub, tvb, &size_item, NINEP_DIALECT_ANY);
			/* max is the msize, or the tools' ceiling when a peer agreed to more */
			expert_add_info_format(pinfo, si, &ninep_ei.size_above_msize, "%s size %u is above the %s %u",
					       ninep_message_name(type), size,
					       max == NINEP_FRAME_CEILING ? "framing ceiling" : "msize", max);
		}
	}
	proto_item *data = proto_tree_add_item(sub, ninep_hf.not_9p, tvb, offset, -1, ENC_NA);
	expert_add_info_format(pinfo, data, &ninep_ei.not_9p, "%u bytes that are not 9P: framing stops here", len);
	col_append_sep_fstr(pinfo->cinfo, COL_INFO, ", ", "Data (not 9P, %u bytes)", len);
}

/* ---- the tree ------------------------------------------------------------- */

static const struct ninep_item *find_in(const struct ninep_msg *msg, const char *key)
{
	for (unsigned i = 0; i < msg->n_items; i++)
		if (strcmp(msg->items[i].field->key, key) == 0)
			return &msg->items[i];
	return NULL;
}

/* Records of one kind back to back in data[count]: stat or dirent. */
static void add_records(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const uint8_t *bytes,
			const struct ninep_item *data, const char *record, unsigned dialects, bool cut)
{
	bool is_stat = strcmp(record, "stat") == 0;
	int hf = is_stat ? ninep_hf.stat_entry : ninep_hf.dirent;
	gint ett = is_stat ? ninep_ett.stat : ninep_ett.dirent;
	const char *name_key = is_stat ? "stat.name" : "dirent.name";
	struct ninep_msg *scratch = wmem_new(pinfo->pool, struct ninep_msg);
	uint32_t offset = data->offset;
	uint32_t end = data->offset + data->length;
	while (offset < end) {
		size_t used = 0;
		scratch->n_items = 0;
		scratch->problem = NULL;
		enum ninep_status status =
			ninep_decode_struct(record, bytes + offset, end - offset, dialects, offset, scratch, &used);
		if (status != NINEP_OK || used == 0) {
			if (cut) {
				/* the snaplen cut the data here: the rest is not invalid, only not there */
				proto_tree_add_item(tree, ninep_hf.snap_part, tvb, offset, end - offset, ENC_NA);
				return;
			}
			proto_item *bad = proto_tree_add_item(tree, ninep_hf.not_9p, tvb, offset, end - offset, ENC_NA);
			expert_add_info_format(pinfo, bad, &ninep_ei.malformed, "%s record at offset %u: %s", record,
					       offset, scratch->problem ? scratch->problem : ninep_status_name(status));
			return;
		}
		proto_item *entry = proto_tree_add_item(tree, hf, tvb, offset, (gint)used, ENC_NA);
		proto_tree *sub = proto_item_add_subtree(entry, ett);
		for (unsigned i = 0; i < scratch->n_items; i++)
			ninep_add_item(sub, tvb, &scratch->items[i], dialects);
		const struct ninep_item *name = find_in(scratch, name_key);
		if (name != NULL)
			proto_item_append_text(entry, ": %s",
					       format_text(pinfo->pool, ninep_item_bytes(bytes, name), (size_t)name->value));
		offset += (uint32_t)used;
	}
}

/* The MUMBLE record: "MUMBLE:" base64(record) ":" written on the auth fid
 * (the engine reads the session key from it). */
static void add_mumble(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const uint8_t *bytes,
		       const struct ninep_item *data)
{
	size_t text_at, text_len, record_len;
	guint8 *record = wmem_alloc(pinfo->pool, NINEP_MUMBLE_MAX_RECORD);
	if (!ninep_mumble_record(bytes + data->offset, data->length, &text_at, &text_len, record,
				 NINEP_MUMBLE_MAX_RECORD, &record_len))
		return;
	tvbuff_t *record_tvb = tvb_new_child_real_data(tvb, record, (guint)record_len, (gint)record_len);
	add_new_data_source(pinfo, record_tvb, "MUMBLE record");

	proto_item *ti = proto_tree_add_item(tree, ninep_hf.mumble, tvb, data->offset, data->length, ENC_NA);
	proto_tree *sub = proto_item_add_subtree(ti, ninep_ett.mumble);
	proto_tree_add_item(sub, ninep_hf.mumble_text, tvb, data->offset + (uint32_t)text_at, (gint)text_len,
			    ENC_ASCII);

	struct ninep_msg *scratch = wmem_new(pinfo->pool, struct ninep_msg);
	scratch->n_items = 0;
	scratch->problem = NULL;
	size_t used = 0;
	enum ninep_status status =
		ninep_decode_struct("mumble", record, record_len, NINEP_DIALECT_E, 0, scratch, &used);
	for (unsigned i = 0; i < scratch->n_items; i++) {
		proto_item *item = ninep_add_item(sub, record_tvb, &scratch->items[i], NINEP_DIALECT_E);
		if (strcmp(scratch->items[i].field->key, "mumble.key") == 0)
			expert_add_info(pinfo, item, &ninep_ei.session_key_clear);
	}
	if (status != NINEP_OK || used != record_len)
		expert_add_info_format(pinfo, ti, &ninep_ei.malformed, "MUMBLE record: %s",
				       scratch->problem ? scratch->problem : "bytes after the record");
}

static void add_items(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const uint8_t *bytes,
		      const struct ninep_msg *msg, const struct ninep_msginfo *info, uint32_t data_cut)
{
	proto_tree *record_tree = NULL;
	for (unsigned i = 0; i < msg->n_items; i++) {
		const struct ninep_item *it = &msg->items[i];
		if (it->depth > 0) {
			proto_tree *parent = record_tree != NULL ? record_tree : tree;
			if (ninep_is_dont_touch(msg, bytes, it))
				ninep_add_dont_touch(parent, tvb, it);
			else
				ninep_add_item(parent, tvb, it, info->decode_dialects);
			continue;
		}
		record_tree = NULL;
		proto_item *item = ninep_add_item(tree, tvb, it, info->decode_dialects);
		enum ninep_wire wire = it->element != NULL ? it->element->wire : NINEP_WIRE_UINT;
		if (wire == NINEP_WIRE_STRUCT) {
			record_tree = proto_item_add_subtree(item, ninep_ett.stat);
		} else if (wire == NINEP_WIRE_DATA && it->length > 0) {
			bool cut = data_cut > 0 && i == msg->n_items - 1;
			/* An Rread's request says whether it read a directory; an
			 * Rsread says nothing, so its data tells (read(5): a
			 * directory reads as whole stat records).  A cut Rsread's
			 * data cannot tell: it stays data.  Without a tree (plain
			 * tshark) an Rsread's records would show nothing, and none
			 * can be malformed (the same decoder has just read them
			 * all), so the test is skipped: 1,100 instructions an
			 * Rsread, 0.5 % of plain tshark's instructions on
			 * gen_workloads' macro-ops (callgrind, 20,845 packets). */
			bool dir_read = (msg->type == NINEP_Rread && info->request != NULL && info->request->dir_read) ||
					(msg->type == NINEP_Rsread && !cut && tree != NULL &&
					 ninep_is_directory_data(bytes + it->offset, it->length, info->decode_dialects));
			if (cut)
				proto_item_append_text(item, " (%u more bytes not captured)", data_cut);
			proto_tree *data_tree = proto_item_add_subtree(item, ninep_ett.data);
			if (dir_read)
				add_records(data_tree, tvb, pinfo, bytes, it, "stat", info->decode_dialects, cut);
			else if (msg->type == NINEP_Rreaddir)
				add_records(data_tree, tvb, pinfo, bytes, it, "dirent", NINEP_DIALECT_L, cut);
			else if (msg->type == NINEP_Twrite && !cut &&
				 (info->auth_write || (info->decode_dialects & NINEP_DIALECT_E)))
				add_mumble(data_tree, tvb, pinfo, bytes, it);
		}
		const char *filter = it->field->filter;
		if (msg->type == NINEP_Rerror && strcmp(filter, "ename") == 0)
			expert_add_info_format(pinfo, item, &ninep_ei.error_reply, "Rerror: %s",
					       format_text(pinfo->pool, ninep_item_bytes(bytes, it), (size_t)it->value));
		else if (msg->type == NINEP_Rlerror && strcmp(filter, "ecode") == 0) {
			const char *name = ninep_errno_name((uint32_t)it->value);
			expert_add_info_format(pinfo, item, &ninep_ei.error_reply, "Rlerror: %s (%u)",
					       name ? name : "unknown errno", (unsigned)it->value);
		} else if (strcmp(filter, "session_key") == 0)
			expert_add_info(pinfo, item, &ninep_ei.session_key_clear);
	}
}

/* What the snaplen or a hole in the TCP stream explains, instead of a
 * warning about it. */
static void add_snap_text(proto_tree *tree, tvbuff_t *tvb, const char *text)
{
	proto_item *pi = proto_tree_add_none_format(tree, ninep_hf.snap_lost, tvb, 0, 0, "%s", text);
	proto_item_set_generated(pi);
}

/* What hid messages of the connection in frames from..to, when something
 * did: then a message missing there is no fault of the connection. */
enum hidden { HIDDEN_NOTHING, HIDDEN_BY_SNAPLEN, HIDDEN_BY_TCP_HOLE };

static enum hidden hidden_in(struct conv_state *conv, uint32_t from, uint32_t to)
{
	if (ninep_snap_lost(conv, from, to))
		return HIDDEN_BY_SNAPLEN;
	if (ninep_reorder_lost(conv, from, to))
		return HIDDEN_BY_TCP_HOLE;
	return HIDDEN_NOTHING;
}

/* Adds the text for what hid a message, if anything did; false: nothing
 * did, and the caller reports the fault. */
static bool explain_hidden(proto_tree *tree, tvbuff_t *tvb, enum hidden hidden, const char *by_snaplen,
			   const char *by_hole)
{
	if (hidden == HIDDEN_NOTHING)
		return false;
	add_snap_text(tree, tvb, hidden == HIDDEN_BY_SNAPLEN ? by_snaplen : by_hole);
	return true;
}

/* A path is bytes from the wire.  In the tree it is a string field, whose
 * value Wireshark wants as UTF-8: invalid bytes become U+FFFD there, as in
 * the wname and name fields tvb_get_string_enc reads (the label escapes
 * control characters itself).  In the Info column it is shown with
 * format_text, like the names beside it, since Wireshark puts column text
 * on the screen as it is given. */
static const char *path_value(packet_info *pinfo, const char *path)
{
	/* An ASCII path is its own UTF-8 (get_utf_8_string copies ASCII bytes
	 * as they are): given as it is, it skips a copy built byte by byte,
	 * 3 % of the plugin's own time under tshark -T fields (perf, 20,000
	 * 9P2000.L messages); proto_tree_add_string copies it anyway. */
	size_t len = strlen(path);
	bool ascii = true;
	for (size_t i = 0; i < len && ascii; i++)
		ascii = (guchar)path[i] < 0x80;
	if (ascii)
		return path;
	return (const char *)get_utf_8_string(pinfo->pool, (const guint8 *)path, (gint)len);
}

static const char *path_info(packet_info *pinfo, const char *path)
{
	return format_text(pinfo->pool, (const guchar *)path, strlen(path));
}

/* The generated fields and the experts that come from tracking. */
static void add_tracking(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, struct conv_state *conv,
			 const struct ninep_msginfo *info, proto_item *msg_item)
{
	proto_item *pi;
	/* The path's UTF-8 copy only for a tree that keeps it: tshark without
	 * -V or a filter naming ninep.path builds none. */
	if (info->path != NULL && proto_field_is_referenced(tree, ninep_hf.path)) {
		pi = proto_tree_add_string(tree, ninep_hf.path, tvb, 0, 0, path_value(pinfo, info->path));
		proto_item_set_generated(pi);
	}
	if (info->session != 0) {
		pi = proto_tree_add_uint(tree, ninep_hf.session, tvb, 0, 0, info->session);
		proto_item_set_generated(pi);
	}
	if (info->key_frame != 0) {
		pi = proto_tree_add_uint(tree, ninep_hf.session_key_frame, tvb, 0, 0, info->key_frame);
		proto_item_set_generated(pi);
	}
	if (info->session_rejected)
		expert_add_info(pinfo, msg_item, &ninep_ei.session_rejected);

	if (ninep_is_request(info->type)) {
		if (info->response != NULL) {
			pi = proto_tree_add_uint(tree, ninep_hf.response_in, tvb, 0, 0, info->response->frame);
			proto_item_set_generated(pi);
		} else if (PINFO_FD_VISITED(pinfo) && info->flushed_by == 0) {
			/* Only a later pass knows the whole capture: then a request
			 * without a reply was never answered (within the capture).
			 * A single-pass tshark cannot know and says nothing.  When
			 * the snaplen (or a hole in the TCP stream) hid messages
			 * after it, its reply may be one. */
			if (!explain_hidden(tree, tvb, hidden_in(conv, info->frame, G_MAXUINT32),
					    "[No reply seen: the capture's snaplen hid messages after it]",
					    "[No reply seen: a hole in the TCP stream hid messages after it]"))
				expert_add_info(pinfo, msg_item, &ninep_ei.never_answered);
		}
		if (info->flushes != 0) {
			pi = proto_tree_add_uint(tree, ninep_hf.flushes, tvb, 0, 0, info->flushes);
			proto_item_set_generated(pi);
		}
		if (info->flushed_by != 0) {
			pi = proto_tree_add_uint(tree, ninep_hf.flushed_by, tvb, 0, 0, info->flushed_by);
			proto_item_set_generated(pi);
			expert_add_info(pinfo, pi, &ninep_ei.flushed);
		}
		if (info->tag_reused_by != 0) {
			pi = proto_tree_add_uint(tree, ninep_hf.tag_reused_by, tvb, 0, 0, info->tag_reused_by);
			proto_item_set_generated(pi);
		}
		if (info->reuses_tag_of != 0 &&
		    !explain_hidden(tree, tvb, hidden_in(conv, info->reuses_tag_of, info->frame),
				    "[Tag reused: the reply to its last use may be one the snaplen hid]",
				    "[Tag reused: the reply to its last use may be in a hole of the TCP stream]"))
			expert_add_info_format(pinfo, msg_item, &ninep_ei.tag_reused,
					       "Tag %u reused while the request in frame %u is outstanding", info->tag,
					       info->reuses_tag_of);
	} else if (info->request != NULL) {
		pi = proto_tree_add_uint(tree, ninep_hf.request_in, tvb, 0, 0, info->request->frame);
		proto_item_set_generated(pi);
		nstime_t delta;
		nstime_delta(&delta, &info->time, &info->request->time);
		pi = proto_tree_add_time(tree, ninep_hf.time, tvb, 0, 0, &delta);
		proto_item_set_generated(pi);
		pi = proto_tree_add_uint(tree, ninep_hf.request_type, tvb, 0, 0, info->request->type);
		proto_item_set_generated(pi);
	} else if (info->request_in_transit) {
		add_snap_text(tree, tvb,
			      "[No request seen: its request's last bytes had not come (TCP segments out of order, "
			      "or lost)]");
	} else if (!explain_hidden(tree, tvb, hidden_in(conv, 0, info->frame),
				   "[No request seen: the capture's snaplen hid messages before it]",
				   "[No request seen: a hole in the TCP stream hid messages before it]")) {
		expert_add_info(pinfo, msg_item, &ninep_ei.reply_without_request);
	}
	/* A fid made or ended by a message the snaplen cut (or a hole hid) is not known. */
	bool fid_fault = info->fid_unknown != NINEP_NOFID || info->fid_reused != NINEP_NOFID;
	if (fid_fault && !explain_hidden(tree, tvb, hidden_in(conv, 0, info->frame),
					 "[Fid not followed: the capture's snaplen hid messages before it]",
					 "[Fid not followed: a hole in the TCP stream hid messages before it]")) {
		if (info->fid_unknown != NINEP_NOFID)
			expert_add_info_format(pinfo, msg_item, &ninep_ei.fid_unknown, "Fid %u used before it exists",
					       info->fid_unknown);
		if (info->fid_reused != NINEP_NOFID)
			expert_add_info_format(pinfo, msg_item, &ninep_ei.fid_reused, "Fid %u is already in use",
					       info->fid_reused);
	}
}

/* ---- the Info column ---------------------------------------------------- */

/* The fields the Info column shows, by filter name. */
static const char *const info_filters[] = { "fid",   "newfid", "afid",  "dfid",   "oldtag",
					    "msize", "version", "uname", "aname",  "wname",
					    "name",  "offset",  "count", "ename",  "ecode" };

/* Whether the Info column shows a field: info_filters looked up once per
 * fields.def row (every row of a shown filter), not by comparing each
 * item's filter with the list, which cost about 1 % of tshark's time on
 * many small messages (perf, tshark -T fields, 60,000 9P2000.L messages). */
enum {
	FIELD_ROWS = 0
#define NINEP_FIELD(key, filter, label, shown_as) +1
#include <ninep/fields.def>
};

static bool shown_in_info(const struct ninep_field *field)
{
	/* fields.def rows: computed on first use, constant afterwards */
	static bool computed, shown_rows[FIELD_ROWS];
	if (!computed) {
		for (size_t r = 0; r < FIELD_ROWS; r++)
			for (size_t s = 0; s < G_N_ELEMENTS(info_filters); s++)
				if (strcmp(ninep_field_at(r)->filter, info_filters[s]) == 0)
					shown_rows[r] = true;
		computed = true;
	}
	return shown_rows[field - ninep_field_at(0)];
}

/* The Info line of one message, built in a buffer of its own and handed
 * to the column once.  Built in a wmem_strbuf (an allocation, then a
 * function call, a strlen and a size check for each of 9 to 12 pieces),
 * the line cost 3,200 instructions a message with the column's copy and
 * the formatting of values; in this buffer, 2,100 (callgrind, plain tshark,
 * gen_bench_capture --dialect L, 15,842 messages: see doc/performance.md).
 * The column keeps at most COL_MAX_INFO_LEN - 1 bytes, so a line longer
 * than this buffer (a path of thousands of bytes) shows the same cut short
 * here: the part beyond the buffer is never on screen. */
struct info_line {
	size_t len;
	char text[2 * COL_MAX_INFO_LEN];
};

static void info_append(struct info_line *line, const char *piece)
{
	size_t room = sizeof line->text - 1 - line->len;
	size_t len = strlen(piece);
	if (len > room)
		len = room;
	memcpy(line->text + line->len, piece, len);
	line->len += len;
	line->text[line->len] = '\0';
}

/* One " name=value" (quoted: " name='value'") of the Info line, appended
 * piece by piece: formatting with wmem_strbuf_append_printf was 60 % of
 * append_info's time (perf, plain tshark, 20,000 9P2000.L messages). */
static void append_pair(struct info_line *line, const char *name, const char *value, bool quoted)
{
	info_append(line, " ");
	info_append(line, name);
	info_append(line, quoted ? "='" : "=");
	info_append(line, value);
	if (quoted)
		info_append(line, "'");
}

static void append_number(struct info_line *line, const char *name, uint64_t value)
{
	char digits[sizeof "18446744073709551615"];
	guint64_to_str_buf(value, digits, sizeof digits);
	append_pair(line, name, digits, false);
}

static void append_info(packet_info *pinfo, const uint8_t *bytes, const struct ninep_msg *msg,
			const struct ninep_msginfo *info)
{
	/* col_append_sep_str writes only a writable Info column, and tshark
	 * -T fields, -V or -z give none: then building the line (formatting
	 * every shown field and the path) is skipped.  That was 17 % of the
	 * plugin's own time under tshark -T fields (perf, 20,000 9P2000.L
	 * messages); col_get_writable is the very test Wireshark's column
	 * functions make (CHECK_COL), so the column is the same either way. */
	if (!col_get_writable(pinfo->cinfo, COL_INFO))
		return;
	struct info_line buffer; /* on the stack: no allocation per message */
	struct info_line *line = &buffer;
	line->len = 0;
	line->text[0] = '\0';
	info_append(line, ninep_type_name(msg->type));
	if (msg->tag == NINEP_NOTAG)
		append_pair(line, "tag", "NOTAG", false);
	else
		append_number(line, "tag", msg->tag);
	for (unsigned i = HEADER_ITEMS; i < msg->n_items; i++) {
		const struct ninep_item *it = &msg->items[i];
		if (it->depth != 0)
			continue;
		if (!shown_in_info(it->field))
			continue;
		const char *filter = it->field->filter;
		if (it->element != NULL && it->element->wire == NINEP_WIRE_STRING) {
			size_t len = (size_t)it->value < INFO_STRING_MAX ? (size_t)it->value : INFO_STRING_MAX;
			append_pair(line, filter, format_text(pinfo->pool, ninep_item_bytes(bytes, it), len), true);
		} else if (it->field->shown_as == NINEP_SHOW_ERRNO) {
			const char *name = ninep_errno_name((uint32_t)it->value);
			append_pair(line, filter, name ? name : "?", false);
		} else if (it->field->shown_as == NINEP_SHOW_FID && it->value == NINEP_NOFID) {
			append_pair(line, filter, "NOFID", false);
		} else {
			append_number(line, filter, it->value);
		}
	}
	if (info->path != NULL)
		append_pair(line, "path", path_info(pinfo, info->path), false);
	col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", line->text);
}

static const char *dialect_label(unsigned dialect)
{
	const char *name = ninep_dialect_name(dialect);
	return strcmp(name, "unknown") == 0 ? "9P" : name;
}

/* The Protocol column: Wireshark's GUI sizes it for the word "Protocol",
 * where "9P2000.L" shows as "9P2000...".  So a short name per dialect; the
 * tree and ninep.dialect keep the full one.  "9P?": not known (yet). */
static const char *column_label(unsigned dialect)
{
	switch (dialect) {
	case NINEP_DIALECT_9P2000:
		return "9P";
	case NINEP_DIALECT_U:
		return "9P.u";
	case NINEP_DIALECT_L:
		return "9P.L";
	case NINEP_DIALECT_E:
		return "9P.e";
	default:
		return "9P?";
	}
}

static void queue_tap(packet_info *pinfo, struct conv_state *conv, const struct ninep_msginfo *info)
{
	if (!have_tap_listener(ninep_tap))
		return;
	struct ninep_tap_info *tap = wmem_new0(pinfo->pool, struct ninep_tap_info);
	tap->frame = pinfo->num;
	tap->type = info->type;
	tap->tag = info->tag;
	tap->is_request = ninep_is_request(info->type);
	tap->is_error = info->type == NINEP_Rerror || info->type == NINEP_Rlerror;
	if (!tap->is_request && info->request != NULL) {
		tap->matched = true;
		tap->request_type = info->request->type;
		tap->request_frame = info->request->frame;
		tap->request_time = info->request->time;
		nstime_delta(&tap->response_time, &info->time, &info->request->time);
	}
	tap->path = info->path;
	tap->dialect = info->dialect;
	tap->session = info->session;
	tap->conversation = conv_label(conv);
	tap_queue_packet(ninep_tap, pinfo, tap);
}

/*
 * Decodes a message the snaplen cut, of which bytes[0..have) were captured.
 * Returns the decoder's status for the fields it gives (NINEP_OK: every
 * field, the data cut short; otherwise the fields the captured bytes hold,
 * which is no fault of the message).  *data_cut: the bytes of the last
 * (data) item that were not captured.
 */
static enum ninep_status decode_cut(packet_info *pinfo, const uint8_t *bytes, uint32_t have, uint32_t size,
				    unsigned dialects, struct ninep_msg *msg, uint32_t *data_cut)
{
	*data_cut = 0;
	enum ninep_status status = ninep_decode_head(bytes, have, dialects, msg);
	if (status == NINEP_OK && msg->n_items > 0) {
		/* Only the data reaches past what was captured: keep its captured
		 * part, so that nothing reads beyond it. */
		struct ninep_item *last = &msg->items[msg->n_items - 1];
		if (last->offset + last->length > have) {
			uint32_t kept = last->offset < have ? have - last->offset : 0;
			*data_cut = last->length - kept;
			last->length = kept;
			last->value = kept;
		}
		return NINEP_OK;
	}
	/* The fields that fit in the captured bytes: decode them as a message
	 * of `have` bytes and keep what came before the decoder ran out. */
	guint8 *copy = wmem_memdup(pinfo->pool, bytes, have);
	copy[0] = (guint8)have;
	copy[1] = (guint8)(have >> 8);
	copy[2] = (guint8)(have >> 16);
	copy[3] = (guint8)(have >> 24);
	status = ninep_decode(copy, have, dialects, msg);
	msg->size = size;
	msg->item_of_row = NULL;
	msg->layout = NULL;
	unsigned kept = 0;
	for (unsigned i = 0; i < msg->n_items; i++)
		if (msg->items[i].offset + msg->items[i].length <= have)
			msg->items[kept++] = msg->items[i];
	msg->n_items = kept;
	if (kept > 0)
		msg->items[0].value = size;
	if (status == NINEP_UNKNOWN_TYPE)
		return status;
	return NINEP_INCOMPLETE;
}

/* One whole message (or the rest of a segment that is not 9P). */
static int dissect_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
	struct conv_state *conv = data;
	guint len = tvb_captured_length(tvb);
	uint32_t size = 0;
	int direction = conv_direction(conv, pinfo);
	if (len < NINEP_HDRSZ ||
	    !plausible_header(tvb_get_ptr(tvb, 0, NINEP_HDRSZ), conv_max_size(conv, pinfo->num), direction,
			      &size)) {
		ninep_show_not_9p(tvb, 0, pinfo, tree, conv);
		return (int)tvb_reported_length(tvb);
	}
	ninep_dissect_one(tvb, pinfo, tree, conv, false);
	return (int)tvb_reported_length(tvb);
}

void ninep_dissect_one(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, struct conv_state *conv,
		       bool snaplen_note)
{
	guint len = tvb_captured_length(tvb);
	uint32_t size = tvb_reported_length(tvb);
	bool cut = len < size;
	uint32_t data_cut = 0;
	guint32 index = next_message_index(pinfo);
	const uint8_t *bytes = tvb_get_ptr(tvb, 0, len);
	struct ninep_msg *msg = wmem_new(pinfo->pool, struct ninep_msg);
	struct ninep_msginfo *info = NULL;
	enum ninep_status status;
	if (!PINFO_FD_VISITED(pinfo)) {
		bool guessed = false;
		unsigned dialects = conv_dialect(conv, &guessed);
		if (!cut) {
			status = ninep_decode(bytes, len, dialects, msg);
		} else {
			status = decode_cut(pinfo, bytes, len, size, dialects, msg, &data_cut);
			if (status == NINEP_UNKNOWN_TYPE) { /* the engine sees its header */
				msg->size = size;
				msg->type = bytes[NINEP_SIZESZ];
				msg->tag = ninep_get16(bytes + NINEP_SIZESZ + NINEP_BIT8SZ);
			}
		}
		/* A cut message counts whole when its captured head decides
		 * every field but the data; otherwise by its header alone. */
		if (cut && status != NINEP_OK)
			ninep_snap_unsure(conv, pinfo); /* the engine sees only its header */
		info = ninep_track(conv, pinfo, bytes, len, msg, dialects, guessed, status == NINEP_OK);
		if (!ninep_is_request(info->type) && info->request == NULL)
			info->request_in_transit = ninep_reorder_request_in_transit(conv, info->tag);
		p_add_proto_data(wmem_file_scope(), pinfo, proto_ninep, KEY_FIRST_MESSAGE + index, info);
	} else {
		info = p_get_proto_data(wmem_file_scope(), pinfo, proto_ninep, KEY_FIRST_MESSAGE + index);
		if (info == NULL) {
			/* Not seen on the first pass (should not happen): show it
			 * without any tracking. */
			info = wmem_new0(pinfo->pool, struct ninep_msginfo);
			info->decode_dialects = info->dialect = NINEP_DIALECT_ANY;
			info->fid_unknown = info->fid_reused = NINEP_NOFID;
			info->frame = pinfo->num;
			info->time = pinfo->abs_ts;
		}
		status = cut ? decode_cut(pinfo, bytes, len, size, info->decode_dialects, msg, &data_cut)
			     : ninep_decode(bytes, len, info->decode_dialects, msg);
		info->type = bytes[NINEP_SIZESZ];
		info->tag = ninep_get16(bytes + NINEP_SIZESZ + NINEP_BIT8SZ);
	}
	/* A type the connection's dialect lacks: decode it anyway, and say so. */
	bool wrong_dialect = false;
	if (status == NINEP_UNKNOWN_TYPE && info->decode_dialects != NINEP_DIALECT_ANY) {
		wrong_dialect = true;
		status = cut ? decode_cut(pinfo, bytes, len, size, NINEP_DIALECT_ANY, msg, &data_cut)
			     : ninep_decode(bytes, len, NINEP_DIALECT_ANY, msg);
	}
	if (cut) {
		/* whatever the decoder said, these are the header's */
		msg->size = size;
		msg->type = info->type;
		msg->tag = info->tag;
	}

	const char *name = ninep_type_name(msg->type);
	col_set_str(pinfo->cinfo, COL_PROTOCOL, column_label(info->dialect));
	append_info(pinfo, bytes, msg, info);

	proto_item *ti = proto_tree_add_item(tree, proto_ninep, tvb, 0, -1, ENC_NA);
	proto_item_append_text(ti, ", %s, %s", dialect_label(info->dialect), name);
	proto_tree *sub = proto_item_add_subtree(ti, ninep_ett.message);
	proto_item *pi = proto_tree_add_string(sub, ninep_hf.message, tvb, NINEP_SIZESZ, NINEP_BIT8SZ, name);
	proto_item_set_generated(pi);
	pi = proto_tree_add_string(sub, ninep_hf.dialect, tvb, 0, 0, ninep_dialect_name(info->dialect));
	proto_item_set_generated(pi);
	if (info->dialect_guessed) {
		pi = proto_tree_add_boolean(sub, ninep_hf.dialect_guessed, tvb, 0, 0, TRUE);
		proto_item_set_generated(pi);
		if (info->guess_note && info->guess_after_refusal != 0)
			expert_add_info_format(pinfo, pi, &ninep_ei.dialect_refused,
					       "Dialect guessed: the Tversion in frame %u was refused",
					       info->guess_after_refusal);
		else if (info->guess_note)
			expert_add_info(pinfo, pi, &ninep_ei.dialect_guessed);
	}
	if (wrong_dialect)
		expert_add_info_format(pinfo, ti, &ninep_ei.wrong_dialect, "%s is not a message of %s", name,
				       ninep_dialect_name(info->decode_dialects));

	add_items(sub, tvb, pinfo, bytes, msg, info, data_cut);
	if (cut) {
		/* Not a fault: the capture kept only the head of the message. */
		pi = proto_tree_add_uint_format(sub, ninep_hf.not_captured, tvb, 0, 0, size - len,
						"%u bytes not captured", size - len);
		proto_item_set_generated(pi);
		if (snaplen_note)
			expert_add_info_format(pinfo, pi, &ninep_ei.snaplen,
					       "The capture's snaplen cut messages of this connection: their headers, "
					       "links and response times are shown, their payload only as captured");
	} else if (status != NINEP_OK) {
		/* Point at the offending field's bytes, or at the end. */
		uint32_t at = msg->problem_offset < len ? msg->problem_offset : len;
		proto_item *bad = proto_tree_add_item(sub, ninep_hf.not_9p, tvb, at, len - at, ENC_NA);
		expert_add_info_format(pinfo, bad, &ninep_ei.malformed, "%s: %s%s%s", name,
				       msg->problem_field ? msg->problem_field : "",
				       msg->problem_field ? ": " : "",
				       msg->problem ? msg->problem : ninep_status_name(status));
	}
	add_tracking(sub, tvb, pinfo, conv, info, ti);
	queue_tap(pinfo, conv, info);
	ninep_export_message(pinfo, ti, conv, info, bytes, len, size, status == NINEP_OK ? msg : NULL, data_cut);
}

/* Which side is the client: the side the registered port is not on, or
 * (found by the heuristic) the sender of a request. */
static void decide_client(struct conv_state *conv, tvbuff_t *tvb, packet_info *pinfo, bool by_port)
{
	if (by_port && (pinfo->match_uint == pinfo->destport || pinfo->match_uint == pinfo->srcport)) {
		conv_set_client(conv, pinfo, pinfo->match_uint == pinfo->destport);
		return;
	}
	if (tvb_captured_length(tvb) > NINEP_SIZESZ) {
		guint8 type = tvb_get_guint8(tvb, NINEP_SIZESZ);
		if (ninep_message_name(type) != NULL) {
			conv_set_client(conv, pinfo, ninep_is_request(type));
			return;
		}
	}
	conv_set_client(conv, pinfo, pinfo->match_uint == pinfo->destport);
}

int ninep_dissect_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
	struct conv_state *conv = conv_state_get(pinfo, true);
	if (!conv_has_client(conv))
		decide_client(conv, tvb, pinfo, true);
	col_set_str(pinfo->cinfo, COL_PROTOCOL, "9P");
	col_clear(pinfo->cinfo, COL_INFO);

	/* A direction whose payload the snaplen cut is framed by sequence
	 * numbers (snaplen.c): TCP cannot reassemble a cut segment. */
	if (ninep_snap_dissect(tvb, pinfo, tree, conv, data))
		return (int)tvb_captured_length(tvb);
	/* A segment out of sequence (reorder.c): shown there, or framed from
	 * past the bytes dissected before. */
	int from = ninep_reorder_dissect(tvb, pinfo, tree, conv, data);
	if (from < 0)
		return (int)tvb_captured_length(tvb);
	if (from == 0) {
		tcp_dissect_pdus(tvb, pinfo, tree, TRUE, NINEP_HDRSZ, get_message_len, dissect_message, conv);
	} else {
		tcp_dissect_pdus(tvb_new_subset_remaining(tvb, from), pinfo, tree, TRUE, NINEP_HDRSZ,
				 get_message_len, dissect_message, conv);
		/* TCP reads the offset of a message that goes on in the frame's segment */
		if (pinfo->desegment_len > 0)
			pinfo->desegment_offset += from;
	}
	ninep_reorder_follow(tvb, pinfo, conv);
	ninep_snap_follow(tvb, pinfo, conv, data);
	return (int)tvb_captured_length(tvb);
}

/* ---- the heuristic -------------------------------------------------------- */

gboolean ninep_dissect_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
	/* The engine's content heuristic (ninep_detect).  A dissector cannot
	 * wait for the rest of a message: one that goes on past the segment
	 * counts only when its head alone decodes it. */
	guint avail = tvb_captured_length(tvb);
	if (avail < NINEP_HDRSZ)
		return FALSE;
	int requests;
	uint32_t size;
	const guint8 *head = tvb_get_ptr(tvb, 0, avail);
	enum ninep_detect found = ninep_detect(head, avail, &requests, &size);
	if (found != NINEP_DETECT_YES && found != NINEP_DETECT_HEAD) {
		/* A segment the snaplen cut cannot show a whole message: take a
		 * plausible header whose message fills the segment exactly. */
		guint reported = tvb_reported_length(tvb);
		if (avail >= reported || !ninep_fills_cut_packet(head, avail, reported, NINEP_MSIZE_UNKNOWN_MAX,
								 NINEP_DIALECT_ANY, &requests))
			return FALSE;
	}

	conversation_t *conversation = find_or_create_conversation(pinfo);
	conversation_set_dissector(conversation, ninep_handle);
	struct conv_state *conv = conv_state_get(pinfo, true);
	if (!conv_has_client(conv))
		decide_client(conv, tvb, pinfo, false);
	ninep_dissect_tcp(tvb, pinfo, tree, data);
	return TRUE;
}
