/*
 * 9P framing per direction, with resynchronisation.  See ninep_stream.h.
 */
#include "conversations/framer.h"

#include <stdlib.h>
#include <string.h>

enum {
	FRAMER_IDLE_CAP = 256, /* an empty buffer larger than this is freed */
};

void framer_append(struct framer *f, const uint8_t *data, size_t len)
{
	if (f->len + len > f->cap) {
		size_t cap = f->cap ? f->cap : FRAMER_IDLE_CAP;
		while (cap < f->len + len)
			cap *= 2;
		uint8_t *b = realloc(f->buf, cap);
		if (b == NULL)
			abort();
		f->buf = b;
		f->cap = cap;
	}
	memcpy(f->buf + f->len, data, len);
	f->len += len;
}

static void drop_front(struct framer *f, size_t n)
{
	memmove(f->buf, f->buf + n, f->len - n);
	f->len -= n;
}

/*
 * Frame messages out of p[0..n); returns how many bytes were used (handed
 * on as messages or reported as skipped).  The rest, an incomplete message
 * or a candidate boundary waiting for its bytes, stays with the caller.
 */
static size_t process(struct framer *f, const struct framer_env *env, const uint8_t *p, size_t n, int64_t ts)
{
	struct ninep_msg msg;
	size_t pos = 0;

	for (;;) {
		uint32_t max_size = *env->max_size;
		unsigned dialects = *env->dialects;
		if (f->state == FRAMER_SYNC) {
			size_t avail = n - pos;
			if (avail < NINEP_SIZESZ)
				return pos;
			uint32_t size = ninep_get32(p + pos);
			if (size < NINEP_HDRSZ || size > max_size) {
				f->state = FRAMER_RESYNC_GARBAGE;
				continue;
			}
			/* At a boundary: a header of any dialect is a message,
			 * whether its body conforms or not. */
			if (avail >= NINEP_HDRSZ &&
			    !ninep_plausible_header(p + pos, avail, max_size, NINEP_DIALECT_ANY, env->requests)) {
				f->state = FRAMER_RESYNC_GARBAGE;
				continue;
			}
			if (avail < size)
				return pos;
			enum ninep_conformance fit = ninep_decode_conforming(p + pos, size, dialects, &msg);
			env->message(env->ctx, p + pos, size, size, &msg, fit, ts);
			pos += size;
			continue;
		}

		/* Resynchronising: find the first provably plausible boundary. */
		enum framer_skip why = f->state == FRAMER_RESYNC_GAP ? SKIP_RESYNC : SKIP_GARBAGE;
		size_t o = pos;
		for (;; o++) {
			size_t avail = n - o;
			if (avail < NINEP_HDRSZ)
				break; /* wait for more bytes */
			if (!ninep_plausible_header(p + o, avail, max_size, dialects, env->requests))
				continue;
			uint32_t size = ninep_get32(p + o);
			if (avail < size)
				break; /* a candidate: wait for the rest of it */
			if (ninep_decode(p + o, size, dialects, &msg) != NINEP_OK)
				continue;
			if (avail - size >= NINEP_HDRSZ &&
			    !ninep_plausible_header(p + o + size, avail - size, max_size, dialects, env->requests))
				continue;
			f->state = FRAMER_SYNC;
			break;
		}
		if (o > pos)
			env->skipped(env->ctx, why, o - pos);
		pos = o;
		if (f->state != FRAMER_SYNC)
			return pos;
	}
}

static void feed(struct framer *f, const struct framer_env *env, const uint8_t *data, size_t len, int64_t ts);

/* Whether the waiting message's head, buf[0..len), suits this direction
 * and decodes with the connection's limits as they are now. */
static int head_decodes(const struct framer *f, const struct framer_env *env, struct ninep_msg *msg)
{
	return ninep_plausible_header(f->buf, f->len, *env->max_size, *env->dialects, env->requests) &&
	       ninep_decode_head(f->buf, f->len, *env->dialects, msg) == NINEP_OK;
}

/*
 * The waiting message is large and its head (the bytes before its data)
 * is in buf and decodes: drop the data bytes buf holds, and pass over the
 * rest as it comes (f->absent counts them).  Its outcome cannot change
 * with its data, which decoding never reads.
 */
static void keep_only_head(struct framer *f, const struct framer_env *env)
{
	if (f->state != FRAMER_SYNC || f->absent > 0 || f->len < NINEP_HDRSZ)
		return;
	uint32_t size = ninep_get32(f->buf);
	if (size <= env->whole_up_to || f->len >= size)
		return;
	struct ninep_msg head;
	if (!head_decodes(f, env, &head))
		return;
	uint32_t data_at = head.items[head.n_items - 1].offset;
	f->absent = (uint32_t)(f->len - data_at);
	f->len = data_at;
}

/* The last of a message whose data was passed over has come. */
static void deliver_head(struct framer *f, const struct framer_env *env, int64_t ts)
{
	uint32_t size = ninep_get32(f->buf);
	struct ninep_msg msg;
	/* Decoded again with the limits of now; they changed only if a
	 * Rversion went by in this direction meanwhile, which it cannot. */
	if (head_decodes(f, env, &msg)) {
		env->message(env->ctx, f->buf, size, (uint32_t)f->len, &msg, NINEP_CONFORMS, ts);
	} else {
		env->skipped(env->ctx, SKIP_GARBAGE, size);
		f->state = FRAMER_RESYNC_GARBAGE;
	}
	f->len = 0;
	f->absent = 0;
}

void framer_feed(struct framer *f, const struct framer_env *env, const uint8_t *data, size_t len, int64_t ts)
{
	feed(f, env, data, len, ts);
	/* A buffer that once held a large partial message is given back when
	 * it empties: otherwise every connection ends up keeping the largest
	 * message it ever saw split across segments, and memory grows with
	 * the length of the capture instead of with what is in flight.  Only
	 * the smallest buffer framer_append makes is kept, so an idle
	 * connection holds next to nothing while one that often splits small
	 * messages does not allocate for each. */
	if (f->len == 0 && f->cap > FRAMER_IDLE_CAP) {
		free(f->buf);
		f->buf = NULL;
		f->cap = 0;
	}
}

static void feed(struct framer *f, const struct framer_env *env, const uint8_t *data, size_t len, int64_t ts)
{
	f->ts = ts;
	if (f->discard > 0) {
		size_t drop = f->discard < len ? (size_t)f->discard : len;
		f->discard -= drop;
		data += drop;
		len -= drop;
	}
	while (len > 0) {
		if (f->len == 0) {
			/* The common case: frame straight out of the delivered bytes. */
			size_t used = process(f, env, data, len, ts);
			if (used < len) {
				framer_append(f, data + used, len - used);
				keep_only_head(f, env);
			}
			return;
		}
		if (f->state != FRAMER_SYNC) {
			framer_append(f, data, len);
			drop_front(f, process(f, env, f->buf, f->len, ts));
			return;
		}
		/* A partial message waits: add only what it needs, so that the
		 * bytes after it can be framed in place. */
		size_t need = NINEP_HDRSZ > f->len ? NINEP_HDRSZ - f->len : 0;
		if (need == 0) {
			uint32_t size = ninep_get32(f->buf);
			size_t have = f->len + f->absent;
			need = size > have ? size - have : 0;
		}
		size_t take = need < len ? need : len;
		if (take == 0)
			take = len; /* cannot happen while sizes are checked; never spin */
		if (f->absent > 0) {
			f->absent += (uint32_t)take;
			data += take;
			len -= take;
			if (take == need)
				deliver_head(f, env, ts);
			continue;
		}
		framer_append(f, data, take);
		data += take;
		len -= take;
		keep_only_head(f, env);
		if (f->absent > 0)
			continue;
		drop_front(f, process(f, env, f->buf, f->len, ts));
		if (f->len > 0 && f->state != FRAMER_SYNC && len > 0) {
			framer_append(f, data, len);
			drop_front(f, process(f, env, f->buf, f->len, ts));
			return;
		}
	}
}

/* Where the next message starts is unknown: what waits goes, and framing
 * resumes at the first provably plausible boundary. */
static void lose_framing(struct framer *f, const struct framer_env *env)
{
	if (f->len > 0 && f->state == FRAMER_RESYNC_GARBAGE)
		env->skipped(env->ctx, SKIP_GARBAGE, f->len);
	f->len = 0;
	f->absent = 0;
	f->discard = 0;
	f->state = FRAMER_RESYNC_GAP;
}

void framer_gap(struct framer *f, const struct framer_env *env, uint64_t bytes)
{
	if (f->state == FRAMER_SYNC && f->discard > 0 && bytes <= f->discard) {
		f->discard -= bytes; /* still inside the message already lost */
		return;
	}
	if (f->state == FRAMER_SYNC && f->discard == 0 && f->len >= NINEP_HDRSZ) {
		uint32_t size = ninep_get32(f->buf); /* checked plausible when the header came */
		uint64_t have = f->len + f->absent;
		if (have + bytes <= size) {
			f->discard = size - have - bytes;
			f->len = 0;
			f->absent = 0;
			return;
		}
	}
	lose_framing(f, env);
}

void framer_uncaptured(struct framer *f, const struct framer_env *env, uint64_t bytes, int64_t ts)
{
	f->ts = ts;
	if (f->state != FRAMER_SYNC && f->len >= NINEP_HDRSZ) {
		/* Resynchronising, a candidate header waits for its bytes, and the
		 * snaplen cut the rest of its packet.  When its size ends exactly
		 * where the packet ends, the packet held that one message (what
		 * 9P clients and servers write): framing resumes with it.  Anything
		 * else was not 9P as far as anyone can tell. */
		int requests;
		if (ninep_fills_cut_packet(f->buf, f->len, f->len + bytes, *env->max_size, *env->dialects, &requests) &&
		    requests == env->requests) {
			f->state = FRAMER_SYNC;
		} else {
			env->skipped(env->ctx, f->state == FRAMER_RESYNC_GAP ? SKIP_RESYNC : SKIP_GARBAGE, f->len);
			f->len = 0;
		}
	}
	while (bytes > 0 && f->state == FRAMER_SYNC) {
		if (f->discard > 0) {
			/* inside a message already lost */
			uint64_t n = bytes < f->discard ? bytes : f->discard;
			f->discard -= n;
			bytes -= n;
			continue;
		}
		if (f->len < NINEP_SIZESZ)
			break; /* a size field is not captured: framing is lost */
		uint32_t size = ninep_get32(f->buf);
		uint64_t have = f->len + f->absent;
		uint64_t rest = size > have ? size - have : 0;
		uint64_t n = bytes < rest ? bytes : rest;
		bytes -= n;
		if (f->len < NINEP_HDRSZ) {
			/* its size but not its type or tag: it cannot be counted,
			 * but where the next message starts is known */
			f->discard = rest - n;
			f->len = 0;
			f->absent = 0;
			continue;
		}
		f->absent += (uint32_t)n;
		if (n < rest)
			return; /* the rest of the message is still to come */
		/* Its last byte went by uncaptured: it goes on with its head. */
		struct ninep_msg msg;
		ninep_decode_captured(f->buf, (uint32_t)f->len, *env->dialects, &msg);
		env->message(env->ctx, f->buf, size, (uint32_t)f->len, &msg, NINEP_CONFORMS, ts);
		f->len = 0;
		f->absent = 0;
	}
	if (bytes == 0)
		return;
	/* A size field fell in the hole: resynchronise as after a gap (the
	 * caller counts the bytes as not captured, not as lost). */
	lose_framing(f, env);
}

void framer_finish(struct framer *f, const struct framer_env *env)
{
	if (f->len > 0) {
		enum framer_skip why = f->state == FRAMER_SYNC ? SKIP_TRUNCATED
				       : f->state == FRAMER_RESYNC_GAP ? SKIP_RESYNC
								       : SKIP_GARBAGE;
		env->skipped(env->ctx, why, f->len + f->absent);
	}
	f->len = 0;
	f->absent = 0;
}

void framer_free(struct framer *f)
{
	free(f->buf);
	memset(f, 0, sizeof *f);
}
