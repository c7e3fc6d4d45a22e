/*
 * JSON strings for any bytes (the rule is in json.h).
 */
#include "report/json.h"
#include "report/escape.h"

#include <string.h>

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
			size_t n = escape_utf8_length(p + i, len - i);
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
