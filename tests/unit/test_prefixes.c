/*
 * unit.prefixes: every strict prefix of every message vector is
 * NINEP_INCOMPLETE, never OK and never MALFORMED (a short read is not a bad
 * message), and ninep_frame agrees.  Each prefix is a heap copy of exactly
 * that many bytes, so that AddressSanitizer sees any read past it.
 */
#include "check.h"
#include "vectors.h"

#include <ninep/decode.h>

#include <stdlib.h>
#include <string.h>

static const unsigned dialect_sets[] = { NINEP_DIALECT_9P2000, NINEP_DIALECT_U, NINEP_DIALECT_L, NINEP_DIALECT_E,
					 NINEP_DIALECT_ANY };
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static uint8_t *copy_of(const uint8_t *bytes, size_t len)
{
	uint8_t *copy = malloc(len > 0 ? len : 1);
	if (copy == NULL) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	memcpy(copy, bytes, len);
	return copy;
}

static void check_message_prefixes(const struct vector *v)
{
	for (size_t d = 0; d < COUNT(dialect_sets); d++) {
		unsigned dialects = dialect_sets[d];
		if ((v->dialects & dialects) == 0)
			continue;
		for (size_t len = 0; len < v->len; len++) {
			uint8_t *prefix = copy_of(v->bytes, len);
			struct ninep_msg msg;
			enum ninep_status status = ninep_decode(prefix, len, dialects, &msg);
			CHECK(status == NINEP_INCOMPLETE, "%s in %s: %zu of %zu bytes: %s (%s)", v->label,
			      ninep_dialect_name(dialects), len, v->len, ninep_status_name(status),
			      msg.problem ? msg.problem : "");
			uint32_t size = 0;
			enum ninep_status framed = ninep_frame(prefix, len, 0, &size);
			CHECK(framed == NINEP_INCOMPLETE, "%s: ninep_frame on %zu bytes: %s", v->label, len,
			      ninep_status_name(framed));
			if (len >= NINEP_SIZESZ)
				CHECK(size == v->len, "%s: ninep_frame on %zu bytes gives size %u", v->label, len, size);
			/* A limit at the message's size still lets it through. */
			framed = ninep_frame(prefix, len, (uint32_t)v->len, &size);
			CHECK(framed == NINEP_INCOMPLETE, "%s: ninep_frame(max %zu) on %zu bytes: %s", v->label,
			      v->len, len, ninep_status_name(framed));
			free(prefix);
		}
	}
}

/*
 * Records live inside a complete message, so a record cut short is a
 * record that contradicts its container; the decoder says INCOMPLETE for a
 * stat (whose own size field is there to say more is needed) and MALFORMED
 * for the others.  Either way never OK.
 */
static void check_record_prefixes(const struct vector *v)
{
	unsigned dialects = v->dialects;
	struct ninep_msg msg;
	memset(&msg, 0, sizeof msg);
	size_t first_len = 0;
	if (!CHECK(ninep_decode_struct(v->record, v->bytes, v->len, dialects, 0, &msg, &first_len) == NINEP_OK,
		   "%s: whole record", v->label))
		return;
	unsigned incomplete = 0, malformed = 0;
	for (size_t len = 0; len < first_len; len++) {
		uint8_t *prefix = copy_of(v->bytes, len);
		size_t used = 0;
		msg.n_items = 0;
		enum ninep_status status = ninep_decode_struct(v->record, prefix, len, dialects, 0, &msg, &used);
		CHECK(status == NINEP_INCOMPLETE || status == NINEP_MALFORMED, "%s: %zu of %zu bytes: %s", v->label,
		      len, first_len, ninep_status_name(status));
		incomplete += status == NINEP_INCOMPLETE;
		malformed += status == NINEP_MALFORMED;
		free(prefix);
	}
	printf("note: prefixes of record %s: %u incomplete, %u malformed\n", v->label, incomplete, malformed);
}

int main(void)
{
	for (size_t i = 0; i < unit_vector_count; i++) {
		if (unit_vectors[i].record == NULL)
			check_message_prefixes(&unit_vectors[i]);
		else
			check_record_prefixes(&unit_vectors[i]);
	}
	return check_summary();
}
