/*
 * Bounded memory whatever the number of connections: which closed
 * connections keep their detail, and the others folded into one "others"
 * row whose figures stay exact.
 *
 * The rule.  A connection stays in full while it is open (the reassembler
 * ends it: FIN both ways, RST, a new SYN on its 4-tuple, its open-connection
 * ceiling, the idle timeout of capture/capture.h, or the end of the
 * capture).  Once it has ended, its figures are final, and of all ended
 * connections the analysis keeps the analysis_options.kept_connections
 * (`--connections N`, default KEPT_CONNECTIONS_DEFAULT) that matter most,
 * by this order, most important first:
 *   1. the most problems: errors, unanswered requests, orphan replies,
 *      exchanges lost, gaps, non-conforming messages, fids forgotten;
 *   2. the busiest: the most messages;
 *   3. the slowest: the longest round trip;
 *   4. the earliest (the lowest id), so that the choice is deterministic.
 * They sit in a min-heap of that size; a connection that does not make it,
 * or that a more important one pushes out, is folded: its counters and
 * histograms are added to analysis.folded (histograms merge exactly: the
 * buckets are the same everywhere), it is counted, and everything it held
 * is freed.  So totals over the connections listed plus "others" equal the
 * whole, and memory holds at most N ended connections.
 *
 * An ended connection whose file accesses are still in progress (a
 * 9P2000.e session keeps them for a later Tsession) is folded only once the
 * last of them ends: they still add to its figures.
 *
 * The figures of an ended connection are the tally thread's until it has
 * added up what was queued (tally.h), so ended connections wait in a batch
 * of FOLD_BATCH; the batch is decided after tally_wait, on the main thread.
 */
#ifndef NINEP_ANALYZER_FOLDING_H
#define NINEP_ANALYZER_FOLDING_H

#include <stdint.h>

#include "stats/figures.h"
#include "stats/keeper.h"

struct analysis;
struct connection;

enum {
	KEPT_CONNECTIONS_DEFAULT = 50, /* --connections */
	FOLD_BATCH = 256,              /* ended connections decided at a time */
};

/* What the analysis no longer lists one by one. */
struct folded {
	uint64_t connections;       /* folded into "others" */
	unsigned dialects;          /* NINEP_DIALECT_* bits of theirs */
	struct figures fig;         /* their figures, summed */
	/* The kept ended connections: a min-heap by importance. */
	struct keeper kept;
	/* Ended connections not decided yet. */
	struct connection **pending;
	uint64_t n_pending;
};

/* > 0 when figures x matter more than y by the rule's steps 1 to 3, < 0
 * when less, 0 when as much (9P2000.e session rows follow them too). */
int figures_importance(const struct figures *x, const struct figures *y);
/* The connection was ended by the reassembler (its conn_state freed). */
void folding_ended(struct analysis *a, struct connection *s);
/* The last file access in progress on an ended connection ended. */
void folding_released(struct analysis *a, struct connection *s);
/* Decides every ended connection waiting (waits for the tally thread). */
void folding_settle(struct analysis *a);
void folding_free(struct analysis *a);

#endif
