/*
 * Small helpers both reports use.
 */
#ifndef NINEP_ANALYZER_REPORT_COMMON_H
#define NINEP_ANALYZER_REPORT_COMMON_H

#include <stdlib.h>

#include "analysis.h"

/* "Twalk", or "type-200" for a number without a name. */
static inline const char *message_label(unsigned type, char buf[16])
{
	const char *name = ninep_message_name(type);
	if (name != NULL)
		return name;
	snprintf(buf, 16, "type-%u", type);
	return buf;
}

static int by_protocol_order(const void *x, const void *y)
{
	unsigned a = ninep_message_rank(*(const unsigned *)x), b = ninep_message_rank(*(const unsigned *)y);
	return a < b ? -1 : a > b;
}

/* The request numbers (every even number below NINEP_TYPES; a slot of
 * figures_latency is number / 2) in the spec's order, ninep_message_rank:
 * Tversion, Tauth, Tattach, Tflush, Twalk, ..., then the additions of each
 * dialect, then numbers without a name.  Fills out[NINEP_TYPES / 2]. */
static inline void requests_in_protocol_order(unsigned out[NINEP_TYPES / 2])
{
	for (unsigned i = 0; i < NINEP_TYPES / 2; i++)
		out[i] = i * 2;
	qsort(out, NINEP_TYPES / 2, sizeof out[0], by_protocol_order);
}

static inline const char *close_reason_name(enum close_reason r)
{
	switch (r) {
	case CLOSE_FIN:
		return "fin";
	case CLOSE_RST:
		return "rst";
	case CLOSE_REUSED:
		return "reused";
	case CLOSE_END_OF_CAPTURE:
		return "end-of-capture";
	case CLOSE_LIMIT:
		return "limit";
	case CLOSE_IDLE:
		return "idle";
	}
	return "unknown";
}

#endif
