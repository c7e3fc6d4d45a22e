/*
 * One 9P conversation: dialect negotiation and matching replies to
 * requests by tag.
 *
 * Rules (version(5), flush(5), intro(5); ../doc/9p-wire.md):
 *   - A reply answers the outstanding request with its tag whose type is
 *     the reply's - 1, or any type when the reply is Rerror/Rlerror.
 *     NOTAG is a tag like any other here (Tversion and Tsession use it).
 *   - Tversion aborts every outstanding request and ends every fid.  The
 *     Rversion's version string is the dialect from then on, also when it
 *     is older than the one asked for (a downgrade: the client asked
 *     9P2000.u, the server said 9P2000); "unknown" leaves it unknown and,
 *     like an Rerror/Rlerror, refuses the Tversion.  Its
 *     msize is the limit on every later message.  A Tversion answered by
 *     Rerror/Rlerror changes nothing but the fids and tags it aborted.
 *   - A Tflush(oldtag) is answered by Rflush.  The request it names is
 *     flushed only when the Rflush comes while that request is still
 *     outstanding; when its own reply came first, it was answered and the
 *     Rflush only ends the Tflush.
 *   - Tags: a client may reuse a tag once its request is answered.  When the
 *     capture lost a reply, the client reuses a tag we still think
 *     outstanding: such requests queue under the same tag (keys tag | n <<
 *     16) so that a late reply still finds the request it answers; the
 *     older ones are dropped once a newer one is answered.
 *   - A reply that comes before its request (the capture delivered the
 *     bytes after a hole late) waits, bounded, for a later request with its
 *     tag and a compatible type whose time is not after the reply's; what
 *     is left at the end answers nothing.
 */
#include "engine_internal.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct engine_fields ninep_engine_fields;

void ninep_engine_fields_resolve(void)
{
	static int ready;
	if (ready)
		return;
	struct engine_fields *F = &ninep_engine_fields;
	static const struct {
		size_t at;
		const char *name;
	} rows[] = {
#define ROW(member) { offsetof(struct engine_fields, member), #member }
		ROW(fid), ROW(newfid), ROW(nwname), ROW(afid), ROW(aname), ROW(wname), ROW(name), ROW(oldtag),
		ROW(session_key), ROW(data), ROW(msize), ROW(version), ROW(nwqid), ROW(qid), ROW(aqid), ROW(wqid),
		ROW(offset), ROW(count), ROW(open_mode), ROW(open_flags), ROW(dfid), ROW(dirfd), ROW(olddirfid),
		ROW(newdirfid),
#undef ROW
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		ninep_filter_resolve((struct ninep_filter *)((char *)F + rows[i].at), rows[i].name);
	ready = 1;
}

void ninep_conv_init(struct ninep_conv *c, const struct ninep_hooks *hooks, void *ctx,
		     struct ninep_esessions *esessions)
{
	ninep_engine_fields_resolve();
	memset(c, 0, sizeof *c);
	c->hooks = hooks;
	c->ctx = ctx;
	c->esessions = esessions;
	c->dialects = NINEP_DIALECT_ANY;
	c->max_size = NINEP_MSIZE_UNKNOWN_MAX;
	u32map_init_shrinking(&c->tags, sizeof(struct ninep_request));
	c->fids = fidmap_new();
}

static int is_error_type(unsigned type)
{
	return type == NINEP_Rerror || type == NINEP_Rlerror;
}

/* ---- outstanding requests ------------------------------------------------- */

enum { TAG_QUEUE_MAX = 8 };

static uint32_t tag_key(uint16_t tag, unsigned n)
{
	return (uint32_t)tag | (uint32_t)n << 16;
}

static unsigned tag_queue_len(const struct ninep_conv *c)
{
	return c->duplicate_tags ? TAG_QUEUE_MAX : 1;
}

static void tag_remove(struct ninep_conv *c, uint32_t key)
{
	struct ninep_request *r = u32map_find(&c->tags, key);
	if (r == NULL)
		return;
	if (key >> 16)
		c->duplicate_tags--;
	u32map_remove(&c->tags, r);
}

static void drop(struct ninep_conv *c, uint32_t key, enum ninep_drop why, const struct ninep_request *by)
{
	struct ninep_request *r = u32map_find(&c->tags, key);
	if (r == NULL)
		return;
	if (c->hooks->dropped)
		c->hooks->dropped(c->ctx, r, why, by);
	tag_remove(c, key);
}

static void drop_outstanding(struct ninep_conv *c, enum ninep_drop why)
{
	if (c->hooks->dropped) {
		for (uint32_t i = 0; i < c->tags.cap; i++) {
			const struct slot *s = u32map_at(&c->tags, i);
			if (s->used)
				c->hooks->dropped(c->ctx, (const struct ninep_request *)s, why, NULL);
		}
	}
	u32map_clear(&c->tags);
	c->duplicate_tags = 0;
}

/* The oldest outstanding request with the tag that `reply_type` answers. */
static struct ninep_request *tag_match(struct ninep_conv *c, uint16_t tag, unsigned reply_type)
{
	struct ninep_request *best = NULL;
	for (unsigned n = 0; n < tag_queue_len(c); n++) {
		struct ninep_request *r = u32map_find(&c->tags, tag_key(tag, n));
		if (r == NULL || (!is_error_type(reply_type) && reply_type != r->type + 1u))
			continue;
		if (best == NULL || r->seq < best->seq)
			best = r;
	}
	return best;
}

/* Requests with the tag older than `seq` were answered where we could not
 * see it. */
static void tag_drop_older(struct ninep_conv *c, uint16_t tag, uint64_t seq)
{
	for (unsigned n = 0; n < tag_queue_len(c); n++) {
		uint32_t key = tag_key(tag, n);
		struct ninep_request *r = u32map_find(&c->tags, key);
		if (r != NULL && r->seq < seq)
			drop(c, key, NINEP_DROP_TAG_REUSED, NULL);
	}
}

/* A place in the tag's queue for a new request; when the queue is full,
 * its oldest request is dropped.  *in_use: an outstanding request already
 * has the tag (the newest of them). */
static unsigned tag_place(struct ninep_conv *c, uint16_t tag, const struct ninep_request **in_use)
{
	unsigned place = TAG_QUEUE_MAX, oldest = 0;
	uint64_t oldest_seq = UINT64_MAX, newest_seq = 0;
	*in_use = NULL;
	for (unsigned n = 0; n < TAG_QUEUE_MAX && place == TAG_QUEUE_MAX; n++) {
		struct ninep_request *q = n == 0 || c->duplicate_tags ? u32map_find(&c->tags, tag_key(tag, n)) : NULL;
		if (q == NULL) {
			place = n;
			continue;
		}
		if (q->seq < oldest_seq) {
			oldest_seq = q->seq;
			oldest = n;
		}
		if (q->seq >= newest_seq) {
			newest_seq = q->seq;
			*in_use = q;
		}
	}
	if (place == TAG_QUEUE_MAX) {
		*in_use = NULL;
		drop(c, tag_key(tag, oldest), NINEP_DROP_TAG_REUSED, NULL);
		place = oldest;
	}
	return place;
}

/* ---- requests ------------------------------------------------------------- */

static void early_match(struct ninep_conv *c, uint32_t key);

static void request(struct ninep_conv *c, const uint8_t *msg, uint32_t size, uint32_t have, const struct ninep_msg *m,
		    int64_t ts, uint64_t cookie, struct ninep_facts *facts)
{
	const struct engine_fields *F = &ninep_engine_fields;
	if (m->type == NINEP_Tversion) {
		drop_outstanding(c, NINEP_DROP_VERSION);
		fids_reset(c);
		c->versioned = 1;
		const struct ninep_item *v = ninep_find_filter(m, &F->version);
		c->proposed = v ? ninep_dialect_from_version((const char *)ninep_item_bytes(msg, v), (size_t)v->value) : 0;
	}

	const struct ninep_request *in_use;
	unsigned place = tag_place(c, m->tag, &in_use);
	if (facts != NULL && in_use != NULL) {
		facts->tag_in_use = 1;
		facts->tag_in_use_cookie = in_use->cookie;
	}
	if (place > 0)
		c->duplicate_tags++;
	struct ninep_request *r = u32map_insert(&c->tags, tag_key(m->tag, place), 1);
	r->seq = ++c->request_seq;
	r->type = m->type;
	r->time_ns = ts;
	r->size = size;
	r->cookie = cookie;
	fids_request(c, r, msg, m, facts);

	const struct ninep_item *it;
	switch (m->type) {
	case NINEP_Tflush:
		r->oldtag = (uint16_t)ninep_find_filter_uint(m, &F->oldtag, NINEP_NOTAG);
		break;
	case NINEP_Tsession:
		it = ninep_find_filter(m, &F->session_key);
		if (it != NULL) {
			r->has_key = 1;
			r->key_hash = ninep_fnv1a64(ninep_item_bytes(msg, it), it->length);
			const struct ninep_esession *known = esession_by_key(c->esessions, r->key_hash);
			if (facts != NULL && known != NULL && known->key_cookie != 0) {
				facts->key_known = 1;
				facts->key_cookie = known->key_cookie;
			}
		}
		break;
	case NINEP_Twrite:
		if (c->has_auth_fid && r->fid == c->auth_fid) {
			it = ninep_find_filter(m, &F->data);
			if (it != NULL && (uint64_t)it->offset + it->length <= have)
				r->has_key = (uint8_t)mumble_key(ninep_item_bytes(msg, it), (size_t)it->value, &r->key_hash);
		}
		break;
	default:
		break;
	}
	if (facts != NULL && r->head.text_len > 0) {
		facts->path = slot_text(&r->head);
		facts->path_len = r->head.text_len;
	}
	if (c->hooks->request)
		c->hooks->request(c->ctx, r, msg, m);
	if (c->n_early > 0)
		early_match(c, r->head.key);
}

/* ---- replies -------------------------------------------------------------- */

/* version(5): a server that does not understand the client's version
 * string answers an Rversion with "the version string the 7 characters
 * unknown": a refusal, like an Rerror. */
static int version_unknown(const struct ninep_reply *reply)
{
	const struct ninep_item *v = ninep_find_filter(reply->decoded, &ninep_engine_fields.version);
	return v != NULL && v->value == 7 && memcmp(ninep_item_bytes(reply->msg, v), "unknown", 7) == 0;
}

static void on_version(struct ninep_conv *c, const struct ninep_reply *reply)
{
	const struct engine_fields *F = &ninep_engine_fields;
	const struct ninep_msg *m = reply->decoded;
	const struct ninep_item *v = ninep_find_filter(m, &F->version);
	unsigned dialect =
		v ? ninep_dialect_from_version((const char *)ninep_item_bytes(reply->msg, v), (size_t)v->value) : 0;
	uint64_t msize = ninep_find_filter_uint(m, &F->msize, 0);
	c->dialect = dialect;
	c->dialects = dialect ? dialect : NINEP_DIALECT_ANY;
	if (msize >= NINEP_HDRSZ && msize <= UINT32_MAX) {
		c->msize = (uint32_t)msize;
		/* A peer may agree to 4 GiB; no tool buffers more than the ceiling. */
		c->max_size = msize < NINEP_FRAME_CEILING ? (uint32_t)msize : NINEP_FRAME_CEILING;
	}
	if (dialect == NINEP_DIALECT_E)
		own_esession(c);
}

/* What a confirmed exchange does to the conversation. */
static void apply(struct ninep_conv *c, const struct ninep_request *r, const struct ninep_reply *reply,
		  struct ninep_facts *facts)
{
	fids_exchange(c, r, reply);
	int decoded = reply->decoded->n_items > 0;
	switch (r->type) {
	case NINEP_Tversion:
		if (reply->is_error) {
			if (facts != NULL)
				facts->version_refused = 1;
		} else if (decoded) {
			on_version(c, reply);
			if (facts != NULL && version_unknown(reply))
				facts->version_refused = 1;
		}
		c->proposed = 0;
		break;
	case NINEP_Twrite:
		if (!reply->is_error && r->has_key)
			esession_key(c, r);
		break;
	case NINEP_Tsession:
		if (reply->is_error) {
			if (facts != NULL)
				facts->session_rejected = 1;
		} else if (r->has_key) {
			esession_join(c, r->key_hash);
		}
		break;
	default:
		break;
	}
}

/* A reply answers the request stored under `key`. */
static void complete(struct ninep_conv *c, uint32_t key, const struct ninep_reply *reply, struct ninep_facts *facts)
{
	struct ninep_request *r = u32map_find(&c->tags, key);
	if (c->duplicate_tags) {
		tag_drop_older(c, reply->decoded->tag, r->seq);
		r = u32map_find(&c->tags, key);
	}
	if (facts != NULL) {
		facts->matched = 1;
		if (r->head.text_len > 0) {
			/* the request's path, copied: the request goes below */
			slot_set_text(&c->facts_path, slot_text(&r->head), r->head.text_len);
			facts->path = slot_text(&c->facts_path);
			facts->path_len = r->head.text_len;
		}
	}
	if (c->hooks->exchange)
		c->hooks->exchange(c->ctx, r, reply);
	apply(c, r, reply, facts); /* changes fids and sessions, not the tags: r stays put */

	int flush = r->type == NINEP_Tflush && reply->decoded->type == NINEP_Rflush;
	struct ninep_request tflush;
	if (flush)
		memcpy(&tflush, r, sizeof tflush);
	tag_remove(c, key);
	if (flush) {
		/* flush(5): the request it names, still outstanding (the latest
		 * with oldtag before the Tflush), gets no reply now. */
		struct ninep_request *old = NULL;
		for (unsigned n = 0; n < tag_queue_len(c); n++) {
			struct ninep_request *q = u32map_find(&c->tags, tag_key(tflush.oldtag, n));
			if (q != NULL && q->seq < tflush.seq && (old == NULL || q->seq > old->seq))
				old = q;
		}
		if (old != NULL)
			drop(c, old->head.key, NINEP_DROP_FLUSHED, &tflush);
	}
}

static struct ninep_early *early_slots(struct ninep_conv *c)
{
	if (c->early == NULL) {
		c->early = calloc(EARLY_REPLIES_MAX, sizeof *c->early);
		if (c->early == NULL)
			abort();
	}
	return c->early;
}

static void orphan(struct ninep_conv *c, const struct ninep_early *e)
{
	if (c->hooks->orphan)
		c->hooks->orphan(c->ctx, e->type, e->tag, e->cookie);
}

static void early_add(struct ninep_conv *c, const uint8_t *msg, uint32_t size, uint32_t have,
		      const struct ninep_msg *m, int64_t ts, uint64_t cookie)
{
	struct ninep_early *e = early_slots(c);
	unsigned at = EARLY_REPLIES_MAX, oldest = 0;
	for (unsigned i = 0; i < EARLY_REPLIES_MAX; i++) {
		if (!e[i].used) {
			at = i;
			break;
		}
		if (e[i].ts < e[oldest].ts)
			oldest = i;
	}
	if (at == EARLY_REPLIES_MAX) {
		orphan(c, &e[oldest]); /* the oldest waited long enough */
		at = oldest;
	}
	e[at].used = 1;
	e[at].type = m->type;
	e[at].tag = m->tag;
	e[at].size = size;
	e[at].ts = ts;
	e[at].cookie = cookie;
	e[at].kept = size <= EARLY_REPLY_BYTES && have == size ? size : NINEP_HDRSZ;
	memcpy(e[at].bytes, msg, e[at].kept);
	c->n_early++;
}

/* A request just stored under `key`: is its reply already here? */
static void early_match(struct ninep_conv *c, uint32_t key)
{
	struct ninep_request *r = u32map_find(&c->tags, key);
	struct ninep_early *e = c->early;
	for (unsigned i = 0; i < EARLY_REPLIES_MAX; i++) {
		if (!e[i].used || e[i].tag != (key & 0xFFFF) || e[i].ts < r->time_ns)
			continue;
		if (!is_error_type(e[i].type) && e[i].type != r->type + 1u)
			continue;
		struct ninep_msg m;
		if (e[i].kept < e[i].size || ninep_decode(e[i].bytes, e[i].kept, c->dialects, &m) != NINEP_OK) {
			/* too large to keep whole: its header is enough here */
			memset(&m, 0, sizeof m);
			m.size = e[i].size;
			m.type = e[i].type;
			m.tag = e[i].tag;
		}
		e[i].used = 0;
		c->n_early--;
		struct ninep_reply reply = { e[i].bytes, e[i].size, e[i].kept, &m, e[i].ts, e[i].cookie,
					     is_error_type(e[i].type) };
		complete(c, key, &reply, NULL);
		return;
	}
}

static void reply(struct ninep_conv *c, const uint8_t *msg, uint32_t size, uint32_t have, const struct ninep_msg *m,
		  int64_t ts, uint64_t cookie, struct ninep_facts *facts)
{
	struct ninep_request *r = tag_match(c, m->tag, m->type);
	if (r == NULL) {
		early_add(c, msg, size, have, m, ts, cookie);
		return;
	}
	struct ninep_reply rep = { msg, size, have, m, ts, cookie, is_error_type(m->type) };
	complete(c, r->head.key, &rep, facts);
}

void ninep_conv_message(struct ninep_conv *c, int from_client, const uint8_t *msg, uint32_t size, uint32_t have,
			const struct ninep_msg *m, int64_t ts, uint64_t cookie, struct ninep_facts *facts)
{
	if (facts != NULL) {
		memset(facts, 0, sizeof *facts);
		facts->fid_unknown = facts->fid_reused = NINEP_NOFID;
	}
	if (from_client)
		request(c, msg, size, have, m, ts, cookie, facts);
	else
		reply(c, msg, size, have, m, ts, cookie, facts);
	if (facts != NULL) {
		facts->dialect = m->type == NINEP_Tversion && c->proposed ? c->proposed : c->dialect;
		facts->esession = c->esession != NULL ? c->esession->number : 0;
	}
}

void ninep_conv_close(struct ninep_conv *c)
{
	drop_outstanding(c, NINEP_DROP_CLOSED);
	for (unsigned i = 0; c->early != NULL && i < EARLY_REPLIES_MAX; i++)
		if (c->early[i].used)
			orphan(c, &c->early[i]);
	free(c->early);
	c->early = NULL;
	c->n_early = 0;
	u32map_free(&c->tags);
	free(c->facts_path.long_text);
	memset(&c->facts_path, 0, sizeof c->facts_path);
	esession_leave(c);
	fidmap_free(c->fids);
	c->fids = NULL;
}

uint64_t ninep_fnv1a64(const uint8_t *p, size_t n)
{
	uint64_t h = 14695981039346656037ull;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	return h;
}
