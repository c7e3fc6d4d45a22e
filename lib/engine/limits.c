/*
 * The one message-size limit, and finding 9P in a byte stream by content.
 *
 * A message is plausible for a direction when its size is at least a
 * header and within the limit (the agreed msize, or before Rversion
 * NINEP_MSIZE_UNKNOWN_MAX), its type is a request from the client or a
 * reply from the server, and some dialect in play defines the type.  Both
 * tools find 9P on any TCP port the same way (ninep_detect): a whole
 * message that decodes exactly, followed by nothing or by another
 * plausible header.  Once framing is sure of a boundary, a header that is
 * 9P in any dialect makes a message, conforming or not
 * (ninep_decode_conforming).
 */
#include "engine_internal.h"

#include <string.h>

int ninep_plausible_header(const uint8_t *buf, size_t len, uint32_t max_size, unsigned dialects, int requests)
{
	if (len < NINEP_HDRSZ)
		return 0;
	uint32_t size = ninep_get32(buf);
	unsigned type = buf[NINEP_SIZESZ];
	if (size < NINEP_HDRSZ || size > max_size)
		return 0;
	if (ninep_is_request(type) != requests)
		return 0;
	return (ninep_message_dialects(type) & dialects) != 0;
}

int ninep_plausible_message(const uint8_t *buf, size_t len, uint32_t max_size, unsigned dialects, int requests,
			    uint32_t *size, struct ninep_msg *scratch)
{
	if (!ninep_plausible_header(buf, len, max_size, dialects, requests))
		return 0;
	*size = ninep_get32(buf);
	if (len < *size)
		return 0;
	return ninep_decode(buf, *size, dialects, scratch) == NINEP_OK;
}

enum ninep_detect ninep_detect(const uint8_t *buf, size_t len, int *requests, uint32_t *size)
{
	struct ninep_msg msg;
	if (len < NINEP_HDRSZ)
		return NINEP_DETECT_NO;
	int r = ninep_is_request(buf[NINEP_SIZESZ]);
	if (!ninep_plausible_header(buf, len, NINEP_MSIZE_UNKNOWN_MAX, NINEP_DIALECT_ANY, r))
		return NINEP_DETECT_NO;
	*requests = r;
	*size = ninep_get32(buf);
	if (len < *size) {
		enum ninep_status head = ninep_decode_head(buf, len, NINEP_DIALECT_ANY, &msg);
		if (head == NINEP_OK)
			return NINEP_DETECT_HEAD;
		return head == NINEP_INCOMPLETE ? NINEP_DETECT_MORE : NINEP_DETECT_NO;
	}
	if (ninep_decode(buf, *size, NINEP_DIALECT_ANY, &msg) != NINEP_OK)
		return NINEP_DETECT_NO;
	size_t after = len - *size;
	if (after >= NINEP_HDRSZ &&
	    !ninep_plausible_header(buf + *size, after, NINEP_MSIZE_UNKNOWN_MAX, NINEP_DIALECT_ANY, r))
		return NINEP_DETECT_NO;
	return NINEP_DETECT_YES;
}

int ninep_fills_cut_packet(const uint8_t *buf, size_t captured, uint64_t packet_len, uint32_t max_size,
			   unsigned dialects, int *requests)
{
	if (captured < NINEP_HDRSZ || ninep_get32(buf) != packet_len)
		return 0;
	*requests = ninep_is_request(buf[NINEP_SIZESZ]);
	return ninep_plausible_header(buf, captured, max_size, dialects, *requests);
}

/* m keeps the message's header and the decoder's problem, nothing else. */
static void header_only(const uint8_t *buf, struct ninep_msg *m)
{
	const char *problem = m->problem, *field = m->problem_field;
	uint32_t at = m->problem_offset;
	memset(m, 0, sizeof *m);
	m->size = ninep_get32(buf);
	m->type = buf[NINEP_SIZESZ];
	m->tag = ninep_get16(buf + NINEP_SIZESZ + NINEP_BIT8SZ);
	m->problem = problem;
	m->problem_field = field;
	m->problem_offset = at;
}

enum ninep_conformance ninep_decode_conforming(const uint8_t *buf, uint32_t size, unsigned dialects,
					       struct ninep_msg *m)
{
	if (ninep_decode(buf, size, dialects, m) == NINEP_OK)
		return NINEP_CONFORMS;
	if (dialects != NINEP_DIALECT_ANY && ninep_decode(buf, size, NINEP_DIALECT_ANY, m) == NINEP_OK)
		return NINEP_OTHER_DIALECT;
	header_only(buf, m);
	return NINEP_NONCONFORMING;
}

void ninep_decode_captured(const uint8_t *buf, uint32_t have, unsigned dialects, struct ninep_msg *m)
{
	if (ninep_decode_head(buf, have, dialects, m) != NINEP_OK)
		header_only(buf, m);
}
