/*
 * libFuzzer target: the 9P decoder of include/ninep/ (framing, messages and
 * the nested records), under every dialect mask the tools use.
 *
 * The sanitizers catch reads outside the input (libFuzzer hands us a buffer
 * of exactly `len` bytes); the checks here catch what they cannot: a result
 * that contradicts decode.h's contract.  Each check abort()s with a line
 * saying which promise broke, so a crash report names the bug.
 *
 * Also built without -fsanitize=fuzzer, with replay_main.c, as the plain
 * program that replays the committed corpus under CTest.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ninep/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

/* Every mask a tool passes: each dialect alone (after Rversion), all of
 * them (before Rversion), and none (nothing may decode). */
static const unsigned dialect_masks[] = {
	NINEP_DIALECT_9P2000, NINEP_DIALECT_U, NINEP_DIALECT_L, NINEP_DIALECT_E, NINEP_DIALECT_ANY, 0,
};

/* max_size values for ninep_frame: none, a common msize, and the header
 * itself (the smallest message that can be framed). */
static const uint32_t frame_limits[] = { 0, 8192, NINEP_HDRSZ };

static const char *const struct_names[] = { "stat", "dirent", "mumble" };

#define CHECK(cond, ...)                                                                  \
	do {                                                                              \
		if (!(cond)) {                                                            \
			fprintf(stderr, "fuzz_decode: %s:%d: broken promise: %s: ", __FILE__, \
				__LINE__, #cond);                                        \
			fprintf(stderr, __VA_ARGS__);                                     \
			fputc('\n', stderr);                                              \
			abort();                                                          \
		}                                                                         \
	} while (0)

/* Reads every byte of [p, p+n): under ASan a range outside the input is
 * reported at once, not when some caller later dereferences it. */
static volatile uint8_t sink;
static void touch(const uint8_t *p, size_t n)
{
	uint8_t x = 0;
	for (size_t i = 0; i < n; i++)
		x ^= p[i];
	sink = x;
}

/*
 * ninep_find_filter reads the position of a field from the layout's row
 * table; ninep_find scans the items.  They must agree for every filter
 * name the registry has, on every message that decodes.
 */
static void check_lookups(const struct ninep_msg *msg)
{
	static struct ninep_filter filters[NINEP_INDEX_FIELDS];
	static size_t n_filters;
	if (n_filters == 0) {
		n_filters = ninep_field_count();
		for (size_t i = 0; i < n_filters; i++)
			ninep_filter_resolve(&filters[i], ninep_field_at(i)->filter);
	}
	CHECK(msg->item_of_row != NULL, "decode: OK without the layout's row table");
	for (size_t i = 0; i < n_filters; i++) {
		const char *name = ninep_field_at(i)->filter;
		const struct ninep_item *by_table = ninep_find_filter(msg, &filters[i]);
		const struct ninep_item *by_scan = ninep_find(msg, name);
		CHECK(by_table == by_scan, "decode: %s: ninep_find_filter gives item %ld, ninep_find %ld", name,
		      by_table ? (long)(by_table - msg->items) : -1L, by_scan ? (long)(by_scan - msg->items) : -1L);
	}
}

/*
 * Items [first, n_items) of msg, whose offsets are relative to `base`, must
 * lie within [base, base + limit), have a registered field (both tools read
 * item->field->key unconditionally) and be self-consistent.
 */
static void check_items(const uint8_t *bytes, const struct ninep_msg *msg, unsigned first, uint64_t base,
			uint64_t limit, const char *what)
{
	CHECK(msg->n_items <= NINEP_MAXITEMS, "%s: %u items", what, msg->n_items);
	for (unsigned i = first; i < msg->n_items; i++) {
		const struct ninep_item *it = &msg->items[i];
		uint64_t start = it->offset, stop = (uint64_t)it->offset + it->length;
		CHECK(it->field != NULL, "%s: item %u has no field", what, i);
		CHECK(it->element != NULL, "%s: item %u has no element", what, i);
		CHECK(start >= base && stop <= base + limit, "%s: item %u (%s) at [%llu,%llu) outside [%llu,%llu)", what,
		      i, it->element->name, (unsigned long long)start, (unsigned long long)stop,
		      (unsigned long long)base, (unsigned long long)(base + limit));
		switch (it->element->wire) {
		case NINEP_WIRE_STRING:
			CHECK(it->value + NINEP_BIT16SZ == it->length, "%s: string %s value %llu length %u", what,
			      it->element->name, (unsigned long long)it->value, it->length);
			touch(bytes + (it->offset - base) + NINEP_BIT16SZ, (size_t)it->value);
			break;
		case NINEP_WIRE_QID:
			CHECK(it->length == NINEP_QIDSZ, "%s: qid %s length %u", what, it->element->name, it->length);
			(void)ninep_get_qid(bytes + (it->offset - base));
			break;
		case NINEP_WIRE_UINT:
			CHECK(it->length == it->element->size, "%s: uint %s length %u", what, it->element->name,
			      it->length);
			break;
		case NINEP_WIRE_DATA:
		case NINEP_WIRE_STRUCT:
			CHECK(it->value == it->length, "%s: %s value %llu length %u", what, it->element->name,
			      (unsigned long long)it->value, it->length);
			touch(bytes + (it->offset - base), it->length);
			break;
		case NINEP_WIRE_FIXED:
			touch(bytes + (it->offset - base), it->length);
			break;
		}
	}
}

/* ninep_decode_struct over buf[0..len), with the contract of decode.h. */
static void check_struct(const char *name, const uint8_t *buf, size_t len, unsigned dialects, uint32_t base,
			 size_t *used_out)
{
	struct ninep_msg msg;
	size_t used = 12345;

	memset(&msg, 0, sizeof msg);
	enum ninep_status status = ninep_decode_struct(name, buf, len, dialects, base, &msg, &used);
	*used_out = 0;
	switch (status) {
	case NINEP_OK:
		/* used == 0 would make every record loop (the plugin's, the
		 * analyzer's) spin forever. */
		CHECK(used > 0 && used <= len, "%s: OK with used %zu of %zu", name, used, len);
		check_items(buf, &msg, 0, base, used, name);
		for (unsigned i = 0; i < msg.n_items; i++)
			CHECK(msg.items[i].depth >= 1, "%s: item %u at depth 0", name, i);
		if (strcmp(name, "stat") == 0)
			CHECK(used == NINEP_BIT16SZ + (size_t)ninep_get16(buf), "stat: used %zu, size field says %u",
			      used, NINEP_BIT16SZ + ninep_get16(buf));
		*used_out = used;
		break;
	case NINEP_INCOMPLETE:
		/* Only a stat says its own length, so only it can be incomplete. */
		CHECK(strcmp(name, "stat") == 0, "%s: INCOMPLETE", name);
		CHECK(len < NINEP_BIT16SZ || NINEP_BIT16SZ + (size_t)ninep_get16(buf) > len,
		      "stat: INCOMPLETE with %zu bytes", len);
		break;
	case NINEP_MALFORMED:
	case NINEP_UNKNOWN_TYPE:
		/* The items decoded before the problem stay, and stay in bounds. */
		check_items(buf, &msg, 0, base, len, name);
		break;
	default:
		CHECK(0, "%s: status %d", name, (int)status);
	}
}

/* The records inside a DATA item, walked as the plugin walks a directory
 * Rread (stat) or an Rreaddir (dirent). */
static void walk_records(const char *name, const uint8_t *msg_bytes, const struct ninep_item *data, unsigned dialects)
{
	uint32_t offset = data->offset;
	uint32_t end = data->offset + data->length;
	while (offset < end) {
		size_t used;
		check_struct(name, msg_bytes + offset, end - offset, dialects, offset, &used);
		if (used == 0)
			return;
		offset += (uint32_t)used;
	}
}

static void check_frame(const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < sizeof frame_limits / sizeof frame_limits[0]; i++) {
		uint32_t max = frame_limits[i], size = 0;
		enum ninep_status status = ninep_frame(buf, len, max, &size);
		switch (status) {
		case NINEP_OK:
			CHECK(len >= NINEP_SIZESZ && size == ninep_get32(buf), "frame: OK, size %u", size);
			CHECK(size >= NINEP_HDRSZ && size <= len, "frame: OK with size %u, len %zu", size, len);
			CHECK(max == 0 || size <= max, "frame: OK with size %u above %u", size, max);
			break;
		case NINEP_INCOMPLETE:
			CHECK(len < NINEP_SIZESZ || len < ninep_get32(buf), "frame: INCOMPLETE with len %zu", len);
			if (len >= NINEP_SIZESZ)
				CHECK(size >= NINEP_HDRSZ && (max == 0 || size <= max),
				      "frame: INCOMPLETE for a size (%u) it should condemn", size);
			break;
		case NINEP_MALFORMED:
			CHECK(len >= NINEP_SIZESZ, "frame: MALFORMED with %zu bytes", len);
			CHECK(size < NINEP_HDRSZ || (max != 0 && size > max), "frame: MALFORMED with size %u, max %u",
			      size, max);
			break;
		default:
			CHECK(0, "frame: status %d", (int)status);
		}
	}
}

/*
 * ninep_decode_head on the first `have` bytes of a whole message must give
 * what ninep_decode gives the whole message, or INCOMPLETE, and read
 * nothing past the head: each head is copied into a buffer of exactly its
 * length, so the sanitizers see a read beyond it.  For the types whose
 * data is their last field, a head that reaches the data must decode.
 */
static void check_head(const uint8_t *buf, size_t len, unsigned dialects, enum ninep_status whole,
		       const struct ninep_msg *whole_msg)
{
	static struct ninep_msg msg;
	if (len < NINEP_HDRSZ)
		return;
	uint32_t size = ninep_get32(buf);
	if (size < NINEP_HDRSZ || size > len)
		return;
	/* The types decode.h names: their data is the last item. */
	uint8_t type = buf[NINEP_SIZESZ];
	int data_last = type == NINEP_Rread || type == NINEP_Twrite || type == NINEP_Rsread || type == NINEP_Rreaddir;
	uint32_t data_at = 0;
	if (whole == NINEP_OK && data_last) {
		const struct ninep_item *last = &whole_msg->items[whole_msg->n_items - 1];
		CHECK(last->depth == 0 && last->element->wire == NINEP_WIRE_DATA, "type %u: the last item is not data",
		      type);
		if (last->length > 0)
			data_at = last->offset;
	}
	for (uint32_t have = NINEP_HDRSZ; have < size; have++) {
		/* every head near the header and the data, a sample of the rest */
		if (have > NINEP_HDRSZ + 40 && (have + 2 < data_at || have > data_at + 2) && have % 97 != 0)
			continue;
		uint8_t *head = malloc(have);
		CHECK(head != NULL, "out of memory");
		memcpy(head, buf, have);
		enum ninep_status status = ninep_decode_head(head, have, dialects, &msg);
		free(head);
		if (data_at != 0 && have >= data_at)
			CHECK(status == NINEP_OK, "decode_head: type %u, data at %u, head of %u: %s", buf[NINEP_SIZESZ],
			      data_at, have, ninep_status_name(status));
		if (status == NINEP_INCOMPLETE)
			continue;
		CHECK(status == whole, "decode_head: type %u, head of %u: %s, the whole message %s", buf[NINEP_SIZESZ],
		      have, ninep_status_name(status), ninep_status_name(whole));
		CHECK(msg.n_items == whole_msg->n_items, "decode_head: %u items, the whole message %u", msg.n_items,
		      whole_msg->n_items);
		for (unsigned i = 0; i < msg.n_items; i++) {
			const struct ninep_item *a = &msg.items[i], *b = &whole_msg->items[i];
			CHECK(a->field == b->field && a->offset == b->offset && a->length == b->length &&
				      a->value == b->value && a->depth == b->depth,
			      "decode_head: item %u differs from the whole message's", i);
		}
	}
}

static void check_decode(const uint8_t *buf, size_t len, unsigned dialects)
{
	static struct ninep_msg msg; /* 2.5 KB: off the stack, reset by the decoder */
	enum ninep_status status = ninep_decode(buf, len, dialects, &msg);
	uint32_t size = len >= NINEP_SIZESZ ? ninep_get32(buf) : 0;

	switch (status) {
	case NINEP_OK: {
		CHECK(len >= NINEP_HDRSZ && size >= NINEP_HDRSZ && size <= len, "decode: OK, size %u, len %zu", size,
		      len);
		CHECK(msg.size == size && msg.type == buf[NINEP_SIZESZ] &&
			      msg.tag == ninep_get16(buf + NINEP_SIZESZ + NINEP_BIT8SZ),
		      "decode: header %u/%u/%u disagrees with the bytes", msg.size, msg.type, msg.tag);
		CHECK(msg.layout != NULL && msg.layout->number == msg.type && (msg.layout->dialects & dialects) != 0,
		      "decode: OK with layout %s for type %u, mask %#x", msg.layout ? msg.layout->name : "NULL",
		      msg.type, dialects);
		CHECK(msg.problem == NULL, "decode: OK with problem \"%s\"", msg.problem);
		CHECK(msg.n_items >= 3, "decode: OK with %u items", msg.n_items);
		check_items(buf, &msg, 0, 0, size, "decode");
		/* The message's own fields tile it exactly: consumed == size. */
		uint64_t at = 0;
		for (unsigned i = 0; i < msg.n_items; i++) {
			const struct ninep_item *it = &msg.items[i];
			if (it->depth != 0)
				continue;
			CHECK(it->offset == at, "decode: item %u (%s) at %u, expected %llu", i, it->element->name,
			      it->offset, (unsigned long long)at);
			at += it->length;
		}
		CHECK(at == size, "decode: fields consume %llu of %u bytes", (unsigned long long)at, size);
		const struct ninep_item *tag = ninep_find(&msg, "tag");
		CHECK(tag != NULL && tag->value == msg.tag, "decode: ninep_find(tag)");
		check_lookups(&msg);
		(void)ninep_status_name(status);
		(void)ninep_message_name(msg.type);
		/* The records a tool walks inside the data of an OK message. */
		for (unsigned i = 0; i < msg.n_items; i++)
			if (msg.items[i].depth == 0 && msg.items[i].element->wire == NINEP_WIRE_DATA) {
				walk_records("stat", buf, &msg.items[i], dialects);
				walk_records("dirent", buf, &msg.items[i], dialects);
			}
		break;
	}
	case NINEP_INCOMPLETE:
		CHECK(len < NINEP_HDRSZ || len < size, "decode: INCOMPLETE with len %zu, size %u", len, size);
		CHECK(len < NINEP_SIZESZ || size >= NINEP_HDRSZ, "decode: INCOMPLETE for a size (%u) below the header",
		      size);
		break;
	case NINEP_MALFORMED:
	case NINEP_UNKNOWN_TYPE:
		CHECK(len >= NINEP_SIZESZ, "decode: %s with %zu bytes", ninep_status_name(status), len);
		CHECK(msg.problem != NULL, "decode: %s without a problem", ninep_status_name(status));
		CHECK(size < NINEP_HDRSZ || size <= len, "decode: %s of a message not all there (size %u, len %zu)",
		      ninep_status_name(status), size, len);
		/* No item past the end, even of a broken message. */
		check_items(buf, &msg, 0, 0, size < len ? size : len, "decode (failed)");
		if (size >= NINEP_HDRSZ)
			CHECK(msg.problem_offset <= size, "decode: problem at %u beyond size %u", msg.problem_offset,
			      size);
		if (dialects == 0)
			CHECK(status == NINEP_UNKNOWN_TYPE || size < NINEP_HDRSZ, "decode: mask 0 gave %s",
			      ninep_status_name(status));
		break;
	default:
		CHECK(0, "decode: status %d", (int)status);
	}
	if (dialects == 0)
		CHECK(status != NINEP_OK, "decode: OK with no dialect");
	if (len >= NINEP_HDRSZ && size >= NINEP_HDRSZ && size <= len && status != NINEP_INCOMPLETE) {
		/* the whole message's outcome, decoded on exactly its bytes */
		static struct ninep_msg whole;
		enum ninep_status whole_status = ninep_decode(buf, size, dialects, &whole);
		check_head(buf, len, dialects, whole_status, &whole);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	check_frame(data, len);
	for (size_t i = 0; i < sizeof dialect_masks / sizeof dialect_masks[0]; i++) {
		check_decode(data, len, dialect_masks[i]);
		for (size_t s = 0; s < sizeof struct_names / sizeof struct_names[0]; s++) {
			size_t used;
			/* A base offset as the plugin passes for a record inside a message. */
			check_struct(struct_names[s], data, len, dialect_masks[i], (uint32_t)(i * 11), &used);
		}
	}
	/* A name the description does not know. */
	struct ninep_msg msg;
	size_t used = 1;
	msg.n_items = 0;
	CHECK(ninep_decode_struct("no such record", data, len, NINEP_DIALECT_ANY, 0, &msg, &used) ==
			      NINEP_UNKNOWN_TYPE && used == 0,
	      "decode_struct of an unknown name");
	return 0;
}
