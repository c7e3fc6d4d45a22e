/*
 * unit.vectors: every hand-made vector decoded in each dialect it belongs
 * to, checked item by item (filter, offset, length, value; string bytes;
 * qids), decoded again with NINEP_DIALECT_ANY, and refused by every other
 * dialect.  Also checks that every layout of messages.def was the one that
 * matched some vector in each of its dialects.
 */
#include "check.h"
#include "vectors.h"

#include <ninep/decode.h>

#include <string.h>

static const unsigned single_dialects[] = { NINEP_DIALECT_9P2000, NINEP_DIALECT_U, NINEP_DIALECT_L,
					    NINEP_DIALECT_E };
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
/* Room for a copy of the largest vector. */
enum { MAX_VECTOR = 512 };

enum { MAX_LAYOUTS = 256 };

/* Which (layout, dialect) pairs some vector decoded with. */
static unsigned layout_seen[MAX_LAYOUTS];

static size_t layout_index(const struct ninep_layout *layout)
{
	for (size_t i = 0; i < ninep_layout_count(); i++)
		if (ninep_layout_at(i) == layout)
			return i;
	return MAX_LAYOUTS;
}

/*
 * Compare msg->items[first..] with the wanted items.  Offsets are not
 * written in the vectors: each follows from the lengths before it, starting
 * at `offset`; the fields of a record start where the record does and sit
 * one level deeper until its length is used up.
 */
static void check_items(const char *what, const uint8_t *bytes, size_t len, const struct ninep_msg *msg,
			unsigned first, const struct want *want, size_t n_want, uint32_t offset, uint8_t depth,
			uint32_t base)
{
	if (!CHECK(msg->n_items - first == n_want, "%s: %u items, want %zu", what, msg->n_items - first, n_want))
		return;
	uint32_t record_end = 0;
	uint8_t outer_depth = depth;
	for (size_t i = 0; i < n_want; i++) {
		const struct ninep_item *it = &msg->items[first + i];
		const struct want *w = &want[i];
		if (depth > outer_depth && offset >= record_end)
			depth = outer_depth;
		const char *filter = it->field ? it->field->filter : "(none)";
		CHECK(strcmp(filter, w->filter) == 0, "%s: item %zu is ninep.%s, want ninep.%s", what, i, filter,
		      w->filter);
		CHECK(it->offset == offset, "%s: %s at offset %u, want %u", what, w->filter, it->offset, offset);
		CHECK(it->length == w->length, "%s: %s length %u, want %u", what, w->filter, it->length, w->length);
		CHECK(it->depth == depth, "%s: %s depth %u, want %u", what, w->filter, it->depth, depth);
		CHECK(it->value == w->value, "%s: %s value %llu, want %llu", what, w->filter,
		      (unsigned long long)it->value, (unsigned long long)w->value);
		/* Item offsets are relative to `base` within `bytes`; look at the
		 * bytes only when the item lies inside them. */
		if (!CHECK(it->offset >= base && it->offset - base <= len && it->length <= len - (it->offset - base),
			   "%s: %s outside the vector", what, w->filter))
			return;
		const uint8_t *at = bytes + (it->offset - base);
		switch (w->kind) {
		case WANT_UINT:
			CHECK(it->element != NULL && it->element->wire == NINEP_WIRE_UINT, "%s: %s not an integer",
			      what, w->filter);
			break;
		case WANT_STRING:
			if (CHECK(it->element != NULL && it->element->wire == NINEP_WIRE_STRING,
				  "%s: %s not a string", what, w->filter) &&
			    it->length == w->length)
				CHECK(memcmp(base == 0 ? ninep_item_bytes(bytes, it) : at + NINEP_BIT16SZ, w->text, w->value) == 0,
				      "%s: %s is not \"%s\"", what, w->filter, w->text);
			break;
		case WANT_QID:
			if (CHECK(it->element != NULL && it->element->wire == NINEP_WIRE_QID, "%s: %s not a qid",
				  what, w->filter)) {
				struct ninep_qid q = ninep_get_qid(at);
				CHECK(q.type == w->qid_type && q.version == w->qid_version && q.path == w->qid_path,
				      "%s: %s is (%#x %u %#llx), want (%#x %u %#llx)", what, w->filter, q.type,
				      q.version, (unsigned long long)q.path, w->qid_type, w->qid_version,
				      (unsigned long long)w->qid_path);
			}
			break;
		case WANT_BYTES:
			CHECK(it->element != NULL && (it->element->wire == NINEP_WIRE_DATA ||
						      it->element->wire == NINEP_WIRE_FIXED),
			      "%s: %s not raw bytes", what, w->filter);
			if (w->text != NULL && it->length == w->length)
				CHECK(memcmp(at, w->text, w->length) == 0, "%s: %s bytes differ", what, w->filter);
			break;
		case WANT_RECORD:
			CHECK(it->element != NULL && it->element->wire == NINEP_WIRE_STRUCT, "%s: %s not a record",
			      what, w->filter);
			record_end = offset + w->length;
			depth++;
			continue; /* its fields start at its own offset */
		}
		offset += w->length;
	}
}

/* Decode a message vector in `dialects`; check everything. */
static const struct ninep_layout *check_message(const struct vector *v, unsigned dialects, const char *dialect_name)
{
	char what[96];
	snprintf(what, sizeof what, "%s in %s", v->label, dialect_name);
	struct ninep_msg msg;
	enum ninep_status status = ninep_decode(v->bytes, v->len, dialects, &msg);
	if (!CHECK(status == NINEP_OK, "%s: %s (%s at %s, offset %u)", what, ninep_status_name(status),
		   msg.problem ? msg.problem : "", msg.problem_field ? msg.problem_field : "", msg.problem_offset))
		return NULL;
	CHECK(msg.size == v->len, "%s: size %u, vector has %zu bytes", what, msg.size, v->len);
	CHECK(msg.type == v->bytes[NINEP_SIZESZ], "%s: type %u", what, msg.type);
	CHECK(msg.problem == NULL && msg.problem_field == NULL, "%s: a problem reported on success", what);
	CHECK(msg.layout != NULL && (msg.layout->dialects & dialects) != 0, "%s: layout outside the dialect", what);
	check_items(what, v->bytes, v->len, &msg, 0, v->want, v->n_want, 0, 0, 0);

	/* Every message field can be found by its filter name. */
	for (size_t i = 0; i < v->n_want && i < msg.n_items; i++)
		if (msg.items[i].depth == 0)
			CHECK(ninep_find(&msg, v->want[i].filter) != NULL, "%s: ninep_find(%s)", what, v->want[i].filter);

	uint32_t framed = 0;
	CHECK(ninep_frame(v->bytes, v->len, 0, &framed) == NINEP_OK && framed == v->len, "%s: ninep_frame", what);
	/* Bytes after the message belong to the next one. */
	uint8_t longer[512];
	if (v->len + 3 <= sizeof longer) {
		memcpy(longer, v->bytes, v->len);
		memset(longer + v->len, 0xee, 3);
		struct ninep_msg again;
		CHECK(ninep_decode(longer, v->len + 3, dialects, &again) == NINEP_OK && again.n_items == msg.n_items,
		      "%s: followed by other bytes", what);
	}
	return msg.layout;
}

/* Decode a records vector record after record, items appended. */
static void check_records(const struct vector *v, unsigned dialects, const char *dialect_name, uint32_t base)
{
	char what[96];
	snprintf(what, sizeof what, "%s in %s (base %u)", v->label, dialect_name, base);
	struct ninep_msg msg;
	memset(&msg, 0, sizeof msg);
	size_t pos = 0;
	unsigned records = 0;
	while (pos < v->len) {
		size_t used = 0;
		enum ninep_status status = ninep_decode_struct(v->record, v->bytes + pos, v->len - pos, dialects,
							       base + (uint32_t)pos, &msg, &used);
		if (!CHECK(status == NINEP_OK && used > 0, "%s: record %u: %s (%s at %s)", what, records,
			   ninep_status_name(status), msg.problem ? msg.problem : "",
			   msg.problem_field ? msg.problem_field : ""))
			return;
		pos += used;
		records++;
	}
	CHECK(pos == v->len, "%s: records used %zu of %zu bytes", what, pos, v->len);
	check_items(what, v->bytes, v->len, &msg, 0, v->want, v->n_want, base, 1, base);
}

static void check_vector(const struct vector *v)
{
	/* The vector's own size field agrees with its length. */
	if (v->record == NULL)
		CHECK(ninep_get32(v->bytes) == v->len, "%s: size field %u but %zu bytes written", v->label,
		      ninep_get32(v->bytes), v->len);

	const struct ninep_layout *own = NULL;
	for (size_t d = 0; d < COUNT(single_dialects); d++) {
		unsigned dialect = single_dialects[d];
		const char *name = ninep_dialect_name(dialect);
		if ((v->dialects & dialect) == 0) {
			/* Refused by every dialect it does not belong to. */
			struct ninep_msg msg;
			memset(&msg, 0, sizeof msg);
			enum ninep_status status;
			if (v->record == NULL) {
				status = ninep_decode(v->bytes, v->len, dialect, &msg);
			} else {
				size_t used;
				status = ninep_decode_struct(v->record, v->bytes, v->len, dialect, 0, &msg, &used);
				/* A record may decode in another dialect yet not cover the vector. */
				if (status == NINEP_OK && used != v->len)
					status = NINEP_MALFORMED;
			}
			CHECK(status != NINEP_OK, "%s: decodes in %s, which it does not belong to", v->label, name);
			continue;
		}
		if (v->record != NULL) {
			check_records(v, dialect, name, 0);
			check_records(v, dialect, name, 1000);
			continue;
		}
		const struct ninep_layout *layout = check_message(v, dialect, name);
		if (layout != NULL) {
			size_t i = layout_index(layout);
			if (i < MAX_LAYOUTS)
				layout_seen[i] |= dialect;
			own = layout;
		}
	}

	/* Unknown dialect: the same items, and say when the layout differs. */
	if (v->record != NULL) {
		check_records(v, NINEP_DIALECT_ANY, "any dialect", 0);
		return;
	}
	const struct ninep_layout *any = check_message(v, NINEP_DIALECT_ANY, "any dialect");
	if (any != NULL && own != NULL && strcmp(any->text, own->text) != 0)
		printf("note: %s decodes as \"%s\" with any dialect, \"%s\" in its own\n", v->label, any->text,
		       own->text);
}

/* The records inside a message: Rreaddir's data decoded in place. */
static void check_records_in_message(void)
{
	const struct vector *rreaddir = unit_vector("Rreaddir");
	const struct vector *dirents = unit_vector("dirents");
	if (!CHECK(rreaddir != NULL && dirents != NULL, "Rreaddir and dirents vectors"))
		return;
	struct ninep_msg msg;
	if (!CHECK(ninep_decode(rreaddir->bytes, rreaddir->len, NINEP_DIALECT_L, &msg) == NINEP_OK, "Rreaddir"))
		return;
	const struct ninep_item *data = ninep_find(&msg, "data");
	if (!CHECK(data != NULL && data->length == dirents->len, "Rreaddir data"))
		return;
	unsigned first = msg.n_items;
	uint32_t pos = 0;
	while (pos < data->length) {
		size_t used = 0;
		enum ninep_status status = ninep_decode_struct("dirent", rreaddir->bytes + data->offset + pos,
							       data->length - pos, NINEP_DIALECT_L, data->offset + pos,
							       &msg, &used);
		if (!CHECK(status == NINEP_OK && used > 0, "dirent at %u of Rreaddir: %s", pos, ninep_status_name(status)))
			return;
		pos += (uint32_t)used;
	}
	check_items("dirents inside Rreaddir", rreaddir->bytes + data->offset, data->length, &msg, first, dirents->want,
		    dirents->n_want, data->offset, 1, data->offset);
}

/* The spec: "A decoder should take key[8] and recognise the draft layout
 * when the message size fits it exactly."  A draft Tsession with empty node
 * and group is 8 bytes of body, so it fits key[8] too, and key[8] wins. */
static void check_tsession_ambiguity(void)
{
	static const uint8_t draft_empty[] = {
		0x0f, 0x00, 0x00, 0x00,  /* size 15 */
		150,                     /* Tsession */
		0xff, 0xff,              /* NOTAG */
		0x00, 0x00,              /* node "" */
		0x00, 0x00,              /* group "" */
		0xef, 0xbe, 0xad, 0xde,  /* key[4] 0xdeadbeef */
	};
	struct ninep_msg msg;
	CHECK(ninep_decode(draft_empty, sizeof draft_empty, NINEP_DIALECT_E, &msg) == NINEP_OK, "draft Tsession, empty");
	CHECK(msg.layout != NULL && strcmp(msg.layout->text, "key[8]") == 0, "empty draft Tsession reads as key[8]");
	CHECK(ninep_find_uint(&msg, "session_key", 0) == 0xdeadbeef00000000u, "as key[8], the bytes in order");
	printf("note: a v0.1 draft Tsession with empty node and group is indistinguishable from key[8];"
	       " it decodes as key[8], as the spec says\n");
}

static void check_coverage(void)
{
	size_t n = ninep_layout_count();
	CHECK(n <= MAX_LAYOUTS, "more layouts than the test tracks");
	for (size_t i = 0; i < n && i < MAX_LAYOUTS; i++) {
		const struct ninep_layout *layout = ninep_layout_at(i);
		if (layout->number == 0) {
			/* Records: some records vector of that name in each dialect. */
			unsigned covered = 0;
			for (size_t k = 0; k < unit_vector_count; k++)
				if (unit_vectors[k].record && strcmp(unit_vectors[k].record, layout->name) == 0)
					covered |= unit_vectors[k].dialects;
			CHECK((layout->dialects & ~covered) == 0, "struct %s \"%s\": no vector in dialects 0x%x",
			      layout->name, layout->text, layout->dialects & ~covered);
			continue;
		}
		CHECK((layout->dialects & ~layout_seen[i]) == 0, "%s \"%s\": no vector decoded with it in dialects 0x%x",
		      layout->name, layout->text, layout->dialects & ~layout_seen[i]);
	}
}

/* wstat(5): "don't touch" values in a Twstat's stat are the empty string
 * and ~0 of the field's size.  The Twstat vectors are a rename: every field
 * but stat.size (a byte count) and stat.name is one.  The same stat with a
 * new mode, or a qid with one byte that is not 0xff, changes those; an
 * Rstat's fields are real values whatever their bits. */
static void check_dont_touch(void)
{
	static const char *const changed[] = { "stat.size", "stat.name" };
	static const char *const labels[] = { "Twstat", "Twstat.u" };
	for (size_t k = 0; k < COUNT(labels); k++) {
		const struct vector *v = unit_vector(labels[k]);
		struct ninep_msg msg;
		CHECK(v != NULL && ninep_decode(v->bytes, v->len, v->dialects, &msg) == NINEP_OK, "%s decodes", labels[k]);
		if (v == NULL)
			continue;
		unsigned in_stat = 0;
		for (unsigned i = 0; i < msg.n_items; i++) {
			const struct ninep_item *it = &msg.items[i];
			if (it->depth == 0) {
				CHECK(!ninep_is_dont_touch(&msg, v->bytes, it), "%s: %s is not in the stat", labels[k],
				      it->field->key);
				continue;
			}
			in_stat++;
			int want = strcmp(it->field->key, changed[0]) != 0 && strcmp(it->field->key, changed[1]) != 0;
			CHECK(ninep_is_dont_touch(&msg, v->bytes, it) == want, "%s: %s is %sdon't touch", labels[k],
			      it->field->key, want ? "" : "not ");
		}
		CHECK(in_stat >= 12, "%s: %u stat fields", labels[k], in_stat);

		/* mode 0644 and a qid version of 0xfffffffe: both are changes */
		uint8_t bytes[MAX_VECTOR];
		if (!CHECK(v->len <= sizeof bytes, "%s fits", labels[k]))
			continue;
		memcpy(bytes, v->bytes, v->len);
		const struct ninep_item *mode = NULL, *qid = NULL;
		for (unsigned i = 0; i < msg.n_items; i++) {
			if (strcmp(msg.items[i].field->key, "stat.mode") == 0)
				mode = &msg.items[i];
			if (strcmp(msg.items[i].field->key, "stat.qid") == 0)
				qid = &msg.items[i];
		}
		CHECK(mode != NULL && qid != NULL, "%s: mode and qid", labels[k]);
		if (mode == NULL || qid == NULL)
			continue;
		bytes[mode->offset] = 0xa4;
		bytes[mode->offset + 1] = 0x01;
		bytes[mode->offset + 2] = 0;
		bytes[mode->offset + 3] = 0;
		bytes[qid->offset + 1] = 0xfe;
		struct ninep_msg changed_msg;
		CHECK(ninep_decode(bytes, v->len, v->dialects, &changed_msg) == NINEP_OK, "%s with a mode decodes",
		      labels[k]);
		for (unsigned i = 0; i < changed_msg.n_items; i++) {
			const struct ninep_item *it = &changed_msg.items[i];
			if (strcmp(it->field->key, "stat.mode") == 0 || strcmp(it->field->key, "stat.qid") == 0)
				CHECK(!ninep_is_dont_touch(&changed_msg, bytes, it), "%s: a new %s is a change",
				      labels[k], it->field->key);
			if (strcmp(it->field->key, "stat.dev") == 0)
				CHECK(ninep_is_dont_touch(&changed_msg, bytes, it), "%s: dev still don't touch", labels[k]);
		}
	}

	/* The same bits in an Rstat are what the file has. */
	const struct vector *twstat = unit_vector("Twstat");
	if (twstat != NULL) {
		uint8_t bytes[MAX_VECTOR];
		/* Rstat is n[2] stat[n]: the Twstat's body without its fid[4]. */
		size_t len = twstat->len - NINEP_BIT32SZ;
		memcpy(bytes, twstat->bytes, NINEP_HDRSZ);
		memcpy(bytes + NINEP_HDRSZ, twstat->bytes + NINEP_HDRSZ + NINEP_BIT32SZ, len - NINEP_HDRSZ);
		bytes[0] = (uint8_t)len;
		bytes[NINEP_SIZESZ] = NINEP_Rstat;
		struct ninep_msg msg;
		CHECK(ninep_decode(bytes, len, NINEP_DIALECT_9P2000, &msg) == NINEP_OK, "Rstat of all ones decodes");
		unsigned any = 0;
		for (unsigned i = 0; i < msg.n_items; i++)
			any += (unsigned)ninep_is_dont_touch(&msg, bytes, &msg.items[i]);
		CHECK(msg.n_items > 12 && any == 0, "Rstat: no field is don't touch (%u of %u)", any, msg.n_items);
	}
}

int main(void)
{
	/* The byte order of the vectors' macros, against plain hex. */
	const struct vector *tversion = unit_vector("Tversion");
	CHECK(tversion != NULL && tversion->bytes[0] == 19 && tversion->bytes[7] == 0x00 && tversion->bytes[8] == 0x20,
	      "Tversion written in plain hex");

	for (size_t i = 0; i < unit_vector_count; i++)
		check_vector(&unit_vectors[i]);
	check_records_in_message();
	check_tsession_ambiguity();
	check_dont_touch();
	check_coverage();
	return check_summary();
}
