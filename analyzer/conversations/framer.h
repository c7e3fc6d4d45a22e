/*
 * 9P framing of one direction of a TCP connection.
 *
 * Bytes arrive in order, in arbitrary pieces; whole messages leave.  At a
 * message boundary a header whose size fits and whose type some dialect
 * defines for the direction (requests from the client, replies from the
 * server) is a message, whether its body conforms or not
 * (ninep_decode_conforming).  After a gap, or after bytes that are not 9P, the framer scans
 * forward to the first provably plausible message boundary: a header whose
 * size fits, whose type the dialect defines for this direction, whose message
 * decodes exactly, and which is followed by another plausible header (when
 * the bytes to tell are there).  Every byte given up is reported, with why.
 *
 * A partial message waits in a buffer that never holds more than the
 * largest message the connection allows plus one delivered piece.  The
 * data of a large Rread (or Rreaddir, Rsread) that comes in many pieces is
 * not kept at all: nothing reads it, and copying it was most of the
 * framer's work.
 */
#ifndef NINEP_ANALYZER_FRAMER_H
#define NINEP_ANALYZER_FRAMER_H

#include <stddef.h>
#include <stdint.h>

#include "ninep/engine.h"

enum framer_state {
	FRAMER_SYNC,        /* at a message boundary */
	FRAMER_RESYNC_GAP,  /* after bytes the capture lost */
	FRAMER_RESYNC_GARBAGE, /* after bytes that are not 9P */
};

enum framer_skip {
	SKIP_GARBAGE,   /* not 9P */
	SKIP_RESYNC,    /* dropped finding a boundary after a gap */
	SKIP_TRUNCATED, /* a partial message when the stream ended */
};

struct framer {
	uint8_t *buf;
	size_t len, cap;
	enum framer_state state;
	uint64_t discard; /* the rest of a message a gap cut: dropped, then framing goes on */
	uint32_t absent;  /* data of the waiting message passed over, not kept in buf */
	int64_t ts; /* time of the last bytes added */
};

/* What the framer needs from its connection; read afresh for every
 * message, since a Rversion changes the limits mid-piece. */
struct framer_env {
	const uint32_t *max_size;
	const unsigned *dialects;
	int requests; /* 1: this direction carries T-messages */
	/* Messages up to this size come whole.  A larger one whose last field
	 * is data (ninep_decode_head) and that spans pieces may come with only
	 * the bytes before its data: `msg` then holds those, and the data
	 * item's bytes must not be read. */
	uint32_t whole_up_to;
	void *ctx;
	/* A message of `size` bytes, of which msg holds the first `have` (all
	 * of it, or its head when its data was passed over or not captured). */
	void (*message)(void *ctx, const uint8_t *msg, uint32_t size, uint32_t have, const struct ninep_msg *decoded,
			enum ninep_conformance fit, int64_t ts);
	void (*skipped)(void *ctx, enum framer_skip why, uint64_t bytes);
};

void framer_feed(struct framer *f, const struct framer_env *env, const uint8_t *data, size_t len, int64_t ts);
/* Keep bytes in the framer's buffer without framing them yet (bytes seen
 * before a connection's roles are known). */
void framer_append(struct framer *f, const uint8_t *data, size_t len);
/* `bytes` were lost.  A gap wholly inside a message whose header was seen
 * loses that message only (its size says where the next one starts);
 * otherwise framing resynchronises.  Either way the partial message goes
 * (it is lost, not counted as garbage). */
void framer_gap(struct framer *f, const struct framer_env *env, uint64_t bytes);
/* `bytes` were sent but the snaplen cut them.  A message whose header was
 * captured is still a message: it goes on when its last byte has gone by,
 * captured or not, with what was captured of it.  A hole that covers a
 * size field loses framing, as a gap does; one that covers only the rest of
 * a size-only head loses that message.  Bytes are counted by the caller. */
void framer_uncaptured(struct framer *f, const struct framer_env *env, uint64_t bytes, int64_t ts);
/* The stream ended: whatever is left is reported. */
void framer_finish(struct framer *f, const struct framer_env *env);
void framer_free(struct framer *f);

#endif
