/*
 * The N items of a stream that matter most, in memory for N: a min-heap
 * with the least important kept item at its root, so that each item
 * offered costs O(log N) and the others are let go as they come (folded
 * into "others" by the caller).  Ended connections (folding.c) and ended
 * 9P2000.e sessions (esession_rows.c) are kept this way, each by its own
 * rule of importance.
 */
#ifndef NINEP_ANALYZER_KEEPER_H
#define NINEP_ANALYZER_KEEPER_H

#include <stdint.h>

/* > 0 when x matters more than y, < 0 when less; 0 only for the same item. */
typedef int keeper_importance_fn(const void *x, const void *y);

/* All zero is an empty keeper. */
struct keeper {
	void **items; /* the min-heap: items[0] matters least */
	uint64_t n, cap;
};

/* Offers item to a keeper of at most room items, ranked by importance
 * (the same function every time).  NULL: item is kept and nothing let go.
 * Else the item to let go: item itself, when it matters no more than
 * every kept one (or room is 0), or the least important kept one, which
 * item replaces. */
void *keeper_offer(struct keeper *k, void *item, uint64_t room, keeper_importance_fn *importance);
/* Forgets the kept items (the caller owns them). */
void keeper_free(struct keeper *k);

#endif
