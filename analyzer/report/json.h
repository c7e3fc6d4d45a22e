/*
 * JSON output: the one string writer behind every JSON document the
 * analyzer prints (report --json, its chattiness section, compare --json).
 * Keys and fixed names (message names, kinds, "fin") are ASCII written by
 * the reports themselves; anything that came from outside (file names,
 * paths, error texts, endpoints) goes through json_write_string.
 *
 * A string is written between quotes (RFC 8259, section 7) so that any
 * bytes make valid JSON and valid UTF-8:
 *   - '"' and '\' as \" and \\;
 *   - backspace, form feed, line feed, carriage return and tab as \b \f \n
 *     \r \t; every other byte below 0x20, and 0x7f (DEL), as \u00xx;
 *   - a well-formed UTF-8 sequence (RFC 3629: shortest form, no surrogate,
 *     at most U+10FFFF) as it is, but for the characters that change how a
 *     terminal shows text (escape.h: C1 controls, U+2028 to U+202E, U+2066
 *     to U+2069), written \uxxxx: the same character once parsed;
 *   - every other byte from 0x80 up (a stray continuation byte, 0xc0, 0xc1,
 *     0xf5 to 0xff, a lead byte whose sequence is cut short, overlong, a
 *     surrogate or beyond U+10FFFF) as \u00xx, one escape per byte: the
 *     byte read as Latin-1.  A sequence is judged from its lead byte; when
 *     it is invalid only the lead byte is escaped, and what follows is
 *     judged afresh.
 * Hex digits are lower case.  (escape.c judges UTF-8 for every writer;
 * the text, CSV and HTML writers escape such bytes as \xHH instead.)
 * So a Latin-1 file name reads as it was meant, and once parsed an
 * invalid byte 0xe9 (written \u00e9) cannot be told from a real U+00E9,
 * "é" (written as its two UTF-8 bytes): the price of printing nothing but
 * valid Unicode.  The README's JSON section says the same for users.
 */
#ifndef NINEP_ANALYZER_JSON_H
#define NINEP_ANALYZER_JSON_H

#include <stddef.h>
#include <stdio.h>

/* s[0..len) as a JSON string, quotes included; a NUL byte is \u0000. */
void json_write_string_n(FILE *out, const char *s, size_t len);
/* The same for a NUL-terminated string. */
void json_write_string(FILE *out, const char *s);
/* A document written by the reports, on one line ending in a newline (for
 * NDJSON): each line break goes with the indentation after it.  A string
 * never holds a raw line break (json_write_string escapes it), so only layout
 * goes. */
void json_one_line(FILE *out, const char *doc, size_t len);

#endif
