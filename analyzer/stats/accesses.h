/*
 * File accesses: the exchanges that serve one access to one file, grouped
 * (the rules are at the top of accesses.c and in ninep.1), and what they
 * say about chattiness: round trips per access, the time spent waiting,
 * and what 9P2000.e's Tsread/Tswrite would have saved.
 *
 * conversations/matcher.c calls the accesses_* hooks; the reports read struct access_log
 * and the summaries of report/chattiness.c.
 */
#ifndef NINEP_ANALYZER_ACCESSES_H
#define NINEP_ANALYZER_ACCESSES_H

#include <stdint.h>

#include "analysis.h"

enum access_kind { ACCESS_READ, ACCESS_WRITE, ACCESS_CREATE, ACCESS_LIST, ACCESS_STAT, ACCESS_OTHER, ACCESS_KINDS };

enum {
	/* The reports list the first ACCESS_LIST_MAX accesses, in the order they
	 * ended; later ones are in every total and counted as not listed
	 * (`ninep accesses` streams them all). */
	ACCESS_LIST_MAX = 1000,
	/* Paths followed for the hottest-paths table: exact while no more than
	 * this many distinct paths were seen, a space-saving top-K beyond. */
	HOT_PATHS_MAX = 8192,
	/* The HTML timeline draws the first TIMELINE_POINTS_MAX exchanges
	 * answered (ninep.1); later ones are only counted (points_not_kept).
	 * Each keeps at most TIMELINE_PATH_MAX bytes of its path, for its
	 * tooltip: at most about 1 MB whatever the capture. */
	TIMELINE_POINTS_MAX = 5000,
	TIMELINE_PATH_MAX = 160,
};

struct access_record {
	/* The connection it started on: valid until the record is logged (a
	 * connection may be folded later: stats/folding.h); connection_id stays. */
	struct connection *connection;
	uint64_t connection_id;
	char *path;
	enum access_kind kind;
	uint32_t round_trips, errors;
	uint64_t bytes;      /* 9P messages both ways */
	uint64_t data_bytes; /* file data read or written (directory data included) */
	int64_t first_ns;    /* its first request */
	int64_t last_ns;     /* its last reply */
	uint64_t wait_ns;    /* the sum of its round trips' latencies */
	uint64_t longest_ns; /* its longest round trip */
	uint8_t open;        /* not ended by Tclunk/Tremove: the capture or connection ended, or Tversion */
	uint8_t failed;      /* a walk that made no fid (error or partial) */
	uint8_t macro;       /* one Tsread or Tswrite */
	uint8_t fits_macro;  /* classic, and one Tsread/Tswrite could have served it */
};

/* One matched exchange, for the timeline chart. */
struct timeline_point {
	uint64_t connection_id; /* an id, not a pointer: the connection may be folded */
	int64_t request_ns;
	uint64_t latency_ns;
	char *path;             /* the request's path (NUL-terminated, owned), or NULL: none */
	uint8_t type;
	uint8_t error;
	uint8_t path_cut;       /* path holds only the first TIMELINE_PATH_MAX bytes or fewer */
};

enum { RT_HIST_MAX = 16 }; /* round trips per access: 1..15 exactly, then 16+ */

struct access_totals {
	uint64_t accesses, round_trips, open, failed, macro;
	uint64_t bytes, data_bytes;
	uint64_t wait_ns, wall_ns;
	uint64_t by_kind[ACCESS_KINDS], rt_by_kind[ACCESS_KINDS], wait_by_kind[ACCESS_KINDS];
	uint64_t rt_hist[RT_HIST_MAX + 1]; /* [n] accesses of n round trips, [RT_HIST_MAX] n >= RT_HIST_MAX */
	/* what-if: classic accesses one Tsread/Tswrite could have served */
	uint64_t whatif_accesses, whatif_round_trips, whatif_rt_saved, whatif_wait_ns, whatif_wait_saved_ns;
	uint64_t all_wait_ns;  /* every round trip's latency, accesses or not */
	uint64_t not_kept;     /* accesses beyond the ACCESS_LIST_MAX listed (in the totals all the same) */
};

/* One path of the hottest-paths table. */
struct hot_path {
	char *path;
	size_t path_len; /* compared on every probe: not strlen'd */
	uint64_t hash;
	uint64_t accesses, round_trips, wait_ns, bytes;
};

struct hot_heap_node {
	uint64_t round_trips; /* the entry's, copied */
	uint32_t entry;
};

struct hot_index_slot {
	uint32_t entry; /* + 1; 0 empty */
	uint32_t tag;   /* bits of its hash, compared before the entry is */
};

/* Space-saving top-K by round trips (Metwally et al., weighted): a path not
 * in a full table replaces the one with the fewest round trips and starts
 * from its count, so a count may be over by at most what it inherited. */
struct hot_paths {
	struct hot_path *e;   /* HOT_PATHS_MAX, allocated on first use */
	uint32_t n;
	struct hot_index_slot *index; /* open addressing, linear probing */
	/* A min-heap by round trips, which keeps each entry's count beside it
	 * and each entry's place in an array of its own: sifting compares and
	 * moves small nodes, not the entries (a cache miss each). */
	struct hot_heap_node *heap;
	uint32_t *heap_at;    /* by entry: its place in heap */
	uint64_t evicted;     /* paths dropped to make room: the table is approximate */
};

struct access_log {
	struct access_totals sums; /* of every access (all_wait_ns aside) */
	struct access_record *rec; /* the first ACCESS_LIST_MAX */
	size_t n, cap;
	struct hot_paths hot;
	struct timeline_point *points;
	size_t n_points, cap_points;
	uint64_t points_not_kept;
};

struct conn_state;
struct ninep_request;
struct ninep_msg;

/* conversations/matcher.c's hooks. */
/* Notes in p->note what the reply will not repeat. */
void accesses_request(struct conn_state *c, struct ninep_request *p, const uint8_t *msg, const struct ninep_msg *m);
void accesses_exchange(struct conn_state *c, const struct ninep_request *p, uint32_t reply_size, const uint8_t *msg,
		       const struct ninep_msg *m, int is_error, int64_t ts);
/* The connection ends: a 9P2000.e connection whose fids the session keeps
 * hands its live accesses to the session (save), others end them open. */
void accesses_save(struct conn_state *c, struct ninep_esession *e);
void accesses_adopt(struct conn_state *c, struct ninep_esession *e);
/* The session forgot its saved fids (NINEP_ESESSIONS_SAVED_MAX): the
 * accesses it kept for a Tsession end, open. */
void accesses_drop_saved(struct analysis *a, struct ninep_esession *e);
/* A Tsession moved the fids of `from`, still open, to c. */
void accesses_take_over(struct conn_state *c, struct conn_state *from);
void accesses_close(struct conn_state *c);
/* Every input read: accesses still kept by sessions end, open. */
void accesses_finish(struct analysis *a);
void accesses_free(struct analysis *a);

const char *access_kind_name(enum access_kind k);

/* ---- summaries (report/chattiness.c) ----------------------------------- */

struct path_row {
	const char *path;
	uint64_t accesses, round_trips, wait_ns, bytes;
};

/* The hottest-paths table is approximate: more distinct paths than it holds. */
int access_hot_paths_approximate(const struct analysis *a);
/* `ninep accesses`: the CSV header, and one row per access as it ends. */
void accesses_csv_header(FILE *out);

void access_totals(const struct analysis *a, struct access_totals *t);
/* The paths with the most round trips (ties by name), up to max rows. */
size_t access_hot_paths(const struct analysis *a, struct path_row *rows, size_t max);
const struct access_log *access_log_of(const struct analysis *a);



#endif
