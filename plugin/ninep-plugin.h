/*
 * What the files of the ninep Wireshark plugin share.  Only this plugin
 * includes it; other tools read the tap through ninep-tap.h.
 *
 * Where to add things:
 *   a message or a field      include/ninep/messages.def and fields.def (the
 *                              plugin picks them up; only a new "shown as"
 *                              needs code, in fields.c)
 *   a generated field          fields.c (struct ninep_hf) and dissect.c
 *   a first-pass fact          tracking.c (struct ninep_msginfo), from what
 *                              the engine (ninep/engine.h) says
 *   an expert info             expert.c
 *   what Export Objects gets   export.c (the rule of which exchanges carry
 *                              file content is ninep/files.h's)
 */
#ifndef NINEP_PLUGIN_H
#define NINEP_PLUGIN_H

#include <epan/packet.h>
#include <epan/expert.h>

#include <stdbool.h>

#include <ninep/engine.h>

#include "ninep-tap.h"

/* ---- plugin.c ------------------------------------------------------------ */
extern int proto_ninep;

/* The "dialect" preference: 0 = from the handshake, else NINEP_DIALECT_*. */
unsigned ninep_pref_dialect(void);

/* ---- fields.c ------------------------------------------------------------ */
/* Fields that are not rows of fields.def: generated ones, qid parts, bits. */
struct ninep_hf {
	int message;      /* one 9P message: FT_NONE container */
	int dialect;      /* generated: the connection's dialect */
	int dialect_guessed;
	int qid_type, qid_version, qid_path;
	int request_in, response_in, time, request_type;
	int path, session, session_key_frame, flushes, flushed_by, tag_reused_by;
	int not_9p;       /* bytes on a 9P connection that are not 9P */
	int not_captured; /* a message the capture's snaplen cut: its bytes not captured */
	int snap_part;    /* bytes of a message shown in another frame (framed by sequence numbers) */
	int snap_lost;    /* bytes after a message boundary the capture lost */
	int tcp_hole;     /* TCP bytes before a segment that were never handed to us */
	int retransmitted; /* TCP bytes handed to us a second time */
	int out_of_order; /* TCP bytes handed to us after later ones */
	int stat_entry;   /* a stat record of a directory Rread */
	int dirent;       /* one Rreaddir entry */
	int mumble;       /* the MUMBLE record on an auth fid */
	int mumble_text;  /* its base64 text */
};
extern struct ninep_hf ninep_hf;

struct ninep_ett {
	int message, qid, bits, stat, dirent, mumble, data;
};
extern struct ninep_ett ninep_ett;

void ninep_register_fields(void);
/* Value strings of message numbers, for the tap and stats. */
const char *ninep_type_name(unsigned type);

/*
 * Adds one decoded item to the tree.  `tvb` holds the message or record
 * whose offsets the item uses.  Returns the item (NULL without a tree).
 */
/* dialects: the NINEP_DIALECT_* bits the message was decoded with; fields
 * that differ by dialect (the 9P2000.u DM bits of a permission) follow it. */
proto_item *ninep_add_item(proto_tree *tree, tvbuff_t *tvb, const struct ninep_item *item, unsigned dialects);
/* Adds an item that holds a Twstat "don't touch" value (ninep_is_dont_touch). */
proto_item *ninep_add_dont_touch(proto_tree *tree, tvbuff_t *tvb, const struct ninep_item *item);

/* ---- expert.c ------------------------------------------------------------ */
struct ninep_ei {
	expert_field malformed, not_9p, size_above_msize, snaplen;
	expert_field reply_without_request, never_answered, tag_reused, flushed;
	expert_field error_reply;
	expert_field fid_unknown, fid_reused;
	expert_field dialect_guessed, dialect_refused, wrong_dialect, session_rejected, session_key_clear;
	expert_field tcp_out_of_order;
	expert_field content_beyond_limit;
};
extern struct ninep_ei ninep_ei;
void ninep_register_expert(void);

/* ---- tracking.c ---------------------------------------------------------- */
enum { NINEP_DIR_C2S = 0, NINEP_DIR_S2C = 1 };

/* What the first pass learnt about one message; read on every pass. */
struct ninep_msginfo {
	uint8_t type;
	uint16_t tag;
	unsigned decode_dialects; /* NINEP_DIALECT_* bits it was decoded with */
	unsigned dialect;     /* the dialect(s) it belongs to, as shown */
	bool dialect_guessed; /* no handshake seen and no preference */
	bool guess_note;      /* first guessed message of the connection */
	uint32_t guess_after_refusal; /* with guess_note: the refused Tversion's frame (0: none captured) */
	uint32_t frame;
	nstime_t time;

	/* request <-> reply */
	struct ninep_msginfo *request;  /* on a reply: its request */
	struct ninep_msginfo *response; /* on a request: its reply */
	uint32_t tag_reused_by;         /* a request: reused while outstanding */
	uint32_t reuses_tag_of;         /* a request: the earlier one it collides with */
	uint32_t flushes;               /* Tflush: the frame of the flushed request */
	uint32_t flushed_by;            /* a request: the Tflush frame naming it */
	bool reply_unmatched;
	bool request_in_transit;        /* a reply: its request's rest had not come (reorder.c) */

	/* fids */
	const char *path;        /* the path of the fid the message names (may hold NUL bytes) */
	size_t path_len;
	uint32_t fid;            /* a request: the fid it names (NOFID: none) */
	struct ninep_request_note note; /* a request: what the engine noted (offset, count, content I/O) */
	uint32_t fid_unknown;    /* a fid used before it exists (NOFID: none) */
	uint32_t fid_reused;     /* a new fid that is already open */
	bool dir_read;           /* Tread on a directory: Rread holds stats */
	bool auth_write;         /* Twrite on an auth fid */

	/* 9P2000.e sessions */
	uint32_t session;        /* 0: none shown */
	uint32_t key_frame;      /* Tsession: where its key was established */
	bool session_rejected;
};

struct conv_state;

void ninep_register_tracking(void);

/* Whether a list of frame numbers in increasing order (where the snaplen or
 * a TCP hole may have hidden messages) holds one in from..to. */
bool ninep_frames_between(wmem_array_t *frames, uint32_t from, uint32_t to);

/* The conversation state, created on first use. */
struct conv_state *conv_state_get(packet_info *pinfo, bool create);
int conv_direction(const struct conv_state *conv, const packet_info *pinfo);
/* Decides the client side when the conversation is first seen. */
void conv_set_client(struct conv_state *conv, const packet_info *pinfo, bool sender_is_client);
bool conv_has_client(const struct conv_state *conv);
/* The largest acceptable message size at this frame (msize, or a ceiling). */
uint32_t conv_max_size(const struct conv_state *conv, uint32_t frame);
/* The dialect to decode with now (first pass), and whether it is a guess. */
unsigned conv_dialect(const struct conv_state *conv, bool *guessed);
/* "client:port <-> server:port" (made on first use). */
const char *conv_label(struct conv_state *conv);
/* The client's and the server's "address:port", as ninep/files.h spells
 * endpoints in file names (made on first use). */
const char *conv_client_endpoint(struct conv_state *conv);
const char *conv_server_endpoint(struct conv_state *conv);
/* Where snaplen.c keeps its state for the conversation (NULL until used). */
struct ninep_snap;
struct ninep_snap **conv_snap(struct conv_state *conv);
/* Where reorder.c keeps its state for the conversation (NULL until used). */
struct ninep_reorder;
struct ninep_reorder **conv_reorder(struct conv_state *conv);

/*
 * First pass: update the conversation with one decoded message and return
 * what is known about it (wmem_file_scope).  `bytes` is the message, of
 * which `have` bytes were captured; `complete` is false when it did not
 * decode, and then only its header counts.
 */
struct ninep_msginfo *ninep_track(struct conv_state *conv, packet_info *pinfo, const uint8_t *bytes,
				  uint32_t have, const struct ninep_msg *msg, unsigned dialect, bool guessed,
				  bool complete);

/* ---- dissect.c ----------------------------------------------------------- */
int ninep_dissect_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data);
/*
 * One message whose 7-byte header is in tvb and plausible: tvb's reported
 * length is the message's size, its captured length what the capture holds
 * of it (less when the snaplen cut it).  `snaplen_note` adds the
 * connection's one note that the snaplen cut its messages.
 */
void ninep_dissect_one(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, struct conv_state *conv,
		       bool snaplen_note);
/* Bytes from offset to the end of tvb that are not 9P (framing stops). */
void ninep_show_not_9p(tvbuff_t *tvb, int offset, packet_info *pinfo, proto_tree *tree, struct conv_state *conv);
/* Could a message with this header come from this side at this frame? */
bool ninep_header_plausible(const guint8 *header, const struct conv_state *conv, const packet_info *pinfo);
gboolean ninep_dissect_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data);
/* The handle the heuristic gives a conversation it recognises. */
void ninep_set_handle(dissector_handle_t handle);

/* ---- snaplen.c ----------------------------------------------------------- */
/*
 * Captures whose snaplen cut the payload.  Wireshark's TCP reassembly does
 * not reassemble a cut segment, so from the first cut segment of a
 * direction on, that direction is framed here from TCP sequence numbers
 * and 9P size fields.  ninep_snap_dissect shows such a frame and returns
 * true; false leaves the frame to tcp_dissect_pdus, after which
 * ninep_snap_follow notes (first pass) where its framing left off.
 */
bool ninep_snap_dissect(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, struct conv_state *conv, void *tcpinfo);
void ninep_snap_follow(tvbuff_t *tvb, packet_info *pinfo, struct conv_state *conv, void *tcpinfo);
/* Whether, in frames from..to, the snaplen hid what a message of the
 * connection said (its boundary, its type and tag, or fields the engine
 * needed): a reply, request or fid missing then is explained by the cut,
 * and is no fault of the connection. */
bool ninep_snap_lost(struct conv_state *conv, uint32_t from, uint32_t to);
/* This frame's message was cut before the fields the engine needed (first pass). */
void ninep_snap_unsure(struct conv_state *conv, const packet_info *pinfo);

/* ---- reorder.c ----------------------------------------------------------- */
/*
 * TCP segments that do not reach us in sequence: with Wireshark's default
 * preferences (tcp.reassemble_out_of_order off) an out-of-order segment is
 * not handed to us at all, and the segment after it arrives after a hole.
 * ninep_reorder_dissect classifies the frame's segment against what this
 * direction has handed us so far.  It returns -1 when it showed the whole
 * segment (bytes seen before, or bytes after a hole whose place in the 9P
 * stream is not known); otherwise the offset where 9P framing goes on
 * (0, or past a retransmitted head).
 */
int ninep_reorder_dissect(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, struct conv_state *conv,
			  void *tcpinfo);
/* Whether a hole in the TCP stream may have hidden messages in frames
 * from..to (as ninep_snap_lost for the snaplen). */
bool ninep_reorder_lost(struct conv_state *conv, uint32_t from, uint32_t to);
/* After tcp_dissect_pdus (first pass): note the message whose rest the
 * direction waits for, if any. */
void ninep_reorder_follow(tvbuff_t *tvb, packet_info *pinfo, struct conv_state *conv);
/* First pass: whether the client is in the middle of sending a request with
 * this tag (its header seen, its rest not yet): a reply to it then means
 * its remaining segments come out of order, or were lost. */
bool ninep_reorder_request_in_transit(struct conv_state *conv, uint16_t tag);

/* ---- export.c ------------------------------------------------------------ */
void ninep_register_export(void);
/*
 * One message, for Export Objects: bytes[0..have) of a message of `size`
 * bytes, decoded as msg (NULL: it did not decode), whose data item the
 * dissector cut short by data_cut bytes the capture does not hold.  Notes
 * on `item` a reply whose file content lies past the export limit
 * (NINEP_FILE_MAX_SIZE, not kept); queues it on the export tap when
 * someone listens.
 */
void ninep_export_message(packet_info *pinfo, proto_item *item, struct conv_state *conv,
			  const struct ninep_msginfo *info, const uint8_t *bytes, uint32_t have, uint32_t size,
			  const struct ninep_msg *msg, uint32_t data_cut);

/* ---- stats.c ------------------------------------------------------------- */
extern int ninep_tap;
void ninep_register_stats(void);

#endif
