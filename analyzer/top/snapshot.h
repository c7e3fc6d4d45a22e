/*
 * `ninep top`: what one screen shows, taken from the analysis at the end
 * of each interval (stats/intervals.h) and kept by value, so that a screen
 * can be drawn again (a resize, the last screen of a file) without the
 * analysis.  Fixed-size: top keeps one snapshot whatever the traffic.
 *
 * The figures are the analyzer's own, nothing counted again: the interval
 * columns come from the interval's figures (intervals.c), the totals from
 * figures_totals, the paths from the hottest-paths table (accesses.h), the
 * connections from the listed ones (folding.h).
 */
#ifndef NINEP_ANALYZER_TOP_SNAPSHOT_H
#define NINEP_ANALYZER_TOP_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "analysis.h"
#include "stats/intervals.h"

enum {
	TOP_TYPES_MAX = 64,       /* request types: every dialect together defines fewer */
	TOP_CONNECTIONS_MAX = 5,  /* the busiest connections shown */
	TOP_PATHS_MAX = 5,        /* the busiest paths shown */
	TOP_PATH_BYTES = 160,     /* of a path, escaped: the rest is cut (a screen is 80 wide) */
};

/* Round trips of one request type: how many, and their p50 and p99. */
struct top_latency {
	uint64_t count, p50_ns, p99_ns;
};

struct top_type_row {
	uint8_t type;                  /* the request's message number */
	uint64_t requests, errors;     /* in the interval */
	struct top_latency latency;
	uint64_t total_requests, total_errors;
	struct top_latency total_latency;
};

struct top_connection_row {
	char client[ENDPOINT_STRLEN], server[ENDPOINT_STRLEN];
	uint64_t messages, errors, unanswered;
	int open;
};

struct top_path_row {
	char path[TOP_PATH_BYTES]; /* escaped (report/escape.h): no control byte */
	uint64_t round_trips, accesses;
};

/* What the whole run has added up to, beyond what the analysis keeps
 * itself: the capture counters of each interval summed. */
struct top_running {
	uint64_t packets;
	int drops_known;
	struct capture_drops drops;
};

struct top_snapshot {
	int64_t start_ns, end_ns; /* the interval: capture time */
	/* interval | whole run so far */
	uint64_t packets, total_packets;
	uint64_t connections, total_connections, open_connections;
	uint64_t requests, total_requests;
	uint64_t errors, total_errors;
	uint64_t unanswered, total_unanswered;
	uint64_t outstanding; /* requests waiting for their reply now */
	int drops_known;
	struct capture_drops drops, total_drops;
	unsigned n_types;
	struct top_type_row types[TOP_TYPES_MAX]; /* busiest in the interval first */
	unsigned n_connections;
	struct top_connection_row connections_shown[TOP_CONNECTIONS_MAX]; /* most messages first */
	uint64_t connections_folded; /* ended ones folded into "others" (not candidates) */
	unsigned n_paths;
	struct top_path_row paths[TOP_PATHS_MAX]; /* most round trips first */
	int paths_approximate;
};

/* s[0..len) escaped (report/escape.h) into buf, cut with "..." to fit. */
void top_escape(char *buf, size_t cap, const char *s, size_t len);

/* The snapshot at the end of interval f; running gains f's counters. */
void top_snapshot_take(struct top_snapshot *s, const struct analysis *a, const struct interval_figures *f,
		       struct top_running *running);

#endif
