/*
 * The 9P conversation engine: every rule of a 9P conversation, once, for
 * both tools.  The plugin calls it on Wireshark's first pass and keeps what
 * it says per frame; the analyzer calls it for every message its framer
 * delivers and turns what it says into figures and reports.  Neither tool
 * re-implements a rule: a tool decides what to show, the engine what a
 * message means.
 *
 * Where each rule lives (lib/engine/):
 *   limits.c        the one message-size limit, before and after Rversion;
 *                   whether a header or a message is plausible; finding 9P
 *                   in a byte stream by content (the heuristic)
 *   conversation.c  dialect negotiation (Tversion/Rversion, a downgrade, a
 *                   refusal), matching replies to requests by tag (NOTAG,
 *                   reuse, Tversion's reset), Tflush/Rflush as flush(5)
 *                   says, replies that come before their request
 *   fids.c          fids and the paths they name: attach, walk (`.` and
 *                   `..` resolved as walk(5) says), create, rename, clunk,
 *                   remove, and Tversion dropping them all
 *   paths.c         the canonical spelling of a path
 *   sessions.c      9P2000.e: session keys from MUMBLE records, Tsession
 *                   resuming a session's fids on a new connection
 *   tables.c        the open-addressing tables the engine keeps them in
 *
 * The rules, with the manual page each comes from, are stated beside the
 * code that applies them.  Quick reference (../doc/9p-wire.md):
 *   - A reply answers the outstanding request with its tag whose type is
 *     the reply's - 1, or any type when the reply is Rerror/Rlerror.
 *   - Tversion aborts every outstanding request and drops every fid
 *     (version(5)).  Rversion's version string is the dialect of the rest
 *     of the connection, also when it is older than the one asked for; a
 *     Tversion answered by Rerror/Rlerror changes nothing.
 *   - A request named by a Tflush is flushed only when the Rflush comes
 *     while it is still outstanding; when its own reply comes first, it was
 *     answered, and the Rflush only ends the Tflush (flush(5)).
 *   - Tattach, Twalk (only when every name was walked) and Txattrwalk make
 *     a fid; Tclunk and Tremove end it whatever the reply says (clunk(5),
 *     remove(5)); Tcreate/Tlcreate make the fid stand for the new file.
 *
 * Every callback and every pointer the engine hands out is valid only
 * until the next call into the engine for that conversation.
 */
#ifndef NINEP_ENGINE_H
#define NINEP_ENGINE_H

#include <stdint.h>

#include "decode.h"
#include "tables.h"

/*
 * The one message-size limit.  After Rversion a message may be as large as
 * the msize it agreed (never above NINEP_FRAME_CEILING); before it, and on
 * a connection captured without its handshake, as large as
 * NINEP_MSIZE_UNKNOWN_MAX: 1 MiB of data plus the largest header of a
 * data-carrying message, the largest msize the clients we know ask for.
 * The content heuristic uses the same limit.
 */
enum { NINEP_MSIZE_UNKNOWN_MAX = (1u << 20) + NINEP_HDRSZ + 24 };

/* The engine reads a reply of up to this many bytes whole (one that comes
 * before its request waits whole up to this size); of a larger one only
 * what comes before its data, if that is all a tool has. */
enum { NINEP_WHOLE_REPLY = 512 };

/* How the engine spells a path it cannot know: an auth fid names no file;
 * a fid made before the capture started names a file nobody saw. */
#define NINEP_PATH_AUTH "(auth)"
#define NINEP_PATH_UNKNOWN "(unknown)"

/* The most fids the engine keeps per connection (and per 9P2000.e
 * session's saved fids, a copy of them).  A client that never clunks would
 * otherwise grow the table for ever.  When the table is full, a fid made
 * after that is not kept and counted in ninep_conv.fids_forgotten: the
 * fids made first (the attach fids, the roots every walk starts from) stay
 * known, and a request on a forgotten fid concerns NINEP_PATH_UNKNOWN.
 * Linux v9fs holds a fid per open file and per cached dentry it walked to;
 * 8192 covers a busy mount, at about 80 bytes and a path each. */
enum { NINEP_FIDS_MAX = 8192 };

/* What 9P2000.e sessions keep of their closed connections for a later
 * Tsession, at most: the saved fids of NINEP_ESESSIONS_SAVED_MAX sessions,
 * and NINEP_ESESSIONS_SAVED_FIDS_MAX fids over all of them (one session's
 * are one connection's: at most NINEP_FIDS_MAX).  A client that opens a
 * session per connection and never resumes one would otherwise keep every
 * connection's fids for ever.  When a session saves its fids beyond either
 * bound, the sessions that saved theirs longest ago forget them: counted in
 * ninep_esessions.saved_forgotten and .fids_forgotten.  A Tsession that
 * resumes such a session finds its fids unknown, as when the session was
 * agreed before the capture started (their requests concern
 * NINEP_PATH_UNKNOWN).  What remains of a session is its number and key
 * hash, about 150 bytes, until NINEP_ESESSIONS_IDLE_MAX lets it go.  1024
 * sessions of 64 fids each is a busy server's recent clients; the fids cost
 * about 80 bytes and a path each (8 MB). */
enum { NINEP_ESESSIONS_SAVED_MAX = 1024, NINEP_ESESSIONS_SAVED_FIDS_MAX = 65536 };

/* The most 9P2000.e sessions the engine keeps idle: a session with a key
 * and no connection open in it, which a later Tsession could still resume.
 * A session nothing can resume any more (no key, or every connection of it
 * gone to another session) is let go as soon as its last connection ends.
 * A client that opens a session per connection and never resumes one would
 * otherwise keep every session for ever.  When one more goes idle beyond
 * the bound, the session idle longest is forgotten (its saved fids with
 * it): counted in ninep_esessions.sessions_forgotten; a Tsession with its
 * key then starts a session as if the key had been agreed before the
 * capture (its fids unknown).  The tool hears of every session let go
 * (ninep_hooks.session_ended).  The same as NINEP_ESESSIONS_SAVED_MAX: the
 * sessions whose fids are saved are the idle ones; about 150 bytes each. */
enum { NINEP_ESESSIONS_IDLE_MAX = NINEP_ESESSIONS_SAVED_MAX };

/* ---- finding 9P (limits.c) ------------------------------------------------ */

/* Whether buf (at least a header) starts a message of this direction
 * (requests: T-messages) that some dialect of `dialects` defines, with a
 * size within max_size. */
int ninep_plausible_header(const uint8_t *buf, size_t len, uint32_t max_size, unsigned dialects, int requests);
/* Whether buf starts a whole such message that decodes exactly; *size is
 * its size. */
int ninep_plausible_message(const uint8_t *buf, size_t len, uint32_t max_size, unsigned dialects, int requests,
			    uint32_t *size, struct ninep_msg *scratch);

enum ninep_detect {
	NINEP_DETECT_NO,   /* not 9P at this offset */
	NINEP_DETECT_YES,  /* a whole message, followed by the end of buf or another plausible header */
	NINEP_DETECT_HEAD, /* a message that goes on past buf, whose head alone decodes it (ninep_decode_head) */
	NINEP_DETECT_MORE, /* a plausible header whose message goes on past buf */
};
/*
 * The content heuristic, for a TCP stream on any port: is there 9P at the
 * start of buf[0..len)?  YES when a whole message of one direction decodes
 * exactly in some dialect and is followed by nothing or by another
 * plausible header of the same direction.  When the message goes on past
 * buf, HEAD when what is there already decides (a message of fixed fields
 * and data whose head decodes), MORE otherwise: a tool that can wait for
 * more bytes waits; one that cannot takes HEAD as 9P and MORE as not.
 * *requests says which direction the message is, *size its size.
 */
enum ninep_detect ninep_detect(const uint8_t *buf, size_t len, int *requests, uint32_t *size);
/*
 * The evidence a capture cut by the snaplen gives where no whole message
 * can: buf holds the `captured` first bytes of a packet of `packet_len`
 * payload bytes, and starts with a plausible header (for the direction its
 * type says, within max_size, of a type of `dialects`) whose size is
 * exactly packet_len.  9P peers write a message per packet, so such a
 * packet is one message.  *requests says its direction.
 */
int ninep_fills_cut_packet(const uint8_t *buf, size_t captured, uint64_t packet_len, uint32_t max_size,
			   unsigned dialects, int *requests);

/*
 * How a message at a boundary fits its conversation.  A header that is 9P
 * (a size within the limit, a type some dialect defines for the direction)
 * makes a message, whatever its body: servers bend the spec (nfs-ganesha
 * answers 9P2000.L errors with an Rerror holding an errno), and such a
 * reply still answers its request.
 */
enum ninep_conformance {
	NINEP_CONFORMS,      /* it decodes exactly in the dialects in play */
	NINEP_OTHER_DIALECT, /* it decodes only in another dialect (an Rerror in 9P2000.L) */
	NINEP_NONCONFORMING, /* its body fits no layout: only its header counts */
};
/* Decodes buf[0..size) in `dialects`, else in any dialect; when neither
 * fits, m keeps only the header (size, type, tag; n_items 0) and the
 * decoder's problem. */
enum ninep_conformance ninep_decode_conforming(const uint8_t *buf, uint32_t size, unsigned dialects,
					       struct ninep_msg *m);
/* A message of which only buf[0..have) was captured (have >= NINEP_HDRSZ):
 * its fields when what is there decides them (ninep_decode_head), else
 * only its header.  The engine reads nothing of it past `have`. */
void ninep_decode_captured(const uint8_t *buf, uint32_t have, unsigned dialects, struct ninep_msg *m);

/* ---- conversations ---------------------------------------------------------- */

/* What a request said that its reply does not repeat. */
struct ninep_request_note {
	uint64_t offset;
	uint32_t count;
	uint32_t name_bytes; /* wnames (or Tcreate's name) as on the wire */
	uint8_t trunc;       /* an open that truncates */
	uint8_t content_io;  /* enum ninep_content_io (files.h): whether it reads or writes a
			      * file's content, decided from its fid as it is now */
};

/* An outstanding request.  Its path is the one it concerns: for Twalk,
 * Tsread and Tswrite the walk's destination, for Tcreate/Tlcreate the new
 * file, for Trename the new name, for Tattach the attach root, otherwise
 * the path of its fid (or directory fid). */
struct ninep_request {
	struct slot head;  /* key: the tag (and its place in the tag's queue); text: its path */
	uint8_t type;
	uint8_t has_key;   /* key_hash holds a 9P2000.e session key */
	uint16_t nwname, oldtag;
	uint32_t size;
	uint32_t fid, newfid;
	uint32_t root_len; /* bytes of the path that are the attach root: `..` stops there */
	int64_t time_ns;
	uint64_t seq;      /* order among the connection's requests */
	uint64_t key_hash; /* Tsession's key, or the key of a MUMBLE record a Twrite carries */
	uint64_t cookie;   /* the caller's name for the request (the plugin: its frame data) */
	struct ninep_request_note note;
};

/* A reply, as the engine hands it to a callback. */
struct ninep_reply {
	const uint8_t *msg; /* the message; only its first `have` bytes are there */
	uint32_t size, have;
	const struct ninep_msg *decoded; /* its fields, or only size/type/tag (n_items 0) */
	int64_t ts;
	uint64_t cookie;
	int is_error;       /* Rerror or Rlerror */
};

/* Why a request gets no reply. */
enum ninep_drop {
	NINEP_DROP_FLUSHED,  /* an Rflush came while it was outstanding */
	NINEP_DROP_VERSION,  /* a Tversion aborted it */
	NINEP_DROP_TAG_REUSED, /* a later request with its tag was answered first */
	NINEP_DROP_CLOSED,   /* the connection ended */
};

/* A 9P2000.e session: the connections joined by one session key. */
struct ninep_esession {
	uint64_t number;   /* 1, 2, ... in order of creation */
	unsigned members;  /* connections in it now */
	unsigned open;     /* of them, not closed */
	int has_key;
	uint64_t key_hash; /* FNV-1a 64 of the key: the key itself is never kept */
	uint64_t key_cookie; /* the cookie of the message whose MUMBLE record carried the key */
	struct ninep_fidmap *saved_fids; /* the fids of its last closed connection, for a Tsession */
	int fids_forgotten; /* its saved fids were forgotten (NINEP_ESESSIONS_SAVED_MAX) */
	struct ninep_esession *saved_prev, *saved_next; /* sessions with saved fids, oldest first */
	struct ninep_conv *live; /* its connection still open, whose fids a Tsession copies */
	void *user;        /* the caller's (the analyzer keeps file accesses here) */
	void *report;      /* the caller's too (the analyzer's row of the session) */
	struct ninep_esession *idle_prev, *idle_next; /* idle sessions, idle longest first */
	struct ninep_esession *next, *prev; /* in order of creation */
	struct ninep_esession *same_bucket; /* the sessions by key (sessions.c) */
};

/* Every 9P2000.e session of one capture: several conversations share it. */
struct ninep_esessions {
	struct ninep_esession *head, *tail;
	uint64_t count;
	/* the sessions holding saved fids, saved longest ago first */
	struct ninep_esession *saved_oldest, *saved_newest;
	uint64_t n_saved, saved_fids;
	/* what the bounds made them forget (NINEP_ESESSIONS_SAVED_MAX) */
	uint64_t saved_forgotten; /* sessions whose saved fids were forgotten */
	uint64_t fids_forgotten;  /* the fids they held */
	/* the idle sessions (NINEP_ESESSIONS_IDLE_MAX), idle longest first */
	struct ninep_esession *idle_oldest, *idle_newest;
	uint64_t n_idle;
	uint64_t sessions_forgotten; /* idle sessions forgotten by that bound */
	uint64_t with_members;       /* sessions that have members, let go or not */
	/* the sessions with a key, by key: a Tsession finds its session
	 * without a walk over every session there was */
	struct ninep_esession **by_key;
	size_t by_key_buckets, keyed;
};
void ninep_esessions_free(struct ninep_esessions *all);

struct ninep_conv;

/* What a tool hears from its conversations.  Any member may be NULL. */
struct ninep_hooks {
	/* A request is stored (before anything is matched to it). */
	void (*request)(void *ctx, struct ninep_request *r, const uint8_t *msg, const struct ninep_msg *m);
	/* A reply answers r; called before the exchange changes any fid. */
	void (*exchange)(void *ctx, const struct ninep_request *r, const struct ninep_reply *reply);
	/* r will get no reply; `by` is the Tflush for NINEP_DROP_FLUSHED. */
	void (*dropped)(void *ctx, const struct ninep_request *r, enum ninep_drop why, const struct ninep_request *by);
	/* A reply that answers no request (given up waiting for one). */
	void (*orphan)(void *ctx, unsigned type, uint16_t tag, uint64_t cookie);
	/* 9P2000.e: the conversation ends and its session keeps its fids for a
	 * later Tsession (saved); the conversation takes over the fids of
	 * session e, from its closed connection (from == NULL) or from the live
	 * conversation `from`. */
	void (*session_saved)(void *ctx, struct ninep_esession *e);
	void (*session_joined)(void *ctx, struct ninep_esession *e, void *from_ctx);
	/* 9P2000.e: session e forgets the fids it saved, to keep the bounds of
	 * NINEP_ESESSIONS_SAVED_MAX (ctx is the conversation whose session
	 * saved its fids just then): what the tool keeps with them ends. */
	void (*session_forgotten)(void *ctx, struct ninep_esession *e);
	/* 9P2000.e: the engine lets session e go (NINEP_ESESSIONS_IDLE_MAX):
	 * nothing can resume it any more, or the bound forces it.  e is freed
	 * after the call; user and report are the tool's to free first. */
	void (*session_ended)(void *ctx, struct ninep_esession *e);
};

/* What the engine concluded about one message, for a tool that shows it. */
struct ninep_facts {
	const char *path;     /* the path it concerns, or NULL (no fid: Tversion, Tflush...) */
	size_t path_len;
	unsigned dialect;     /* the dialect it belongs to: Tversion its own proposal */
	uint64_t esession;    /* the number of its 9P2000.e session, 0 when none */
	/* requests */
	uint32_t fid_unknown; /* a fid it names that nobody made (NOFID: none) */
	uint32_t fid_reused;  /* a fid it makes that is already in use (NOFID: none) */
	int tag_in_use;       /* its tag belongs to an outstanding request ... */
	uint64_t tag_in_use_cookie; /* ... this one */
	int dir_read;         /* Tread of a directory: the Rread holds stat records */
	int auth_write;       /* Twrite on an auth fid */
	unsigned content_io;  /* enum ninep_content_io (files.h): as its ninep_request_note says */
	int key_known;        /* Tsession: the key was established in the capture ... */
	uint64_t key_cookie;  /* ... by the message with this cookie */
	/* replies */
	int matched;          /* it answers a request, now or (early) later */
	int session_rejected; /* it refuses a Tsession */
	int version_refused;  /* it refuses a Tversion */
};

/* One TCP connection's 9P conversation. */
struct ninep_conv {
	const struct ninep_hooks *hooks;
	void *ctx;
	struct ninep_esessions *esessions;
	unsigned dialect;   /* NINEP_DIALECT_* from Rversion; 0: not negotiated (or "unknown") */
	unsigned proposed;  /* Tversion's, until its reply */
	unsigned dialects;  /* what messages are decoded as: the dialect, or every one */
	uint32_t msize;     /* Rversion's, 0 until then */
	uint32_t max_size;  /* the one limit: see NINEP_MSIZE_UNKNOWN_MAX */
	int versioned;      /* a Tversion was seen: every fid in use is known */
	/* requests by tag */
	struct u32map tags;
	unsigned duplicate_tags; /* requests queued behind another with their tag */
	uint64_t request_seq;
	struct ninep_early *early; /* replies waiting for their request, allocated on first use */
	unsigned n_early;
	/* fids */
	struct ninep_fidmap *fids;
	uint64_t fids_forgotten; /* fids made while NINEP_FIDS_MAX were kept: not kept */
	int has_auth_fid;
	uint32_t auth_fid;
	struct ninep_esession *esession; /* 9P2000.e connections only */
	struct slot facts_path; /* a reply's ninep_facts.path: its request is gone */
};

void ninep_conv_init(struct ninep_conv *c, const struct ninep_hooks *hooks, void *ctx,
		     struct ninep_esessions *esessions);
/*
 * One message of the conversation: `have` bytes of a message of `size`
 * (have < size only for a message whose data was passed over, see
 * ninep_decode_head), decoded into m (or, when it did not decode, m with
 * only its header: a message that does not fit its layout still answers
 * its request).  `cookie` is the caller's name for it.  `facts`, when not
 * NULL, receives what the engine concluded about it.
 */
void ninep_conv_message(struct ninep_conv *c, int from_client, const uint8_t *msg, uint32_t size, uint32_t have,
			const struct ninep_msg *m, int64_t ts, uint64_t cookie, struct ninep_facts *facts);
/* The connection ended: requests still outstanding are dropped, replies
 * still waiting are orphans, a 9P2000.e session keeps the fids. */
void ninep_conv_close(struct ninep_conv *c);

/* FNV-1a 64: how session keys are kept (never the key itself). */
uint64_t ninep_fnv1a64(const uint8_t *p, size_t n);

/* ---- 9P2000.e MUMBLE records (sessions.c) ------------------------------------ */

enum { NINEP_MUMBLE_MAX_RECORD = 1024 }; /* the record is 66 bytes; anything far larger is not one */
/* "MUMBLE:" base64(record) ":" written on an auth fid: the base64 text
 * (*text_at, *text_len within data) and the record it decodes to
 * (*record_len bytes into record).  0 when data is not one. */
int ninep_mumble_record(const uint8_t *data, size_t len, size_t *text_at, size_t *text_len, uint8_t *record,
			size_t cap, size_t *record_len);

#endif
