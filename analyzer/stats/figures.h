/*
 * Counters that add up, per connection, per 9P2000.e session and in total,
 * and the batches in which live connections hand them to the tally thread
 * (tally.h).
 */
#ifndef NINEP_ANALYZER_FIGURES_H
#define NINEP_ANALYZER_FIGURES_H

#include <stddef.h>
#include <stdint.h>

#include "stats/latency.h"

enum {
	NINEP_TYPES = 256,           /* message numbers fit in a byte */
	NINEP_REQUEST_SLOTS = 128,   /* requests have even numbers */
};

struct analysis;
struct connection;

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
	uint64_t gaps, gap_bytes;  /* bytes the capture lost: no packet carried them */
	uint64_t uncaptured_bytes; /* bytes of captured packets the snaplen cut (not gaps) */
	uint64_t resync_bytes;     /* of not_9p_bytes: skipped finding a message boundary after a loss */
	uint64_t truncated_bytes;  /* a partial message when the connection ended */
	uint64_t exchanges_lost;   /* unanswered requests and orphan replies after a loss (gap, mid-stream start) */
	uint64_t file_accesses, file_access_round_trips;
	uint64_t fids_forgotten;   /* fids the engine did not keep: NINEP_FIDS_MAX were (ninep/engine.h) */
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

/* figures.c */
void figures_add(struct figures *into, const struct figures *from);
void figures_free(struct figures *f);
/* The counters (not the tables by message number) of out: what they rose
 * by from `before` to `now`, figures of the same connections later. */
void figures_counters_since(struct figures *out, const struct figures *now, const struct figures *before);
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

/* The listed connections (not folded) sorted by id, in a new array the
 * caller frees, ending with NULL. */
struct connection **connections_sorted(const struct analysis *a);
/* 8 hex digits naming a key without revealing it. */
void key_fingerprint(uint64_t key_hash, char out[9]);

#endif
