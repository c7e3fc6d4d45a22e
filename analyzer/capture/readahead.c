/*
 * Reading ahead: a thread that reads the packets of a capture file while the
 * caller reassembles and analyses the ones before them.
 *
 * Reading a file (the read system calls, and pcapfile.c's, libpcap's or
 * pcapng.c's parsing) and reading each frame's headers (frame_parse, which
 * needs no state: link, IP and TCP headers, the connection's hash, the
 * payload's fingerprint) were together about a third of the analyzer's
 * work.  On a second core they overlap with the rest.
 *
 * Packets travel in a ring of RING_BLOCKS blocks of about BLOCK_BYTES each,
 * copied in by the reader and read in place by the caller.  Memory stays
 * bounded whatever the file's size, and the two threads meet once per block,
 * not once per packet.  The end of the input (clean, or damaged with its
 * message) travels in the last block, after every packet read before it, so
 * nothing good is lost and the error comes exactly where it did.
 */
#include "capture_internal.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

enum {
	BLOCK_BYTES = 1 << 20,
	RING_BLOCKS = 4,
	RECORD_ALIGN = 8,
	END_MESSAGE_MAX = 512,
};

/* A packet in a block: this header, then cap_len bytes, padded. */
struct record {
	double progress;
	int64_t ts_ns;
	uint64_t wire_len;
	uint32_t cap_len;
	int32_t linktype;
	struct frame_view view; /* of the bytes that follow */
};

struct block {
	uint8_t *buf;
	size_t cap, used;
	int full;     /* the reader filled it: the caller's until it gives it back */
	int ends;     /* the input ends after its packets, with end_rc */
	int end_rc;   /* 0 clean, -1 damaged */
	char end_message[END_MESSAGE_MAX];
};

struct readahead {
	input_source_fn next;
	void *source;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t filled, emptied;
	int quit; /* readahead_stop: the reader leaves at its next wait */
	struct block ring[RING_BLOCKS];
	/* the reader's */
	unsigned fill_at;
	/* the caller's */
	unsigned read_at;
	size_t read_pos; /* in ring[read_at], which is full */
	int holding;     /* ring[read_at] is the caller's */
};

_Static_assert(_Alignof(struct record) <= RECORD_ALIGN, "records are read in place");

static size_t record_size(uint32_t cap_len)
{
	size_t n = sizeof(struct record) + cap_len;
	return (n + RECORD_ALIGN - 1) & ~(size_t)(RECORD_ALIGN - 1);
}

/* Waits for the block at fill_at to be empty; 0 when told to quit. */
static int wait_empty(struct readahead *ra, struct block *b)
{
	pthread_mutex_lock(&ra->lock);
	while (b->full && !ra->quit)
		pthread_cond_wait(&ra->emptied, &ra->lock);
	int go = !ra->quit;
	pthread_mutex_unlock(&ra->lock);
	return go;
}

static void publish(struct readahead *ra, struct block *b)
{
	pthread_mutex_lock(&ra->lock);
	b->full = 1;
	pthread_cond_signal(&ra->filled);
	pthread_mutex_unlock(&ra->lock);
	ra->fill_at = (ra->fill_at + 1) % RING_BLOCKS;
}

/* Makes room for a record of n bytes in an empty block; 0 when out of memory. */
static int reserve(struct block *b, size_t n)
{
	if (n <= b->cap)
		return 1;
	size_t cap = n > BLOCK_BYTES ? n : BLOCK_BYTES;
	uint8_t *buf = realloc(b->buf, cap);
	if (buf == NULL)
		return 0;
	b->buf = buf;
	b->cap = cap;
	return 1;
}

static void append(struct block *b, const struct input_packet *pkt)
{
	struct record *rec = (struct record *)(b->buf + b->used); /* records are aligned for it */

	rec->progress = pkt->progress;
	rec->ts_ns = pkt->ts_ns;
	rec->wire_len = pkt->wire_len;
	rec->cap_len = pkt->cap_len;
	rec->linktype = pkt->linktype;
	memcpy(rec + 1, pkt->data, pkt->cap_len);
	frame_parse(pkt->linktype, (const uint8_t *)(rec + 1), pkt->cap_len, (size_t)pkt->wire_len, &rec->view);
	b->used += record_size(pkt->cap_len);
}

static void *reader(void *arg)
{
	struct readahead *ra = arg;
	struct input_packet pkt;
	int have_packet = 0; /* pkt did not fit the last block: it opens the next */

	for (;;) {
		struct block *b = &ra->ring[ra->fill_at];
		if (!wait_empty(ra, b))
			return NULL;
		b->used = 0;
		b->ends = 0;
		for (;;) {
			if (!have_packet) {
				int rc = ra->next(ra->source, &pkt, b->end_message, sizeof b->end_message);
				if (rc == INPUT_IDLE)
					continue;
				if (rc != INPUT_PACKET) {
					b->ends = 1;
					b->end_rc = rc < 0 ? INPUT_DAMAGED : INPUT_END;
					break;
				}
				have_packet = 1;
			}
			size_t n = record_size(pkt.cap_len);
			if (b->used == 0 && !reserve(b, n)) {
				b->ends = 1;
				b->end_rc = INPUT_DAMAGED;
				snprintf(b->end_message, sizeof b->end_message, "out of memory reading ahead");
				break;
			}
			if (b->used + n > b->cap)
				break; /* the block is full: pkt opens the next */
			append(b, &pkt);
			have_packet = 0;
		}
		int ends = b->ends;
		publish(ra, b);
		if (ends)
			return NULL;
	}
}

static void free_blocks(struct readahead *ra)
{
	for (unsigned i = 0; i < RING_BLOCKS; i++)
		free(ra->ring[i].buf);
	free(ra);
}

struct readahead *readahead_start(input_source_fn next, void *source)
{
	struct readahead *ra = calloc(1, sizeof *ra);
	if (ra == NULL)
		return NULL;
	ra->next = next;
	ra->source = source;
	for (unsigned i = 0; i < RING_BLOCKS; i++) {
		if (!reserve(&ra->ring[i], BLOCK_BYTES)) {
			free_blocks(ra);
			return NULL;
		}
	}
	pthread_mutex_init(&ra->lock, NULL);
	pthread_cond_init(&ra->filled, NULL);
	pthread_cond_init(&ra->emptied, NULL);

	/* Signals (Ctrl-C) go to the caller's thread, whose handler stops
	 * the run; the reader only ever stops when told to. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&ra->thread, NULL, reader, ra);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		pthread_cond_destroy(&ra->filled);
		pthread_cond_destroy(&ra->emptied);
		pthread_mutex_destroy(&ra->lock);
		free_blocks(ra);
		return NULL;
	}
	return ra;
}

int readahead_next(struct readahead *ra, struct input_packet *pkt, char *err, size_t errlen)
{
	for (;;) {
		struct block *b = &ra->ring[ra->read_at];
		if (!ra->holding) {
			pthread_mutex_lock(&ra->lock);
			while (!b->full)
				pthread_cond_wait(&ra->filled, &ra->lock);
			pthread_mutex_unlock(&ra->lock);
			ra->holding = 1;
			ra->read_pos = 0;
		}
		if (ra->read_pos < b->used) {
			const struct record *rec = (const struct record *)(b->buf + ra->read_pos);
			pkt->progress = rec->progress;
			pkt->ts_ns = rec->ts_ns;
			pkt->wire_len = rec->wire_len;
			pkt->cap_len = rec->cap_len;
			pkt->linktype = rec->linktype;
			pkt->data = (const uint8_t *)(rec + 1);
			pkt->view = &rec->view;
			ra->read_pos += record_size(rec->cap_len);
			return 1;
		}
		if (b->ends) {
			/* The end stays: every later call says the same. */
			if (b->end_rc != 0)
				snprintf(err, errlen, "%s", b->end_message);
			return b->end_rc;
		}
		pthread_mutex_lock(&ra->lock);
		b->full = 0;
		pthread_cond_signal(&ra->emptied);
		pthread_mutex_unlock(&ra->lock);
		ra->holding = 0;
		ra->read_at = (ra->read_at + 1) % RING_BLOCKS;
	}
}

void readahead_stop(struct readahead *ra)
{
	if (ra == NULL)
		return;
	pthread_mutex_lock(&ra->lock);
	ra->quit = 1;
	pthread_cond_broadcast(&ra->emptied);
	pthread_mutex_unlock(&ra->lock);
	pthread_join(ra->thread, NULL);
	pthread_cond_destroy(&ra->filled);
	pthread_cond_destroy(&ra->emptied);
	pthread_mutex_destroy(&ra->lock);
	free_blocks(ra);
}
