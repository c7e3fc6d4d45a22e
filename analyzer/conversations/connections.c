/*
 * The analyzer's side of struct stream_events (capture/capture.h): finding
 * 9P on a TCP connection, telling client from server, and handing each
 * direction's bytes to its framer, whose messages go to the engine
 * (matcher.c).
 *
 * A connection is 9P when one side's first bytes are a whole message that
 * decodes exactly (the engine's content heuristic, ninep_detect): a request
 * makes that side the client, a reply the server.  When the capture has the
 * connection's start (the SYN) the message must be at offset 0; otherwise
 * (or after a gap before anything was recognised) the first plausible
 * boundary within DETECT_SCAN_LIMIT bytes is looked for.  With -p, a
 * connection to one of the ports is 9P and the side with the port is the
 * server; other connections are ignored.
 */
#include <stdlib.h>
#include <string.h>

#include "conversations/connection.h"
#include "report/exchanges_csv.h"
#include "stats/tally.h"

enum {
	DETECT_SCAN_LIMIT = 64 * 1024, /* mid-stream: give up finding 9P after this much */
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);
	if (p == NULL)
		abort();
	return p;
}

/* ---- framer callbacks --------------------------------------------------- */

static void on_message(void *ctx, const uint8_t *msg, uint32_t size, uint32_t have, const struct ninep_msg *decoded,
		       enum ninep_conformance fit, int64_t ts)
{
	struct side_ctx *sc = ctx;
	struct conn_state *c = sc->conn;
	if (fit != NINEP_CONFORMS)
		c->connection->fig.nonconforming++;
	matcher_message(c, sc->side == c->client_side, msg, size, have, decoded, ts);
}

static void on_skipped(void *ctx, enum framer_skip why, uint64_t bytes)
{
	struct side_ctx *sc = ctx;
	struct figures *fig = &sc->conn->connection->fig;
	switch (why) {
	case SKIP_GARBAGE:
		fig->not_9p_bytes += bytes;
		break;
	case SKIP_RESYNC:
		/* Not 9P as far as anyone can tell; resync_bytes says how much of
		 * it was skipped finding a boundary after a loss. */
		fig->not_9p_bytes += bytes;
		fig->resync_bytes += bytes;
		break;
	case SKIP_TRUNCATED:
		fig->truncated_bytes += bytes;
		break;
	}
}

/* ---- connections -------------------------------------------------------- */

static int port_listed(const struct analysis *a, uint16_t port)
{
	for (unsigned i = 0; i < a->opt.n_ports; i++)
		if (a->opt.ports[i] == port)
			return 1;
	return 0;
}

static void conn_free(struct conn_state *c)
{
	if (c->open_prev != NULL)
		c->open_prev->open_next = c->open_next;
	else
		c->a->open_states = c->open_next;
	if (c->open_next != NULL)
		c->open_next->open_prev = c->open_prev;
	framer_free(&c->dir[0].framer);
	framer_free(&c->dir[1].framer);
	if (c->decided) {
		matcher_close(c);
	} else {
		figures_free(&c->connection->fig);
		free(c->connection);
	}
	free(c);
}

/* Not 9P: stop looking at it. */
static void give_up(struct conn_state *c)
{
	struct tcp_conn *conn = c->tcp;
	c->a->other_connections++;
	conn->ignored = 1;
	conn->user = NULL;
	conn_free(c);
}

static void hold(struct framer *f, const uint8_t *data, size_t len, int64_t ts)
{
	framer_append(f, data, len);
	f->ts = ts;
}

/* Roles are known: start framing, beginning with what was held back. */
static void decide(struct conn_state *c, int client_side, int side_found, size_t skip)
{
	struct analysis *a = c->a;
	struct connection *s = c->connection;
	c->decided = 1;
	c->client_side = client_side;
	matcher_init(c);

	s->client = c->tcp->side[client_side];
	s->server = c->tcp->side[1 - client_side];
	s->roles_from_syn = c->tcp->syn_seen && client_side == 0;
	/* Made now, not on a first row: the accesses CSV is written on the
	 * tally thread. */
	if (a->opt.exchanges != NULL || a->opt.accesses != NULL)
		connection_csv_prefix_make(s);
	s->prev = a->connections_tail;
	if (a->connections_tail)
		a->connections_tail->next = s;
	else
		a->connections = s;
	a->connections_tail = s;
	a->n_connections++;
	a->n_listed++;

	for (int side = 0; side < 2; side++) {
		struct framer_env *env = &c->dir[side].env;
		c->dir[side].ctx.conn = c;
		c->dir[side].ctx.side = side;
		env->max_size = &c->engine.max_size;
		env->dialects = &c->engine.dialects;
		env->requests = side == client_side;
		/* The engine reads a Twrite's data (a 9P2000.e session key), and
		 * replies whole up to NINEP_WHOLE_REPLY; no other data is read. */
		env->whole_up_to = env->requests ? UINT32_MAX : NINEP_WHOLE_REPLY;
		/* extract reads every reply's data: replies come whole too (a
		 * message is never larger than the connection's limit). */
		if (a->opt.extract != NULL)
			env->whole_up_to = UINT32_MAX;
		env->ctx = &c->dir[side].ctx;
		env->message = on_message;
		env->skipped = on_skipped;
	}
	/* The client's held bytes first: its requests precede the replies. */
	for (int k = 0; k < 2; k++) {
		int side = k == 0 ? client_side : 1 - client_side;
		struct framer *f = &c->dir[side].framer;
		uint8_t *held = f->buf;
		size_t len = f->len;
		size_t from = side == side_found ? skip : 0;
		f->buf = NULL;
		f->len = f->cap = 0;
		if (from > 0)
			on_skipped(&c->dir[side].ctx, SKIP_RESYNC, from);
		/* The other side may start mid-message too. */
		f->state = side != side_found && c->scan[side] ? FRAMER_RESYNC_GAP : FRAMER_SYNC;
		if (len > from)
			framer_feed(f, &c->dir[side].env, held + from, len - from, f->ts);
		free(held);
	}
}

static void try_detect(struct conn_state *c, int side)
{
	struct framer *f = &c->dir[side].framer;
	const uint8_t *buf = f->buf;
	size_t len = f->len;
	int requests;
	uint32_t size;

	if (!c->scan[side]) {
		/* The connection's first bytes: a message right here, or not 9P. */
		if (len < NINEP_HDRSZ)
			return;
		switch (ninep_detect(buf, len, &requests, &size)) {
		case NINEP_DETECT_YES:
			decide(c, requests ? side : 1 - side, side, 0);
			return;
		case NINEP_DETECT_NO:
			give_up(c);
			return;
		default:
			return; /* its bytes are still coming */
		}
	}
	/* Mid-stream: the first offset where a message plausibly starts. */
	for (size_t o = 0; o + NINEP_HDRSZ <= len; o++) {
		switch (ninep_detect(buf + o, len - o, &requests, &size)) {
		case NINEP_DETECT_YES:
			decide(c, requests ? side : 1 - side, side, o);
			return;
		case NINEP_DETECT_NO:
			break;
		default:
			return; /* a candidate whose bytes are still coming */
		}
	}
	if (len > DETECT_SCAN_LIMIT)
		give_up(c);
}

static void ev_open(void *ctx, struct tcp_conn *conn)
{
	struct analysis *a = ctx;
	int client_side = -1;
	if (a->opt.n_ports > 0) {
		if (port_listed(a, conn->side[1].port))
			client_side = 0;
		else if (port_listed(a, conn->side[0].port))
			client_side = 1;
		else {
			a->other_connections++;
			conn->ignored = 1;
			return;
		}
	}
	struct conn_state *c = xcalloc(1, sizeof *c);
	c->a = a;
	c->tcp = conn;
	c->connection = xcalloc(1, sizeof *c->connection);
	c->connection->id = conn->id; /* one reassembler for every input (capture/merge.c) */
	c->connection->input = a->current_input;
	c->connection->handshake_rtt_ns = -1;
	c->forced_client_side = client_side;
	c->open_next = a->open_states;
	if (a->open_states != NULL)
		a->open_states->open_prev = c;
	a->open_states = c;
	conn->user = c;
}

void analysis_sync(struct analysis *a)
{
	for (struct conn_state *c = a->open_states; c != NULL; c = c->open_next)
		if (c->decided)
			figures_flush(a, &c->connection->fig, &c->counted);
	tally_wait(a);
}

uint64_t analysis_outstanding(const struct analysis *a)
{
	uint64_t n = 0;
	for (const struct conn_state *c = a->open_states; c != NULL; c = c->open_next)
		if (c->decided)
			n += c->engine.tags.count;
	return n;
}

/* The first bytes (or gap): the reassembler knows by now whether it saw
 * the SYN. */
static void start(struct conn_state *c)
{
	if (c->started)
		return;
	c->started = 1;
	c->scan[0] = c->scan[1] = !c->tcp->syn_seen;
	c->had_gap = !c->tcp->syn_seen; /* the start is lost: what it held surfaces as orphans */
	if (c->forced_client_side >= 0) {
		decide(c, c->forced_client_side, c->forced_client_side, 0);
		/* Without the SYN the first bytes may be mid-message. */
		for (int side = 0; side < 2; side++)
			if (c->scan[side])
				c->dir[side].framer.state = FRAMER_RESYNC_GAP;
	}
}

static void ev_data(void *ctx, struct tcp_conn *conn, int side, const uint8_t *data, size_t len, int64_t ts)
{
	(void)ctx;
	struct conn_state *c = conn->user;
	if (c == NULL)
		return;
	start(c);
	if (c->decided) {
		framer_feed(&c->dir[side].framer, &c->dir[side].env, data, len, ts);
		return;
	}
	hold(&c->dir[side].framer, data, len, ts);
	try_detect(c, side);
}

static void ev_gap(void *ctx, struct tcp_conn *conn, int side, uint64_t bytes, int64_t ts)
{
	(void)ctx;
	(void)ts;
	struct conn_state *c = conn->user;
	if (c == NULL)
		return;
	start(c);
	struct figures *fig = &c->connection->fig;
	fig->gaps++;
	fig->gap_bytes += bytes;
	if (c->decided) {
		c->had_gap = 1;
		framer_gap(&c->dir[side].framer, &c->dir[side].env, bytes);
		return;
	}
	/* Nothing recognised yet: what was held is useless, look afresh. */
	c->dir[side].framer.len = 0;
	c->scan[side] = 1;
	c->had_gap = 1;
}

static void ev_uncaptured(void *ctx, struct tcp_conn *conn, int side, uint64_t bytes, int64_t ts)
{
	(void)ctx;
	struct conn_state *c = conn->user;
	if (c == NULL)
		return;
	start(c);
	c->connection->fig.uncaptured_bytes += bytes;
	if (c->decided) {
		framer_uncaptured(&c->dir[side].framer, &c->dir[side].env, bytes, ts);
		return;
	}
	/* Nothing recognised yet.  A plausible header at the start of what is
	 * held whose size ends exactly where the cut part of the packet ends
	 * is a message the snaplen cut (9P peers write a message per packet):
	 * the connection is 9P.  (A whole message is recognised as usual.) */
	struct framer *f = &c->dir[side].framer;
	int requests;
	if (ninep_fills_cut_packet(f->buf, f->len, f->len + bytes, NINEP_MSIZE_UNKNOWN_MAX, NINEP_DIALECT_ANY,
				   &requests)) {
		decide(c, requests ? side : 1 - side, side, 0);
		if (c->decided)
			framer_uncaptured(&c->dir[side].framer, &c->dir[side].env, bytes, ts);
		return;
	}
	/* What was held cannot be completed. */
	f->len = 0;
	c->scan[side] = 1;
}

static void ev_close(void *ctx, struct tcp_conn *conn, enum close_reason reason, int64_t ts)
{
	(void)ts;
	struct analysis *a = ctx;
	struct conn_state *c = conn->user;
	if (c == NULL)
		return;
	if (!c->decided) {
		/* Closed before anything looked like 9P. */
		a->other_connections++;
		conn->user = NULL;
		conn_free(c);
		return;
	}
	struct connection *s = c->connection;
	framer_finish(&c->dir[0].framer, &c->dir[0].env);
	framer_finish(&c->dir[1].framer, &c->dir[1].env);
	s->closed = 1;
	s->close_reason = reason;
	s->syn_seen = conn->syn_seen;
	s->handshake_rtt_ns = conn->handshake_rtt_ns;
	s->first_ns = conn->first_ns;
	s->last_ns = conn->last_ns;
	s->fig.bytes_to_server = conn->payload_bytes[c->client_side];
	s->fig.bytes_to_client = conn->payload_bytes[1 - c->client_side];
	conn->user = NULL;
	conn_free(c);
	/* Its figures are final: kept in detail or folded (stats/folding.h). */
	folding_ended(a, s);
}

static const struct stream_events events = {
	.on_open = ev_open,
	.on_data = ev_data,
	.on_gap = ev_gap,
	.on_uncaptured = ev_uncaptured,
	.on_close = ev_close,
};

const struct stream_events *analysis_events(void)
{
	return &events;
}
