/*
 * Matching requests to replies on one connection, following fids to paths,
 * and joining 9P2000.e connections into sessions by their session key.
 *
 * Rules (../shared/spec/9p-wire.md, "Semantics that matter for analysis"):
 * a reply matches the outstanding request with its tag when its type is the
 * request's + 1 or an error; Tversion drops every outstanding tag and fid; a
 * Tflush answered by Rflush while its old request is still outstanding
 * flushes that request; attach and walk create fids only when the reply
 * confirms (a partial Rwalk or an error creates nothing); clunk and remove
 * end a fid whatever the reply.
 */
#include <stdlib.h>
#include <string.h>

#include "accesses.h"
#include "connection.h"

enum {
	MUMBLE_MAX_RECORD = 1024, /* the record is 66 bytes; anything far larger is not one */
};

static const char MUMBLE_PREFIX[] = "MUMBLE:";

/* The fields the matcher reads, resolved once to registry rows: finding
 * one per message then compares pointers, not filter names.  Filled on the
 * first matcher_init and constant after. */
static struct {
	int ready;
	struct ninep_filter fid, newfid, nwname, afid, aname, wname, name, oldtag, session_key, data, msize, version,
		ename, ecode, nwqid;
} F;

static void resolve_fields(void)
{
	if (F.ready)
		return;
	ninep_filter_resolve(&F.fid, "fid");
	ninep_filter_resolve(&F.newfid, "newfid");
	ninep_filter_resolve(&F.nwname, "nwname");
	ninep_filter_resolve(&F.afid, "afid");
	ninep_filter_resolve(&F.aname, "aname");
	ninep_filter_resolve(&F.wname, "wname");
	ninep_filter_resolve(&F.name, "name");
	ninep_filter_resolve(&F.oldtag, "oldtag");
	ninep_filter_resolve(&F.session_key, "session_key");
	ninep_filter_resolve(&F.data, "data");
	ninep_filter_resolve(&F.msize, "msize");
	ninep_filter_resolve(&F.version, "version");
	ninep_filter_resolve(&F.ename, "ename");
	ninep_filter_resolve(&F.ecode, "ecode");
	ninep_filter_resolve(&F.nwqid, "nwqid");
	F.ready = 1;
}

void matcher_init(struct conn_state *c)
{
	resolve_fields();
	u32map_init_shrinking(&c->tags, sizeof(struct pending));
	c->fids = fidmap_new();
}

static void count_lost(struct conn_state *c, uint64_t n)
{
	if (c->had_gap)
		c->session->fig.exchanges_lost += n;
}

static void drop_outstanding(struct conn_state *c)
{
	uint64_t n = c->tags.count;
	c->session->fig.unanswered += n;
	count_lost(c, n);
	u32map_clear(&c->tags);
	c->duplicate_tags = 0;
}

/*
 * Outstanding requests by tag.  A tag is normally outstanding once; but
 * when the capture lost a reply (or delivers the bytes after a hole late),
 * the client reuses a tag we still think outstanding.  Such requests queue
 * under the same tag (keys tag | n << 16) so a late reply still finds the
 * request it answers; the older ones are unanswered once a newer one is.
 */
enum { TAG_QUEUE_MAX = 8 };

static uint32_t tag_key(uint16_t tag, unsigned n)
{
	return (uint32_t)tag | (uint32_t)n << 16;
}

static unsigned tag_queue_len(const struct conn_state *c)
{
	return c->duplicate_tags ? TAG_QUEUE_MAX : 1;
}

static void tag_remove(struct conn_state *c, uint32_t key)
{
	struct pending *p = u32map_find(&c->tags, key);
	if (p == NULL)
		return;
	if (key >> 16)
		c->duplicate_tags--;
	u32map_remove(&c->tags, p);
}

/* The oldest outstanding request with the tag that `reply_type` answers. */
static struct pending *tag_match(struct conn_state *c, uint16_t tag, unsigned reply_type)
{
	int is_error = reply_type == NINEP_Rerror || reply_type == NINEP_Rlerror;
	struct pending *best = NULL;
	for (unsigned n = 0; n < tag_queue_len(c); n++) {
		struct pending *p = u32map_find(&c->tags, tag_key(tag, n));
		if (p == NULL || (!is_error && reply_type != p->type + 1u))
			continue;
		if (best == NULL || p->seq < best->seq)
			best = p;
	}
	return best;
}

/* Requests with the tag older than `seq` were answered where we could not
 * see it. */
static void tag_drop_older(struct conn_state *c, uint16_t tag, uint64_t seq)
{
	for (unsigned n = 0; n < tag_queue_len(c); n++) {
		uint32_t key = tag_key(tag, n);
		struct pending *p = u32map_find(&c->tags, key);
		if (p != NULL && p->seq < seq) {
			c->session->fig.unanswered++;
			count_lost(c, 1);
			tag_remove(c, key);
		}
	}
}

/* ---- paths ------------------------------------------------------------- */

static struct fid_entry *fid_find(struct conn_state *c, uint64_t fid)
{
	if (fid > UINT32_MAX || fid == NINEP_NOFID)
		return NULL;
	return u32map_find(&c->fids->map, (uint32_t)fid);
}

static void path_of_fid(struct conn_state *c, struct slot *into, uint64_t fid)
{
	struct fid_entry *f = fid_find(c, fid);
	if (f != NULL && f->head.text_len > 0)
		slot_set_text(into, slot_text(&f->head), f->head.text_len);
	else
		slot_set_text(into, "?", 1); /* a fid made before the capture started */
}

/* Appends bytes to a path, cutting it at NINEP_PATH_MAX with the marker
 * (protocol.h): a fid walked from itself without end, or a 65,535-byte
 * name, must not grow a path (copied into every request on the fid) without
 * bound.  A path already cut stays as it is. */
static void path_append(struct slot *s, const char *text, size_t len)
{
	if (s->text_len > NINEP_PATH_MAX)
		return;
	size_t room = NINEP_PATH_MAX - s->text_len;
	if (len <= room) {
		slot_append_text(s, text, len);
		return;
	}
	slot_append_text(s, text, room);
	slot_append_text(s, NINEP_PATH_TRUNCATED, sizeof NINEP_PATH_TRUNCATED - 1);
}

static void path_join(struct slot *s, const uint8_t *name, size_t len)
{
	if (s->text_len == 0 || slot_text(s)[s->text_len - 1] != '/')
		path_append(s, "/", 1);
	path_append(s, (const char *)name, len);
}

/* Join every wname of a walk-like message onto the path. */
static void join_wnames(struct slot *s, const uint8_t *msg, const struct ninep_msg *m)
{
	for (unsigned i = 0; i < m->n_items; i++) {
		const struct ninep_item *it = &m->items[i];
		if (it->depth == 0 && ninep_filter_has(&F.wname, it->field))
			path_join(s, ninep_item_bytes(msg, it), (size_t)it->value);
	}
}

/* ---- 9P2000.e session keys -------------------------------------------- */

static int base64_value(uint8_t ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

/* Decodes base64 up to the first character outside the alphabet ('=' or
 * ':'); returns the decoded length or -1 when it does not fit. */
static long base64_decode(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		int v = base64_value(in[i]);
		if (v < 0)
			break;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == cap)
				return -1;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	return (long)n;
}

/* The session key inside a MUMBLE record written on the auth fid, hashed. */
static int mumble_key(const uint8_t *data, size_t len, uint64_t *key_hash)
{
	size_t prefix = sizeof MUMBLE_PREFIX - 1;
	if (len <= prefix || memcmp(data, MUMBLE_PREFIX, prefix) != 0)
		return 0;
	uint8_t record[MUMBLE_MAX_RECORD];
	long n = base64_decode(data + prefix, len - prefix, record, sizeof record);
	if (n <= 0)
		return 0;
	struct ninep_msg scratch;
	scratch.n_items = 0;
	size_t used = 0;
	if (ninep_decode_struct("mumble", record, (size_t)n, NINEP_DIALECT_E, 0, &scratch, &used) != NINEP_OK)
		return 0;
	for (unsigned i = 0; i < scratch.n_items; i++) {
		const struct ninep_item *it = &scratch.items[i];
		if (strcmp(it->field->key, "mumble.key") == 0) {
			*key_hash = fnv1a64(record + it->offset, it->length);
			memset(record, 0, sizeof record); /* a secret: do not leave it on the stack */
			return 1;
		}
	}
	return 0;
}

static struct esession *esession_new(struct analysis *a)
{
	struct esession *e = calloc(1, sizeof *e);
	if (e == NULL)
		abort();
	e->number = ++a->n_esessions;
	if (a->esessions_tail)
		a->esessions_tail->next = e;
	else
		a->esessions = e;
	a->esessions_tail = e;
	return e;
}

static struct esession *own_esession(struct conn_state *c)
{
	if (c->session->esession == NULL) {
		c->session->esession = esession_new(c->a);
		c->session->esession->members = 1;
	}
	return c->session->esession;
}

static struct esession *esession_by_key(struct analysis *a, uint64_t key_hash)
{
	struct esession *found = NULL;
	for (struct esession *e = a->esessions; e != NULL; e = e->next)
		if (e->has_key && e->key_hash == key_hash && e->members > 0)
			found = e; /* the latest one with the key */
	return found;
}

/* An accepted Tsession(K): this connection continues the session of K. */
static void join_esession(struct conn_state *c, uint64_t key_hash)
{
	struct esession *mine = own_esession(c);
	struct esession *target = esession_by_key(c->a, key_hash);
	if (target == NULL) {
		/* The key was agreed before the capture started. */
		mine->has_key = 1;
		mine->key_hash = key_hash;
		mine->live = c;
		return;
	}
	if (target != mine) {
		mine->members--;
		target->members++;
		c->session->esession = target;
	}
	/* The server keeps the old connection's fids for the new one. */
	if (target->saved_fids != NULL) {
		fidmap_free(c->fids);
		c->fids = target->saved_fids;
		target->saved_fids = NULL;
		accesses_adopt(c, target);
	} else if (target->live != NULL && target->live != c && target->live->fids != NULL) {
		fidmap_free(c->fids);
		c->fids = fidmap_clone(target->live->fids);
		accesses_take_over(c, target->live);
	}
	target->live = c;
}

/* ---- requests ---------------------------------------------------------- */

static void early_match(struct conn_state *c, uint32_t key);

static const struct ninep_item *item_named(const struct ninep_msg *m, const struct ninep_filter *field)
{
	return ninep_find_filter(m, field);
}

static void request(struct conn_state *c, const uint8_t *msg, uint32_t size, const struct ninep_msg *m, int64_t ts)
{
	if (m->type == NINEP_Tversion) {
		/* A new version resets the connection: every tag and fid goes. */
		drop_outstanding(c);
		u32map_clear(&c->fids->map);
		c->has_auth_fid = 0;
	}

	/* A free place in the tag's queue; when it is full, the oldest goes. */
	unsigned place = TAG_QUEUE_MAX;
	uint64_t oldest_seq = UINT64_MAX;
	unsigned oldest = 0;
	for (unsigned n = 0; n < TAG_QUEUE_MAX && place == TAG_QUEUE_MAX; n++) {
		struct pending *q = n == 0 || c->duplicate_tags ? u32map_find(&c->tags, tag_key(m->tag, n)) : NULL;
		if (q == NULL)
			place = n;
		else if (q->seq < oldest_seq) {
			oldest_seq = q->seq;
			oldest = n;
		}
	}
	if (place == TAG_QUEUE_MAX) {
		c->session->fig.unanswered++;
		count_lost(c, 1);
		tag_remove(c, tag_key(m->tag, oldest));
		place = oldest;
	}
	if (place > 0)
		c->duplicate_tags++;
	struct pending *p = u32map_insert(&c->tags, tag_key(m->tag, place), 1);
	p->seq = ++c->request_seq;
	p->type = m->type;
	p->time_ns = ts;
	p->size = size;
	p->fid = (uint32_t)ninep_find_filter_uint(m, &F.fid, NINEP_NOFID);
	p->newfid = (uint32_t)ninep_find_filter_uint(m, &F.newfid, NINEP_NOFID);
	p->nwname = (uint16_t)ninep_find_filter_uint(m, &F.nwname, 0);

	const struct ninep_item *it;
	switch (m->type) {
	case NINEP_Tauth:
		p->fid = (uint32_t)ninep_find_filter_uint(m, &F.afid, NINEP_NOFID);
		break;
	case NINEP_Tattach:
		it = item_named(m, &F.aname);
		if (it != NULL && it->value > 0) {
			slot_set_text(&p->head, "", 0);
			path_append(&p->head, (const char *)ninep_item_bytes(msg, it), (size_t)it->value);
		} else {
			slot_set_text(&p->head, "/", 1);
		}
		break;
	case NINEP_Twalk:
	case NINEP_Tsread:
	case NINEP_Tswrite:
		path_of_fid(c, &p->head, p->fid);
		join_wnames(&p->head, msg, m);
		break;
	case NINEP_Tcreate:
	case NINEP_Tlcreate:
		path_of_fid(c, &p->head, p->fid);
		it = item_named(m, &F.name);
		if (it != NULL)
			path_join(&p->head, ninep_item_bytes(msg, it), (size_t)it->value);
		break;
	case NINEP_Tflush:
		p->oldtag = (uint16_t)ninep_find_filter_uint(m, &F.oldtag, NINEP_NOTAG);
		break;
	case NINEP_Tsession:
		it = item_named(m, &F.session_key);
		if (it != NULL) {
			p->has_key = 1;
			p->key_hash = fnv1a64(ninep_item_bytes(msg, it), it->length);
		}
		break;
	case NINEP_Twrite:
		if (c->has_auth_fid && p->fid == c->auth_fid) {
			it = item_named(m, &F.data);
			if (it != NULL)
				p->has_key = (uint8_t)mumble_key(ninep_item_bytes(msg, it), (size_t)it->value,
								 &p->key_hash);
		}
		path_of_fid(c, &p->head, p->fid);
		break;
	default:
		if (p->fid != NINEP_NOFID)
			path_of_fid(c, &p->head, p->fid);
		break;
	}
	accesses_request(c, p, msg, m);
	if (c->n_early > 0)
		early_match(c, p->head.key);
}

/* ---- replies ----------------------------------------------------------- */

static void on_version(struct conn_state *c, const uint8_t *msg, const struct ninep_msg *m)
{
	uint64_t msize = ninep_find_filter_uint(m, &F.msize, 0);
	const struct ninep_item *v = ninep_find_filter(m, &F.version);
	unsigned dialect = v ? ninep_dialect_from_version((const char *)ninep_item_bytes(msg, v), (size_t)v->value) : 0;
	c->session->dialect = dialect;
	c->dialects = dialect ? dialect : NINEP_DIALECT_ANY;
	if (msize >= NINEP_HDRSZ && msize <= UINT32_MAX) {
		c->session->msize = (uint32_t)msize;
		/* A peer may agree to 4 GiB; the framer buffers at most the ceiling. */
		c->max_size = msize < NINEP_FRAME_CEILING ? (uint32_t)msize : NINEP_FRAME_CEILING;
	}
	if (dialect == NINEP_DIALECT_E)
		own_esession(c);
}

/* A fid's life ends (file accesses are counted by accesses.c). */
static void end_fid(struct conn_state *c, uint32_t fid)
{
	struct fid_entry *f = fid_find(c, fid);
	if (c->has_auth_fid && fid == c->auth_fid)
		c->has_auth_fid = 0;
	if (f == NULL)
		return;
	u32map_remove(&c->fids->map, f);
}

static void set_fid(struct conn_state *c, uint32_t fid, const struct pending *p)
{
	if (fid == NINEP_NOFID)
		return;
	struct fid_entry *f = u32map_insert(&c->fids->map, fid, 1);
	slot_set_text(&f->head, slot_text(&p->head), p->head.text_len);
}

/* What a confirmed exchange does to fids, limits and sessions. */
static void apply(struct conn_state *c, const struct pending *p, const uint8_t *msg, const struct ninep_msg *m,
		  int is_error)
{
	struct fid_entry *f;

	switch (p->type) {
	case NINEP_Tclunk:
	case NINEP_Tremove:
		end_fid(c, p->fid);
		return;
	default:
		break;
	}
	if (is_error)
		return;
	switch (p->type) {
	case NINEP_Tversion:
		on_version(c, msg, m);
		break;
	case NINEP_Tauth:
		c->has_auth_fid = p->fid != NINEP_NOFID;
		c->auth_fid = p->fid;
		break;
	case NINEP_Tattach:
		set_fid(c, p->fid, p);
		break;
	case NINEP_Twalk:
		if (ninep_find_filter_uint(m, &F.nwqid, 0) == p->nwname)
			set_fid(c, p->newfid, p);
		break;
	case NINEP_Tcreate:
	case NINEP_Tlcreate:
		f = fid_find(c, p->fid);
		if (f != NULL)
			slot_set_text(&f->head, slot_text(&p->head), p->head.text_len);
		break;
	case NINEP_Twrite:
		if (p->has_key) {
			struct esession *e = own_esession(c);
			e->has_key = 1;
			e->key_hash = p->key_hash;
			e->live = c;
		}
		break;
	case NINEP_Tsession:
		if (p->has_key)
			join_esession(c, p->key_hash);
		break;
	default:
		break;
	}
}

static void error_text(const uint8_t *msg, const struct ninep_msg *m, char *buf, size_t size, const char **text,
		       size_t *len)
{
	if (m->type == NINEP_Rerror) {
		const struct ninep_item *it = ninep_find_filter(m, &F.ename);
		*text = it ? (const char *)ninep_item_bytes(msg, it) : "";
		*len = it ? (size_t)it->value : 0;
		return;
	}
	uint64_t code = ninep_find_filter_uint(m, &F.ecode, 0);
	const char *name = ninep_errno_name((uint32_t)code);
	if (name != NULL)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "errno %llu", (unsigned long long)code);
	*text = buf;
	*len = strlen(buf);
}

/* A reply answers the pending request stored under `key`. */
static void complete(struct conn_state *c, uint32_t key, const uint8_t *msg, uint32_t size, const struct ninep_msg *m,
		     int64_t ts)
{
	struct figures *fig = &c->session->fig;
	int is_error = m->type == NINEP_Rerror || m->type == NINEP_Rlerror;
	struct pending *p = u32map_find(&c->tags, key);
	if (c->duplicate_tags) {
		tag_drop_older(c, m->tag, p->seq);
		p = u32map_find(&c->tags, key);
	}
	int64_t latency = ts - p->time_ns;
	figures_queue_round_trip(c->a, fig, &c->counted, p->type, latency > 0 ? (uint64_t)latency : 0, is_error);
	if (is_error)
		fig->errors++;

	if (c->a->opt.exchanges != NULL) {
		char errbuf[32];
		struct exchange_row row = { c->session, m->tag, p->type, m->type, slot_text(&p->head),
					    p->head.text_len, p->time_ns, latency, p->size, size, NULL, 0 };
		if (is_error)
			error_text(msg, m, errbuf, sizeof errbuf, &row.error, &row.error_len);
		exchanges_csv_row(&c->a->exchanges_csv, &row);
		c->a->csv_rows++;
	}

	accesses_exchange(c, p, size, msg, m, is_error, ts);
	apply(c, p, msg, m, is_error);

	int flush = p->type == NINEP_Tflush && m->type == NINEP_Rflush;
	uint16_t oldtag = p->oldtag;
	uint64_t flush_seq = p->seq;
	tag_remove(c, key);
	if (flush) {
		/* The flushed request (the latest with oldtag before the Tflush)
		 * gets no reply now: it was flushed, not lost. */
		struct pending *old = NULL;
		for (unsigned n = 0; n < tag_queue_len(c); n++) {
			struct pending *q = u32map_find(&c->tags, tag_key(oldtag, n));
			if (q != NULL && q->seq < flush_seq && (old == NULL || q->seq > old->seq))
				old = q;
		}
		if (old != NULL) {
			fig->flushed++;
			tag_remove(c, old->head.key);
		}
	}
}

/*
 * Early replies.  After a hole in one direction, the reassembler delivers
 * the bytes held behind it when it gives up on the hole, which can be after
 * later bytes of the other direction: a reply may then come before its
 * request.  An unmatched reply therefore waits here (bounded, copied) and
 * is matched by a later request with its tag and a compatible type whose
 * time is not after the reply's; what is left at the end is an orphan.
 */
static struct early_reply *early_slots(struct conn_state *c)
{
	if (c->early == NULL) {
		c->early = calloc(EARLY_REPLIES_MAX, sizeof *c->early);
		if (c->early == NULL)
			abort();
	}
	return c->early;
}

static void orphan(struct conn_state *c)
{
	c->session->fig.orphans++;
	count_lost(c, 1);
}

static void early_add(struct conn_state *c, const uint8_t *msg, uint32_t size, const struct ninep_msg *m, int64_t ts)
{
	struct early_reply *e = early_slots(c);
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
		orphan(c); /* the oldest waited long enough */
		at = oldest;
	}
	e[at].used = 1;
	e[at].type = m->type;
	e[at].tag = m->tag;
	e[at].size = size;
	e[at].ts = ts;
	e[at].kept = size <= EARLY_REPLY_BYTES ? size : NINEP_HDRSZ;
	memcpy(e[at].bytes, msg, e[at].kept);
	c->n_early++;
}

/* A request just stored under `key`: is its reply already here? */
static void early_match(struct conn_state *c, uint32_t key)
{
	struct pending *p = u32map_find(&c->tags, key);
	struct early_reply *e = c->early;
	for (unsigned i = 0; i < EARLY_REPLIES_MAX; i++) {
		if (!e[i].used || e[i].tag != (key & 0xFFFF) || e[i].ts < p->time_ns)
			continue;
		int is_error = e[i].type == NINEP_Rerror || e[i].type == NINEP_Rlerror;
		if (!is_error && e[i].type != p->type + 1u)
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
		complete(c, key, e[i].bytes, e[i].size, &m, e[i].ts);
		return;
	}
}

static void reply(struct conn_state *c, const uint8_t *msg, uint32_t size, const struct ninep_msg *m, int64_t ts)
{
	struct pending *p = tag_match(c, m->tag, m->type);
	if (p == NULL) {
		early_add(c, msg, size, m, ts);
		return;
	}
	complete(c, p->head.key, msg, size, m, ts);
}

void matcher_message(struct conn_state *c, int from_client, const uint8_t *msg, uint32_t size,
		     const struct ninep_msg *m, int64_t ts)
{
	figures_count_message(c->a, &c->session->fig, &c->counted, m->type, from_client);
	if (from_client)
		request(c, msg, size, m, ts);
	else
		reply(c, msg, size, m, ts);
}

void matcher_close(struct conn_state *c)
{
	figures_flush(c->a, &c->session->fig, &c->counted);
	drop_outstanding(c);
	for (unsigned i = 0; c->early != NULL && i < EARLY_REPLIES_MAX; i++)
		if (c->early[i].used)
			orphan(c);
	free(c->early);
	c->early = NULL;
	u32map_free(&c->tags);
	struct esession *e = c->session->esession;
	if (e != NULL && e->live == c)
		e->live = NULL;
	if (e != NULL && e->has_key && c->fids != NULL) {
		/* Keep the fids for a later connection that resumes the session. */
		fidmap_free(e->saved_fids);
		e->saved_fids = c->fids;
		accesses_save(c, e);
	} else {
		fidmap_free(c->fids);
	}
	accesses_close(c);
	c->fids = NULL;
}
