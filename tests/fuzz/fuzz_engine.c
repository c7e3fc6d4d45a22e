/*
 * Fuzz target: byte streams in both directions of two 9P conversations,
 * through the shared engine (include/ninep/engine.h), as the tools drive it.
 *
 * The input is a series of records: one byte h, then up to 64 bytes of
 * stream.  Bit 0 of h is the direction (0: client to server), bit 1 the
 * conversation (two, sharing their 9P2000.e sessions, so Tsession can
 * resume one in the other), bits 2-7 the length - 1.  Each direction is
 * framed like the tools frame it: a plausible header for the direction
 * within the conversation's limit starts a message, anything else is
 * skipped a byte at a time; a whole message is decoded in the
 * conversation's dialects and handed over (with only its header when it
 * does not decode).  Every other message asks for the facts (the plugin
 * does, the analyzer does not).
 *
 * The engine's promises, checked here (abort on a broken one): every path
 * it reports is canonical (starts with '/', "(unknown)" or "(auth)"; no
 * empty, "." or ".." element; at most NINEP_PATH_MAX bytes and the
 * truncation marker); each request is answered, dropped or left
 * outstanding at most once; and nothing leaks (ASan at exit).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ninep/engine.h"

enum { RECORD_MAX = 64, STREAM_MAX = 1 << 16, CONVS = 2, COOKIES = 4096 };

static uint8_t ended[COOKIES]; /* per request cookie: answered or dropped */

static void bad_path(const char *p, size_t len, const char *why)
{
	fprintf(stderr, "fuzz_engine: path \"%.*s\": %s\n", (int)len, p, why);
	abort();
}

/* Whether p starts with the spelling `root` of a root nobody named. */
static int starts_with(const char *p, size_t len, const char *root)
{
	size_t n = strlen(root);
	return len >= n && memcmp(p, root, n) == 0 && (len == n || p[n] == '/');
}

static void check_path(const char *p, size_t len)
{
	if (len == 0)
		return;
	if (len > NINEP_PATH_MAX + sizeof NINEP_PATH_TRUNCATED - 1)
		bad_path(p, len, "longer than the limit");
	size_t at;
	if (p[0] == '/')
		at = 1;
	else if (starts_with(p, len, NINEP_PATH_UNKNOWN))
		at = sizeof NINEP_PATH_UNKNOWN - 1;
	else if (starts_with(p, len, NINEP_PATH_AUTH))
		at = sizeof NINEP_PATH_AUTH - 1; /* a walk from an auth fid: a server refuses it */
	else
		bad_path(p, len, "starts with neither '/' nor a root nobody named");
	int cut = len > NINEP_PATH_MAX;
	if (cut)
		len = NINEP_PATH_MAX; /* its last element may be cut anywhere: not checked */
	/* after the root: elements separated by single '/' */
	if (at < len && p[at] == '/')
		at++;
	size_t start = at;
	for (size_t i = at; i < len || (i == len && !cut); i++) {
		if (i < len && p[i] != '/')
			continue;
		size_t n = i - start;
		if (n == 0 && !(i == len && start == len))
			bad_path(p, len, "an empty element");
		if ((n == 1 && p[start] == '.') || (n == 2 && p[start] == '.' && p[start + 1] == '.'))
			bad_path(p, len, "a . or .. element");
		start = i + 1;
	}
}

static void request_ends(const struct ninep_request *r)
{
	if (r->cookie >= COOKIES)
		return;
	if (ended[r->cookie])
		abort(); /* answered or dropped twice */
	ended[r->cookie] = 1;
}

static void on_request(void *ctx, struct ninep_request *r, const uint8_t *msg, const struct ninep_msg *m)
{
	(void)ctx;
	(void)msg;
	(void)m;
	check_path(slot_text(&r->head), r->head.text_len);
}

static void on_exchange(void *ctx, const struct ninep_request *r, const struct ninep_reply *reply)
{
	(void)ctx;
	if (reply->decoded->tag != (uint16_t)r->head.key)
		abort(); /* a reply answers a request with its own tag */
	request_ends(r);
}

static void on_dropped(void *ctx, const struct ninep_request *r, enum ninep_drop why, const struct ninep_request *by)
{
	(void)ctx;
	if (why == NINEP_DROP_FLUSHED && (by == NULL || by->type != NINEP_Tflush))
		abort();
	request_ends(r);
}

static const struct ninep_hooks hooks = { .request = on_request, .exchange = on_exchange, .dropped = on_dropped };

struct direction {
	uint8_t buf[STREAM_MAX];
	size_t len;
};

static struct direction streams[CONVS][2];

static void frame(struct ninep_conv *c, struct direction *d, int from_client, uint64_t *cookie, int64_t ts)
{
	struct ninep_msg m;
	while (d->len >= NINEP_HDRSZ) {
		if (!ninep_plausible_header(d->buf, d->len, c->max_size, NINEP_DIALECT_ANY, from_client)) {
			memmove(d->buf, d->buf + 1, --d->len); /* not a boundary: skip a byte */
			continue;
		}
		uint32_t size = ninep_get32(d->buf);
		if (size > d->len)
			return; /* the rest is still coming */
		if (ninep_decode(d->buf, size, c->dialects, &m) != NINEP_OK) {
			memset(&m, 0, sizeof m);
			m.size = size;
			m.type = d->buf[NINEP_SIZESZ];
			m.tag = ninep_get16(d->buf + NINEP_SIZESZ + 1);
		}
		struct ninep_facts facts;
		++*cookie;
		ninep_conv_message(c, from_client, d->buf, size, size, &m, ts, *cookie, (*cookie & 1) ? &facts : NULL);
		if (*cookie & 1)
			check_path(facts.path, facts.path ? facts.path_len : 0);
		memmove(d->buf, d->buf + size, d->len - size);
		d->len -= size;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct ninep_esessions sessions;
	struct ninep_conv convs[CONVS];
	memset(&sessions, 0, sizeof sessions);
	memset(ended, 0, sizeof ended);
	for (int i = 0; i < CONVS; i++) {
		ninep_conv_init(&convs[i], &hooks, NULL, &sessions);
		streams[i][0].len = streams[i][1].len = 0;
	}
	uint64_t cookie = 0;
	int64_t ts = 0;
	size_t at = 0;
	while (at < len) {
		uint8_t h = data[at++];
		int from_client = (h & 1) == 0;
		int which = (h >> 1) & 1;
		size_t n = ((size_t)h >> 2) + 1;
		if (n > len - at)
			n = len - at;
		struct direction *d = &streams[which][from_client ? 0 : 1];
		if (d->len + n > STREAM_MAX)
			d->len = 0; /* a tool would have resynchronised long before */
		memcpy(d->buf + d->len, data + at, n);
		d->len += n;
		at += n;
		ts += 1000;
		frame(&convs[which], d, from_client, &cookie, ts);
	}
	for (int i = 0; i < CONVS; i++)
		ninep_conv_close(&convs[i]);
	ninep_esessions_free(&sessions);
	return 0;
}
