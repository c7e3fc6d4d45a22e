/*
 * Latency histogram: exact samples first, then sparse log-linear buckets.
 * See latency.h for the error bound.
 */
#include "latency.h"

#include <stdlib.h>
#include <string.h>

enum {
	SUB_BITS = 8,                  /* 256 buckets per power of two */
	SUB_COUNT = 1 << SUB_BITS,
	INITIAL_EXACT = 8,
	INITIAL_BUCKETS = 16,
};

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
	free(h->buckets);
	latency_init(h);
}

/* v > 0.  Called per sample: the compiler's count-leading-zeros, one
 * instruction where the machine has it. */
static int highest_bit(uint64_t v)
{
	return 63 - __builtin_clzll(v);
}

/* Values below SUB_COUNT are their own bucket; above, SUB_COUNT buckets per
 * power of two. */
static uint16_t bucket_of(uint64_t v)
{
	if (v < SUB_COUNT)
		return (uint16_t)v;
	int e = highest_bit(v); /* >= SUB_BITS */
	unsigned sub = (unsigned)(v >> (e - SUB_BITS)) & (SUB_COUNT - 1);
	return (uint16_t)((unsigned)(e - SUB_BITS + 1) * SUB_COUNT + sub);
}

static uint64_t bucket_midpoint(uint16_t index)
{
	if (index < SUB_COUNT)
		return index;
	unsigned shift = index / SUB_COUNT - 1;
	uint64_t lower = (uint64_t)(SUB_COUNT + index % SUB_COUNT) << shift;
	return lower + (((uint64_t)1 << shift) >> 1);
}

static void bucket_add(struct latency_hist *h, uint16_t index, uint32_t count)
{
	uint32_t lo = 0, hi = h->n_buckets;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (h->buckets[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < h->n_buckets && h->buckets[lo].index == index) {
		h->buckets[lo].count += count;
		return;
	}
	if (h->n_buckets == h->cap_buckets) {
		h->cap_buckets = h->cap_buckets ? h->cap_buckets * 2 : INITIAL_BUCKETS;
		h->buckets = xrealloc(h->buckets, h->cap_buckets * sizeof *h->buckets);
	}
	memmove(&h->buckets[lo + 1], &h->buckets[lo], (h->n_buckets - lo) * sizeof *h->buckets);
	h->buckets[lo].index = index;
	h->buckets[lo].count = count;
	h->n_buckets++;
}

/* The exact samples no longer fit: move them into buckets for good. */
static void spill_exact(struct latency_hist *h)
{
	for (uint32_t i = 0; i < h->n_exact; i++)
		bucket_add(h, bucket_of(h->exact[i]), 1);
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
	bucket_add(h, bucket_of(ns), 1);
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
	if (into->count == 0 || from->min < into->min)
		into->min = from->min;
	if (from->max > into->max)
		into->max = from->max;
	into->count += from->count;
	into->sum += from->sum;
	if (into->exact != NULL || into->n_buckets == 0)
		spill_exact(into);
	for (uint32_t i = 0; i < from->n_buckets; i++)
		bucket_add(into, from->buckets[i].index, from->buckets[i].count);
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
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
		memcpy(sorted, h->exact, h->n_exact * sizeof *sorted);
		qsort(sorted, h->n_exact, sizeof *sorted, compare_u64);
		return sorted[rank - 1];
	}
	uint64_t seen = 0;
	for (uint32_t i = 0; i < h->n_buckets; i++) {
		seen += h->buckets[i].count;
		if (seen >= rank) {
			uint64_t v = bucket_midpoint(h->buckets[i].index);
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
