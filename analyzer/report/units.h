/*
 * Times as the text reports show them: one unit per table or column,
 * chosen from its largest value (us below a millisecond, ms below a
 * second, s above), written in the header ("Latency by request (ms)"),
 * and never more digits than the capture's timestamps have: a capture of
 * whole microseconds shows no digit below 1 us.  The rule is stated for
 * readers in ninep(1), "Units".  JSON keeps integer nanoseconds.
 *
 * html.c may use it too: nothing here is text-report specific.
 */
#ifndef NINEP_ANALYZER_REPORT_UNITS_H
#define NINEP_ANALYZER_REPORT_UNITS_H

#include <stddef.h>
#include <stdint.h>

struct analysis;

/* A unit of time: its name and its size in nanoseconds. */
struct time_unit {
	const char *name; /* "us", "ms", "s" */
	uint64_t ns;
};

/* The finest step of the capture's timestamps, in ns: 1000 when every
 * timestamp it read is a whole microsecond (a classic pcap; a pcapng of
 * if_tsresol 6), else 1. */
uint64_t units_resolution_ns(const struct analysis *a);

/* The unit for a table or column whose largest value is max_ns. */
struct time_unit units_pick(uint64_t max_ns);

/* ns in `unit`, with as many decimals as the resolution allows, at most 3:
 * "12.345" (ms of a microsecond capture), "118" (us of one). */
void units_format(char *buf, size_t size, uint64_t ns, struct time_unit unit, uint64_t resolution_ns);

/* units_format with the unit's name after it: "12.345 ms"; the unit is
 * chosen from ns itself (a figure on its own line). */
void units_format_alone(char *buf, size_t size, uint64_t ns, uint64_t resolution_ns);

#endif
