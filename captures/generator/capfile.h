/*
 * Capture file writers: classic pcap (microsecond or nanosecond timestamps,
 * either byte order) and pcapng (SHB, one IDB, EPBs).  Frames longer than
 * the snaplen are cut, as a capturing tool would cut them.
 */
#ifndef CAPGEN_CAPFILE_H
#define CAPGEN_CAPFILE_H

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

/* Exits the program with a message when the file cannot be created. */
struct capfile *capfile_create(const char *path, const struct capfile_options *options);
void capfile_write(struct capfile *cf, uint64_t ts_ns, const uint8_t *frame, size_t len);
/* Flushes and closes; exits the program with a message on a write error. */
void capfile_close(struct capfile *cf);
const struct capfile_options *capfile_options(const struct capfile *cf);

#endif
