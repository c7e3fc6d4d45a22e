/*
 * TCP reassembly: each direction of each connection becomes in-order bytes.
 *
 * The common case (the segment is exactly the next expected one and nothing
 * is held) delivers straight from the packet buffer: no copy, no allocation.
 * Anything else is held in a sorted, non-overlapping list per direction,
 * where the first copy of a byte wins and later copies are compared against
 * it.  A hole is given up on (on_gap) only when it is provably lost or when
 * keeping it would cost too much:
 *   - the other side ACKs beyond it (the data was sent and received, the
 *     capture missed it);
 *   - the held bytes would exceed the per-stream or total ceiling;
 *   - the connection ends (both FINs, RST, reuse, end of capture).
 * Timing comes only from capture timestamps.
 *
 * Retransmissions are counted per segment: a segment that repeats sequence
 * space already seen counts once, as a conflict if any repeated byte differs
 * from the first copy, else as a retransmission.  Held bytes are compared
 * directly.  Delivered bytes are not kept (copying every payload into
 * per-stream history costs as much as the rest of the work, in cache misses
 * over thousands of streams); instead each direction remembers a fingerprint
 * of its last RECENT_PRINTS delivered pieces.  A whole segment's comes from
 * tcp_parse, which computes it while the bytes are hot (on the reading
 * thread, for a file); other pieces are fingerprinted when delivered.  A repeat is compared with every remembered piece it covers, which
 * catches TCP's usual retransmission (the same segment, or several
 * collapsed into one).  A repeat that covers no remembered piece whole
 * cannot be compared and counts as identical.
 */
#include "capture_internal.h"

#include <stdlib.h>
#include <string.h>

enum {
	TCP_HDR_MIN = 20,
	TCP_OFF_SPORT = 0,
	TCP_OFF_DPORT = 2,
	TCP_OFF_SEQ = 4,
	TCP_OFF_ACK = 8,
	TCP_OFF_DOFF = 12,
	TCP_OFF_FLAGS = 13,
	TCP_FIN = 0x01,
	TCP_SYN = 0x02,
	TCP_RST = 0x04,
	TCP_ACK = 0x10,
};

/* One segment's overlap with what was seen before. */
struct repeat {
	int overlap; /* it repeats sequence space already seen */
	int differ;  /* ... with different bytes */
};

/* A closed connection's entry absorbs late packets (the last ACK, a
 * retransmitted FIN) for this long, like TIME_WAIT (2 MSL on Linux). */
static const int64_t CLOSED_LINGER_NS = 60 * (int64_t)1000000000;

/* What a held range costs against the ceilings besides its bytes. */
static size_t held_cost(uint32_t data_len)
{
	return sizeof(struct held_seg) + data_len;
}

/* ---- events */

/* A Fletcher-style sum over 64-bit words: one pass over bytes that are in
 * cache anyway; any single changed byte changes it. */
uint64_t tcp_fingerprint(const uint8_t *p, size_t n)
{
	uint64_t a = n, b = 0, w;

	/* Four words a step, the same sum: after words w0..w3, b has gained
	 * (a + w0) + (a + w0 + w1) + (a + w0 + w1 + w2) + (a + w0 + ... + w3). */
	for (; n >= 4 * sizeof w; p += 4 * sizeof w, n -= 4 * sizeof w) {
		uint64_t w0, w1, w2, w3;
		memcpy(&w0, p, sizeof w0);
		memcpy(&w1, p + 8, sizeof w1);
		memcpy(&w2, p + 16, sizeof w2);
		memcpy(&w3, p + 24, sizeof w3);
		uint64_t s1 = w0, s2 = s1 + w1, s3 = s2 + w2, s4 = s3 + w3;
		b += 4 * a + s1 + s2 + s3 + s4;
		a += s4;
	}
	for (; n >= sizeof w; p += sizeof w, n -= sizeof w) {
		memcpy(&w, p, sizeof w);
		a += w;
		b += a;
	}
	w = 0;
	memcpy(&w, p, n);
	a += w;
	b += a;
	return a ^ (b * 0x9e3779b97f4a7c15u);
}

/* Remembers the piece being delivered at h->next, whose fingerprint is
 * `sum` when known (a whole segment's payload, from tcp_parse). */
static void remember(struct half *h, const uint8_t *data, size_t len, const uint64_t *sum)
{
	struct seg_print *sp = &h->prints[h->nextprint];

	h->nextprint = (uint8_t)((h->nextprint + 1) % RECENT_PRINTS);
	sp->seq = h->next;
	sp->len = (uint32_t)len;
	sp->sum = sum != NULL ? *sum : tcp_fingerprint(data, len);
}

/* Compares [seq, seq+n), captured and all before h->next, with every
 * remembered piece inside it. */
static void compare_recent(const struct half *h, uint32_t seq, const uint8_t *data, size_t n, struct repeat *rp)
{
	size_t i;

	for (i = 0; i < RECENT_PRINTS && !rp->differ; i++) {
		const struct seg_print *sp = &h->prints[i];
		uint32_t off = sp->seq - seq;
		if (sp->len == 0 || off > n || sp->len > n - off)
			continue;
		rp->differ = tcp_fingerprint(data + off, sp->len) != sp->sum;
	}
}

/* sum: the fingerprint of data[0..len) when known, else NULL */
static void deliver_data(struct reassembler *r, struct conn *c, int side, const uint8_t *data, size_t len,
			 const uint64_t *sum, int64_t ts)
{
	if (len == 0 || c->pub.ignored)
		return;
	remember(&c->half[side], data, len, sum);
	c->told = 1;
	c->pub.payload_bytes[side] += len;
	if (r->ev.on_data != NULL)
		r->ev.on_data(r->ctx, &c->pub, side, data, len, ts);
}

static void deliver_gap(struct reassembler *r, struct conn *c, int side, uint64_t bytes, int64_t ts)
{
	if (bytes == 0 || c->pub.ignored)
		return;
	c->told = 1;
	r->st.gaps++;
	r->st.gap_bytes += bytes;
	if (r->ev.on_gap != NULL)
		r->ev.on_gap(r->ctx, &c->pub, side, bytes, ts);
}

/* Payload the snaplen cut: known to be there, not what it is. */
static void deliver_uncaptured(struct reassembler *r, struct conn *c, int side, uint64_t bytes, int64_t ts)
{
	if (bytes == 0 || c->pub.ignored)
		return;
	c->told = 1;
	r->st.uncaptured_bytes += bytes;
	if (r->ev.on_uncaptured != NULL)
		r->ev.on_uncaptured(r->ctx, &c->pub, side, bytes, ts);
	else if (r->ev.on_gap != NULL)
		r->ev.on_gap(r->ctx, &c->pub, side, bytes, ts); /* a consumer that does not tell them apart */
}

/* ---- held (out-of-order) ranges */

static void unhold(struct reassembler *r, struct half *h, struct held_seg *s)
{
	size_t cost = held_cost(s->data != NULL ? s->len : 0);

	h->held_bytes -= cost;
	r->held_total -= cost;
	free(s);
}

static void release_half(struct reassembler *r, struct half *h)
{
	while (h->held != NULL) {
		struct held_seg *s = h->held;
		h->held = s->next;
		unhold(r, h, s);
	}
}

/* The upper half said it does not want this connection: free its buffers. */
static int check_ignored(struct reassembler *r, struct conn *c)
{
	if (!c->pub.ignored)
		return 0;
	if (!c->released) {
		release_half(r, &c->half[0]);
		release_half(r, &c->half[1]);
		c->released = 1;
	}
	return 1;
}

/* Notes the overlap of a new copy with a held one; the held one stays. */
static void compare_held(const uint8_t *held, const uint8_t *again, uint32_t n, struct repeat *rp)
{
	rp->overlap = 1;
	/* a range the snaplen cut on either side: nothing to compare */
	if (held != NULL && again != NULL && memcmp(held, again, n) != 0)
		rp->differ = 1;
}

static struct held_seg *new_seg(struct reassembler *r, struct half *h, uint32_t seq, const uint8_t *data,
				uint32_t len, int64_t ts)
{
	size_t cost = held_cost(data != NULL ? len : 0);
	struct held_seg *s = malloc(cost);

	if (s == NULL) {
		r->st.limit_hits++;
		return NULL;
	}
	s->next = NULL;
	s->seq = seq;
	s->len = len;
	s->ts = ts;
	s->data = NULL;
	if (data != NULL) {
		s->data = (uint8_t *)(s + 1);
		memcpy(s->data, data, len);
	}
	h->held_bytes += cost;
	r->held_total += cost;
	return s;
}

/* Adds [seq, seq+len) to the held list; data NULL means "cut by the snaplen".
 * Parts already held keep their first copy. */
static void hold(struct reassembler *r, struct half *h, uint32_t seq, const uint8_t *data, uint32_t len,
		 int64_t ts, struct repeat *rp)
{
	struct held_seg **pp = &h->held;

	while (len > 0) {
		struct held_seg *cur = *pp, *s;
		uint32_t n, off;

		if (cur != NULL && seq_le(cur->seq + cur->len, seq)) {
			pp = &cur->next;
			continue;
		}
		if (cur == NULL || seq_le(seq + len, cur->seq)) {
			s = new_seg(r, h, seq, data, len, ts);
			if (s != NULL) {
				s->next = cur;
				*pp = s;
			}
			return;
		}
		if (seq_lt(seq, cur->seq)) {
			n = cur->seq - seq;
			s = new_seg(r, h, seq, data, n, ts);
			if (s != NULL) {
				s->next = cur;
				*pp = s;
				pp = &s->next;
			}
		} else {
			off = seq - cur->seq;
			n = cur->len - off < len ? cur->len - off : len;
			compare_held(cur->data != NULL ? cur->data + off : NULL, data, n, rp);
			pp = &cur->next;
		}
		seq += n;
		len -= n;
		if (data != NULL)
			data += n;
	}
}

/* How drain times what it delivers. */
enum drain_time {
	DRAIN_FILLED, /* a packet filled the hole: its time completed them all */
	DRAIN_GAVE_UP, /* a hole was declared lost: nothing completed them then */
};

/*
 * Delivers held ranges that have become next in line.  When a packet
 * filled the hole, everything is delivered at its time `ts`.  When the
 * hole was given up, each range is delivered at the time of the packet that
 * carried it (or of an earlier-in-stream range that came later: a message
 * across both was complete only then), never at the time of the packet that
 * made us give up, which says nothing about these bytes.
 */
static void drain(struct reassembler *r, struct conn *c, int side, int64_t ts, enum drain_time how)
{
	struct half *h = &c->half[side];
	struct held_seg *s;
	int64_t carried = INT64_MIN;

	while ((s = h->held) != NULL && seq_le(s->seq, h->next)) {
		uint32_t skip = h->next - s->seq; /* 0 by construction; kept safe anyway */
		h->held = s->next;
		if (skip < s->len) {
			uint32_t n = s->len - skip;
			int64_t when = ts;
			if (how == DRAIN_GAVE_UP) {
				carried = s->ts > carried ? s->ts : carried;
				when = carried;
			}
			if (s->data != NULL)
				deliver_data(r, c, side, s->data + skip, n, NULL, when);
			else
				deliver_uncaptured(r, c, side, n, when); /* the snaplen cut it */
			h->next += n;
		}
		unhold(r, h, s);
		if (check_ignored(r, c))
			return;
	}
}

/* Gives up on the hole before the first held range. */
static void skip_hole(struct reassembler *r, struct conn *c, int side, int64_t ts)
{
	struct half *h = &c->half[side];

	if (h->held == NULL)
		return;
	if (seq_gt(h->held->seq, h->next)) {
		deliver_gap(r, c, side, h->held->seq - h->next, ts);
		h->next = h->held->seq;
	}
	drain(r, c, side, ts, DRAIN_GAVE_UP);
}

/* Everything still held, and a FIN beyond what was delivered, become gaps. */
static void flush_half(struct reassembler *r, struct conn *c, int side, int64_t ts)
{
	struct half *h = &c->half[side];

	while (h->held != NULL && !c->pub.ignored)
		skip_hole(r, c, side, ts);
	if (h->fin && h->started && seq_lt(h->next, h->fin_seq)) {
		deliver_gap(r, c, side, h->fin_seq - h->next, ts);
		h->next = h->fin_seq;
	}
	release_half(r, h);
}

static int over_ceiling(const struct reassembler *r, const struct half *h, size_t need)
{
	return h->held_bytes + need > r->lim.max_out_of_order_per_stream ||
	       r->held_total + need > r->lim.max_out_of_order_total;
}

static void count_repeat(struct reassembler *r, const struct repeat *rp)
{
	if (rp->differ)
		r->st.retransmission_conflicts++;
	else if (rp->overlap)
		r->st.retransmissions++;
}

/*
 * Payload of one segment of `side`: [seq, seq+wire) of which the first cap
 * bytes were captured (the rest was cut by the snaplen); sum is their
 * fingerprint.
 */
static void stream_data(struct reassembler *r, struct conn *c, int side, uint32_t seq, const uint8_t *data,
			size_t cap, size_t wire, uint64_t sum, int64_t ts)
{
	struct half *h = &c->half[side];
	struct repeat rp = { 0, 0 };
	const uint8_t *whole = data; /* the captured payload, whose fingerprint is sum */
	size_t whole_cap = cap;

	if (!h->started) {
		/* no SYN: the first byte we see is where the stream starts */
		h->started = 1;
		h->next = seq;
	}
	/* a keep-alive: one byte (garbage) just before next; not a repeat */
	if (wire == 1 && seq == h->next - 1)
		return;
	for (;;) {
		int32_t old = seq_diff(h->next, seq);
		size_t need;

		if (old > 0) {
			/* the front (or all) of it was delivered already */
			size_t n = (size_t)old < wire ? (size_t)old : wire;
			rp.overlap = 1;
			compare_recent(h, seq, data, n < cap ? n : cap, &rp);
			if ((size_t)old >= wire)
				break;
			seq += (uint32_t)old;
			wire -= (size_t)old;
			if (cap > (size_t)old) {
				data += old;
				cap -= (size_t)old;
			} else {
				cap = 0;
			}
		}
		if (seq == h->next && (h->held == NULL || seq_gt(h->held->seq, seq))) {
			/* in order: deliver from the packet, up to the first held range */
			size_t lim = wire, dcap;
			if (h->held != NULL && h->held->seq - seq < lim)
				lim = h->held->seq - seq;
			dcap = cap < lim ? cap : lim;
			deliver_data(r, c, side, data, dcap, data == whole && dcap == whole_cap ? &sum : NULL, ts);
			if (dcap < lim)
				deliver_uncaptured(r, c, side, lim - dcap, ts); /* the snaplen cut it */
			h->next += (uint32_t)lim;
			if (check_ignored(r, c))
				break;
			if (lim == wire) {
				drain(r, c, side, ts, DRAIN_FILLED);
				break;
			}
			seq += (uint32_t)lim;
			wire -= lim;
			if (cap > lim) {
				data += lim;
				cap -= lim;
			} else {
				cap = 0;
			}
			/* the rest overlaps held data: merge it below */
		}
		/* two ranges at most: the captured part and the cut part */
		need = held_cost((uint32_t)cap) + held_cost(0);
		if (over_ceiling(r, h, need)) {
			r->st.limit_hits++;
			if (h->held != NULL) {
				skip_hole(r, c, side, ts);
			} else {
				/* nothing to give up but the hole before this segment */
				deliver_gap(r, c, side, seq - h->next, ts);
				h->next = seq;
			}
			if (check_ignored(r, c))
				break;
			continue;
		}
		if (seq != h->next)
			r->st.out_of_order++;
		hold(r, h, seq, data, (uint32_t)cap, ts, &rp);
		if (wire > cap)
			hold(r, h, seq + (uint32_t)cap, NULL, (uint32_t)(wire - cap), ts, &rp);
		drain(r, c, side, ts, DRAIN_FILLED);
		break;
	}
	count_repeat(r, &rp);
}

/* The peer acknowledged `ack`: bytes of `side` before it were sent and
 * received, so a hole before it will never be filled by this capture. */
static void ack_gap(struct reassembler *r, struct conn *c, int side, uint32_t ack, int64_t ts)
{
	struct half *h = &c->half[side];

	while (h->started && h->held != NULL && seq_gt(ack, h->next) && !c->pub.ignored) {
		uint32_t upto = seq_lt(ack, h->held->seq) ? ack : h->held->seq;
		deliver_gap(r, c, side, upto - h->next, ts);
		h->next = upto;
		drain(r, c, side, ts, DRAIN_GAVE_UP);
	}
}

/* ---- connections */

static void close_conn(struct reassembler *r, struct conn *c, enum close_reason why, int64_t ts)
{
	if (c->state != CONN_OPEN)
		return;
	flush_half(r, c, 0, ts);
	flush_half(r, c, 1, ts);
	if (r->ev.on_close != NULL)
		r->ev.on_close(r->ctx, &c->pub, why, ts);
	c->closed_ns = ts;
	r->open_conns--;
	conntable_retire(r->conns, c);
}

/* Forgets closed connections past their linger time (or beyond the
 * connection ceiling), oldest first. */
static void expire_closed(struct reassembler *r, int64_t ts)
{
	struct conn *c;

	while ((c = conntable_oldest_retired(r->conns)) != NULL) {
		if (ts - c->closed_ns <= CLOSED_LINGER_NS && conntable_retired(r->conns) <= r->lim.max_connections)
			break;
		conntable_remove(r->conns, c);
	}
}

/* Ends the connections silent for longer than the idle timeout, least
 * recently active first (capture.h, struct reasm_limits).  Their entries
 * go at once: a later packet on the 4-tuple starts a new connection. */
static void expire_idle(struct reassembler *r, int64_t ts)
{
	struct conn *c;

	if (r->lim.idle_timeout_ns <= 0)
		return;
	while ((c = conntable_oldest(r->conns)) != NULL && ts - c->pub.last_ns > r->lim.idle_timeout_ns) {
		close_conn(r, c, CLOSE_IDLE, ts);
		conntable_remove(r->conns, c);
	}
}

/* by_syn: the first packet is the client's SYN, so the upper half learns
 * in on_open that the capture holds the connection's start. */
static struct conn *open_conn(struct reassembler *r, const struct endpoint *client, const struct endpoint *server,
			      int by_syn, int64_t ts)
{
	struct conn *c;

	while (r->open_conns >= r->lim.max_connections && r->open_conns > 0) {
		struct conn *victim = conntable_oldest(r->conns);
		if (victim == NULL)
			break; /* open_conns and the list disagree: a bug, but do not loop */
		r->st.limit_hits++;
		close_conn(r, victim, CLOSE_LIMIT, ts);
		conntable_remove(r->conns, victim);
	}
	c = conntable_add(r->conns, client, server);
	if (c == NULL) {
		r->st.limit_hits++;
		return NULL;
	}
	c->state = CONN_OPEN;
	c->pub.id = ++r->next_id;
	c->pub.handshake_rtt_ns = -1;
	c->pub.first_ns = c->pub.last_ns = ts;
	c->syn_ns = by_syn ? ts : -1;
	c->pub.syn_seen = by_syn;
	r->open_conns++;
	r->st.connections++;
	if (r->ev.on_open != NULL)
		r->ev.on_open(r->ctx, &c->pub);
	return c;
}

/*
 * A SYN (without ACK) on a connection that is still open.  It is a
 * retransmission when it repeats the ISN we know; otherwise the 4-tuple is
 * being reused.  (A SYN inside a live connection is not legitimate TCP, so
 * any other ISN means a new connection, not only a "far" one.)
 */
static int syn_starts_new(const struct conn *c, int side, uint32_t seq)
{
	const struct half *h = &c->half[side];

	if (c->half[0].fin || c->half[1].fin)
		return 1;
	if (h->have_isn)
		return h->isn != seq;
	/* no SYN known from this side: a SYN right before its first byte, with
	 * nothing delivered yet, is the start we missed or a simultaneous open */
	if (c->pub.payload_bytes[0] == 0 && c->pub.payload_bytes[1] == 0 && (!h->started || h->next == seq + 1))
		return 0;
	return 1;
}

/* ---- a segment's header, read without state (frame_parse's last step) */

void tcp_parse(const uint8_t *base, size_t off, size_t cap_len, size_t wire_len, struct frame_view *v)
{
	const uint8_t *seg = base + off;
	size_t hl;

	if (cap_len < TCP_HDR_MIN) {
		v->kind = wire_len < TCP_HDR_MIN ? FRAME_MALFORMED : FRAME_TRUNCATED;
		return;
	}
	hl = (size_t)(seg[TCP_OFF_DOFF] >> 4) * 4;
	if (hl < TCP_HDR_MIN || hl > wire_len) {
		v->kind = FRAME_MALFORMED;
		return;
	}
	if (hl > cap_len) {
		v->kind = FRAME_TRUNCATED;
		return;
	}
	v->kind = FRAME_TCP;
	v->src.port = rd_be16(seg + TCP_OFF_SPORT);
	v->dst.port = rd_be16(seg + TCP_OFF_DPORT);
	v->tcp.hash = conntable_hash(&v->src, &v->dst);
	v->tcp.seq = rd_be32(seg + TCP_OFF_SEQ);
	v->tcp.ack = rd_be32(seg + TCP_OFF_ACK);
	v->tcp.flags = seg[TCP_OFF_FLAGS];
	v->tcp.payload_off = off + hl;
	v->tcp.payload_cap = cap_len - hl;
	v->tcp.payload_wire = wire_len - hl;
	v->tcp.payload_sum = tcp_fingerprint(seg + hl, cap_len - hl);
}

/* ---- a segment through its connection */

void tcp_segment_input(struct reassembler *r, const uint8_t *base, const struct frame_view *v, int64_t ts)
{
	const struct endpoint *src = &v->src, *dst = &v->dst;
	uint32_t seq = v->tcp.seq, ack = v->tcp.ack;
	uint8_t flags = v->tcp.flags;
	size_t pwire = v->tcp.payload_wire;
	struct conn *c;
	struct half *h;
	int side = 0;

	expire_closed(r, ts);
	expire_idle(r, ts);
	c = conntable_find(r->conns, src, dst, v->tcp.hash, &side);
	if (c != NULL && c->state == CONN_CLOSED) {
		if ((flags & (TCP_SYN | TCP_ACK)) != TCP_SYN)
			return; /* a late packet of a finished connection */
		conntable_remove(r->conns, c);
		c = NULL;
	}
	if (c != NULL && (flags & (TCP_SYN | TCP_ACK)) == TCP_SYN && syn_starts_new(c, side, seq)) {
		close_conn(r, c, CLOSE_REUSED, ts);
		conntable_remove(r->conns, c);
		c = NULL;
	}
	if (c == NULL) {
		if (flags & TCP_RST)
			return; /* a lone RST carries no stream */
		/* side 0 is the client when the handshake tells us who that is */
		if ((flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK)) {
			c = open_conn(r, dst, src, 0, ts);
			side = 1;
		} else {
			c = open_conn(r, src, dst, (flags & TCP_SYN) != 0, ts);
			side = 0;
		}
		if (c == NULL)
			return;
	}
	c->pub.last_ns = ts;
	conntable_touch(r->conns, c);
	h = &c->half[side];

	if (flags & TCP_SYN) {
		if (!h->have_isn) {
			h->have_isn = 1;
			h->isn = seq;
			if (c->pub.payload_bytes[side] == 0 && h->held == NULL) {
				h->started = 1;
				h->next = seq + 1;
			}
		}
		/* Once the upper half has bytes it has decided how to read them
		 * (from the start or mid-stream): a SYN after that changes nothing. */
		if (!(flags & TCP_ACK) && side == 0 && c->syn_ns < 0 && !c->told) {
			c->syn_ns = ts;
			c->pub.syn_seen = 1;
		}
		if (flags & TCP_ACK)
			c->synack_seen = 1;
		seq++; /* the SYN occupies one sequence number; data follows it */
	}
	if (flags & TCP_RST) {
		close_conn(r, c, CLOSE_RST, ts);
		return;
	}
	if (pwire > 0 && !check_ignored(r, c))
		stream_data(r, c, side, seq, base + v->tcp.payload_off, v->tcp.payload_cap, pwire, v->tcp.payload_sum,
			    ts);
	if (flags & TCP_ACK) {
		struct half *peer = &c->half[1 - side];
		if (side == 0 && !(flags & TCP_SYN) && c->synack_seen && c->syn_ns >= 0 &&
		    c->pub.handshake_rtt_ns < 0 && peer->have_isn && ack == peer->isn + 1)
			c->pub.handshake_rtt_ns = ts - c->syn_ns;
		if (!check_ignored(r, c))
			ack_gap(r, c, 1 - side, ack, ts);
	}
	if ((flags & TCP_FIN) && !h->fin) {
		h->fin = 1;
		h->fin_seq = seq + (uint32_t)pwire;
		if (!h->started) {
			h->started = 1;
			h->next = h->fin_seq;
		}
	}
	check_ignored(r, c);
	if (c->half[0].fin && c->half[1].fin)
		close_conn(r, c, CLOSE_FIN, ts);
}

/* ---- the reassembler */

struct reassembler *reasm_new(const struct reasm_limits *limits, const struct stream_events *events, void *ctx)
{
	static const struct reasm_limits defaults = REASM_DEFAULT_LIMITS;
	struct reassembler *r = calloc(1, sizeof *r);

	if (r == NULL)
		return NULL;
	r->lim = limits != NULL ? *limits : defaults;
	if (events != NULL)
		r->ev = *events;
	r->ctx = ctx;
	r->conns = conntable_new();
	r->frags = frag_new();
	if (r->conns == NULL || r->frags == NULL) {
		conntable_free(r->conns);
		frag_free(r->frags);
		free(r);
		return NULL;
	}
	return r;
}

void reasm_free(struct reassembler *r, int64_t ts)
{
	struct conn **all;
	size_t n = 0, i;

	if (r == NULL)
		return;
	/* in order of id, so reports come out in a stable order */
	all = conntable_all(r->conns, &n);
	for (i = 0; all != NULL && i < n; i++) {
		struct conn *c = all[i];
		if (c->state == CONN_OPEN)
			close_conn(r, c, c->half[0].fin || c->half[1].fin ? CLOSE_FIN : CLOSE_END_OF_CAPTURE, ts);
	}
	free(all);
	conntable_free(r->conns);
	frag_free(r->frags);
	free(r);
}

const struct capture_stats *reasm_stats(const struct reassembler *r)
{
	return &r->st;
}

void reasm_idle(struct reassembler *r, int64_t ts_ns)
{
	expire_idle(r, ts_ns);
	if (r->ev.on_idle != NULL)
		r->ev.on_idle(r->ctx, ts_ns);
}
