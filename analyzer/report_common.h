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

/* Every request type's latencies merged (for one-line summaries). */
static inline void latency_all_requests(const struct figures *f, struct latency_hist *out)
{
	latency_init(out);
	for (unsigned i = 0; i < NINEP_REQUEST_SLOTS; i++)
		if (figures_latency(f, i) != NULL)
			latency_merge(out, figures_latency(f, i));
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
	}
	return "unknown";
}

#endif
