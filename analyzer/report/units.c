/*
 * Time units of the text reports (units.h).
 */
#include "report/units.h"

#include <stdio.h>

#include "analysis.h"

enum {
	NS_PER_US = 1000,
	NS_PER_MS = 1000000,
	NS_PER_S = 1000000000,
	MAX_DECIMALS = 3, /* a figure is read, not audited: 3 digits after the point are enough */
};

uint64_t units_resolution_ns(const struct analysis *a)
{
	return a->ts_sub_microsecond ? 1 : NS_PER_US;
}

struct time_unit units_pick(uint64_t max_ns)
{
	if (max_ns >= NS_PER_S)
		return (struct time_unit){ "s", NS_PER_S };
	if (max_ns >= NS_PER_MS)
		return (struct time_unit){ "ms", NS_PER_MS };
	return (struct time_unit){ "us", NS_PER_US };
}

void units_format(char *buf, size_t size, uint64_t ns, struct time_unit unit, uint64_t resolution_ns)
{
	/* decimals: how many powers of ten the resolution lies below the unit */
	unsigned decimals = 0;
	uint64_t step = unit.ns;
	while (decimals < MAX_DECIMALS && step / 10 >= resolution_ns && step % 10 == 0) {
		step /= 10;
		decimals++;
	}
	/* rounded to the nearest step, in integers (no binary fractions) */
	uint64_t steps = (ns + step / 2) / step;
	uint64_t per_unit = unit.ns / step;
	if (decimals == 0)
		snprintf(buf, size, "%llu", (unsigned long long)steps);
	else
		snprintf(buf, size, "%llu.%0*llu", (unsigned long long)(steps / per_unit), (int)decimals,
			 (unsigned long long)(steps % per_unit));
}

void units_format_alone(char *buf, size_t size, uint64_t ns, uint64_t resolution_ns)
{
	struct time_unit unit = units_pick(ns);
	char number[48];
	units_format(number, sizeof number, ns, unit, resolution_ns);
	snprintf(buf, size, "%s %s", number, unit.name);
}
