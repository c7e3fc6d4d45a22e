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

#include "stats/accesses.h"
#include "conversations/connection.h"
#include "report/exchanges_csv.h"
#include "stats/folding.h"
#include "stats/tally.h"

enum {
	RSREAD_OVERHEAD = NINEP_HDRSZ + 4, /* count[4] */
	TSWRITE_OVERHEAD = NINEP_HDRSZ + 4 + 2 + 4, /* fid[4] nwname[2] ... count[4] */
};

/* An access in progress, by fid. */
struct live_access {
	struct slot head; /* key: fid; text: path */
	struct connection *connection;
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

_Static_assert(sizeof(struct live_access) <= U32MAP_MAX_ELEM, "struct live_access outgrew u32map's element limit");

struct access_tracker {
	struct u32map live;  /* struct live_access by fid */
};

/* The fields read here, resolved once to registry rows (as matcher.c's):
 * finding one per message compares pointers, not filter names. */
static struct {
	int ready;
	struct ninep_filter count, nwqid, wqid, qid;
} AF;

static void resolve_fields(void)
{
	if (AF.ready)
		return;
	ninep_filter_resolve(&AF.count, "count");
	ninep_filter_resolve(&AF.nwqid, "nwqid");
	ninep_filter_resolve(&AF.wqid, "wqid");
	ninep_filter_resolve(&AF.qid, "qid");
	AF.ready = 1;
}

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
		resolve_fields();
		c->accesses = calloc(1, sizeof *c->accesses);
		if (c->accesses == NULL)
			abort();
		u32map_init(&c->accesses->live, sizeof(struct live_access));
	}
	return c->accesses;
}

static void tracker_free(struct access_tracker *t)
{
	if (t == NULL)
		return;
	u32map_free(&t->live);
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

/* ---- the hottest paths: space-saving top-K ------------------------------ */

enum {
	HOT_INDEX_BITS = 14,
	HOT_INDEX_SLOTS = 1 << HOT_INDEX_BITS, /* at most half full */
};
_Static_assert(HOT_INDEX_SLOTS >= 2 * HOT_PATHS_MAX, "the hot-path index must stay at most half full");
_Static_assert(HOT_INDEX_BITS <= 32, "a hot path's tag holds its home's bits");

static void heap_swap(struct hot_paths *h, uint32_t i, uint32_t j)
{
	struct hot_heap_node x = h->heap[i];
	h->heap[i] = h->heap[j];
	h->heap[j] = x;
	h->heap_at[h->heap[i].entry] = i;
	h->heap_at[h->heap[j].entry] = j;
}

static void heap_up(struct hot_paths *h, uint32_t i)
{
	while (i > 0 && h->heap[(i - 1) / 2].round_trips > h->heap[i].round_trips) {
		heap_swap(h, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

/* Counts only grow: an entry can only move away from the root. */
static void heap_down(struct hot_paths *h, uint32_t i)
{
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < h->n && h->heap[l].round_trips < h->heap[m].round_trips)
			m = l;
		if (r < h->n && h->heap[r].round_trips < h->heap[m].round_trips)
			m = r;
		if (m == i)
			return;
		heap_swap(h, i, m);
		i = m;
	}
}

static int same_path(const struct hot_path *e, uint64_t hash, const char *path, size_t len)
{
	return e->hash == hash && e->path_len == len && memcmp(e->path, path, len) == 0;
}

/* Where a hash's probe starts: its top bits (FNV-1a's low bits vary
 * little between paths that differ only at the end). */
static uint32_t hot_home(uint64_t hash)
{
	return (uint32_t)(hash >> (64 - HOT_INDEX_BITS));
}

/* Probing compares the index's tags and looks at an entry (a cache miss
 * each, over thousands of paths) only when its tag matches.  The tag is
 * the hash's top half, which holds the home's bits, so that deleting
 * (hot_unindex) finds each indexed path's home in the index alone.
 * perf: before, hot_unindex read the hash of every entry after the
 * deleted one in its probe run, a cache miss each, at every eviction
 * (10,000 paths through 8,192 entries evict at almost every access):
 * 46 % of log_queued_access's samples on `interleaved` went to that load.
 * Cachegrind, 1 M packets of `interleaved`: log_queued_access's first-level
 * (32 KiB) read misses 4.80 M -> 1.05 M, the whole run's 35.0 M -> 30.8 M;
 * with a 512 KiB first level (the machine's L2) 11.27 M -> 11.10 M on
 * 300,000 packets (doc/performance.md, 2026-12-03, branch h20a). */
static uint32_t hot_tag(uint64_t hash)
{
	return (uint32_t)(hash >> 32);
}

/* The home of an indexed path, from its tag (hot_home's bits). */
static uint32_t hot_index_home(const struct hot_index_slot *s)
{
	return s->tag >> (32 - HOT_INDEX_BITS);
}

/* The index slot of path, or of the empty slot where it would go. */
static uint32_t hot_slot(const struct hot_paths *h, uint64_t hash, const char *path, size_t len)
{
	uint32_t i = hot_home(hash);
	for (;; i = (i + 1) & (HOT_INDEX_SLOTS - 1)) {
		const struct hot_index_slot *s = &h->index[i];
		if (s->entry == 0 || (s->tag == hot_tag(hash) && same_path(&h->e[s->entry - 1], hash, path, len)))
			return i;
	}
}

static void hot_index_set(struct hot_paths *h, uint32_t slot, uint32_t entry)
{
	h->index[slot].entry = entry + 1;
	h->index[slot].tag = hot_tag(h->e[entry].hash);
}

/* Linear probing's deletion: later members of the run move back. */
static void hot_unindex(struct hot_paths *h, uint32_t entry)
{
	uint32_t i = hot_home(h->e[entry].hash);
	while (h->index[i].entry != entry + 1)
		i = (i + 1) & (HOT_INDEX_SLOTS - 1);
	uint32_t j = i;
	for (;;) {
		h->index[i].entry = 0;
		for (;;) {
			j = (j + 1) & (HOT_INDEX_SLOTS - 1);
			if (h->index[j].entry == 0)
				return;
			uint32_t home = hot_index_home(&h->index[j]);
			/* j's entry may move to i when home is not cyclically in (i, j]. */
			if (i <= j ? (home <= i || home > j) : (home <= i && home > j))
				break;
		}
		h->index[i] = h->index[j];
		i = j;
	}
}

static void hot_add(struct hot_paths *h, const char *path, size_t len, const struct access_record *r)
{
	if (h->e == NULL) {
		h->e = calloc(HOT_PATHS_MAX, sizeof *h->e);
		h->index = calloc(HOT_INDEX_SLOTS, sizeof *h->index);
		h->heap = calloc(HOT_PATHS_MAX, sizeof *h->heap);
		h->heap_at = calloc(HOT_PATHS_MAX, sizeof *h->heap_at);
		if (h->e == NULL || h->index == NULL || h->heap == NULL || h->heap_at == NULL)
			abort();
	}
	len = strnlen(path, len); /* the reports show a path up to a NUL */
	uint64_t hash = ninep_fnv1a64((const uint8_t *)path, len);
	uint32_t slot = hot_slot(h, hash, path, len);
	struct hot_path *e;
	if (h->index[slot].entry != 0) {
		e = &h->e[h->index[slot].entry - 1];
	} else if (h->n < HOT_PATHS_MAX) {
		uint32_t at = h->n++;
		e = &h->e[at];
		e->path = copy_text(path, len);
		e->path_len = len;
		e->hash = hash;
		h->heap_at[at] = at;
		h->heap[at] = (struct hot_heap_node){ 0, at };
		hot_index_set(h, slot, at);
		heap_up(h, at);
	} else {
		/* Replace the path with the fewest round trips; the newcomer
		 * starts from its count (so it is never under-counted). */
		uint32_t victim = h->heap[0].entry;
		e = &h->e[victim];
		hot_unindex(h, victim);
		free(e->path);
		uint64_t inherited = e->round_trips;
		memset(e, 0, sizeof *e);
		e->path = copy_text(path, len);
		e->path_len = len;
		e->hash = hash;
		e->round_trips = inherited;
		hot_index_set(h, hot_slot(h, hash, path, len), victim);
		h->evicted++;
	}
	e->accesses++;
	e->round_trips += r->round_trips;
	e->wait_ns += r->wait_ns;
	e->bytes += r->bytes;
	uint32_t at = h->heap_at[e - h->e];
	h->heap[at].round_trips = e->round_trips;
	heap_down(h, at);
}

static void hot_free(struct hot_paths *h)
{
	for (uint32_t i = 0; i < h->n; i++)
		free(h->e[i].path);
	free(h->e);
	free(h->index);
	free(h->heap);
	free(h->heap_at);
	memset(h, 0, sizeof *h);
}

/* ---- an access ends ----------------------------------------------------- */

static void sum(struct access_totals *t, const struct access_record *r)
{
	t->accesses++;
	t->round_trips += r->round_trips;
	t->open += r->open;
	t->failed += r->failed;
	t->macro += r->macro;
	t->bytes += r->bytes;
	t->data_bytes += r->data_bytes;
	t->wait_ns += r->wait_ns;
	t->wall_ns += r->last_ns > r->first_ns ? (uint64_t)(r->last_ns - r->first_ns) : 0;
	t->by_kind[r->kind]++;
	t->rt_by_kind[r->kind] += r->round_trips;
	t->wait_by_kind[r->kind] += r->wait_ns;
	t->rt_hist[r->round_trips < RT_HIST_MAX ? r->round_trips : RT_HIST_MAX]++;
	if (r->fits_macro) {
		t->whatif_accesses++;
		t->whatif_round_trips += r->round_trips;
		t->whatif_rt_saved += r->round_trips - 1;
		t->whatif_wait_ns += r->wait_ns;
		t->whatif_wait_saved_ns += r->wait_ns - r->longest_ns;
	}
}

static const char *state_name(const struct access_record *r)
{
	return r->open ? "open" : r->failed ? "failed" : r->macro ? "macro" : r->errors ? "error" : "done";
}

void accesses_csv_header(FILE *out)
{
	fputs("connection,client,server,kind,state,path,round_trips,errors,bytes,data_bytes,first_ns,last_ns,"
	      "wall_ns,wait_ns,fits_macro_op\r\n",
	      out);
}

static void csv_row(struct csv_out *w, const struct access_record *r, const char *path, size_t len)
{
	csv_connection_prefix(w, r->connection);
	const char *kind = access_kind_name(r->kind), *state = state_name(r);
	csv_bytes(w, kind, strlen(kind));
	csv_char(w, ',');
	csv_bytes(w, state, strlen(state));
	csv_char(w, ',');
	csv_field(w, path, len);
	const uint64_t n[] = { r->round_trips, r->errors, r->bytes, r->data_bytes };
	for (unsigned i = 0; i < sizeof n / sizeof n[0]; i++) {
		csv_char(w, ',');
		csv_u64(w, n[i]);
	}
	csv_char(w, ',');
	csv_i64(w, r->first_ns);
	csv_char(w, ',');
	csv_i64(w, r->last_ns);
	csv_char(w, ',');
	csv_u64(w, r->last_ns > r->first_ns ? (uint64_t)(r->last_ns - r->first_ns) : 0);
	csv_char(w, ',');
	csv_u64(w, r->wait_ns);
	csv_bytes(w, r->fits_macro ? ",true\r\n" : ",false\r\n", r->fits_macro ? 7 : 8);
	csv_row_end(w);
}

/* On the tally thread: into the totals, the hottest paths, the list while
 * it has room, and the CSV stream; r->path is not set yet. */
static void log_access(struct analysis *a, struct access_record *r, const char *path, size_t len)
{
	struct figures *fig = &r->connection->fig;
	fig->file_accesses++;
	fig->file_access_round_trips += r->round_trips;
	struct access_log *log = log_of(a);
	sum(&log->sums, r);
	hot_add(&log->hot, path, len, r);
	if (a->opt.accesses != NULL)
		csv_row(&a->accesses_csv, r, path, len);
	if (log->n == ACCESS_LIST_MAX) {
		log->sums.not_kept++;
		return;
	}
	r->path = copy_text(path, len);
	r->connection = NULL; /* it may be folded: the list keeps its id */
	log->rec = grow(log->rec, &log->cap, sizeof *log->rec, log->n + 1);
	log->rec[log->n++] = *r;
}

/* An ended access as queued for the tally thread: its path follows. */
struct queued_access {
	struct access_record r;
	size_t path_len;
};

static void log_queued_access(struct analysis *a, void *payload)
{
	struct queued_access *q = payload;
	log_access(a, &q->r, (const char *)(q + 1), q->path_len);
}

static void record(struct analysis *a, const struct access_record *r, const char *path, size_t len)
{
	struct queued_access q = { *r, len };
	tally_add(a, log_queued_access, &q, sizeof q, path, len);
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
	r.connection = la->connection;
	r.connection_id = la->connection->id;
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
	r.fits_macro = (uint8_t)(!open && fits_macro(la, la->connection->msize));
	record(a, &r, slot_text(&la->head), la->head.text_len);
	struct connection *started_on = la->connection;
	u32map_remove(&t->live, la);
	if (--started_on->live_accesses == 0)
		folding_released(a, started_on); /* an ended connection waits for its last access */
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

void accesses_request(struct conn_state *c, struct ninep_request *p, const uint8_t *msg, const struct ninep_msg *m)
{
	(void)p;
	(void)msg;
	if (m->type == NINEP_Tversion)
		end_all(c->a, tracker(c)); /* the connection starts afresh: every fid is gone */
}

/* The type bits of the last qid named `filter` in a reply, or 0. */
static uint8_t last_qid_type(const uint8_t *msg, const struct ninep_msg *m, const struct ninep_filter *filter)
{
	uint8_t type = 0;
	for (unsigned i = 0; i < m->n_items; i++)
		if (m->items[i].depth == 0 && ninep_filter_has(filter, m->items[i].field) &&
		    m->items[i].length >= 1)
			type = ninep_item_bytes(msg, &m->items[i])[0];
	return type;
}

static void add_exchange(struct live_access *la, const struct ninep_request *p, uint32_t reply_size, int is_error,
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
				      const struct ninep_request *p)
{
	struct live_access *old = u32map_find(&t->live, fid);
	if (old != NULL)
		end_live(c->a, t, old, 1); /* the client reused a fid we thought live */
	struct live_access *la = u32map_insert(&t->live, fid, 1);
	la->connection = c->connection;
	c->connection->live_accesses++;
	slot_set_text(&la->head, slot_text(&p->head), p->head.text_len);
	return la;
}

/* An access of a single round trip: a failed walk, a Tsread, a Tswrite. */
static void single(struct conn_state *c, const struct ninep_request *p, uint32_t reply_size, int is_error, int64_t ts,
		   uint64_t latency, enum access_kind kind, uint64_t data, int failed)
{
	struct access_record r;
	memset(&r, 0, sizeof r);
	r.connection = c->connection;
	r.connection_id = c->connection->id;
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
	record(c->a, &r, slot_text(&p->head), p->head.text_len);
}

/* A walk that made a fid when the connection already had NINEP_FIDS_MAX
 * accesses in progress (a client that never clunks): the engine does not
 * keep the fid (ninep/engine.h), and the access is not followed either.
 * It is recorded at once as an open access of its one round trip. */
static void not_followed(struct conn_state *c, const struct ninep_request *p, uint32_t reply_size, int64_t ts,
			 uint64_t latency)
{
	struct access_record r;
	memset(&r, 0, sizeof r);
	r.connection = c->connection;
	r.connection_id = c->connection->id;
	r.kind = ACCESS_OTHER;
	r.round_trips = 1;
	r.bytes = (uint64_t)p->size + reply_size;
	r.first_ns = p->time_ns;
	r.last_ns = ts;
	r.wait_ns = r.longest_ns = latency;
	r.open = 1;
	record(c->a, &r, slot_text(&p->head), p->head.text_len);
}

/* A timeline point as queued, its path following it. */
struct queued_point {
	struct timeline_point pt;
	size_t path_len;
};

/* On the tally thread: one more point for the timeline chart. */
static void keep_point(struct analysis *a, void *payload)
{
	struct access_log *log = log_of(a);
	if (log->n_points == TIMELINE_POINTS_MAX) {
		log->points_not_kept++;
		return;
	}
	const struct queued_point *q = payload;
	struct timeline_point pt = q->pt;
	const char *path = (const char *)(q + 1);
	size_t len = q->path_len;
	if (len > TIMELINE_PATH_MAX) {
		/* cut where a character starts, so the part kept is whole characters */
		len = TIMELINE_PATH_MAX;
		while (len > 0 && ((unsigned char)path[len] & 0xc0) == 0x80)
			len--;
		pt.path_cut = 1;
	}
	if (q->path_len > 0) {
		pt.path = malloc(len + 1);
		if (pt.path == NULL)
			abort();
		memcpy(pt.path, path, len);
		pt.path[len] = '\0';
	}
	log->points = grow(log->points, &log->cap_points, sizeof *log->points, log->n_points + 1);
	log->points[log->n_points++] = pt;
}

static void timeline(struct conn_state *c, const struct ninep_request *p, int is_error, uint64_t latency)
{
	if (!c->a->opt.timeline)
		return;
	struct queued_point q;
	memset(&q, 0, sizeof q);
	q.pt.connection_id = c->connection->id;
	q.pt.request_ns = p->time_ns;
	q.pt.latency_ns = latency;
	q.pt.type = p->type;
	q.pt.error = (uint8_t)(is_error != 0);
	/* at most one byte more than is kept: enough to know it was cut */
	q.path_len = p->head.text_len < TIMELINE_PATH_MAX + 1 ? p->head.text_len : TIMELINE_PATH_MAX + 1;
	tally_add(c->a, keep_point, &q, sizeof q, slot_text(&p->head), q.path_len);
}

static void on_walk(struct conn_state *c, struct access_tracker *t, const struct ninep_request *p,
		    const struct ninep_request_note *note, uint32_t reply_size, const uint8_t *msg, const struct ninep_msg *m,
		    int is_error, int64_t ts, uint64_t latency)
{
	int made = !is_error && ninep_find_filter_uint(m, &AF.nwqid, 0) == p->nwname;
	struct live_access *la = p->newfid == p->fid ? u32map_find(&t->live, p->fid) : NULL;
	if (la == NULL && !made) {
		single(c, p, reply_size, is_error, ts, latency, ACCESS_OTHER, 0, 1);
		return;
	}
	if (la == NULL && t->live.count >= NINEP_FIDS_MAX && u32map_find(&t->live, p->newfid) == NULL) {
		not_followed(c, p, reply_size, ts, latency);
		return;
	}
	if (la == NULL)
		la = start_live(c, t, p->newfid, p);
	else if (made)
		slot_set_text(&la->head, slot_text(&p->head), p->head.text_len);
	add_exchange(la, p, reply_size, is_error, ts, latency);
	if (made) {
		la->name_bytes += note->name_bytes;
		if (p->nwname > 0)
			la->is_dir = (last_qid_type(msg, m, &AF.wqid) & NINEP_QTDIR) != 0;
	}
}

void accesses_exchange(struct conn_state *c, const struct ninep_request *p, uint32_t reply_size, const uint8_t *msg,
		       const struct ninep_msg *m, int is_error, int64_t ts)
{
	struct access_tracker *t = tracker(c);
	int64_t lat = ts - p->time_ns;
	uint64_t latency = lat > 0 ? (uint64_t)lat : 0;
	timeline(c, p, is_error, latency);
	const struct ninep_request_note *note = &p->note;
	uint64_t count = ninep_find_filter_uint(m, &AF.count, 0);

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
		single(c, p, reply_size, is_error, ts, latency, ACCESS_WRITE, !is_error ? note->count : 0, 0);
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
			la->trunc = note->trunc;
			la->is_dir = (last_qid_type(msg, m, &AF.qid) & NINEP_QTDIR) != 0;
		}
		return;
	case NINEP_Tcreate:
	case NINEP_Tlcreate:
		if (!is_error) {
			la->did_create = 1;
			la->trunc = 1;
			la->is_dir = 0;
			la->name_bytes = note->name_bytes;
			slot_set_text(&la->head, slot_text(&p->head), p->head.text_len);
		}
		return;
	case NINEP_Tread:
		if (la->is_dir) {
			la->did_list = 1;
		} else {
			la->did_read = 1;
			if (is_error || note->offset != la->read_next)
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
		if (is_error || note->offset != la->write_next)
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

void accesses_save(struct conn_state *c, struct ninep_esession *e)
{
	if (e->user != NULL) {
		end_all(c->a, e->user);
		tracker_free(e->user);
	}
	e->user = c->accesses;
	c->accesses = NULL;
}

void accesses_drop_saved(struct analysis *a, struct ninep_esession *e)
{
	end_all(a, e->user);
	tracker_free(e->user);
	e->user = NULL;
}

void accesses_adopt(struct conn_state *c, struct ninep_esession *e)
{
	if (e->user == NULL)
		return;
	if (c->accesses != NULL) {
		end_all(c->a, c->accesses);
		tracker_free(c->accesses);
	}
	c->accesses = e->user;
	e->user = NULL;
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
}

void accesses_close(struct conn_state *c)
{
	end_all(c->a, c->accesses);
	tracker_free(c->accesses);
	c->accesses = NULL;
}

void accesses_finish(struct analysis *a)
{
	for (struct ninep_esession *e = a->esessions.head; e != NULL; e = e->next) {
		end_all(a, e->user);
		tracker_free(e->user);
		e->user = NULL;
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
	hot_free(&log->hot);
	for (size_t i = 0; i < log->n_points; i++)
		free(log->points[i].path);
	free(log->points);
	free(log);
	a->access_log = NULL;
}
