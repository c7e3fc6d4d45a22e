/*
 * Header fields.  Every row of include/ninep/fields.def becomes one
 * registered field "ninep.<filter>" (rows sharing a filter name share the
 * field), typed by how the row is shown and by the widest wire size any
 * layout gives it.  The fields that are not values on the wire (frame links,
 * response time, path, session, dialect) and the parts of qids and bit sets
 * are registered here too.
 */
#include "ninep-plugin.h"

#include <stdio.h>
#include <string.h>

/* How many rows fields.def has, counted by including it. */
enum {
	FIELD_ROWS = 0
#define NINEP_FIELD(key, filter, label, shown_as) +1
#include <ninep/fields.def>
};

struct ninep_hf ninep_hf = { -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
			     -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1 };
struct ninep_ett ninep_ett = { -1, -1, -1, -1, -1, -1, -1 };

/* The field of each fields.def row; rows sharing a filter share the id. */
static int hf_row[FIELD_ROWS];
/* Bytes of the widest integer any layout gives each row (registration data). */
static uint8_t row_width[FIELD_ROWS];

/* qid.type bits */
static int hf_qt_dir = -1, hf_qt_append = -1, hf_qt_excl = -1, hf_qt_mount = -1, hf_qt_auth = -1,
	   hf_qt_tmp = -1, hf_qt_symlink = -1;
/* Plan 9 open mode */
static int hf_om_access = -1, hf_om_trunc = -1, hf_om_rclose = -1;
/* Plan 9 permissions */
static int hf_dm_dir = -1, hf_dm_append = -1, hf_dm_excl = -1, hf_dm_mount = -1, hf_dm_auth = -1,
	   hf_dm_tmp = -1, hf_dm_symlink = -1, hf_dm_device = -1, hf_dm_namedpipe = -1, hf_dm_socket = -1,
	   hf_dm_setuid = -1, hf_dm_setgid = -1, hf_dm_rwx = -1;
/* POSIX st_mode */
static int hf_pm_type = -1, hf_pm_suid = -1, hf_pm_sgid = -1, hf_pm_svtx = -1, hf_pm_rwx = -1;
/* 9P2000.L attribute masks: P9_GETATTR_* (Tgetattr request_mask, Rgetattr
 * valid) and P9_SETATTR_* (Tsetattr valid) */
static int hf_ga_mode = -1, hf_ga_nlink = -1, hf_ga_uid = -1, hf_ga_gid = -1, hf_ga_rdev = -1, hf_ga_atime = -1,
	   hf_ga_mtime = -1, hf_ga_ctime = -1, hf_ga_ino = -1, hf_ga_size = -1, hf_ga_blocks = -1, hf_ga_btime = -1,
	   hf_ga_gen = -1, hf_ga_data_version = -1;
static int hf_sa_mode = -1, hf_sa_uid = -1, hf_sa_gid = -1, hf_sa_size = -1, hf_sa_atime = -1, hf_sa_mtime = -1,
	   hf_sa_ctime = -1, hf_sa_atime_set = -1, hf_sa_mtime_set = -1;
/* Linux open(2) flags as 9P2000.L carries them */
static int hf_of_access = -1, hf_of_creat = -1, hf_of_excl = -1, hf_of_noctty = -1, hf_of_trunc = -1,
	   hf_of_append = -1, hf_of_nonblock = -1, hf_of_dsync = -1, hf_of_fasync = -1, hf_of_direct = -1,
	   hf_of_largefile = -1, hf_of_directory = -1, hf_of_nofollow = -1, hf_of_noatime = -1,
	   hf_of_cloexec = -1, hf_of_sync = -1;

static const value_string open_access_names[] = {
	{ NINEP_OREAD, "OREAD" }, { NINEP_OWRITE, "OWRITE" }, { NINEP_ORDWR, "ORDWR" }, { NINEP_OEXEC, "OEXEC" },
	{ 0, NULL },
};
static const value_string lopen_access_names[] = {
	{ 0, "O_RDONLY" }, { 1, "O_WRONLY" }, { 2, "O_RDWR" }, { 0, NULL },
};
/* S_IFMT values (octal, as in <sys/stat.h>).  ninep.mode.type carries the
 * mode's S_IFMT bits unshifted, so these are its values and its filter
 * values: ninep.mode.type == 0040000 is a directory. */
static const value_string posix_type_names[] = {
	{ 0010000, "FIFO" }, { 0020000, "Character device" }, { 0040000, "Directory" },
	{ 0060000, "Block device" }, { 0100000, "Regular file" }, { 0120000, "Symbolic link" },
	{ 0140000, "Socket" }, { 0, NULL },
};
/* d_type of an Rreaddir entry (<dirent.h>) */
static const value_string dirent_type_names[] = {
	{ 0, "DT_UNKNOWN" }, { 1, "DT_FIFO" }, { 2, "DT_CHR" }, { 4, "DT_DIR" }, { 6, "DT_BLK" },
	{ 8, "DT_REG" },     { 10, "DT_LNK" }, { 12, "DT_SOCK" }, { 14, "DT_WHT" }, { 0, NULL },
};
static const value_string lock_type_names[] = {
	{ 0, "RDLCK" }, { 1, "WRLCK" }, { 2, "UNLCK" }, { 0, NULL },
};
static const value_string lock_status_names[] = {
	{ 0, "SUCCESS" }, { 1, "BLOCKED" }, { 2, "ERROR" }, { 3, "GRACE" }, { 0, NULL },
};

static int *const qid_type_bits[] = { &hf_qt_dir, &hf_qt_append, &hf_qt_excl, &hf_qt_mount, &hf_qt_auth,
				      &hf_qt_tmp, &hf_qt_symlink, NULL };
static int *const open_mode_bits[] = { &hf_om_access, &hf_om_trunc, &hf_om_rclose, NULL };
static int *const perm_bits[] = { &hf_dm_dir, &hf_dm_append, &hf_dm_excl, &hf_dm_mount, &hf_dm_auth,
				  &hf_dm_tmp, &hf_dm_symlink, &hf_dm_device, &hf_dm_namedpipe, &hf_dm_socket,
				  &hf_dm_setuid, &hf_dm_setgid, &hf_dm_rwx, NULL };
/* The type is added on its own (unshifted), before these. */
/* 9P2000 and 9P2000.e have no DMSYMLINK .. DMSETGID: those are 9P2000.u's. */
static int *const perm_bits_9p2000[] = { &hf_dm_dir, &hf_dm_append, &hf_dm_excl, &hf_dm_mount, &hf_dm_auth,
					 &hf_dm_tmp, &hf_dm_rwx, NULL };
static int *const posix_mode_bits[] = { &hf_pm_suid, &hf_pm_sgid, &hf_pm_svtx, &hf_pm_rwx, NULL };
#define POSIX_S_IFMT 0170000u
static int *const getattr_bits[] = { &hf_ga_mode, &hf_ga_nlink, &hf_ga_uid, &hf_ga_gid, &hf_ga_rdev,
				     &hf_ga_atime, &hf_ga_mtime, &hf_ga_ctime, &hf_ga_ino, &hf_ga_size,
				     &hf_ga_blocks, &hf_ga_btime, &hf_ga_gen, &hf_ga_data_version, NULL };
static int *const setattr_bits[] = { &hf_sa_mode, &hf_sa_uid, &hf_sa_gid, &hf_sa_size, &hf_sa_atime,
				     &hf_sa_mtime, &hf_sa_ctime, &hf_sa_atime_set, &hf_sa_mtime_set, NULL };
static int *const open_flags_bits[] = { &hf_of_access, &hf_of_creat, &hf_of_excl, &hf_of_noctty, &hf_of_trunc,
					&hf_of_append, &hf_of_nonblock, &hf_of_dsync, &hf_of_fasync, &hf_of_direct,
					&hf_of_largefile, &hf_of_directory, &hf_of_nofollow, &hf_of_noatime,
					&hf_of_cloexec, &hf_of_sync, NULL };

static void format_errno(gchar *buf, guint32 value)
{
	const char *name = ninep_errno_name(value);
	if (name != NULL)
		snprintf(buf, ITEM_LABEL_LENGTH, "%s (%u)", name, value);
	else
		snprintf(buf, ITEM_LABEL_LENGTH, "%u", value);
}

static void format_fid(gchar *buf, guint32 value)
{
	if (value == NINEP_NOFID)
		snprintf(buf, ITEM_LABEL_LENGTH, "NOFID");
	else
		snprintf(buf, ITEM_LABEL_LENGTH, "%u", value);
}

static void format_tag(gchar *buf, guint32 value)
{
	if (value == NINEP_NOTAG)
		snprintf(buf, ITEM_LABEL_LENGTH, "NOTAG");
	else
		snprintf(buf, ITEM_LABEL_LENGTH, "%u", value);
}

const char *ninep_type_name(unsigned type)
{
	const char *name = ninep_message_name(type);
	return name != NULL ? name : "unknown";
}

static size_t row_of(const struct ninep_field *field)
{
	return (size_t)(field - ninep_field_at(0));
}

/* Header fields are not in any layout; their widths are the header's. */
static void compute_widths(void)
{
	for (size_t i = 0; i < ninep_layout_count(); i++) {
		const struct ninep_layout *layout = ninep_layout_at(i);
		for (unsigned e = 0; e < layout->n_elements; e++) {
			const struct ninep_element *el = &layout->elements[e];
			size_t row = row_of(el->field);
			if (el->wire == NINEP_WIRE_UINT && el->size > row_width[row])
				row_width[row] = (uint8_t)el->size;
		}
	}
	row_width[row_of(ninep_field_by_key("size"))] = NINEP_SIZESZ;
	row_width[row_of(ninep_field_by_key("type"))] = NINEP_BIT8SZ;
	row_width[row_of(ninep_field_by_key("tag"))] = NINEP_BIT16SZ;
}

static enum ftenum uint_type(unsigned width)
{
	switch (width) {
	case 1:
		return FT_UINT8;
	case 2:
		return FT_UINT16;
	case 8:
		return FT_UINT64;
	default:
		return FT_UINT32;
	}
}

/* The registration of one fields.def row. */
static void describe_row(const struct ninep_field *field, unsigned width, const value_string *type_names,
			 header_field_info *hfi)
{
	hfi->name = field->label;
	hfi->abbrev = g_strdup_printf("ninep.%s", field->filter);
	hfi->type = uint_type(width);
	hfi->display = BASE_DEC;
	hfi->strings = NULL;
	hfi->bitmask = 0;
	hfi->blurb = NULL;
	switch (field->shown_as) {
	case NINEP_SHOW_DEC:
		if (strcmp(field->key, "type") == 0)
			hfi->strings = VALS(type_names);
		break;
	case NINEP_SHOW_HEX:
	case NINEP_SHOW_SESSION_KEY:
	case NINEP_SHOW_ATTR_MASK:
		hfi->display = BASE_HEX;
		break;
	case NINEP_SHOW_FID:
		hfi->display = BASE_CUSTOM;
		hfi->strings = CF_FUNC(format_fid);
		break;
	case NINEP_SHOW_TAG:
		hfi->display = BASE_CUSTOM;
		hfi->strings = CF_FUNC(format_tag);
		break;
	case NINEP_SHOW_ERRNO:
		hfi->display = BASE_CUSTOM;
		hfi->strings = CF_FUNC(format_errno);
		break;
	case NINEP_SHOW_STRING:
		hfi->type = FT_UINT_STRING;
		hfi->display = BASE_NONE;
		break;
	case NINEP_SHOW_BYTES:
		hfi->type = FT_BYTES;
		hfi->display = BASE_NONE;
		break;
	case NINEP_SHOW_QID:
		hfi->type = FT_NONE;
		hfi->display = BASE_NONE;
		break;
	case NINEP_SHOW_OPEN_MODE:
		hfi->type = FT_UINT8;
		hfi->display = BASE_HEX;
		break;
	case NINEP_SHOW_PERM:
	case NINEP_SHOW_OPEN_FLAGS:
		hfi->type = FT_UINT32;
		hfi->display = BASE_HEX;
		break;
	case NINEP_SHOW_POSIX_MODE:
		hfi->type = FT_UINT32;
		hfi->display = BASE_OCT;
		break;
	case NINEP_SHOW_UNIXTIME:
		hfi->type = FT_ABSOLUTE_TIME;
		hfi->display = ABSOLUTE_TIME_UTC;
		break;
	case NINEP_SHOW_DIRENT_TYPE:
		hfi->strings = VALS(dirent_type_names);
		break;
	case NINEP_SHOW_LOCK_TYPE:
		hfi->strings = VALS(lock_type_names);
		break;
	case NINEP_SHOW_LOCK_STATUS:
		hfi->strings = VALS(lock_status_names);
		break;
	}
}

static void register_description_fields(void)
{
	/* Message names for ninep.type and ninep.request_type: built once. */
	unsigned numbers[256];
	size_t n_types = ninep_message_numbers(numbers, G_N_ELEMENTS(numbers));
	value_string *type_names = g_new0(value_string, n_types + 1);
	for (size_t i = 0; i < n_types; i++) {
		type_names[i].value = numbers[i];
		type_names[i].strptr = ninep_message_name(numbers[i]);
	}

	compute_widths();
	hf_register_info *hf = g_new0(hf_register_info, FIELD_ROWS);
	size_t n_hf = 0;
	for (size_t row = 0; row < FIELD_ROWS; row++) {
		const struct ninep_field *field = ninep_field_at(row);
		hf_row[row] = -1;
		bool shared = false;
		for (size_t earlier = 0; earlier < row; earlier++)
			if (strcmp(ninep_field_at(earlier)->filter, field->filter) == 0)
				shared = true;
		if (shared)
			continue;
		/* The widest of all rows with this filter name. */
		unsigned width = 0;
		for (size_t other = row; other < FIELD_ROWS; other++)
			if (strcmp(ninep_field_at(other)->filter, field->filter) == 0 && row_width[other] > width)
				width = row_width[other];
		for (size_t other = row; other < FIELD_ROWS; other++)
			if (strcmp(ninep_field_at(other)->filter, field->filter) == 0)
				row_width[other] = (uint8_t)width;
		hf[n_hf].p_id = &hf_row[row];
		describe_row(field, width, type_names, &hf[n_hf].hfinfo);
		HFILL_INIT(hf[n_hf]);
		n_hf++;
	}
	proto_register_field_array(proto_ninep, hf, (int)n_hf);
	for (size_t row = 0; row < FIELD_ROWS; row++)
		for (size_t earlier = 0; earlier < row && hf_row[row] < 0; earlier++)
			if (strcmp(ninep_field_at(earlier)->filter, ninep_field_at(row)->filter) == 0)
				hf_row[row] = hf_row[earlier];

	static hf_register_info generated[] = {
		{ &ninep_hf.request_type, { "Request type", "ninep.request_type", FT_UINT8, BASE_DEC, NULL, 0,
					    "The type of the request this reply answers", HFILL } },
	};
	generated[0].hfinfo.strings = VALS(type_names);
	proto_register_field_array(proto_ninep, generated, G_N_ELEMENTS(generated));
}

void ninep_register_fields(void)
{
	static hf_register_info hf[] = {
		{ &ninep_hf.message, { "Message", "ninep.message", FT_STRING, BASE_NONE, NULL, 0,
				       "The message's name", HFILL } },
		{ &ninep_hf.dialect, { "Dialect", "ninep.dialect", FT_STRING, BASE_NONE, NULL, 0,
				       "The connection's 9P dialect", HFILL } },
		{ &ninep_hf.dialect_guessed, { "Dialect guessed", "ninep.dialect_guessed", FT_BOOLEAN, BASE_NONE,
					       NULL, 0,
					       "No Tversion/Rversion agreed on a dialect (none captured, or the Tversion "
					       "was refused): the dialect is a guess", HFILL } },
		{ &ninep_hf.qid_type, { "Qid type", "ninep.qid.type", FT_UINT8, BASE_HEX, NULL, 0, NULL, HFILL } },
		{ &ninep_hf.qid_version, { "Qid version", "ninep.qid.version", FT_UINT32, BASE_DEC, NULL, 0, NULL,
					   HFILL } },
		{ &ninep_hf.qid_path, { "Qid path", "ninep.qid.path", FT_UINT64, BASE_HEX, NULL, 0, NULL, HFILL } },
		{ &ninep_hf.request_in, { "Request in", "ninep.request_in", FT_FRAMENUM, BASE_NONE,
					  FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0, "The request this reply answers",
					  HFILL } },
		{ &ninep_hf.response_in, { "Response in", "ninep.response_in", FT_FRAMENUM, BASE_NONE,
					   FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0, "The reply to this request", HFILL } },
		{ &ninep_hf.time, { "Response time", "ninep.time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0,
				    "Time from the request to this reply", HFILL } },
		{ &ninep_hf.path, { "Path", "ninep.path", FT_STRING, BASE_NONE, NULL, 0,
				    "The path of the fid the message names, from attach and walk", HFILL } },
		{ &ninep_hf.session, { "Session", "ninep.session", FT_UINT32, BASE_DEC, NULL, 0,
				       "9P2000.e session: the same on every connection that resumes it", HFILL } },
		{ &ninep_hf.session_key_frame, { "Session key established in", "ninep.session_key_frame",
						 FT_FRAMENUM, BASE_NONE, NULL, 0,
						 "The frame whose MUMBLE record established this session key",
						 HFILL } },
		{ &ninep_hf.flushes, { "Flushes request in", "ninep.flushes", FT_FRAMENUM, BASE_NONE, NULL, 0,
				       "The request this Tflush cancels", HFILL } },
		{ &ninep_hf.flushed_by, { "Flushed by", "ninep.flushed_by", FT_FRAMENUM, BASE_NONE, NULL, 0,
					  "The Tflush that cancels this request", HFILL } },
		{ &ninep_hf.tag_reused_by, { "Tag reused in", "ninep.tag_reused_by", FT_FRAMENUM, BASE_NONE, NULL, 0,
					     "A later request reusing this tag before its reply", HFILL } },
		{ &ninep_hf.not_9p, { "Data (not 9P)", "ninep.not_9p", FT_BYTES, BASE_NONE, NULL, 0,
				      "Bytes on a 9P connection that are not 9P messages", HFILL } },
		{ &ninep_hf.not_captured, { "Bytes not captured", "ninep.not_captured", FT_UINT32, BASE_DEC, NULL, 0,
					    "Bytes of this message the capture's snaplen cut", HFILL } },
		{ &ninep_hf.snap_part, { "Part of a message", "ninep.part", FT_NONE, BASE_NONE, NULL, 0,
					 "Bytes of a message shown in the frame that completes it", HFILL } },
		{ &ninep_hf.snap_lost, { "Framing lost", "ninep.framing_lost", FT_NONE, BASE_NONE, NULL, 0,
					 "Bytes after a message boundary whose size field was not captured",
					 HFILL } },
		{ &ninep_hf.tcp_hole, { "TCP bytes not seen before this segment", "ninep.tcp_hole", FT_UINT32,
					BASE_DEC, NULL, 0,
					"Bytes of the TCP stream before this segment that were not handed to 9P: "
					"lost from the capture, or out of order",
					HFILL } },
		{ &ninep_hf.retransmitted, { "Retransmitted bytes", "ninep.retransmitted", FT_NONE, BASE_NONE, NULL, 0,
					     "TCP bytes already dissected in an earlier frame", HFILL } },
		{ &ninep_hf.out_of_order, { "Out-of-order bytes", "ninep.out_of_order", FT_NONE, BASE_NONE, NULL, 0,
					    "TCP bytes that fill an earlier hole: their messages cannot be put together "
					    "without tcp.reassemble_out_of_order",
					    HFILL } },
		{ &ninep_hf.stat_entry, { "Stat entry", "ninep.stat_entry", FT_NONE, BASE_NONE, NULL, 0,
					  "One stat record of a directory read", HFILL } },
		{ &ninep_hf.dirent, { "Directory entry", "ninep.dirent", FT_NONE, BASE_NONE, NULL, 0,
				      "One entry of Rreaddir", HFILL } },
		{ &ninep_hf.mumble, { "MUMBLE record", "ninep.mumble", FT_NONE, BASE_NONE, NULL, 0,
				      "9P2000.e authentication record written on the auth fid", HFILL } },
		{ &ninep_hf.mumble_text, { "MUMBLE text", "ninep.mumble.text", FT_STRING, BASE_NONE, NULL, 0,
					   "The base64 text of the record", HFILL } },

		{ &hf_qt_dir, { "Directory", "ninep.qid.type.dir", FT_BOOLEAN, 8, NULL, NINEP_QTDIR, NULL, HFILL } },
		{ &hf_qt_append, { "Append only", "ninep.qid.type.append", FT_BOOLEAN, 8, NULL, NINEP_QTAPPEND, NULL,
				   HFILL } },
		{ &hf_qt_excl, { "Exclusive use", "ninep.qid.type.excl", FT_BOOLEAN, 8, NULL, NINEP_QTEXCL, NULL,
				 HFILL } },
		{ &hf_qt_mount, { "Mounted channel", "ninep.qid.type.mount", FT_BOOLEAN, 8, NULL, NINEP_QTMOUNT, NULL,
				  HFILL } },
		{ &hf_qt_auth, { "Authentication file", "ninep.qid.type.auth", FT_BOOLEAN, 8, NULL, NINEP_QTAUTH,
				 NULL, HFILL } },
		{ &hf_qt_tmp, { "Temporary file", "ninep.qid.type.tmp", FT_BOOLEAN, 8, NULL, NINEP_QTTMP, NULL,
				HFILL } },
		{ &hf_qt_symlink, { "Symbolic link", "ninep.qid.type.symlink", FT_BOOLEAN, 8, NULL, NINEP_QTSYMLINK,
				    NULL, HFILL } },

		{ &hf_om_access, { "Access", "ninep.open_mode.access", FT_UINT8, BASE_DEC, VALS(open_access_names),
				   NINEP_OMODE_MASK, NULL, HFILL } },
		{ &hf_om_trunc, { "OTRUNC", "ninep.open_mode.trunc", FT_BOOLEAN, 8, NULL, NINEP_OTRUNC, NULL,
				  HFILL } },
		{ &hf_om_rclose, { "ORCLOSE", "ninep.open_mode.rclose", FT_BOOLEAN, 8, NULL, NINEP_ORCLOSE, NULL,
				   HFILL } },

		{ &hf_dm_dir, { "DMDIR", "ninep.perm.dir", FT_BOOLEAN, 32, NULL, NINEP_DMDIR, NULL, HFILL } },
		{ &hf_dm_append, { "DMAPPEND", "ninep.perm.append", FT_BOOLEAN, 32, NULL, NINEP_DMAPPEND, NULL,
				   HFILL } },
		{ &hf_dm_excl, { "DMEXCL", "ninep.perm.excl", FT_BOOLEAN, 32, NULL, NINEP_DMEXCL, NULL, HFILL } },
		{ &hf_dm_mount, { "DMMOUNT", "ninep.perm.mount", FT_BOOLEAN, 32, NULL, NINEP_DMMOUNT, NULL, HFILL } },
		{ &hf_dm_auth, { "DMAUTH", "ninep.perm.auth", FT_BOOLEAN, 32, NULL, NINEP_DMAUTH, NULL, HFILL } },
		{ &hf_dm_tmp, { "DMTMP", "ninep.perm.tmp", FT_BOOLEAN, 32, NULL, NINEP_DMTMP, NULL, HFILL } },
		{ &hf_dm_symlink, { "DMSYMLINK (9P2000.u)", "ninep.perm.symlink", FT_BOOLEAN, 32, NULL,
				    NINEP_DMSYMLINK, NULL, HFILL } },
		{ &hf_dm_device, { "DMDEVICE (9P2000.u)", "ninep.perm.device", FT_BOOLEAN, 32, NULL, NINEP_DMDEVICE,
				   NULL, HFILL } },
		{ &hf_dm_namedpipe, { "DMNAMEDPIPE (9P2000.u)", "ninep.perm.namedpipe", FT_BOOLEAN, 32, NULL,
				      NINEP_DMNAMEDPIPE, NULL, HFILL } },
		{ &hf_dm_socket, { "DMSOCKET (9P2000.u)", "ninep.perm.socket", FT_BOOLEAN, 32, NULL, NINEP_DMSOCKET,
				   NULL, HFILL } },
		{ &hf_dm_setuid, { "DMSETUID (9P2000.u)", "ninep.perm.setuid", FT_BOOLEAN, 32, NULL, NINEP_DMSETUID,
				   NULL, HFILL } },
		{ &hf_dm_setgid, { "DMSETGID (9P2000.u)", "ninep.perm.setgid", FT_BOOLEAN, 32, NULL, NINEP_DMSETGID,
				   NULL, HFILL } },
		{ &hf_dm_rwx, { "Permission bits", "ninep.perm.rwx", FT_UINT32, BASE_OCT, NULL, 0777, NULL, HFILL } },

		/* No bitmask: Wireshark would shift the value right by 12, and the
		 * filter would need 4 for a directory instead of S_IFDIR. */
		{ &hf_pm_type, { "File type", "ninep.mode.type", FT_UINT32, BASE_OCT, VALS(posix_type_names), 0,
				 "The S_IFMT bits of the mode (mode & 0170000): 0040000 directory, 0100000 regular "
				 "file, ...", HFILL } },
		{ &hf_pm_suid, { "Set user id", "ninep.mode.suid", FT_BOOLEAN, 32, NULL, 04000, NULL, HFILL } },
		{ &hf_pm_sgid, { "Set group id", "ninep.mode.sgid", FT_BOOLEAN, 32, NULL, 02000, NULL, HFILL } },
		{ &hf_pm_svtx, { "Sticky", "ninep.mode.sticky", FT_BOOLEAN, 32, NULL, 01000, NULL, HFILL } },
		{ &hf_pm_rwx, { "Permission bits", "ninep.mode.rwx", FT_UINT32, BASE_OCT, NULL, 0777, NULL, HFILL } },

		/* 9P2000.L getattr mask bits (Linux include/net/9p/9p.h P9_GETATTR_*). */
		{ &hf_ga_mode, { "P9_GETATTR_MODE", "ninep.getattr.mode", FT_BOOLEAN, 64, NULL, 0x1, NULL, HFILL } },
		{ &hf_ga_nlink, { "P9_GETATTR_NLINK", "ninep.getattr.nlink", FT_BOOLEAN, 64, NULL, 0x2, NULL, HFILL } },
		{ &hf_ga_uid, { "P9_GETATTR_UID", "ninep.getattr.uid", FT_BOOLEAN, 64, NULL, 0x4, NULL, HFILL } },
		{ &hf_ga_gid, { "P9_GETATTR_GID", "ninep.getattr.gid", FT_BOOLEAN, 64, NULL, 0x8, NULL, HFILL } },
		{ &hf_ga_rdev, { "P9_GETATTR_RDEV", "ninep.getattr.rdev", FT_BOOLEAN, 64, NULL, 0x10, NULL, HFILL } },
		{ &hf_ga_atime, { "P9_GETATTR_ATIME", "ninep.getattr.atime", FT_BOOLEAN, 64, NULL, 0x20, NULL, HFILL } },
		{ &hf_ga_mtime, { "P9_GETATTR_MTIME", "ninep.getattr.mtime", FT_BOOLEAN, 64, NULL, 0x40, NULL, HFILL } },
		{ &hf_ga_ctime, { "P9_GETATTR_CTIME", "ninep.getattr.ctime", FT_BOOLEAN, 64, NULL, 0x80, NULL, HFILL } },
		{ &hf_ga_ino, { "P9_GETATTR_INO", "ninep.getattr.ino", FT_BOOLEAN, 64, NULL, 0x100, NULL, HFILL } },
		{ &hf_ga_size, { "P9_GETATTR_SIZE", "ninep.getattr.size", FT_BOOLEAN, 64, NULL, 0x200, NULL, HFILL } },
		{ &hf_ga_blocks, { "P9_GETATTR_BLOCKS", "ninep.getattr.blocks", FT_BOOLEAN, 64, NULL, 0x400, NULL,
				   HFILL } },
		{ &hf_ga_btime, { "P9_GETATTR_BTIME", "ninep.getattr.btime", FT_BOOLEAN, 64, NULL, 0x800, NULL, HFILL } },
		{ &hf_ga_gen, { "P9_GETATTR_GEN", "ninep.getattr.gen", FT_BOOLEAN, 64, NULL, 0x1000, NULL, HFILL } },
		{ &hf_ga_data_version, { "P9_GETATTR_DATA_VERSION", "ninep.getattr.data_version", FT_BOOLEAN, 64, NULL,
					 0x2000, NULL, HFILL } },
		/* 9P2000.L setattr valid bits (P9_SETATTR_*, from Linux's ATTR_*). */
		{ &hf_sa_mode, { "P9_SETATTR_MODE", "ninep.setattr.mode", FT_BOOLEAN, 32, NULL, 0x1, NULL, HFILL } },
		{ &hf_sa_uid, { "P9_SETATTR_UID", "ninep.setattr.uid", FT_BOOLEAN, 32, NULL, 0x2, NULL, HFILL } },
		{ &hf_sa_gid, { "P9_SETATTR_GID", "ninep.setattr.gid", FT_BOOLEAN, 32, NULL, 0x4, NULL, HFILL } },
		{ &hf_sa_size, { "P9_SETATTR_SIZE", "ninep.setattr.size", FT_BOOLEAN, 32, NULL, 0x8, NULL, HFILL } },
		{ &hf_sa_atime, { "P9_SETATTR_ATIME", "ninep.setattr.atime", FT_BOOLEAN, 32, NULL, 0x10, NULL, HFILL } },
		{ &hf_sa_mtime, { "P9_SETATTR_MTIME", "ninep.setattr.mtime", FT_BOOLEAN, 32, NULL, 0x20, NULL, HFILL } },
		{ &hf_sa_ctime, { "P9_SETATTR_CTIME", "ninep.setattr.ctime", FT_BOOLEAN, 32, NULL, 0x40, NULL, HFILL } },
		{ &hf_sa_atime_set, { "P9_SETATTR_ATIME_SET", "ninep.setattr.atime_set", FT_BOOLEAN, 32, NULL, 0x80,
				      NULL, HFILL } },
		{ &hf_sa_mtime_set, { "P9_SETATTR_MTIME_SET", "ninep.setattr.mtime_set", FT_BOOLEAN, 32, NULL, 0x100,
				      NULL, HFILL } },

		/* Linux generic open(2) flag values, which 9P2000.L uses on the wire. */
		{ &hf_of_access, { "Access", "ninep.open_flags.access", FT_UINT32, BASE_DEC, VALS(lopen_access_names),
				   03, NULL, HFILL } },
		{ &hf_of_creat, { "O_CREAT", "ninep.open_flags.creat", FT_BOOLEAN, 32, NULL, 0100, NULL, HFILL } },
		{ &hf_of_excl, { "O_EXCL", "ninep.open_flags.excl", FT_BOOLEAN, 32, NULL, 0200, NULL, HFILL } },
		{ &hf_of_noctty, { "O_NOCTTY", "ninep.open_flags.noctty", FT_BOOLEAN, 32, NULL, 0400, NULL, HFILL } },
		{ &hf_of_trunc, { "O_TRUNC", "ninep.open_flags.trunc", FT_BOOLEAN, 32, NULL, 01000, NULL, HFILL } },
		{ &hf_of_append, { "O_APPEND", "ninep.open_flags.append", FT_BOOLEAN, 32, NULL, 02000, NULL, HFILL } },
		{ &hf_of_nonblock, { "O_NONBLOCK", "ninep.open_flags.nonblock", FT_BOOLEAN, 32, NULL, 04000, NULL,
				     HFILL } },
		{ &hf_of_dsync, { "O_DSYNC", "ninep.open_flags.dsync", FT_BOOLEAN, 32, NULL, 010000, NULL, HFILL } },
		{ &hf_of_fasync, { "FASYNC", "ninep.open_flags.fasync", FT_BOOLEAN, 32, NULL, 020000, NULL, HFILL } },
		{ &hf_of_direct, { "O_DIRECT", "ninep.open_flags.direct", FT_BOOLEAN, 32, NULL, 040000, NULL, HFILL } },
		{ &hf_of_largefile, { "O_LARGEFILE", "ninep.open_flags.largefile", FT_BOOLEAN, 32, NULL, 0100000,
				      NULL, HFILL } },
		{ &hf_of_directory, { "O_DIRECTORY", "ninep.open_flags.directory", FT_BOOLEAN, 32, NULL, 0200000,
				      NULL, HFILL } },
		{ &hf_of_nofollow, { "O_NOFOLLOW", "ninep.open_flags.nofollow", FT_BOOLEAN, 32, NULL, 0400000, NULL,
				     HFILL } },
		{ &hf_of_noatime, { "O_NOATIME", "ninep.open_flags.noatime", FT_BOOLEAN, 32, NULL, 01000000, NULL,
				    HFILL } },
		{ &hf_of_cloexec, { "O_CLOEXEC", "ninep.open_flags.cloexec", FT_BOOLEAN, 32, NULL, 02000000, NULL,
				    HFILL } },
		{ &hf_of_sync, { "O_SYNC", "ninep.open_flags.sync", FT_BOOLEAN, 32, NULL, 04000000, NULL, HFILL } },
	};
	static gint *ett[] = { &ninep_ett.message, &ninep_ett.qid, &ninep_ett.bits, &ninep_ett.stat,
			       &ninep_ett.dirent, &ninep_ett.mumble, &ninep_ett.data };

	register_description_fields();
	proto_register_field_array(proto_ninep, hf, G_N_ELEMENTS(hf));
	proto_register_subtree_array(ett, G_N_ELEMENTS(ett));
}

static proto_item *add_qid(proto_tree *tree, int hf, tvbuff_t *tvb, uint32_t offset)
{
	guint8 type = tvb_get_guint8(tvb, offset);
	guint32 version = tvb_get_letohl(tvb, offset + 1);
	guint64 path = tvb_get_letoh64(tvb, offset + 5);
	proto_item *item = proto_tree_add_item(tree, hf, tvb, offset, NINEP_QIDSZ, ENC_NA);
	proto_item_append_text(item, ": type 0x%02x%s, version %u, path 0x%" G_GINT64_MODIFIER "x", type,
			       (type & NINEP_QTDIR) ? " (DIR)" : "", version, path);
	proto_tree *sub = proto_item_add_subtree(item, ninep_ett.qid);
	proto_tree_add_bitmask(sub, tvb, offset, ninep_hf.qid_type, ninep_ett.bits, qid_type_bits, ENC_NA);
	proto_tree_add_item(sub, ninep_hf.qid_version, tvb, offset + 1, NINEP_BIT32SZ, ENC_LITTLE_ENDIAN);
	proto_tree_add_item(sub, ninep_hf.qid_path, tvb, offset + 5, NINEP_BIT64SZ, ENC_LITTLE_ENDIAN);
	return item;
}

/* A POSIX st_mode: the file type (its S_IFMT bits, unshifted), then the
 * set-id, sticky and permission bits. */
static proto_item *add_posix_mode(proto_tree *tree, int hf, tvbuff_t *tvb, uint32_t offset)
{
	guint32 mode = tvb_get_letohl(tvb, offset);
	guint32 type = mode & POSIX_S_IFMT;
	proto_item *item = proto_tree_add_item(tree, hf, tvb, offset, NINEP_BIT32SZ, ENC_LITTLE_ENDIAN);
	proto_item_append_text(item, ", File type: %s", val_to_str_const(type, posix_type_names, "Unknown"));
	proto_tree *sub = proto_item_add_subtree(item, ninep_ett.bits);
	proto_tree_add_uint(sub, hf_pm_type, tvb, offset, NINEP_BIT32SZ, type);
	proto_tree_add_bitmask_list(sub, tvb, offset, NINEP_BIT32SZ, posix_mode_bits, ENC_LITTLE_ENDIAN);
	return item;
}

proto_item *ninep_add_item(proto_tree *tree, tvbuff_t *tvb, const struct ninep_item *item, unsigned dialects)
{
	if (tree == NULL)
		return NULL;
	size_t row = row_of(item->field);
	int hf = hf_row[row];
	switch (item->field->shown_as) {
	case NINEP_SHOW_STRING:
		/* FT_UINT_STRING: the length given is that of the len[2] prefix. */
		return proto_tree_add_item(tree, hf, tvb, item->offset, NINEP_BIT16SZ, ENC_LITTLE_ENDIAN | ENC_UTF_8);
	case NINEP_SHOW_BYTES:
		if (item->length == 0) /* not "<MISSING>": the wire says zero bytes */
			return proto_tree_add_bytes_format_value(tree, hf, tvb, item->offset, 0, NULL, "(empty)");
		return proto_tree_add_item(tree, hf, tvb, item->offset, item->length, ENC_NA);
	case NINEP_SHOW_QID:
		return add_qid(tree, hf, tvb, item->offset);
	case NINEP_SHOW_OPEN_MODE:
		return proto_tree_add_bitmask(tree, tvb, item->offset, hf, ninep_ett.bits, open_mode_bits, ENC_NA);
	case NINEP_SHOW_PERM:
		return proto_tree_add_bitmask(tree, tvb, item->offset, hf, ninep_ett.bits,
					      (dialects & NINEP_DIALECT_U) ? perm_bits : perm_bits_9p2000,
					      ENC_LITTLE_ENDIAN);
	case NINEP_SHOW_POSIX_MODE:
		return add_posix_mode(tree, hf, tvb, item->offset);
	case NINEP_SHOW_OPEN_FLAGS:
		return proto_tree_add_bitmask(tree, tvb, item->offset, hf, ninep_ett.bits, open_flags_bits,
					      ENC_LITTLE_ENDIAN);
	case NINEP_SHOW_ATTR_MASK: {
		/* Tsetattr's valid[4] has the P9_SETATTR_* bits; request_mask[8]
		 * and Rgetattr's valid[8] the P9_GETATTR_* bits.  (Wireshark 4.0's
		 * proto_tree_add_bitmask_len takes no 64-bit field: the bits go
		 * under the value.) */
		proto_item *mask = proto_tree_add_uint64(tree, hf, tvb, item->offset, item->length, item->value);
		proto_tree *sub = proto_item_add_subtree(mask, ninep_ett.bits);
		proto_tree_add_bitmask_list(sub, tvb, item->offset, (int)item->length,
					    strcmp(item->field->key, "Tsetattr.valid") == 0 ? setattr_bits : getattr_bits,
					    ENC_LITTLE_ENDIAN);
		return mask;
	}
	case NINEP_SHOW_UNIXTIME: {
		nstime_t when = { (time_t)item->value, 0 };
		return proto_tree_add_time(tree, hf, tvb, item->offset, item->length, &when);
	}
	case NINEP_SHOW_DEC:
	case NINEP_SHOW_HEX:
	case NINEP_SHOW_FID:
	case NINEP_SHOW_TAG:
	case NINEP_SHOW_ERRNO:
	case NINEP_SHOW_SESSION_KEY:
	case NINEP_SHOW_LOCK_TYPE:
	case NINEP_SHOW_LOCK_STATUS:
	case NINEP_SHOW_DIRENT_TYPE:
		break;
	}
	if (row_width[row] == NINEP_BIT64SZ || item->field->shown_as == NINEP_SHOW_SESSION_KEY)
		return proto_tree_add_uint64(tree, hf, tvb, item->offset, item->length, item->value);
	return proto_tree_add_uint(tree, hf, tvb, item->offset, item->length, (guint32)item->value);
}

/* A "don't touch" value of a Twstat (ninep_is_dont_touch): shown as that,
 * never as the qid bits, permission bits, date or size its ones would
 * spell; the field keeps its value on the wire for filters. */
proto_item *ninep_add_dont_touch(proto_tree *tree, tvbuff_t *tvb, const struct ninep_item *item)
{
	if (tree == NULL)
		return NULL;
	int hf = hf_row[row_of(item->field)];
	proto_item *pi;
	switch (item->field->shown_as) {
	case NINEP_SHOW_STRING:
		return proto_tree_add_string_format_value(tree, hf, tvb, item->offset, NINEP_BIT16SZ, "",
							  "don't touch (empty)");
	case NINEP_SHOW_QID:
		pi = proto_tree_add_item(tree, hf, tvb, item->offset, NINEP_QIDSZ, ENC_NA);
		proto_item_append_text(pi, ": don't touch (all ones)");
		return pi;
	case NINEP_SHOW_UNIXTIME: {
		nstime_t when = { (time_t)item->value, 0 };
		return proto_tree_add_time_format_value(tree, hf, tvb, item->offset, item->length, &when,
							"don't touch (0x%08" G_GINT64_MODIFIER "x)", item->value);
	}
	default:
		break;
	}
	int digits = 2 * (int)item->length;
	if (row_width[row_of(item->field)] == NINEP_BIT64SZ)
		return proto_tree_add_uint64_format_value(tree, hf, tvb, item->offset, item->length, item->value,
							  "don't touch (0x%0*" G_GINT64_MODIFIER "x)", digits,
							  item->value);
	return proto_tree_add_uint_format_value(tree, hf, tvb, item->offset, item->length, (guint32)item->value,
						"don't touch (0x%0*x)", digits, (guint32)item->value);
}
