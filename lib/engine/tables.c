/*
 * Linear-probing tables with backward-shift deletion (no tombstones, so a
 * long-lived connection never degrades), at most half full.  A shrinking
 * table is rehashed smaller when under 1/8 full, to at most 1/4 full: it
 * then takes as many operations again to grow or shrink it, so the cost
 * of rehashing stays amortised O(1) and the size never thrashes.
 */
#include "ninep/tables.h"

#include <stdlib.h>
#include <string.h>

enum {
	/* perf: 4 slots, not 16.  A connection holds one or two outstanding
	 * tags, fids and live accesses at a time, and its three tables of 16
	 * slots (2.3 KB, 1.2 KB, 2.6 KB) made most of its 7 KB, so with 1,000
	 * interleaved connections every lookup was a cache miss on a slot far
	 * from the others.  1 M-packet `interleaved`, Release, medians of 5
	 * runs of `ninep report -q` on a shared, loaded machine: task-clock
	 * 1417 -> 1213 ms, wall 3.86 -> 3.15 s; u32map_find 33 % -> 15 % of
	 * the samples.  Same files, task-clock: mix 1287 -> 964 ms, short
	 * 1138 -> 868 ms (medians of 3). */
	INITIAL_CAP = 4,
	SHRINK_MIN_CAP = INITIAL_CAP, /* never shrunk below this */
};

static void *xmalloc_zero(size_t size)
{
	void *p = calloc(1, size);
	if (p == NULL)
		abort();
	return p;
}

void u32map_init(struct u32map *m, size_t elem_size)
{
	if (elem_size < sizeof(struct slot) || elem_size > U32MAP_MAX_ELEM)
		abort(); /* a programmer error: see U32MAP_MAX_ELEM */
	memset(m, 0, sizeof *m);
	m->elem_size = elem_size;
}

void u32map_init_shrinking(struct u32map *m, size_t elem_size)
{
	u32map_init(m, elem_size);
	m->shrinks = 1;
}

void u32map_free(struct u32map *m)
{
	for (uint32_t i = 0; i < m->cap; i++)
		free(u32map_at(m, i)->long_text);
	free(m->slots);
	m->slots = NULL;
	m->cap = m->count = 0;
}

static uint32_t home(const struct u32map *m, uint32_t key)
{
	return (key * 0x9E3779B1u) & (m->cap - 1);
}

void *u32map_find(const struct u32map *m, uint32_t key)
{
	/* perf: an empty table answers from its header, without reading a
	 * slot (a cache miss when many connections interleave): the live
	 * accesses and fids are often empty when asked.  Cachegrind with a
	 * 512 KiB first level, 300,000 packets of `interleaved`: misses
	 * -0.2 %, instructions -0.13 % (two runs each; `mix` and `short`
	 * within the +-2 % that run-to-run thread scheduling moves them). */
	if (m->count == 0)
		return NULL;
	for (uint32_t i = home(m, key);; i = (i + 1) & (m->cap - 1)) {
		struct slot *s = u32map_at(m, i);
		if (!s->used)
			return NULL;
		if (s->key == key)
			return s;
	}
}

/* Move every element into a table of new_cap slots (a power of two that
 * holds them all); the buffers of free slots are given back. */
static void rehash(struct u32map *m, uint32_t new_cap)
{
	struct u32map old = *m;
	m->cap = new_cap;
	m->slots = xmalloc_zero((size_t)m->cap * m->elem_size);
	for (uint32_t i = 0; i < old.cap; i++) {
		struct slot *s = u32map_at(&old, i);
		if (!s->used) {
			free(s->long_text);
			continue;
		}
		uint32_t j = home(m, s->key);
		while (u32map_at(m, j)->used)
			j = (j + 1) & (m->cap - 1);
		memcpy(u32map_at(m, j), s, m->elem_size);
	}
	free(old.slots);
}

static void grow(struct u32map *m)
{
	rehash(m, m->cap ? m->cap * 2 : INITIAL_CAP);
}

static void maybe_shrink(struct u32map *m)
{
	if (!m->shrinks || m->cap <= SHRINK_MIN_CAP || m->count >= m->cap / 8)
		return;
	uint32_t cap = SHRINK_MIN_CAP;
	while (cap < m->count * 4)
		cap *= 2;
	rehash(m, cap); /* cap <= m->cap / 2, since count < m->cap / 8 */
}

static void empty_element(const struct u32map *m, struct slot *s)
{
	char *text = s->long_text;
	uint32_t cap = s->long_cap;
	memset(s, 0, m->elem_size);
	s->long_text = text;
	s->long_cap = cap;
}

void *u32map_insert(struct u32map *m, uint32_t key, int reset)
{
	struct slot *s = u32map_find(m, key);
	if (s != NULL) {
		if (reset) {
			empty_element(m, s);
			s->key = key;
			s->used = 1;
		}
		return s;
	}
	if ((m->count + 1) * 2 > m->cap)
		grow(m);
	uint32_t i = home(m, key);
	while (u32map_at(m, i)->used)
		i = (i + 1) & (m->cap - 1);
	s = u32map_at(m, i);
	empty_element(m, s);
	s->key = key;
	s->used = 1;
	m->count++;
	return s;
}

static void swap_elements(const struct u32map *m, uint32_t a, uint32_t b)
{
	unsigned char tmp[U32MAP_MAX_ELEM];
	memcpy(tmp, u32map_at(m, a), m->elem_size);
	memcpy(u32map_at(m, a), u32map_at(m, b), m->elem_size);
	memcpy(u32map_at(m, b), tmp, m->elem_size);
}

void u32map_remove(struct u32map *m, void *elem)
{
	uint32_t mask = m->cap - 1;
	uint32_t hole = (uint32_t)(((unsigned char *)elem - m->slots) / m->elem_size);
	u32map_at(m, hole)->used = 0;
	m->count--;
	/* Shift later members of the probe run back into the hole, so that
	 * lookups never stop early; the freed slot (and its buffer) moves to
	 * where the run ends. */
	for (uint32_t j = (hole + 1) & mask; u32map_at(m, j)->used; j = (j + 1) & mask) {
		uint32_t h = home(m, u32map_at(m, j)->key);
		if (((j - h) & mask) >= ((j - hole) & mask)) {
			swap_elements(m, hole, j);
			hole = j;
		}
	}
	maybe_shrink(m);
}

void u32map_clear(struct u32map *m)
{
	for (uint32_t i = 0; i < m->cap; i++)
		u32map_at(m, i)->used = 0;
	m->count = 0;
}

/* Room for a long text of len bytes and its NUL. */
static void reserve_long(struct slot *s, size_t len)
{
	if (len + 1 <= s->long_cap)
		return;
	size_t cap = s->long_cap ? s->long_cap : 64;
	while (cap < len + 1)
		cap *= 2;
	char *t = realloc(s->long_text, cap);
	if (t == NULL)
		abort();
	s->long_text = t;
	s->long_cap = (uint32_t)cap;
}

void slot_set_text(struct slot *s, const char *text, size_t len)
{
	char *to = s->short_text;
	if (len > SLOT_SHORT_TEXT) {
		reserve_long(s, len);
		to = s->long_text;
	}
	memcpy(to, text, len);
	to[len] = '\0';
	s->text_len = (uint32_t)len;
}

void slot_append_text(struct slot *s, const char *text, size_t len)
{
	size_t total = s->text_len + len;
	char *to = s->short_text;
	if (total > SLOT_SHORT_TEXT) {
		reserve_long(s, total);
		if (s->text_len <= SLOT_SHORT_TEXT) /* it outgrows the slot: move it first */
			memcpy(s->long_text, s->short_text, s->text_len);
		to = s->long_text;
	}
	memcpy(to + s->text_len, text, len);
	to[total] = '\0';
	s->text_len = (uint32_t)total;
}

void slot_truncate_text(struct slot *s, size_t len)
{
	if (len <= SLOT_SHORT_TEXT && s->text_len > SLOT_SHORT_TEXT)
		memcpy(s->short_text, s->long_text, len); /* it fits the slot again */
	s->text_len = (uint32_t)len;
	(len <= SLOT_SHORT_TEXT ? s->short_text : s->long_text)[len] = '\0';
}
