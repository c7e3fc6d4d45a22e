/*
 * First-pass analysis of each 9P connection: which side is the client, the
 * dialect and msize, which reply answers which request, what path each fid
 * names, and which 9P2000.e session a connection belongs to.
 *
 * Everything here runs only while a frame is dissected for the first time
 * (!PINFO_FD_VISITED).  Its results go into a struct ninep_msginfo per
 * message, kept in wmem_file_scope and attached to the frame, so every later
 * pass (tshark -2, the GUI re-dissecting a packet) shows the same thing
 * without touching the state again.  A request learns its reply when the
 * reply is analysed: the same struct is shared, so later passes see the
 * link both ways.
 */
#include "ninep-plugin.h"

#include <epan/conversation.h>
#include <epan/address.h>
#include <epan/to_str.h>

#include <string.h>

/* Framing ceiling when no Rversion has told the msize. */
enum { UNKNOWN_MSIZE_CEILING = NINEP_FRAME_CEILING };

struct ninep_fid {
	const char *path; /* NULL when not known */
	uint8_t qid_type;
	bool is_auth;
};

/* The fids of one session.  In 9P2000.e several connections can share one
 * (Tsession resumes it); elsewhere it is the connection's own. */
struct ninep_session {
	uint32_t id;
	wmem_map_t *fids; /* fid -> struct ninep_fid */
	uint32_t key_frame;
};

struct ninep_conv {
	address client_addr;
	uint32_t client_port;
	bool has_client;
	const char *label;

	unsigned dialect;  /* from Rversion; 0: not known */
	unsigned proposed; /* from Tversion, until the reply decides */
	unsigned guess;    /* dialects still possible when guessing */
	bool guess_noted;
	bool fids_known;   /* the handshake was seen: every live fid is known */

	wmem_tree_t *msize_by_frame; /* frame of Rversion -> msize */
	wmem_map_t *outstanding; /* tag -> struct ninep_msginfo of the request */
	struct ninep_session *session;
};

/* Created once at registration; their contents reset with each file. */
static wmem_map_t *sessions_by_id;  /* id -> struct ninep_session */
static wmem_map_t *sessions_by_key; /* uint64 key -> struct ninep_session */

void ninep_register_tracking(void)
{
	sessions_by_id = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash, g_direct_equal);
	sessions_by_key =
		wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), wmem_int64_hash, g_int64_equal);
}

static struct ninep_session *new_session(void)
{
	struct ninep_session *session = wmem_new0(wmem_file_scope(), struct ninep_session);
	session->id = wmem_map_size(sessions_by_id) + 1;
	session->fids = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
	wmem_map_insert(sessions_by_id, GUINT_TO_POINTER(session->id), session);
	return session;
}

static struct ninep_session *conv_session(struct ninep_conv *conv)
{
	if (conv->session == NULL)
		conv->session = new_session();
	return conv->session;
}

struct ninep_conv *ninep_conv_get(packet_info *pinfo, bool create)
{
	conversation_t *conversation = create ? find_or_create_conversation(pinfo) : find_conversation_pinfo(pinfo, 0);
	if (conversation == NULL)
		return NULL;
	struct ninep_conv *conv = conversation_get_proto_data(conversation, proto_ninep);
	if (conv == NULL && create) {
		conv = wmem_new0(wmem_file_scope(), struct ninep_conv);
		conv->guess = NINEP_DIALECT_ANY;
		conv->msize_by_frame = wmem_tree_new(wmem_file_scope());
		conv->outstanding = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
		conversation_add_proto_data(conversation, proto_ninep, conv);
	}
	return conv;
}

bool ninep_conv_has_client(const struct ninep_conv *conv)
{
	return conv->has_client;
}

void ninep_conv_set_client(struct ninep_conv *conv, const packet_info *pinfo, bool sender_is_client)
{
	const address *client = sender_is_client ? &pinfo->src : &pinfo->dst;
	const address *server = sender_is_client ? &pinfo->dst : &pinfo->src;
	uint32_t client_port = sender_is_client ? pinfo->srcport : pinfo->destport;
	uint32_t server_port = sender_is_client ? pinfo->destport : pinfo->srcport;
	copy_address_wmem(wmem_file_scope(), &conv->client_addr, client);
	conv->client_port = client_port;
	conv->has_client = true;
	conv->label = wmem_strdup_printf(wmem_file_scope(), "%s:%u <-> %s:%u",
					 address_to_str(wmem_file_scope(), client), client_port,
					 address_to_str(wmem_file_scope(), server), server_port);
}

int ninep_conv_direction(const struct ninep_conv *conv, const packet_info *pinfo)
{
	if (pinfo->srcport == conv->client_port && addresses_equal(&pinfo->src, &conv->client_addr))
		return NINEP_DIR_C2S;
	return NINEP_DIR_S2C;
}

const char *ninep_conv_label(const struct ninep_conv *conv)
{
	return conv->label;
}

uint32_t ninep_conv_max_size(const struct ninep_conv *conv, uint32_t frame)
{
	/* Looked up by frame so that every pass frames a message with the msize
	 * that was in force when it was sent. */
	void *msize = wmem_tree_lookup32_le(conv->msize_by_frame, frame);
	uint32_t max = msize != NULL ? GPOINTER_TO_UINT(msize) : UNKNOWN_MSIZE_CEILING;
	/* A peer may agree to 4 GiB: never have TCP reassemble more than this. */
	return max < NINEP_FRAME_CEILING ? max : NINEP_FRAME_CEILING;
}

unsigned ninep_conv_dialect(const struct ninep_conv *conv, bool *guessed)
{
	*guessed = false;
	if (conv->dialect != 0)
		return conv->dialect;
	if (conv->proposed != 0)
		return conv->proposed;
	if (ninep_pref_dialect() != 0)
		return ninep_pref_dialect();
	*guessed = true;
	return conv->guess;
}

/* ---- paths ---------------------------------------------------------------- */

/*
 * Paths are built in a bounded buffer and copied into file scope once per
 * message, and only when they changed: a fid walked from itself 16 names at
 * a time, thousands of times, must neither grow a path without end nor
 * leave a copy of every intermediate path behind.  A path longer than
 * NINEP_PATH_MAX is cut there and ends in NINEP_PATH_TRUNCATED (protocol.h),
 * so it is truncated exactly when it is longer than NINEP_PATH_MAX; names
 * walked below a truncated path leave it as it is.
 */
struct path_buf {
	char text[NINEP_PATH_MAX + sizeof NINEP_PATH_TRUNCATED];
	size_t len;
	bool changed;
};

static bool path_is_truncated(const struct path_buf *p)
{
	return p->len > NINEP_PATH_MAX;
}

static void path_start(struct path_buf *p, const char *base)
{
	size_t n = strlen(base);
	if (n > NINEP_PATH_MAX + sizeof NINEP_PATH_TRUNCATED - 1)
		n = NINEP_PATH_MAX + sizeof NINEP_PATH_TRUNCATED - 1; /* cannot happen: every path is built here */
	memcpy(p->text, base, n);
	p->text[n] = '\0';
	p->len = n;
	p->changed = false;
}

static void path_append(struct path_buf *p, const char *bytes, size_t len)
{
	if (path_is_truncated(p))
		return;
	size_t room = NINEP_PATH_MAX - p->len;
	if (len <= room) {
		memcpy(p->text + p->len, bytes, len);
		p->len += len;
	} else {
		memcpy(p->text + p->len, bytes, room);
		memcpy(p->text + NINEP_PATH_MAX, NINEP_PATH_TRUNCATED, sizeof NINEP_PATH_TRUNCATED);
		p->len = NINEP_PATH_MAX + sizeof NINEP_PATH_TRUNCATED - 1;
	}
	p->text[p->len] = '\0';
	p->changed = true;
}

static void path_join(struct path_buf *p, const uint8_t *name, size_t len)
{
	if (path_is_truncated(p) || len == 0 || (len == 1 && name[0] == '.'))
		return;
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		const char *slash = strrchr(p->text, '/');
		p->len = slash == NULL || slash == p->text ? 1 : (size_t)(slash - p->text);
		if (p->len == 1)
			p->text[0] = '/';
		p->text[p->len] = '\0';
		p->changed = true;
		return;
	}
	if (p->len != 1 || p->text[0] != '/')
		path_append(p, "/", 1);
	path_append(p, (const char *)name, len);
}

/* The path in file scope: `base` itself when nothing changed. */
static const char *path_finish(const struct path_buf *p, const char *base)
{
	return p->changed ? wmem_strndup(wmem_file_scope(), p->text, p->len) : base;
}

static const char *join_path(const char *base, const uint8_t *name, size_t len)
{
	if (base == NULL)
		return NULL;
	struct path_buf p;
	path_start(&p, base);
	path_join(&p, name, len);
	return path_finish(&p, base);
}

/* The attach name as a path: "" is the server's root. */
static const char *attach_path(const uint8_t *bytes, const struct ninep_item *aname)
{
	if (aname == NULL || aname->value == 0)
		return "/";
	const uint8_t *s = ninep_item_bytes(bytes, aname);
	if (s[0] != '/')
		return join_path("/", s, (size_t)aname->value);
	struct path_buf p;
	path_start(&p, "");
	path_append(&p, (const char *)s, (size_t)aname->value);
	return path_finish(&p, "");
}

/* The path reached from `base` through every item named `filter`. */
static const char *walk_path(const char *base, const uint8_t *bytes, const struct ninep_msg *msg,
			     const char *filter)
{
	if (base == NULL)
		return NULL;
	struct path_buf p;
	path_start(&p, base);
	for (unsigned i = 0; i < msg->n_items; i++) {
		const struct ninep_item *it = &msg->items[i];
		if (it->depth == 0 && strcmp(it->field->filter, filter) == 0)
			path_join(&p, ninep_item_bytes(bytes, it), (size_t)it->value);
	}
	return path_finish(&p, base);
}

static struct ninep_fid *fid_lookup(struct ninep_conv *conv, uint32_t fid)
{
	if (fid == NINEP_NOFID)
		return NULL;
	return wmem_map_lookup(conv_session(conv)->fids, GUINT_TO_POINTER(fid));
}

static const char *fid_path(struct ninep_conv *conv, uint32_t fid)
{
	struct ninep_fid *f = fid_lookup(conv, fid);
	return f != NULL ? f->path : NULL;
}

static void fid_set(struct ninep_conv *conv, uint32_t fid, const char *path, uint8_t qid_type, bool is_auth)
{
	if (fid == NINEP_NOFID)
		return;
	struct ninep_fid *f = wmem_new0(wmem_file_scope(), struct ninep_fid);
	f->path = path;
	f->qid_type = qid_type;
	f->is_auth = is_auth;
	wmem_map_insert(conv_session(conv)->fids, GUINT_TO_POINTER(fid), f);
}

/* The type byte of the last item named `filter` (a qid), or `absent`. */
static uint8_t last_qid_type(const uint8_t *bytes, const struct ninep_msg *msg, const char *filter, uint8_t absent)
{
	uint8_t type = absent;
	for (unsigned i = 0; i < msg->n_items; i++)
		if (msg->items[i].depth == 0 && strcmp(msg->items[i].field->filter, filter) == 0)
			type = bytes[msg->items[i].offset];
	return type;
}

/* ---- requests ------------------------------------------------------------- */

/* Fids a request names that must already exist. */
static const char *const existing_fid_fields[] = { "fid", "dfid", "dirfd", "olddirfid", "newdirfid", "afid" };

static void check_fids(struct ninep_conv *conv, struct ninep_msginfo *info, const struct ninep_msg *msg)
{
	bool new_fid_is_fid = msg->type == NINEP_Tattach;
	bool new_fid_is_afid = msg->type == NINEP_Tauth;
	for (size_t i = 0; i < G_N_ELEMENTS(existing_fid_fields); i++) {
		const char *filter = existing_fid_fields[i];
		if ((new_fid_is_fid && strcmp(filter, "fid") == 0) || (new_fid_is_afid && strcmp(filter, "afid") == 0))
			continue;
		const struct ninep_item *it = ninep_find(msg, filter);
		if (it == NULL || it->value == NINEP_NOFID)
			continue;
		if (conv->fids_known && fid_lookup(conv, (uint32_t)it->value) == NULL &&
		    info->fid_unknown == NINEP_NOFID)
			info->fid_unknown = (uint32_t)it->value;
	}
	uint32_t created = NINEP_NOFID;
	if (new_fid_is_fid)
		created = info->fid;
	else if (new_fid_is_afid)
		created = (uint32_t)ninep_find_uint(msg, "afid", NINEP_NOFID);
	else if ((msg->type == NINEP_Twalk || msg->type == NINEP_Txattrwalk) && info->newfid != info->fid)
		created = info->newfid;
	if (created != NINEP_NOFID && conv->fids_known && fid_lookup(conv, created) != NULL)
		info->fid_reused = created;
}

static void track_request(struct ninep_conv *conv, struct ninep_msginfo *info, const uint8_t *bytes,
			  const struct ninep_msg *msg, bool complete)
{
	if (msg->type == NINEP_Tversion) {
		/* Tversion resets the connection: fids and outstanding tags go. */
		const struct ninep_item *version = ninep_find(msg, "version");
		if (version != NULL)
			conv->proposed = ninep_dialect_from_version((const char *)ninep_item_bytes(bytes, version),
								    (size_t)version->value);
		conv->outstanding = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
		conv->session = NULL;
		conv->fids_known = true;
	}

	struct ninep_msginfo *earlier = wmem_map_lookup(conv->outstanding, GUINT_TO_POINTER(msg->tag));
	if (earlier != NULL && earlier->response == NULL) {
		earlier->tag_reused_by = info->frame;
		info->reuses_tag_of = earlier->frame;
	}
	wmem_map_insert(conv->outstanding, GUINT_TO_POINTER(msg->tag), info);

	if (msg->type == NINEP_Tflush) {
		uint16_t oldtag = (uint16_t)ninep_find_uint(msg, "oldtag", NINEP_NOTAG);
		struct ninep_msginfo *target = wmem_map_lookup(conv->outstanding, GUINT_TO_POINTER(oldtag));
		if (target != NULL && target != info && target->response == NULL) {
			info->flushes = target->frame;
			info->flush_target = target;
			target->flushed_by = info->frame;
		}
	}

	if (msg->type == NINEP_Tversion || !complete)
		return;
	if (msg->type == NINEP_Tsession) {
		const struct ninep_item *key = ninep_find(msg, "session_key");
		if (key != NULL) {
			info->key = key->value;
			info->has_key = true;
			struct ninep_session *known = wmem_map_lookup(sessions_by_key, &info->key);
			if (known != NULL)
				info->key_frame = known->key_frame;
		}
		return;
	}

	info->fid = (uint32_t)ninep_find_uint(msg, "fid", NINEP_NOFID);
	info->newfid = (uint32_t)ninep_find_uint(msg, "newfid", NINEP_NOFID);
	info->dfid = (uint32_t)ninep_find_uint(msg, "dfid", NINEP_NOFID);
	info->nwname = (uint16_t)ninep_find_uint(msg, "nwname", 0);
	check_fids(conv, info, msg);

	const struct ninep_item *name = ninep_find(msg, "name");
	const char *base = fid_path(conv, info->fid);
	switch (msg->type) {
	case NINEP_Tattach:
		info->new_path = attach_path(bytes, ninep_find(msg, "aname"));
		info->path = info->new_path;
		break;
	case NINEP_Tauth:
		info->fid = (uint32_t)ninep_find_uint(msg, "afid", NINEP_NOFID);
		info->new_path = "(auth)";
		info->path = info->new_path;
		break;
	case NINEP_Twalk:
		info->new_path = walk_path(base, bytes, msg, "wname");
		info->path = info->new_path;
		break;
	case NINEP_Tsread:
	case NINEP_Tswrite:
		info->path = walk_path(base, bytes, msg, "wname");
		break;
	case NINEP_Tcreate:
	case NINEP_Tlcreate:
		if (name != NULL)
			info->new_path = join_path(base, ninep_item_bytes(bytes, name), (size_t)name->value);
		info->path = info->new_path;
		break;
	case NINEP_Trename:
		if (name != NULL)
			info->new_path = join_path(fid_path(conv, info->dfid), ninep_item_bytes(bytes, name),
						   (size_t)name->value);
		info->path = base;
		break;
	case NINEP_Tclunk:
	case NINEP_Tremove:
		/* The fid ends with the request, whatever the reply says. */
		info->path = base;
		if (info->fid != NINEP_NOFID)
			wmem_map_remove(conv_session(conv)->fids, GUINT_TO_POINTER(info->fid));
		break;
	default: {
		if (base == NULL && info->fid == NINEP_NOFID) {
			/* Messages naming only a directory fid. */
			static const char *const dir_fields[] = { "dfid", "dirfd", "olddirfid" };
			for (size_t i = 0; i < G_N_ELEMENTS(dir_fields) && base == NULL; i++)
				base = fid_path(conv, (uint32_t)ninep_find_uint(msg, dir_fields[i], NINEP_NOFID));
		}
		info->path = base;
		struct ninep_fid *f = fid_lookup(conv, info->fid);
		if (f != NULL && msg->type == NINEP_Tread && (f->qid_type & NINEP_QTDIR))
			info->dir_read = true;
		if (f != NULL && msg->type == NINEP_Twrite && f->is_auth)
			info->auth_write = true;
		break;
	}
	}
}

/* ---- replies -------------------------------------------------------------- */

static void commit_reply(struct ninep_conv *conv, struct ninep_msginfo *req, struct ninep_msginfo *info,
			 const uint8_t *bytes, const struct ninep_msg *msg)
{
	switch (msg->type) {
	case NINEP_Rversion: {
		const struct ninep_item *version = ninep_find(msg, "version");
		unsigned dialect = 0;
		if (version != NULL)
			dialect = ninep_dialect_from_version((const char *)ninep_item_bytes(bytes, version),
							     (size_t)version->value);
		conv->dialect = dialect;
		conv->proposed = 0;
		uint32_t msize = (uint32_t)ninep_find_uint(msg, "msize", 0);
		if (msize >= NINEP_HDRSZ)
			wmem_tree_insert32(conv->msize_by_frame, info->frame, GUINT_TO_POINTER(msize));
		break;
	}
	case NINEP_Rattach:
		fid_set(conv, req->fid, req->new_path, last_qid_type(bytes, msg, "qid", 0), false);
		break;
	case NINEP_Rauth:
		fid_set(conv, req->fid, req->new_path, last_qid_type(bytes, msg, "aqid", NINEP_QTAUTH), true);
		break;
	case NINEP_Rwalk: {
		/* Only a complete walk creates newfid. */
		if (ninep_find_uint(msg, "nwqid", 0) != req->nwname)
			break;
		struct ninep_fid *from = fid_lookup(conv, req->fid);
		uint8_t type = last_qid_type(bytes, msg, "wqid", from != NULL ? from->qid_type : 0);
		fid_set(conv, req->newfid, req->new_path, type, from != NULL && from->is_auth && req->nwname == 0);
		break;
	}
	case NINEP_Ropen:
	case NINEP_Rlopen: {
		struct ninep_fid *f = fid_lookup(conv, req->fid);
		if (f != NULL)
			f->qid_type = last_qid_type(bytes, msg, "qid", f->qid_type);
		break;
	}
	case NINEP_Rcreate:
	case NINEP_Rlcreate:
		/* The fid now stands for the file it created. */
		fid_set(conv, req->fid, req->new_path, last_qid_type(bytes, msg, "qid", 0), false);
		break;
	case NINEP_Rxattrwalk:
		fid_set(conv, req->newfid, fid_path(conv, req->fid), 0, false);
		break;
	case NINEP_Rrename: {
		struct ninep_fid *f = fid_lookup(conv, req->fid);
		if (f != NULL)
			f->path = req->new_path;
		break;
	}
	case NINEP_Rsession: {
		struct ninep_session *known = req->has_key ? wmem_map_lookup(sessions_by_key, &req->key) : NULL;
		if (known != NULL) {
			conv->session = known;
			conv->fids_known = true;
		} else {
			/* Resumed a session established outside the capture: its
			 * fids are unknown. */
			conv->session = new_session();
			conv->fids_known = false;
		}
		break;
	}
	case NINEP_Rflush: {
		struct ninep_msginfo *target = req->flush_target;
		if (target != NULL && wmem_map_lookup(conv->outstanding, GUINT_TO_POINTER(target->tag)) == target)
			wmem_map_remove(conv->outstanding, GUINT_TO_POINTER(target->tag));
		break;
	}
	default:
		break;
	}
}

static void track_reply(struct ninep_conv *conv, struct ninep_msginfo *info, const uint8_t *bytes,
			const struct ninep_msg *msg, bool complete)
{
	struct ninep_msginfo *req = wmem_map_lookup(conv->outstanding, GUINT_TO_POINTER(msg->tag));
	if (req == NULL || req->response != NULL) {
		info->reply_unmatched = true;
		return;
	}
	wmem_map_remove(conv->outstanding, GUINT_TO_POINTER(msg->tag));
	info->request = req;
	req->response = info;
	info->path = req->path;

	bool error = msg->type == NINEP_Rerror || msg->type == NINEP_Rlerror;
	if (!complete) {
		/* A reply that does not decode commits nothing. */
	} else if (!error) {
		commit_reply(conv, req, info, bytes, msg);
	} else if (req->type == NINEP_Tsession) {
		req->session_rejected = true;
		info->session_rejected = true;
		conv->session = new_session();
		conv->fids_known = true;
	} else if (req->type == NINEP_Tversion) {
		conv->proposed = 0;
	}
	if (req->type == NINEP_Tsession && conv->session != NULL)
		req->session = conv->session->id;
}

struct ninep_msginfo *ninep_track(struct ninep_conv *conv, packet_info *pinfo, const uint8_t *bytes,
				  const struct ninep_msg *msg, unsigned dialect, bool guessed, bool complete)
{
	struct ninep_msginfo *info = wmem_new0(wmem_file_scope(), struct ninep_msginfo);
	info->type = msg->type;
	info->tag = msg->tag;
	info->decode_dialects = dialect;
	info->dialect = dialect;
	info->dialect_guessed = guessed;
	info->frame = pinfo->num;
	info->time = pinfo->abs_ts;
	info->fid = info->newfid = info->dfid = NINEP_NOFID;
	info->fid_unknown = info->fid_reused = NINEP_NOFID;

	/* Tversion names its own dialect: no guess about it. */
	if (msg->type == NINEP_Tversion) {
		guessed = false;
		info->dialect_guessed = false;
	}
	if (guessed) {
		/* Narrow the guess by what this message could belong to. */
		unsigned possible = ninep_message_dialects(msg->type);
		if (msg->layout != NULL)
			possible &= msg->layout->dialects;
		if ((conv->guess & possible) != 0)
			conv->guess &= possible;
		info->dialect = conv->guess;
		if (!conv->guess_noted) {
			conv->guess_noted = true;
			info->guess_note = true;
		}
	}

	if (ninep_is_request(msg->type))
		track_request(conv, info, bytes, msg, complete);
	else
		track_reply(conv, info, bytes, msg, complete);
	if (msg->type == NINEP_Tversion && conv->proposed != 0)
		info->dialect = conv->proposed;

	/* The session a 9P2000.e message belongs to; the handshake that comes
	 * before a session is settled shows none. */
	bool is_e = (info->dialect == NINEP_DIALECT_E) || conv->dialect == NINEP_DIALECT_E;
	bool settles_later = msg->type == NINEP_Tversion || msg->type == NINEP_Rversion || msg->type == NINEP_Tsession;
	if (is_e && !settles_later)
		info->session = conv_session(conv)->id;
	return info;
}

void ninep_track_session_key(struct ninep_conv *conv, packet_info *pinfo, uint64_t key)
{
	struct ninep_session *session = conv_session(conv);
	session->key_frame = pinfo->num;
	uint64_t *stored = wmem_new(wmem_file_scope(), uint64_t);
	*stored = key;
	wmem_map_insert(sessions_by_key, stored, session);
}
