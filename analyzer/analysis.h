/*
 * What every part of the analyzer needs: the analysis of one or more
 * inputs, and the 9P connections it reports.
 *
 * The data path, a folder each:
 *   capture/        capture files and interfaces, link layers, IP, TCP
 *                   reassembly: ordered bytes per connection (capture.h)
 *   conversations/  finding 9P on a connection, framing its messages and
 *                   handing them to the shared engine (ninep/engine.h)
 *   stats/          figures, latency histograms, file accesses, and the
 *                   tally thread that adds them up
 *   report/         text, JSON, HTML, CSV and compare
 * analysis.c ties them together for main.c.
 */
#ifndef NINEP_ANALYZER_ANALYSIS_H
#define NINEP_ANALYZER_ANALYSIS_H

#include <stdint.h>
#include <stdio.h>

#include "capture/capture.h"
#include "ninep/engine.h"
#include "report/csv.h" /* struct csv_out */
#include "stats/figures.h"
#include "stats/esession_rows.h"
#include "stats/folding.h"

enum {
	MAX_PORTS = 64,              /* -p */
	ANALYSIS_MAX_INPUTS = 256,
};

struct conn_state;
struct access_tracker;
struct access_log;
struct tally;
struct extract;

/* One 9P connection as reported: survives the TCP connection. */
struct connection {
	uint64_t id; /* the reassembler's connection id (one reassembler reads all the inputs) */
	unsigned input;           /* index of the input file its first packet came from */
	struct endpoint client, server;
	int roles_from_syn;       /* the SYN (not the messages) said who the client is */
	unsigned dialect;         /* NINEP_DIALECT_* of Rversion, 0 until then */
	uint32_t msize;           /* Rversion's, 0 until then */
	int syn_seen;
	int64_t handshake_rtt_ns; /* -1 when the SYN was not captured */
	int64_t first_ns, last_ns;
	int closed;
	enum close_reason close_reason;
	uint64_t esession_number; /* 9P2000.e connections only: the engine's number of its session when it ended */
	struct esession_row *erow; /* the row of that session until folding decides the connection (stats/esession_rows.h) */
	struct figures fig;
	char *csv_prefix;         /* "connection,client,server," for CSV rows, once needed */
	uint16_t csv_prefix_len;
	/* Bounded memory (stats/folding.h): */
	unsigned live_accesses;   /* file accesses in progress that started on it (stats/accesses.c) */
	uint8_t fold_state;       /* where folding has it (stats/folding.c) */
	struct connection *prev, *next; /* the listed ones (analysis.connections) */
};

struct input_status {
	const char *name;
	int failed;         /* could not be opened or was damaged */
	int delivered;      /* a packet of it was read (so a failure was damage, not "cannot read") */
	int link_type;      /* capture_link_type once a packet was read, else -1 */
	char error[512];
};

struct analysis_options {
	uint16_t ports[MAX_PORTS]; /* -p: only these are 9P (server side) */
	unsigned n_ports;
	FILE *exchanges;           /* CSV rows as exchanges match, or NULL */
	FILE *accesses;            /* CSV rows as file accesses end, or NULL */
	int timeline;              /* keep every exchange's times for the HTML charts */
	struct extract *extract;   /* `ninep extract`: the files go there (files/extract.h), or NULL */
	int flush_each_row;        /* live: each CSV row reaches the reader as it is written */
	int intervals;             /* --every: also add up each interval's figures by type (interval_by_type) */
	int kept_connections_set;  /* --connections: ... */
	uint64_t kept_connections; /* ... ended connections kept in detail (else KEPT_CONNECTIONS_DEFAULT) */
	int kept_esessions_set;    /* --e-sessions: ... */
	uint64_t kept_esessions;   /* ... ended 9P2000.e sessions kept in detail (else KEPT_ESESSIONS_DEFAULT) */
};

struct analysis {
	struct analysis_options opt;
	/* The connections listed one by one: open ones, and the ended ones
	 * folding keeps or has not decided yet (stats/folding.h). */
	struct connection *connections, *connections_tail;
	uint64_t n_listed;
	uint64_t n_connections;     /* every 9P connection, listed or folded */
	struct folded folded;       /* the others */
	struct ninep_esessions esessions; /* the engine's 9P2000.e sessions, across connections and inputs */
	struct esession_rows esession_rows; /* what the reports keep of them (stats/esession_rows.h) */
	uint64_t other_connections; /* TCP connections found not to be 9P */
	unsigned current_input;     /* index of the input whose packet is being read */
	struct capture_stats capture; /* summed over the inputs */
	struct input_status inputs[ANALYSIS_MAX_INPUTS];
	unsigned n_inputs;
	int partial; /* an input failed or was damaged: the figures are of what was read */
	/* The packet being read, numbered from 1 over all the inputs as
	 * Wireshark numbers the frames of the merged capture, and a count of
	 * the messages delivered: a message's cookie is frame <<
	 * COOKIE_FRAME_SHIFT | that count (mod 2^COOKIE_FRAME_SHIFT), unique,
	 * and saying which frame carried the message. */
	uint64_t frame;
	uint32_t messages;
	int interrupted; /* Ctrl-C stopped the reading of a file before its end (so partial) */
	int live;
	/* A timestamp of delivered data had a part below the microsecond:
	 * the reports may show nanoseconds (report/units.h). */
	int ts_sub_microsecond;
	int drops_known;             /* live: what pcap_stats says was dropped */
	struct capture_drops drops;
	uint64_t csv_rows;
	struct access_log *access_log; /* file accesses (accesses.c); the tally thread's while it runs */
	struct tally *tally;           /* the tally thread (tally.h), once started */
	/* Every connection's figures by message number, added up by the tally
	 * thread as it goes (figures_totals reads them). */
	struct figures totals_by_type;
	/* With opt.intervals, the same for the interval being counted:
	 * emptied at each interval's end (stats/intervals.c). */
	struct figures interval_by_type;
	struct conn_state *open_states; /* the connections being read, for analysis_sync */
	struct csv_out exchanges_csv, accesses_csv; /* of opt.exchanges and opt.accesses */
};

enum { COOKIE_FRAME_SHIFT = 20 }; /* fewer than 2^20 messages (7 bytes at least) come in one delivery */

/* analysis.c: the stream_events glue and the lifetime of everything. */
void analysis_init(struct analysis *a, const struct analysis_options *opt);
void analysis_free(struct analysis *a);
const struct stream_events *analysis_events(void);
/* Every input read: ends the file accesses still open and waits until
 * every figure is added up.  Call before reading figures or the access log. */
void analysis_finish(struct analysis *a);
/* Mid-capture: every open connection's counts handed to the tally thread,
 * and added up.  The figures are then those of every message read so far
 * (conversations/connections.c). */
void analysis_sync(struct analysis *a);
/* Requests waiting for their reply now, on the connections still open
 * (the engine's outstanding tags; conversations/connections.c). */
uint64_t analysis_outstanding(const struct analysis *a);
/* Writes out the buffered CSV rows. */
void analysis_flush(struct analysis *a);
/* Adds the reassembler's counters of one finished input. */
void analysis_add_capture_stats(struct analysis *a, const struct capture_stats *s);
/* out: what the counters the report shows rose by from `before` to `now`. */
void capture_stats_since(struct capture_stats *out, const struct capture_stats *now,
			 const struct capture_stats *before);


/* "9P2000.L" when every connection agrees, "mixed" or "unknown" otherwise. */
const char *analysis_dialect(const struct analysis *a);
#endif
