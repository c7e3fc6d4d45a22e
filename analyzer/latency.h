/*
 * Latency distributions in bounded memory.
 *
 * The first LATENCY_EXACT_MAX samples are kept as they are, so small
 * sessions get exact percentiles.  Beyond that the samples move into a
 * sparse log-linear histogram: values below 256 ns have a bucket each, larger
 * values 256 buckets per power of two, so a bucket's midpoint is within
 * 1/512 (0.2%) of every value in it.  Only buckets that were ever hit are
 * stored, so memory follows the spread of the distribution, not the number
 * of samples.  count, min, max and the sum (hence the mean) are always exact.
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
	/* The buckets hit, as two parallel arrays: the per-sample binary search
	 * reads only the 2-byte indices, a third of the cache lines that
	 * (index, count) pairs would cost. */
	uint16_t *bucket_index; /* sorted */
	uint32_t *bucket_count;
	uint32_t n_buckets, cap_buckets;
};

void latency_init(struct latency_hist *h);
void latency_free(struct latency_hist *h);
void latency_add(struct latency_hist *h, uint64_t ns);
/* The same as latency_add of each in turn, but the buckets of the batch are
 * sorted and merged in one pass instead of searched one by one. */
void latency_add_many(struct latency_hist *h, const uint64_t *ns, size_t n);
/* Adds every sample of `from` to `into`. */
void latency_merge(struct latency_hist *into, const struct latency_hist *from);
/* The nearest-rank percentile (1..100): exact while the samples are kept,
 * else a bucket midpoint within 0.2%, clamped to [min, max].  0 when empty. */
uint64_t latency_percentile(const struct latency_hist *h, unsigned percent);
/* The mean, rounded to the nearest nanosecond. */
uint64_t latency_mean(const struct latency_hist *h);

#endif
