/*
 * The live state of one TCP connection that carries (or may carry) 9P.
 * Freed when the connection closes; its figures live on in struct session.
 */
#ifndef NINEP_ANALYZER_CONNECTION_H
#define NINEP_ANALYZER_CONNECTION_H

#include "analysis.h"
#include "ninep_stream.h"
#include "tables.h"

/* Before Rversion says otherwise, the largest message we believe. */
enum { NINEP_CEILING = (1u << 20) + NINEP_HDRSZ + 24 };

struct conn_state;

enum {
	EARLY_REPLIES_MAX = 16,   /* replies waiting for their request, per connection */
	EARLY_REPLY_BYTES = 512,  /* kept whole up to this size (enough for Rwalk, Rversion, Rerror) */
};

/* A reply that came before its request (see matcher.c). */
struct early_reply {
	uint8_t used;
	uint8_t type;
	uint16_t tag;
	uint32_t size, kept;
	int64_t ts;
	uint8_t bytes[EARLY_REPLY_BYTES];
};

/* What a framer's callbacks need to know: the connection and the side. */
struct side_ctx {
	struct conn_state *conn;
	int side;
};

struct conn_state {
	struct analysis *a;
	struct tcp_conn *tcp;
	struct session *session;
	int started;      /* the first data or gap arrived */
	int forced_client_side; /* -p: the side that is the client, else -1 */
	int decided;      /* known to be 9P, roles known */
	int client_side;  /* the TCP side (0 or 1) that sends requests */
	int scan[2];      /* the side's bytes may start mid-message (no SYN, or a gap) */
	struct framer dir[2];
	struct framer_env env[2];
	struct side_ctx sides[2];
	unsigned dialects;
	uint32_t max_size;
	struct u32map tags;   /* struct pending by tag (see matcher.c) */
	unsigned duplicate_tags; /* requests queued behind another with their tag */
	uint64_t request_seq;
	struct early_reply *early; /* EARLY_REPLIES_MAX, allocated on first use */
	unsigned n_early;
	struct fidmap *fids;  /* struct fid_entry by fid */
	int has_auth_fid;
	uint32_t auth_fid;
	int had_gap;
	struct figures_batch counted; /* this connection's counts not yet in session->fig */
	struct access_tracker *accesses; /* file accesses in progress (accesses.c) */
};

/* matcher.c */
void matcher_init(struct conn_state *c);
void matcher_message(struct conn_state *c, int from_client, const uint8_t *msg, uint32_t size,
		     const struct ninep_msg *m, int64_t ts);
/* The connection ended: outstanding requests become unanswered. */
void matcher_close(struct conn_state *c);

#endif
