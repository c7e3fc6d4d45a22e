/*
 * The analyzer's upper half: what it keeps about 9P connections and
 * 9P2000.e sessions, shared by the framing, matching and report modules.
 *
 * The lower half (capture/capture.h) hands over ordered TCP bytes; this half
 * finds 9P in them (ninep_stream.c), matches requests to replies and follows
 * fids and session keys (matcher.c), and keeps per-connection figures that
 * outlive the connection (struct connection) for the reports.
 */
#ifndef NINEP_ANALYZER_ANALYSIS_H
#define NINEP_ANALYZER_ANALYSIS_H

#include <stdint.h>
#include <stdio.h>

#include "capture/capture.h"
#include "ninep/engine.h"
#include "latency.h"
#include "csv.h"           /* struct csv_out */
#include "exchanges_csv.h" /* the rows analysis.c and matcher.c write */

enum {
	NINEP_TYPES = 256,           /* message numbers fit in a byte */
	NINEP_REQUEST_SLOTS = 128,   /* requests have even numbers */
	MAX_PORTS = 64,              /* -p */
	ANALYSIS_MAX_INPUTS = 256,
};

/* What one message number has: a connection sees a dozen of the 256. */
struct figures_type {
	uint8_t type;
	uint64_t messages;          /* of this number */
	uint64_t errors;            /* Rerror/Rlerror answering it (a request) */
	struct latency_hist *latency; /* its round trips (a request), lazily */
};

/* Counters that add up: per connection, per 9P2000.e session, in total.
 * By message number they are sparse: slots only for the numbers seen, read
 * through figures_messages, figures_errors and figures_latency. */
struct figures {
	uint16_t slot[NINEP_TYPES];    /* 1 + index in types, 0 when never seen */
	uint16_t n_types, cap_types;
	struct figures_type *types;
	uint64_t requests, replies, round_trips, errors;
	uint64_t unanswered, flushed, orphans;
	uint64_t bytes_to_server, bytes_to_client; /* TCP payload, 9P or not */
	uint64_t not_9p_bytes;     /* garbage on a 9P connection */
	uint64_t nonconforming;    /* messages whose body fits no layout of the dialect (ninep_decode_conforming) */
	uint64_t gaps, gap_bytes;  /* bytes the capture never had */
	uint64_t resync_bytes;     /* of not_9p_bytes: skipped finding a message boundary after a loss */
	uint64_t truncated_bytes;  /* a partial message when the connection ended */
	uint64_t exchanges_lost;   /* unanswered requests and orphan replies after a loss (gap, mid-stream start) */
	uint64_t file_accesses, file_access_round_trips;
	/* Every request type's round trips together, for the one-line
	 * summaries: kept as samples arrive (merging a thousand connections'
	 * types at report time kept the other threads waiting). */
	struct latency_hist all_latency;
};

/* The slot of a message number, made on first use (figures.c). */
struct figures_type *figures_type_slot(struct figures *f, unsigned type);

static inline struct figures_type *figures_type_of(struct figures *f, unsigned type)
{
	unsigned i = f->slot[type & (NINEP_TYPES - 1)];
	return i != 0 ? &f->types[i - 1] : figures_type_slot(f, type & (NINEP_TYPES - 1));
}

static inline uint64_t figures_messages(const struct figures *f, unsigned type)
{
	unsigned i = type < NINEP_TYPES ? f->slot[type] : 0;
	return i != 0 ? f->types[i - 1].messages : 0;
}

static inline uint64_t figures_errors(const struct figures *f, unsigned request_type)
{
	unsigned i = request_type < NINEP_TYPES ? f->slot[request_type] : 0;
	return i != 0 ? f->types[i - 1].errors : 0;
}

/* The latencies of request type 2 * slot, or NULL. */
static inline const struct latency_hist *figures_latency(const struct figures *f, unsigned slot)
{
	unsigned i = slot < NINEP_REQUEST_SLOTS ? f->slot[slot * 2] : 0;
	return i != 0 ? f->types[i - 1].latency : NULL;
}

struct conn_state;
struct access_tracker;
struct access_log;
struct tally;

/* One 9P connection as reported: survives the TCP connection. */
struct connection {
	uint64_t id; /* the reassembler's connection id (plus an offset per input file) */
	unsigned input;           /* index of the input file */
	struct endpoint client, server;
	int roles_from_syn;       /* the SYN (not the messages) said who the client is */
	unsigned dialect;         /* NINEP_DIALECT_* of Rversion, 0 until then */
	uint32_t msize;           /* Rversion's, 0 until then */
	int syn_seen;
	int64_t handshake_rtt_ns; /* -1 when the SYN was not captured */
	int64_t first_ns, last_ns;
	int closed;
	enum close_reason close_reason;
	struct ninep_esession *esession; /* 9P2000.e connections only: set when the connection ends */
	struct figures fig;
	char *csv_prefix;         /* "connection,client,server," for CSV rows, once needed */
	uint16_t csv_prefix_len;
	struct connection *next;
};

struct input_status {
	const char *name;
	int failed;         /* could not be opened or was damaged */
	char error[512];
};

struct analysis_options {
	uint16_t ports[MAX_PORTS]; /* -p: only these are 9P (server side) */
	unsigned n_ports;
	FILE *exchanges;           /* CSV rows as exchanges match, or NULL */
	FILE *accesses;            /* CSV rows as file accesses end, or NULL */
	int timeline;              /* keep every exchange's times for the HTML charts */
};

struct analysis {
	struct analysis_options opt;
	struct connection *connections, *connections_tail;
	uint64_t n_connections;
	struct ninep_esessions esessions; /* the engine's 9P2000.e sessions, across connections and inputs */
	uint64_t other_connections; /* TCP connections found not to be 9P */
	uint64_t conn_id_base;      /* added to the reassembler's ids of the current input */
	unsigned current_input;
	struct capture_stats capture; /* summed over the inputs */
	struct input_status inputs[ANALYSIS_MAX_INPUTS];
	unsigned n_inputs;
	int partial; /* an input failed or was damaged: the figures are of what was read */
	int live;
	uint64_t csv_rows;
	struct access_log *access_log; /* file accesses (accesses.c); the tally thread's while it runs */
	struct tally *tally;           /* the tally thread (tally.h), once started */
	/* Every connection's figures by message number, added up by the tally
	 * thread as it goes (figures_totals reads them). */
	struct figures totals_by_type;
	struct csv_out exchanges_csv, accesses_csv; /* of opt.exchanges and opt.accesses */
};

/* analysis.c: the stream_events glue and the lifetime of everything. */
void analysis_init(struct analysis *a, const struct analysis_options *opt);
void analysis_free(struct analysis *a);
const struct stream_events *analysis_events(void);
/* Every input read: ends the file accesses still open and waits until
 * every figure is added up.  Call before reading figures or the access log. */
void analysis_finish(struct analysis *a);
/* Writes out the buffered CSV rows. */
void analysis_flush(struct analysis *a);
/* Adds the reassembler's counters of one finished input. */
void analysis_add_capture_stats(struct analysis *a, const struct capture_stats *s);

/* figures.c */
void figures_add(struct figures *into, const struct figures *from);
void figures_free(struct figures *f);
/* What one live connection has counted but not yet added to its struct
 * connection's figures: its requests and replies, the number of each
 * message, and its round trips' latencies by request type.  A batch at a
 * time goes to the tally thread (tally.h), which adds it touching the figures and
 * each histogram once per batch rather than once per message (the figures
 * of a thousand connections do not stay in cache, while the batch's few
 * lines in use do).  The figures are complete only after figures_flush and
 * tally_wait.  Every live connection holds one, so it is kept small: at 256
 * it was 2.6 KB a connection (2.6 MB with a thousand open), and 32 measured
 * as fast. */
enum { FIGURES_BATCH = 32 };
struct figures_batch {
	uint64_t requests, replies;
	unsigned n_messages, n_samples;
	uint32_t sample_error; /* bit i: sample i's reply was an error */
	uint8_t message_type[FIGURES_BATCH];
	uint8_t sample_type[FIGURES_BATCH]; /* the request's message number */
	uint64_t sample_ns[FIGURES_BATCH];
};
void figures_count_message(struct analysis *a, struct figures *f, struct figures_batch *b, unsigned type,
			   int request);
/* A round trip of request_type that took ns; is_error when the reply was
 * Rerror or Rlerror. */
void figures_queue_round_trip(struct analysis *a, struct figures *f, struct figures_batch *b, unsigned request_type,
			      uint64_t ns, int is_error);
/* Queues the batch for the tally thread and empties it. */
void figures_flush(struct analysis *a, struct figures *f, struct figures_batch *b);
/* Totals over every connection; the caller frees them with figures_free. */
void figures_totals(const struct analysis *a, struct figures *out);

/* Sessions sorted by id, in a new array the caller frees. */
struct connection **connections_sorted(const struct analysis *a);
/* "9P2000.L" when every connection agrees, "mixed" or "unknown" otherwise. */
const char *analysis_dialect(const struct analysis *a);
/* What the reports show of each 9P2000.e session, built in one pass over
 * the connections (a pass per 9P2000.e session would cost their product):
 * indexed by esession->number - 1. */
struct esession_view {
	uint64_t display_number;  /* 1.. in order among those with members; 0 when none */
	struct connection **members; /* its connections, by id */
	size_t n_members, cap_members;
	struct figures fig;       /* their figures summed */
};
/* `sorted` is connections_sorted's list. */
struct esession_view *esession_views(const struct analysis *a, struct connection *const *sorted);
void esession_views_free(const struct analysis *a, struct esession_view *v);
uint64_t esessions_live(const struct analysis *a);
/* 8 hex digits naming a key without revealing it. */
void key_fingerprint(uint64_t key_hash, char out[9]);

/* report_text.c, report_json.c */
void report_text(const struct analysis *a, FILE *out);
void report_json(const struct analysis *a, FILE *out);

#endif
