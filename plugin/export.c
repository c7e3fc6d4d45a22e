/*
 * File > Export Objects > NINEP (the menu shows the protocol's short name:
 * the built-in dissector owns "9P") and `tshark --export-objects ninep,DIR`: every
 * file a capture read or wrote, one object per file, its content placed by
 * offset, named by its 9P path.
 *
 * Which exchanges carry content, the bytes that go where, a file's size,
 * holes and frames are the shared library's (ninep/files.h), so that the
 * analyzer's `ninep extract` saves the same files; this file only keeps the
 * bytes in memory and hands Wireshark one export_object_entry_t per file.
 *
 * How it runs.  The dissector queues one record per message on the export
 * tap (ninep_export_message), with where the message's data is and what
 * the first pass learnt (tracking.c: the request's note, its path and fid).
 * The tap is called in frame order: during the first pass in a one-pass
 * tshark, on a later pass (every frame visited) in tshark -2 and in the
 * GUI's retap; the records say the same on every pass.  A write's data is
 * held (ninep_files_hold) until its reply says how much was written; a
 * read's content comes with its reply.
 *
 * Entries grow in place, as packet-smb.c's do: a file gets its entry when
 * its first captured byte comes, and later exchanges update the entry's
 * bytes, length, summary and packet number.  The entry then belongs to the
 * export list (the GUI frees it with eo_free_entry), so nothing here frees
 * an entry or its members; reset_export lets go of everything else.  An
 * entry once handed over cannot be taken back: a file that a later Tswrite
 * of 0 bytes empties stays listed, with 0 bytes.
 *
 * Bounded memory: a file is never larger than NINEP_FILE_MAX_SIZE (content
 * beyond it is not kept, and the reply that carried it gets an expert
 * note), held writes never more than NINEP_FILES_HELD_MAX, and holes cost
 * nothing until written: buffers grow with g_malloc0, whose large blocks
 * are fresh zero pages.
 */
#include "ninep-plugin.h"

#include <epan/export_object.h>
#include <epan/tap.h>

#include <ninep/files.h>

#include <string.h>

static int export_tap = -1;

/* What the dissector queues for one message. */
struct export_record {
	const struct ninep_msginfo *info; /* file scope: a reply's request is info->request */
	struct ninep_reply message;       /* the message as the library reads it (a request's too) */
	const char *client, *server;      /* "address:port" */
};

/* The bytes of one file, in the entry Wireshark exports. */
struct stored_file {
	export_object_entry_t *entry; /* NULL until the file has a captured byte */
	size_t capacity;              /* bytes allocated at entry->payload_data; past payload_len all zero */
};

/* The files of the capture being tapped. */
static struct ninep_files *files;

/* Every stored_file made, to free when the files are let go. */
static GPtrArray *stored;

static void reset_export(void)
{
	if (files != NULL)
		ninep_files_free(files);
	files = NULL;
	if (stored != NULL)
		g_ptr_array_free(stored, TRUE);
	stored = NULL;
}

/* ---- the dissector's side -------------------------------------------------- */

/* The key under which a write's data waits for its reply: the request's
 * first-pass record, unique per message (a frame may hold several). */
static uint64_t request_key(const struct ninep_msginfo *request)
{
	return (uint64_t)(uintptr_t)request;
}

/* The message as the library reads it: every field, the data item as long
 * as the message says (the dissector shortened it to what was captured;
 * the library reads only the captured part), or only the header when it
 * did not decode (msg NULL): such a reply carries nothing, but still lets
 * its request's held data go. */
static const struct ninep_msg *as_library_reads(packet_info *pinfo, const struct ninep_msginfo *info,
						 uint32_t size, const struct ninep_msg *msg, uint32_t data_cut)
{
	if (msg == NULL) {
		struct ninep_msg *header = wmem_new0(pinfo->pool, struct ninep_msg);
		header->size = size;
		header->type = info->type;
		header->tag = info->tag;
		return header;
	}
	if (data_cut == 0 || msg->n_items == 0)
		return msg;
	struct ninep_msg *whole = wmem_memdup(pinfo->pool, msg, sizeof *msg);
	whole->items[whole->n_items - 1].length += data_cut;
	whole->items[whole->n_items - 1].value += data_cut;
	return whole;
}

/* An expert note on a reply whose exchange moved file content past
 * NINEP_FILE_MAX_SIZE: that part is not kept.  Decided from the exchange
 * alone (the library's rule says what it moved where), so every pass and
 * every tool agrees. */
static void note_limit(packet_info *pinfo, proto_item *item, const struct ninep_msginfo *info,
		       const struct ninep_reply *reply)
{
	struct ninep_content content;
	if (!ninep_exchange_content(&info->request->note, NULL, 0, reply, info->decode_dialects, &content))
		return;
	/* Compared without adding: a hostile offset may be near 2^64. */
	uint64_t room = content.offset < NINEP_FILE_MAX_SIZE ? NINEP_FILE_MAX_SIZE - content.offset : 0;
	if (content.count <= room)
		return;
	expert_add_info_format(pinfo, item, &ninep_ei.content_beyond_limit,
			       "File content beyond the export limit of %" G_GUINT64_FORMAT
			       " bytes not kept: %" G_GUINT64_FORMAT " of %u bytes at offset %" G_GUINT64_FORMAT
			       " dropped",
			       (guint64)NINEP_FILE_MAX_SIZE, (guint64)(content.count - room), content.count,
			       (guint64)content.offset);
}

static int64_t time_ns(const nstime_t *t)
{
	return (int64_t)t->secs * 1000000000 + t->nsecs;
}

void ninep_export_message(packet_info *pinfo, proto_item *item, struct conv_state *conv,
			  const struct ninep_msginfo *info, const uint8_t *bytes, uint32_t have, uint32_t size,
			  const struct ninep_msg *msg, uint32_t data_cut)
{
	bool request = ninep_is_request(info->type);
	if (request && info->note.content_io != NINEP_IO_WRITE && info->note.content_io != NINEP_IO_SWRITE)
		return; /* only a write's request carries data */
	if (!request && (info->request == NULL || info->request->note.content_io == NINEP_IO_NONE))
		return;
	const struct ninep_msg *decoded = as_library_reads(pinfo, info, size, msg, data_cut);
	/* A request too is read through a struct ninep_reply: its bytes and fields. */
	struct ninep_reply reply = {
		.msg = bytes,
		.size = size,
		.have = have,
		.decoded = decoded,
		.ts = time_ns(&info->time),
		.is_error = info->type == NINEP_Rerror || info->type == NINEP_Rlerror,
	};
	if (!request)
		note_limit(pinfo, item, info, &reply);
	if (!have_tap_listener(export_tap))
		return;
	struct export_record *record = wmem_new0(pinfo->pool, struct export_record);
	record->info = info;
	record->message = reply;
	record->client = conv_client_endpoint(conv);
	record->server = conv_server_endpoint(conv);
	tap_queue_packet(export_tap, pinfo, record);
}

/* ---- the tap's side ---------------------------------------------------------- */

/* Grows a file's buffer to hold `size` bytes; what it adds is zero.  The
 * whole old buffer moves: bytes just stored may lie past payload_len. */
static void ensure_capacity(struct stored_file *s, size_t size)
{
	if (size <= s->capacity)
		return;
	size_t capacity = MAX(size, MIN(s->capacity * 2, (size_t)NINEP_FILE_MAX_SIZE));
	guint8 *bytes = g_malloc0(capacity);
	if (s->capacity > 0)
		memcpy(bytes, s->entry->payload_data, s->capacity);
	g_free(s->entry->payload_data);
	s->entry->payload_data = bytes;
	s->capacity = capacity;
}

/* The entry's filename: the 9P path, with its NUL bytes (which a C string
 * cannot hold) spelt %00 as Wireshark spells the bytes it escapes. */
static gchar *entry_filename(const struct ninep_file *f)
{
	GString *name = g_string_sized_new(f->name_len);
	for (size_t i = 0; i < f->name_len; i++) {
		if (f->name[i] == '\0')
			g_string_append(name, "%00");
		else
			g_string_append_c(name, f->name[i]);
	}
	return g_string_free(name, FALSE);
}

/* Applies what the library says to store, then brings the entry up to the
 * file's size, summary and last frame. */
static void store(export_object_list_t *list, const struct export_record *record, struct ninep_file *f,
		  const struct ninep_file_put *put)
{
	struct stored_file *s = f->user;
	if (s == NULL) {
		s = g_new0(struct stored_file, 1);
		g_ptr_array_add(stored, s);
		f->user = s;
	}
	if (s->entry == NULL) {
		if (f->captured == 0)
			return; /* nothing to export yet: a header-only capture */
		s->entry = g_new0(export_object_entry_t, 1);
		s->entry->filename = entry_filename(f);
		s->entry->hostname = g_strdup(record->server);
		s->capacity = 0;
		list->add_entry(list->gui_data, s->entry);
	}
	export_object_entry_t *e = s->entry;
	if (put->restart && e->payload_len > 0) {
		memset(e->payload_data, 0, e->payload_len);
		e->payload_len = 0;
	}
	if (put->len > 0) {
		ensure_capacity(s, (size_t)(put->offset + put->len));
		memcpy(e->payload_data + put->offset, put->data, put->len);
	}
	size_t size = (size_t)f->size;
	ensure_capacity(s, size);
	if (size < e->payload_len)
		memset(e->payload_data + size, 0, e->payload_len - size); /* keep what lies past the end zero */
	e->payload_len = size;
	e->pkt_num = (guint32)f->last_frame;
	char summary[128];
	g_free(e->content_type);
	e->content_type = g_strdup(ninep_file_summary(f, summary, sizeof summary));
}

/* A reply: the content its exchange carried, if any, into its file. */
static void reply_content(export_object_list_t *list, const struct export_record *record)
{
	const struct ninep_msginfo *request = record->info->request;
	uint64_t key = request_key(request);
	uint32_t held_len = 0;
	const uint8_t *held = ninep_files_held(files, key, &held_len);
	struct ninep_content content;
	if (ninep_exchange_content(&request->note, held, held_len, &record->message,
				   record->info->decode_dialects, &content)) {
		const char *path = request->path != NULL ? request->path : "";
		size_t path_len = request->path != NULL ? request->path_len : 0;
		char name[NINEP_FILES_NAME_MAX];
		size_t name_len = ninep_files_name(name, sizeof name, path, path_len, record->client,
						   record->server, request->fid);
		struct ninep_file_put put;
		struct ninep_file *f = ninep_files_add(files, name, name_len, &content, request->frame,
						       time_ns(&request->time), record->info->frame,
						       time_ns(&record->info->time), &put);
		if (f != NULL)
			store(list, record, f, &put);
	}
	ninep_files_release(files, key);
}

static tap_packet_status export_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
				       const void *data, tap_flags_t flags _U_)
{
	export_object_list_t *list = tapdata;
	const struct export_record *record = data;
	if (files == NULL) {
		files = ninep_files_new();
		stored = g_ptr_array_new_with_free_func(g_free);
	}
	if (ninep_is_request(record->info->type)) {
		const uint8_t *bytes;
		uint32_t count, captured;
		const struct ninep_reply *m = &record->message;
		if (ninep_message_data(m->msg, m->have, m->decoded, &bytes, &count, &captured))
			ninep_files_hold(files, request_key(record->info), bytes, captured);
		return TAP_PACKET_DONT_REDRAW;
	}
	reply_content(list, record);
	return TAP_PACKET_REDRAW;
}

void ninep_register_export(void)
{
	export_tap = register_export_object(proto_ninep, export_packet, reset_export);
	register_cleanup_routine(reset_export);
}
