#include "ledger.h"

#include "msg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { NUMBERS = 256, MAX_OUTSTANDING = 64 };

/* Message names straight from the description's table (names only). */
static const char *const message_name[NUMBERS] = {
#define NINEP_MESSAGE(number, name) [number] = #name,
#include <ninep/messages.def>
};

struct tally {
	uint64_t requests, replies, round_trips, errors, unanswered, flushed, orphans;
	uint64_t messages_lost, exchanges_lost;
	uint64_t count[NUMBERS];
};

struct outstanding {
	const struct ledger_entry *req;
	int partner_lost; /* intent pass: was either message of the pair lost */
};

static int is_error(uint8_t type) { return type == NINEP_Rerror || type == NINEP_Rlerror; }

static int find(struct outstanding *out, size_t n, uint16_t tag)
{
	for (size_t i = 0; i < n; i++)
		if (out[i].req->tag == tag)
			return (int)i;
	return -1;
}

static void drop(struct outstanding *out, size_t *n, int i)
{
	out[i] = out[--*n];
}

/*
 * Tag matching on one connection, the way a correct tool does it: a reply
 * answers the outstanding request with its tag; Rflush also retires the
 * flushed request (its reply never comes).  With observed set, lost
 * messages do not exist; otherwise every message counts (the sender's
 * intent) and pairs that lost a message are counted.
 */
static void match(const struct ledger *lg, int conn, int observed, struct tally *t)
{
	struct outstanding out[MAX_OUTSTANDING];
	size_t n = 0;

	for (size_t i = 0; i < lg->n; i++) {
		const struct ledger_entry *e = &lg->e[i];
		if (e->conn != conn || (observed && e->lost))
			continue;
		if (ninep_is_request(e->type)) {
			/* a tag reused while outstanding: the old request's
			 * reply is never coming (the capture missed it) */
			int stale = find(out, n, e->tag);
			if (stale >= 0) {
				if (observed)
					t->unanswered++;
				else
					t->exchanges_lost += out[stale].partner_lost;
				drop(out, &n, stale);
			}
			if (n == MAX_OUTSTANDING) {
				fprintf(stderr, "ninep-capgen: too many outstanding requests in a case\n");
				abort();
			}
			out[n].req = e;
			out[n].partner_lost = e->lost;
			n++;
			continue;
		}
		int at = find(out, n, e->tag);
		if (at < 0) {
			t->orphans += observed;
			continue;
		}
		if (!observed && (out[at].partner_lost || e->lost))
			t->exchanges_lost++;
		t->round_trips += observed;
		if (e->type == NINEP_Rflush) {
			int flushed = find(out, n, out[at].req->oldtag);
			drop(out, &n, at);
			if (flushed >= 0) {
				t->flushed += observed;
				drop(out, &n, flushed);
			}
			continue;
		}
		drop(out, &n, at);
	}
	if (observed)
		t->unanswered += n;
	else
		for (size_t i = 0; i < n; i++)
			t->exchanges_lost += out[i].partner_lost;
}

static struct tally compute(const struct ledger *lg)
{
	struct tally t;
	memset(&t, 0, sizeof t);
	for (size_t i = 0; i < lg->n; i++) {
		const struct ledger_entry *e = &lg->e[i];
		if (e->lost) {
			t.messages_lost++;
			continue;
		}
		t.count[e->type]++;
		if (ninep_is_request(e->type))
			t.requests++;
		else
			t.replies++;
		if (is_error(e->type))
			t.errors++;
	}
	for (int c = 0; c < lg->connections; c++) {
		match(lg, c, 1, &t);
		match(lg, c, 0, &t);
	}
	return t;
}

void ledger_init(struct ledger *lg, const char *dialect)
{
	memset(lg, 0, sizeof *lg);
	lg->dialect = dialect;
	lg->e_sessions = -1;
}

void ledger_msg(struct ledger *lg, int conn, int side, const uint8_t *msg, int lost)
{
	if (lg->n == LEDGER_MAX_MESSAGES) {
		fprintf(stderr, "ninep-capgen: ledger full\n");
		abort();
	}
	struct ledger_entry *e = &lg->e[lg->n++];
	e->conn = conn;
	e->side = side;
	e->type = msg_type(msg);
	e->tag = msg_tag(msg);
	e->oldtag = 0;
	if (e->type == NINEP_Tflush)
		e->oldtag = (uint16_t)(msg[NINEP_HDRSZ] | msg[NINEP_HDRSZ + 1] << 8);
	e->lost = lost;
	if (message_name[e->type] == NULL || ninep_is_request(e->type) != (side == 0)) {
		fprintf(stderr, "ninep-capgen: message type %u sent by the wrong side or unknown\n", e->type);
		abort();
	}
}

void ledger_write(const struct ledger *lg, const char *path, const char *capture_file)
{
	struct tally t = compute(lg);
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		fprintf(stderr, "ninep-capgen: cannot create %s: %s\n", path, strerror(errno));
		exit(1);
	}
	fprintf(f, "# Ground truth for %s, written by ninep-capgen (captures/generator);\n", capture_file);
	fprintf(f, "# see captures/generated/README.md for what the capture holds and what each key means.\n");
	fprintf(f, "dialect %s\n", lg->dialect);
	fprintf(f, "connections %d\n", lg->connections);
	fprintf(f, "requests %llu\n", (unsigned long long)t.requests);
	fprintf(f, "replies %llu\n", (unsigned long long)t.replies);
	fprintf(f, "round_trips %llu\n", (unsigned long long)t.round_trips);
	fprintf(f, "errors %llu\n", (unsigned long long)t.errors);
	fprintf(f, "unanswered %llu\n", (unsigned long long)t.unanswered);
	fprintf(f, "flushed %llu\n", (unsigned long long)t.flushed);
	fprintf(f, "orphans %llu\n", (unsigned long long)t.orphans);
	fprintf(f, "not_9p_bytes %llu\n", (unsigned long long)lg->not_9p_bytes);
	fprintf(f, "gaps %llu\n", (unsigned long long)lg->gaps);
	fprintf(f, "gap_bytes %llu\n", (unsigned long long)lg->gap_bytes);
	if (lg->nonconforming > 0)
		fprintf(f, "nonconforming %llu\n", (unsigned long long)lg->nonconforming);
	if (lg->uncaptured_bytes > 0)
		fprintf(f, "uncaptured_bytes %llu\n", (unsigned long long)lg->uncaptured_bytes);
	fprintf(f, "messages_lost %llu\n", (unsigned long long)t.messages_lost);
	fprintf(f, "exchanges_lost %llu\n", (unsigned long long)t.exchanges_lost);
	fprintf(f, "retransmissions %llu\n", (unsigned long long)lg->retransmissions);
	fprintf(f, "retransmission_conflicts %llu\n", (unsigned long long)lg->retransmission_conflicts);
	if (lg->e_sessions >= 0)
		fprintf(f, "e_sessions %d\n", lg->e_sessions);
	if (lg->accesses_stated) {
		static const char *const kind[LEDGER_ACCESS_KINDS] = { "read", "write", "create", "list", "stat", "other" };
		fprintf(f, "file_accesses %llu\n", (unsigned long long)lg->file_accesses);
		fprintf(f, "file_access_round_trips %llu\n", (unsigned long long)lg->file_access_round_trips);
		fprintf(f, "accesses_open %llu\n", (unsigned long long)lg->accesses_open);
		for (int k = 0; k < LEDGER_ACCESS_KINDS; k++)
			fprintf(f, "accesses.%s %llu\n", kind[k], (unsigned long long)lg->accesses_kind[k]);
	}
	for (int type = 0; type < NUMBERS; type++)
		if (t.count[type] > 0)
			fprintf(f, "count.%s %llu\n", message_name[type], (unsigned long long)t.count[type]);
	if (fclose(f) != 0) {
		fprintf(stderr, "ninep-capgen: %s: write failed: %s\n", path, strerror(errno));
		exit(1);
	}
}
