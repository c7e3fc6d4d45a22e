/*
 * What the engine's files share and the tools never see: the fid table,
 * the replies that wait for their request, and the rules one file applies
 * for another.
 */
#ifndef NINEP_ENGINE_INTERNAL_H
#define NINEP_ENGINE_INTERNAL_H

#include "ninep/engine.h"

/* A fid known on a connection. */
struct ninep_fid {
	struct slot head;   /* key: the fid; text: its path */
	uint32_t root_len;  /* bytes of the path that are its attach root */
	uint8_t qid_type;   /* NINEP_QT* of the file, as far as replies said */
	uint8_t is_auth;    /* made by Tauth */
	uint8_t is_xattr;   /* made by Txattrwalk, or turned by Txattrcreate: it reads or
			     * writes an extended attribute's value, not the file */
};

struct ninep_fidmap {
	struct u32map map;
};

enum {
	EARLY_REPLIES_MAX = 16,  /* replies waiting for their request, per connection */
	EARLY_REPLY_BYTES = NINEP_WHOLE_REPLY, /* enough for Rwalk, Rversion, most Rerror */
};

/* A reply that came before its request (conversation.c). */
struct ninep_early {
	uint8_t used;
	uint8_t type;
	uint16_t tag;
	uint32_t size, kept;
	int64_t ts;
	uint64_t cookie;
	uint8_t bytes[EARLY_REPLY_BYTES];
};

/* The registry rows the engine reads, resolved once (conversation.c). */
struct engine_fields {
	struct ninep_filter fid, newfid, nwname, afid, aname, wname, name, oldtag, session_key, data, msize, version,
		nwqid, qid, aqid, wqid, offset, count, open_mode, open_flags, dfid, dirfd, olddirfid, newdirfid;
};
extern struct engine_fields ninep_engine_fields;
void ninep_engine_fields_resolve(void);

/* ---- paths.c ---- */
/* s becomes the attach root named by aname; *root_len its length. */
void path_attach(struct slot *s, uint32_t *root_len, const uint8_t *aname, size_t len);
/* One walk element onto s: "" and "." stay, ".." goes up but not above
 * root_len, anything else is joined with a '/' (a name holding '/' is
 * walked element by element). */
void path_walk(struct slot *s, uint32_t root_len, const uint8_t *name, size_t len);

/* ---- fids.c ---- */
struct ninep_fidmap *fidmap_new(void);
void fidmap_free(struct ninep_fidmap *f);
struct ninep_fidmap *fidmap_clone(const struct ninep_fidmap *f);
struct ninep_fid *fid_find(const struct ninep_conv *c, uint64_t fid);
/* What a request does to paths (r->head, r->root_len) and facts. */
void fids_request(struct ninep_conv *c, struct ninep_request *r, const uint8_t *msg, const struct ninep_msg *m,
		  struct ninep_facts *facts);
/* What a confirmed exchange does to fids (error or not). */
void fids_exchange(struct ninep_conv *c, const struct ninep_request *r, const struct ninep_reply *reply);
/* Tversion: every fid goes. */
void fids_reset(struct ninep_conv *c);

/* ---- sessions.c ---- */
/* The MUMBLE key of a Twrite's data on the auth fid, hashed; 0 when none. */
int mumble_key(const uint8_t *data, size_t len, uint64_t *key_hash);
struct ninep_esession *own_esession(struct ninep_conv *c);
struct ninep_esession *esession_by_key(const struct ninep_esessions *all, uint64_t key_hash);
/* A Twrite carried key K on the auth fid and was answered. */
void esession_key(struct ninep_conv *c, const struct ninep_request *r);
/* An accepted Tsession(K): this connection continues the session of K. */
void esession_join(struct ninep_conv *c, uint64_t key_hash);
/* The connection ends. */
void esession_leave(struct ninep_conv *c);

#endif
