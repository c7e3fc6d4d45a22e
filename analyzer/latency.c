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
	LATENCY_ADD_CHUNK = 256, /* samples sorted at once by latency_add_many */
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
	free(h->bucket_index);
	free(h->bucket_count);
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

static void reserve_buckets(struct latency_hist *h, uint32_t need)
{
	if (need <= h->cap_buckets)
		return;
	uint32_t cap = h->cap_buckets ? h->cap_buckets : INITIAL_BUCKETS;
	while (cap < need)
		cap *= 2;
	h->bucket_index = xrealloc(h->bucket_index, cap * sizeof *h->bucket_index);
	h->bucket_count = xrealloc(h->bucket_count, cap * sizeof *h->bucket_count);
	h->cap_buckets = cap;
}

static void bucket_add(struct latency_hist *h, uint16_t index, uint32_t count)
{
	const uint16_t *idx = h->bucket_index;
	uint32_t lo = 0, hi = h->n_buckets;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (idx[mid] < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < h->n_buckets && idx[lo] == index) {
		h->bucket_count[lo] += count;
		return;
	}
	reserve_buckets(h, h->n_buckets + 1);
	uint32_t after = h->n_buckets - lo;
	memmove(&h->bucket_index[lo + 1], &h->bucket_index[lo], after * sizeof *h->bucket_index);
	memmove(&h->bucket_count[lo + 1], &h->bucket_count[lo], after * sizeof *h->bucket_count);
	h->bucket_index[lo] = index;
	h->bucket_count[lo] = count;
	h->n_buckets++;
}

/*
 * Adds n buckets (sorted, distinct indices) in one pass from the back, in
 * place: merging a whole histogram costs its length, not a search per
 * bucket.  The result is what bucket_add of each would give.
 */
static void merge_buckets(struct latency_hist *h, const uint16_t *idx, const uint32_t *cnt, uint32_t n)
{
	enum { SEARCH_RATIO = 16 };
	if ((uint64_t)n * SEARCH_RATIO < h->n_buckets) {
		/* A few buckets into many (a connection into the totals): a
		 * search each costs less than a pass over the many. */
		for (uint32_t j = 0; j < n; j++)
			bucket_add(h, idx[j], cnt[j]);
		return;
	}
	uint32_t fresh = 0;
	for (uint32_t i = 0, j = 0; j < n;) {
		if (i < h->n_buckets && h->bucket_index[i] < idx[j]) {
			i++;
			continue;
		}
		if (i == h->n_buckets || h->bucket_index[i] != idx[j])
			fresh++;
		j++;
	}
	reserve_buckets(h, h->n_buckets + fresh);
	uint16_t *hi = h->bucket_index;
	uint32_t *hc = h->bucket_count;
	uint32_t a = h->n_buckets, b = n, w = h->n_buckets + fresh;
	/* w - a is how many of idx[0..b) are still to be placed as new buckets;
	 * when b reaches 0, the rest of h is already where it belongs. */
	while (b > 0) {
		w--;
		if (a > 0 && hi[a - 1] > idx[b - 1]) {
			a--;
			hi[w] = hi[a];
			hc[w] = hc[a];
		} else if (a > 0 && hi[a - 1] == idx[b - 1]) {
			a--;
			b--;
			hi[w] = hi[a];
			hc[w] = hc[a] + cnt[b];
		} else {
			b--;
			hi[w] = idx[b];
			hc[w] = cnt[b];
		}
	}
	h->n_buckets += fresh;
}

/* The exact samples no longer fit: move them into buckets for good. */
static void spill_exact(struct latency_hist *h)
{
	uint16_t idx[LATENCY_EXACT_MAX];
	uint32_t cnt[LATENCY_EXACT_MAX];
	uint32_t n = 0;
	/* Sorted bucket numbers with their counts, by insertion (at most 64). */
	for (uint32_t i = 0; i < h->n_exact; i++) {
		uint16_t b = bucket_of(h->exact[i]);
		uint32_t at = n;
		while (at > 0 && idx[at - 1] > b)
			at--;
		if (at > 0 && idx[at - 1] == b) {
			cnt[at - 1]++;
			continue;
		}
		memmove(&idx[at + 1], &idx[at], (n - at) * sizeof *idx);
		memmove(&cnt[at + 1], &cnt[at], (n - at) * sizeof *cnt);
		idx[at] = b;
		cnt[at] = 1;
		n++;
	}
	merge_buckets(h, idx, cnt, n);
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

/* Sorts n bucket numbers: insertion for the few a histogram gets from one
 * batch, two byte-wise counting passes when there are many. */
static void sort_indices(uint16_t *v, size_t n)
{
	enum { INSERTION_MAX = 32, RADIX = 256 };
	if (n <= INSERTION_MAX) {
		for (size_t i = 1; i < n; i++) {
			uint16_t x = v[i];
			size_t j = i;
			for (; j > 0 && v[j - 1] > x; j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
		return;
	}
	uint16_t tmp[LATENCY_ADD_CHUNK];
	for (unsigned shift = 0; shift < 16; shift += 8) {
		size_t at[RADIX] = { 0 };
		for (size_t i = 0; i < n; i++)
			at[(v[i] >> shift) & (RADIX - 1)]++;
		size_t sum = 0;
		for (unsigned d = 0; d < RADIX; d++) {
			size_t k = at[d];
			at[d] = sum;
			sum += k;
		}
		for (size_t i = 0; i < n; i++)
			tmp[at[(v[i] >> shift) & (RADIX - 1)]++] = v[i];
		memcpy(v, tmp, n * sizeof *v);
	}
}

void latency_add_many(struct latency_hist *h, const uint64_t *ns, size_t n)
{
	size_t i = 0;
	/* Exact samples one by one: there are at most LATENCY_EXACT_MAX. */
	while (i < n && using_exact(h) && h->n_exact < LATENCY_EXACT_MAX)
		latency_add(h, ns[i++]);
	while (i < n) {
		uint16_t idx[LATENCY_ADD_CHUNK];
		uint32_t cnt[LATENCY_ADD_CHUNK];
		size_t m = n - i < LATENCY_ADD_CHUNK ? n - i : LATENCY_ADD_CHUNK;
		for (size_t k = 0; k < m; k++) {
			uint64_t v = ns[i + k];
			if (h->count == 0 || v < h->min)
				h->min = v;
			if (v > h->max)
				h->max = v;
			h->count++;
			h->sum += v;
			idx[k] = bucket_of(v);
		}
		i += m;
		if (h->exact != NULL)
			spill_exact(h);
		sort_indices(idx, m);
		uint32_t d = 0;
		for (size_t k = 0; k < m; k++) {
			if (d > 0 && idx[d - 1] == idx[k]) {
				cnt[d - 1]++;
				continue;
			}
			idx[d] = idx[k];
			cnt[d++] = 1;
		}
		merge_buckets(h, idx, cnt, d);
	}
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
	merge_buckets(into, from->bucket_index, from->bucket_count, from->n_buckets);
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
		seen += h->bucket_count[i];
		if (seen >= rank) {
			uint64_t v = bucket_midpoint(h->bucket_index[i]);
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
