/*
 * Latency distributions in bounded memory.
 *
 * The first LATENCY_EXACT_MAX samples are kept as they are, so small
 * sessions get exact percentiles.  Beyond that the samples move into a
 * log-linear histogram whose precision the histogram carries: 2^b buckets
 * per power of two (values below 2^b ns have a bucket each), so a
 * bucket's midpoint is within 1/2^(b+1) of every value in it.
 *
 *   - fine, b = LATENCY_FINE_BITS (8): 256 buckets per power of two,
 *     within 1/512 (0.2%).  Every histogram starts fine; the per-type
 *     totals (the main latency tables, the JSON report's buckets, what
 *     `ninep merge` merges) stay fine.
 *   - coarse, b = LATENCY_COARSE_BITS (5): 32 buckets per power of two,
 *     within 1/64 (1.6%).  A connection's histograms (figures.c) are made
 *     coarse: there is one per request type for each of up to 200,000
 *     open connections, and at 0.2% a thousand long-lived connections
 *     held 9 MB of counters (issues 18 and 20, doc/performance.md).
 *
 * Counters are kept for the range of buckets between the smallest and
 * largest hit, so memory follows the spread of the distribution, not the
 * number of samples: at most 1,920 coarse counters (60 x 32)
 * against 14,592 fine ones.  count, min, max and the sum (hence the
 * mean) are always exact.
 */
#ifndef NINEP_ANALYZER_LATENCY_H
#define NINEP_ANALYZER_LATENCY_H

#include <stddef.h>
#include <stdint.h>

enum {
	LATENCY_EXACT_MAX = 64,
	LATENCY_FINE_BITS = 8,   /* 256 buckets per power of two: within 1/512 */
	LATENCY_COARSE_BITS = 5, /* 32 buckets per power of two: within 1/64 */
};

struct latency_hist {
	uint64_t count;
	uint64_t sum; /* nanoseconds; 2^64 ns is 584 years of accumulated latency */
	uint64_t min, max;
	uint64_t *exact; /* the samples while count <= LATENCY_EXACT_MAX, else NULL */
	uint32_t n_exact, cap_exact;
	/* Buckets lo .. lo + span - 1, dense: one counter each, `width` bytes
	 * wide (1, 2 or 4, widened when a count needs it).  Memory follows the
	 * range of the latencies seen, not the number of samples, so a
	 * connection's histograms stop growing once its latencies have shown
	 * their spread; and adding a sample is an index, not a search. */
	void *counts;
	uint32_t lo, span;
	uint8_t width;
	uint32_t n_buckets; /* buckets with a count */
	/* The precision: LATENCY_FINE_BITS - coarser_by sub-bucket bits.
	 * 0, as a zeroed histogram has it, is fine. */
	uint8_t coarser_by;
};

void latency_init(struct latency_hist *h);
void latency_free(struct latency_hist *h);
void latency_add(struct latency_hist *h, uint64_t ns);
/* 2^sub_bits buckets per power of two from now on (LATENCY_COARSE_BITS ..
 * LATENCY_FINE_BITS): a histogram only gets coarser, never finer, so
 * asking for more than it has changes nothing.  Counted buckets are
 * merged into the coarser ones that contain them (each fine bucket lies
 * in one coarse bucket), so the result is the histogram the samples would
 * have made at that precision. */
void latency_set_precision(struct latency_hist *h, unsigned sub_bits);
/* Its sub-bucket bits: LATENCY_FINE_BITS or fewer. */
unsigned latency_precision(const struct latency_hist *h);
/* Asks the cache for the counter a later latency_add(h, ns) will touch:
 * a batch's histograms are spread over memory, and their counters are
 * fetched together instead of one after another. */
void latency_prefetch(const struct latency_hist *h, uint64_t ns);
/* Adds every sample of `from` to `into`.  Where `from` has left exact
 * samples for buckets coarser than `into`'s, `into` becomes as coarse
 * first: a merge is never finer than its parts. */
void latency_merge(struct latency_hist *into, const struct latency_hist *from);
/* The nearest-rank percentile (1..100): exact while the samples are kept,
 * else the midpoint of the bucket holding the exact one, clamped to
 * [min, max]: within 1/512 (0.2%) of it when fine, 1/64 (1.6%) when
 * coarse.  0 when empty. */
uint64_t latency_percentile(const struct latency_hist *h, unsigned percent);
/* The mean, rounded to the nearest nanosecond. */
uint64_t latency_mean(const struct latency_hist *h);

/*
 * The buckets, as the JSON report writes them so that reports can be
 * merged (`ninep merge`): the fine scheme, which the JSON report's
 * histograms (the per-type totals) have.  Bucket i < 256 holds the value i ns; bucket
 * i >= 256 holds [low, low + 2^s) with s = i / 256 - 1 and
 * low = (256 + i % 256) << s: 256 buckets per power of two.  A bucket's
 * midpoint is within 1/512 of every value in it, so a percentile read from
 * buckets (merged or not) is within 0.2% of the exact one.
 */
uint32_t latency_bucket_of(uint64_t ns);
uint64_t latency_bucket_low(uint32_t index);
typedef void latency_bucket_fn(void *ctx, uint32_t index, uint64_t count);
/* fn for every bucket with a count, in ascending order; samples still kept
 * exactly are counted in their buckets.  The indexes are in the
 * histogram's own scheme: the one above when it is fine (at b sub-bucket
 * bits, read 2^b for 256 and b for 8). */
void latency_each_bucket(const struct latency_hist *h, latency_bucket_fn *fn, void *ctx);
/* An empty h made from such buckets and the exact count, sum, min and
 * max; -1 (h empty) when they disagree: counts that do not add up to
 * count, buckets out of order or outside [min, max]'s, a sum that puts the
 * mean outside [min, max]. */
int latency_from_buckets(struct latency_hist *h, uint64_t count, uint64_t sum, uint64_t min, uint64_t max,
			 const uint32_t *index, const uint64_t *counts, size_t n);

#endif
