#include "mumble.h"

#include "msg.h"

#include <string.h>

enum {
	MUMBLE_VERSION = 0x0100,
	MUMBLE_MACSZ = 20,
	MUMBLE_TIMESTAMP = 1704067200,
	MUMBLE_TTL = 3600,
	BASE64_IN = 3,
	BASE64_OUT = 4,
	BASE64_BITS = 6,
	BASE64_MASK = 0x3f,
	RECORD_CEILING = 4096,
};

const uint8_t mumble_demo_key[NINEP_SESSION_KEYSZ] = {0x4b, 0x45, 0x59, 0x2d, 0x30, 0x31, 0x32, 0x33};

static void base64(struct buf *out, const uint8_t *p, size_t n)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += BASE64_IN) {
		size_t k = n - i < BASE64_IN ? n - i : BASE64_IN;
		uint32_t v = (uint32_t)p[i] << 16;
		if (k > 1)
			v |= (uint32_t)p[i + 1] << 8;
		if (k > 2)
			v |= p[i + 2];
		for (size_t j = 0; j < BASE64_OUT; j++) {
			if (j <= k)
				buf_u8(out, (uint8_t)alphabet[(v >> (BASE64_BITS * (BASE64_OUT - 1 - j))) & BASE64_MASK]);
			else
				buf_u8(out, '=');
		}
	}
}

void mumble_write_data(struct buf *out, const uint8_t key[NINEP_SESSION_KEYSZ], const char *node, const char *group)
{
	static const char extra[] = "ttl-extra";
	struct buf rec;
	buf_init(&rec, RECORD_CEILING);
	buf_le16(&rec, MUMBLE_VERSION);
	for (uint8_t i = 0; i < MUMBLE_MACSZ; i++)
		buf_u8(&rec, (uint8_t)(0xa0 + i));
	buf_put(&rec, key, NINEP_SESSION_KEYSZ);
	buf_le32(&rec, MUMBLE_TIMESTAMP);
	buf_le32(&rec, MUMBLE_TTL);
	msg_str(&rec, node);
	msg_str(&rec, group);
	buf_le32(&rec, (uint32_t)strlen(extra));
	buf_put(&rec, extra, strlen(extra));

	buf_put(out, "MUMBLE:", strlen("MUMBLE:"));
	base64(out, rec.data, rec.len);
	buf_u8(out, ':');
	buf_free(&rec);
}
