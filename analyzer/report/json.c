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

void json_write_string_n(FILE *out, const char *s, size_t len)
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
			if (n != 0 && !escape_display_control(p + i, n)) {
				i += n;
				continue;
			}
			if (n != 0) {
				/* The same character, but not raw on a terminal. */
				fwrite(p + run, 1, i - run, out);
				unsigned code = n == 2 ? (p[i] & 0x1fu) << 6 | (p[i + 1] & 0x3fu)
						       : (p[i] & 0x0fu) << 12 | (p[i + 1] & 0x3fu) << 6 | (p[i + 2] & 0x3fu);
				char u[6] = { '\\', 'u', hex[code >> 12], hex[(code >> 8) & 15], hex[(code >> 4) & 15],
					      hex[code & 15] };
				fwrite(u, 1, sizeof u, out);
				i += n;
				run = i;
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

void json_write_string(FILE *out, const char *s)
{
	json_write_string_n(out, s, strlen(s));
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
