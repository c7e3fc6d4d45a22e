/*
 * Text that came from outside, written safely: file names and paths from
 * 9P messages, error strings from Rerror, the names of inputs.  A capture
 * is written by whoever was on the network, so none of it may reach a
 * terminal, a table or a parser raw.  Every writer of the analyzer goes
 * through here: the text report and compare (escape_text), CSV (csv.c,
 * escape_text then RFC 4180 quoting), HTML (escape_html) and JSON (json.c,
 * which has its own RFC 8259 rule but judges UTF-8 with
 * escape_utf8_length).
 *
 * The text rule, after tcpdump's (util-print.c shows every byte of a
 * name visibly, never raw), but with C-style hex escapes and UTF-8 kept:
 *   - printable ASCII (0x20 to 0x7e) is written as it is, except '\',
 *     which is written "\\";
 *   - a well-formed UTF-8 sequence (RFC 3629) is written as it is, except
 *     those that change how a terminal shows text: the C1 controls
 *     U+0080 to U+009F (U+009B is an 8-bit CSI to some terminals), the
 *     line and paragraph separators U+2028 and U+2029 and the
 *     bidirectional controls U+202A to U+202E and U+2066 to U+2069;
 *   - every other byte is written \xHH, two lower-case hex digits: the
 *     controls below 0x20 (tab, newline and ESC included), DEL (0x7f),
 *     each byte of a sequence that the last point keeps out, and each
 *     byte that is not part of a well-formed UTF-8 sequence (0xff, a
 *     Latin-1 0xe9, a sequence cut short).
 * So the output is valid UTF-8 with no control characters, one name stays
 * on one line, and nothing is lost: "\x1b" in the output is the byte ESC,
 * "\\x1b" the four characters \x1b.
 */
#ifndef NINEP_ANALYZER_ESCAPE_H
#define NINEP_ANALYZER_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

enum {
	ESCAPE_EXPANSION = 4, /* at most this many output bytes per input byte ("\xHH") */
};

/* Where escaped text goes: write(ctx, bytes, n). */
typedef void escape_write_fn(void *ctx, const char *s, size_t n);

/* The length of the well-formed UTF-8 sequence of two bytes or more that
 * starts at p[0..n) (RFC 3629, section 4), or 0 when there is none. */
size_t escape_utf8_length(const unsigned char *p, size_t n);

/* 1 when p[0..len), a well-formed sequence, is one of the characters that
 * change how a terminal shows text (C1, U+2028..U+202E, U+2066..U+2069). */
int escape_display_control(const unsigned char *p, size_t len);

/* 1 when the text rule writes s[0..len) unchanged (the common case). */
int escape_text_unchanged(const char *s, size_t len);

/* s[0..len) by the text rule, to write(ctx, ...). */
void escape_text_to(const char *s, size_t len, escape_write_fn *write, void *ctx);
/* ... to a stream, and the same for a NUL-terminated string. */
void escape_text(FILE *out, const char *s, size_t len);
void escape_text_str(FILE *out, const char *s);

/* s[0..len) for HTML text or an attribute value: the text rule, then
 * & < > " ' as &amp; &lt; &gt; &quot; &#39;. */
void escape_html(FILE *out, const char *s, size_t len);
/* Text this program wrote and already escaped (the text report shown in a
 * <pre>): its newlines and backslashes are its own and are kept; & < > "
 * ' become entities, and any other control or invalid byte is still
 * written \xHH, so the page is valid UTF-8 whatever it is given. */
void escape_html_preformatted(FILE *out, const char *s, size_t len);

#endif
