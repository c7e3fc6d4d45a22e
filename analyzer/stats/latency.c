/*
 * Latency histogram: exact samples first, then dense log-linear buckets
 * over the range seen, at the precision the histogram carries.
 * See latency.h for the error bound.
 */
#include "stats/latency.h"

#include <stdlib.h>
#include <string.h>

enum {
	INITIAL_EXACT = 8,
	FINE_BITS = LATENCY_FINE_BITS,
};

/* Sub-bucket bits: 2^bits buckets per power of two. */
static unsigned bits_of(const struct latency_hist *h)
{
	return FINE_BITS - h->coarser_by;
}

/* The range of buckets grows by whole blocks, here a power of two (2^bits
 * buckets).  Every connection's histograms widen at about the same pace;
 * in smaller steps their counters pass through many sizes, and each move
 * leaves behind a block that the others, already larger, cannot reuse: in
 * a long capture the heap kept growing while live memory fell. */
static uint32_t range_block(unsigned bits)
{
	return (uint32_t)1 << bits;
}

/* Bucket numbers at `bits` run up to this (2^64 - 1 ns falls in the last). */
static uint32_t bucket_limit(unsigned bits)
{
	return (uint32_t)(64 - bits + 1) << bits;
}

static void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size);
	if (q == NULL)
		abort(); /* out of memory: nothing sensible left to report */
	return q;
}

void latency_init(struct latency_hist *h)
{
	memset(h, 0, sizeof *h);
}

void latency_free(struct latency_hist *h)
{
	free(h->exact);
	free(h->counts);
	latency_init(h);
}

/* v > 0.  Called per sample: the compiler's count-leading-zeros, one
 * instruction where the machine has it. */
static int highest_bit(uint64_t v)
{
	return 63 - __builtin_clzll(v);
}

/* Values below 2^bits are their own bucket; above, 2^bits buckets per
 * power of two. */
static uint32_t bucket_index(uint64_t v, unsigned bits)
{
	if (v < ((uint64_t)1 << bits))
		return (uint32_t)v;
	int e = highest_bit(v); /* >= bits */
	uint32_t sub = (uint32_t)(v >> (e - (int)bits)) & (((uint32_t)1 << bits) - 1);
	return ((uint32_t)(e - (int)bits + 1) << bits) + sub;
}

/* The smallest value in bucket `index` at `bits`. */
static uint64_t bucket_low(uint32_t index, unsigned bits)
{
	uint32_t sub_count = (uint32_t)1 << bits;
	if (index < sub_count)
		return index;
	unsigned shift = (index >> bits) - 1;
	return (uint64_t)(sub_count + (index & (sub_count - 1))) << shift;
}

static uint64_t bucket_midpoint(uint32_t index, unsigned bits)
{
	if (index < ((uint32_t)1 << bits))
		return index;
	unsigned shift = (index >> bits) - 1;
	return bucket_low(index, bits) + (((uint64_t)1 << shift) >> 1);
}

static uint32_t count_at(const struct latency_hist *h, uint32_t i)
{
	switch (h->width) {
	case 1:
		return ((const uint8_t *)h->counts)[i];
	case 2:
		return ((const uint16_t *)h->counts)[i];
	default:
		return ((const uint32_t *)h->counts)[i];
	}
}

/* The largest count a counter of `width` bytes holds. */
static uint32_t count_max(uint8_t width)
{
	return width == 1 ? UINT8_MAX : width == 2 ? UINT16_MAX : UINT32_MAX;
}

static void set_count(struct latency_hist *h, uint32_t i, uint32_t v)
{
	switch (h->width) {
	case 1:
		((uint8_t *)h->counts)[i] = (uint8_t)v;
		break;
	case 2:
		((uint16_t *)h->counts)[i] = (uint16_t)v;
		break;
	default:
		((uint32_t *)h->counts)[i] = v;
		break;
	}
}

/* Re-lays the counters as [lo, lo + span) of `width` bytes each. */
static void relayout(struct latency_hist *h, uint32_t lo, uint32_t span, uint8_t width)
{
	if (h->span > 0 && width == h->width) {
		/* Only the range grows: extend in place where the allocator can,
		 * and clear only the new buckets. */
		size_t off = (size_t)(h->lo - lo) * width, old = (size_t)h->span * width;
		uint8_t *c = xrealloc(h->counts, (size_t)span * width);
		if (off > 0)
			memmove(c + off, c, old);
		memset(c, 0, off);
		memset(c + off + old, 0, (size_t)span * width - off - old);
		h->counts = c;
		h->lo = lo;
		h->span = span;
		return;
	}
	void *counts = calloc(span, width);
	if (counts == NULL)
		abort();
	struct latency_hist n = *h;
	n.counts = counts;
	n.lo = lo;
	n.span = span;
	n.width = width;
	if (h->span > 0) {
		/* Widening: a loop per pair of widths, not a switch per bucket. */
		size_t off = h->lo - lo;
#define WIDEN(FROM, TO)                                                  \
	do {                                                             \
		const FROM *src = h->counts;                             \
		TO *dst = (TO *)counts + off;                            \
		for (uint32_t i = 0; i < h->span; i++)                   \
			dst[i] = src[i];                                 \
	} while (0)
		if (h->width == 1 && width == 2)
			WIDEN(uint8_t, uint16_t);
		else if (h->width == 1 && width == 4)
			WIDEN(uint8_t, uint32_t);
		else if (h->width == 2 && width == 4)
			WIDEN(uint16_t, uint32_t);
		else
			for (uint32_t i = 0; i < h->span; i++)
				set_count(&n, h->lo + i - lo, count_at(h, i));
#undef WIDEN
	}
	free(h->counts);
	*h = n;
}

/* Grows the range to take buckets [first, last], by whole blocks so that a
 * spreading distribution does not reallocate for every new bucket, with
 * counters at least `width` bytes wide: one reallocation for both. */
static void cover_width(struct latency_hist *h, uint32_t first, uint32_t last, uint8_t width)
{
	if (h->span != 0 && first >= h->lo && last < h->lo + h->span) {
		if (h->width < width)
			relayout(h, h->lo, h->span, width);
		return;
	}
	if (h->width > width)
		width = h->width;
	uint32_t block = range_block(bits_of(h)), limit = bucket_limit(bits_of(h));
	uint32_t lo = h->span == 0 || first < h->lo ? first & ~(block - 1) : h->lo;
	uint32_t hi = h->span == 0 || last >= h->lo + h->span ? (last + block) & ~(block - 1) : h->lo + h->span;
	if (hi > limit)
		hi = limit;
	relayout(h, lo, hi - lo, width);
}

static void cover(struct latency_hist *h, uint32_t first, uint32_t last)
{
	cover_width(h, first, last, 1);
}

static void bucket_add(struct latency_hist *h, uint32_t index, uint32_t count)
{
	cover(h, index, index);
	uint32_t i = index - h->lo;
	uint32_t old = count_at(h, i);
	uint32_t v = old + count;
	if (old == 0)
		h->n_buckets++;
	uint8_t width = h->width;
	while (v > count_max(width))
		width *= 2;
	if (width != h->width)
		relayout(h, h->lo, h->span, width);
	set_count(h, i, v);
}

/* The common case of a sample once a connection's latencies have shown
 * their spread: its bucket is in the range and already counted, and one
 * more fits the counter.  0 when bucket_add must do it. */
static int add_in_place(struct latency_hist *h, uint32_t index)
{
	uint32_t i = index - h->lo;
	if (index < h->lo || i >= h->span)
		return 0;
	uint32_t old = count_at(h, i);
	if (old == 0 || old == count_max(h->width))
		return 0;
	set_count(h, i, old + 1);
	return 1;
}

/* The exact samples no longer fit: move them into buckets for good. */
static void spill_exact(struct latency_hist *h)
{
	for (uint32_t i = 0; i < h->n_exact; i++)
		bucket_add(h, bucket_index(h->exact[i], bits_of(h)), 1);
	free(h->exact);
	h->exact = NULL;
	h->n_exact = h->cap_exact = 0;
}

static int using_exact(const struct latency_hist *h)
{
	return h->n_buckets == 0;
}

void latency_add(struct latency_hist *h, uint64_t ns)
{
	if (h->count == 0 || ns < h->min)
		h->min = ns;
	if (ns > h->max)
		h->max = ns;
	h->count++;
	h->sum += ns;
	if (using_exact(h) && h->n_exact < LATENCY_EXACT_MAX) {
		if (h->n_exact == h->cap_exact) {
			h->cap_exact = h->cap_exact ? h->cap_exact * 2 : INITIAL_EXACT;
			h->exact = xrealloc(h->exact, h->cap_exact * sizeof *h->exact);
		}
		h->exact[h->n_exact++] = ns;
		return;
	}
	if (h->exact != NULL)
		spill_exact(h);
	uint32_t index = bucket_index(ns, bits_of(h));
	if (!add_in_place(h, index))
		bucket_add(h, index, 1);
}

/* Adds from's counted buckets to into, of the same or a coarser precision:
 * each into into's bucket holding its lowest value, hence all of it (a
 * bucket lies within one bucket of every coarser precision, the powers of
 * two splitting alike). */
static void add_buckets_coarser(struct latency_hist *into, const struct latency_hist *from)
{
	for (uint32_t i = 0; i < from->span; i++) {
		uint32_t c = count_at(from, i);
		if (c != 0)
			bucket_add(into, bucket_index(bucket_low(from->lo + i, bits_of(from)), bits_of(into)), c);
	}
}

unsigned latency_precision(const struct latency_hist *h)
{
	return bits_of(h);
}

void latency_set_precision(struct latency_hist *h, unsigned sub_bits)
{
	if (sub_bits >= bits_of(h))
		return; /* never finer */
	if (sub_bits == 0)
		sub_bits = 1;
	if (using_exact(h)) {
		/* The samples are still exact: they take the precision when
		 * they spill. */
		h->coarser_by = (uint8_t)(FINE_BITS - sub_bits);
		return;
	}
	/* Each counted bucket into the coarser one (add_buckets_coarser). */
	struct latency_hist n;
	latency_init(&n);
	n.coarser_by = (uint8_t)(FINE_BITS - sub_bits);
	add_buckets_coarser(&n, h);
	n.count = h->count;
	n.sum = h->sum;
	n.min = h->min;
	n.max = h->max;
	free(h->counts);
	*h = n;
}

void latency_prefetch(const struct latency_hist *h, uint64_t ns)
{
	if (using_exact(h))
		return;
	uint32_t i = bucket_index(ns, bits_of(h)) - h->lo;
	if (i < h->span)
		__builtin_prefetch((const uint8_t *)h->counts + (size_t)i * h->width, 1);
}

void latency_merge(struct latency_hist *into, const struct latency_hist *from)
{
	if (from->count == 0)
		return;
	if (using_exact(from)) {
		for (uint32_t i = 0; i < from->n_exact; i++)
			latency_add(into, from->exact[i]);
		return;
	}
	/* A merge is never finer than its parts. */
	latency_set_precision(into, bits_of(from));
	if (into->count == 0 || from->min < into->min)
		into->min = from->min;
	if (from->max > into->max)
		into->max = from->max;
	into->count += from->count;
	into->sum += from->sum;
	if (into->exact != NULL || into->n_buckets == 0)
		spill_exact(into);
	if (from->span == 0)
		return;
	if (bits_of(into) != bits_of(from)) {
		/* from is the finer.  Folding or summing a finer histogram
		 * into a coarse one: not a hot path. */
		add_buckets_coarser(into, from);
		return;
	}
	/* One reallocation for the whole range, not one per bucket outside it;
	 * and a histogram merged into (a total) takes 4-byte counters at once,
	 * so that the loop below adds without checking widths. */
	cover_width(into, from->lo, from->lo + from->span - 1, 4);
	uint32_t *to = (uint32_t *)into->counts + (from->lo - into->lo);
	uint32_t added = 0;
	/* A connection's histogram is mostly empty buckets: skip them a word
	 * (8 bytes of counters) at a time; a loop per counter width. */
#define MERGE(T)                                                                 \
	do {                                                                     \
		const T *c = from->counts;                                       \
		const uint32_t per_word = 8u / sizeof(T);                        \
		uint32_t i = 0;                                                  \
		while (i < from->span) {                                         \
			if (from->span - i >= per_word) {                        \
				uint64_t word;                                   \
				memcpy(&word, c + i, sizeof word);               \
				if (word == 0) {                                 \
					i += per_word;                           \
					continue;                                \
				}                                                \
			}                                                        \
			uint32_t stop = from->span - i < per_word ? from->span : i + per_word; \
			for (; i < stop; i++) {                                  \
				uint32_t v = c[i];                               \
				if (v == 0)                                      \
					continue;                                \
				added += to[i] == 0;                             \
				to[i] += v;                                      \
			}                                                        \
		}                                                                \
	} while (0)
	if (from->width == 1)
		MERGE(uint8_t);
	else if (from->width == 2)
		MERGE(uint16_t);
	else
		MERGE(uint32_t);
#undef MERGE
	into->n_buckets += added;
}

/* The exact samples (at most LATENCY_EXACT_MAX) in order: an insertion
 * sort, without qsort's call per comparison. */
static void sort_exact(const struct latency_hist *h, uint64_t *sorted)
{
	for (uint32_t i = 0; i < h->n_exact; i++) {
		uint64_t v = h->exact[i];
		uint32_t j = i;
		for (; j > 0 && sorted[j - 1] > v; j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = v;
	}
}

uint64_t latency_percentile(const struct latency_hist *h, unsigned percent)
{
	if (h->count == 0)
		return 0;
	/* Nearest rank: the smallest value with at least percent% of the
	 * samples at or below it. */
	uint64_t rank = (h->count * percent + 99) / 100;
	if (rank == 0)
		rank = 1;
	if (using_exact(h)) {
		uint64_t sorted[LATENCY_EXACT_MAX];
		sort_exact(h, sorted);
		return sorted[rank - 1];
	}
	uint64_t seen = 0;
	for (uint32_t i = 0; i < h->span; i++) {
		seen += count_at(h, i);
		if (seen >= rank) {
			uint64_t v = bucket_midpoint(h->lo + i, bits_of(h));
			if (v < h->min)
				v = h->min;
			if (v > h->max)
				v = h->max;
			return v;
		}
	}
	return h->max;
}

uint64_t latency_mean(const struct latency_hist *h)
{
	return h->count ? (h->sum + h->count / 2) / h->count : 0;
}

/* ---- the buckets as the JSON report writes them (latency.h) */

uint32_t latency_bucket_of(uint64_t ns)
{
	return bucket_index(ns, FINE_BITS);
}

uint64_t latency_bucket_low(uint32_t index)
{
	return bucket_low(index, FINE_BITS);
}

void latency_each_bucket(const struct latency_hist *h, latency_bucket_fn *fn, void *ctx)
{
	if (h->count == 0)
		return;
	if (using_exact(h)) {
		uint64_t sorted[LATENCY_EXACT_MAX];
		sort_exact(h, sorted);
		for (uint32_t i = 0; i < h->n_exact;) {
			uint32_t index = bucket_index(sorted[i], bits_of(h)), n = 0;
			while (i < h->n_exact && bucket_index(sorted[i], bits_of(h)) == index) {
				i++;
				n++;
			}
			fn(ctx, index, n);
		}
		return;
	}
	for (uint32_t i = 0; i < h->span; i++)
		if (count_at(h, i) != 0)
			fn(ctx, h->lo + i, count_at(h, i));
}

int latency_from_buckets(struct latency_hist *h, uint64_t count, uint64_t sum, uint64_t min, uint64_t max,
			 const uint32_t *index, const uint64_t *counts, size_t n)
{
	uint64_t total = 0;
	latency_init(h);
	if (count == 0)
		return n == 0 && sum == 0 ? 0 : -1;
	/* The mean lies between min and max. */
	if (min > max || (unsigned __int128)min * count > sum || (unsigned __int128)max * count < sum)
		return -1;
	for (size_t i = 0; i < n; i++) {
		/* Each bucket once, ascending, between min's and max's, and
		 * a count a counter holds. */
		if (index[i] >= bucket_limit(FINE_BITS) || (i > 0 && index[i] <= index[i - 1]) || counts[i] == 0 ||
		    counts[i] > UINT32_MAX || index[i] < latency_bucket_of(min) || index[i] > latency_bucket_of(max)) {
			latency_free(h);
			return -1;
		}
		bucket_add(h, index[i], (uint32_t)counts[i]);
		total += counts[i];
	}
	if (total != count) {
		latency_free(h);
		return -1;
	}
	h->count = count;
	h->sum = sum;
	h->min = min;
	h->max = max;
	return 0;
}
