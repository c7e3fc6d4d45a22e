/*
 * Several capture files read as one capture (merge.c).
 *
 * Long captures are written as many files (dumpcap -b, tcpdump -C/-G,
 * editcap -c/-i), and a capture may be taken on several interfaces at once.
 * The inputs of one analysis are one capture: their packets go to one
 * reassembler in timestamp order, so a TCP connection continues from one
 * file into the next.  Files are taken in the order of their first packets
 * (whatever order they were given in); files that overlap in time are merged
 * packet by packet by timestamp.  Each packet keeps its own link type.
 *
 * Inputs are numbered as given (0, 1, ...), and every event names one.
 */
#ifndef NINEP_ANALYZER_CAPTURE_MERGE_H
#define NINEP_ANALYZER_CAPTURE_MERGE_H

#include <signal.h>
#include <stdint.h>

#include "capture.h"

struct merge_events {
	/* Input `input` could not be opened or read, or was damaged: err names
	 * the file and says how.  Its packets before the damage were
	 * delivered; the other inputs go on. */
	void (*on_failure)(void *ctx, unsigned input, const char *err);
	/* The packets delivered from here on are input `input`'s (called
	 * before the first packet, and whenever the input changes). */
	void (*on_input)(void *ctx, unsigned input);
};

struct capture_merge;

/*
 * The inputs (paths, "-" for standard input, given at most once; the
 * strings must outlive the merge), with an optional BPF filter.  NULL when
 * out of memory.  Nothing is opened yet.
 */
struct capture_merge *capture_merge_new(const char *const *paths, unsigned n, const char *bpf_filter,
					const struct merge_events *events, void *ctx);
/*
 * Feed every packet of every input to the reassembler, in timestamp order,
 * until they all end, max_packets (0: no limit) have been delivered in all,
 * or *stop becomes non-zero.  Returns 0 when every input was read cleanly,
 * -1 when at least one failed (each reported through on_failure).
 */
int capture_merge_run(struct capture_merge *m, struct reassembler *r, uint64_t max_packets,
		      volatile sig_atomic_t *stop);
/* How far through all the inputs we are, 0..1 by bytes, or -1 when unknown. */
double capture_merge_progress(const struct capture_merge *m);
/* capture_link_type of the input whose packets are being delivered (in
 * on_input: of the one that begins), or -1. */
int capture_merge_link_type(const struct capture_merge *m);
/* capture_link_type of the input'th path given, open or closed: a pcapng's
 * is known only once a packet was read, so on_input may see -1. */
int capture_merge_input_link_type(const struct capture_merge *m, unsigned input);
/* Timestamp of the last packet delivered (for reasm_free). */
int64_t capture_merge_last_ns(const struct capture_merge *m);
/* As capture_interrupt, for the input being read; safe in a signal handler. */
void capture_merge_interrupt(struct capture_merge *m);
/* Ctrl-C was pressed, but the reading goes on to the end of a pipe (its
 * writer got the Ctrl-C too): a non-regular input that fails from here on
 * (a record its writer left cut short) has ended, not failed.  Safe in a
 * signal handler. */
void capture_merge_note_interrupt(struct capture_merge *m);
void capture_merge_free(struct capture_merge *m);

#endif
