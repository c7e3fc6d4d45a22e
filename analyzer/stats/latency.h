/*
 * Latency distributions in bounded memory.
 *
 * The first LATENCY_EXACT_MAX samples are kept as they are, so small
 * sessions get exact percentiles.  Beyond that the samples move into a
 * sparse log-linear histogram: values below 256 ns have a bucket each, larger
 * values 256 buckets per power of two, so a bucket's midpoint is within
 * 1/512 (0.2%) of every value in it.  Counters are kept for the range of
 * buckets between the smallest and largest hit, so memory follows the
 * spread of the distribution, not the number of samples.  count, min, max and the sum (hence the mean) are always exact.
 */
#ifndef NINEP_ANALYZER_LATENCY_H
#define NINEP_ANALYZER_LATENCY_H

#include <stddef.h>
#include <stdint.h>

enum { LATENCY_EXACT_MAX = 64 };

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
};

void latency_init(struct latency_hist *h);
void latency_free(struct latency_hist *h);
void latency_add(struct latency_hist *h, uint64_t ns);
/* Asks the cache for the counter a later latency_add(h, ns) will touch:
 * a batch's histograms are spread over memory, and their counters are
 * fetched together instead of one after another. */
void latency_prefetch(const struct latency_hist *h, uint64_t ns);
/* Adds every sample of `from` to `into`. */
void latency_merge(struct latency_hist *into, const struct latency_hist *from);
/* The nearest-rank percentile (1..100): exact while the samples are kept,
 * else a bucket midpoint within 0.2%, clamped to [min, max].  0 when empty. */
uint64_t latency_percentile(const struct latency_hist *h, unsigned percent);
/* The mean, rounded to the nearest nanosecond. */
uint64_t latency_mean(const struct latency_hist *h);

/*
 * The buckets, as the JSON report writes them so that reports can be
 * merged (`ninep merge`).  Bucket i < 256 holds the value i ns; bucket
 * i >= 256 holds [low, low + 2^s) with s = i / 256 - 1 and
 * low = (256 + i % 256) << s: 256 buckets per power of two.  A bucket's
 * midpoint is within 1/512 of every value in it, so a percentile read from
 * buckets (merged or not) is within 0.2% of the exact one.
 */
uint32_t latency_bucket_of(uint64_t ns);
uint64_t latency_bucket_low(uint32_t index);
typedef void latency_bucket_fn(void *ctx, uint32_t index, uint64_t count);
/* fn for every bucket with a count, in ascending order; samples still kept
 * exactly are counted in their buckets. */
void latency_each_bucket(const struct latency_hist *h, latency_bucket_fn *fn, void *ctx);
/* An empty h made from such buckets and the exact count, sum, min and
 * max; -1 (h empty) when they disagree: counts that do not add up to
 * count, buckets out of order or outside [min, max]'s, a sum that puts the
 * mean outside [min, max]. */
int latency_from_buckets(struct latency_hist *h, uint64_t count, uint64_t sum, uint64_t min, uint64_t max,
			 const uint32_t *index, const uint64_t *counts, size_t n);

#endif
