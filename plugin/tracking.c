/*
 * First-pass analysis of each 9P connection, by the shared engine
 * (ninep/engine.h): which reply answers which request, what path each fid
 * names, the dialect and msize, and which 9P2000.e session a connection
 * belongs to.  Every rule is the engine's; this file keeps what it says
 * where Wireshark needs it.
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

#include <ninep/engine.h>
#include <ninep/files.h>

#include <string.h>

struct conv_state {
	address client_addr, server_addr;
	uint32_t client_port, server_port;
	bool has_client;
	/* Only the taps read these: made on first use (conv_label, ...) */
	const char *label;
	const char *client_endpoint, *server_endpoint; /* "address:port", as ninep/files.h spells them */

	unsigned guess; /* dialects still possible when guessing */
	bool guess_noted;
	uint32_t refused_tversion; /* the frame of the last Tversion refused (Rerror/Rlerror), 0: none */

	wmem_tree_t *max_size_by_frame; /* frame from which on -> the engine's limit */
	uint32_t max_size_seen;
	uint32_t max_size_from; /* the frame of max_size_by_frame's last entry (0: none) */
	const char *last_path; /* the path most recently kept, shared by the messages that name it */
	size_t last_path_len;
	struct ninep_conv engine;
	struct conv_state *next_open; /* every conversation of the file, to close at its end */
	struct ninep_snap *snap; /* framing by sequence numbers once the snaplen cut a segment (snaplen.c) */
	struct ninep_reorder *reorder; /* segments out of sequence (reorder.c) */
};

/* The conversations and 9P2000.e sessions of the file being dissected:
 * the engine's tables live outside wmem and are freed at the file's end. */
static struct conv_state *open_convs;
static struct ninep_esessions esessions;
static bool closing;

static void cleanup_tracking(void)
{
	closing = true; /* the hooks touch nothing while the engine lets go */
	for (struct conv_state *c = open_convs; c != NULL; c = c->next_open)
		ninep_conv_close(&c->engine);
	open_convs = NULL;
	ninep_esessions_free(&esessions);
	closing = false;
}

void ninep_register_tracking(void)
{
	register_cleanup_routine(cleanup_tracking);
}

bool ninep_frames_between(wmem_array_t *frames, uint32_t from, uint32_t to)
{
	wmem_array_t *a = frames;
	guint lo = 0, hi = wmem_array_get_count(a);
	while (lo < hi) { /* the first frame >= from */
		guint mid = lo + (hi - lo) / 2;
		if (*(guint32 *)wmem_array_index(a, mid) < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < wmem_array_get_count(a) && *(guint32 *)wmem_array_index(a, lo) <= to;
}

static struct ninep_msginfo *info_of(uint64_t cookie)
{
	return (struct ninep_msginfo *)(uintptr_t)cookie;
}

/* ---- what the engine tells ----------------------------------------------- */

static void on_request(void *ctx, struct ninep_request *r, const uint8_t *msg, const struct ninep_msg *m)
{
	(void)ctx;
	(void)msg;
	(void)m;
	if (closing)
		return;
	/* What a reply needs of its request on every pass (Export Objects). */
	struct ninep_msginfo *info = info_of(r->cookie);
	info->fid = r->fid;
	info->note = r->note;
}

static void on_exchange(void *ctx, const struct ninep_request *r, const struct ninep_reply *reply)
{
	(void)ctx;
	if (closing)
		return;
	struct ninep_msginfo *req = info_of(r->cookie);
	struct ninep_msginfo *rep = info_of(reply->cookie);
	req->response = rep;
	rep->request = req;
	rep->path = req->path;
	rep->path_len = req->path_len;
	rep->reply_unmatched = false;
}

static void on_dropped(void *ctx, const struct ninep_request *r, enum ninep_drop why, const struct ninep_request *by)
{
	(void)ctx;
	if (closing || why != NINEP_DROP_FLUSHED || by == NULL)
		return;
	struct ninep_msginfo *flushed = info_of(r->cookie);
	struct ninep_msginfo *tflush = info_of(by->cookie);
	flushed->flushed_by = tflush->frame;
	tflush->flushes = flushed->frame;
}

static const struct ninep_hooks hooks = {
	.request = on_request,
	.exchange = on_exchange,
	.dropped = on_dropped,
};

/* ---- conversations -------------------------------------------------------- */

struct conv_state *conv_state_get(packet_info *pinfo, bool create)
{
	conversation_t *conversation = create ? find_or_create_conversation(pinfo) : find_conversation_pinfo(pinfo, 0);
	if (conversation == NULL)
		return NULL;
	struct conv_state *conv = conversation_get_proto_data(conversation, proto_ninep);
	if (conv == NULL && create) {
		conv = wmem_new0(wmem_file_scope(), struct conv_state);
		conv->guess = NINEP_DIALECT_ANY;
		conv->max_size_by_frame = wmem_tree_new(wmem_file_scope());
		ninep_conv_init(&conv->engine, &hooks, conv, &esessions);
		conv->max_size_seen = conv->engine.max_size;
		conv->next_open = open_convs;
		open_convs = conv;
		conversation_add_proto_data(conversation, proto_ninep, conv);
	}
	return conv;
}

bool conv_has_client(const struct conv_state *conv)
{
	return conv->has_client;
}

/* "address:port" of an IPv4 or IPv6 endpoint as ninep_files_endpoint
 * spells it; Wireshark's spelling for any other address type. */
static const char *endpoint(const address *addr, uint32_t port)
{
	char buf[64];
	if (addr->type == AT_IPv4 && addr->len == 4)
		return wmem_strdup(wmem_file_scope(), ninep_files_endpoint(buf, sizeof buf, 0, addr->data, (uint16_t)port));
	if (addr->type == AT_IPv6 && addr->len == 16)
		return wmem_strdup(wmem_file_scope(), ninep_files_endpoint(buf, sizeof buf, 1, addr->data, (uint16_t)port));
	return wmem_strdup_printf(wmem_file_scope(), "%s:%u", address_to_str(wmem_file_scope(), addr), port);
}

const char *conv_client_endpoint(struct conv_state *conv)
{
	if (conv->client_endpoint == NULL)
		conv->client_endpoint = endpoint(&conv->client_addr, conv->client_port);
	return conv->client_endpoint;
}

const char *conv_server_endpoint(struct conv_state *conv)
{
	if (conv->server_endpoint == NULL)
		conv->server_endpoint = endpoint(&conv->server_addr, conv->server_port);
	return conv->server_endpoint;
}

void conv_set_client(struct conv_state *conv, const packet_info *pinfo, bool sender_is_client)
{
	const address *client = sender_is_client ? &pinfo->src : &pinfo->dst;
	const address *server = sender_is_client ? &pinfo->dst : &pinfo->src;
	copy_address_wmem(wmem_file_scope(), &conv->client_addr, client);
	copy_address_wmem(wmem_file_scope(), &conv->server_addr, server);
	conv->client_port = sender_is_client ? pinfo->srcport : pinfo->destport;
	conv->server_port = sender_is_client ? pinfo->destport : pinfo->srcport;
	conv->has_client = true;
	conv->label = conv->client_endpoint = conv->server_endpoint = NULL;
	/* The endpoints and the label are spelt when a tap first asks: made
	 * here for every connection, they cost 8,100 instructions each
	 * (callgrind, plain tshark, where no tap listens), 450 a packet on
	 * gen_short_connections' 18-packet connections. */
}

int conv_direction(const struct conv_state *conv, const packet_info *pinfo)
{
	if (pinfo->srcport == conv->client_port && addresses_equal(&pinfo->src, &conv->client_addr))
		return NINEP_DIR_C2S;
	return NINEP_DIR_S2C;
}

struct ninep_snap **conv_snap(struct conv_state *conv)
{
	return &conv->snap;
}

struct ninep_reorder **conv_reorder(struct conv_state *conv)
{
	return &conv->reorder;
}

const char *conv_label(struct conv_state *conv)
{
	if (conv->label == NULL)
		conv->label = wmem_strdup_printf(wmem_file_scope(), "%s:%u <-> %s:%u",
						 address_to_str(wmem_file_scope(), &conv->client_addr), conv->client_port,
						 address_to_str(wmem_file_scope(), &conv->server_addr), conv->server_port);
	return conv->label;
}

uint32_t conv_max_size(const struct conv_state *conv, uint32_t frame)
{
	/* Looked up by frame so that every pass frames a message with the
	 * limit that was in force when it was sent.  Entries are made on the
	 * first pass, in frame order, so a frame at or after the last one
	 * needs no lookup: nearly every frame, since msize is set once per
	 * connection (the lookup, twice per message, was 1-4 % of the
	 * plugin's own time under perf, depending on the workload). */
	if (conv->max_size_from != 0 && frame >= conv->max_size_from)
		return conv->max_size_seen;
	void *max = wmem_tree_lookup32_le(conv->max_size_by_frame, frame);
	return max != NULL ? GPOINTER_TO_UINT(max) : NINEP_MSIZE_UNKNOWN_MAX;
}

unsigned conv_dialect(const struct conv_state *conv, bool *guessed)
{
	*guessed = false;
	if (conv->engine.dialect != 0)
		return conv->engine.dialect;
	if (conv->engine.proposed != 0)
		return conv->engine.proposed; /* until the Rversion decides */
	if (ninep_pref_dialect() != 0)
		return ninep_pref_dialect();
	*guessed = true;
	return conv->guess;
}

/* The path in file scope, shared with the previous message when equal: a
 * fid read a thousand times keeps one copy.  Kept whole, NUL bytes too
 * (a hostile name may hold them): the tree shows it up to the first. */
static const char *keep_path(struct conv_state *conv, const struct ninep_facts *facts)
{
	if (facts->path == NULL)
		return NULL;
	if (conv->last_path != NULL && conv->last_path_len == facts->path_len &&
	    memcmp(conv->last_path, facts->path, facts->path_len) == 0)
		return conv->last_path;
	char *path = wmem_alloc(wmem_file_scope(), facts->path_len + 1);
	memcpy(path, facts->path, facts->path_len);
	path[facts->path_len] = '\0';
	conv->last_path = path;
	conv->last_path_len = facts->path_len;
	return conv->last_path;
}

struct ninep_msginfo *ninep_track(struct conv_state *conv, packet_info *pinfo, const uint8_t *bytes,
				  uint32_t have, const struct ninep_msg *msg, unsigned dialect, bool guessed,
				  bool complete)
{
	struct ninep_msginfo *info = wmem_new0(wmem_file_scope(), struct ninep_msginfo);
	info->type = msg->type;
	info->tag = msg->tag;
	info->decode_dialects = dialect;
	info->dialect = dialect;
	info->dialect_guessed = guessed;
	info->frame = pinfo->num;
	info->time = pinfo->abs_ts;
	info->fid_unknown = info->fid_reused = info->fid = NINEP_NOFID;

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
			info->guess_after_refusal = conv->refused_tversion;
		}
	}

	/* A message that did not decode still answers its request: the engine
	 * sees its header only. */
	struct ninep_msg header_only;
	const struct ninep_msg *m = msg;
	if (!complete) {
		memset(&header_only, 0, sizeof header_only);
		header_only.size = msg->size;
		header_only.type = msg->type;
		header_only.tag = msg->tag;
		m = &header_only;
	}
	struct ninep_facts facts;
	bool request = ninep_is_request(msg->type);
	int64_t ts = (int64_t)pinfo->abs_ts.secs * 1000000000 + pinfo->abs_ts.nsecs;
	ninep_conv_message(&conv->engine, request, bytes, msg->size, have, m, ts, (uint64_t)(uintptr_t)info, &facts);

	info->path = keep_path(conv, &facts);
	info->path_len = info->path != NULL ? facts.path_len : 0;
	if (request) {
		info->fid_unknown = facts.fid_unknown;
		info->fid_reused = facts.fid_reused;
		info->dir_read = facts.dir_read;
		info->auth_write = facts.auth_write;
		if (facts.tag_in_use) {
			struct ninep_msginfo *earlier = info_of(facts.tag_in_use_cookie);
			earlier->tag_reused_by = info->frame;
			info->reuses_tag_of = earlier->frame;
		}
		if (facts.key_known)
			info->key_frame = info_of(facts.key_cookie)->frame;
	} else {
		info->reply_unmatched = !facts.matched;
		info->session_rejected = facts.session_rejected;
		if (facts.version_refused && info->request != NULL)
			conv->refused_tversion = info->request->frame;
		if (info->request != NULL && info->request->type == NINEP_Tsession)
			info->request->session = (uint32_t)facts.esession; /* settled by this reply */
	}
	if (facts.dialect != 0 && (msg->type == NINEP_Tversion || !guessed))
		info->dialect = facts.dialect;

	/* The session a 9P2000.e message belongs to; the handshake that comes
	 * before a session is settled shows none. */
	bool settles_later = msg->type == NINEP_Tversion || msg->type == NINEP_Rversion || msg->type == NINEP_Tsession;
	if (!settles_later)
		info->session = (uint32_t)facts.esession;

	if (conv->engine.max_size != conv->max_size_seen) {
		conv->max_size_seen = conv->engine.max_size;
		wmem_tree_insert32(conv->max_size_by_frame, info->frame, GUINT_TO_POINTER(conv->max_size_seen));
		conv->max_size_from = info->frame;
	}
	return info;
}
