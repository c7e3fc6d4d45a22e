/*
 * Small helpers both reports use.
 */
#ifndef NINEP_ANALYZER_REPORT_COMMON_H
#define NINEP_ANALYZER_REPORT_COMMON_H

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
