/*
 * Connections by 4-tuple: a chained hash table whose hash is symmetric in
 * the two endpoints, so both directions find the same entry,
 * plus one list in order of last activity so that the oldest entries (closed
 * ones kept to absorb late packets, or victims of max_connections) are found
 * without a scan.
 */
#include "capture_internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	TABLE_INITIAL_BUCKETS = 1024, /* a power of two */
	TABLE_MAX_LOAD_PERCENT = 50,  /* entries per 100 buckets before growing: short chains */
};

struct conntable {
	struct conn **bucket;
	size_t nbuckets; /* a power of two */
	size_t count, retired;
	struct conn *oldest, *newest;   /* open connections, by last activity */
	struct conn *roldest, *rnewest; /* closed ones, in order of closing */
	struct conn *last; /* the last one found: a packet's neighbours often share it */
};

char *endpoint_format(const struct endpoint *e, char *buf, size_t size)
{
	char addr[INET6_ADDRSTRLEN];

	if (size == 0)
		return buf;
	if (e->family == IP_FAMILY_V4 && inet_ntop(AF_INET, e->addr, addr, sizeof addr) != NULL)
		snprintf(buf, size, "%s:%u", addr, (unsigned)e->port);
	else if (e->family == IP_FAMILY_V6 && inet_ntop(AF_INET6, e->addr, addr, sizeof addr) != NULL)
		snprintf(buf, size, "[%s]:%u", addr, (unsigned)e->port);
	else
		snprintf(buf, size, "?:%u", (unsigned)e->port);
	return buf;
}

static int endpoint_eq(const struct endpoint *a, const struct endpoint *b)
{
	uint64_t x[2], y[2];

	/* two 8-byte compares: this runs for every packet */
	memcpy(x, a->addr, sizeof x);
	memcpy(y, b->addr, sizeof y);
	return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0 && a->port == b->port && a->family == b->family;
}

/* A 64-bit mix of one endpoint (multiply-xorshift, as in splitmix64). */
static uint64_t endpoint_mix(const struct endpoint *e)
{
	uint64_t w[2], h;

	memcpy(w, e->addr, sizeof w);
	h = (w[0] ^ ((uint64_t)e->port << 48 | (uint64_t)e->family << 40)) * 0x9e3779b97f4a7c15u;
	h ^= h >> 29;
	h = (h + w[1]) * 0xbf58476d1ce4e5b9u;
	h ^= h >> 32;
	return h;
}

/* Adding the two endpoints' mixes makes the hash the same in both
 * directions without ordering them first. */
uint32_t conntable_hash(const struct endpoint *a, const struct endpoint *b)
{
	uint64_t h = (endpoint_mix(a) + endpoint_mix(b)) * 0x94d049bb133111ebu;

	return (uint32_t)(h >> 32);
}

struct conntable *conntable_new(void)
{
	struct conntable *t = calloc(1, sizeof *t);

	if (t == NULL)
		return NULL;
	t->nbuckets = TABLE_INITIAL_BUCKETS;
	t->bucket = calloc(t->nbuckets, sizeof *t->bucket);
	if (t->bucket == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

static void free_held(struct half *h)
{
	struct held_seg *s = h->held, *n;

	for (; s != NULL; s = n) {
		n = s->next;
		free(s);
	}
	h->held = NULL;
	h->held_bytes = 0;
}

void conntable_free(struct conntable *t)
{
	struct conn *c, *n;

	if (t == NULL)
		return;
	for (c = t->oldest; c != NULL; c = n) {
		n = c->lru_next;
		free_held(&c->half[0]);
		free_held(&c->half[1]);
		free(c);
	}
	for (c = t->roldest; c != NULL; c = n) {
		n = c->lru_next;
		free(c);
	}
	free(t->bucket);
	free(t);
}

struct conn *conntable_find(struct conntable *t, const struct endpoint *src, const struct endpoint *dst, uint32_t h,
			    int *side)
{
	struct conn *c = t->last;

	if (c != NULL) {
		if (endpoint_eq(&c->pub.side[0], src) && endpoint_eq(&c->pub.side[1], dst)) {
			*side = 0;
			return c;
		}
		if (endpoint_eq(&c->pub.side[1], src) && endpoint_eq(&c->pub.side[0], dst)) {
			*side = 1;
			return c;
		}
	}
	for (c = t->bucket[h & (t->nbuckets - 1)]; c != NULL; c = c->hnext) {
		if (c->hash != h)
			continue;
		if (endpoint_eq(&c->pub.side[0], src) && endpoint_eq(&c->pub.side[1], dst)) {
			*side = 0;
			t->last = c;
			return c;
		}
		if (endpoint_eq(&c->pub.side[1], src) && endpoint_eq(&c->pub.side[0], dst)) {
			*side = 1;
			t->last = c;
			return c;
		}
	}
	return NULL;
}

/* Doubling keeps lookups O(1); a failed allocation only makes chains longer. */
static void grow(struct conntable *t)
{
	size_t n = t->nbuckets * 2, i;
	struct conn **b = calloc(n, sizeof *b);

	if (b == NULL)
		return;
	for (i = 0; i < t->nbuckets; i++) {
		struct conn *c = t->bucket[i], *next;
		for (; c != NULL; c = next) {
			next = c->hnext;
			c->hnext = b[c->hash & (n - 1)];
			b[c->hash & (n - 1)] = c;
		}
	}
	free(t->bucket);
	t->bucket = b;
	t->nbuckets = n;
}

static void list_unlink(struct conn **oldest, struct conn **newest, struct conn *c)
{
	if (c->lru_prev != NULL)
		c->lru_prev->lru_next = c->lru_next;
	else
		*oldest = c->lru_next;
	if (c->lru_next != NULL)
		c->lru_next->lru_prev = c->lru_prev;
	else
		*newest = c->lru_prev;
	c->lru_prev = c->lru_next = NULL;
}

static void list_append(struct conn **oldest, struct conn **newest, struct conn *c)
{
	c->lru_prev = *newest;
	c->lru_next = NULL;
	if (*newest != NULL)
		(*newest)->lru_next = c;
	else
		*oldest = c;
	*newest = c;
}

static void lru_unlink(struct conntable *t, struct conn *c)
{
	if (c->state == CONN_CLOSED)
		list_unlink(&t->roldest, &t->rnewest, c);
	else
		list_unlink(&t->oldest, &t->newest, c);
}

static void lru_append(struct conntable *t, struct conn *c)
{
	list_append(&t->oldest, &t->newest, c);
}

struct conn *conntable_add(struct conntable *t, const struct endpoint *a, const struct endpoint *b)
{
	struct conn *c = calloc(1, sizeof *c);
	size_t i;

	if (c == NULL)
		return NULL;
	if (t->count * 100 >= t->nbuckets * TABLE_MAX_LOAD_PERCENT)
		grow(t);
	c->pub.side[0] = *a;
	c->pub.side[1] = *b;
	c->hash = conntable_hash(a, b);
	i = c->hash & (t->nbuckets - 1);
	c->hnext = t->bucket[i];
	t->bucket[i] = c;
	lru_append(t, c);
	t->count++;
	return c;
}

void conntable_remove(struct conntable *t, struct conn *c)
{
	struct conn **pp = &t->bucket[c->hash & (t->nbuckets - 1)];

	while (*pp != NULL && *pp != c)
		pp = &(*pp)->hnext;
	if (*pp == c)
		*pp = c->hnext;
	if (t->last == c)
		t->last = NULL;
	lru_unlink(t, c);
	t->count--;
	if (c->state == CONN_CLOSED)
		t->retired--;
	free_held(&c->half[0]);
	free_held(&c->half[1]);
	free(c);
}

void conntable_retire(struct conntable *t, struct conn *c)
{
	if (c->state == CONN_CLOSED)
		return;
	list_unlink(&t->oldest, &t->newest, c);
	c->state = CONN_CLOSED;
	list_append(&t->roldest, &t->rnewest, c);
	t->retired++;
}

struct conn *conntable_oldest_retired(const struct conntable *t)
{
	return t->roldest;
}

size_t conntable_retired(const struct conntable *t)
{
	return t->retired;
}

void conntable_touch(struct conntable *t, struct conn *c)
{
	if (t->newest == c || c->state == CONN_CLOSED)
		return;
	lru_unlink(t, c);
	lru_append(t, c);
}

struct conn *conntable_oldest(const struct conntable *t)
{
	return t->oldest;
}

size_t conntable_count(const struct conntable *t)
{
	return t->count;
}

static int by_id(const void *a, const void *b)
{
	const struct conn *x = *(struct conn *const *)a, *y = *(struct conn *const *)b;

	return x->pub.id < y->pub.id ? -1 : x->pub.id > y->pub.id;
}

struct conn **conntable_all(const struct conntable *t, size_t *n)
{
	struct conn **v = malloc((t->count + 1) * sizeof *v);
	struct conn *c;
	size_t i = 0;

	*n = 0;
	if (v == NULL)
		return NULL;
	for (c = t->oldest; c != NULL; c = c->lru_next)
		v[i++] = c;
	for (c = t->roldest; c != NULL; c = c->lru_next)
		v[i++] = c;
	qsort(v, i, sizeof *v, by_id);
	*n = i;
	return v;
}
