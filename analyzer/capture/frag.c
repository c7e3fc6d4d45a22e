/*
 * IPv4 and IPv6 fragment reassembly, bounded in every direction: datagrams in
 * progress, fragments per datagram, bytes held, and time (capture time, not
 * the wall clock).  Fragments are rare on a 9P path, so datagrams in
 * progress are a short list searched linearly; each fragment is one
 * allocation, kept until its datagram completes or is dropped.
 *
 * Overlapping fragments: the first copy of a byte wins, as in the TCP
 * reassembler.  A fragment the snaplen cut still counts towards completion
 * (its length is known); the reassembled payload is then captured only up to
 * the first missing byte, and the TCP layer turns the rest into a gap.
 */
#include "capture_internal.h"

#include <stdlib.h>
#include <string.h>

enum {
	IP_MAX_PAYLOAD = 65535,      /* what a 16-bit length can describe */
	FRAG_UNIT = 8,               /* fragment offsets count 8-byte units */
	FRAG_MAX_DATAGRAMS = 256,    /* in progress at once */
	FRAG_MAX_PER_DATAGRAM = 128, /* fragments of one datagram */
	FRAG_MAX_BYTES = 4 << 20,    /* captured bytes held in all */
};

/* RFC 791's suggested reassembly timeout is 15 s, Linux uses 30 s. */
static const int64_t FRAG_TIMEOUT_NS = 30 * (int64_t)1000000000;

struct frag {
	struct frag *next; /* newest first */
	uint32_t off, wire, cap;
	uint8_t data[];
};

struct dgram {
	struct dgram *next; /* oldest first */
	uint8_t family;
	uint8_t src[16], dst[16];
	uint32_t id;
	uint8_t proto;
	int have_first, have_last;
	uint32_t total; /* payload length, known once the last fragment is seen */
	int64_t first_ns;
	struct frag *frags;
	unsigned nfrags;
	size_t bytes;
};

struct frag_table {
	struct dgram *head, *tail;
	size_t ndgrams;
	size_t bytes;
	uint8_t buf[IP_MAX_PAYLOAD]; /* the last reassembled payload */
};

struct frag_table *frag_new(void)
{
	return calloc(1, sizeof(struct frag_table));
}

static void dgram_free(struct frag_table *ft, struct dgram *d)
{
	struct frag *f, *n;

	for (f = d->frags; f != NULL; f = n) {
		n = f->next;
		free(f);
	}
	ft->bytes -= d->bytes;
	ft->ndgrams--;
	free(d);
}

/* Unlinks d (prev is its predecessor or NULL) and frees it. */
static void dgram_remove(struct frag_table *ft, struct dgram *prev, struct dgram *d)
{
	if (prev != NULL)
		prev->next = d->next;
	else
		ft->head = d->next;
	if (ft->tail == d)
		ft->tail = prev;
	dgram_free(ft, d);
}

static void drop_oldest(struct frag_table *ft, struct capture_stats *st)
{
	st->ip_fragments_dropped += ft->head->nfrags;
	dgram_remove(ft, NULL, ft->head);
}

void frag_free(struct frag_table *ft)
{
	if (ft == NULL)
		return;
	while (ft->head != NULL)
		dgram_remove(ft, NULL, ft->head);
	free(ft);
}

static int key_eq(const struct dgram *d, const struct frag_in *in, size_t alen)
{
	return d->family == in->family && d->id == in->id && memcmp(d->src, in->src, alen) == 0 &&
	       memcmp(d->dst, in->dst, alen) == 0 && (in->family != IP_FAMILY_V4 || d->proto == in->proto);
}

static int by_offset(const void *a, const void *b)
{
	const struct frag *x = *(const struct frag *const *)a, *y = *(const struct frag *const *)b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* 1 and out filled when d is complete. */
static int try_complete(struct frag_table *ft, struct dgram *d, struct frag_out *out)
{
	const struct frag *sorted[FRAG_MAX_PER_DATAGRAM];
	const struct frag *f;
	uint32_t wend = 0, cend = 0;
	unsigned n = 0, i;

	if (!d->have_first || !d->have_last)
		return 0;
	for (f = d->frags; f != NULL; f = f->next)
		sorted[n++] = f;
	qsort(sorted, n, sizeof sorted[0], by_offset);
	for (i = 0; i < n; i++) {
		if (sorted[i]->off > wend)
			return 0; /* a hole */
		if (sorted[i]->off + sorted[i]->wire > wend)
			wend = sorted[i]->off + sorted[i]->wire;
	}
	if (wend < d->total)
		return 0;
	for (i = 0; i < n && sorted[i]->off <= cend; i++) {
		if (sorted[i]->off + sorted[i]->cap > cend)
			cend = sorted[i]->off + sorted[i]->cap;
	}
	if (cend > d->total)
		cend = d->total;
	/* newest first, so that the oldest copy of each byte is written last */
	for (f = d->frags; f != NULL; f = f->next) {
		uint32_t len = f->cap;
		if (f->off >= d->total)
			continue;
		if (len > d->total - f->off)
			len = d->total - f->off;
		memcpy(ft->buf + f->off, f->data, len);
	}
	out->proto = d->proto;
	out->data = ft->buf;
	out->cap_len = cend;
	out->wire_len = d->total;
	return 1;
}

int frag_add(struct frag_table *ft, const struct frag_in *in, struct frag_out *out, struct capture_stats *st)
{
	size_t alen = in->family == IP_FAMILY_V4 ? 4 : 16;
	struct dgram *d, *prev = NULL;
	struct frag *f;

	while (ft->head != NULL && in->ts_ns - ft->head->first_ns > FRAG_TIMEOUT_NS)
		drop_oldest(ft, st);
	if (in->wire_len > IP_MAX_PAYLOAD || in->off > IP_MAX_PAYLOAD - in->wire_len ||
	    (in->more && in->wire_len % FRAG_UNIT != 0) || in->cap_len > in->wire_len) {
		st->ip_fragments_dropped++; /* cannot be part of a valid datagram */
		return -1;
	}
	for (d = ft->head; d != NULL; prev = d, d = d->next) {
		if (key_eq(d, in, alen))
			break;
	}
	if (d == NULL) {
		prev = ft->tail;
		if (ft->ndgrams >= FRAG_MAX_DATAGRAMS) {
			st->limit_hits++;
			drop_oldest(ft, st);
			prev = ft->tail;
		}
		d = calloc(1, sizeof *d);
		if (d == NULL) {
			st->ip_fragments_dropped++;
			return -1;
		}
		d->family = in->family;
		memcpy(d->src, in->src, alen);
		memcpy(d->dst, in->dst, alen);
		d->id = in->id;
		d->proto = in->proto;
		d->first_ns = in->ts_ns;
		if (ft->tail != NULL)
			ft->tail->next = d;
		else
			ft->head = d;
		ft->tail = d;
		ft->ndgrams++;
	}
	if (d->nfrags >= FRAG_MAX_PER_DATAGRAM || ft->bytes + in->cap_len > FRAG_MAX_BYTES ||
	    (!in->more && d->have_last && d->total != in->off + in->wire_len)) {
		/* too many pieces, too many bytes, or two different ends */
		st->limit_hits += d->nfrags >= FRAG_MAX_PER_DATAGRAM || ft->bytes + in->cap_len > FRAG_MAX_BYTES;
		st->ip_fragments_dropped += d->nfrags + 1;
		dgram_remove(ft, prev, d);
		return -1;
	}
	f = malloc(sizeof *f + in->cap_len);
	if (f == NULL) {
		st->ip_fragments_dropped++;
		return -1;
	}
	f->off = in->off;
	f->wire = (uint32_t)in->wire_len;
	f->cap = (uint32_t)in->cap_len;
	memcpy(f->data, in->data, in->cap_len);
	f->next = d->frags;
	d->frags = f;
	d->nfrags++;
	d->bytes += in->cap_len;
	ft->bytes += in->cap_len;
	if (in->off == 0) {
		d->have_first = 1;
		d->proto = in->proto; /* IPv6: only the first fragment's is meaningful */
	}
	if (!in->more) {
		d->have_last = 1;
		d->total = in->off + (uint32_t)in->wire_len;
	}
	if (!try_complete(ft, d, out))
		return 0;
	st->ip_reassembled++;
	dgram_remove(ft, prev, d);
	return 1;
}
