/*
 * Reading the records of a classic pcap file ourselves, on the reading
 * thread, into a buffer that holds the largest record.
 *
 * libpcap reads each record with two freads and copies it twice before we
 * copy it once more; on the 2M-message bench capture that was about a
 * third of the reading thread's time, and the process is busy on both
 * cores.  libpcap still opens the file (it checks the file header and
 * knows the link types), and still reads every file this reader does not
 * take (input.c says which) and standard input.
 *
 * A record is checked as libpcap 1.10's sf-pcap.c checks it, and damage is
 * reported in its words, so that a file gives the same packets and the same
 * message whichever reads it (tests/analyzer/test_read_paths.py compares
 * the two on every bundled capture and on damaged ones).
 */
#include "capture_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	CHUNK = 1 << 20, /* the buffer */
	/* Each read asks for this much, not for the rest of the buffer: the
	 * records are parsed, fingerprinted and copied while the bytes the
	 * read brought are still in this core's cache.  Megabyte reads left
	 * the first of them out of it, and the reading thread took about 15%
	 * more CPU on the 2M-message bench capture (perf, 5 runs each). */
	READ_STEP = 128 << 10,
	RECORD_HEADER = 16,      /* ts_sec, ts_usec (or ts_nsec), caplen, len */
	MAX_SNAPLEN = 262144,    /* libpcap's ceiling for the link types we read */
	NS_PER_US = 1000,
};

/* A record is checked against MAX_SNAPLEN before its data is asked for, so
 * the buffer never has to grow. */
_Static_assert(CHUNK >= RECORD_HEADER + MAX_SNAPLEN, "a whole record fits the buffer");

struct pcapfile {
	int fd;           /* read with pread: the FILE libpcap opened is not touched */
	long long offset; /* of buf[0] in the file */
	uint8_t *buf; /* CHUNK bytes */
	size_t len, pos;
	int swapped, nsec, eof;
	uint32_t snapshot;
};

struct pcapfile *pcapfile_open(int fd, long long offset, int swapped, int nsec, uint32_t snapshot)
{
	struct pcapfile *f = calloc(1, sizeof *f);
	if (f == NULL)
		return NULL;
	f->buf = malloc(CHUNK);
	if (f->buf == NULL) {
		free(f);
		return NULL;
	}
	f->fd = fd;
	f->offset = offset;
	f->swapped = swapped;
	f->nsec = nsec;
	f->snapshot = snapshot;
	return f;
}

void pcapfile_close(struct pcapfile *f)
{
	if (f == NULL)
		return;
	free(f->buf);
	free(f);
}

/* Makes at least `want` bytes available at pos, or as many as the file has
 * left; returns how many are available, or -1 on a read error (errno). */
static long long fill(struct pcapfile *f, size_t want)
{
	if (f->len - f->pos >= want || f->eof)
		return (long long)(f->len - f->pos);
	memmove(f->buf, f->buf + f->pos, f->len - f->pos);
	f->offset += (long long)f->pos;
	f->len -= f->pos;
	f->pos = 0;
	while (f->len < want) {
		size_t room = CHUNK - f->len;
		size_t ask = room < READ_STEP ? room : READ_STEP;
		ssize_t n = pread(f->fd, f->buf + f->len, ask, f->offset + (long long)f->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			f->eof = 1;
			break;
		}
		f->len += (size_t)n;
	}
	return (long long)f->len;
}

static uint32_t field(const struct pcapfile *f, const uint8_t *p)
{
	uint32_t v = rd_le32(p);
	return f->swapped ? __builtin_bswap32(v) : v;
}

int pcapfile_next(struct pcapfile *f, struct pcapfile_packet *pkt, char *why, size_t whylen)
{
	long long have = fill(f, RECORD_HEADER);
	if (have < 0) {
		snprintf(why, whylen, "error reading dump file: %s", strerror(errno));
		return -1;
	}
	if (have == 0)
		return 0;
	if (have < RECORD_HEADER) {
		snprintf(why, whylen, "truncated dump file; tried to read %d header bytes, only got %lld", RECORD_HEADER,
			 have);
		return -1;
	}
	const uint8_t *h = f->buf + f->pos;
	/* libpcap keeps both time fields as signed 32-bit numbers */
	int64_t sec = (int32_t)field(f, h), frac = (int32_t)field(f, h + 4);
	uint32_t caplen = field(f, h + 8), len = field(f, h + 12);

	if (caplen > MAX_SNAPLEN) {
		if (caplen > f->snapshot)
			snprintf(why, whylen, "invalid packet capture length %u, bigger than snaplen of %d", caplen,
				 (int)f->snapshot);
		else
			snprintf(why, whylen, "invalid packet capture length %u, bigger than maximum of %u", caplen,
				 (unsigned)MAX_SNAPLEN);
		return -1;
	}
	/* More than the file's snapshot length: libpcap keeps the first
	 * snapshot bytes and reads past the rest. */
	uint32_t keep = caplen > f->snapshot ? f->snapshot : caplen;
	have = fill(f, RECORD_HEADER + (size_t)caplen);
	if (have < 0) {
		snprintf(why, whylen, "error reading dump file: %s", strerror(errno));
		return -1;
	}
	if (have < RECORD_HEADER + (long long)caplen) {
		long long got = have - RECORD_HEADER;
		snprintf(why, whylen, "truncated dump file; tried to read %u captured bytes, only got %lld",
			 got < (long long)keep ? keep : caplen, got);
		return -1;
	}
	pkt->data = f->buf + f->pos + RECORD_HEADER;
	pkt->cap_len = keep;
	pkt->wire_len = len;
	pkt->ts_sec = sec;
	pkt->ts_frac_ns = f->nsec ? frac : frac * NS_PER_US;
	pkt->end_offset = f->offset + (long long)(f->pos + RECORD_HEADER + caplen);
	f->pos += RECORD_HEADER + (size_t)caplen;
	return 1;
}
