/*
 * unit.corruption: bytes that contradict the format are NINEP_MALFORMED with
 * a problem naming the field at fault, unknown types are
 * NINEP_UNKNOWN_TYPE, and nothing crashes: every input is a heap copy of
 * exactly its length, so AddressSanitizer catches any read past it.
 */
#include "check.h"
#include "vectors.h"

#include <ninep/decode.h>

#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

enum { MAX_VECTOR = 512, STAT_OFFSET_IN_RSTAT = NINEP_HDRSZ + NINEP_BIT16SZ };

static const unsigned single_dialects[] = { NINEP_DIALECT_9P2000, NINEP_DIALECT_U, NINEP_DIALECT_L,
					    NINEP_DIALECT_E };

/* A working copy of a vector, one buffer of exactly the bytes in use. */
struct bytes {
	uint8_t b[MAX_VECTOR];
	size_t len;
};

static struct bytes copy_vector(const char *label)
{
	struct bytes out;
	memset(&out, 0, sizeof out);
	const struct vector *v = unit_vector(label);
	if (v == NULL || v->len > sizeof out.b) {
		fprintf(stderr, "no vector %s\n", label);
		exit(2);
	}
	memcpy(out.b, v->bytes, v->len);
	out.len = v->len;
	return out;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

/* Decode from a heap buffer of exactly b->len bytes. */
static enum ninep_status decode(const struct bytes *b, unsigned dialects, struct ninep_msg *msg)
{
	uint8_t *heap = malloc(b->len > 0 ? b->len : 1);
	if (heap == NULL)
		exit(2);
	memcpy(heap, b->b, b->len);
	enum ninep_status status = ninep_decode(heap, b->len, dialects, msg);
	/* Whatever the outcome, every item lies inside the message. */
	for (unsigned i = 0; i < msg->n_items; i++)
		CHECK(msg->items[i].offset <= b->len && msg->items[i].length <= b->len - msg->items[i].offset,
		      "item %u (%s) outside the %zu bytes", i, msg->items[i].field->filter, b->len);
	free(heap);
	return status;
}

/* Expect MALFORMED with this problem field (NULL: any field, but one). */
static void expect_malformed(const char *what, const struct bytes *b, unsigned dialects, const char *field)
{
	struct ninep_msg msg;
	enum ninep_status status = decode(b, dialects, &msg);
	if (!CHECK(status == NINEP_MALFORMED, "%s: %s, want malformed", what, ninep_status_name(status)))
		return;
	CHECK(msg.problem != NULL && msg.problem_field != NULL, "%s: no problem reported", what);
	if (field != NULL && msg.problem_field != NULL)
		CHECK(strcmp(msg.problem_field, field) == 0, "%s: problem in %s (%s), want %s", what,
		      msg.problem_field, msg.problem ? msg.problem : "", field);
	CHECK(msg.problem_offset <= b->len, "%s: problem offset %u past the end", what, msg.problem_offset);
}

/* ---- size[4] ------------------------------------------------------------ */

static void check_size_below_header(void)
{
	static const uint32_t sizes[] = { 0, 1, 3, 4, 6 };
	for (size_t i = 0; i < COUNT(sizes); i++) {
		struct bytes b = copy_vector("Tclunk");
		put32(b.b, sizes[i]);
		char what[64];
		snprintf(what, sizeof what, "Tclunk with size %u", sizes[i]);
		expect_malformed(what, &b, NINEP_DIALECT_ANY, "size");
		uint32_t size;
		CHECK(ninep_frame(b.b, b.len, 0, &size) == NINEP_MALFORMED, "%s: ninep_frame", what);
		/* The size field alone is enough to tell: 4 to 6 bytes. */
		for (size_t len = NINEP_SIZESZ; len < NINEP_HDRSZ; len++) {
			struct bytes short_b = b;
			short_b.len = len;
			snprintf(what, sizeof what, "size %u in %zu bytes", sizes[i], len);
			expect_malformed(what, &short_b, NINEP_DIALECT_ANY, "size");
			CHECK(ninep_frame(short_b.b, len, 0, &size) == NINEP_MALFORMED, "%s: ninep_frame", what);
		}
	}
	/* Above a negotiated msize. */
	struct bytes b = copy_vector("Twrite");
	uint32_t size;
	CHECK(ninep_frame(b.b, b.len, (uint32_t)b.len - 1, &size) == NINEP_MALFORMED, "Twrite above msize");
	CHECK(ninep_frame(b.b, b.len, (uint32_t)b.len, &size) == NINEP_OK, "Twrite at msize");
	/* The largest size: incomplete, not a huge read. */
	put32(b.b, UINT32_MAX);
	struct ninep_msg msg;
	CHECK(decode(&b, NINEP_DIALECT_ANY, &msg) == NINEP_INCOMPLETE, "size 0xffffffff: incomplete");
}

/* Every message with a size one larger (and the buffer one byte longer) or
 * one smaller than its fields: malformed, in every dialect it has. */
static void check_size_disagrees(void)
{
	for (size_t i = 0; i < unit_vector_count; i++) {
		const struct vector *v = &unit_vectors[i];
		if (v->record != NULL)
			continue;
		for (size_t d = 0; d < COUNT(single_dialects); d++) {
			unsigned dialect = single_dialects[d];
			if ((v->dialects & dialect) == 0)
				continue;
			const struct ninep_layout *layouts[8];
			size_t n_in_dialect = 0;
			size_t n = ninep_layouts_of(v->bytes[NINEP_SIZESZ], layouts, COUNT(layouts));
			for (size_t k = 0; k < n; k++)
				n_in_dialect += (layouts[k]->dialects & dialect) != 0;
			char what[96];

			struct bytes larger = copy_vector(v->label);
			larger.b[larger.len++] = 0;
			put32(larger.b, (uint32_t)larger.len);
			snprintf(what, sizeof what, "%s in %s, size + 1", v->label, ninep_dialect_name(dialect));
			/* With one layout the fields stop short of the size; with
			 * several the one that got furthest speaks. */
			expect_malformed(what, &larger, dialect, n_in_dialect == 1 ? "size" : NULL);

			struct bytes smaller = copy_vector(v->label);
			put32(smaller.b, (uint32_t)smaller.len - 1);
			snprintf(what, sizeof what, "%s in %s, size - 1", v->label, ninep_dialect_name(dialect));
			expect_malformed(what, &smaller, dialect, NULL);
		}
	}
	/* Size smaller than the fields: the field that crosses it is named. */
	struct bytes b = copy_vector("Tread");
	put32(b.b, (uint32_t)b.len - 2);
	expect_malformed("Tread, size cuts count", &b, NINEP_DIALECT_9P2000, "count");
}

/* ---- len[2] of strings --------------------------------------------------- */

static void check_string_lengths(void)
{
	/* Tversion: version[s] at 11, 6 bytes; say 7, and 0xffff. */
	static const uint16_t lengths[] = { 7, 0x100, 0xffff };
	for (size_t i = 0; i < COUNT(lengths); i++) {
		struct bytes b = copy_vector("Tversion");
		put16(b.b + 11, lengths[i]);
		char what[64];
		snprintf(what, sizeof what, "Tversion version len %u", lengths[i]);
		expect_malformed(what, &b, NINEP_DIALECT_ANY, "version");
	}
	/* Twalk: the last wname (at 27) one byte too long. */
	struct bytes b = copy_vector("Twalk 3 names");
	put16(b.b + 27, 4);
	expect_malformed("Twalk last wname len 4", &b, NINEP_DIALECT_9P2000, "wname");
	/* Tattach.u: uname (at 15) swallowing n_uname. */
	b = copy_vector("Tattach.u");
	put16(b.b + 15, 9);
	expect_malformed("Tattach.u uname len 9", &b, NINEP_DIALECT_U, NULL);
	/* Tcreate.u: extension (at 21) one too long. */
	b = copy_vector("Tcreate.u");
	put16(b.b + 21, 7);
	expect_malformed("Tcreate.u extension len 7", &b, NINEP_DIALECT_U, "extension");
	/* A string cut in its len[2]: Rerror with size 8. */
	b = copy_vector("Rerror");
	put32(b.b, 8);
	expect_malformed("Rerror, len[2] cut by size", &b, NINEP_DIALECT_9P2000, "ename");
	/* Tlock client_id (at 36) too long. */
	b = copy_vector("Tlock");
	put16(b.b + 36, 5);
	expect_malformed("Tlock client_id len 5", &b, NINEP_DIALECT_L, "client_id");
}

/* ---- counts of repeated elements ---------------------------------------- */

static void check_counts(void)
{
	/* Twalk with 17 names, all present: more than MAXWELEM. */
	struct bytes b = copy_vector("Twalk 16 names");
	put16(b.b + 15, 17);
	b.b[b.len++] = 1; /* wname "q" */
	b.b[b.len++] = 0;
	b.b[b.len++] = 'q';
	put32(b.b, (uint32_t)b.len);
	expect_malformed("Twalk nwname 17", &b, NINEP_DIALECT_9P2000, "nwname");
	expect_malformed("Twalk nwname 17, any dialect", &b, NINEP_DIALECT_ANY, "nwname");

	b = copy_vector("Twalk 3 names");
	put16(b.b + 15, 0xffff);
	expect_malformed("Twalk nwname 0xffff", &b, NINEP_DIALECT_9P2000, "nwname");
	/* A count that promises more names than there are bytes. */
	b = copy_vector("Twalk 3 names");
	put16(b.b + 15, 4);
	expect_malformed("Twalk nwname 4 of 3", &b, NINEP_DIALECT_9P2000, "wname");
	/* Fewer names than bytes: the size disagrees. */
	b = copy_vector("Twalk 3 names");
	put16(b.b + 15, 2);
	expect_malformed("Twalk nwname 2 of 3", &b, NINEP_DIALECT_9P2000, "size");

	/* Rwalk with 17 qids. */
	struct bytes r;
	memset(&r, 0, sizeof r);
	r.len = NINEP_HDRSZ + NINEP_BIT16SZ + 17 * NINEP_QIDSZ;
	put32(r.b, (uint32_t)r.len);
	r.b[4] = NINEP_Rwalk;
	put16(r.b + 7, 17);
	expect_malformed("Rwalk nwqid 17", &r, NINEP_DIALECT_9P2000, "nwqid");
	b = copy_vector("Rwalk 2 qids");
	put16(b.b + 7, 3);
	expect_malformed("Rwalk nwqid 3 of 2", &b, NINEP_DIALECT_9P2000, "wqid");

	/* Tsread and Tswrite share the walk's limit. */
	b = copy_vector("Tsread");
	put16(b.b + 11, 17);
	expect_malformed("Tsread nwname 17", &b, NINEP_DIALECT_E, "nwname");
	b = copy_vector("Tswrite");
	put16(b.b + 11, 2);
	expect_malformed("Tswrite nwname 2 of 1", &b, NINEP_DIALECT_E, NULL);
}

/* ---- count[4] of data ---------------------------------------------------- */

static void check_data_counts(void)
{
	static const uint32_t counts[] = { 6, 0x10000, UINT32_MAX };
	for (size_t i = 0; i < COUNT(counts); i++) {
		struct bytes b = copy_vector("Rread");
		put32(b.b + 7, counts[i]);
		char what[64];
		snprintf(what, sizeof what, "Rread count %u of 5", counts[i]);
		expect_malformed(what, &b, NINEP_DIALECT_ANY, "data");
	}
	struct bytes b = copy_vector("Rread");
	put32(b.b + 7, 4);
	expect_malformed("Rread count 4 of 5", &b, NINEP_DIALECT_9P2000, "size");

	b = copy_vector("Twrite");
	put32(b.b + 19, 4);
	expect_malformed("Twrite count 4 of 3", &b, NINEP_DIALECT_9P2000, "data");
	b = copy_vector("Rreaddir");
	put32(b.b + 7, 51);
	expect_malformed("Rreaddir count 51 of 50", &b, NINEP_DIALECT_L, "data");
	b = copy_vector("Tswrite");
	put32(b.b + 16, 3);
	expect_malformed("Tswrite count 3 of 2", &b, NINEP_DIALECT_E, "data");
	b = copy_vector("Rsread");
	put32(b.b + 7, UINT32_MAX);
	expect_malformed("Rsread count 0xffffffff", &b, NINEP_DIALECT_E, "data");
}

/* ---- stat[n] and the stat's own size ------------------------------------ */

static void check_stat_lengths(void)
{
	/* n past the end of the message. */
	struct bytes b = copy_vector("Rstat");
	put16(b.b + 7, 60);
	expect_malformed("Rstat n 60 of 59", &b, NINEP_DIALECT_9P2000, "stat");
	/* n short of the record: its last string crosses the record's end. */
	b = copy_vector("Rstat");
	put16(b.b + 7, 58);
	expect_malformed("Rstat n 58 of 59", &b, NINEP_DIALECT_9P2000, NULL);
	/* n right, the stat's own size wrong (below, above, and 0). */
	static const uint16_t stat_sizes[] = { 56, 58, 0, 0xffff };
	for (size_t i = 0; i < COUNT(stat_sizes); i++) {
		b = copy_vector("Rstat");
		put16(b.b + STAT_OFFSET_IN_RSTAT, stat_sizes[i]);
		char what[64];
		snprintf(what, sizeof what, "Rstat stat.size %u, n 59", stat_sizes[i]);
		expect_malformed(what, &b, NINEP_DIALECT_9P2000, "stat.size");
		expect_malformed(what, &b, NINEP_DIALECT_ANY, "stat.size");
	}
	b = copy_vector("Rstat.u");
	put16(b.b + STAT_OFFSET_IN_RSTAT, 70);
	expect_malformed("Rstat.u stat.size 70, n 73", &b, NINEP_DIALECT_U, "stat.size");
	b = copy_vector("Twstat");
	put16(b.b + NINEP_HDRSZ + NINEP_BIT32SZ + NINEP_BIT16SZ, 51);
	expect_malformed("Twstat stat.size 51, n 52", &b, NINEP_DIALECT_9P2000, "stat.size");
	/* A .u stat in a 9P2000 Rstat: fields left over. */
	b = copy_vector("Rstat.u");
	expect_malformed("Rstat.u in 9P2000", &b, NINEP_DIALECT_9P2000, NULL);

	/* ninep_decode_struct on a stat whose size says more than there is, or
	 * less than its fields. */
	const struct vector *stat = unit_vector("stat");
	uint8_t record[MAX_VECTOR];
	memcpy(record, stat->bytes, stat->len);
	struct ninep_msg msg;
	memset(&msg, 0, sizeof msg);
	size_t used;
	put16(record, 58);
	CHECK(ninep_decode_struct("stat", record, stat->len, NINEP_DIALECT_9P2000, 0, &msg, &used) ==
		      NINEP_INCOMPLETE,
	      "stat whose size runs past the bytes given: incomplete");
	put16(record, 40);
	msg.n_items = 0;
	CHECK(ninep_decode_struct("stat", record, stat->len, NINEP_DIALECT_9P2000, 0, &msg, &used) == NINEP_MALFORMED,
	      "stat whose size is below its fields: malformed");
	msg.n_items = 0;
	CHECK(ninep_decode_struct("nosuch", record, stat->len, NINEP_DIALECT_ANY, 0, &msg, &used) ==
		      NINEP_UNKNOWN_TYPE,
	      "struct nosuch: unknown");

	/* A directory's data is whole stat records back to back (read(5)):
	 * one, two, not one and a stray byte, not nothing, not a cut one. */
	uint8_t two[2 * MAX_VECTOR + 1];
	memcpy(two, stat->bytes, stat->len);
	memcpy(two + stat->len, stat->bytes, stat->len);
	CHECK(ninep_is_directory_data(two, stat->len, NINEP_DIALECT_9P2000), "one stat record: directory data");
	CHECK(ninep_is_directory_data(two, 2 * stat->len, NINEP_DIALECT_9P2000), "two stat records: directory data");
	two[2 * stat->len] = 0;
	CHECK(!ninep_is_directory_data(two, 2 * stat->len + 1, NINEP_DIALECT_9P2000),
	      "two stat records and a stray byte: not directory data");
	CHECK(!ninep_is_directory_data(two, 2 * stat->len - 1, NINEP_DIALECT_9P2000),
	      "a stat record and a cut one: not directory data");
	CHECK(!ninep_is_directory_data(two, 0, NINEP_DIALECT_9P2000), "no bytes: not directory data");
	CHECK(!ninep_is_directory_data((const uint8_t *)"hello, world\n", 13, NINEP_DIALECT_9P2000),
	      "text: not directory data");

	/* mumble: nextra past the end; dirent: name past the end. */
	const struct vector *mumble = unit_vector("mumble");
	memcpy(record, mumble->bytes, mumble->len);
	put32(record + 45, 3);
	msg.n_items = 0;
	CHECK(ninep_decode_struct("mumble", record, mumble->len, NINEP_DIALECT_E, 0, &msg, &used) == NINEP_MALFORMED &&
		      msg.problem_field != NULL && strcmp(msg.problem_field, "extra") == 0,
	      "mumble nextra 3 of 2: malformed at extra");
	const struct vector *dirents = unit_vector("dirents");
	memcpy(record, dirents->bytes, dirents->len);
	put16(record + 22, 0xffff);
	msg.n_items = 0;
	CHECK(ninep_decode_struct("dirent", record, dirents->len, NINEP_DIALECT_L, 0, &msg, &used) == NINEP_MALFORMED &&
		      msg.problem_field != NULL && strcmp(msg.problem_field, "name") == 0,
	      "dirent name len 0xffff: malformed at name");
}

/* ---- types --------------------------------------------------------------- */

static void check_types(void)
{
	static const uint8_t unknown[] = { 106, 200, 0, 1, 6, 10, 128, 149, 156, 255 };
	for (size_t i = 0; i < COUNT(unknown); i++) {
		struct bytes b = copy_vector("Tclunk");
		b.b[NINEP_SIZESZ] = unknown[i];
		struct ninep_msg msg;
		enum ninep_status status = decode(&b, NINEP_DIALECT_ANY, &msg);
		CHECK(status == NINEP_UNKNOWN_TYPE, "type %u: %s, want unknown type", unknown[i],
		      ninep_status_name(status));
		CHECK(msg.type == unknown[i] && msg.n_items == 3, "type %u: header still reported", unknown[i]);
	}
	/* A type of another dialect is not decoded. */
	static const struct {
		const char *label;
		unsigned dialects;
	} elsewhere[] = {
		{ "Tlopen", NINEP_DIALECT_9P2000 },
		{ "Rlerror", NINEP_DIALECT_9P2000 | NINEP_DIALECT_U | NINEP_DIALECT_E },
		{ "Topen", NINEP_DIALECT_L },
		{ "Tstat", NINEP_DIALECT_L },
		{ "Tsession", NINEP_DIALECT_9P2000 | NINEP_DIALECT_U | NINEP_DIALECT_L },
		{ "Topenfd", NINEP_DIALECT_U | NINEP_DIALECT_L | NINEP_DIALECT_E },
	};
	for (size_t i = 0; i < COUNT(elsewhere); i++) {
		struct bytes b = copy_vector(elsewhere[i].label);
		struct ninep_msg msg;
		enum ninep_status status = decode(&b, elsewhere[i].dialects, &msg);
		CHECK(status == NINEP_UNKNOWN_TYPE, "%s in dialects 0x%x: %s, want unknown type", elsewhere[i].label,
		      elsewhere[i].dialects, ninep_status_name(status));
	}
	/* No dialect at all. */
	struct bytes b = copy_vector("Tversion");
	struct ninep_msg msg;
	CHECK(decode(&b, 0, &msg) != NINEP_OK, "Tversion with no dialect");
}

/* ---- every byte, every way ----------------------------------------------- */

/* Each byte of each vector set to a few values, decoded in every dialect:
 * any status may come out, but only a valid one, with items inside the
 * message (checked in decode()), and never a crash. */
static void check_mutations(void)
{
	static const uint8_t values[] = { 0x00, 0x01, 0x11, 0x7f, 0x80, 0xff };
	unsigned outcomes[4] = { 0 };
	for (size_t i = 0; i < unit_vector_count; i++) {
		const struct vector *v = &unit_vectors[i];
		if (v->record != NULL)
			continue;
		for (size_t pos = 0; pos < v->len; pos++) {
			for (size_t k = 0; k < COUNT(values); k++) {
				struct bytes b = copy_vector(v->label);
				b.b[pos] = values[k];
				struct ninep_msg msg;
				enum ninep_status status = decode(&b, NINEP_DIALECT_ANY, &msg);
				if (CHECK(status <= NINEP_UNKNOWN_TYPE, "%s byte %zu = %#x: status %d", v->label, pos,
					  values[k], (int)status))
					outcomes[status]++;
				if (status == NINEP_MALFORMED)
					CHECK(msg.problem != NULL, "%s byte %zu = %#x: malformed without a problem",
					      v->label, pos, values[k]);
			}
		}
	}
	printf("mutations: %u ok, %u incomplete, %u malformed, %u unknown type\n", outcomes[NINEP_OK],
	       outcomes[NINEP_INCOMPLETE], outcomes[NINEP_MALFORMED], outcomes[NINEP_UNKNOWN_TYPE]);
}

int main(void)
{
	check_size_below_header();
	check_size_disagrees();
	check_string_lengths();
	check_counts();
	check_data_counts();
	check_stat_lengths();
	check_types();
	check_mutations();
	return check_summary();
}
