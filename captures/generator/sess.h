/*
 * A 9P conversation on one TCP connection: puts finished messages on the
 * wire and in the ledger together, so the truth cannot drift from the
 * bytes.  Cases that need to mistreat TCP use s->flow and ledger_msg
 * directly.
 */
#ifndef CAPGEN_SESS_H
#define CAPGEN_SESS_H

#include "buf.h"
#include "ledger.h"
#include "packet.h"

/* Every generated message fits in this (the largest msize we negotiate). */
enum { MSG_CEILING = 65536, MSG_MSIZE = 8192 };

struct sess {
	struct flow flow;
	struct ledger *lg;
	int conn;        /* index in the ledger */
	struct buf m;    /* the message being built */
	struct buf batch; /* messages queued for one segment */
};

/* Think time between a reply and the client's next request. */
#define SESS_THINK_NS 150000ull

/* Opens connection number lg->connections (and counts it); with
 * handshake, starts with SYN, SYN+ACK, ACK. */
void sess_open(struct sess *s, struct capfile *out, struct ledger *lg, const struct flow_config *c,
	       uint64_t start_ns, int handshake);
/* FIN both ways (when fin) and frees the buffers. */
void sess_end(struct sess *s, int fin);

/* s->m as one segment of its own. */
void sess_send(struct sess *s, int side);
/* s->m split over segments of at most seg bytes each. */
void sess_send_split(struct sess *s, int side, size_t seg);
/* s->m appended to the batch; sess_flush sends the batch as one segment. */
void sess_queue(struct sess *s, int side);
void sess_flush(struct sess *s, int side);
/* s->m recorded as lost without a frame (its bytes' sequence space used). */
void sess_lose(struct sess *s, int side);

#endif
