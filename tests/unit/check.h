/*
 * The unit tests' one assertion: count, report the failing expression with
 * its place and a formatted reason, and keep going so one run shows every
 * failure.  Each test ends with check_summary(), which prints
 * "N passed, M failed" and gives the process status.
 */
#ifndef NINEP_UNIT_CHECK_H
#define NINEP_UNIT_CHECK_H

#include <stdarg.h>
#include <stdio.h>

static unsigned check_passed;
static unsigned check_failed;

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int check_at(int ok, const char *file, int line, const char *fmt, ...)
{
	if (ok) {
		check_passed++;
		return 1;
	}
	check_failed++;
	fprintf(stderr, "%s:%d: FAIL: ", file, line);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 0;
}

/* CHECK(condition, "printf format", args...): returns whether it held. */
#define CHECK(cond, ...) check_at((cond) ? 1 : 0, __FILE__, __LINE__, __VA_ARGS__)

/* A program that checked nothing has tested nothing: that fails too. */
static int check_summary(void)
{
	printf("%u passed, %u failed\n", check_passed, check_failed);
	if (check_passed + check_failed == 0)
		printf("FAIL: no check ran\n");
	return check_failed == 0 && check_passed > 0 ? 0 : 1;
}

#endif
