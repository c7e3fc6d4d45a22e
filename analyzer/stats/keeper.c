/*
 * Keeping the items that matter most: keeper.h.
 */
#include "stats/keeper.h"

#include <stdlib.h>

static void sift_up(struct keeper *k, uint64_t i, keeper_importance_fn *importance)
{
	void *item = k->items[i];
	while (i > 0 && importance(k->items[(i - 1) / 2], item) > 0) {
		k->items[i] = k->items[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	k->items[i] = item;
}

static void sift_down(struct keeper *k, uint64_t i, keeper_importance_fn *importance)
{
	void *item = k->items[i];
	for (;;) {
		uint64_t left = 2 * i + 1, right = left + 1, least = left;
		if (left >= k->n)
			break;
		if (right < k->n && importance(k->items[right], k->items[left]) < 0)
			least = right;
		if (importance(k->items[least], item) >= 0)
			break;
		k->items[i] = k->items[least];
		i = least;
	}
	k->items[i] = item;
}

void *keeper_offer(struct keeper *k, void *item, uint64_t room, keeper_importance_fn *importance)
{
	if (k->n < room) {
		if (k->n == k->cap) {
			/* grown as needed: room (--connections, --e-sessions) may be large */
			uint64_t cap = k->cap ? k->cap * 2 : 64;
			void **items = realloc(k->items, cap * sizeof *items);
			if (items == NULL)
				abort(); /* out of memory: nothing sensible left to report */
			k->items = items;
			k->cap = cap;
		}
		k->items[k->n] = item;
		sift_up(k, k->n++, importance);
		return NULL;
	}
	if (room == 0 || importance(item, k->items[0]) <= 0)
		return item;
	void *least = k->items[0];
	k->items[0] = item;
	sift_down(k, 0, importance);
	return least;
}

void keeper_free(struct keeper *k)
{
	free(k->items);
	k->items = NULL;
	k->n = k->cap = 0;
}
