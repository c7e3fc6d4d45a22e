/*
 * What the benchmark's capture generators (gen_bench_capture,
 * gen_short_connections, gen_workloads) share: the fixed-seed PRNG and the
 * command line.  Each generator is one source file, so the PRNG's state is
 * this header's own static variable.
 *
 * The command line of every generator: options that take a value
 * (`--name VALUE`, a count or a word), in any order, and one output path
 * ("-" for standard output).  Anything else starting with '-' is the
 * generator's usage.
 */
#ifndef NINEP_BENCH_GEN_COMMON_H
#define NINEP_BENCH_GEN_COMMON_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- deterministic randomness --------------------------------------------- */
static uint64_t prng_state = 0x9e3779b97f4a7c15ull;

/* xorshift64*: fast, and the same sequence on every machine. */
static inline uint64_t prng_next(void)
{
	prng_state ^= prng_state >> 12;
	prng_state ^= prng_state << 25;
	prng_state ^= prng_state >> 27;
	return prng_state * 0x2545f4914f6cdd1dull;
}

/* 0 .. bound - 1 (bound > 0), from the high half, the better bits. */
static inline uint32_t prng_below(uint32_t bound)
{
	return (uint32_t)((prng_next() >> 32) % bound);
}

/* ---- the command line ----------------------------------------------------- */
/* One option that takes a value: exactly one of count and word is set. */
struct gen_option {
	const char *name;  /* "--packets" */
	uint64_t *count;   /* a decimal count */
	const char **word; /* a word, as given */
	int *given;        /* set to 1 when the option is on the line; may be NULL */
};

/* A decimal count, or a message naming the option and exit status 2. */
static inline uint64_t gen_parse_count(const char *program, const char *s, const char *what)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || s[0] == '-') {
		fprintf(stderr, "%s: bad number for %s: '%s'\n", program, what, s);
		exit(2);
	}
	return v;
}

/* Reads argv into the options (a table ending with a NULL name) and
 * returns the output path; calls usage (which must not return) on an
 * unknown option, an option without its value, a second path or none. */
static inline const char *gen_parse_command_line(const char *program, int argc, char **argv,
						 const struct gen_option *options, void (*usage)(void))
{
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		const struct gen_option *o = options;
		while (o->name != NULL && strcmp(argv[i], o->name) != 0)
			o++;
		if (o->name != NULL && i + 1 < argc) {
			i++;
			if (o->count != NULL)
				*o->count = gen_parse_count(program, argv[i], o->name);
			else
				*o->word = argv[i];
			if (o->given != NULL)
				*o->given = 1;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			usage();
		} else if (path == NULL) {
			path = argv[i];
		} else {
			usage();
		}
	}
	if (path == NULL)
		usage();
	return path;
}

#endif
