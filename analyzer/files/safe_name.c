/*
 * The escaping of 9P names into paths below DIR (safe_name.h).
 *
 *   - An element keeps the printable ASCII bytes (0x20 to 0x7e) but '%';
 *     every other byte, and '%', becomes %XX (two upper-case hex digits):
 *     NUL, control bytes, ESC, DEL and bytes from 0x80 up never reach a
 *     file name, and decoding %XX gives back the 9P name's bytes.
 *   - An empty element is "%", "." is "%2E", ".." is "%2E%2E": a 9P path
 *     is canonical (the engine resolves them) but a hostile name could
 *     still spell one, and none may walk out of DIR.
 *   - An escaped element longer than SAFE_COMPONENT_MAX bytes is cut, at a
 *     whole %XX, and ends in "~" and the 16 hex digits of the FNV-1a 64
 *     hash of the whole element: two long names that share a start stay
 *     two files.
 *   - When the elements would make a path longer than SAFE_PATH_MAX, the
 *     elements that do not fit become one last element: their 9P path,
 *     '/' escaped as %2F, cut and hashed as above.
 *   - A name with no element at all ("/", the attach root read as a file)
 *     is "%2F".
 */
#include "files/safe_name.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ninep/engine.h" /* ninep_fnv1a64 */

enum {
	HASH_SUFFIX = 1 + 16, /* "~" and 16 hex digits */
	/* An escaped element is at most 3 bytes a byte; the elements that do
	 * not fit the path are escaped into this much, then cut. */
	ESCAPED_MAX = 3 * (SAFE_PATH_MAX + 4096 + 64),
};

static int kept_as_is(unsigned char b)
{
	return b >= 0x20 && b <= 0x7e && b != '%' && b != '/';
}

/* raw[0..len) escaped into out (room for 3 * len bytes); returns its length. */
static size_t escape(const unsigned char *raw, size_t len, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;
	if (len == 0) {
		out[n++] = '%';
		return n;
	}
	int dots = (len == 1 && raw[0] == '.') || (len == 2 && raw[0] == '.' && raw[1] == '.');
	for (size_t i = 0; i < len; i++) {
		if (kept_as_is(raw[i]) && !dots) {
			out[n++] = (char)raw[i];
		} else {
			out[n++] = '%';
			out[n++] = hex[raw[i] >> 4];
			out[n++] = hex[raw[i] & 0xf];
		}
	}
	return n;
}

/* An escaped element of `n` bytes cut to SAFE_COMPONENT_MAX, with the hash
 * of its raw bytes; returns its new length. */
static size_t shorten(char *esc, size_t n, const unsigned char *raw, size_t raw_len)
{
	if (n <= SAFE_COMPONENT_MAX)
		return n;
	size_t keep = SAFE_COMPONENT_MAX - HASH_SUFFIX;
	/* never cut inside a %XX */
	if (keep >= 1 && esc[keep - 1] == '%')
		keep -= 1;
	else if (keep >= 2 && esc[keep - 2] == '%')
		keep -= 2;
	char suffix[HASH_SUFFIX + 1];
	snprintf(suffix, sizeof suffix, "~%016llx", (unsigned long long)ninep_fnv1a64(raw, raw_len));
	memcpy(esc + keep, suffix, HASH_SUFFIX);
	return keep + HASH_SUFFIX;
}

size_t safe_relative_path(const char *name, size_t len, char *out, size_t cap)
{
	static char esc[ESCAPED_MAX];
	const unsigned char *raw = (const unsigned char *)name;
	size_t used = 0;
	size_t i = 0;
	if (cap <= SAFE_PATH_MAX)
		return 0;
	if (len > 0 && raw[0] == '/')
		i = 1; /* the root: DIR itself */
	while (i < len) {
		size_t end = i;
		while (end < len && raw[end] != '/')
			end++;
		size_t n = escape(raw + i, end - i, esc);
		n = shorten(esc, n, raw + i, end - i);
		size_t sep = used > 0;
		int last = end >= len;
		/* Room for this element and, unless it is the last, for one more. */
		size_t room_needed = used + sep + n + (last ? 0 : 1 + SAFE_COMPONENT_MAX);
		if (room_needed > SAFE_PATH_MAX) {
			/* the rest of the name, '/' and all, is one last element */
			size_t rest = len - i;
			if (rest > (ESCAPED_MAX / 3))
				rest = ESCAPED_MAX / 3;
			n = escape(raw + i, rest, esc);
			n = shorten(esc, n, raw + i, len - i);
			if (sep)
				out[used++] = '/';
			memcpy(out + used, esc, n);
			used += n;
			break;
		}
		if (sep)
			out[used++] = '/';
		memcpy(out + used, esc, n);
		used += n;
		i = end + 1;
	}
	if (used == 0) {
		memcpy(out, "%2F", 3);
		used = 3;
	}
	out[used] = '\0';
	return used;
}
