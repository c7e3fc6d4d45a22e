/*
 * The 9P decoder both tools use: framing (is a whole message there?) and
 * decoding (which fields sit where), driven by the layouts of protocol.h.
 *
 * It never writes to the input, checks every length before using it, and
 * succeeds only when a layout consumes exactly `size` bytes.  Incomplete
 * ("the bytes stop before the message does") and malformed ("the bytes
 * contradict the format") are different outcomes.
 */
#ifndef NINEP_DECODE_H
#define NINEP_DECODE_H

#include "protocol.h"

enum ninep_status {
	NINEP_OK = 0,
	NINEP_INCOMPLETE, /* more bytes are needed */
	NINEP_MALFORMED,  /* the bytes contradict every layout */
	NINEP_UNKNOWN_TYPE, /* no dialect asked for defines this type */
};

/* Little-endian reads; the caller has checked the length. */
static inline uint16_t ninep_get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t ninep_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t ninep_get64(const uint8_t *p)
{
	return (uint64_t)ninep_get32(p) | (uint64_t)ninep_get32(p + 4) << 32;
}

/*
 * Framing.  Given the first `len` bytes of a stream positioned at a message
 * boundary: NINEP_OK with *size set when a whole message is there,
 * NINEP_INCOMPLETE when more bytes are needed (*size set once the size field
 * is there), NINEP_MALFORMED when the size is below the header or above
 * max_size (0: no limit beyond 32 bits).
 */
enum ninep_status ninep_frame(const uint8_t *buf, size_t len, uint32_t max_size, uint32_t *size);

/* One decoded field: where it is and, for integers, its value. */
struct ninep_item {
	const struct ninep_field *field;
	const struct ninep_element *element;
	uint32_t offset; /* from the start of the message (or struct) */
	uint32_t length; /* bytes on the wire, including a string's len[2] */
	uint64_t value;  /* UINT: the value; STRING: its length; DATA: its length */
	uint8_t depth;   /* 0: message field; 1: inside a struct (stat, dirent) */
};

/* A string item's bytes (not NUL-terminated). */
static inline const uint8_t *ninep_item_bytes(const uint8_t *msg, const struct ninep_item *it)
{
	return msg + it->offset + (it->element && it->element->wire == NINEP_WIRE_STRING ? NINEP_BIT16SZ : 0);
}

/* A qid, read from a QID item's bytes. */
struct ninep_qid {
	uint8_t type;
	uint32_t version;
	uint64_t path;
};
static inline struct ninep_qid ninep_get_qid(const uint8_t *p)
{
	struct ninep_qid q = { p[0], ninep_get32(p + 1), ninep_get64(p + 5) };
	return q;
}

enum { NINEP_MAXITEMS = 64 };

/* Registry rows a layout's row table holds (checked against fields.def
 * when it is compiled). */
enum { NINEP_INDEX_FIELDS = 192 };

/* In a row table: the row's first item is not at a fixed position (it
 * follows a repeated field or a record), so look for it. */
enum { NINEP_ITEM_VARIES = 0xFF };

struct ninep_msg {
	uint32_t size;
	uint8_t type;
	uint16_t tag;
	const struct ninep_layout *layout; /* the layout that fit, or NULL */
	unsigned n_items;                   /* header items first: size, type, tag */
	struct ninep_item items[NINEP_MAXITEMS];
	/* When status is not OK: what went wrong, and where. */
	const char *problem;      /* "string runs past the end of the message" */
	const char *problem_field; /* the layout field, e.g. "wname", or NULL */
	uint32_t problem_offset;
	/* After a successful decode, the layout's row table: for each registry
	 * row, 1 + the position in items of its first depth-0 item, 0 when the
	 * layout has no such field, or NINEP_ITEM_VARIES.  Computed once per
	 * layout, so that ninep_find_filter is a lookup, not a scan.  NULL
	 * otherwise. */
	const uint8_t *item_of_row;
};

/*
 * Decode one message from buf[0..len).  `dialects` is the set of dialects to
 * try (NINEP_DIALECT_ANY when not known).  On NINEP_OK every field is in
 * msg->items.  On NINEP_MALFORMED the items decoded before the problem are
 * kept and msg->problem says what and where.  NINEP_INCOMPLETE when len is
 * shorter than the message.
 */
enum ninep_status ninep_decode(const uint8_t *buf, size_t len, unsigned dialects, struct ninep_msg *msg);

/*
 * Decode a message of which only the first `have` bytes are at hand, when
 * the rest of it is data that nothing reads: ninep_decode's outcome for the
 * whole message, whatever its data bytes, when the type's layouts end in
 * one DATA field after fixed-size fields (Rread, Rreaddir, Twrite, Rsread)
 * and `have` reaches that data; otherwise ninep_decode(buf, have, ...),
 * NINEP_INCOMPLETE for a message not all there.  Reads only buf[0..have).
 * The framer (ninep_stream.c) uses it so as not to copy the data of a
 * large message that comes in many TCP segments.
 */
enum ninep_status ninep_decode_head(const uint8_t *buf, size_t have, unsigned dialects, struct ninep_msg *msg);
/*
 * Decode one struct record (stat, dirent, mumble) at the start of
 * buf[0..len).  Items are appended to msg->items at depth 1 with offsets
 * relative to `base`; *used is set to the record's length.  Used for the
 * stat records of a directory Rread and the entries of Rreaddir.
 */
enum ninep_status ninep_decode_struct(const char *name, const uint8_t *buf, size_t len, unsigned dialects,
				      uint32_t base, struct ninep_msg *msg, size_t *used);

/*
 * Whether data[0..len) is one or more whole stat records back to back and
 * nothing else: what a read of a directory returns (read(5): "a read of a
 * directory yields an integral number of directory entries").  An Rsread
 * (9P2000.e) says nothing else about what it read, so this is how both
 * tools tell a directory listing from a file's content there.
 */
int ninep_is_directory_data(const uint8_t *data, size_t len, unsigned dialects);

/*
 * wstat(5): in the stat of a Twstat, a property the client wants left as it
 * is holds a "don't touch" value: an empty string, or an integer with every
 * bit of its size set (~0; a qid: type, version and path all ones).
 * 9P2000.u's extension, n_uid, n_gid and n_muid follow the same rule.
 * Whether item `it` of the decoded message msg (whose bytes are `bytes`)
 * is such a value.  Only a Twstat says "don't touch": the same bits in an
 * Rstat or a directory read are real values (and Tsetattr has its own
 * valid mask).  The stat's size, a count of bytes, never is one.
 */
int ninep_is_dont_touch(const struct ninep_msg *msg, const uint8_t *bytes, const struct ninep_item *it);

/* The first item of a field filter name ("fid", "newfid"), or NULL. */
const struct ninep_item *ninep_find(const struct ninep_msg *msg, const char *filter);

/*
 * A filter name resolved once to the registry rows that carry it (a few
 * names, like "ecode", belong to more than one row), so that a lookup per
 * message compares pointers instead of strings.
 */
enum { NINEP_FILTER_MAX_FIELDS = 4 };
struct ninep_filter {
	unsigned n;
	const struct ninep_field *fields[NINEP_FILTER_MAX_FIELDS];
	uint8_t index[NINEP_FILTER_MAX_FIELDS]; /* their ninep_field_index */
};
/* A name no row carries resolves to a filter that matches nothing. */
void ninep_filter_resolve(struct ninep_filter *out, const char *filter);
/* Whether a registry row carries the filter's name. */
static inline int ninep_filter_has(const struct ninep_filter *f, const struct ninep_field *field)
{
	for (unsigned k = 0; k < f->n; k++)
		if (field == f->fields[k])
			return 1;
	return 0;
}
/* The same item as ninep_find(msg, the filter's name). */
static inline const struct ninep_item *ninep_find_filter(const struct ninep_msg *msg, const struct ninep_filter *f)
{
	if (msg->item_of_row != NULL) {
		unsigned best = 0, k = 0;
		for (; k < f->n; k++) {
			unsigned at = msg->item_of_row[f->index[k]];
			if (at == NINEP_ITEM_VARIES)
				break;
			if (at != 0 && (best == 0 || at < best))
				best = at;
		}
		if (k == f->n)
			return best != 0 ? &msg->items[best - 1] : NULL;
	}
	for (unsigned i = 0; i < msg->n_items; i++)
		if (msg->items[i].depth == 0 && ninep_filter_has(f, msg->items[i].field))
			return &msg->items[i];
	return NULL;
}
static inline uint64_t ninep_find_filter_uint(const struct ninep_msg *msg, const struct ninep_filter *f,
					      uint64_t absent)
{
	const struct ninep_item *it = ninep_find_filter(msg, f);
	return it ? it->value : absent;
}

/* The item's value as an unsigned integer (0 when absent). */
static inline uint64_t ninep_find_uint(const struct ninep_msg *msg, const char *filter, uint64_t absent)
{
	const struct ninep_item *it = ninep_find(msg, filter);
	return it ? it->value : absent;
}

const char *ninep_status_name(enum ninep_status status);

#endif
