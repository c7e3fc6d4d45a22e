/*
 * The 9P decoder: walks a compiled layout over the bytes of one message.
 *
 * Every read is preceded by a length check written as a comparison of
 * lengths (never `p + n > end`, which can overflow).  A message decodes only
 * when some layout of its type, in one of the dialects asked for, consumes
 * exactly `size` bytes.
 */
#include "ninep/decode.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_CANDIDATES = 8 };

/* Where decoding stands within one message. */
struct cursor {
	const uint8_t *buf; /* the message (or struct) bytes */
	uint32_t base;      /* offset of buf within the message, for items */
	uint32_t pos;
	uint32_t end;
	unsigned dialects;
	struct ninep_msg *msg;
};

static enum ninep_status fail(struct cursor *c, const char *problem, const char *field)
{
	struct ninep_msg *m = c->msg;
	m->problem = problem;
	m->problem_field = field;
	m->problem_offset = c->base + c->pos;
	return NINEP_MALFORMED;
}

static enum ninep_status push(struct cursor *c, const struct ninep_element *e, uint32_t length, uint64_t value,
			      uint8_t depth)
{
	struct ninep_msg *m = c->msg;
	if (m->n_items == NINEP_MAXITEMS)
		return fail(c, "more fields than the decoder holds", e->name);
	struct ninep_item *it = &m->items[m->n_items++];
	it->field = e->field;
	it->element = e;
	it->offset = c->base + c->pos;
	it->length = length;
	it->value = value;
	it->depth = depth;
	c->pos += length;
	return NINEP_OK;
}

static enum ninep_status decode_layout(struct cursor *c, const struct ninep_layout *layout, uint8_t depth);

/* Decode a struct occupying exactly `length` bytes at the cursor. */
static enum ninep_status decode_struct_at(struct cursor *c, const char *name, uint32_t length, uint8_t depth)
{
	const struct ninep_layout *candidates[MAX_CANDIDATES];
	size_t n = ninep_struct_layouts(name, candidates, MAX_CANDIDATES);
	unsigned items_before = c->msg->n_items;
	enum ninep_status status = NINEP_UNKNOWN_TYPE;
	const struct ninep_layout *best = NULL;
	uint32_t best_reach = 0;

	/* Try each layout of the dialects asked for; remember which got furthest
	 * so that its problem is the one reported. */
	for (size_t i = 0; i < n; i++) {
		if ((candidates[i]->dialects & c->dialects) == 0)
			continue;
		struct cursor inner = { c->buf + c->pos, c->base + c->pos, 0, length, c->dialects, c->msg };
		c->msg->n_items = items_before;
		status = decode_layout(&inner, candidates[i], depth);
		if (status == NINEP_OK && inner.pos == length) {
			/* A stat's size[2] counts the bytes after itself; it must agree
			 * with the length around it (Rstat/Twstat n, Plan 9's statcheck). */
			if (strcmp(name, "stat") == 0 &&
			    c->msg->items[items_before].value + NINEP_BIT16SZ != length) {
				c->msg->n_items = items_before;
				inner.pos = 0;
				return fail(&inner, "stat size disagrees with the record length", "stat.size");
			}
			c->pos += length;
			return NINEP_OK;
		}
		uint32_t reach = status == NINEP_OK ? inner.pos : c->msg->problem_offset - inner.base;
		if (best == NULL || reach > best_reach) {
			best = candidates[i];
			best_reach = reach;
		}
	}
	if (best == NULL)
		return fail(c, "no layout of this record in the dialect", name);
	/* Decode the best candidate again so the items and problem are its own. */
	struct cursor inner = { c->buf + c->pos, c->base + c->pos, 0, length, c->dialects, c->msg };
	c->msg->n_items = items_before;
	status = decode_layout(&inner, best, depth);
	if (status == NINEP_OK)
		return fail(c, "record length disagrees with its fields", name);
	return status;
}

static enum ninep_status decode_element(struct cursor *c, const struct ninep_element *e, const uint64_t *values,
					uint64_t *value, uint8_t depth)
{
	uint32_t left = c->end - c->pos;
	const uint8_t *p = c->buf + c->pos;

	switch (e->wire) {
	case NINEP_WIRE_UINT:
		if (left < e->size)
			return fail(c, "field runs past the end of the message", e->name);
		switch (e->size) {
		case 1:
			*value = p[0];
			break;
		case 2:
			*value = ninep_get16(p);
			break;
		case 4:
			*value = ninep_get32(p);
			break;
		default:
			*value = ninep_get64(p);
			break;
		}
		return push(c, e, e->size, *value, depth);
	case NINEP_WIRE_QID:
	case NINEP_WIRE_FIXED: {
		uint32_t size = e->wire == NINEP_WIRE_QID ? NINEP_QIDSZ : e->size;
		if (left < size)
			return fail(c, "field runs past the end of the message", e->name);
		*value = size;
		return push(c, e, size, size, depth);
	}
	case NINEP_WIRE_STRING: {
		if (left < NINEP_BIT16SZ)
			return fail(c, "string length runs past the end of the message", e->name);
		uint32_t len = ninep_get16(p);
		if (left - NINEP_BIT16SZ < len)
			return fail(c, "string runs past the end of the message", e->name);
		*value = len;
		return push(c, e, NINEP_BIT16SZ + len, len, depth);
	}
	case NINEP_WIRE_DATA: {
		uint64_t len = values[e->length_from];
		if (len > left)
			return fail(c, "count runs past the end of the message", e->name);
		*value = len;
		return push(c, e, (uint32_t)len, len, depth);
	}
	case NINEP_WIRE_STRUCT: {
		uint64_t len = values[e->length_from];
		if (len > left)
			return fail(c, "record length runs past the end of the message", e->name);
		enum ninep_status status = push(c, e, (uint32_t)len, len, depth);
		if (status != NINEP_OK)
			return status;
		c->pos -= (uint32_t)len; /* the record's own fields follow, one level deeper */
		*value = len;
		return decode_struct_at(c, e->struct_name, (uint32_t)len, (uint8_t)(depth + 1));
	}
	}
	return fail(c, "impossible wire kind", e->name);
}

static enum ninep_status decode_layout(struct cursor *c, const struct ninep_layout *layout, uint8_t depth)
{
	/* The last value of each element, for counts and lengths read later.
	 * Counts and lengths only ever refer to earlier elements (description.c
	 * compiles them so), each of which is set below before it can be read:
	 * no need to clear the array for every message. */
	uint64_t values[NINEP_MAXELEMENTS];

	for (unsigned i = 0; i < layout->n_elements; i++) {
		const struct ninep_element *e = &layout->elements[i];
		uint64_t repeats = 1;
		if (e->repeat_from >= 0) {
			repeats = values[e->repeat_from];
			if (repeats > NINEP_MAXWELEM)
				return fail(c, "more than 16 walk elements", layout->elements[e->repeat_from].name);
		}
		values[i] = 0; /* what a repeated element read zero times leaves */
		for (uint64_t r = 0; r < repeats; r++) {
			enum ninep_status status = decode_element(c, e, values, &values[i], depth);
			if (status != NINEP_OK)
				return status;
		}
	}
	return NINEP_OK;
}

enum ninep_status ninep_frame(const uint8_t *buf, size_t len, uint32_t max_size, uint32_t *size)
{
	if (len < NINEP_SIZESZ)
		return NINEP_INCOMPLETE;
	*size = ninep_get32(buf);
	if (*size < NINEP_HDRSZ)
		return NINEP_MALFORMED;
	if (max_size != 0 && *size > max_size)
		return NINEP_MALFORMED;
	if (len < *size)
		return NINEP_INCOMPLETE;
	return NINEP_OK;
}

/*
 * The fast path.  Most messages (Tclunk, Rread's header aside, Rlopen,
 * Rgetattr, ...) have layouts made only of fixed-size fields: such a layout
 * fits exactly when the body is as long as its fields, and decoding it is
 * reading at offsets known in advance.  Computed once per message number
 * from the same compiled layouts; anything else takes decode_layout.
 */
enum { NOT_FIXED = UINT32_MAX };

static struct ninep_element header[3];

static struct by_type {
	uint8_t n;
	const struct ninep_layout *layouts[MAX_CANDIDATES];
	uint32_t fixed[MAX_CANDIDATES]; /* body bytes of an all-fixed layout, or NOT_FIXED */
	uint32_t data_tail[MAX_CANDIDATES]; /* see data_tail() */
	uint8_t *item_of_row[MAX_CANDIDATES]; /* see struct ninep_msg */
} by_type[256];
static int fast_ready;

/* The bytes of the first n_elements elements of l when they are all of
 * fixed size, or NOT_FIXED. */
static uint32_t fixed_part(const struct ninep_layout *l, unsigned n_elements)
{
	uint32_t n = 0;
	for (unsigned i = 0; i < n_elements; i++) {
		const struct ninep_element *e = &l->elements[i];
		if (e->repeat_from >= 0)
			return NOT_FIXED;
		switch (e->wire) {
		case NINEP_WIRE_UINT:
		case NINEP_WIRE_FIXED:
			n += e->size;
			break;
		case NINEP_WIRE_QID:
			n += NINEP_QIDSZ;
			break;
		default:
			return NOT_FIXED;
		}
	}
	return n;
}

static uint32_t fixed_body(const struct ninep_layout *l)
{
	return fixed_part(l, l->n_elements);
}

/* Where the data of a layout made of fixed-size fields and then one DATA
 * field (Rread's "count[4] data[count]") starts in the message, or 0.
 * Decoding checks such data's length and never reads its bytes. */
static uint32_t data_tail(const struct ninep_layout *l)
{
	if (l->n_elements == 0)
		return 0;
	const struct ninep_element *last = &l->elements[l->n_elements - 1];
	if (last->wire != NINEP_WIRE_DATA || last->repeat_from >= 0)
		return 0;
	uint32_t head = fixed_part(l, l->n_elements - 1);
	return head == NOT_FIXED ? 0 : NINEP_HDRSZ + head;
}

/*
 * Where each registry row first appears among a message's items when it
 * decodes with layout l: the three header items, then one per element,
 * until an element that repeats or holds a record (whose own fields
 * follow it, one level deeper) makes the positions depend on the bytes.
 */
static uint8_t *row_table(const struct ninep_layout *l)
{
	uint8_t *t = calloc(NINEP_INDEX_FIELDS, 1);
	if (t == NULL)
		abort();
	const struct ninep_field *base = ninep_field_at(0);
	int fixed = 1;
	for (unsigned i = 0; i < 3 + l->n_elements; i++) {
		const struct ninep_element *e = i < 3 ? &header[i] : &l->elements[i - 3];
		if (e->repeat_from >= 0)
			fixed = 0;
		if (e->field != NULL) {
			uint8_t *at = &t[e->field - base];
			if (*at == 0)
				*at = fixed ? (uint8_t)(i + 1) : NINEP_ITEM_VARIES;
		}
		if (e->wire == NINEP_WIRE_STRUCT)
			fixed = 0;
	}
	return t;
}

_Static_assert(3 + NINEP_MAXELEMENTS < NINEP_ITEM_VARIES, "a position must not read as NINEP_ITEM_VARIES");

static void fast_init(void)
{
	if (fast_ready)
		return;
	ninep_description_init();
	static const char *const names[3] = { "size", "type", "tag" };
	static const unsigned sizes[3] = { NINEP_SIZESZ, NINEP_BIT8SZ, NINEP_BIT16SZ };
	for (int i = 0; i < 3; i++) {
		strcpy(header[i].name, names[i]);
		header[i].wire = NINEP_WIRE_UINT;
		header[i].size = sizes[i];
		header[i].length_from = -1;
		header[i].repeat_from = -1;
		header[i].field = ninep_field_by_key(names[i]);
	}
	for (unsigned t = 0; t < 256; t++) {
		struct by_type *b = &by_type[t];
		b->n = (uint8_t)ninep_layouts_of(t, b->layouts, MAX_CANDIDATES);
		for (unsigned i = 0; i < b->n; i++) {
			b->fixed[i] = fixed_body(b->layouts[i]);
			b->data_tail[i] = data_tail(b->layouts[i]);
			b->item_of_row[i] = row_table(b->layouts[i]);
		}
	}
	fast_ready = 1;
}

/* The items of an all-fixed layout that fits the message exactly. */
static void fill_fixed(struct ninep_msg *m, const uint8_t *buf, const struct ninep_layout *l)
{
	uint32_t pos = NINEP_HDRSZ;
	struct ninep_item *it = &m->items[3];
	for (unsigned i = 0; i < l->n_elements; i++, it++) {
		const struct ninep_element *e = &l->elements[i];
		const uint8_t *p = buf + pos;
		uint32_t size = e->wire == NINEP_WIRE_QID ? NINEP_QIDSZ : e->size;
		uint64_t value = size;
		if (e->wire == NINEP_WIRE_UINT) {
			switch (size) {
			case 1:
				value = p[0];
				break;
			case 2:
				value = ninep_get16(p);
				break;
			case 4:
				value = ninep_get32(p);
				break;
			default:
				value = ninep_get64(p);
				break;
			}
		}
		it->field = e->field;
		it->element = e;
		it->offset = pos;
		it->length = size;
		it->value = value;
		it->depth = 0;
		pos += size;
	}
	m->n_items = 3 + l->n_elements;
}

/* The header as items, so both tools show and filter it like any field. */
static void push_header(struct cursor *c)
{
	struct ninep_msg *m = c->msg;
	uint64_t values[3] = { m->size, m->type, m->tag };
	uint32_t offset = 0;
	for (int i = 0; i < 3; i++) {
		struct ninep_item *it = &m->items[i];
		it->field = header[i].field;
		it->element = &header[i];
		it->offset = offset;
		it->length = header[i].size;
		it->value = values[i];
		it->depth = 0;
		offset += header[i].size;
	}
	m->n_items = 3;
	c->pos = NINEP_HDRSZ;
}

enum ninep_status ninep_decode(const uint8_t *buf, size_t len, unsigned dialects, struct ninep_msg *msg)
{
	fast_init();
	msg->item_of_row = NULL;
	msg->n_items = 0;
	msg->layout = NULL;
	msg->problem = NULL;
	msg->problem_field = NULL;
	msg->problem_offset = 0;
	msg->type = 0;
	msg->tag = 0;

	uint32_t size = 0;
	enum ninep_status status = ninep_frame(buf, len, 0, &size);
	msg->size = size;
	if (status == NINEP_INCOMPLETE)
		return NINEP_INCOMPLETE;
	struct cursor c = { buf, 0, 0, size, dialects, msg };
	if (status == NINEP_MALFORMED) {
		/* The size alone condemns it, even before type and tag arrive
		 * (as ninep_frame says). */
		if (len >= NINEP_HDRSZ) {
			msg->type = buf[NINEP_SIZESZ];
			msg->tag = ninep_get16(buf + NINEP_SIZESZ + NINEP_BIT8SZ);
		}
		return fail(&c, "size is smaller than the 7-byte header", "size");
	}
	msg->type = buf[NINEP_SIZESZ];
	msg->tag = ninep_get16(buf + NINEP_SIZESZ + NINEP_BIT8SZ);
	push_header(&c);

	const struct by_type *b = &by_type[msg->type];
	const struct ninep_layout *const *candidates = b->layouts;
	size_t n = b->n;
	if (n == 0) {
		msg->problem = "unknown message type";
		msg->problem_field = "type";
		msg->problem_offset = NINEP_SIZESZ;
		return NINEP_UNKNOWN_TYPE;
	}

	const struct ninep_layout *best = NULL;
	uint32_t best_reach = 0;
	for (size_t i = 0; i < n; i++) {
		if ((candidates[i]->dialects & dialects) == 0)
			continue;
		if (b->fixed[i] != NOT_FIXED && size - NINEP_HDRSZ == b->fixed[i]) {
			fill_fixed(msg, buf, candidates[i]);
			msg->layout = candidates[i];
			msg->item_of_row = b->item_of_row[i];
			msg->problem = NULL; /* an earlier layout's, if one was tried */
			msg->problem_field = NULL;
			msg->problem_offset = 0;
			return NINEP_OK;
		}
		msg->n_items = 3;
		c.pos = NINEP_HDRSZ;
		status = decode_layout(&c, candidates[i], 0);
		if (status == NINEP_OK && c.pos == size) {
			msg->layout = candidates[i];
			msg->item_of_row = b->item_of_row[i];
			msg->problem = NULL;
			msg->problem_field = NULL;
			return NINEP_OK;
		}
		uint32_t reach = status == NINEP_OK ? c.pos : msg->problem_offset;
		if (best == NULL || reach > best_reach) {
			best = candidates[i];
			best_reach = reach;
		}
	}
	if (best == NULL) {
		msg->n_items = 3;
		msg->problem = "message type not defined in this dialect";
		msg->problem_field = "type";
		msg->problem_offset = NINEP_SIZESZ;
		return NINEP_UNKNOWN_TYPE;
	}
	/* Report the layout that got furthest, with its own items. */
	msg->n_items = 3;
	c.pos = NINEP_HDRSZ;
	status = decode_layout(&c, best, 0);
	msg->layout = best;
	if (status == NINEP_OK)
		return fail(&c, "size is larger than the fields", "size");
	return status;
}

enum ninep_status ninep_decode_head(const uint8_t *buf, size_t have, unsigned dialects, struct ninep_msg *msg)
{
	fast_init();
	if (have < NINEP_HDRSZ)
		return ninep_decode(buf, have, dialects, msg);
	uint32_t size = ninep_get32(buf);
	if (have >= size)
		return ninep_decode(buf, have, dialects, msg);
	/* Every layout that could fit must have its data start at the same
	 * place, at or before `have`. */
	const struct by_type *b = &by_type[buf[NINEP_SIZESZ]];
	uint32_t tail = 0;
	for (unsigned i = 0; i < b->n; i++) {
		if ((b->layouts[i]->dialects & dialects) == 0)
			continue;
		if (b->data_tail[i] == 0 || (tail != 0 && b->data_tail[i] != tail))
			return ninep_decode(buf, have, dialects, msg);
		tail = b->data_tail[i];
	}
	if (tail == 0 || have < tail)
		return ninep_decode(buf, have, dialects, msg);
	/* Decoding reads no byte past `tail`: the fields before it are inside
	 * the head, and the data's length is checked against `size`. */
	return ninep_decode(buf, size, dialects, msg);
}

enum ninep_status ninep_decode_struct(const char *name, const uint8_t *buf, size_t len, unsigned dialects,
				      uint32_t base, struct ninep_msg *msg, size_t *used)
{
	ninep_description_init();
	*used = 0;
	const struct ninep_layout *candidates[MAX_CANDIDATES];
	size_t n = ninep_struct_layouts(name, candidates, MAX_CANDIDATES);
	if (n == 0)
		return NINEP_UNKNOWN_TYPE;
	/* A stat record says its own length; other records end where their
	 * layout does. */
	uint32_t end = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	if (strcmp(name, "stat") == 0) {
		if (len < NINEP_BIT16SZ)
			return NINEP_INCOMPLETE;
		uint32_t stat_len = NINEP_BIT16SZ + (uint32_t)ninep_get16(buf);
		if (stat_len > len)
			return NINEP_INCOMPLETE;
		end = stat_len;
	}
	struct cursor c = { buf, base, 0, end, dialects, msg };
	if (strcmp(name, "stat") == 0) {
		enum ninep_status status = decode_struct_at(&c, name, end, 1);
		*used = c.pos;
		return status;
	}
	unsigned items_before = msg->n_items;
	enum ninep_status status = NINEP_UNKNOWN_TYPE;
	for (size_t i = 0; i < n; i++) {
		if ((candidates[i]->dialects & dialects) == 0)
			continue;
		msg->n_items = items_before;
		c.pos = 0;
		status = decode_layout(&c, candidates[i], 1);
		if (status == NINEP_OK) {
			*used = c.pos;
			return NINEP_OK;
		}
	}
	return status;
}

const struct ninep_item *ninep_find(const struct ninep_msg *msg, const char *filter)
{
	for (unsigned i = 0; i < msg->n_items; i++)
		if (msg->items[i].depth == 0 && msg->items[i].field->filter[0] == filter[0] &&
		    strcmp(msg->items[i].field->filter, filter) == 0)
			return &msg->items[i];
	return NULL;
}

void ninep_filter_resolve(struct ninep_filter *out, const char *filter)
{
	out->n = 0;
	for (size_t i = 0; i < ninep_field_count(); i++) {
		const struct ninep_field *f = ninep_field_at(i);
		if (strcmp(f->filter, filter) != 0)
			continue;
		/* More rows than the struct holds is a fields.def edit that needs a
		 * larger NINEP_FILTER_MAX_FIELDS: a programmer error. */
		if (out->n == NINEP_FILTER_MAX_FIELDS)
			abort();
		out->index[out->n] = (uint8_t)i;
		out->fields[out->n++] = f;
	}
}

const char *ninep_status_name(enum ninep_status status)
{
	switch (status) {
	case NINEP_OK:
		return "ok";
	case NINEP_INCOMPLETE:
		return "incomplete";
	case NINEP_MALFORMED:
		return "malformed";
	case NINEP_UNKNOWN_TYPE:
		return "unknown type";
	}
	return "?";
}

int ninep_is_directory_data(const uint8_t *data, size_t len, unsigned dialects)
{
	struct ninep_msg scratch;
	size_t at = 0;
	while (at < len) {
		size_t used = 0;
		scratch.n_items = 0;
		scratch.problem = NULL;
		if (ninep_decode_struct("stat", data + at, len - at, dialects, 0, &scratch, &used) != NINEP_OK ||
		    used == 0)
			return 0;
		at += used;
	}
	return len > 0;
}

int ninep_is_dont_touch(const struct ninep_msg *msg, const uint8_t *bytes, const struct ninep_item *it)
{
	if (msg->type != NINEP_Twstat || it->depth == 0 || it->element == NULL ||
	    strcmp(it->field->key, "stat.size") == 0)
		return 0;
	switch (it->element->wire) {
	case NINEP_WIRE_UINT:
		if (it->element->size >= NINEP_BIT64SZ)
			return it->value == UINT64_MAX;
		return it->value == (UINT64_C(1) << (8 * it->element->size)) - 1;
	case NINEP_WIRE_QID:
		for (unsigned i = 0; i < NINEP_QIDSZ; i++)
			if (bytes[it->offset + i] != 0xFF)
				return 0;
		return 1;
	case NINEP_WIRE_STRING:
		return it->value == 0;
	case NINEP_WIRE_FIXED:
	case NINEP_WIRE_DATA:
	case NINEP_WIRE_STRUCT:
		break;
	}
	return 0;
}
