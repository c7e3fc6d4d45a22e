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

/* One direction's framing: its framer, framer_env and side_ctx, which
 * every message of the direction reads, side by side (120 bytes, two or
 * three cache lines) rather than in three arrays by kind (four or five
 * lines a message).
 * perf: with 1,000 interleaved connections each line a packet touches
 * is a cache miss.  `interleaved`, 300,000 packets, cachegrind with a
 * 512 KiB first level (the machine's L2): 11.10 M -> 10.57 M misses
 * (-4.8 %), together with the field order of conn_state below; `short`
 * and `mix` within 2 % (doc/performance.md, 2026-12-03, branch h20a).
 * Allocating conn_state on a line boundary
 * (aligned_alloc) took it to 10.37 M, but cost glibc's memalign about
 * 560 instructions a connection (+1.1 % on `short`): not done. */
struct conn_direction {
	struct framer framer;
	struct framer_env env;
	struct side_ctx ctx;
};

/* The fields read for every packet first, together (64 bytes). */
struct conn_state {
	struct analysis *a;
	struct tcp_conn *tcp;
	struct connection *connection;
	struct access_tracker *accesses; /* file accesses in progress (accesses.c) */
	int started;      /* the first data or gap arrived */
	int forced_client_side; /* -p: the side that is the client, else -1 */
	int decided;      /* known to be 9P, roles known */
	int client_side;  /* the TCP side (0 or 1) that sends requests */
	int scan[2];      /* the side's bytes may start mid-message (no SYN, or a gap) */
	uint32_t message_have; /* bytes the capture holds of the message the engine is given now */
	int had_gap;
	struct conn_direction dir[2];
	struct ninep_conv engine; /* the 9P conversation: tags, fids, dialect, limit (ninep/engine.h) */
	struct figures_batch counted; /* this connection's counts not yet in session->fig */
	struct conn_state *open_prev, *open_next; /* analysis->open_states */
};

/* matcher.c: what the engine's conversation tells the analyzer. */
void matcher_init(struct conn_state *c);
void matcher_message(struct conn_state *c, int from_client, const uint8_t *msg, uint32_t size, uint32_t have,
		     const struct ninep_msg *m, int64_t ts);
/* The connection ended: outstanding requests become unanswered. */
void matcher_close(struct conn_state *c);

#endif
