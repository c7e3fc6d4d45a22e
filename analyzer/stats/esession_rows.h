/*
 * Bounded memory whatever the number of 9P2000.e sessions: what the reports
 * keep of each session (its row), and the sessions folded into one "others"
 * row whose figures stay exact.  The sessions' counterpart of folding.h.
 *
 * A row holds a session's figures: those of every connection that was in
 * it when it ended, added as folding decides the connection (its figures
 * final), whether the connection is kept or folded; so a session's round
 * trips are exact even when its connections are "others".
 *
 * The rule.  A row stays while its session may still grow: while the
 * engine holds the session (a connection open in it, or idle with a key
 * for a Tsession, NINEP_ESESSIONS_IDLE_MAX of ninep/engine.h) and while a
 * connection of it is not decided.  Once the engine lets the session go
 * (nothing can resume it, or the bound forced it) and its connections are
 * decided, or when the capture ends, its figures are final, and of those
 * rows the analysis keeps the analysis_options.kept_esessions (`--e-sessions
 * N`, default KEPT_ESESSIONS_DEFAULT) that matter most, by folding.h's order
 * (problems, messages, longest round trip), then the lowest session number.
 * The others are folded: their figures added to "others", counted, freed.
 * So the rows listed plus "others" add up to every session's figures, and
 * memory holds at most N + NINEP_ESESSIONS_IDLE_MAX rows and the rows of
 * the sessions open.
 *
 * Reports number the sessions 1, 2, ... in order of creation among those
 * with members (a session every connection of which resumed another is not
 * one): the numbers of the sessions the engine let go without members are
 * kept for that (8 bytes each; they only come from connections that resume
 * a session while a newer one was made).
 */
#ifndef NINEP_ANALYZER_ESESSION_ROWS_H
#define NINEP_ANALYZER_ESESSION_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "stats/figures.h"
#include "stats/keeper.h"

struct analysis;
struct connection;
struct ninep_esession;

enum { KEPT_ESESSIONS_DEFAULT = 50 }; /* --e-sessions */

struct esession_row {
	uint64_t number;     /* the engine's session number */
	int has_key;
	uint64_t key_hash;   /* FNV-1a 64 of its key, as the engine keeps it */
	int ended;           /* the engine let it go, or the capture ended */
	unsigned undecided;  /* its connections whose figures are not added yet */
	uint8_t kept;        /* in the heap of kept rows */
	struct figures fig;  /* its decided connections' figures */
	struct esession_row *prev, *next; /* the listed rows */
};

struct esession_rows {
	struct esession_row *head, *tail; /* listed: kept, or not final yet */
	uint64_t n_listed;
	struct keeper kept; /* the kept rows, by importance */
	uint64_t folded;            /* sessions folded into "others" */
	struct figures folded_fig;  /* their figures, summed */
	uint64_t *gone_without_members; /* session numbers, ascending */
	size_t n_gone, cap_gone;
};

/* Connection s ends in session e (before the engine lets go of anything):
 * its row, made on first use, waits for s's figures. */
void esession_rows_connection_ends(struct analysis *a, struct connection *s, struct ninep_esession *e);
/* Folding decided connection s (stats/folding.c): its figures are final. */
void esession_rows_connection_decided(struct analysis *a, struct connection *s);
/* The engine lets session e go (ninep_hooks.session_ended). */
void esession_rows_session_ended(struct analysis *a, const struct ninep_esession *e);
/* The capture ended: every row is final (after folding_settle). */
void esession_rows_finish(struct analysis *a);
void esession_rows_free(struct analysis *a);

/* The number reports give session `number` (1.. among those with members). */
uint64_t esession_display_number(const struct analysis *a, uint64_t number);

/* What the reports show of one listed row. */
struct esession_view {
	const struct esession_row *row;
	uint64_t display_number;
	struct connection **members; /* its listed connections, by id */
	size_t n_members, cap_members;
	struct figures fig;          /* the row's figures and its undecided connections' */
};
/* Views of the first `limit` listed rows by session number (their count in
 * *n); `sorted` is connections_sorted's list. */
struct esession_view *esession_views(const struct analysis *a, struct connection *const *sorted, uint64_t limit,
				     size_t *n);
void esession_views_free(struct esession_view *v, size_t n);

#endif
