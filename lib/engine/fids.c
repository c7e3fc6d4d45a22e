/*
 * Fids and the paths they name.
 *
 * Rules (attach(5), walk(5), open(5), clunk(5), remove(5), and the
 * 9P2000.L additions in ../doc/9p-wire.md):
 *   - Tattach makes fid, at the attach root that aname names; Tauth makes
 *     afid, an auth fid that names no file.
 *   - Twalk makes newfid only when the Rwalk has as many qids as names: a
 *     partial walk or an error makes nothing, and leaves fid as it was.
 *     nwname 0 clones fid.  newfid may equal fid: the fid then moves.
 *   - Tcreate/Tlcreate: on success the fid stands for the file it created.
 *   - Txattrwalk makes newfid on fid's file, and Txattrcreate turns fid,
 *     into a fid that reads or writes an extended attribute's value (not
 *     the file's content); Trename moves fid to the new name; Topen/Tlopen
 *     tell the file's type.
 *   - Tclunk and Tremove end the fid whatever the reply says.
 *   - Tversion ends every fid.
 * A connection keeps at most NINEP_FIDS_MAX fids (engine.h): a fid made
 * beyond that is counted as forgotten, not kept.
 * The path a request concerns is worked out when it is sent, from the fids
 * as they are then; a reply only confirms it.
 */
#include "engine_internal.h"
#include "ninep/files.h"

#include <stdlib.h>
#include <string.h>

struct ninep_fidmap *fidmap_new(void)
{
	struct ninep_fidmap *f = calloc(1, sizeof *f);
	if (f == NULL)
		abort();
	u32map_init_shrinking(&f->map, sizeof(struct ninep_fid));
	return f;
}

void fidmap_free(struct ninep_fidmap *f)
{
	if (f == NULL)
		return;
	u32map_free(&f->map);
	free(f);
}

struct ninep_fidmap *fidmap_clone(const struct ninep_fidmap *f)
{
	struct ninep_fidmap *copy = fidmap_new();
	for (uint32_t i = 0; i < f->map.cap; i++) {
		const struct ninep_fid *from = (const struct ninep_fid *)u32map_at(&f->map, i);
		if (!from->head.used)
			continue;
		struct ninep_fid *to = u32map_insert(&copy->map, from->head.key, 1);
		slot_set_text(&to->head, slot_text(&from->head), from->head.text_len);
		to->root_len = from->root_len;
		to->qid_type = from->qid_type;
		to->is_auth = from->is_auth;
		to->is_xattr = from->is_xattr;
	}
	return copy;
}

struct ninep_fid *fid_find(const struct ninep_conv *c, uint64_t fid)
{
	if (fid > UINT32_MAX || fid == NINEP_NOFID)
		return NULL;
	return u32map_find(&c->fids->map, (uint32_t)fid);
}

void fids_reset(struct ninep_conv *c)
{
	u32map_clear(&c->fids->map);
	c->has_auth_fid = 0;
}

/* The request's path starts as the path of fid: NINEP_PATH_UNKNOWN for a
 * fid made before the capture started. */
static void start_at_fid(struct ninep_conv *c, struct ninep_request *r, uint64_t fid)
{
	const struct ninep_fid *f = fid_find(c, fid);
	if (f != NULL) {
		slot_set_text(&r->head, slot_text(&f->head), f->head.text_len);
		r->root_len = f->root_len;
	} else {
		slot_set_text(&r->head, NINEP_PATH_UNKNOWN, sizeof NINEP_PATH_UNKNOWN - 1);
		r->root_len = sizeof NINEP_PATH_UNKNOWN - 1;
	}
}

static void walk_items(struct ninep_request *r, const uint8_t *msg, const struct ninep_msg *m,
		       const struct ninep_filter *names)
{
	for (unsigned i = 0; i < m->n_items; i++) {
		const struct ninep_item *it = &m->items[i];
		if (it->depth == 0 && ninep_filter_has(names, it->field))
			path_walk(&r->head, r->root_len, ninep_item_bytes(msg, it), (size_t)it->value);
	}
}

static uint32_t wire_bytes(const struct ninep_msg *m, const struct ninep_filter *filter)
{
	uint32_t n = 0;
	for (unsigned i = 0; i < m->n_items; i++)
		if (m->items[i].depth == 0 && ninep_filter_has(filter, m->items[i].field))
			n += m->items[i].length;
	return n;
}

enum {
	L_O_ACCMODE = 03,
	L_O_TRUNC = 01000, /* Linux open(2) flags of Tlopen */
};

/* What a request said that its reply does not repeat. */
static void note_request(struct ninep_request *r, const struct ninep_msg *m)
{
	const struct engine_fields *F = &ninep_engine_fields;
	struct ninep_request_note *n = &r->note;
	n->offset = ninep_find_filter_uint(m, &F->offset, 0);
	n->count = (uint32_t)ninep_find_filter_uint(m, &F->count, 0);
	switch (m->type) {
	case NINEP_Twalk:
	case NINEP_Tsread:
	case NINEP_Tswrite:
		n->name_bytes = wire_bytes(m, &F->wname);
		break;
	case NINEP_Tcreate:
	case NINEP_Tlcreate:
		n->name_bytes = wire_bytes(m, &F->name);
		n->trunc = 1;
		break;
	case NINEP_Topen:
		n->trunc = (ninep_find_filter_uint(m, &F->open_mode, 0) & NINEP_OTRUNC) != 0;
		break;
	case NINEP_Tlopen: {
		uint64_t flags = ninep_find_filter_uint(m, &F->open_flags, 0);
		n->trunc = (flags & L_O_TRUNC) != 0 && (flags & L_O_ACCMODE) != 0;
		break;
	}
	default:
		break;
	}
}

/* Facts for a tool that shows the request: fids used before they exist,
 * fids made again while in use. */
static void fid_facts(struct ninep_conv *c, const struct ninep_request *r, const struct ninep_msg *m,
		      struct ninep_facts *facts)
{
	const struct engine_fields *F = &ninep_engine_fields;
	const struct ninep_filter *existing[] = { &F->fid, &F->dfid, &F->dirfd, &F->olddirfid, &F->newdirfid, &F->afid };
	/* Once the connection has forgotten fids (NINEP_FIDS_MAX), a fid not
	 * found may be one of them: it is not said to be used before it exists. */
	int all_known = c->versioned && c->fids_forgotten == 0;
	for (size_t i = 0; i < sizeof existing / sizeof existing[0] && all_known; i++) {
		if ((m->type == NINEP_Tattach && existing[i] == &F->fid) || (m->type == NINEP_Tauth && existing[i] == &F->afid))
			continue; /* the fid these make */
		uint64_t fid = ninep_find_filter_uint(m, existing[i], NINEP_NOFID);
		if (fid != NINEP_NOFID && fid_find(c, fid) == NULL) {
			facts->fid_unknown = (uint32_t)fid;
			break;
		}
	}
	uint32_t made = NINEP_NOFID;
	if (m->type == NINEP_Tattach || m->type == NINEP_Tauth)
		made = r->fid;
	else if ((m->type == NINEP_Twalk || m->type == NINEP_Txattrwalk) && r->newfid != r->fid)
		made = r->newfid;
	if (made != NINEP_NOFID && c->versioned && fid_find(c, made) != NULL)
		facts->fid_reused = made;
	const struct ninep_fid *f = fid_find(c, r->fid);
	facts->dir_read = f != NULL && m->type == NINEP_Tread && (f->qid_type & NINEP_QTDIR) != 0;
	facts->auth_write = f != NULL && m->type == NINEP_Twrite && f->is_auth;
}

void fids_request(struct ninep_conv *c, struct ninep_request *r, const uint8_t *msg, const struct ninep_msg *m,
		  struct ninep_facts *facts)
{
	const struct engine_fields *F = &ninep_engine_fields;
	const struct ninep_item *it;
	r->fid = (uint32_t)ninep_find_filter_uint(m, &F->fid, NINEP_NOFID);
	r->newfid = (uint32_t)ninep_find_filter_uint(m, &F->newfid, NINEP_NOFID);
	r->nwname = (uint16_t)ninep_find_filter_uint(m, &F->nwname, 0);
	note_request(r, m);

	switch (m->type) {
	case NINEP_Tversion:
	case NINEP_Tflush:
	case NINEP_Tsession:
		break; /* no fid: no path */
	case NINEP_Tauth:
		r->fid = (uint32_t)ninep_find_filter_uint(m, &F->afid, NINEP_NOFID);
		slot_set_text(&r->head, NINEP_PATH_AUTH, sizeof NINEP_PATH_AUTH - 1);
		r->root_len = sizeof NINEP_PATH_AUTH - 1;
		break;
	case NINEP_Tattach:
		it = ninep_find_filter(m, &F->aname);
		path_attach(&r->head, &r->root_len, it ? ninep_item_bytes(msg, it) : NULL, it ? (size_t)it->value : 0);
		break;
	case NINEP_Twalk:
	case NINEP_Tsread:
	case NINEP_Tswrite:
		start_at_fid(c, r, r->fid);
		walk_items(r, msg, m, &F->wname);
		break;
	case NINEP_Tcreate:
	case NINEP_Tlcreate:
		start_at_fid(c, r, r->fid);
		walk_items(r, msg, m, &F->name);
		break;
	case NINEP_Trename:
		/* the new name, in directory dfid */
		start_at_fid(c, r, ninep_find_filter_uint(m, &F->dfid, NINEP_NOFID));
		walk_items(r, msg, m, &F->name);
		break;
	default:
		if (r->fid != NINEP_NOFID) {
			start_at_fid(c, r, r->fid);
			break;
		}
		/* Messages that name only a directory fid (Tmkdir, Tunlinkat, ...) */
		{
			const struct ninep_filter *dirs[] = { &F->dfid, &F->dirfd, &F->olddirfid };
			for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
				uint64_t dir = ninep_find_filter_uint(m, dirs[i], NINEP_NOFID);
				if (dir != NINEP_NOFID) {
					start_at_fid(c, r, dir);
					break;
				}
			}
		}
		break;
	}
	/* Whether it moves a file's content (files.h): the fid's kind now.
	 * A request whose fields the capture does not hold (only its header
	 * decoded) says neither the file nor the offset: no content. */
	const struct ninep_fid *f = fid_find(c, r->fid);
	if (m->n_items > 0 && (f == NULL || !f->is_xattr))
		r->note.content_io = (uint8_t)ninep_content_io_of(
			m->type, f != NULL, f != NULL && (f->qid_type & NINEP_QTDIR) != 0, f != NULL && f->is_auth);
	if (facts != NULL) {
		fid_facts(c, r, m, facts);
		facts->content_io = r->note.content_io;
	}
}

/* The type byte of the last qid item of `filter` in a reply, or `absent`. */
static uint8_t last_qid_type(const struct ninep_reply *reply, const struct ninep_filter *filter, uint8_t absent)
{
	const struct ninep_msg *m = reply->decoded;
	uint8_t type = absent;
	for (unsigned i = 0; i < m->n_items; i++)
		if (m->items[i].depth == 0 && ninep_filter_has(filter, m->items[i].field) &&
		    m->items[i].offset < reply->have)
			type = reply->msg[m->items[i].offset];
	return type;
}

static struct ninep_fid *set_fid(struct ninep_conv *c, uint32_t fid, const struct ninep_request *r, uint8_t qid_type)
{
	if (fid == NINEP_NOFID)
		return NULL;
	if (c->fids->map.count >= NINEP_FIDS_MAX && fid_find(c, fid) == NULL) {
		/* Full (a client that never clunks): the fid is not kept. */
		c->fids_forgotten++;
		return NULL;
	}
	struct ninep_fid *f = u32map_insert(&c->fids->map, fid, 1);
	slot_set_text(&f->head, slot_text(&r->head), r->head.text_len);
	f->root_len = r->root_len;
	f->qid_type = qid_type;
	return f;
}

static void end_fid(struct ninep_conv *c, uint32_t fid)
{
	if (c->has_auth_fid && fid == c->auth_fid)
		c->has_auth_fid = 0;
	struct ninep_fid *f = fid_find(c, fid);
	if (f != NULL)
		u32map_remove(&c->fids->map, f);
}

void fids_exchange(struct ninep_conv *c, const struct ninep_request *r, const struct ninep_reply *reply)
{
	const struct engine_fields *F = &ninep_engine_fields;
	struct ninep_fid *f;
	if (r->type == NINEP_Tclunk || r->type == NINEP_Tremove) {
		end_fid(c, r->fid);
		return;
	}
	/* An error, or a reply that did not decode, makes nothing. */
	if (reply->is_error || reply->decoded->n_items == 0)
		return;
	switch (r->type) {
	case NINEP_Tauth:
		f = set_fid(c, r->fid, r, last_qid_type(reply, &F->aqid, NINEP_QTAUTH));
		if (f != NULL) {
			f->is_auth = 1;
			c->has_auth_fid = 1;
			c->auth_fid = r->fid;
		}
		break;
	case NINEP_Tattach:
		set_fid(c, r->fid, r, last_qid_type(reply, &F->qid, NINEP_QTDIR));
		break;
	case NINEP_Twalk: {
		if (ninep_find_filter_uint(reply->decoded, &F->nwqid, 0) != r->nwname)
			break;
		const struct ninep_fid *from = fid_find(c, r->fid);
		uint8_t type = from != NULL ? from->qid_type : 0;
		int auth = from != NULL && from->is_auth && r->nwname == 0;
		f = set_fid(c, r->newfid, r, last_qid_type(reply, &F->wqid, type));
		if (f != NULL)
			f->is_auth = (uint8_t)auth;
		break;
	}
	case NINEP_Txattrwalk: {
		const struct ninep_fid *from = fid_find(c, r->fid);
		f = NULL;
		if (from != NULL && r->newfid != r->fid)
			f = set_fid(c, r->newfid, r, 0);
		else if (r->newfid == r->fid)
			f = fid_find(c, r->fid);
		if (f != NULL)
			f->is_xattr = 1;
		break;
	}
	case NINEP_Txattrcreate:
		f = fid_find(c, r->fid);
		if (f != NULL)
			f->is_xattr = 1;
		break;
	case NINEP_Topen:
	case NINEP_Tlopen:
		f = fid_find(c, r->fid);
		if (f != NULL)
			f->qid_type = last_qid_type(reply, &F->qid, f->qid_type);
		break;
	case NINEP_Tcreate:
	case NINEP_Tlcreate:
	case NINEP_Trename:
		f = fid_find(c, r->fid);
		if (f != NULL) {
			slot_set_text(&f->head, slot_text(&r->head), r->head.text_len);
			f->root_len = r->root_len;
			if (r->type != NINEP_Trename)
				f->qid_type = last_qid_type(reply, &F->qid, 0);
		}
		break;
	default:
		break;
	}
}
