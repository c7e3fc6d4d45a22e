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
	int truncated;    /* a message the capture's snaplen cut */
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
proto_item *ninep_add_item(proto_tree *tree, tvbuff_t *tvb, const struct ninep_item *item);

/* ---- expert.c ------------------------------------------------------------ */
struct ninep_ei {
	expert_field malformed, not_9p, size_above_msize, truncated;
	expert_field reply_without_request, never_answered, tag_reused, flushed;
	expert_field error_reply;
	expert_field fid_unknown, fid_reused;
	expert_field dialect_guessed, wrong_dialect, session_rejected, session_key_clear;
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

	/* fids */
	const char *path;        /* the path of the fid the message names */
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
const char *conv_label(const struct conv_state *conv);

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
gboolean ninep_dissect_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data);
/* The handle the heuristic gives a conversation it recognises. */
void ninep_set_handle(dissector_handle_t handle);

/* ---- stats.c ------------------------------------------------------------- */
extern int ninep_tap;
void ninep_register_stats(void);

#endif
