/*
 * JSON strings for any bytes (the rule is in json.h).
 */
#include "report/json.h"

#include <string.h>

/* The length of the well-formed UTF-8 sequence of two bytes or more that
 * starts at p (RFC 3629, section 4), or 0 when there is none. */
static size_t utf8_sequence(const unsigned char *p, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf; /* the range of the second byte */
	size_t len;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		if (p[0] == 0xe0)
			lo = 0xa0; /* overlong below */
		else if (p[0] == 0xed)
			hi = 0x9f; /* surrogates above */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		if (p[0] == 0xf0)
			lo = 0x90; /* overlong below */
		else if (p[0] == 0xf4)
			hi = 0x8f; /* beyond U+10FFFF above */
	} else {
		return 0;
	}
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

/* The two-character escape of a control byte, or 0 when it has none. */
static char short_escape(unsigned char c)
{
	switch (c) {
	case '\b':
		return 'b';
	case '\f':
		return 'f';
	case '\n':
		return 'n';
	case '\r':
		return 'r';
	case '\t':
		return 't';
	}
	return 0;
}

void json_string_n(FILE *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0; /* p[run..i) is written as it is, once something must be escaped */
	fputc('"', out);
	while (i < len) {
		unsigned char c = p[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80) {
			size_t n = utf8_sequence(p + i, len - i);
			if (n != 0) {
				i += n;
				continue;
			}
		}
		fwrite(p + run, 1, i - run, out);
		if (c == '"' || c == '\\') {
			fputc('\\', out);
			fputc(c, out);
		} else if (short_escape(c) != 0) {
			fputc('\\', out);
			fputc(short_escape(c), out);
		} else {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			fwrite(u, 1, sizeof u, out);
		}
		i++;
		run = i;
	}
	fwrite(p + run, 1, i - run, out);
	fputc('"', out);
}

void json_string(FILE *out, const char *s)
{
	json_string_n(out, s, strlen(s));
}

void json_one_line(FILE *out, const char *doc, size_t len)
{
	size_t i = 0;
	while (i < len) {
		if (doc[i] == '\n') {
			for (i++; i < len && doc[i] == ' '; i++)
				;
			continue;
		}
		size_t start = i;
		while (i < len && doc[i] != '\n')
			i++;
		fwrite(doc + start, 1, i - start, out);
	}
	fputc('\n', out);
}
