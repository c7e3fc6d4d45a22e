/*
 * Small open-addressing tables keyed by a 32-bit number: the engine's
 * outstanding requests by tag and fids by number, per connection, and the
 * analyzer's file accesses by fid.
 *
 * Each element starts with struct slot, which holds a text (a path): a
 * short one in the slot itself, so that copying a fid's path into a
 * request touches no other memory; a longer one in a buffer that stays
 * with the slot when the element is removed and is reused by the next
 * one, so a connection in steady state allocates nothing per message.
 */
#ifndef NINEP_TABLES_H
#define NINEP_TABLES_H

#include <stddef.h>
#include <stdint.h>

enum { SLOT_SHORT_TEXT = 39 }; /* the bench's paths are up to 38 bytes */

struct slot {
	uint32_t key;
	uint8_t used;
	uint32_t text_len; /* up to SLOT_SHORT_TEXT: in short_text, else in long_text */
	uint32_t long_cap;
	char *long_text;
	char short_text[SLOT_SHORT_TEXT + 1];
};

enum { U32MAP_MAX_ELEM = 256 }; /* bytes an element may have (swaps go through a buffer) */

struct u32map {
	unsigned char *slots;
	size_t elem_size;
	uint32_t cap, count; /* cap is 0 or a power of two */
	uint8_t shrinks;     /* see u32map_init_shrinking */
};

void u32map_init(struct u32map *m, size_t elem_size);
/* As u32map_init, but the table is rehashed smaller when a removal leaves
 * it mostly empty, so a connection does not keep its high-water size for
 * ever.  A removal may then move every element (and change the order of
 * iteration): never remove from such a table while iterating over it, and
 * look elements up again after a removal, as after an insertion. */
void u32map_init_shrinking(struct u32map *m, size_t elem_size);
void u32map_free(struct u32map *m);
void *u32map_find(const struct u32map *m, uint32_t key);
/* The element for key, made empty (payload zeroed, text emptied) if new or
 * `reset` is set. */
void *u32map_insert(struct u32map *m, uint32_t key, int reset);
void u32map_remove(struct u32map *m, void *elem);
void u32map_clear(struct u32map *m);
/* Iteration: elements 0..cap-1, skipping those not used. */
static inline struct slot *u32map_at(const struct u32map *m, uint32_t i)
{
	return (struct slot *)(m->slots + (size_t)i * m->elem_size);
}

/* Replace a slot's text; text_append adds "/name" style pieces. */
void slot_set_text(struct slot *s, const char *text, size_t len);
void slot_append_text(struct slot *s, const char *text, size_t len);
/* Keep the first len bytes of the slot's text (len <= its length). */
void slot_truncate_text(struct slot *s, size_t len);
/* The slot's text, NUL-terminated ("" when none was set).  It moves with
 * the element: look it up again after the table changes. */
static inline const char *slot_text(const struct slot *s)
{
	return s->text_len <= SLOT_SHORT_TEXT ? s->short_text : s->long_text;
}

#endif
