/*
 * Escaping text from outside (the rules are in escape.h).
 */
#include "report/escape.h"

#include <string.h>

size_t escape_utf8_length(const unsigned char *p, size_t n)
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

/* A well-formed sequence of a character that changes how a terminal shows
 * what follows: C1 controls (U+0080..U+009F: C2 80..C2 9F), U+2028..U+202E
 * (E2 80 A8..AE: separators and bidirectional embeddings and overrides),
 * U+2066..U+2069 (E2 81 A6..A9: bidirectional isolates). */
int escape_display_control(const unsigned char *p, size_t len)
{
	if (len == 2)
		return p[0] == 0xc2 && p[1] <= 0x9f;
	if (len == 3 && p[0] == 0xe2 && p[1] == 0x80)
		return p[2] >= 0xa8 && p[2] <= 0xae;
	if (len == 3 && p[0] == 0xe2 && p[1] == 0x81)
		return p[2] >= 0xa6 && p[2] <= 0xa9;
	return 0;
}

/* How many bytes at p[0..n) the text rule writes as they are: 1 for
 * printable ASCII but '\', a whole well-formed sequence of a character
 * that is shown, or 0 when the byte at p must be escaped. */
static size_t kept(const unsigned char *p, size_t n)
{
	if (p[0] >= 0x20 && p[0] < 0x7f)
		return p[0] != '\\';
	if (p[0] < 0x80)
		return 0;
	size_t len = escape_utf8_length(p, n);
	return len != 0 && !escape_display_control(p, len) ? len : 0;
}

int escape_text_unchanged(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		size_t k = kept(p + i, len - i);
		if (k == 0)
			return 0;
		i += k;
	}
	return 1;
}

/* The escape of the byte c: "\\" or "\xHH". */
static size_t byte_escape(unsigned char c, char out[ESCAPE_EXPANSION])
{
	static const char hex[] = "0123456789abcdef";
	out[0] = '\\';
	if (c == '\\') {
		out[1] = '\\';
		return 2;
	}
	out[1] = 'x';
	out[2] = hex[c >> 4];
	out[3] = hex[c & 15];
	return 4;
}

void escape_text_to(const char *s, size_t len, escape_write_fn *write, void *ctx)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0; /* p[run..i) is kept, written when an escape comes */
	while (i < len) {
		size_t k = kept(p + i, len - i);
		if (k > 0) {
			i += k;
			continue;
		}
		if (i > run)
			write(ctx, s + run, i - run);
		char e[ESCAPE_EXPANSION];
		write(ctx, e, byte_escape(p[i], e));
		run = ++i;
	}
	if (i > run)
		write(ctx, s + run, i - run);
}

static void to_file(void *ctx, const char *s, size_t n)
{
	fwrite(s, 1, n, (FILE *)ctx);
}

void escape_text(FILE *out, const char *s, size_t len)
{
	escape_text_to(s, len, to_file, out);
}

void escape_text_str(FILE *out, const char *s)
{
	escape_text(out, s, strlen(s));
}

/* Text that is already safe bytes, with HTML's five specials as entities. */
static void html_entities(void *ctx, const char *s, size_t n)
{
	FILE *out = ctx;
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		const char *entity;
		switch (s[i]) {
		case '&': entity = "&amp;"; break;
		case '<': entity = "&lt;"; break;
		case '>': entity = "&gt;"; break;
		case '"': entity = "&quot;"; break;
		case '\'': entity = "&#39;"; break;
		default: continue;
		}
		fwrite(s + run, 1, i - run, out);
		fputs(entity, out);
		run = i + 1;
	}
	fwrite(s + run, 1, n - run, out);
}

void escape_html(FILE *out, const char *s, size_t len)
{
	escape_text_to(s, len, html_entities, out);
}

void escape_html_preformatted(FILE *out, const char *s, size_t len)
{
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '\n' && s[i] != '\\')
			continue;
		/* s[start..i) has no newline and no backslash: the text rule
		 * changes nothing in it unless it holds a stray control or
		 * invalid byte, which it then escapes. */
		escape_text_to(s + start, i - start, html_entities, out);
		if (i < len)
			html_entities(out, s + i, 1);
		start = i + 1;
	}
}
