/*
 * Compiles messages.def and fields.def into the tables of protocol.h.
 *
 * Layouts are kept as the spec's notation in messages.def so that a reader
 * can hold them against the spec; they are compiled once, on first use, and
 * a row that does not compile stops the program with the row and the reason
 * (a programmer error, never a property of the input).
 */
#include "ninep/protocol.h"
#include "ninep/decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { P9 = NINEP_DIALECT_9P2000, U = NINEP_DIALECT_U, L = NINEP_DIALECT_L, E = NINEP_DIALECT_E };

static const struct ninep_field fields[] = {
#define NINEP_FIELD(key, filter, label, shown_as) { key, filter, label, NINEP_SHOW_##shown_as },
#include "ninep/fields.def"
};
/* decode.h's per-message index has a slot per row. */
_Static_assert(sizeof fields / sizeof fields[0] <= NINEP_INDEX_FIELDS, "raise NINEP_INDEX_FIELDS");

struct message_row {
	unsigned number;
	const char *name;
};

static const struct message_row message_rows[] = {
#define NINEP_MESSAGE(number, name) { number, #name },
#include "ninep/messages.def"
};

struct layout_row {
	unsigned number; /* 0 for a struct */
	const char *struct_name;
	unsigned dialects;
	const char *text;
};

static const struct layout_row layout_rows[] = {
#define NINEP_LAYOUT(number, dialects, layout) { number, NULL, dialects, layout },
#define NINEP_STRUCT(name, dialects, layout) { 0, #name, dialects, layout },
#include "ninep/messages.def"
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static struct ninep_layout layouts[COUNT(layout_rows)];
static int initialised;

/* Indexed by message number (every number fits in a byte), so that decoding
 * a message never scans the whole description. */
enum { MAX_LAYOUTS_PER_MESSAGE = 4 };
static const char *name_by_number[256];
static unsigned rank_by_number[256]; /* 1 + the row of messages.def; 0: no such message */
static unsigned dialects_by_number[256];
static const struct ninep_layout *layouts_by_number[256][MAX_LAYOUTS_PER_MESSAGE];
static unsigned n_layouts_by_number[256];

static void die(const struct layout_row *row, const char *why, const char *token)
{
	fprintf(stderr, "ninep: messages.def: %s '%s' in layout \"%s\"\n", why, token, row->text);
	abort();
}

const struct ninep_field *ninep_field_by_key(const char *key)
{
	for (size_t i = 0; i < COUNT(fields); i++)
		if (strcmp(fields[i].key, key) == 0)
			return &fields[i];
	return NULL;
}

/* A message field is looked up as "Message.field", then "field"; a struct
 * field only as "struct.field". */
static const struct ninep_field *resolve_field(const struct ninep_layout *layout, const char *name)
{
	char scoped[64];
	snprintf(scoped, sizeof scoped, "%s.%s", layout->name, name);
	const struct ninep_field *field = ninep_field_by_key(scoped);
	if (field == NULL && layout->number != 0)
		field = ninep_field_by_key(name);
	return field;
}

static int element_index(const struct ninep_layout *layout, const char *name)
{
	for (unsigned i = 0; i < layout->n_elements; i++)
		if (strcmp(layout->elements[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int is_struct_name(const char *name)
{
	for (size_t i = 0; i < COUNT(layout_rows); i++)
		if (layout_rows[i].struct_name && strcmp(layout_rows[i].struct_name, name) == 0)
			return 1;
	return 0;
}

/* Compile one "name[x]" token, with repeat_from already decided. */
static void compile_element(const struct layout_row *row, struct ninep_layout *layout, const char *token,
			    int repeat_from)
{
	if (layout->n_elements == NINEP_MAXELEMENTS)
		die(row, "too many elements at", token);
	struct ninep_element *e = &layout->elements[layout->n_elements];
	memset(e, 0, sizeof *e);
	e->repeat_from = repeat_from;
	e->length_from = -1;

	const char *open = strchr(token, '[');
	size_t token_len = strlen(token);
	if (open == NULL || token[token_len - 1] != ']' || open == token ||
	    (size_t)(open - token) >= sizeof e->name)
		die(row, "cannot read element", token);
	memcpy(e->name, token, (size_t)(open - token));
	char arg[32];
	size_t arg_len = token_len - (size_t)(open - token) - 2;
	if (arg_len == 0 || arg_len >= sizeof arg)
		die(row, "cannot read size of", token);
	memcpy(arg, open + 1, arg_len);
	arg[arg_len] = '\0';

	if (strcmp(arg, "s") == 0) {
		e->wire = NINEP_WIRE_STRING;
	} else if (arg[0] >= '0' && arg[0] <= '9') {
		e->size = (unsigned)strtoul(arg, NULL, 10);
		if (e->size == NINEP_QIDSZ)
			e->wire = NINEP_WIRE_QID;
		else if (e->size == 1 || e->size == 2 || e->size == 4 || e->size == 8)
			e->wire = NINEP_WIRE_UINT;
		else
			e->wire = NINEP_WIRE_FIXED;
	} else {
		e->length_from = element_index(layout, arg);
		if (e->length_from < 0 || layout->elements[e->length_from].wire != NINEP_WIRE_UINT)
			die(row, "length refers to no earlier integer:", token);
		if (is_struct_name(e->name)) {
			e->wire = NINEP_WIRE_STRUCT;
			e->struct_name = e->name;
		} else {
			e->wire = NINEP_WIRE_DATA;
		}
	}
	e->field = resolve_field(layout, e->name);
	if (e->field == NULL)
		die(row, "no row in fields.def for", e->name);
	layout->n_elements++;
}

static void compile_layout(const struct layout_row *row, struct ninep_layout *layout)
{
	memset(layout, 0, sizeof *layout);
	layout->number = row->number;
	layout->dialects = row->dialects;
	layout->text = row->text;
	layout->name = row->struct_name;
	for (size_t i = 0; i < COUNT(message_rows); i++)
		if (row->number != 0 && message_rows[i].number == row->number)
			layout->name = message_rows[i].name;
	if (layout->name == NULL)
		die(row, "layout for undeclared message", "");

	const char *p = row->text;
	while (*p) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		size_t n = strcspn(p, " ");
		char token[64];
		if (n >= sizeof token)
			die(row, "token too long", p);
		memcpy(token, p, n);
		token[n] = '\0';
		p += n;

		/* "count*(element[x])" */
		char *star = strstr(token, "*(");
		if (star != NULL) {
			*star = '\0';
			int repeat_from = element_index(layout, token);
			if (repeat_from < 0 || layout->elements[repeat_from].wire != NINEP_WIRE_UINT)
				die(row, "repeat count refers to no earlier integer:", token);
			char *inner = star + 2;
			size_t inner_len = strlen(inner);
			if (inner_len < 2 || inner[inner_len - 1] != ')')
				die(row, "unclosed repetition", inner);
			inner[inner_len - 1] = '\0';
			compile_element(row, layout, inner, repeat_from);
		} else {
			compile_element(row, layout, token, -1);
		}
	}
}

void ninep_description_init(void)
{
	if (initialised)
		return;
	for (size_t i = 0; i < COUNT(message_rows); i++) {
		unsigned n = message_rows[i].number;
		if (n > 255 || name_by_number[n] != NULL) {
			fprintf(stderr, "ninep: messages.def: message %u declared twice or out of range\n", n);
			abort();
		}
		name_by_number[n] = message_rows[i].name;
		rank_by_number[n] = (unsigned)i + 1;
	}
	for (size_t i = 0; i < COUNT(layout_rows); i++) {
		compile_layout(&layout_rows[i], &layouts[i]);
		unsigned n = layouts[i].number;
		if (n == 0)
			continue;
		if (n_layouts_by_number[n] == MAX_LAYOUTS_PER_MESSAGE)
			die(&layout_rows[i], "more layouts than MAX_LAYOUTS_PER_MESSAGE for", layouts[i].name);
		layouts_by_number[n][n_layouts_by_number[n]++] = &layouts[i];
		dialects_by_number[n] |= layouts[i].dialects;
	}
	initialised = 1;
}

const char *ninep_message_name(unsigned type)
{
	ninep_description_init();
	return type < 256 ? name_by_number[type] : NULL;
}

unsigned ninep_message_rank(unsigned type)
{
	ninep_description_init();
	if (type < 256 && rank_by_number[type] != 0)
		return rank_by_number[type] - 1;
	return (unsigned)COUNT(message_rows) + type; /* after every named one, by number */
}

int ninep_message_number(const char *name)
{
	for (size_t i = 0; i < COUNT(message_rows); i++)
		if (strcmp(message_rows[i].name, name) == 0)
			return (int)message_rows[i].number;
	return -1;
}

unsigned ninep_message_dialects(unsigned type)
{
	ninep_description_init();
	return type < 256 ? dialects_by_number[type] : 0;
}

size_t ninep_layouts_of(unsigned type, const struct ninep_layout **out, size_t max)
{
	ninep_description_init();
	size_t n = 0;
	if (type == 0 || type > 255)
		return 0;
	for (; n < n_layouts_by_number[type] && n < max; n++)
		out[n] = layouts_by_number[type][n];
	return n;
}

size_t ninep_struct_layouts(const char *name, const struct ninep_layout **out, size_t max)
{
	ninep_description_init();
	size_t n = 0;
	for (size_t i = 0; i < COUNT(layouts) && n < max; i++)
		if (layouts[i].number == 0 && strcmp(layouts[i].name, name) == 0)
			out[n++] = &layouts[i];
	return n;
}

size_t ninep_layout_count(void)
{
	return COUNT(layouts);
}

const struct ninep_layout *ninep_layout_at(size_t i)
{
	ninep_description_init();
	return i < COUNT(layouts) ? &layouts[i] : NULL;
}

size_t ninep_field_count(void)
{
	return COUNT(fields);
}

const struct ninep_field *ninep_field_at(size_t i)
{
	return i < COUNT(fields) ? &fields[i] : NULL;
}

size_t ninep_message_numbers(unsigned *out, size_t max)
{
	ninep_description_init();
	size_t n = 0;
	for (unsigned t = 0; t < 256 && n < max; t++)
		if (name_by_number[t] != NULL)
			out[n++] = t;
	return n;
}

unsigned ninep_dialect_from_version(const char *version, size_t len)
{
	static const struct {
		const char *text;
		unsigned dialect;
	} known[] = {
		{ "9P2000", NINEP_DIALECT_9P2000 },
		{ "9P2000.u", NINEP_DIALECT_U },
		{ "9P2000.L", NINEP_DIALECT_L },
		{ "9P2000.e", NINEP_DIALECT_E },
	};
	for (size_t i = 0; i < COUNT(known); i++)
		if (strlen(known[i].text) == len && memcmp(known[i].text, version, len) == 0)
			return known[i].dialect;
	/* intro(5): a version "9P2000.x" the server does not know is answered
	 * with "9P2000"; anything starting "9P2000" is that family. */
	if (len >= 6 && memcmp(version, "9P2000", 6) == 0)
		return NINEP_DIALECT_9P2000;
	return 0;
}

const char *ninep_dialect_name(unsigned dialect)
{
	switch (dialect) {
	case NINEP_DIALECT_9P2000:
		return "9P2000";
	case NINEP_DIALECT_U:
		return "9P2000.u";
	case NINEP_DIALECT_L:
		return "9P2000.L";
	case NINEP_DIALECT_E:
		return "9P2000.e";
	default:
		return "unknown";
	}
}

/* Linux errno names (asm-generic/errno-base.h and errno.h). */
static const char *const errno_names[] = {
	[1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH", [4] = "EINTR", [5] = "EIO", [6] = "ENXIO",
	[7] = "E2BIG", [8] = "ENOEXEC", [9] = "EBADF", [10] = "ECHILD", [11] = "EAGAIN", [12] = "ENOMEM",
	[13] = "EACCES", [14] = "EFAULT", [15] = "ENOTBLK", [16] = "EBUSY", [17] = "EEXIST", [18] = "EXDEV",
	[19] = "ENODEV", [20] = "ENOTDIR", [21] = "EISDIR", [22] = "EINVAL", [23] = "ENFILE",
	[24] = "EMFILE", [25] = "ENOTTY", [26] = "ETXTBSY", [27] = "EFBIG", [28] = "ENOSPC",
	[29] = "ESPIPE", [30] = "EROFS", [31] = "EMLINK", [32] = "EPIPE", [33] = "EDOM", [34] = "ERANGE",
	[35] = "EDEADLK", [36] = "ENAMETOOLONG", [37] = "ENOLCK", [38] = "ENOSYS", [39] = "ENOTEMPTY",
	[40] = "ELOOP", [42] = "ENOMSG", [43] = "EIDRM", [61] = "ENODATA", [62] = "ETIME",
	[71] = "EPROTO", [74] = "EBADMSG", [75] = "EOVERFLOW", [84] = "EILSEQ", [95] = "EOPNOTSUPP",
	[103] = "ECONNABORTED", [104] = "ECONNRESET", [110] = "ETIMEDOUT", [111] = "ECONNREFUSED",
	[116] = "ESTALE", [122] = "EDQUOT", [125] = "ECANCELED",
};

const char *ninep_errno_name(uint32_t errnum)
{
	return errnum < COUNT(errno_names) ? errno_names[errnum] : NULL;
}
