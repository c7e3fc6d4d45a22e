#include "sess.h"

#include "msgs.h"

#include <stdio.h>
#include <stdlib.h>

void sess_open(struct sess *s, struct capfile *out, struct ledger *lg, const struct flow_config *c,
	       uint64_t start_ns, int handshake)
{
	flow_init(&s->flow, out, c, start_ns);
	s->lg = lg;
	s->conn = lg->connections++;
	buf_init(&s->m, MSG_CEILING);
	buf_init(&s->batch, MSG_CEILING);
	if (handshake)
		flow_handshake(&s->flow);
}

void sess_end(struct sess *s, int fin)
{
	if (fin)
		flow_close(&s->flow);
	buf_free(&s->m);
	buf_free(&s->batch);
}

static void pause_after(struct sess *s, int side)
{
	if (side == SERVER)
		s->flow.now_ns += SESS_THINK_NS;
}

void sess_send(struct sess *s, int side)
{
	ledger_msg(s->lg, s->conn, side, s->m.data, 0);
	flow_send(&s->flow, side, s->m.data, s->m.len);
	pause_after(s, side);
}

void sess_send_split(struct sess *s, int side, size_t seg)
{
	ledger_msg(s->lg, s->conn, side, s->m.data, 0);
	for (size_t off = 0; off < s->m.len; off += seg) {
		size_t n = s->m.len - off < seg ? s->m.len - off : seg;
		flow_send(&s->flow, side, s->m.data + off, n);
	}
	pause_after(s, side);
}

void sess_queue(struct sess *s, int side)
{
	ledger_msg(s->lg, s->conn, side, s->m.data, 0);
	buf_put(&s->batch, s->m.data, s->m.len);
}

void sess_flush(struct sess *s, int side)
{
	flow_send(&s->flow, side, s->batch.data, s->batch.len);
	buf_reset(&s->batch);
	pause_after(s, side);
}

void sess_lose(struct sess *s, int side)
{
	ledger_msg(s->lg, s->conn, side, s->m.data, 1);
	flow_lose(&s->flow, side, s->m.len);
	pause_after(s, side);
}
