/*
 * What the engine's conversation (ninep/engine.h) tells the analyzer, turned
 * into figures, exchange rows and file accesses.  Every protocol rule is the
 * engine's: this file only counts.
 */
#include <stdio.h>
#include <string.h>

#include "conversations/connection.h"
#include "files/extract.h"
#include "report/exchanges_csv.h"
#include "stats/accesses.h"

static struct {
	int ready;
	struct ninep_filter ename, ecode;
} F;

static void count_lost(struct conn_state *c, uint64_t n)
{
	if (c->had_gap)
		c->connection->fig.exchanges_lost += n;
}

static void errno_text(uint64_t code, char *buf, size_t size)
{
	const char *name = ninep_errno_name((uint32_t)code);
	if (name != NULL)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "errno %llu", (unsigned long long)code);
}

/* An Rerror of exactly an errno (nfs-ganesha answers 9P2000.L errors so):
 * its four bytes, read as a 9P2000 string, would be a length and NULs. */
enum { ERRNO_MAX = 4095 };
static int errno_only(const struct ninep_reply *reply)
{
	return reply->decoded->type == NINEP_Rerror && reply->size == NINEP_HDRSZ + NINEP_BIT32SZ &&
	       reply->have == reply->size && ninep_get32(reply->msg + NINEP_HDRSZ) <= ERRNO_MAX;
}

static void error_text(const struct ninep_reply *reply, char *buf, size_t size, const char **text, size_t *len)
{
	const struct ninep_msg *m = reply->decoded;
	const struct ninep_item *it =
		m->type == NINEP_Rerror && !errno_only(reply) ? ninep_find_filter(m, &F.ename) : NULL;
	if (it != NULL) {
		*text = (const char *)ninep_item_bytes(reply->msg, it);
		*len = (size_t)it->value;
		return;
	}
	if (m->type == NINEP_Rlerror && m->n_items > 0) {
		errno_text(ninep_find_filter_uint(m, &F.ecode, 0), buf, size);
	} else if (errno_only(reply)) {
		errno_text(ninep_get32(reply->msg + NINEP_HDRSZ), buf, size);
	} else {
		snprintf(buf, size, "?");
	}
	*text = buf;
	*len = strlen(buf);
}

static void on_request(void *ctx, struct ninep_request *r, const uint8_t *msg, const struct ninep_msg *m)
{
	struct conn_state *c = ctx;
	accesses_request(ctx, r, msg, m);
	if (c->a->opt.extract != NULL)
		extract_request(c->a->opt.extract, r, msg, c->message_have, m);
}

static void on_exchange(void *ctx, const struct ninep_request *p, const struct ninep_reply *reply)
{
	struct conn_state *c = ctx;
	struct figures *fig = &c->connection->fig;
	int64_t latency = reply->ts - p->time_ns;
	figures_queue_round_trip(c->a, fig, &c->counted, p->type, latency > 0 ? (uint64_t)latency : 0,
				 reply->is_error);
	if (reply->is_error)
		fig->errors++;

	if (c->a->opt.exchanges != NULL) {
		char errbuf[32];
		struct exchange_row row = { c->connection, reply->decoded->tag, p->type, reply->decoded->type,
					    slot_text(&p->head), p->head.text_len, p->time_ns, latency, p->size,
					    reply->size, NULL, 0 };
		if (reply->is_error)
			error_text(reply, errbuf, sizeof errbuf, &row.error, &row.error_len);
		exchanges_csv_row(&c->a->exchanges_csv, &row);
		c->a->csv_rows++;
	}
	accesses_exchange(c, p, reply->size, reply->msg, reply->decoded, reply->is_error, reply->ts);
	if (c->a->opt.extract != NULL)
		extract_exchange(c->a->opt.extract, &c->connection->client, &c->connection->server, c->engine.dialects, p,
				 reply, p->cookie >> COOKIE_FRAME_SHIFT, reply->cookie >> COOKIE_FRAME_SHIFT);
}

static void on_dropped(void *ctx, const struct ninep_request *r, enum ninep_drop why, const struct ninep_request *by)
{
	(void)by;
	struct conn_state *c = ctx;
	if (c->a->opt.extract != NULL)
		extract_dropped(c->a->opt.extract, r);
	if (why == NINEP_DROP_FLUSHED) {
		c->connection->fig.flushed++; /* flushed, not lost */
		return;
	}
	c->connection->fig.unanswered++;
	count_lost(c, 1);
}

static void on_orphan(void *ctx, unsigned type, uint16_t tag, uint64_t cookie)
{
	(void)type;
	(void)tag;
	(void)cookie;
	struct conn_state *c = ctx;
	c->connection->fig.orphans++;
	count_lost(c, 1);
}

static void on_session_saved(void *ctx, struct ninep_esession *e)
{
	accesses_save(ctx, e);
}

static void on_session_joined(void *ctx, struct ninep_esession *e, void *from_ctx)
{
	if (from_ctx != NULL)
		accesses_take_over(ctx, from_ctx);
	else
		accesses_adopt(ctx, e);
}

static void on_session_forgotten(void *ctx, struct ninep_esession *e)
{
	struct conn_state *c = ctx;
	accesses_drop_saved(c->a, e);
}

static void on_session_ended(void *ctx, struct ninep_esession *e)
{
	struct conn_state *c = ctx;
	if (e->user != NULL)
		accesses_drop_saved(c->a, e);
	esession_rows_session_ended(c->a, e);
}

static const struct ninep_hooks hooks = {
	.request = on_request,
	.exchange = on_exchange,
	.dropped = on_dropped,
	.orphan = on_orphan,
	.session_saved = on_session_saved,
	.session_joined = on_session_joined,
	.session_forgotten = on_session_forgotten,
	.session_ended = on_session_ended,
};

void matcher_init(struct conn_state *c)
{
	if (!F.ready) {
		ninep_filter_resolve(&F.ename, "ename");
		ninep_filter_resolve(&F.ecode, "ecode");
		F.ready = 1;
	}
	ninep_conv_init(&c->engine, &hooks, c, &c->a->esessions);
}

void matcher_message(struct conn_state *c, int from_client, const uint8_t *msg, uint32_t size, uint32_t have,
		     const struct ninep_msg *m, int64_t ts)
{
	figures_count_message(c->a, &c->connection->fig, &c->counted, m->type, from_client);
	/* The cookie names the message and the frame that carried it. */
	struct analysis *a = c->a;
	uint64_t cookie = a->frame << COOKIE_FRAME_SHIFT | (++a->messages & ((1u << COOKIE_FRAME_SHIFT) - 1));
	c->message_have = have;
	ninep_conv_message(&c->engine, from_client, msg, size, have, m, ts, cookie, NULL);
	if (m->type == NINEP_Rversion) {
		/* what the reports say of the connection */
		c->connection->dialect = c->engine.dialect;
		c->connection->msize = c->engine.msize;
	}
}

void matcher_close(struct conn_state *c)
{
	figures_flush(c->a, &c->connection->fig, &c->counted);
	if (c->engine.esession != NULL) /* before the engine may let the session go */
		esession_rows_connection_ends(c->a, c->connection, c->engine.esession);
	ninep_conv_close(&c->engine);
	c->connection->fig.fids_forgotten = c->engine.fids_forgotten;
	accesses_close(c);
}
