/*
 * Keeping the ended connections that matter, folding the others.  The rule
 * is in folding.h.
 */
#include "stats/folding.h"

#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "stats/esession_rows.h"
#include "stats/tally.h"

/* Where a connection is. */
enum fold_state {
	FOLD_OPEN = 0, /* not ended (or ended and not yet told to folding) */
	FOLD_PINNED,   /* ended, file accesses still in progress */
	FOLD_PENDING,  /* ended, waiting for the batch to be decided */
	FOLD_KEPT,     /* ended, in the heap */
};

static void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size);
	if (q == NULL)
		abort(); /* out of memory: nothing sensible left to report */
	return q;
}

static uint64_t problems(const struct figures *f)
{
	return f->errors + f->unanswered + f->orphans + f->exchanges_lost + f->gaps + f->nonconforming +
	       f->fids_forgotten;
}

int figures_importance(const struct figures *x, const struct figures *y)
{
	uint64_t px = problems(x), py = problems(y);
	if (px != py)
		return px > py ? 1 : -1;
	uint64_t mx = x->requests + x->replies, my = y->requests + y->replies;
	if (mx != my)
		return mx > my ? 1 : -1;
	uint64_t lx = x->all_latency.max, ly = y->all_latency.max;
	if (lx != ly)
		return lx > ly ? 1 : -1;
	return 0;
}

/* > 0 when x matters more than y (folding.h, "the rule"). */
static int importance(const struct connection *x, const struct connection *y)
{
	int by_figures = figures_importance(&x->fig, &y->fig);
	if (by_figures != 0)
		return by_figures;
	if (x->id != y->id)
		return x->id < y->id ? 1 : -1;
	return 0;
}

/* ---- the min-heap of kept connections: the least important at the root */

static void heap_set(struct folded *f, uint64_t i, struct connection *s)
{
	f->kept[i] = s;
	s->heap_at = i;
}

static void heap_up(struct folded *f, uint64_t i)
{
	struct connection *s = f->kept[i];
	while (i > 0 && importance(f->kept[(i - 1) / 2], s) > 0) {
		heap_set(f, i, f->kept[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(f, i, s);
}

static void heap_down(struct folded *f, uint64_t i)
{
	struct connection *s = f->kept[i];
	for (;;) {
		uint64_t l = 2 * i + 1, r = l + 1, m = l;
		if (l >= f->n_kept)
			break;
		if (r < f->n_kept && importance(f->kept[r], f->kept[l]) < 0)
			m = r;
		if (importance(f->kept[m], s) >= 0)
			break;
		heap_set(f, i, f->kept[m]);
		i = m;
	}
	heap_set(f, i, s);
}

/* ---- folding one connection ---------------------------------------------- */

static void unlist(struct analysis *a, struct connection *s)
{
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		a->connections = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	else
		a->connections_tail = s->prev;
	s->prev = s->next = NULL;
	a->n_listed--;
}

/* Into "others", and gone. */
static void fold(struct analysis *a, struct connection *s)
{
	struct folded *f = &a->folded;
	unlist(a, s);
	f->connections++;
	f->dialects |= s->dialect;
	figures_add(&f->fig, &s->fig);
	figures_free(&s->fig);
	free(s->csv_prefix);
	free(s);
}

/* An ended connection with final figures: kept, or folded. */
static void decide(struct analysis *a, struct connection *s)
{
	struct folded *f = &a->folded;
	uint64_t room = a->opt.kept_connections;
	esession_rows_connection_decided(a, s); /* before it may be freed */
	if (f->n_kept < room) {
		if (f->n_kept == f->cap_kept) {
			/* grown as needed: --connections may be large */
			f->cap_kept = f->cap_kept ? f->cap_kept * 2 : 64;
			f->kept = xrealloc(f->kept, f->cap_kept * sizeof *f->kept);
		}
		s->fold_state = FOLD_KEPT;
		f->kept[f->n_kept] = s;
		heap_up(f, f->n_kept++);
		return;
	}
	if (room == 0 || importance(s, f->kept[0]) <= 0) {
		fold(a, s);
		return;
	}
	struct connection *least = f->kept[0];
	s->fold_state = FOLD_KEPT;
	heap_set(f, 0, s);
	heap_down(f, 0);
	fold(a, least);
}

static void wait_for_decision(struct analysis *a, struct connection *s)
{
	struct folded *f = &a->folded;
	if (f->pending == NULL)
		f->pending = xrealloc(NULL, FOLD_BATCH * sizeof *f->pending);
	s->fold_state = FOLD_PENDING;
	f->pending[f->n_pending++] = s;
	if (f->n_pending == FOLD_BATCH)
		folding_settle(a);
}

void folding_ended(struct analysis *a, struct connection *s)
{
	if (s->live_accesses > 0) {
		s->fold_state = FOLD_PINNED;
		return;
	}
	wait_for_decision(a, s);
}

void folding_released(struct analysis *a, struct connection *s)
{
	if (s->fold_state == FOLD_PINNED)
		wait_for_decision(a, s);
}

void folding_settle(struct analysis *a)
{
	struct folded *f = &a->folded;
	tally_wait(a); /* every figure of the waiting connections is added up */
	for (uint64_t i = 0; i < f->n_pending; i++)
		decide(a, f->pending[i]);
	f->n_pending = 0;
}

void folding_free(struct analysis *a)
{
	struct folded *f = &a->folded;
	figures_free(&f->fig);
	free(f->kept);
	free(f->pending);
	memset(f, 0, sizeof *f);
}
