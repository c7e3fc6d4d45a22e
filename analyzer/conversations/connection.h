/*
 * The live state of one TCP connection that carries (or may carry) 9P.
 * Freed when the connection closes; its figures live on in struct connection.
 */
#ifndef NINEP_ANALYZER_CONNECTION_H
#define NINEP_ANALYZER_CONNECTION_H

#include "analysis.h"
#include "conversations/framer.h"

/* What a framer's callbacks need to know: the connection and the side. */
struct side_ctx {
	struct conn_state *conn;
	int side;
};

struct conn_state {
	struct analysis *a;
	struct tcp_conn *tcp;
	struct connection *connection;
	int started;      /* the first data or gap arrived */
	int forced_client_side; /* -p: the side that is the client, else -1 */
	int decided;      /* known to be 9P, roles known */
	int client_side;  /* the TCP side (0 or 1) that sends requests */
	int scan[2];      /* the side's bytes may start mid-message (no SYN, or a gap) */
	struct framer dir[2];
	struct framer_env env[2];
	struct side_ctx sides[2];
	struct ninep_conv engine; /* the 9P conversation: tags, fids, dialect, limit (ninep/engine.h) */
	int had_gap;
	struct figures_batch counted; /* this connection's counts not yet in session->fig */
	struct access_tracker *accesses; /* file accesses in progress (accesses.c) */
	uint32_t message_have; /* bytes the capture holds of the message the engine is given now */
	struct conn_state *open_prev, *open_next; /* analysis->open_states */
};

/* matcher.c: what the engine's conversation tells the analyzer. */
void matcher_init(struct conn_state *c);
void matcher_message(struct conn_state *c, int from_client, const uint8_t *msg, uint32_t size, uint32_t have,
		     const struct ninep_msg *m, int64_t ts);
/* The connection ended: outstanding requests become unanswered. */
void matcher_close(struct conn_state *c);

#endif
