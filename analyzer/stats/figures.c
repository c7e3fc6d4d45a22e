/*
 * Adding figures up.  Each connection's batches go to the tally thread
 * (tally.h), which adds them to the session's figures and to the totals by
 * message number; per 9P2000.e session and the other totals are summed at
 * report time.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "stats/tally.h"

static unsigned latency_slot(unsigned request_type)
{
	return (request_type / 2) % NINEP_REQUEST_SLOTS;
}

struct figures_type *figures_type_slot(struct figures *f, unsigned type)
{
	if (f->slot[type] != 0)
		return &f->types[f->slot[type] - 1];
	if (f->n_types == f->cap_types) {
		unsigned cap = f->cap_types ? f->cap_types * 2u : 8u;
		struct figures_type *t = realloc(f->types, cap * sizeof *t);
		if (t == NULL)
			abort();
		f->types = t;
		f->cap_types = (uint16_t)cap;
	}
	struct figures_type *t = &f->types[f->n_types++];
	memset(t, 0, sizeof *t);
	t->type = (uint8_t)type;
	f->slot[type] = f->n_types;
	return t;
}

/* Made at `sub_bits` precision when new (latency.h). */
static struct latency_hist *latency_at(struct figures *f, unsigned slot, unsigned sub_bits)
{
	struct figures_type *t = figures_type_of(f, slot * 2);
	if (t->latency == NULL) {
		t->latency = malloc(sizeof *t->latency);
		if (t->latency == NULL)
			abort();
		latency_init(t->latency);
		latency_set_precision(t->latency, sub_bits);
	}
	return t->latency;
}

/* Totals' histograms are fine: the main latency tables and the JSON
 * report's buckets (`ninep merge`) read them. */
static struct latency_hist *latency_of(struct figures *f, unsigned slot)
{
	return latency_at(f, slot, LATENCY_FINE_BITS);
}

/* A connection's are coarse (1/64): there are a dozen for each of up to
 * 200,000 open connections, and the reports show only their p50, p90
 * and p99 (issues 18 and 20).  Peak RSS of `ninep report -q -` on the
 * bench's mix at 1 M / 10 M packets (1,000 connections): 18.6 / 27.6 MB
 * fine, 13.8 / 15.1 MB coarse; 9P2000.L only 20.2 / 32.1 -> 15.3 / 16.4. */
static struct latency_hist *connection_latency_of(struct figures *f, unsigned slot)
{
	return latency_at(f, slot, LATENCY_COARSE_BITS);
}

void figures_count_message(struct analysis *a, struct figures *f, struct figures_batch *b, unsigned type,
			   int request)
{
	if (b->n_messages == FIGURES_BATCH)
		figures_flush(a, f, b);
	b->message_type[b->n_messages++] = (uint8_t)type;
	if (request)
		b->requests++;
	else
		b->replies++;
}

void figures_queue_round_trip(struct analysis *a, struct figures *f, struct figures_batch *b, unsigned request_type,
			      uint64_t ns, int is_error)
{
	if (b->n_samples == FIGURES_BATCH)
		figures_flush(a, f, b);
	if (is_error)
		b->sample_error |= (uint32_t)1 << b->n_samples;
	b->sample_type[b->n_samples] = (uint8_t)request_type;
	b->sample_ns[b->n_samples++] = ns;
}

/* A batch as queued for the tally thread. */
struct queued_batch {
	struct figures *f;
	struct figures_batch b;
};

_Static_assert(FIGURES_BATCH <= 32, "sample_error and `taken` below have a bit per sample");

/* The batch's counts by type into one figures: for the interval being
 * counted (--every), where a sample at a time is fast enough. */
static void add_batch_by_type(struct figures *into, const struct figures_batch *b)
{
	for (unsigned i = 0; i < b->n_messages; i++)
		figures_type_of(into, b->message_type[i])->messages++;
	for (unsigned i = 0; i < b->n_samples; i++) {
		if (b->sample_error & (uint32_t)1 << i)
			figures_type_of(into, b->sample_type[i])->errors++;
		latency_add(latency_of(into, latency_slot(b->sample_type[i])), b->sample_ns[i]);
	}
}

/* On the tally thread: the batch into its session's figures and the
 * totals by type. */
static void add_batch(struct analysis *a, void *payload)
{
	struct queued_batch *q = payload;
	struct figures *f = q->f, *all = &a->totals_by_type;
	const struct figures_batch *b = &q->b;
	f->requests += b->requests;
	f->replies += b->replies;
	f->round_trips += b->n_samples;
	for (unsigned i = 0; i < b->n_messages; i++) {
		figures_type_of(f, b->message_type[i])->messages++;
		figures_type_of(all, b->message_type[i])->messages++;
	}

	latency_set_precision(&f->all_latency, LATENCY_COARSE_BITS); /* a connection's: coarse, as above */
	for (unsigned i = 0; i < b->n_samples; i++) {
		latency_prefetch(connection_latency_of(f, latency_slot(b->sample_type[i])), b->sample_ns[i]);
		latency_prefetch(&f->all_latency, b->sample_ns[i]);
	}

	/* Each histogram takes its samples together, in arrival order. */
	uint32_t taken = 0;
	for (unsigned i = 0; i < b->n_samples; i++) {
		if (b->sample_error & (uint32_t)1 << i) {
			figures_type_of(f, b->sample_type[i])->errors++;
			figures_type_of(all, b->sample_type[i])->errors++;
		}
		if (taken & (uint32_t)1 << i)
			continue;
		unsigned slot = latency_slot(b->sample_type[i]);
		struct latency_hist *h = connection_latency_of(f, slot), *h_all = latency_of(all, slot);
		for (unsigned j = i; j < b->n_samples; j++) {
			if (latency_slot(b->sample_type[j]) == slot) {
				latency_add(h, b->sample_ns[j]);
				latency_add(h_all, b->sample_ns[j]);
				latency_add(&f->all_latency, b->sample_ns[j]);
				taken |= (uint32_t)1 << j;
			}
		}
	}
	if (a->opt.intervals)
		add_batch_by_type(&a->interval_by_type, b);
}

void figures_flush(struct analysis *a, struct figures *f, struct figures_batch *b)
{
	if (b->n_messages == 0 && b->n_samples == 0)
		return;
	tally_add(a, add_batch, &f, offsetof(struct queued_batch, b), b, sizeof *b);
	memset(b, 0, sizeof *b);
}

/* The figures by message number: counts, errors, latencies. */
static void add_by_type(struct figures *into, const struct figures *from)
{
	for (unsigned i = 0; i < from->n_types; i++) {
		const struct figures_type *ft = &from->types[i];
		struct figures_type *t = figures_type_of(into, ft->type);
		t->messages += ft->messages;
		t->errors += ft->errors;
		if (ft->latency != NULL)
			latency_merge(latency_of(into, ft->type / 2u), ft->latency);
	}
}

/* Every other figure: one list, for adding and for taking away. */
#define FIGURES_COUNTERS(X)                                                               \
	X(requests) X(replies) X(round_trips) X(errors) X(unanswered) X(flushed) X(orphans) \
	X(bytes_to_server) X(bytes_to_client) X(not_9p_bytes) X(nonconforming) X(gaps)      \
	X(gap_bytes) X(uncaptured_bytes) X(resync_bytes) X(truncated_bytes)                 \
	X(exchanges_lost) X(file_accesses) X(file_access_round_trips) X(fids_forgotten)

static void add_counters(struct figures *into, const struct figures *from)
{
#define ADD(field) into->field += from->field;
	FIGURES_COUNTERS(ADD)
#undef ADD
}

void figures_counters_since(struct figures *out, const struct figures *now, const struct figures *before)
{
#define SINCE(field) out->field = now->field - before->field;
	FIGURES_COUNTERS(SINCE)
#undef SINCE
}

void figures_add(struct figures *into, const struct figures *from)
{
	add_by_type(into, from);
	add_counters(into, from);
	latency_merge(&into->all_latency, &from->all_latency);
}

void figures_free(struct figures *f)
{
	for (unsigned i = 0; i < f->n_types; i++) {
		if (f->types[i].latency != NULL) {
			latency_free(f->types[i].latency);
			free(f->types[i].latency);
		}
	}
	free(f->types);
	latency_free(&f->all_latency);
	f->types = NULL;
	f->n_types = f->cap_types = 0;
	memset(f->slot, 0, sizeof f->slot);
}

void figures_totals(const struct analysis *a, struct figures *out)
{
	memset(out, 0, sizeof *out);
	for (const struct connection *s = a->connections; s != NULL; s = s->next)
		add_counters(out, &s->fig);
	add_counters(out, &a->folded.fig); /* the by-type figures are all in totals_by_type */
	/* Merging a thousand sessions' histograms here took 6% of the main
	 * thread's time on the 2M-message bench capture, with the other
	 * threads idle. */
	add_by_type(out, &a->totals_by_type);
	/* A few dozen types: cheap to merge here. */
	for (unsigned i = 0; i < NINEP_REQUEST_SLOTS; i++)
		if (figures_latency(out, i) != NULL)
			latency_merge(&out->all_latency, figures_latency(out, i));
}

static int compare_sessions(const void *x, const void *y)
{
	const struct connection *a = *(const struct connection *const *)x;
	const struct connection *b = *(const struct connection *const *)y;
	return a->id < b->id ? -1 : a->id > b->id;
}

struct connection **connections_sorted(const struct analysis *a)
{
	struct connection **list = calloc(a->n_listed + 1, sizeof *list);
	if (list == NULL)
		abort();
	size_t n = 0;
	for (struct connection *s = a->connections; s != NULL; s = s->next)
		list[n++] = s;
	qsort(list, n, sizeof *list, compare_sessions);
	return list;
}

const char *analysis_dialect(const struct analysis *a)
{
	unsigned seen = a->folded.dialects;
	for (const struct connection *s = a->connections; s != NULL; s = s->next)
		seen |= s->dialect;
	if (seen == 0)
		return "unknown";
	if ((seen & (seen - 1)) != 0)
		return "mixed";
	return ninep_dialect_name(seen);
}

void key_fingerprint(uint64_t key_hash, char out[9])
{
	snprintf(out, 9, "%08x", (unsigned)(key_hash >> 32));
}
