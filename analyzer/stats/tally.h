/*
 * The tally thread: adding up figures off the main thread.
 *
 * Per message the main thread frames, decodes and matches.  What it then
 * adds up (message counts, latency histograms, the file-access log and the
 * hottest paths) feeds nothing back into matching, and with a thousand
 * connections that memory does not stay in cache.  Done inline it took
 * about a third of the main thread's time: on the 2-million-message bench
 * capture, switching it off took `ninep report` from 0.58 s to 0.40 s
 * (medians of 7 interleaved runs).
 *
 * So the main thread queues that work and a second thread does it, in the
 * order it was queued: every figure comes out exactly as if added inline.
 * The queue is a fixed ring of blocks (bounded memory); the main thread
 * waits when the tally thread falls that far behind.
 *
 * What the tally thread owns while it runs: struct figures' requests,
 * replies, round_trips, file_accesses, file_access_round_trips, types
 * (message counts, errors by type, latencies) and all_latency,
 * analysis->totals_by_type,
 * and the whole access log (analysis->access_log, and the accesses CSV
 * stream).  The main thread touches none of them until tally_wait returns.
 */
#ifndef NINEP_ANALYZER_TALLY_H
#define NINEP_ANALYZER_TALLY_H

#include <stddef.h>

struct analysis;
struct tally;

/* Work for the tally thread: `payload` is its own copy of the bytes queued
 * with it, which it may change. */
typedef void tally_fn(struct analysis *a, void *payload);

/*
 * Queue fn(a, head + tail): the payload is `head` followed at once by
 * `tail` (either may be empty), copied, so the caller's buffers may change
 * as soon as this returns.  A payload too large for a block is run here,
 * after everything queued before it.  The thread starts on first use; if
 * it cannot be started, everything is run here.
 */
void tally_add(struct analysis *a, tally_fn *fn, const void *head, size_t head_size, const void *tail,
	       size_t tail_size);

/* Returns when everything queued so far has been done. */
void tally_wait(struct analysis *a);

/* Does what is queued, ends the thread and frees the queue. */
void tally_stop(struct analysis *a);

#endif
