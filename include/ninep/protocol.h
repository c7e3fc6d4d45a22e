/*
 * 9P protocol description: named sizes, dialects, message numbers, and the
 * tables built from messages.def and fields.def.  Both tools read 9P only
 * through this header and decode.h.
 */
#ifndef NINEP_PROTOCOL_H
#define NINEP_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

/* Named wire sizes: a bare 13 never appears in code. */
enum {
	NINEP_BIT8SZ = 1,
	NINEP_BIT16SZ = 2,
	NINEP_BIT32SZ = 4,
	NINEP_BIT64SZ = 8,
	NINEP_QIDSZ = NINEP_BIT8SZ + NINEP_BIT32SZ + NINEP_BIT64SZ, /* 13 */
	NINEP_SIZESZ = NINEP_BIT32SZ,                                /* size[4] */
	NINEP_HDRSZ = NINEP_SIZESZ + NINEP_BIT8SZ + NINEP_BIT16SZ,   /* 7 */
	NINEP_MAXWELEM = 16, /* walk names (and qids) per message */
	NINEP_SESSION_KEYSZ = 8,
};

/*
 * Ceilings both tools apply to hostile input; not part of the protocol.
 * NINEP_FRAME_CEILING: the largest message either tool frames, whatever
 * msize a Rversion allows (a peer may agree to 4 GiB): a header claiming
 * more is not 9P, so a size field never makes a tool buffer more than this.
 * NINEP_PATH_MAX: the longest fid path either tool keeps.  A longer one is
 * cut to its first NINEP_PATH_MAX bytes followed by NINEP_PATH_TRUNCATED,
 * so a path is truncated exactly when it is longer than NINEP_PATH_MAX, and
 * names walked below a truncated path leave it as it is.
 */
enum {
	NINEP_FRAME_CEILING = 16 << 20,
	NINEP_PATH_MAX = 4096,
};
#define NINEP_PATH_TRUNCATED "[...]"

#define NINEP_NOTAG ((uint16_t)0xFFFF)
#define NINEP_NOFID ((uint32_t)0xFFFFFFFFu)

/* qid.type bits */
enum {
	NINEP_QTDIR = 0x80,
	NINEP_QTAPPEND = 0x40,
	NINEP_QTEXCL = 0x20,
	NINEP_QTMOUNT = 0x10,
	NINEP_QTAUTH = 0x08,
	NINEP_QTTMP = 0x04,
	NINEP_QTSYMLINK = 0x02,
	NINEP_QTFILE = 0x00,
};

/* Plan 9 open modes (Topen, Tcreate) */
enum {
	NINEP_OREAD = 0,
	NINEP_OWRITE = 1,
	NINEP_ORDWR = 2,
	NINEP_OEXEC = 3,
	NINEP_OMODE_MASK = 3,
	NINEP_OTRUNC = 0x10,
	NINEP_ORCLOSE = 0x40,
};

/* Plan 9 permission bits (Tcreate perm, stat mode) */
#define NINEP_DMDIR 0x80000000u
#define NINEP_DMAPPEND 0x40000000u
#define NINEP_DMEXCL 0x20000000u
#define NINEP_DMMOUNT 0x10000000u
#define NINEP_DMAUTH 0x08000000u
#define NINEP_DMTMP 0x04000000u
#define NINEP_DMSYMLINK 0x02000000u /* 9P2000.u */
#define NINEP_DMDEVICE 0x00800000u  /* 9P2000.u */
#define NINEP_DMNAMEDPIPE 0x00200000u
#define NINEP_DMSOCKET 0x00100000u
#define NINEP_DMSETUID 0x00080000u
#define NINEP_DMSETGID 0x00040000u

/* Dialects, as bits so a layout can belong to several. */
enum ninep_dialect {
	NINEP_DIALECT_9P2000 = 1u << 0,
	NINEP_DIALECT_U = 1u << 1, /* 9P2000.u */
	NINEP_DIALECT_L = 1u << 2, /* 9P2000.L */
	NINEP_DIALECT_E = 1u << 3, /* 9P2000.e */
};
#define NINEP_DIALECT_ANY                                                     \
	(NINEP_DIALECT_9P2000 | NINEP_DIALECT_U | NINEP_DIALECT_L | NINEP_DIALECT_E)

/* The dialect a Tversion/Rversion string names, or 0 if none ("unknown"). */
unsigned ninep_dialect_from_version(const char *version, size_t len);
/* "9P2000", "9P2000.u", ...; for a mask of several, "unknown". */
const char *ninep_dialect_name(unsigned dialect);

/* Message numbers: NINEP_Tversion = 100, NINEP_Rlerror = 7, ... */
enum ninep_message_type {
#define NINEP_MESSAGE(number, name) NINEP_##name = number,
#include "messages.def"
};

/* How a field is shown; see fields.def. */
enum ninep_shown_as {
	NINEP_SHOW_DEC,
	NINEP_SHOW_HEX,
	NINEP_SHOW_FID,
	NINEP_SHOW_TAG,
	NINEP_SHOW_STRING,
	NINEP_SHOW_BYTES,
	NINEP_SHOW_QID,
	NINEP_SHOW_OPEN_MODE,
	NINEP_SHOW_PERM,
	NINEP_SHOW_POSIX_MODE,
	NINEP_SHOW_OPEN_FLAGS,
	NINEP_SHOW_ERRNO,
	NINEP_SHOW_UNIXTIME,
	NINEP_SHOW_SESSION_KEY,
	NINEP_SHOW_LOCK_TYPE,
	NINEP_SHOW_LOCK_STATUS,
	NINEP_SHOW_ATTR_MASK,
	NINEP_SHOW_DIRENT_TYPE,
};

/* One row of fields.def. */
struct ninep_field {
	const char *key;    /* "fid", "Tlock.type", "stat.mode" */
	const char *filter; /* after "ninep.": "fid", "lock.type" */
	const char *label;
	enum ninep_shown_as shown_as;
};

/* How a layout element sits on the wire. */
enum ninep_wire {
	NINEP_WIRE_UINT,   /* size 1, 2, 4 or 8 */
	NINEP_WIRE_QID,    /* NINEP_QIDSZ bytes */
	NINEP_WIRE_FIXED,  /* size raw bytes */
	NINEP_WIRE_STRING, /* len[2] bytes */
	NINEP_WIRE_DATA,   /* raw bytes, length from an earlier field */
	NINEP_WIRE_STRUCT, /* a struct, length from an earlier field */
};

/* One element of a compiled layout. */
struct ninep_element {
	char name[24]; /* as spelled in the layout: "wname" */
	const struct ninep_field *field;
	enum ninep_wire wire;
	unsigned size;        /* UINT and FIXED: bytes */
	int length_from;      /* DATA, STRUCT: index of the length element */
	int repeat_from;      /* >= 0: repeated as often as that element says */
	const char *struct_name; /* STRUCT: "stat" */
};

enum { NINEP_MAXELEMENTS = 24 };

/* A layout: one row of messages.def, compiled. */
struct ninep_layout {
	unsigned number;   /* message type, or 0 for a struct */
	const char *name;  /* "Twalk", or the struct's name */
	unsigned dialects; /* NINEP_DIALECT_* bits */
	const char *text;  /* the row as written */
	unsigned n_elements;
	struct ninep_element elements[NINEP_MAXELEMENTS];
};

/*
 * Build the tables.  Idempotent; the decoder calls it on first use.  A row
 * of messages.def that does not compile is a programmer error: it aborts
 * with the row and the reason.
 */
void ninep_description_init(void);

/* "Twalk" for 110; NULL for a number no dialect defines. */
const char *ninep_message_name(unsigned type);
/* Where a message comes in the spec's order (doc/9p-wire.md, the order of
 * messages.def): Tversion 0, Rversion 1, ...; a number without a name
 * comes after every named one.  Reports list messages in this order. */
unsigned ninep_message_rank(unsigned type);
/* The message number for a name, or -1. */
int ninep_message_number(const char *name);
/* The dialects that define a message type (0: unknown type). */
unsigned ninep_message_dialects(unsigned type);
/* Requests have even numbers, replies are request + 1. */
static inline int ninep_is_request(unsigned type) { return (type & 1) == 0; }

/* The layouts of a message type in order, or of a struct by name. */
size_t ninep_layouts_of(unsigned type, const struct ninep_layout **out, size_t max);
size_t ninep_struct_layouts(const char *name, const struct ninep_layout **out, size_t max);

/* Iteration over the whole description (unit tests, field registration). */
size_t ninep_layout_count(void);
const struct ninep_layout *ninep_layout_at(size_t i);
size_t ninep_field_count(void);
const struct ninep_field *ninep_field_at(size_t i);
/* The registry row for a key, or NULL. */
const struct ninep_field *ninep_field_by_key(const char *key);
/* All message numbers, ascending. */
size_t ninep_message_numbers(unsigned *out, size_t max);

/* "ENOENT" for 2; NULL for numbers without a name. */
const char *ninep_errno_name(uint32_t errnum);

#endif
