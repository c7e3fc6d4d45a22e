/*
 * Grouping exchanges into file accesses.
 *
 * A file access is the set of round trips that serve one access to one
 * file; the rules, applied per connection to matched exchanges (a request
 * with its reply, Rerror/Rlerror included):
 *
 *   1. Start.  A Twalk whose reply makes a fid (an Rwalk with as many qids
 *      as names; nwname 0 is a clone) starts an access on newfid when
 *      newfid differs from fid, or when fid has no access yet.  A Twalk
 *      with newfid equal to fid on a fid that has an access continues it
 *      (a clone of a directory fid followed by a walk in place is one
 *      access, from the clone).  The access's path is the walk's.
 *   2. Failed start.  A Twalk to a new fid answered by an error or by a
 *      partial Rwalk makes no fid (9p-wire.md): it is an access of its own,
 *      one round trip, kind other, marked failed.
 *   3. Chain.  Every other request naming a fid that has an access belongs
 *      to that access, errors included: Topen/Tlopen/Tcreate/Tlcreate,
 *      Tread/Twrite/Treaddir, Tstat/Tgetattr/..., and the Tclunk or Tremove
 *      that ends it (whatever its reply).  Tcreate/Tlcreate move the
 *      access's path to the created file.
 *   4. Macro-ops.  A 9P2000.e Tsread or Tswrite is an access of its own.
 *   5. Not accesses.  Tversion, Tauth, Tattach, Tflush, Tsession, and any
 *      request on a fid without an access: the auth fid (the MUMBLE
 *      Twrite), the attach fid, fids made before the capture started.
 *   6. End.  Tclunk/Tremove end an access.  Accesses still live when
 *      Tversion resets the connection, when the connection ends, or when
 *      the capture ends are recorded as open.  A 9P2000.e connection whose
 *      fids its session keeps for a later Tsession hands its live accesses
 *      over too: they continue on the connection that resumes the session.
 *
 * Kind, by the first that applies: create (a Tcreate/Tlcreate answered),
 * write (a Twrite), read (a Tread of a file), list (Treaddir, or a Tread of
 * a directory), stat (only Tstat/Tgetattr/Twstat/Tsetattr), other.
 *
 * Time: wall time runs from the first request to the last reply; waiting
 * time is the sum of the access's round-trip latencies.
 *
 * What-if: a classic access (not failed, not open, no error) "fits one
 * macro-op" when it is a whole-file read (reads contiguous from offset 0
 * up to an empty or short read, no write, and the data fits an Rsread under
 * the connection's msize) or a whole-file overwrite (a truncating open or a
 * create, writes contiguous from offset 0, no read, and the names and data
 * fit a Tswrite under msize).  One Tsread/Tswrite would then take its place:
 * round trips saved = its round trips - 1; waiting saved = its waiting time
 * minus its longest round trip (the one round trip left is assumed to cost
 * as much as the slowest one it had, measured in the same capture).
 */
#include <stdlib.h>
#include <string.h>

#include "accesses.h"
#include "connection.h"

enum {
	L_O_ACCMODE = 03,
	L_O_TRUNC = 01000,      /* Linux open(2) flags of Tlopen */
	RSREAD_OVERHEAD = NINEP_HDRSZ + 4, /* count[4] */
	TSWRITE_OVERHEAD = NINEP_HDRSZ + 4 + 2 + 4, /* fid[4] nwname[2] ... count[4] */
};

/* What a request said that its reply does not repeat. */
struct req_note {
	struct slot head; /* key: the pending request's key */
	uint64_t offset;
	uint32_t count;
	uint32_t name_bytes; /* wnames (or Tcreate's name) as on the wire */
	uint8_t trunc;       /* an open that truncates */
};

/* An access in progress, by fid. */
struct live_access {
	struct slot head; /* key: fid; text: path */
	struct session *session;
	uint32_t round_trips, errors;
	uint64_t bytes, data_bytes;
	int64_t first_ns, last_ns;
	uint64_t wait_ns, longest_ns;
	uint64_t read_next, write_next;
	uint32_t name_bytes;
	uint8_t is_dir, trunc;
	uint8_t did_create, did_write, did_read, did_list, did_stat, did_other;
	uint8_t read_broken, read_eof, write_broken;
};

/* tables.c swaps elements through a buffer of 128 bytes. */
_Static_assert(sizeof(struct live_access) <= 128, "struct live_access outgrew u32map's element limit");

struct access_tracker {
	struct u32map live;  /* struct live_access by fid */
	struct u32map notes; /* struct req_note by pending key */
};

const char *access_kind_name(enum access_kind k)
{
	static const char *const names[ACCESS_KINDS] = { "read", "write", "create", "list", "stat", "other" };
	return (unsigned)k < ACCESS_KINDS ? names[k] : "other";
}

static struct access_log *log_of(struct analysis *a)
{
	if (a->access_log == NULL) {
		a->access_log = calloc(1, sizeof *a->access_log);
		if (a->access_log == NULL)
			abort();
	}
	return a->access_log;
}

const struct access_log *access_log_of(const struct analysis *a)
{
	return a->access_log;
}

static struct access_tracker *tracker(struct conn_state *c)
{
	if (c->accesses == NULL) {
		c->accesses = calloc(1, sizeof *c->accesses);
		if (c->accesses == NULL)
			abort();
		u32map_init(&c->accesses->live, sizeof(struct live_access));
		u32map_init(&c->accesses->notes, sizeof(struct req_note));
	}
	return c->accesses;
}

static void tracker_free(struct access_tracker *t)
{
	if (t == NULL)
		return;
	u32map_free(&t->live);
	u32map_free(&t->notes);
	free(t);
}

static void *grow(void *p, size_t *cap, size_t elem, size_t want)
{
	if (want <= *cap)
		return p;
	size_t n = *cap ? *cap * 2 : 64;
	while (n < want)
		n *= 2;
	void *q = realloc(p, n * elem);
	if (q == NULL)
		abort();
	*cap = n;
	return q;
}

static void record(struct analysis *a, const struct access_record *r)
{
	struct figures *fig = &r->session->fig;
	fig->file_accesses++;
	fig->file_access_round_trips += r->round_trips;
	struct access_log *log = log_of(a);
	if (log->n == ACCESS_RECORDS_MAX) {
		log->not_kept++;
		free(r->path);
		return;
	}
	log->rec = grow(log->rec, &log->cap, sizeof *log->rec, log->n + 1);
	log->rec[log->n++] = *r;
}

static char *copy_text(const char *text, size_t len)
{
	char *s = malloc(len + 1);
	if (s == NULL)
		abort();
	if (len)
		memcpy(s, text, len);
	s[len] = '\0';
	return s;
}

static enum access_kind kind_of(const struct live_access *la)
{
	if (la->did_create)
		return ACCESS_CREATE;
	if (la->did_write)
		return ACCESS_WRITE;
	if (la->did_read)
		return ACCESS_READ;
	if (la->did_list)
		return ACCESS_LIST;
	if (la->did_stat && !la->did_other)
		return ACCESS_STAT;
	return ACCESS_OTHER;
}

static int fits_macro(const struct live_access *la, uint32_t msize)
{
	if (msize == 0 || la->errors > 0)
		return 0;
	if (la->did_read && !la->did_write && !la->did_create && !la->did_list && !la->read_broken &&
	    la->read_eof)
		return la->data_bytes + RSREAD_OVERHEAD <= msize;
	if ((la->did_write || la->did_create) && !la->did_read && !la->did_list && !la->write_broken &&
	    (la->trunc || la->did_create))
		return (uint64_t)TSWRITE_OVERHEAD + la->name_bytes + la->data_bytes <= msize;
	return 0;
}

/* The access ends: into the log.  `open` when no clunk or remove ended it. */
static void end_live(struct analysis *a, struct access_tracker *t, struct live_access *la, int open)
{
	struct access_record r;
	memset(&r, 0, sizeof r);
	r.session = la->session;
	r.path = copy_text(la->head.text ? la->head.text : "", la->head.text_len);
	r.kind = kind_of(la);
	r.round_trips = la->round_trips;
	r.errors = la->errors;
	r.bytes = la->bytes;
	r.data_bytes = la->data_bytes;
	r.first_ns = la->first_ns;
	r.last_ns = la->last_ns;
	r.wait_ns = la->wait_ns;
	r.longest_ns = la->longest_ns;
	r.open = (uint8_t)open;
	r.fits_macro = (uint8_t)(!open && fits_macro(la, la->session->msize));
	record(a, &r);
	u32map_remove(&t->live, la);
}

static void end_all(struct analysis *a, struct access_tracker *t)
{
	/* A removal shifts later members of the probe run back into the
	 * freed slot, so the slot is looked at again after each one. */
	for (uint32_t i = 0; t != NULL && i < t->live.cap;) {
		struct slot *s = u32map_at(&t->live, i);
		if (s->used)
			end_live(a, t, (struct live_access *)s, 1);
		else
			i++;
	}
}

static uint32_t wname_bytes(const struct ninep_msg *m, const char *filter)
{
	uint32_t n = 0;
	for (unsigned i = 0; i < m->n_items; i++)
		if (m->items[i].depth == 0 && strcmp(m->items[i].field->filter, filter) == 0)
			n += m->items[i].length;
	return n;
}

void accesses_request(struct conn_state *c, const struct pending *p, const uint8_t *msg, const struct ninep_msg *m)
{
	(void)msg;
	struct access_tracker *t = tracker(c);
	if (m->type == NINEP_Tversion) {
		end_all(c->a, t); /* the connection starts afresh: every fid is gone */
		return;
	}
	struct req_note *n = u32map_insert(&t->notes, p->head.key, 1);
	n->offset = ninep_find_uint(m, "offset", 0);
	n->count = (uint32_t)ninep_find_uint(m, "count", 0);
	switch (m->type) {
	case NINEP_Twalk:
	case NINEP_Tsread:
	case NINEP_Tswrite:
		n->name_bytes = wname_bytes(m, "wname");
		break;
	case NINEP_Tcreate:
	case NINEP_Tlcreate:
		n->name_bytes = wname_bytes(m, "name");
		n->trunc = 1;
		break;
	case NINEP_Topen:
		n->trunc = (ninep_find_uint(m, "open_mode", 0) & NINEP_OTRUNC) != 0;
		break;
	case NINEP_Tlopen:
		n->trunc = (ninep_find_uint(m, "open_flags", 0) & L_O_TRUNC) != 0 &&
			   (ninep_find_uint(m, "open_flags", 0) & L_O_ACCMODE) != 0;
		break;
	default:
		break;
	}
}

/* The type bits of the last qid named `filter` in a reply, or 0. */
static uint8_t last_qid_type(const uint8_t *msg, const struct ninep_msg *m, const char *filter)
{
	uint8_t type = 0;
	for (unsigned i = 0; i < m->n_items; i++)
		if (m->items[i].depth == 0 && strcmp(m->items[i].field->filter, filter) == 0 &&
		    m->items[i].length >= 1)
			type = ninep_item_bytes(msg, &m->items[i])[0];
	return type;
}

static void add_exchange(struct live_access *la, const struct pending *p, uint32_t reply_size, int is_error,
			 int64_t ts, uint64_t latency)
{
	if (la->round_trips == 0)
		la->first_ns = p->time_ns;
	la->round_trips++;
	la->errors += is_error != 0;
	la->bytes += (uint64_t)p->size + reply_size;
	la->wait_ns += latency;
	if (latency > la->longest_ns)
		la->longest_ns = latency;
	if (ts > la->last_ns)
		la->last_ns = ts;
}

static struct live_access *start_live(struct conn_state *c, struct access_tracker *t, uint32_t fid,
				      const struct pending *p)
{
	struct live_access *old = u32map_find(&t->live, fid);
	if (old != NULL)
		end_live(c->a, t, old, 1); /* the client reused a fid we thought live */
	struct live_access *la = u32map_insert(&t->live, fid, 1);
	la->session = c->session;
	slot_set_text(&la->head, p->head.text ? p->head.text : "", p->head.text_len);
	return la;
}

/* An access of a single round trip: a failed walk, a Tsread, a Tswrite. */
static void single(struct conn_state *c, const struct pending *p, uint32_t reply_size, int is_error, int64_t ts,
		   uint64_t latency, enum access_kind kind, uint64_t data, int failed)
{
	struct access_record r;
	memset(&r, 0, sizeof r);
	r.session = c->session;
	r.path = copy_text(p->head.text ? p->head.text : "", p->head.text_len);
	r.kind = kind;
	r.round_trips = 1;
	r.errors = is_error != 0;
	r.bytes = (uint64_t)p->size + reply_size;
	r.data_bytes = data;
	r.first_ns = p->time_ns;
	r.last_ns = ts;
	r.wait_ns = r.longest_ns = latency;
	r.failed = (uint8_t)failed;
	r.macro = (uint8_t)!failed;
	record(c->a, &r);
}

static void timeline(struct conn_state *c, const struct pending *p, int is_error, uint64_t latency)
{
	if (!c->a->opt.timeline)
		return;
	struct access_log *log = log_of(c->a);
	if (log->n_points == TIMELINE_POINTS_MAX) {
		log->points_not_kept++;
		return;
	}
	log->points = grow(log->points, &log->cap_points, sizeof *log->points, log->n_points + 1);
	struct timeline_point *pt = &log->points[log->n_points++];
	pt->session = c->session;
	pt->request_ns = p->time_ns;
	pt->latency_ns = latency;
	pt->type = p->type;
	pt->error = (uint8_t)(is_error != 0);
}

static void on_walk(struct conn_state *c, struct access_tracker *t, const struct pending *p,
		    const struct req_note *note, uint32_t reply_size, const uint8_t *msg, const struct ninep_msg *m,
		    int is_error, int64_t ts, uint64_t latency)
{
	int made = !is_error && ninep_find_uint(m, "nwqid", 0) == p->nwname;
	struct live_access *la = p->newfid == p->fid ? u32map_find(&t->live, p->fid) : NULL;
	if (la == NULL && !made) {
		single(c, p, reply_size, is_error, ts, latency, ACCESS_OTHER, 0, 1);
		return;
	}
	if (la == NULL)
		la = start_live(c, t, p->newfid, p);
	else if (made)
		slot_set_text(&la->head, p->head.text ? p->head.text : "", p->head.text_len);
	add_exchange(la, p, reply_size, is_error, ts, latency);
	if (made) {
		la->name_bytes += note ? note->name_bytes : 0;
		if (p->nwname > 0)
			la->is_dir = (last_qid_type(msg, m, "wqid") & NINEP_QTDIR) != 0;
	}
}

void accesses_exchange(struct conn_state *c, const struct pending *p, uint32_t reply_size, const uint8_t *msg,
		       const struct ninep_msg *m, int is_error, int64_t ts)
{
	struct access_tracker *t = tracker(c);
	int64_t lat = ts - p->time_ns;
	uint64_t latency = lat > 0 ? (uint64_t)lat : 0;
	timeline(c, p, is_error, latency);
	const struct req_note *note = u32map_find(&t->notes, p->head.key);
	uint64_t count = ninep_find_uint(m, "count", 0);

	switch (p->type) {
	case NINEP_Tversion:
	case NINEP_Tauth:
	case NINEP_Tattach:
	case NINEP_Tflush:
	case NINEP_Tsession:
		return;
	case NINEP_Tsread:
		single(c, p, reply_size, is_error, ts, latency, ACCESS_READ, is_error ? 0 : count, 0);
		return;
	case NINEP_Tswrite:
		single(c, p, reply_size, is_error, ts, latency, ACCESS_WRITE, note && !is_error ? note->count : 0, 0);
		return;
	case NINEP_Twalk:
		on_walk(c, t, p, note, reply_size, msg, m, is_error, ts, latency);
		return;
	default:
		break;
	}
	struct live_access *la = u32map_find(&t->live, p->fid);
	if (la == NULL)
		return;
	add_exchange(la, p, reply_size, is_error, ts, latency);
	switch (p->type) {
	case NINEP_Tclunk:
	case NINEP_Tremove:
		end_live(c->a, t, la, 0);
		return;
	case NINEP_Topen:
	case NINEP_Tlopen:
	case NINEP_Topenfd:
		if (!is_error) {
			la->trunc = note ? note->trunc : 0;
			la->is_dir = (last_qid_type(msg, m, "qid") & NINEP_QTDIR) != 0;
		}
		return;
	case NINEP_Tcreate:
	case NINEP_Tlcreate:
		if (!is_error) {
			la->did_create = 1;
			la->trunc = 1;
			la->is_dir = 0;
			la->name_bytes = note ? note->name_bytes : la->name_bytes;
			slot_set_text(&la->head, p->head.text ? p->head.text : "", p->head.text_len);
		}
		return;
	case NINEP_Tread:
		if (la->is_dir) {
			la->did_list = 1;
		} else {
			la->did_read = 1;
			if (is_error || note == NULL || note->offset != la->read_next)
				la->read_broken = 1;
			else if (count == 0 || count < note->count)
				la->read_eof = 1;
			la->read_next += is_error ? 0 : count;
		}
		la->data_bytes += is_error ? 0 : count;
		return;
	case NINEP_Treaddir:
		la->did_list = 1;
		la->data_bytes += is_error ? 0 : count;
		return;
	case NINEP_Twrite:
		la->did_write = 1;
		if (is_error || note == NULL || note->offset != la->write_next)
			la->write_broken = 1;
		la->write_next += is_error ? 0 : count;
		la->data_bytes += is_error ? 0 : count;
		return;
	case NINEP_Tstat:
	case NINEP_Tgetattr:
	case NINEP_Twstat:
	case NINEP_Tsetattr:
		la->did_stat = 1;
		return;
	default:
		la->did_other = 1;
		return;
	}
}

void accesses_save(struct conn_state *c, struct esession *e)
{
	if (e->saved_accesses != NULL) {
		end_all(c->a, e->saved_accesses);
		tracker_free(e->saved_accesses);
	}
	e->saved_accesses = c->accesses;
	c->accesses = NULL;
}

void accesses_adopt(struct conn_state *c, struct esession *e)
{
	if (e->saved_accesses == NULL)
		return;
	if (c->accesses != NULL) {
		end_all(c->a, c->accesses);
		tracker_free(c->accesses);
	}
	c->accesses = e->saved_accesses;
	e->saved_accesses = NULL;
	u32map_clear(&c->accesses->notes); /* tags of the old connection mean nothing here */
}

void accesses_take_over(struct conn_state *c, struct conn_state *from)
{
	if (from->accesses == NULL)
		return;
	if (c->accesses != NULL) {
		end_all(c->a, c->accesses);
		tracker_free(c->accesses);
	}
	c->accesses = from->accesses;
	from->accesses = NULL;
	u32map_clear(&c->accesses->notes); /* tags of the old connection mean nothing here */
}

void accesses_close(struct conn_state *c)
{
	end_all(c->a, c->accesses);
	tracker_free(c->accesses);
	c->accesses = NULL;
}

void accesses_finish(struct analysis *a)
{
	for (struct esession *e = a->esessions; e != NULL; e = e->next) {
		end_all(a, e->saved_accesses);
		tracker_free(e->saved_accesses);
		e->saved_accesses = NULL;
	}
}

void accesses_free(struct analysis *a)
{
	accesses_finish(a);
	struct access_log *log = a->access_log;
	if (log == NULL)
		return;
	for (size_t i = 0; i < log->n; i++)
		free(log->rec[i].path);
	free(log->rec);
	free(log->points);
	free(log);
	a->access_log = NULL;
}
