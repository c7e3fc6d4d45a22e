/*
 * The tally thread and its queue.  See tally.h.
 *
 * Blocks are filled in turn round a ring: block number n (counting from 0
 * over the whole run) lives in slot n % TALLY_BLOCKS.  The main thread fills
 * block `published` and publishes it whole; the tally thread runs block
 * `done` and then counts it done.  Slot n % TALLY_BLOCKS may be filled again
 * once block n - TALLY_BLOCKS is done.  The two counters, under the lock,
 * are all the threads share besides the blocks themselves, and the lock
 * orders each block's bytes between them.
 */
#include "stats/tally.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

enum {
	TALLY_BLOCK_BYTES = 64 * 1024,
	/* 1 MiB in all: the main thread runs ahead by up to this much work. */
	TALLY_BLOCKS = 16,
};

struct event_header {
	tally_fn *fn;
	size_t size; /* of the payload that follows */
};

struct block {
	size_t used;
	_Alignas(16) unsigned char bytes[TALLY_BLOCK_BYTES];
};

struct tally {
	struct analysis *a;
	pthread_t thread;
	int threaded; /* 0: the thread could not be started; run everything inline */
	pthread_mutex_t lock;
	pthread_cond_t work; /* published moved, or stopping */
	pthread_cond_t room; /* done moved */
	uint64_t published, done;
	int stopping;
	size_t fill_used; /* the main thread's: bytes in block `published` so far */
	struct block blocks[TALLY_BLOCKS];
};

/* Every event starts on a multiple of this, so payloads holding pointers
 * and 64-bit numbers are aligned. */
static size_t aligned(size_t n)
{
	return (n + 15) & ~(size_t)15;
}

static void run_block(struct analysis *a, struct block *b)
{
	size_t at = 0;
	while (at < b->used) {
		struct event_header *h = (void *)(b->bytes + at);
		h->fn(a, h + 1);
		at += aligned(sizeof *h + h->size);
	}
}

static void *tally_main(void *arg)
{
	struct tally *t = arg;
	pthread_mutex_lock(&t->lock);
	for (;;) {
		while (t->done == t->published && !t->stopping)
			pthread_cond_wait(&t->work, &t->lock);
		if (t->done == t->published)
			break; /* stopping, and nothing left */
		struct block *b = &t->blocks[t->done % TALLY_BLOCKS];
		pthread_mutex_unlock(&t->lock);
		run_block(t->a, b);
		pthread_mutex_lock(&t->lock);
		t->done++;
		pthread_cond_signal(&t->room);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

static struct tally *start(struct analysis *a)
{
	struct tally *t = calloc(1, sizeof *t);
	if (t == NULL)
		abort(); /* out of memory: nothing sensible left to report */
	t->a = a;
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->work, NULL);
	pthread_cond_init(&t->room, NULL);
	/* Signals (Ctrl-C) go to the main thread, whose handler stops the run. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	t->threaded = pthread_create(&t->thread, NULL, tally_main, t) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return t;
}

/* The block to fill: slot `published`, once the tally thread is done with
 * what it last held. */
static struct block *filling(struct tally *t)
{
	if (t->fill_used == 0) {
		pthread_mutex_lock(&t->lock);
		while (t->published - t->done == TALLY_BLOCKS)
			pthread_cond_wait(&t->room, &t->lock);
		pthread_mutex_unlock(&t->lock);
	}
	return &t->blocks[t->published % TALLY_BLOCKS];
}

static void publish(struct tally *t)
{
	t->blocks[t->published % TALLY_BLOCKS].used = t->fill_used;
	t->fill_used = 0;
	pthread_mutex_lock(&t->lock);
	t->published++;
	pthread_cond_signal(&t->work);
	pthread_mutex_unlock(&t->lock);
}

/* Publishes what is filled and waits until all of it is done. */
static void drain(struct tally *t)
{
	if (t->fill_used > 0)
		publish(t);
	pthread_mutex_lock(&t->lock);
	while (t->done != t->published)
		pthread_cond_wait(&t->room, &t->lock);
	pthread_mutex_unlock(&t->lock);
}

static void run_now(struct analysis *a, tally_fn *fn, const void *head, size_t head_size, const void *tail,
		    size_t tail_size)
{
	unsigned char *payload = malloc(head_size + tail_size + 1);
	if (payload == NULL)
		abort();
	if (head_size > 0)
		memcpy(payload, head, head_size);
	if (tail_size > 0)
		memcpy(payload + head_size, tail, tail_size);
	fn(a, payload);
	free(payload);
}

void tally_add(struct analysis *a, tally_fn *fn, const void *head, size_t head_size, const void *tail,
	       size_t tail_size)
{
	if (a->tally == NULL)
		a->tally = start(a);
	struct tally *t = a->tally;
	size_t need = aligned(sizeof(struct event_header) + head_size + tail_size);
	if (!t->threaded || need > TALLY_BLOCK_BYTES) {
		if (t->threaded)
			drain(t);
		run_now(a, fn, head, head_size, tail, tail_size);
		return;
	}
	if (t->fill_used + need > TALLY_BLOCK_BYTES)
		publish(t);
	struct block *b = filling(t);
	struct event_header *h = (void *)(b->bytes + t->fill_used);
	h->fn = fn;
	h->size = head_size + tail_size;
	unsigned char *payload = (unsigned char *)(h + 1);
	if (head_size > 0)
		memcpy(payload, head, head_size);
	if (tail_size > 0)
		memcpy(payload + head_size, tail, tail_size);
	t->fill_used += need;
}

void tally_wait(struct analysis *a)
{
	if (a->tally != NULL && a->tally->threaded)
		drain(a->tally);
}

void tally_stop(struct analysis *a)
{
	struct tally *t = a->tally;
	if (t == NULL)
		return;
	if (t->threaded) {
		drain(t);
		pthread_mutex_lock(&t->lock);
		t->stopping = 1;
		pthread_cond_signal(&t->work);
		pthread_mutex_unlock(&t->lock);
		pthread_join(t->thread, NULL);
	}
	pthread_cond_destroy(&t->work);
	pthread_cond_destroy(&t->room);
	pthread_mutex_destroy(&t->lock);
	free(t);
	a->tally = NULL;
}
