/*
 * Capture file writers: classic pcap (microsecond or nanosecond timestamps,
 * either byte order) and pcapng (SHB, IDBs, EPBs, either byte order).
 * Frames longer than the snaplen are cut, as a capturing tool would cut
 * them.  Output goes through a large stdio buffer: no system call per
 * frame, so multi-GB benchmark captures are written at memory speed.
 * Misuse (a record on an interface that does not exist, a block in a pcap)
 * is a bug in the generator or test that writes it: it aborts with a message.
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
	uint32_t linktype;        /* pcap: the file's; pcapng: interface 0's */
	uint32_t snaplen;         /* pcap: the file's; pcapng: every interface's */
	int nanosecond;           /* pcap: magic 0xa1b23c4d; pcapng: interface 0 has if_tsresol 9 */
	int big_endian;           /* header and records (pcapng: every block) written big-endian */
	const char *shb_userappl; /* pcapng: the writing program in the SHB; NULL, no option */
};

/* The snaplen tcpdump uses by default: nothing is cut. */
enum { CAPFILE_FULL_SNAPLEN = 262144 };

/* A pcapng interface's if_tsresol: the option's value (10^-N seconds), or
 * no option at all (microseconds, the default). */
enum { CAPFILE_TSRESOL_NONE = -1, CAPFILE_TSRESOL_USEC = 6, CAPFILE_TSRESOL_NSEC = 9 };
/* Interfaces a pcapng file may declare (interface 0 included). */
enum { CAPFILE_MAX_INTERFACES = 8 };

struct capfile;

/* Path "-" is standard output.  Exits the program with a message when the
 * file cannot be created. */
struct capfile *capfile_create(const char *path, const struct capfile_options *options);
/* One frame on interface 0 at ts_ns nanoseconds since the epoch (cut to
 * microseconds unless the file is nanosecond), cut to the snaplen.  Exits
 * with a message on a write error. */
void capfile_write(struct capfile *cf, uint64_t ts_ns, const uint8_t *frame, size_t len);
/* One record as given: `caplen` bytes of `data` captured from a frame of
 * `origlen` bytes, on `interface` (0 in a pcap), nothing cut. */
void capfile_write_record(struct capfile *cf, unsigned interface, uint64_t ts_ns, const uint8_t *data,
			  size_t caplen, size_t origlen);
/* pcapng: one more interface (an IDB) with its link type and if_tsresol
 * (CAPFILE_TSRESOL_*); returns its number for capfile_write_record. */
unsigned capfile_add_interface(struct capfile *cf, uint32_t linktype, int tsresol);
/* pcapng: a block of any type with `len` bytes of body (padded to 32
 * bits), such as one of a type readers do not know and must skip. */
void capfile_write_block(struct capfile *cf, uint32_t type, const void *body, size_t len);
/* Flushes and closes; exits the program with a message on a write error. */
void capfile_close(struct capfile *cf);
const struct capfile_options *capfile_options(const struct capfile *cf);
/* Bytes written so far, headers included. */
uint64_t capfile_bytes(const struct capfile *cf);

#endif
