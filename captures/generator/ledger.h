/*
 * The ground truth of one capture: every 9P message a case put on the wire,
 * in stream order, marked lost when a correct tool cannot decode it (a gap,
 * a snaplen cut, bytes skipped while resynchronising), plus the TCP-level
 * facts the case states.  From it come the keys of NAME.expected; their
 * meaning is documented in captures/generated/README.md.
 */
#ifndef CAPGEN_LEDGER_H
#define CAPGEN_LEDGER_H

#include <stddef.h>
#include <stdint.h>

enum { LEDGER_MAX_MESSAGES = 512 };

/* File access kinds, as analyzer/accesses.c names them. */
enum { LEDGER_ACCESS_READ, LEDGER_ACCESS_WRITE, LEDGER_ACCESS_CREATE, LEDGER_ACCESS_LIST, LEDGER_ACCESS_STAT,
       LEDGER_ACCESS_OTHER, LEDGER_ACCESS_KINDS };

struct ledger_entry {
	int conn;
	int side;
	uint8_t type;
	uint16_t tag;
	uint16_t oldtag; /* Tflush */
	int lost;
};

struct ledger {
	const char *dialect; /* "9P2000.L", or "unknown" when no Tversion was seen */
	int connections;
	/* Stated by the case, because only the case knows what it did to TCP. */
	uint64_t gaps, gap_bytes;
	uint64_t uncaptured_bytes; /* cut by the snaplen; the key only where a case cuts */
	uint64_t nonconforming;    /* messages that fit no layout of their dialect; the key only where a case sends them */
	uint64_t not_9p_bytes;
	uint64_t retransmissions, retransmission_conflicts;
	int e_sessions; /* 9P2000.e only; -1 leaves the key out */
	/* File accesses, stated by the access_* cases only (others leave the keys out). */
	int accesses_stated;
	uint64_t file_accesses, file_access_round_trips, accesses_open;
	uint64_t accesses_kind[LEDGER_ACCESS_KINDS];
	size_t n;
	struct ledger_entry e[LEDGER_MAX_MESSAGES];
};

void ledger_init(struct ledger *lg, const char *dialect);
/* A finished message as sent on connection conn (0, 1, ...) by side. */
void ledger_msg(struct ledger *lg, int conn, int side, const uint8_t *msg, int lost);
/* Writes NAME.expected; exits the program with a message on failure. */
void ledger_write(const struct ledger *lg, const char *path, const char *capture_file);

#endif
