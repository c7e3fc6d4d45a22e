/*
 * Capture file writers: classic pcap (microsecond or nanosecond timestamps,
 * either byte order) and pcapng (SHB, one IDB, EPBs).  Frames longer than
 * the snaplen are cut, as a capturing tool would cut them.  Output goes
 * through a large stdio buffer: no system call per frame, so multi-GB
 * benchmark captures are written at memory speed.
 */
#ifndef CAPWRITER_CAPFILE_H
#define CAPWRITER_CAPFILE_H

#include <stddef.h>
#include <stdint.h>

/* The link types the generator writes (www.tcpdump.org/linktypes.html). */
enum {
	LINKTYPE_NULL = 0,       /* BSD loopback, AF in the writer's byte order */
	LINKTYPE_ETHERNET = 1,
	LINKTYPE_RAW = 101,      /* raw IPv4 or IPv6, version from the first nibble */
	LINKTYPE_LOOP = 108,     /* OpenBSD loopback, AF in network byte order */
	LINKTYPE_LINUX_SLL = 113,
	LINKTYPE_IPV4 = 228,
	LINKTYPE_IPV6 = 229,
	LINKTYPE_LINUX_SLL2 = 276,
};

enum capfile_format { CAPFILE_PCAP, CAPFILE_PCAPNG };

struct capfile_options {
	enum capfile_format format;
	uint32_t linktype;
	uint32_t snaplen;
	int nanosecond; /* pcap: magic 0xa1b23c4d; pcapng: if_tsresol 9 */
	int big_endian; /* pcap only: header and records written big-endian */
};

/* The snaplen tcpdump uses by default: nothing is cut. */
enum { CAPFILE_FULL_SNAPLEN = 262144 };

struct capfile;

/* Path "-" is standard output.  Exits the program with a message when the
 * file cannot be created. */
struct capfile *capfile_create(const char *path, const struct capfile_options *options);
/* One frame at ts_ns nanoseconds since the epoch (cut to microseconds
 * unless the file is nanosecond).  Exits with a message on a write error. */
void capfile_write(struct capfile *cf, uint64_t ts_ns, const uint8_t *frame, size_t len);
/* Flushes and closes; exits the program with a message on a write error. */
void capfile_close(struct capfile *cf);
const struct capfile_options *capfile_options(const struct capfile *cf);
/* Bytes written so far, headers included. */
uint64_t capfile_bytes(const struct capfile *cf);

#endif
