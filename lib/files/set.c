/*
 * The files of one capture, keyed by name: what each received, as
 * extents, size, holes, frames and times (../../include/ninep/files.h).
 * No content is kept here; a write's data only until its reply.
 *
 * Memory: per file its name and at most NINEP_FILE_MAX_EXTENTS extents
 * (adjacent and overlapping ranges merge, so a file read in order is one);
 * held write data at most NINEP_FILES_HELD_MAX bytes in all.
 */
#include "ninep/files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct extent {
	uint64_t start, end; /* [start, end), end > start */
};

struct file_entry {
	struct ninep_file pub; /* first: a struct ninep_file * is a struct file_entry * */
	uint64_t hash;
	struct extent *ext;    /* sorted, disjoint, never adjacent */
	size_t n_ext, cap_ext;
	struct file_entry *next_in_bucket;
};

struct held {
	uint64_t key;
	uint8_t *data;
	uint32_t len;
	struct held *next;
};

enum { HELD_BUCKETS = 256 };

struct ninep_files {
	struct file_entry **buckets;
	size_t n_buckets;
	struct file_entry **order; /* by number */
	size_t n, cap;
	struct held *held[HELD_BUCKETS];
	uint64_t held_bytes;
};

static void *xalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if (p == NULL)
		abort();
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (p == NULL)
		abort();
	return p;
}

struct ninep_files *ninep_files_new(void)
{
	struct ninep_files *set = xalloc(sizeof *set);
	set->n_buckets = 64;
	set->buckets = xalloc(set->n_buckets * sizeof *set->buckets);
	return set;
}

void ninep_files_free(struct ninep_files *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->n; i++) {
		struct file_entry *e = set->order[i];
		free((char *)e->pub.name);
		free(e->ext);
		free(e);
	}
	free(set->order);
	free(set->buckets);
	for (unsigned b = 0; b < HELD_BUCKETS; b++) {
		struct held *h = set->held[b];
		while (h != NULL) {
			struct held *next = h->next;
			free(h->data);
			free(h);
			h = next;
		}
	}
	free(set);
}

/* ---- files by name ---------------------------------------------------------- */

static void grow_buckets(struct ninep_files *set)
{
	size_t n = set->n_buckets * 2;
	struct file_entry **b = xalloc(n * sizeof *b);
	for (size_t i = 0; i < set->n; i++) {
		struct file_entry *e = set->order[i];
		size_t at = (size_t)(e->hash & (n - 1));
		e->next_in_bucket = b[at];
		b[at] = e;
	}
	free(set->buckets);
	set->buckets = b;
	set->n_buckets = n;
}

struct ninep_file *ninep_files_find(const struct ninep_files *set, const char *name, size_t name_len)
{
	uint64_t h = ninep_fnv1a64((const uint8_t *)name, name_len);
	for (struct file_entry *e = set->buckets[h & (set->n_buckets - 1)]; e != NULL; e = e->next_in_bucket)
		if (e->hash == h && e->pub.name_len == name_len && memcmp(e->pub.name, name, name_len) == 0)
			return &e->pub;
	return NULL;
}

static struct file_entry *file_get(struct ninep_files *set, const char *name, size_t name_len)
{
	struct ninep_file *found = ninep_files_find(set, name, name_len);
	if (found != NULL)
		return (struct file_entry *)found;
	if (set->n + 1 > set->n_buckets)
		grow_buckets(set);
	struct file_entry *e = xalloc(sizeof *e);
	char *copy = xalloc(name_len + 1);
	memcpy(copy, name, name_len);
	e->pub.name = copy;
	e->pub.name_len = name_len;
	e->hash = ninep_fnv1a64((const uint8_t *)name, name_len);
	size_t at = (size_t)(e->hash & (set->n_buckets - 1));
	e->next_in_bucket = set->buckets[at];
	set->buckets[at] = e;
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 16;
		set->order = xrealloc(set->order, set->cap * sizeof *set->order);
	}
	set->order[set->n++] = e;
	e->pub.number = set->n;
	return e;
}

size_t ninep_files_count(const struct ninep_files *set)
{
	return set->n;
}

struct ninep_file *ninep_files_at(const struct ninep_files *set, size_t i)
{
	return i < set->n ? &set->order[i]->pub : NULL;
}

/* ---- extents ------------------------------------------------------------------ */

/* Holes: the gaps between the extents (which never touch), and before the
 * first and after the last within [0, size). */
static uint64_t count_holes(const struct file_entry *e)
{
	if (e->n_ext == 0)
		return e->pub.size > 0;
	return (uint64_t)(e->n_ext - 1) + (e->ext[0].start > 0) + (e->ext[e->n_ext - 1].end < e->pub.size);
}

/* Records [start, end) as captured.  Returns 0 when it would need one
 * extent more than NINEP_FILE_MAX_EXTENTS (nothing recorded). */
static int add_extent(struct file_entry *e, uint64_t start, uint64_t end)
{
	/* first: the first extent that ends at or after start (touches or
	 * follows the new range); last: one past the last that starts at or
	 * before end. */
	size_t lo = 0, hi = e->n_ext;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e->ext[mid].end < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t first = lo, last = first;
	while (last < e->n_ext && e->ext[last].start <= end)
		last++;
	if (first == last) {
		/* Touches nothing: a new extent at `first`. */
		if (e->n_ext == NINEP_FILE_MAX_EXTENTS)
			return 0;
		if (e->n_ext == e->cap_ext) {
			e->cap_ext = e->cap_ext ? e->cap_ext * 2 : 4;
			e->ext = xrealloc(e->ext, e->cap_ext * sizeof *e->ext);
		}
		memmove(&e->ext[first + 1], &e->ext[first], (e->n_ext - first) * sizeof *e->ext);
		e->ext[first].start = start;
		e->ext[first].end = end;
		e->n_ext++;
		e->pub.captured += end - start;
		return 1;
	}
	/* Merges extents first..last-1 with the new range into one. */
	uint64_t merged_start = e->ext[first].start < start ? e->ext[first].start : start;
	uint64_t merged_end = e->ext[last - 1].end > end ? e->ext[last - 1].end : end;
	uint64_t before = 0;
	for (size_t i = first; i < last; i++)
		before += e->ext[i].end - e->ext[i].start;
	e->pub.captured += (merged_end - merged_start) - before;
	e->ext[first].start = merged_start;
	e->ext[first].end = merged_end;
	memmove(&e->ext[first + 1], &e->ext[last], (e->n_ext - last) * sizeof *e->ext);
	e->n_ext -= last - first - 1;
	return 1;
}

size_t ninep_file_extents(const struct ninep_file *f, size_t i, uint64_t *start, uint64_t *end)
{
	const struct file_entry *e = (const struct file_entry *)f;
	if (i < e->n_ext) {
		*start = e->ext[i].start;
		*end = e->ext[i].end;
	}
	return e->n_ext;
}

/* ---- content ------------------------------------------------------------------- */

struct ninep_file *ninep_files_add(struct ninep_files *set, const char *name, size_t name_len,
				   const struct ninep_content *c, uint64_t request_frame, int64_t request_ns,
				   uint64_t reply_frame, int64_t reply_ns, struct ninep_file_put *put)
{
	memset(put, 0, sizeof *put);
	struct file_entry *e = file_get(set, name, name_len);
	struct ninep_file *f = &e->pub;

	/* The frame that carried the bytes: a read's reply, a write's request. */
	int write = c->io == NINEP_IO_WRITE || c->io == NINEP_IO_SWRITE;
	uint64_t frame = write ? request_frame : reply_frame;
	int64_t ns = write ? request_ns : reply_ns;
	if (f->first_frame == 0 || frame < f->first_frame) {
		f->first_frame = frame;
		f->first_ns = ns;
	}
	if (frame >= f->last_frame) {
		f->last_frame = frame;
		f->last_ns = ns;
	}
	f->access |= write ? NINEP_FILE_WRITTEN : NINEP_FILE_READ;

	const uint64_t max = NINEP_FILE_MAX_SIZE;
	uint64_t offset = c->offset;
	/* end of the range moved, without overflow: offset + count may pass 2^64 */
	uint64_t end = offset > UINT64_MAX - c->count ? UINT64_MAX : offset + c->count;
	if (end > max)
		f->beyond_limit = 1;
	uint64_t kept_end = end < max ? end : max;

	if (c->whole_file) {
		/* Rsread/Tswrite: these bytes are the whole file. */
		free(e->ext);
		e->ext = NULL;
		e->n_ext = e->cap_ext = 0;
		f->captured = 0;
		f->size = kept_end;
		put->restart = 1;
	} else if (kept_end > f->size) {
		f->size = kept_end;
	}

	/* The captured bytes, below the limit. */
	uint64_t cap_end = offset > UINT64_MAX - c->captured ? UINT64_MAX : offset + c->captured;
	if (cap_end > kept_end)
		cap_end = kept_end;
	if (c->data != NULL && cap_end > offset) {
		if (add_extent(e, offset, cap_end)) {
			put->offset = offset;
			put->data = c->data;
			put->len = (uint32_t)(cap_end - offset);
		} else {
			f->extents_full = 1;
		}
	}
	f->holes = count_holes(e);
	return f;
}

const char *ninep_file_access_name(unsigned access)
{
	switch (access & (NINEP_FILE_READ | NINEP_FILE_WRITTEN)) {
	case NINEP_FILE_READ:
		return "read";
	case NINEP_FILE_WRITTEN:
		return "written";
	case NINEP_FILE_READ | NINEP_FILE_WRITTEN:
		return "read+written";
	default:
		return "";
	}
}

char *ninep_file_summary(const struct ninep_file *f, char *buf, size_t cap)
{
	const char *access = ninep_file_access_name(f->access);
	if (f->holes == 0)
		snprintf(buf, cap, "whole, %s", access);
	else
		snprintf(buf, cap, "%llu hole%s, %llu of %llu bytes captured, %s", (unsigned long long)f->holes,
			 f->holes == 1 ? "" : "s", (unsigned long long)f->captured, (unsigned long long)f->size,
			 access);
	return buf;
}

/* ---- writes waiting for their replies ------------------------------------------ */

static struct held **held_at(struct ninep_files *set, uint64_t key)
{
	struct held **p = &set->held[ninep_fnv1a64((const uint8_t *)&key, sizeof key) % HELD_BUCKETS];
	while (*p != NULL && (*p)->key != key)
		p = &(*p)->next;
	return p;
}

int ninep_files_hold(struct ninep_files *set, uint64_t key, const uint8_t *data, uint32_t captured)
{
	struct held **p = held_at(set, key);
	if (*p != NULL || set->held_bytes + captured > NINEP_FILES_HELD_MAX)
		return 0;
	struct held *h = xalloc(sizeof *h);
	h->key = key;
	h->len = captured;
	h->data = xalloc(captured);
	if (captured > 0)
		memcpy(h->data, data, captured);
	*p = h;
	set->held_bytes += captured;
	return 1;
}

const uint8_t *ninep_files_held(const struct ninep_files *set, uint64_t key, uint32_t *captured)
{
	struct held **p = held_at((struct ninep_files *)set, key);
	*captured = *p != NULL ? (*p)->len : 0;
	return *p != NULL ? (*p)->data : NULL;
}

void ninep_files_release(struct ninep_files *set, uint64_t key)
{
	struct held **p = held_at(set, key);
	struct held *h = *p;
	if (h == NULL)
		return;
	*p = h->next;
	set->held_bytes -= h->len;
	free(h->data);
	free(h);
}

uint64_t ninep_files_held_bytes(const struct ninep_files *set)
{
	return set->held_bytes;
}
