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

/* > 0 when x matters more than y (folding.h, "the rule"); two connections. */
static int importance(const void *xp, const void *yp)
{
	const struct connection *x = xp, *y = yp;
	int by_figures = figures_importance(&x->fig, &y->fig);
	if (by_figures != 0)
		return by_figures;
	if (x->id != y->id)
		return x->id < y->id ? 1 : -1;
	return 0;
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
	struct connection *let_go = keeper_offer(&f->kept, s, room, importance);
	if (let_go != s)
		s->fold_state = FOLD_KEPT;
	if (let_go != NULL)
		fold(a, let_go);
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
	keeper_free(&f->kept);
	free(f->pending);
	memset(f, 0, sizeof *f);
}
