/*
 * Keeping the 9P2000.e session rows that matter, folding the others.  The
 * rule is in esession_rows.h.
 */
#include "stats/esession_rows.h"

#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "stats/folding.h"

static void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size);
	if (q == NULL)
		abort(); /* out of memory: nothing sensible left to report */
	return q;
}

/* > 0 when x matters more than y (esession_rows.h, "the rule"); two rows. */
static int importance(const void *xp, const void *yp)
{
	const struct esession_row *x = xp, *y = yp;
	int by_figures = figures_importance(&x->fig, &y->fig);
	if (by_figures != 0)
		return by_figures;
	if (x->number != y->number)
		return x->number < y->number ? 1 : -1;
	return 0;
}

/* ---- rows listed, and folded */

static void unlist(struct esession_rows *r, struct esession_row *row)
{
	if (row->prev != NULL)
		row->prev->next = row->next;
	else
		r->head = row->next;
	if (row->next != NULL)
		row->next->prev = row->prev;
	else
		r->tail = row->prev;
	row->prev = row->next = NULL;
	r->n_listed--;
}

/* Into "others", and gone. */
static void fold(struct esession_rows *r, struct esession_row *row)
{
	unlist(r, row);
	r->folded++;
	figures_add(&r->folded_fig, &row->fig);
	figures_free(&row->fig);
	free(row);
}

/* A row with final figures: kept, or folded. */
static void decide(struct analysis *a, struct esession_row *row)
{
	struct esession_rows *r = &a->esession_rows;
	uint64_t room = a->opt.kept_esessions;
	struct esession_row *let_go = keeper_offer(&r->kept, row, room, importance);
	if (let_go != row)
		row->kept = 1;
	if (let_go != NULL)
		fold(r, let_go);
}

static void decide_if_final(struct analysis *a, struct esession_row *row)
{
	if (row->ended && row->undecided == 0 && !row->kept)
		decide(a, row);
}

void esession_rows_connection_ends(struct analysis *a, struct connection *s, struct ninep_esession *e)
{
	struct esession_rows *r = &a->esession_rows;
	struct esession_row *row = e->report;
	if (row == NULL) {
		row = calloc(1, sizeof *row);
		if (row == NULL)
			abort();
		row->number = e->number;
		row->prev = r->tail;
		if (r->tail != NULL)
			r->tail->next = row;
		else
			r->head = row;
		r->tail = row;
		r->n_listed++;
		e->report = row;
	}
	row->has_key = e->has_key; /* a resumed connection may have set another */
	row->key_hash = e->key_hash;
	row->undecided++;
	s->esession_number = e->number;
	s->erow = row;
}

void esession_rows_connection_decided(struct analysis *a, struct connection *s)
{
	struct esession_row *row = s->erow;
	if (row == NULL)
		return;
	s->erow = NULL;
	figures_add(&row->fig, &s->fig);
	row->undecided--;
	decide_if_final(a, row);
}

void esession_rows_session_ended(struct analysis *a, const struct ninep_esession *e)
{
	struct esession_rows *r = &a->esession_rows;
	if (e->members == 0) {
		/* not one of the sessions reports number: remember where it was */
		if (r->n_gone == r->cap_gone) {
			r->cap_gone = r->cap_gone ? r->cap_gone * 2 : 16;
			r->gone_without_members = xrealloc(r->gone_without_members,
							   r->cap_gone * sizeof *r->gone_without_members);
		}
		size_t i = r->n_gone++;
		for (; i > 0 && r->gone_without_members[i - 1] > e->number; i--)
			r->gone_without_members[i] = r->gone_without_members[i - 1];
		r->gone_without_members[i] = e->number;
	}
	struct esession_row *row = e->report;
	if (row == NULL)
		return;
	row->ended = 1;
	decide_if_final(a, row);
}

void esession_rows_finish(struct analysis *a)
{
	struct esession_rows *r = &a->esession_rows;
	for (struct ninep_esession *e = a->esessions.head; e != NULL; e = e->next)
		e->report = NULL; /* the engine's sessions outlive their rows from here */
	/* Deciding one may fold (free) a kept row anywhere in the list: the
	 * rows to decide are taken first. */
	struct esession_row **final = malloc((r->n_listed + 1) * sizeof *final);
	if (final == NULL)
		abort();
	size_t n = 0;
	for (struct esession_row *row = r->head; row != NULL; row = row->next) {
		row->ended = 1;
		if (row->undecided == 0 && !row->kept)
			final[n++] = row;
	}
	for (size_t i = 0; i < n; i++)
		decide(a, final[i]); /* none of them is kept yet, so none folded yet */
	free(final);
}

void esession_rows_free(struct analysis *a)
{
	struct esession_rows *r = &a->esession_rows;
	for (struct esession_row *row = r->head, *next; row != NULL; row = next) {
		next = row->next;
		figures_free(&row->fig);
		free(row);
	}
	figures_free(&r->folded_fig);
	keeper_free(&r->kept);
	free(r->gone_without_members);
	memset(r, 0, sizeof *r);
}

uint64_t esession_display_number(const struct analysis *a, uint64_t number)
{
	const struct esession_rows *r = &a->esession_rows;
	size_t lo = 0, hi = r->n_gone; /* how many numbers below `number` are gone */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->gone_without_members[mid] < number)
			lo = mid + 1;
		else
			hi = mid;
	}
	return number - lo;
}

/* ---- views for the reports */

static int by_number(const void *x, const void *y)
{
	const struct esession_row *a = *(const struct esession_row *const *)x;
	const struct esession_row *b = *(const struct esession_row *const *)y;
	return a->number < b->number ? -1 : a->number > b->number;
}

/* The view of session `number` among n views sorted by number, or NULL. */
static struct esession_view *view_of(struct esession_view *v, size_t n, uint64_t number)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].row->number < number)
			lo = mid + 1;
		else if (v[mid].row->number > number)
			hi = mid;
		else
			return &v[mid];
	}
	return NULL;
}

struct esession_view *esession_views(const struct analysis *a, struct connection *const *sorted, uint64_t limit,
				     size_t *n)
{
	const struct esession_rows *r = &a->esession_rows;
	const struct esession_row **rows = malloc((r->n_listed + 1) * sizeof *rows);
	if (rows == NULL)
		abort();
	size_t n_rows = 0;
	for (const struct esession_row *row = r->head; row != NULL; row = row->next)
		rows[n_rows++] = row;
	qsort(rows, n_rows, sizeof *rows, by_number);
	size_t shown = n_rows < limit ? n_rows : (size_t)limit;
	struct esession_view *v = calloc(shown + 1, sizeof *v);
	if (v == NULL)
		abort();
	for (size_t i = 0; i < shown; i++) {
		v[i].row = rows[i];
		v[i].display_number = esession_display_number(a, rows[i]->number);
		figures_add(&v[i].fig, &rows[i]->fig);
	}
	free(rows);
	for (size_t i = 0; sorted[i] != NULL; i++) {
		struct connection *s = sorted[i];
		struct esession_view *ev = s->esession_number ? view_of(v, shown, s->esession_number) : NULL;
		if (ev == NULL)
			continue;
		if (ev->n_members == ev->cap_members) {
			ev->cap_members = ev->cap_members ? ev->cap_members * 2 : 4;
			ev->members = xrealloc(ev->members, ev->cap_members * sizeof *ev->members);
		}
		ev->members[ev->n_members++] = s;
		if (s->erow != NULL) /* not decided yet: not in the row's figures */
			figures_add(&ev->fig, &s->fig);
	}
	*n = shown;
	return v;
}

void esession_views_free(struct esession_view *v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++) {
		free(v[i].members);
		figures_free(&v[i].fig);
	}
	free(v);
}
