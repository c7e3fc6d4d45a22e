/*
 * Inputs: capture files, standard input, live interfaces.
 *
 * pcap files, standard input and interfaces go through libpcap (pcap_next_ex,
 * nanosecond timestamps), except the records of an ordinary pcap file read
 * ahead without a filter: libpcap opens it, and pcapfile.c reads them.
 * pcapng files go through our own reader (pcapng.c): libpcap refuses a
 * pcapng whose interfaces differ in link type, and one reader for all pcapng
 * files keeps the behaviour the same whichever interfaces a file holds.  Standard input cannot be peeked at and handed to
 * libpcap afterwards, so it always goes through libpcap, and a mixed pcapng
 * there is refused with a message saying so.
 *
 * A regular file is read ahead by a second thread (readahead.c), which also
 * parses each frame's headers (frame_parse); standard input and interfaces
 * are read and parsed here, where Ctrl-C can always stop them.
 */
#include "capture_internal.h"

#include <errno.h>
#include <poll.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

enum {
	LIVE_SNAPLEN = 262144, /* tcpdump's default: whole packets */
	LIVE_TIMEOUT_MS = 100, /* how often a quiet interface lets us see *stop and the time */
	MAGIC_LEN = 4,
	FILE_BUFFER = 1 << 20,       /* stdio buffer of a capture file */
	SMALL_FILE_BUFFER = 64 << 10, /* ... of one read without a reading thread */
	NS_PER_US = 1000,
	PCAP_FILE_HEADER = 24,
	PCAP_RECORD = 16,            /* ts_sec, ts_usec, caplen, len */
	PCAP_KUZNETZOV_RECORD = 24,  /* ... ifindex, protocol, pkt_type, pad */
};

static const int64_t NS_PER_S = 1000000000;

/* The first four bytes of each format, as read little-endian. */
static const uint32_t PCAPNG_MAGIC = 0x0A0D0D0A;
static const uint32_t PCAP_MAGICS[] = {
	0xa1b2c3d4, 0xd4c3b2a1, /* microseconds, either byte order */
	0xa1b23c4d, 0x4d3cb2a1, /* nanoseconds */
	0xa1b2cd34, 0x34cdb2a1, /* Kuznetzov's modified pcap */
};

struct capture_input {
	char *name; /* for messages: the path, "standard input", or the interface */
	pcap_t *pcap;
	struct pcapng_reader *ng;
	struct pcapfile *records; /* an ordinary pcap file's records, read by pcapfile.c */
	int linktype;             /* of `records` */
	/* Of the packets handed on (this thread's: a pcapng's interfaces are
	 * the reading thread's): -1 before the first, CAPTURE_LINK_TYPES_MIXED
	 * once two differed. */
	int delivered_linktype;
	char *file_buffer; /* the file's stdio buffer, freed after it closes */
	long long size;  /* file size, 0 when unknown */
	int64_t ts_scale; /* 1, or NS_PER_US when a live source only gives microseconds */
	int64_t last_ns;
	int live;         /* an interface: pcap_stats counts its drops */
	/* reading ahead (a regular file) */
	int regular;             /* a regular file: it can be opened again */
	int read_ahead;          /* wanted */
	struct readahead *ra;    /* started by the first capture_run */
	double progress;         /* of the last packet handed on */
	/* the reader's (the reading thread's, while ra runs) */
	uint64_t packets_read;   /* for "damaged after packet N" */
	long long offset;        /* where the next pcap record starts */
	unsigned record_header;  /* bytes before each pcap record's data */
};

static struct capture_input *input_new(const char *name)
{
	struct capture_input *in = calloc(1, sizeof *in);

	if (in == NULL)
		return NULL;
	in->name = strdup(name);
	if (in->name == NULL) {
		free(in);
		return NULL;
	}
	in->ts_scale = 1;
	in->progress = -1;
	in->delivered_linktype = -1;
	return in;
}

/* Checks the link type and installs the filter on a libpcap handle.  A
 * file of a link type we cannot read is read all the same (its packets
 * count as not IP, as in a pcapng): the report then says what it holds; an
 * interface of such a type is refused (there is nothing to wait for). */
static int setup_pcap(struct capture_input *in, const char *bpf_filter, int live, char *err, size_t errlen)
{
	int dlt = pcap_datalink(in->pcap);
	struct bpf_program prog;

	if (live && !link_supported(dlt)) {
		const char *name = pcap_datalink_val_to_name(dlt);
		snprintf(err, errlen, "%s: link-layer type %d (%s) is not supported", in->name, dlt,
			 name != NULL ? name : "unknown");
		return -1;
	}
	if (bpf_filter == NULL || bpf_filter[0] == '\0')
		return 0;
	if (pcap_compile(in->pcap, &prog, bpf_filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "%s: filter \"%s\": %s", in->name, bpf_filter, pcap_geterr(in->pcap));
		return -1;
	}
	if (pcap_setfilter(in->pcap, &prog) != 0) {
		snprintf(err, errlen, "%s: filter \"%s\": %s", in->name, bpf_filter, pcap_geterr(in->pcap));
		pcap_freecode(&prog);
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

static int is_pcap_magic(uint32_t m)
{
	size_t i;

	for (i = 0; i < sizeof PCAP_MAGICS / sizeof PCAP_MAGICS[0]; i++) {
		if (PCAP_MAGICS[i] == m)
			return 1;
	}
	return 0;
}

static struct capture_input *open_stdin(const char *bpf_filter, char *err, size_t errlen)
{
	char pe[PCAP_ERRBUF_SIZE] = "";
	struct capture_input *in = input_new("standard input");

	if (in == NULL) {
		snprintf(err, errlen, "standard input: out of memory");
		return NULL;
	}
	in->pcap = pcap_fopen_offline_with_tstamp_precision(stdin, PCAP_TSTAMP_PRECISION_NANO, pe);
	if (in->pcap == NULL) {
		snprintf(err, errlen, "standard input: not a readable capture: %s", pe);
		capture_close(in);
		return NULL;
	}
	if (setup_pcap(in, bpf_filter, 0, err, errlen) != 0) {
		capture_close(in);
		return NULL;
	}
	return in;
}

struct capture_input *capture_open_file(const char *path, const char *bpf_filter, char *err, size_t errlen)
{
	return capture_open_file_with(path, bpf_filter, CAPTURE_READ_AHEAD, err, errlen);
}

struct capture_input *capture_open_file_with(const char *path, const char *bpf_filter, int flags, char *err,
					     size_t errlen)
{
	char pe[PCAP_ERRBUF_SIZE] = "";
	uint8_t magic[MAGIC_LEN];
	struct capture_input *in;
	struct stat sb;
	uint32_t m;
	size_t got;
	FILE *fp;

	if (strcmp(path, "-") == 0)
		return open_stdin(bpf_filter, err, errlen);
	fp = fopen(path, "rb");
	if (fp == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	in = input_new(path);
	/* Read on this thread, a file gets the small buffer: several may be
	 * open at once (merge.c), and only one thread's readings are large. */
	size_t buffer = flags & CAPTURE_READ_AHEAD ? FILE_BUFFER : SMALL_FILE_BUFFER;
	if (in != NULL)
		in->file_buffer = malloc(buffer);
	if (in == NULL || in->file_buffer == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		fclose(fp);
		capture_close(in);
		return NULL;
	}
	/* stdio's own buffer is 4 KB: a read system call per dozen packets */
	setvbuf(fp, in->file_buffer, _IOFBF, buffer);
	/* One thread at a time reads the file (this one, or the reading
	 * thread between its start and its end), so stdio need not lock it
	 * on each of libpcap's two freads per packet, which it does once the
	 * process has a second thread. */
	__fsetlocking(fp, FSETLOCKING_BYCALLER);
	if (fstat(fileno(fp), &sb) != 0 || S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "%s: %s", path, S_ISDIR(sb.st_mode) ? "is a directory" : strerror(errno));
		fclose(fp);
		capture_close(in);
		return NULL;
	}
	got = fread(magic, 1, sizeof magic, fp);
	if (got < sizeof magic) {
		if (ferror(fp))
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		else if (got == 0)
			snprintf(err, errlen, "%s: empty file, not a capture", path);
		else
			snprintf(err, errlen, "%s: only %zu bytes, too short to be a capture", path, got);
		fclose(fp);
		capture_close(in);
		return NULL;
	}
	m = rd_le32(magic);
	if (m != PCAPNG_MAGIC && !is_pcap_magic(m)) {
		snprintf(err, errlen, "%s: not a capture file (neither pcap nor pcapng: starts with %02x %02x %02x %02x)",
			 path, magic[0], magic[1], magic[2], magic[3]);
		fclose(fp);
		capture_close(in);
		return NULL;
	}
	rewind(fp);
	in->size = S_ISREG(sb.st_mode) ? (long long)sb.st_size : 0;
	in->regular = S_ISREG(sb.st_mode);
	in->read_ahead = in->regular && (flags & CAPTURE_READ_AHEAD);
	in->progress = in->size > 0 ? 0 : -1;
	in->offset = PCAP_FILE_HEADER;
	in->record_header = m == PCAP_MAGICS[4] || m == PCAP_MAGICS[5] ? PCAP_KUZNETZOV_RECORD : PCAP_RECORD;
	if (m == PCAPNG_MAGIC) {
		in->ng = pcapng_open(fp, path, bpf_filter, err, errlen);
		if (in->ng == NULL) {
			capture_close(in);
			return NULL;
		}
		return in;
	}
	in->pcap = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, pe);
	if (in->pcap == NULL) {
		/* a pcap magic number, but libpcap could not read the header */
		snprintf(err, errlen, "%s: damaged pcap file header: %s", path, pe);
		fclose(fp);
		capture_close(in);
		return NULL;
	}
	if (setup_pcap(in, bpf_filter, 0, err, errlen) != 0) {
		capture_close(in);
		return NULL;
	}
	/* A file read ahead, without a filter, in today's format (version 2.4,
	 * microseconds or nanoseconds: no lengths to unswap, no extra record
	 * fields): its records are ours to read (pcapfile.c). */
	int nsec = m == PCAP_MAGICS[2] || m == PCAP_MAGICS[3];
	int today = m == PCAP_MAGICS[0] || m == PCAP_MAGICS[1] || nsec;
	if (in->read_ahead && today && (bpf_filter == NULL || bpf_filter[0] == '\0') &&
	    pcap_major_version(in->pcap) == 2 && pcap_minor_version(in->pcap) >= 4) {
		in->linktype = pcap_datalink(in->pcap);
		in->records = pcapfile_open(fileno(fp), PCAP_FILE_HEADER, pcap_is_swapped(in->pcap), nsec,
					    (uint32_t)pcap_snapshot(in->pcap));
	}
	return in;
}

struct capture_input *capture_open_live(const char *iface, const char *bpf_filter, int buffer_kib, char *err,
					size_t errlen)
{
	char pe[PCAP_ERRBUF_SIZE] = "";
	struct capture_input *in = input_new(iface);
	int rc;

	if (in == NULL) {
		snprintf(err, errlen, "%s: out of memory", iface);
		return NULL;
	}
	in->pcap = pcap_create(iface, pe);
	if (in->pcap == NULL) {
		snprintf(err, errlen, "%s: %s", iface, pe);
		capture_close(in);
		return NULL;
	}
	pcap_set_snaplen(in->pcap, LIVE_SNAPLEN);
	pcap_set_promisc(in->pcap, 1);
	pcap_set_timeout(in->pcap, LIVE_TIMEOUT_MS);
	if (buffer_kib > 0)
		pcap_set_buffer_size(in->pcap, buffer_kib * 1024);
	if (pcap_set_tstamp_precision(in->pcap, PCAP_TSTAMP_PRECISION_NANO) != 0)
		in->ts_scale = NS_PER_US; /* the device only does microseconds */
	rc = pcap_activate(in->pcap);
	if (rc < 0) {
		const char *why = rc == PCAP_ERROR ? pcap_geterr(in->pcap) : pcap_statustostr(rc);
		snprintf(err, errlen, "%s: cannot capture: %s", iface, why);
		capture_close(in);
		return NULL;
	}
	if (setup_pcap(in, bpf_filter, 1, err, errlen) != 0) {
		capture_close(in);
		return NULL;
	}
	/* live_wait waits; libpcap then takes what is there without blocking. */
	if (pcap_get_selectable_fd(in->pcap) < 0 || pcap_setnonblock(in->pcap, 1, pe) != 0) {
		snprintf(err, errlen, "%s: cannot capture: %s", iface, pe[0] ? pe : "no descriptor to wait on");
		capture_close(in);
		return NULL;
	}
	in->live = 1;
	return in;
}

int capture_link_type(const struct capture_input *in)
{
	if (in->pcap != NULL)
		return pcap_datalink(in->pcap);
	if (in->ng != NULL)
		return in->delivered_linktype; /* its interfaces may not all be read yet */
	return -1;
}

const char *capture_link_type_name(int linktype, char *buf, size_t size)
{
	if (link_supported(linktype))
		return link_name(linktype);
	const char *description = linktype >= 0 ? pcap_datalink_val_to_description(linktype) : NULL;
	if (description != NULL)
		snprintf(buf, size, "%s", description);
	else
		snprintf(buf, size, "link type %d", linktype);
	return buf;
}

int capture_link_type_readable(int linktype)
{
	return link_supported(linktype);
}

int capture_link_type_number(int linktype)
{
	/* The DLT_ values that are not their LINKTYPE_ number (libpcap's
	 * pcap-common.c maps them so when it writes a file); a pcapng's
	 * numbers are LINKTYPE_ already, and none of them is one of these. */
	switch (linktype) {
	case 11: /* DLT_ATM_RFC1483 */
		return 100;
	case 12: /* DLT_RAW */
	case 14: /* DLT_RAW on OpenBSD */
		return 101;
	case 15: /* DLT_SLIP_BSDOS */
		return 102;
	case 16: /* DLT_PPP_BSDOS */
		return 103;
	case 19: /* DLT_ATM_CLIP (Linux) */
		return 106;
	default:
		return linktype;
	}
}

void capture_describe_live(const struct capture_input *in, char *buf, size_t size)
{
	int dlt = pcap_datalink(in->pcap);
	const char *name = pcap_datalink_val_to_name(dlt);
	const char *description = pcap_datalink_val_to_description(dlt);
	char number[16];
	if (name == NULL) {
		snprintf(number, sizeof number, "DLT_%d", dlt);
		name = number;
	}
	snprintf(buf, size, "listening on %s, link-type %s (%s), snapshot length %d bytes", in->name, name,
		 description != NULL ? description : "unknown", pcap_snapshot(in->pcap));
}

int capture_drops(const struct capture_input *in, struct capture_drops *out)
{
	struct pcap_stat ps;
	if (!in->live || pcap_stats(in->pcap, &ps) != 0)
		return -1;
	out->kernel = ps.ps_drop;
	out->interface = ps.ps_ifdrop;
	return 0;
}

void capture_interrupt(struct capture_input *in)
{
	/* A file read ahead stops at the caller's next packet; its handle
	 * belongs to the reading thread. */
	if (in->pcap != NULL && in->ra == NULL)
		pcap_breakloop(in->pcap);
}

static void damaged(const struct capture_input *in, const char *why, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: damaged after packet %llu: %s", in->name, (unsigned long long)in->packets_read, why);
}

/* libpcap's "why" for a failed pcap_next_ex, as our message. */
static void pcap_failure(struct capture_input *in, char *err, size_t errlen)
{
	const char *why = pcap_geterr(in->pcap);
	if (strstr(why, "different") != NULL && strstr(why, "type") != NULL)
		snprintf(err, errlen,
			 "%s: a pcapng whose interfaces differ in link type can only be read from a file, not from "
			 "standard input (libpcap: %s)",
			 in->name, why);
	else
		damaged(in, why, err, errlen);
}

static int64_t time_ns(int64_t sec, int64_t frac_ns)
{
	int64_t ts = sec * NS_PER_S + frac_ns;
	/* The fields come from 32-bit ones, so this cannot overflow, but
	 * keep capture.h's promise for a damaged file all the same. */
	return ts < 0 ? 0 : ts > CAPTURE_MAX_NS ? CAPTURE_MAX_NS : ts;
}

static double progress_at(const struct capture_input *in, long long offset)
{
	return in->size <= 0 ? -1 : offset >= in->size ? 1.0 : (double)offset / (double)in->size;
}

/* ---- packet sources: called here, or on the reading thread (readahead.c) */

/*
 * An interface: until a packet is there, at most LIVE_TIMEOUT_MS.  libpcap's
 * own timeout does not wake a quiet interface (with TPACKET_V3 it starts at
 * the first packet), and a quiet capture's intervals (--every) must still
 * end.  0 when the time passed with nothing to read.
 */
static int live_wait(const struct capture_input *in)
{
	struct pollfd p = { .fd = pcap_get_selectable_fd(in->pcap), .events = POLLIN };
	return poll(&p, 1, LIVE_TIMEOUT_MS);
}

static int next_from_pcap(void *source, struct input_packet *pkt, char *err, size_t errlen)
{
	struct capture_input *in = source;
	struct pcap_pkthdr *h;
	const u_char *data;
	if (in->live && live_wait(in) == 0)
		return INPUT_IDLE;
	int rc = pcap_next_ex(in->pcap, &h, &data);

	if (rc == 0)
		return INPUT_IDLE; /* a live timeout with nothing captured */
	if (rc == PCAP_ERROR_BREAK)
		return INPUT_END; /* the end of the file, or capture_interrupt */
	if (rc != 1) {
		pcap_failure(in, err, errlen);
		return INPUT_DAMAGED;
	}
	in->packets_read++;
	in->offset += in->record_header + h->caplen;
	pkt->linktype = pcap_datalink(in->pcap);
	pkt->data = data;
	pkt->cap_len = h->caplen;
	pkt->wire_len = h->len;
	pkt->ts_ns = time_ns(h->ts.tv_sec, (int64_t)h->ts.tv_usec * in->ts_scale);
	pkt->progress = progress_at(in, in->offset);
	pkt->view = NULL;
	return INPUT_PACKET;
}

static int next_from_records(void *source, struct input_packet *pkt, char *err, size_t errlen)
{
	struct capture_input *in = source;
	struct pcapfile_packet p;
	char why[PCAP_ERRBUF_SIZE];
	int rc = pcapfile_next(in->records, &p, why, sizeof why);

	if (rc == 0)
		return INPUT_END;
	if (rc < 0) {
		damaged(in, why, err, errlen);
		return INPUT_DAMAGED;
	}
	in->packets_read++;
	in->offset = p.end_offset;
	pkt->linktype = in->linktype;
	pkt->data = p.data;
	pkt->cap_len = p.cap_len;
	pkt->wire_len = p.wire_len;
	pkt->ts_ns = time_ns(p.ts_sec, p.ts_frac_ns);
	pkt->progress = progress_at(in, in->offset);
	pkt->view = NULL;
	return INPUT_PACKET;
}

static int next_from_pcapng(void *source, struct input_packet *pkt, char *err, size_t errlen)
{
	struct capture_input *in = source;
	struct pcapng_packet p;
	int rc = pcapng_next(in->ng, &p, err, errlen);

	if (rc <= 0)
		return rc < 0 ? INPUT_DAMAGED : INPUT_END;
	pkt->linktype = p.linktype;
	pkt->data = p.data;
	pkt->cap_len = (uint32_t)p.cap_len;
	pkt->wire_len = p.wire_len;
	pkt->ts_ns = p.ts_ns;
	pkt->progress = pcapng_progress(in->ng);
	pkt->view = NULL;
	return INPUT_PACKET;
}

static input_source_fn source_of(const struct capture_input *in)
{
	return in->ng != NULL ? next_from_pcapng : in->records != NULL ? next_from_records : next_from_pcap;
}

/* The first call starts the reading thread of a file read ahead. */
static void start_reading(struct capture_input *in)
{
	if (in->read_ahead && in->ra == NULL) {
		in->ra = readahead_start(source_of(in), in);
		in->read_ahead = in->ra != NULL; /* without a thread, read here */
	}
}

/* capture_run's loop and merge.c's share these two: inline, so that the
 * loop over a single file is the same code as before there was a merge. */
static inline int pull(struct capture_input *in, input_source_fn next, struct input_packet *pkt, char *err,
		       size_t errlen)
{
	return in->ra != NULL ? readahead_next(in->ra, pkt, err, errlen) : next(in, pkt, err, errlen);
}

/* The first packet, or one of another link type than those before. */
static void note_link_type(struct capture_input *in, int linktype)
{
	in->delivered_linktype = in->delivered_linktype == -1 ? linktype : CAPTURE_LINK_TYPES_MIXED;
}

static inline void deliver(struct capture_input *in, struct reassembler *r, const struct input_packet *pkt)
{
	if (pkt->linktype != in->delivered_linktype)
		note_link_type(in, pkt->linktype);
	in->last_ns = pkt->ts_ns;
	in->progress = pkt->progress;
	if (pkt->view != NULL)
		reasm_frame(r, pkt->data, (size_t)pkt->wire_len, pkt->view, pkt->ts_ns);
	else
		reasm_packet(r, pkt->linktype, pkt->data, pkt->cap_len, (size_t)pkt->wire_len, pkt->ts_ns);
}

/* What a live capture's timestamps are: the system's real time. */
static int64_t wall_clock_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return time_ns(t.tv_sec, t.tv_nsec);
}

int capture_run(struct capture_input *in, struct reassembler *r, uint64_t max_packets, volatile sig_atomic_t *stop,
		char *err, size_t errlen)
{
	input_source_fn next = source_of(in);
	uint64_t n = 0;

	start_reading(in);
	while ((stop == NULL || !*stop) && (max_packets == 0 || n < max_packets)) {
		struct input_packet pkt;
		int rc = pull(in, next, &pkt, err, errlen);

		if (rc == INPUT_IDLE) {
			if (in->live)
				reasm_idle(r, wall_clock_ns());
			continue;
		}
		if (rc != INPUT_PACKET)
			return rc;
		n++;
		deliver(in, r, &pkt);
	}
	return 0;
}

int capture_pull(struct capture_input *in, struct input_packet *pkt, char *err, size_t errlen)
{
	start_reading(in);
	return pull(in, source_of(in), pkt, err, errlen);
}

void capture_deliver(struct capture_input *in, struct reassembler *r, const struct input_packet *pkt)
{
	deliver(in, r, pkt);
}

int capture_is_regular(const struct capture_input *in)
{
	return in->regular;
}

int capture_reads_ahead(const struct capture_input *in)
{
	return in->read_ahead;
}

long long capture_size(const struct capture_input *in)
{
	return in->size;
}

double capture_progress(const struct capture_input *in)
{
	return in->progress;
}

int64_t capture_last_ns(const struct capture_input *in)
{
	return in->last_ns;
}

void capture_close(struct capture_input *in)
{
	if (in == NULL)
		return;
	readahead_stop(in->ra); /* before what it reads goes */
	pcapfile_close(in->records);
	if (in->pcap != NULL)
		pcap_close(in->pcap); /* closes the file too */
	if (in->ng != NULL)
		pcapng_close(in->ng);
	free(in->file_buffer);
	free(in->name);
	free(in);
}
