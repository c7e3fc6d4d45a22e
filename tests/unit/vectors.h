/*
 * Hand-made byte vectors: one or more for every message of every dialect in
 * which it exists, and for the records nested in messages, each with the
 * items the decoder must report.  Shared by unit.vectors (field by field),
 * unit.prefixes (every strict prefix) and unit.corruption (bytes to break).
 *
 * The bytes are written out by hand from doc/9p-wire.md, never
 * produced from messages.def; the LE16/LE32/LE64 macros only split a number
 * into little-endian bytes (vectors.c pins their byte order with vectors
 * written in plain hex).
 */
#ifndef NINEP_UNIT_VECTORS_H
#define NINEP_UNIT_VECTORS_H

#include <stddef.h>
#include <stdint.h>

enum want_kind {
	WANT_UINT,   /* an integer: length is its size, value its value */
	WANT_STRING, /* a string: length 2 + strlen(text), bytes = text */
	WANT_QID,    /* a qid: 13 bytes */
	WANT_BYTES,  /* raw bytes: length bytes, equal to text when not NULL */
	WANT_RECORD, /* a nested record: its fields follow, one level deeper */
};

/* One item the decoder must report; offsets follow from the lengths. */
struct want {
	enum want_kind kind;
	const char *filter;
	uint32_t length;
	uint64_t value;
	const char *text;
	uint8_t qid_type;
	uint32_t qid_version;
	uint64_t qid_path;
};

struct vector {
	const char *label;
	unsigned dialects;  /* exactly the dialects in which it decodes */
	const char *record; /* NULL: a message; else a struct name, decoded
			     * record after record with ninep_decode_struct */
	const uint8_t *bytes;
	size_t len;
	const struct want *want;
	size_t n_want;
};

extern const struct vector unit_vectors[];
extern const size_t unit_vector_count;

/* The vector with this label, or NULL. */
const struct vector *unit_vector(const char *label);

#endif
