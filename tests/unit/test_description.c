/*
 * unit.description: the invariants of the protocol description, checked
 * against a list of messages written here independently from
 * doc/9p-wire.md (not derived from messages.def).
 */
#include "check.h"

#include <ninep/protocol.h>

#include <string.h>

enum {
	P9 = NINEP_DIALECT_9P2000,
	U = NINEP_DIALECT_U,
	L = NINEP_DIALECT_L,
	E = NINEP_DIALECT_E,
	/* 9P2000 messages that 9P2000.L keeps ("version, auth, attach, flush,
	 * walk, read, write, clunk, remove"), and those it replaces
	 * ("open/create/stat/wstat"). */
	KEPT_BY_L = P9 | U | L | E,
	NOT_IN_L = P9 | U | E,
	MAX_MESSAGE_NUMBER = 255,
	MAX_LAYOUTS_PER_TYPE = 8,
};

struct expected_message {
	unsigned number;
	const char *name;
	unsigned dialects;
};

/* Every message of the spec, in the spec's order. */
static const struct expected_message expected[] = {
	/* 9P2000 (intro(5)); .u has the same numbers; .e keeps them all */
	{ 100, "Tversion", KEPT_BY_L },
	{ 101, "Rversion", KEPT_BY_L },
	{ 102, "Tauth", KEPT_BY_L },
	{ 103, "Rauth", KEPT_BY_L },
	{ 104, "Tattach", KEPT_BY_L },
	{ 105, "Rattach", KEPT_BY_L },
	/* .L answers errors with Rlerror, but the spec says Erlang on Xen also
	 * speaks .L and sends Rerror (with or without the .u errno) */
	{ 107, "Rerror", P9 | U | L | E },
	{ 108, "Tflush", KEPT_BY_L },
	{ 109, "Rflush", KEPT_BY_L },
	{ 110, "Twalk", KEPT_BY_L },
	{ 111, "Rwalk", KEPT_BY_L },
	{ 112, "Topen", NOT_IN_L },
	{ 113, "Ropen", NOT_IN_L },
	{ 114, "Tcreate", NOT_IN_L },
	{ 115, "Rcreate", NOT_IN_L },
	{ 116, "Tread", KEPT_BY_L },
	{ 117, "Rread", KEPT_BY_L },
	{ 118, "Twrite", KEPT_BY_L },
	{ 119, "Rwrite", KEPT_BY_L },
	{ 120, "Tclunk", KEPT_BY_L },
	{ 121, "Rclunk", KEPT_BY_L },
	{ 122, "Tremove", KEPT_BY_L },
	{ 123, "Rremove", KEPT_BY_L },
	{ 124, "Tstat", NOT_IN_L },
	{ 125, "Rstat", NOT_IN_L },
	{ 126, "Twstat", NOT_IN_L },
	{ 127, "Rwstat", NOT_IN_L },
	/* plan9port openfd(9p): a plan9port (9P2000) addition only */
	{ 98, "Topenfd", P9 },
	{ 99, "Ropenfd", P9 },
	/* 9P2000.L */
	{ 7, "Rlerror", L },
	{ 8, "Tstatfs", L },
	{ 9, "Rstatfs", L },
	{ 12, "Tlopen", L },
	{ 13, "Rlopen", L },
	{ 14, "Tlcreate", L },
	{ 15, "Rlcreate", L },
	{ 16, "Tsymlink", L },
	{ 17, "Rsymlink", L },
	{ 18, "Tmknod", L },
	{ 19, "Rmknod", L },
	{ 20, "Trename", L },
	{ 21, "Rrename", L },
	{ 22, "Treadlink", L },
	{ 23, "Rreadlink", L },
	{ 24, "Tgetattr", L },
	{ 25, "Rgetattr", L },
	{ 26, "Tsetattr", L },
	{ 27, "Rsetattr", L },
	{ 30, "Txattrwalk", L },
	{ 31, "Rxattrwalk", L },
	{ 32, "Txattrcreate", L },
	{ 33, "Rxattrcreate", L },
	{ 40, "Treaddir", L },
	{ 41, "Rreaddir", L },
	{ 50, "Tfsync", L },
	{ 51, "Rfsync", L },
	{ 52, "Tlock", L },
	{ 53, "Rlock", L },
	{ 54, "Tgetlock", L },
	{ 55, "Rgetlock", L },
	{ 70, "Tlink", L },
	{ 71, "Rlink", L },
	{ 72, "Tmkdir", L },
	{ 73, "Rmkdir", L },
	{ 74, "Trenameat", L },
	{ 75, "Rrenameat", L },
	{ 76, "Tunlinkat", L },
	{ 77, "Runlinkat", L },
	/* 9P2000.e */
	{ 150, "Tsession", E },
	{ 151, "Rsession", E },
	{ 152, "Tsread", E },
	{ 153, "Rsread", E },
	{ 154, "Tswrite", E },
	{ 155, "Rswrite", E },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Replies without a request in the spec: there is no Terror (106), and
 * Rlerror (7) answers any .L request. */
static int reply_without_request(unsigned number)
{
	return number == NINEP_Rerror || number == NINEP_Rlerror;
}

static const struct expected_message *expected_by_number(unsigned number)
{
	for (size_t i = 0; i < COUNT(expected); i++)
		if (expected[i].number == number)
			return &expected[i];
	return NULL;
}

static void check_messages_present(void)
{
	for (size_t i = 0; i < COUNT(expected); i++) {
		const struct expected_message *m = &expected[i];
		const char *name = ninep_message_name(m->number);
		if (!CHECK(name != NULL, "message %u (%s) missing from the description", m->number, m->name))
			continue;
		CHECK(strcmp(name, m->name) == 0, "message %u is called %s, spec says %s", m->number, name,
		      m->name);
		CHECK(ninep_message_number(m->name) == (int)m->number, "ninep_message_number(%s) = %d, want %u",
		      m->name, ninep_message_number(m->name), m->number);
		CHECK(ninep_message_dialects(m->number) == m->dialects, "%s: dialects 0x%x, spec says 0x%x",
		      m->name, ninep_message_dialects(m->number), m->dialects);
	}

	/* Nothing beyond the spec, and the numbers list is ascending. */
	unsigned numbers[MAX_MESSAGE_NUMBER + 1];
	size_t n = ninep_message_numbers(numbers, COUNT(numbers));
	CHECK(n == COUNT(expected), "description has %zu messages, spec %zu", n, COUNT(expected));
	for (size_t i = 0; i < n; i++) {
		CHECK(expected_by_number(numbers[i]) != NULL, "message %u (%s) is not in the spec", numbers[i],
		      ninep_message_name(numbers[i]) ? ninep_message_name(numbers[i]) : "?");
		if (i > 0)
			CHECK(numbers[i - 1] < numbers[i], "message numbers not ascending at %u", numbers[i]);
	}

	/* Numbers the spec defines for nothing. */
	CHECK(ninep_message_name(106) == NULL, "there is no Terror (106)");
	CHECK(ninep_message_dialects(106) == 0, "106 belongs to no dialect");
	CHECK(ninep_message_name(0) == NULL && ninep_message_name(200) == NULL && ninep_message_name(256) == NULL,
	      "0, 200 and 256 are no messages");
	CHECK(ninep_message_number("Terror") == -1, "no Terror by name");
}

/* The order reports list messages in: intro(5)'s (doc/9p-wire.md), a
 * request just before its reply, every named message before any number
 * without a name.  The whole order against the spec is unit.spec_agrees's. */
static void check_rank(void)
{
	static const char *const intro5[] = { "Tversion", "Tauth",  "Tattach", "Tflush", "Twalk",
					      "Topen",    "Tcreate", "Tread",  "Twrite", "Tclunk",
					      "Tremove",  "Tstat",   "Twstat" };
	for (size_t i = 1; i < COUNT(intro5); i++)
		CHECK(ninep_message_rank((unsigned)ninep_message_number(intro5[i - 1])) <
			      ninep_message_rank((unsigned)ninep_message_number(intro5[i])),
		      "%s comes before %s", intro5[i - 1], intro5[i]);
	CHECK(ninep_message_rank(NINEP_Tversion) == 0, "Tversion comes first");
	CHECK(ninep_message_rank(NINEP_Rversion) == 1, "Rversion just after Tversion");
	CHECK(ninep_message_rank(NINEP_Twstat) < ninep_message_rank(NINEP_Tlopen), "9P2000 before the .L additions");
	CHECK(ninep_message_rank(NINEP_Tlopen) < ninep_message_rank(NINEP_Tsread), ".L additions before .e's");
	unsigned numbers[MAX_MESSAGE_NUMBER + 1];
	size_t n = ninep_message_numbers(numbers, COUNT(numbers));
	for (size_t i = 0; i < n; i++)
		CHECK(ninep_message_rank(numbers[i]) < ninep_message_rank(106), "%s before a number without a name",
		      ninep_message_name(numbers[i]));
	CHECK(ninep_message_rank(106) < ninep_message_rank(200), "numbers without a name by number");
}

static void check_pairs_and_names(void)
{
	unsigned numbers[MAX_MESSAGE_NUMBER + 1];
	size_t n = ninep_message_numbers(numbers, COUNT(numbers));
	for (size_t i = 0; i < n; i++) {
		unsigned t = numbers[i];
		const char *name = ninep_message_name(t);
		/* T-messages even, R-messages odd, and the name says which. */
		if (ninep_is_request(t)) {
			CHECK(name[0] == 'T', "%u (%s) is even, so a request: name should start with T", t, name);
			const char *reply = ninep_message_name(t + 1);
			if (CHECK(reply != NULL, "%s (%u) has no reply %u", name, t, t + 1)) {
				CHECK(reply[0] == 'R' && strcmp(reply + 1, name + 1) == 0,
				      "reply of %s is %s", name, reply);
				CHECK(ninep_message_dialects(t) == ninep_message_dialects(t + 1),
				      "%s and %s exist in different dialects", name, reply);
			}
		} else {
			CHECK(name[0] == 'R', "%u (%s) is odd, so a reply: name should start with R", t, name);
			const char *request = t > 0 ? ninep_message_name(t - 1) : NULL;
			if (reply_without_request(t)) {
				CHECK(request == NULL, "%s (%u) should have no request, found %s", name, t,
				      request ? request : "");
			} else if (CHECK(request != NULL, "%s (%u) has no request %u", name, t, t - 1)) {
				CHECK(request[0] == 'T' && strcmp(request + 1, name + 1) == 0,
				      "request of %s is %s", name, request);
			}
		}
		for (size_t j = i + 1; j < n; j++)
			CHECK(strcmp(name, ninep_message_name(numbers[j])) != 0, "name %s used by %u and %u", name, t,
			      numbers[j]);
	}
}

/* Wire kinds that one Wireshark field type can show. */
enum wire_class { CLASS_INTEGER, CLASS_STRING, CLASS_BYTES, CLASS_QID };

static enum wire_class class_of(enum ninep_wire wire)
{
	switch (wire) {
	case NINEP_WIRE_UINT:
		return CLASS_INTEGER;
	case NINEP_WIRE_STRING:
		return CLASS_STRING;
	case NINEP_WIRE_QID:
		return CLASS_QID;
	case NINEP_WIRE_FIXED:
	case NINEP_WIRE_DATA:
	case NINEP_WIRE_STRUCT:
		break;
	}
	return CLASS_BYTES;
}

/* The wire class a field's display needs. */
static enum wire_class class_shown(enum ninep_shown_as shown)
{
	switch (shown) {
	case NINEP_SHOW_STRING:
		return CLASS_STRING;
	case NINEP_SHOW_BYTES:
		return CLASS_BYTES;
	case NINEP_SHOW_QID:
		return CLASS_QID;
	default:
		return CLASS_INTEGER;
	}
}

static const char *const class_names[] = { "integer", "string", "bytes", "qid" };

enum { MAX_FILTERS = 256 };

struct filter_seen {
	const char *filter;
	enum wire_class class;
	unsigned size; /* integers: the first size seen */
	const char *where;
};

static void check_layouts(void)
{
	size_t n = ninep_layout_count();
	CHECK(n > 0, "no layouts");
	struct filter_seen seen[MAX_FILTERS];
	size_t n_seen = 0;
	/* The header fields the decoder reports: integers of their own. */
	static const struct { const char *key; unsigned size; } header[] = { { "size", NINEP_SIZESZ },
									     { "type", NINEP_BIT8SZ },
									     { "tag", NINEP_BIT16SZ } };
	for (size_t i = 0; i < COUNT(header); i++) {
		const struct ninep_field *f = ninep_field_by_key(header[i].key);
		if (CHECK(f != NULL, "no field row for header %s", header[i].key))
			seen[n_seen++] = (struct filter_seen){ f->filter, CLASS_INTEGER, header[i].size, "header" };
	}
	int field_used[MAX_FILTERS] = { 0 };
	CHECK(ninep_field_count() <= MAX_FILTERS, "more field rows than the test holds");

	for (size_t i = 0; i < n; i++) {
		const struct ninep_layout *layout = ninep_layout_at(i);
		if (!CHECK(layout != NULL, "ninep_layout_at(%zu) is NULL below the count", i))
			continue;
		CHECK(layout->dialects != 0 && (layout->dialects & ~(unsigned)NINEP_DIALECT_ANY) == 0,
		      "layout \"%s\" has dialects 0x%x", layout->text, layout->dialects);
		if (layout->number != 0) {
			const char *name = ninep_message_name(layout->number);
			CHECK(name != NULL && strcmp(name, layout->name) == 0, "layout \"%s\" names %s for %u",
			      layout->text, layout->name, layout->number);
			const struct expected_message *m = expected_by_number(layout->number);
			CHECK(m != NULL && (layout->dialects & ~m->dialects) == 0,
			      "layout of %s in dialects 0x%x outside the spec's", layout->name, layout->dialects);
		}
		for (unsigned j = 0; j < layout->n_elements; j++) {
			const struct ninep_element *e = &layout->elements[j];
			if (!CHECK(e->field != NULL, "%s: element %s has no field", layout->name, e->name))
				continue;
			for (size_t k = 0; k < ninep_field_count(); k++)
				if (ninep_field_at(k) == e->field && k < MAX_FILTERS)
					field_used[k] = 1;
			enum wire_class class = class_of(e->wire);
			CHECK(class == class_shown(e->field->shown_as), "%s.%s: %s on the wire, shown as %s", layout->name,
			      e->name, class_names[class], class_names[class_shown(e->field->shown_as)]);
			if (e->length_from >= 0)
				CHECK((unsigned)e->length_from < j &&
					      layout->elements[e->length_from].wire == NINEP_WIRE_UINT,
				      "%s.%s: length from a later or non-integer element", layout->name, e->name);
			if (e->repeat_from >= 0)
				CHECK((unsigned)e->repeat_from < j &&
					      layout->elements[e->repeat_from].wire == NINEP_WIRE_UINT,
				      "%s.%s: repeat count from a later or non-integer element", layout->name, e->name);
			if (e->wire == NINEP_WIRE_STRUCT) {
				const struct ninep_layout *inner[MAX_LAYOUTS_PER_TYPE];
				CHECK(ninep_struct_layouts(e->struct_name, inner, COUNT(inner)) > 0,
				      "%s.%s: struct %s has no layout", layout->name, e->name, e->struct_name);
			}

			/* One hf per filter name in the plugin: one wire class per filter. */
			size_t k;
			for (k = 0; k < n_seen; k++)
				if (strcmp(seen[k].filter, e->field->filter) == 0)
					break;
			if (k == n_seen) {
				if (CHECK(n_seen < MAX_FILTERS, "too many filters for the test"))
					seen[n_seen++] = (struct filter_seen){ e->field->filter, class, e->size, layout->name };
				continue;
			}
			CHECK(seen[k].class == class, "filter ninep.%s is %s in %s but %s in %s", e->field->filter,
			      class_names[seen[k].class], seen[k].where, class_names[class], layout->name);
			if (class == CLASS_INTEGER && seen[k].size != e->size)
				printf("note: filter ninep.%s is %u bytes in %s, %u bytes in %s (one hf must hold both)\n",
				       e->field->filter, seen[k].size, seen[k].where, e->size, layout->name);
		}
	}

	/* Rows of fields.def sharing a filter must agree on how it is shown,
	 * and every row is used by some layout or the header. */
	for (size_t i = 0; i < ninep_field_count(); i++) {
		const struct ninep_field *a = ninep_field_at(i);
		int is_header = strcmp(a->key, "size") == 0 || strcmp(a->key, "type") == 0 || strcmp(a->key, "tag") == 0;
		CHECK(is_header || (i < MAX_FILTERS && field_used[i]), "field row \"%s\" is used by no layout", a->key);
		CHECK(ninep_field_by_key(a->key) == a, "field key \"%s\" appears twice", a->key);
		for (size_t j = i + 1; j < ninep_field_count(); j++) {
			const struct ninep_field *b = ninep_field_at(j);
			if (strcmp(a->filter, b->filter) == 0)
				CHECK(a->shown_as == b->shown_as && strcmp(a->label, b->label) == 0,
				      "rows %s and %s share filter ninep.%s but differ in display", a->key, b->key,
				      a->filter);
		}
	}
}

/* What the spec says each dialect has, spelled out for the cases the issue
 * names, through the layouts rather than ninep_message_dialects. */
static unsigned layout_dialects(unsigned number)
{
	const struct ninep_layout *layouts[MAX_LAYOUTS_PER_TYPE];
	size_t n = ninep_layouts_of(number, layouts, COUNT(layouts));
	unsigned dialects = 0;
	for (size_t i = 0; i < n; i++)
		dialects |= layouts[i]->dialects;
	return dialects;
}

static size_t count_layouts(unsigned number, unsigned dialect)
{
	const struct ninep_layout *layouts[MAX_LAYOUTS_PER_TYPE];
	size_t n = ninep_layouts_of(number, layouts, COUNT(layouts));
	size_t in_dialect = 0;
	for (size_t i = 0; i < n; i++)
		in_dialect += (layouts[i]->dialects & dialect) != 0;
	return in_dialect;
}

static void check_dialects(void)
{
	for (size_t i = 0; i < COUNT(expected); i++)
		CHECK(layout_dialects(expected[i].number) == expected[i].dialects,
		      "%s: layouts cover dialects 0x%x, spec says 0x%x", expected[i].name,
		      layout_dialects(expected[i].number), expected[i].dialects);

	CHECK((layout_dialects(NINEP_Topen) & L) == 0, "Topen is not in 9P2000.L");
	CHECK(layout_dialects(NINEP_Tlopen) == L, "Tlopen only in 9P2000.L");
	CHECK(layout_dialects(NINEP_Tsession) == E, "Tsession only in 9P2000.e");
	CHECK(layout_dialects(NINEP_Rlerror) == L, "Rlerror only in 9P2000.L");

	/* Several layouts where the spec gives alternatives, one elsewhere. */
	CHECK(count_layouts(NINEP_Rerror, P9) == 1, "9P2000 Rerror: ename only");
	CHECK(count_layouts(NINEP_Rerror, U) == 1, "9P2000.u Rerror: ename errno");
	CHECK(count_layouts(NINEP_Rerror, E) == 2, "9P2000.e Rerror: with and without errno");
	CHECK(count_layouts(NINEP_Tfsync, L) == 2, "Tfsync: with and without datasync");
	CHECK(count_layouts(NINEP_Tsession, E) == 2, "Tsession: key[8] and the v0.1 draft");
	CHECK(count_layouts(NINEP_Tauth, U) == 1 && count_layouts(NINEP_Tauth, P9) == 1, "Tauth: one per dialect");

	/* Records nested in messages. */
	const struct ninep_layout *records[MAX_LAYOUTS_PER_TYPE];
	size_t n = ninep_struct_layouts("stat", records, COUNT(records));
	unsigned stat_dialects = 0;
	for (size_t i = 0; i < n; i++)
		stat_dialects |= records[i]->dialects;
	CHECK(n == 2 && stat_dialects == (P9 | U | E), "stat: a 9P2000 and a .u layout (%zu, 0x%x)", n,
	      stat_dialects);
	CHECK(ninep_struct_layouts("dirent", records, COUNT(records)) == 1 && records[0]->dialects == L,
	      "dirent: one layout, 9P2000.L");
	CHECK(ninep_struct_layouts("mumble", records, COUNT(records)) == 1 && records[0]->dialects == E,
	      "mumble: one layout, 9P2000.e");
	CHECK(ninep_struct_layouts("nosuch", records, COUNT(records)) == 0, "no struct nosuch");

	/* Version strings and dialect names. */
	static const struct { const char *text; unsigned dialect; } versions[] = {
		{ "9P2000", P9 }, { "9P2000.u", U }, { "9P2000.L", L }, { "9P2000.e", E },
		{ "9P2000.x", P9 }, { "9P", 0 },     { "", 0 },
	};
	for (size_t i = 0; i < COUNT(versions); i++)
		CHECK(ninep_dialect_from_version(versions[i].text, strlen(versions[i].text)) == versions[i].dialect,
		      "version \"%s\"", versions[i].text);
	CHECK(strcmp(ninep_dialect_name(L), "9P2000.L") == 0, "name of L");
	CHECK(strcmp(ninep_dialect_name(P9 | L), "unknown") == 0, "name of a mask of several");
}

int main(void)
{
	/* Compiling every row aborts on a bad one: reaching the next line is
	 * the check that every layout compiles. */
	ninep_description_init();
	ninep_description_init(); /* idempotent */
	CHECK(1, "description compiled");
	check_messages_present();
	check_pairs_and_names();
	check_rank();
	check_layouts();
	check_dialects();
	return check_summary();
}
