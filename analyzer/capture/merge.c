/*
 * Several inputs read as one capture: a k-way merge by timestamp into one
 * reassembler (merge.h says why).
 *
 * First every input is opened once and its first packet read ("probed"),
 * on this thread and through a small buffer: that timestamp decides the
 * reading order (ties: the order given).  A regular file is then closed
 * again, so that a few hundred rotated files do not hold a few hundred
 * buffers and reading threads; it is opened anew when its turn comes.  A
 * stream (standard input, a pipe) cannot be opened twice or peeked at: it
 * stays open holding the packet it gave, which libpcap keeps valid until the
 * next read of that stream, so it takes part in the merge without buffering
 * anything more.
 *
 * An input becomes active when its first packet is due, that is when every
 * packet still held by the active inputs is later than it.  Packets go out
 * by (timestamp, place in the reading order), so when two inputs hold the
 * same time the one that started first goes first: the last packet of one
 * rotated file before the first of the next.  The input that goes next is
 * read without comparing again for as long as its packets come before every
 * other input's held packet and the next input's first one, so rotated files
 * (which do not overlap) cost one comparison per file, not per packet.
 *
 * The last input active with none to come is read by capture_run itself,
 * the loop a single file has always gone through: one input, read ahead on
 * its own thread, is exactly as fast as before.  A single input is not
 * probed at all.
 */
#include "capture_internal.h"
#include "merge.h"

#include <stdlib.h>
#include <string.h>

enum {
	/* Files read ahead at once, each on its own thread with about 6 MB of
	 * buffers (readahead.c's ring, stdio's, pcapfile.c's).  Rotated files
	 * are active one or two at a time, so only files that overlap in time
	 * meet this: the ones beyond it are read on this thread through a
	 * small buffer, and memory stays bounded however many overlap.  With
	 * more reading threads than cores they would only take turns. */
	MAX_READ_AHEAD = 4,
	ERR_MAX = 512,
};

enum member_state { PENDING, ACTIVE, DONE };

struct member {
	const char *path;
	unsigned index;            /* as given */
	unsigned rank;             /* place in the reading order */
	enum member_state state;
	int64_t first_ns;          /* of the packet the probe read */
	long long size;            /* bytes, 0 when unknown (a stream) */
	int sized;                 /* size is counted in total_bytes */
	int reads_ahead;           /* holds one of the MAX_READ_AHEAD threads */
	struct capture_input *in;  /* open: active, or a stream kept from the probe */
	int held;                  /* pkt was pulled and is not delivered yet */
	struct input_packet pkt;
	int link_type;             /* capture_link_type when it closed, or -1 */
};

struct capture_merge {
	struct member *members;
	unsigned n;
	struct member **order;     /* the inputs that have a packet, in reading order */
	unsigned n_order, next;    /* order[next] is the next to become active */
	struct member **active;
	unsigned n_active;
	unsigned reading_ahead;
	char *filter;
	const struct merge_events *ev;
	void *ctx;
	struct member *current;    /* whose packet went last */
	int64_t last_ns;
	long long done_bytes, total_bytes;
	int failed;
	volatile sig_atomic_t *stop; /* capture_merge_run's */
	volatile sig_atomic_t interrupted; /* capture_merge_note_interrupt */
	/* The input read on this thread right now, for a signal handler
	 * (capture_merge_interrupt): set before a read and cleared after it,
	 * and an input is only closed while it is clear. */
	struct capture_input *volatile reading;
};

struct capture_merge *capture_merge_new(const char *const *paths, unsigned n, const char *bpf_filter,
					const struct merge_events *events, void *ctx)
{
	struct capture_merge *m = calloc(1, sizeof *m);
	if (m == NULL)
		return NULL;
	m->members = calloc(n ? n : 1, sizeof *m->members);
	m->order = calloc(n ? n : 1, sizeof *m->order);
	m->active = calloc(n ? n : 1, sizeof *m->active);
	m->filter = bpf_filter != NULL && bpf_filter[0] != '\0' ? strdup(bpf_filter) : NULL;
	if (m->members == NULL || m->order == NULL || m->active == NULL ||
	    (bpf_filter != NULL && bpf_filter[0] != '\0' && m->filter == NULL)) {
		capture_merge_free(m);
		return NULL;
	}
	m->n = n;
	m->ev = events;
	m->ctx = ctx;
	for (unsigned i = 0; i < n; i++) {
		m->members[i].path = paths[i];
		m->members[i].index = i;
		m->members[i].link_type = -1;
	}
	return m;
}

static void fail(struct capture_merge *m, const struct member *mem, const char *err)
{
	/* Ctrl-C on `tcpdump -w - | ninep report -` interrupts our read of the
	 * pipe, or the writer dies in the middle of a record: either way the
	 * stream ends where the user asked it to, which is a normal end.  A
	 * regular file is still all there, and is never excused. */
	if (((m->stop != NULL && *m->stop) || m->interrupted) && mem->in != NULL && !capture_is_regular(mem->in))
		return;
	m->failed = 1;
	if (m->ev != NULL && m->ev->on_failure != NULL)
		m->ev->on_failure(m->ctx, mem->index, err[0] ? err : "damaged input");
}

/* Done with an input, for good: closed, and off the active list. */
static void finish(struct capture_merge *m, struct member *mem)
{
	if (mem->state == ACTIVE) {
		for (unsigned i = 0; i < m->n_active; i++) {
			if (m->active[i] == mem) {
				/* Order in the list does not matter: ranks decide. */
				m->active[i] = m->active[--m->n_active];
				break;
			}
		}
	}
	if (mem->in != NULL) {
		mem->link_type = capture_link_type(mem->in);
		capture_close(mem->in);
		mem->in = NULL;
	}
	if (mem->reads_ahead)
		m->reading_ahead--;
	mem->reads_ahead = 0;
	mem->held = 0;
	mem->state = DONE;
	m->done_bytes += mem->size;
}

static int open_member(struct capture_merge *m, struct member *mem, int flags)
{
	char err[ERR_MAX] = "";
	mem->in = capture_open_file_with(mem->path, m->filter, flags, err, sizeof err);
	if (mem->in == NULL) {
		fail(m, mem, err[0] ? err : "cannot open");
		finish(m, mem);
		return -1;
	}
	if (!mem->sized) {
		mem->size = capture_size(mem->in);
		m->total_bytes += mem->size;
		mem->sized = 1;
	}
	return 0;
}

/* Pulls mem's next packet into mem->pkt: 0, or -1 when the input ended
 * (cleanly, or damaged and reported) and is finished. */
static int fill(struct capture_merge *m, struct member *mem)
{
	char err[ERR_MAX] = "";
	int rc;

	m->reading = mem->in;
	do
		rc = capture_pull(mem->in, &mem->pkt, err, sizeof err);
	while (rc == INPUT_IDLE); /* files never say it; kept for safety */
	m->reading = NULL;
	if (rc == INPUT_PACKET) {
		mem->held = 1;
		return 0;
	}
	if (rc == INPUT_DAMAGED)
		fail(m, mem, err);
	finish(m, mem);
	return -1;
}

/* Reads an input's first packet, to sort by it. */
static void probe(struct capture_merge *m, struct member *mem)
{
	if (open_member(m, mem, 0) != 0 || fill(m, mem) != 0)
		return; /* failed (reported), or no packet at all: nothing to merge */
	mem->first_ns = mem->pkt.ts_ns;
	m->order[m->n_order++] = mem;
	if (capture_is_regular(mem->in)) {
		/* Opened again, read ahead, when its turn comes. */
		capture_close(mem->in);
		mem->in = NULL;
		mem->held = 0;
	}
}

static int by_first_packet(const void *pa, const void *pb)
{
	const struct member *a = *(const struct member *const *)pa, *b = *(const struct member *const *)pb;
	if (a->first_ns != b->first_ns)
		return a->first_ns < b->first_ns ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

static void activate(struct capture_merge *m, struct member *mem)
{
	if (mem->in == NULL) {
		int flags = m->reading_ahead < MAX_READ_AHEAD ? CAPTURE_READ_AHEAD : 0;
		if (open_member(m, mem, flags) != 0)
			return;
		mem->reads_ahead = capture_reads_ahead(mem->in);
		m->reading_ahead += (unsigned)mem->reads_ahead;
	}
	mem->state = ACTIVE;
	m->active[m->n_active++] = mem;
}

/* Goes before: by time, then by place in the reading order. */
static int before(int64_t ts, unsigned rank, int64_t other_ts, unsigned other_rank)
{
	return ts < other_ts || (ts == other_ts && rank < other_rank);
}

static void switch_to(struct capture_merge *m, struct member *mem)
{
	if (m->current == mem)
		return;
	m->current = mem;
	if (m->ev != NULL && m->ev->on_input != NULL)
		m->ev->on_input(m->ctx, mem->index);
}

static void deliver_held(struct capture_merge *m, struct reassembler *r, struct member *mem)
{
	m->last_ns = mem->pkt.ts_ns;
	capture_deliver(mem->in, r, &mem->pkt);
	mem->held = 0;
}

/*
 * Delivers best's packets while they come before second's held packet and
 * pending's first one (either may be NULL), at most `left` (0: no limit).
 */
static void run_from(struct capture_merge *m, struct reassembler *r, struct member *best, const struct member *second,
		     const struct member *pending, uint64_t left, volatile sig_atomic_t *stop)
{
	uint64_t n = 0;

	switch_to(m, best);
	for (;;) {
		deliver_held(m, r, best);
		n++;
		if (*stop || (left != 0 && n >= left) || fill(m, best) != 0)
			return;
		if (second != NULL && !before(best->pkt.ts_ns, best->rank, second->pkt.ts_ns, second->rank))
			return;
		if (pending != NULL && before(pending->first_ns, pending->rank, best->pkt.ts_ns, best->rank))
			return;
	}
}

/* The only input left: the rest of it through capture_run. */
static void run_last(struct capture_merge *m, struct reassembler *r, struct member *mem, uint64_t left,
		     volatile sig_atomic_t *stop)
{
	char err[ERR_MAX] = "";

	switch_to(m, mem);
	if (mem->held) {
		deliver_held(m, r, mem);
		if (left == 1)
			return;
		if (left != 0)
			left--;
	}
	m->reading = mem->in;
	int rc = capture_run(mem->in, r, left, stop, err, sizeof err);
	m->reading = NULL;
	if (capture_last_ns(mem->in) != 0)
		m->last_ns = capture_last_ns(mem->in);
	if (rc != 0)
		fail(m, mem, err);
	/* Ended, damaged, or stopped by *stop or the count: read no more. */
	finish(m, mem);
}

int capture_merge_run(struct capture_merge *m, struct reassembler *r, uint64_t max_packets,
		      volatile sig_atomic_t *stop)
{
	static volatile sig_atomic_t never;
	uint64_t start = reasm_stats(r)->packets;

	if (stop == NULL)
		stop = &never;
	m->stop = stop;
	if (m->n == 1) {
		m->order[m->n_order++] = &m->members[0]; /* one input: no order to find */
	} else {
		for (unsigned i = 0; i < m->n && !*stop; i++)
			probe(m, &m->members[i]);
		qsort(m->order, m->n_order, sizeof *m->order, by_first_packet);
	}
	for (unsigned i = 0; i < m->n_order; i++)
		m->order[i]->rank = i;

	for (;;) {
		uint64_t done = reasm_stats(r)->packets - start;
		if (*stop || (max_packets != 0 && done >= max_packets))
			break;
		uint64_t left = max_packets != 0 ? max_packets - done : 0;
		const struct member *pending = m->next < m->n_order ? m->order[m->next] : NULL;
		if (m->n_active == 0) {
			if (pending == NULL)
				break;
			activate(m, m->order[m->next++]);
			continue;
		}
		if (m->n_active == 1 && pending == NULL) {
			run_last(m, r, m->active[0], left, stop);
			continue;
		}
		/* Every active input holds its next packet: find the two first. */
		struct member *best = NULL, *second = NULL;
		for (unsigned i = 0; i < m->n_active;) {
			struct member *mem = m->active[i];
			if (!mem->held && fill(m, mem) != 0)
				continue; /* finished: another input took its place in the list */
			if (best == NULL || before(mem->pkt.ts_ns, mem->rank, best->pkt.ts_ns, best->rank)) {
				second = best;
				best = mem;
			} else if (second == NULL || before(mem->pkt.ts_ns, mem->rank, second->pkt.ts_ns, second->rank)) {
				second = mem;
			}
			i++;
		}
		if (best == NULL)
			continue;
		if (pending != NULL && before(pending->first_ns, pending->rank, best->pkt.ts_ns, best->rank)) {
			activate(m, m->order[m->next++]); /* its first packet is due */
			continue;
		}
		run_from(m, r, best, second, pending, left, stop);
	}
	/* Stopped early: what is still open is read no further. */
	for (unsigned i = 0; i < m->n; i++)
		if (m->members[i].in != NULL)
			finish(m, &m->members[i]);
	return m->failed ? -1 : 0;
}

double capture_merge_progress(const struct capture_merge *m)
{
	if (m->total_bytes <= 0)
		return -1;
	double done = (double)m->done_bytes;
	for (unsigned i = 0; i < m->n_active; i++) {
		double p = capture_progress(m->active[i]->in);
		if (p > 0)
			done += p * (double)m->active[i]->size;
	}
	double f = done / (double)m->total_bytes;
	return f > 1 ? 1 : f;
}

int capture_merge_link_type(const struct capture_merge *m)
{
	return m->current != NULL && m->current->in != NULL ? capture_link_type(m->current->in) : -1;
}

int capture_merge_input_link_type(const struct capture_merge *m, unsigned input)
{
	const struct member *mem = &m->members[input];
	return mem->in != NULL ? capture_link_type(mem->in) : mem->link_type;
}

int64_t capture_merge_last_ns(const struct capture_merge *m)
{
	return m->last_ns;
}

void capture_merge_note_interrupt(struct capture_merge *m)
{
	m->interrupted = 1;
}

void capture_merge_interrupt(struct capture_merge *m)
{
	struct capture_input *in = m->reading;
	if (in != NULL)
		capture_interrupt(in);
}

void capture_merge_free(struct capture_merge *m)
{
	if (m == NULL)
		return;
	for (unsigned i = 0; m->members != NULL && i < m->n; i++)
		capture_close(m->members[i].in);
	free(m->members);
	free(m->order);
	free(m->active);
	free(m->filter);
	free(m);
}
